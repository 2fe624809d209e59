/**
 * Deleting resources the way the engine does at the end of an update and in `destroy`: dependents before what they
 * depend on, dynamic resources through the provider host with the code and outputs stored in the state.
 */
import { isDynamicType, type Diagnostic } from "./engine-model";
import { HostCallError, type ProviderHost } from "./provider-host";
import { unwrapBag } from "./property-values";
import type { ResourceState } from "./state";

/**
 * Orders resources for deletion: newest first, but never before a resource that still has it as parent or
 * dependency (children and dependents go first).
 */
export function deletionOrder(resources: readonly ResourceState[]): ResourceState[] {
  const remaining = [...resources].reverse();
  const ordered: ResourceState[] = [];
  while (remaining.length > 0) {
    let index = remaining.findIndex(
      (candidate) =>
        !remaining.some(
          (other) => other !== candidate && (other.parent === candidate.urn || other.dependencies.includes(candidate.urn)),
        ),
    );
    if (index < 0) {
      index = 0;
    }
    ordered.push(...remaining.splice(index, 1));
  }
  return ordered;
}

/** The provider's message for a failed host call (the gRPC details), else the error message. */
export function errorDetails(error: unknown): string {
  if (error instanceof HostCallError) {
    return error.details;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Deletes a resource through its provider when it has one (dynamic); other resources are just dropped. */
async function deleteThroughProvider(resource: ResourceState, providerHost: () => Promise<ProviderHost>): Promise<void> {
  if (!resource.custom || resource.external || !isDynamicType(resource.type) || !resource.id) {
    return;
  }
  const host = await providerHost();
  await host.delete(resource.urn, resource.id, unwrapBag(resource.outputs), unwrapBag(resource.inputs));
}

/**
 * Deletes `resources` in {@link deletionOrder}. A failed deletion keeps the resource, and also keeps whatever it
 * still depends on. Returns the resources that remain.
 */
export async function deleteResources(
  resources: readonly ResourceState[],
  providerHost: () => Promise<ProviderHost>,
  onDeleted: (resource: ResourceState) => void,
  diagnostics: Diagnostic[],
): Promise<ResourceState[]> {
  const kept: ResourceState[] = [];
  for (const resource of deletionOrder(resources)) {
    const neededByKept = kept.some((other) => other.parent === resource.urn || other.dependencies.includes(resource.urn));
    if (neededByKept) {
      kept.push(resource);
      continue;
    }
    try {
      await deleteThroughProvider(resource, providerHost);
      onDeleted(resource);
    } catch (error) {
      diagnostics.push({ severity: "error", urn: resource.urn, message: `deleting ${resource.urn}: ${errorDetails(error)}` });
      kept.push(resource);
    }
  }
  return resources.filter((resource) => kept.includes(resource));
}

/**
 * The soak run's model of what the engine's state would hold, and the final comparison of AEP (the emulator's
 * store) with it: duplicates, orphans, lost updates, missing connections.
 */
import { splitMarker } from "../../provider/flow-service/identity";
import { isDeepStrictEqual } from "node:util";
import { sources } from "../../provider/sources";
import type { Emulator, RecordedRequest, StoredConnection } from "../../emulator";
import { HostCallError, type PropertyBag } from "../../harness/provider-host";
import type { Variant } from "../../harness/rig";

/** One logical resource of the soak (one `BaseConnection` in a program). */
export interface SoakResource {
  /** Unique over every stack. */
  index: number;
  /** The number in its name: the same in every stack (stacks of one program declare the same names). */
  nameIndex: number;
  /** The stack it belongs to; its resource identity derives from this and the name. */
  stack: string;
  urn: string;
  variant: Variant;
  /** "prod" is the provider's default sandbox (no `sandboxName` input); "dev" is set explicitly. */
  sandboxName: "prod" | "dev";
  /** Declared inputs, as the program would pass them now. */
  inputs: PropertyBag;
  /** What the engine's state holds: undefined when the resource is not in state. */
  state?: { id: string; outputs: PropertyBag; inputs: PropertyBag };
  /** Content AEP must hold for this resource (the last successfully applied inputs). */
  expected?: ExpectedContent;
  /** A hand-made connection the program adopts; it belongs to the user until the adoption succeeds. */
  adoptId?: string;
  /** Version counter used in names. */
  version: number;
  /** Contents of updates that failed (without an id) since the last acknowledged state: AEP may hold one as a whole. */
  unacknowledged: ExpectedContent[];
  /** A delete failed since the last acknowledged state: AEP may have applied it. */
  deleteFailed: boolean;
  /** A create failed without an id (lost answer, killed host): the next `up` runs it again. */
  createPending: boolean;
}

export interface ExpectedContent {
  sandboxName: string;
  name: string;
  description: string | undefined;
  connectionSpecId: string;
  specName: string;
  params: Record<string, unknown>;
}

export function expectedContent(resource: SoakResource, inputs: PropertyBag): ExpectedContent {
  const auth = inputs["auth"] as { specName: string; params: Record<string, unknown> };
  return {
    sandboxName: resource.sandboxName,
    name: String(inputs["name"]),
    description: typeof inputs["description"] === "string" ? inputs["description"] : undefined,
    connectionSpecId: sources[resource.variant.source].connectionSpec.id,
    specName: auth.specName,
    params: auth.params,
  };
}

function contentOf(connection: StoredConnection): ExpectedContent {
  return {
    sandboxName: connection.sandboxName,
    name: connection.name,
    // As the user declared it: AEP holds it with the create marker at its end.
    description: splitMarker(connection.description).text,
    connectionSpecId: connection.connectionSpec.id,
    specName: connection.auth.specName,
    params: connection.auth.params,
  };
}

function sameContent(a: ExpectedContent, b: ExpectedContent): boolean {
  return isDeepStrictEqual(a, b);
}

/** What a soak counts of the operations of one kind of resource, by operation kind `K`. */
export interface OperationCounts<K extends string> {
  /** Operations started, by kind. */
  operations: Record<K, number>;
  /** Operations that failed, by kind, and by short reason. */
  failures: Record<K, number>;
  failureReasons: Record<string, number>;
  /** Failures that carried the object's id (the engine records it). */
  recordedFailures: number;
}

/** Result of comparing AEP with the model. */
export interface Consistency {
  /** Connections beyond the first for one logical resource (one create marker). */
  duplicates: number;
  /** Connection ids held in the state of more than one resource (of any stack). */
  sharedIds: number;
  /** Connections in AEP that neither the engine's state nor the user (a not-yet-adopted one) accounts for. */
  orphans: number;
  /** Resources whose connection in AEP differs from the last successful create/update (name, params, ...). */
  lostUpdates: number;
  /** Resources in the engine's state whose connection is not in AEP. */
  missing: number;
  /**
   * Operations reported as failed although AEP applied them as a whole (an update's full content, or a delete): not
   * lost, since the next `pulumi up` converges, but the engine was told they failed.
   */
  appliedDespiteError: number;
  /** Resources whose stored etag is behind AEP's (a refresh would catch up; not an error). */
  staleEtags: number;
  /** One line per problem found. */
  problems: string[];
}


/**
 * Compares AEP with the model. `vanished` lists what refreshes reported gone during the run (the engine dropped those
 * resources from state): after a failed delete that is the delete having been applied, otherwise a missing connection.
 */
export function compareWithStore(
  emulator: Emulator,
  resources: readonly SoakResource[],
  vanished: readonly { index: number; id: string; afterFailedDelete: boolean }[] = [],
): Consistency {
  const stored = emulator.store.list();
  const byId = new Map(stored.map((connection) => [connection.id, connection]));
  const result: Consistency = { duplicates: 0, sharedIds: 0, orphans: 0, lostUpdates: 0, missing: 0, appliedDespiteError: 0, staleEtags: 0, problems: [] };
  for (const gone of vanished) {
    if (gone.afterFailedDelete) {
      result.appliedDespiteError += 1;
      result.problems.push(`applied despite error: a delete of soak-${gone.index} (${gone.id}) failed, and a refresh found it gone`);
    } else {
      result.missing += 1;
      result.problems.push(`missing: a refresh found soak-${gone.index} (${gone.id}) gone, though nothing deleted it`);
    }
  }
  const accounted = new Set<string>();
  for (const resource of resources) {
    if (resource.adoptId !== undefined) accounted.add(resource.adoptId);
    if (resource.state === undefined) continue;
    accounted.add(resource.state.id);
    const connection = byId.get(resource.state.id);
    if (connection === undefined) {
      if (resource.deleteFailed) {
        result.appliedDespiteError += 1;
        result.problems.push(`applied despite error: a delete of soak-${resource.index} (${resource.state.id}) failed, but AEP deleted it`);
      } else {
        result.missing += 1;
        result.problems.push(`missing: soak-${resource.index} is in state as ${resource.state.id}, which AEP does not have`);
      }
      continue;
    }
    const actual = contentOf(connection);
    if (resource.expected && !sameContent(actual, resource.expected) && resource.unacknowledged.some((c) => sameContent(actual, c))) {
      result.appliedDespiteError += 1;
      result.problems.push(`applied despite error: an update of soak-${resource.index} (${connection.id}) failed, but AEP holds its full content`);
    } else if (resource.expected && !sameContent(actual, resource.expected)) {
      result.lostUpdates += 1;
      result.problems.push(
        `lost update: soak-${resource.index} (${connection.id}) holds ${JSON.stringify(contentOf(connection).name)} ` +
          `in ${connection.sandboxName}, expected ${JSON.stringify(resource.expected.name)} in ${resource.expected.sandboxName}` +
          (isDeepStrictEqual(connection.auth.params, resource.expected.params) ? "" : " (params differ)"),
      );
    }
    if (resource.state.outputs["etag"] !== connection.etag) result.staleEtags += 1;
  }
  const holders = new Map<string, number>();
  for (const resource of resources) {
    if (resource.state !== undefined) holders.set(resource.state.id, (holders.get(resource.state.id) ?? 0) + 1);
  }
  for (const [id, count] of holders) {
    if (count > 1) {
      result.sharedIds += count - 1;
      result.problems.push(`shared id: ${id} is in the state of ${count} resources`);
    }
  }
  // One logical resource is one create marker (identity); connections without one were made by hand.
  const perResource = new Map<string, number>();
  for (const connection of stored) {
    const marker = splitMarker(connection.description).key;
    const key = marker === undefined ? `unmarked:${connection.id}` : marker;
    perResource.set(key, (perResource.get(key) ?? 0) + 1);
    if (!accounted.has(connection.id)) {
      result.orphans += 1;
      result.problems.push(`orphan: ${connection.id} ${JSON.stringify(connection.name)} in ${connection.sandboxName} is not in state`);
    }
  }
  for (const [key, count] of perResource) {
    if (count > 1) {
      result.duplicates += count - 1;
      result.problems.push(`duplicate: ${count} connections with the create marker ${key}`);
    }
  }
  return result;
}

/** What one operation touched, to find its requests in the emulator's log. */
export interface OperationTrace {
  /** Sequence numbers of the emulator's request log: after the last request before the operation, and at its end. */
  fromSeq: number;
  toSeq: number;
  /** Connection ids and names the operation is about. */
  ids: string[];
  names: string[];
}

/** True when a logged request belongs to the operation (by connection id in the path, or by name for a create). */
function belongsTo(request: RecordedRequest, trace: OperationTrace): boolean {
  if (request.kind !== "flow" || request.seq <= trace.fromSeq || request.seq > trace.toSeq) return false;
  if (trace.ids.some((id) => request.route.startsWith(`/connections/${id}`))) return true;
  if (request.route !== "/connections") return false;
  const body = request.body as { name?: unknown } | undefined;
  if (request.method === "POST") return trace.names.includes(String(body?.name));
  const filters = request.query["property"] ?? [];
  return trace.names.some((name) => filters.includes(`name==${name}`));
}

/**
 * Requests sent again within one operation: same method and path as an earlier request of that operation that got no
 * success (a fault, a 401, a 412, a 5xx): retries, token refreshes, the re-PATCH after a 412, a create sent again after
 * its lookup found nothing.
 */
export function countRetries(log: readonly RecordedRequest[], traces: readonly OperationTrace[]): number {
  let retries = 0;
  for (const trace of traces) {
    const failed = new Set<string>();
    for (const request of log) {
      if (!belongsTo(request, trace)) continue;
      const key = `${request.method} ${request.route}`;
      if (failed.has(key)) retries += 1;
      if (request.fault !== undefined || request.status < 200 || request.status >= 300) failed.add(key);
      else failed.delete(key);
    }
  }
  return retries;
}

/** A short, stable label for a failure, for counting: the error text without ids and numbers. */
export function reasonOf(error: unknown): string {
  // gRPC UNAVAILABLE or CANCELLED: the host died under the call (a kill of the soak), so the engine heard nothing.
  if (error instanceof HostCallError && (error.code === 14 || error.code === 1)) return "no answer: the provider host was killed";
  const text = error instanceof HostCallError ? error.details : error instanceof Error ? error.message : String(error);
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/\b[0-9a-f]{24,32}\b/g, "<id>")
    .replace(/\(request id [^)]*\)/g, "")
    .replace(/\s+/g, " ")
    .slice(0, 140)
    .trim();
}

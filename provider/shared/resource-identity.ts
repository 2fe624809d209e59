/**
 * The create identity of a Pulumi resource, computed in the program (it needs the stack and the parent URN), passed
 * to the provider as the `identity` input of every object type.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { ObjectTypeName } from "../objects";
import type { OperationTimeouts } from "./timeouts";

/**
 * The key of the marker a create writes into the object's marker field (a description; a mapping set's name) (flow-service/identity.ts): a digest of
 * what makes the resource unique to Pulumi (organization, project, stack, parent and name). Another stack's
 * object never carries it; the same resource gets it in every run, so a run killed after AEP committed a
 * create leaves an object the next run finds instead of creating a second one.
 */
export function resourceIdentity(type: string, name: string, parent: pulumi.Resource | undefined): pulumi.Output<string> {
  // The parent's URN as a plain promise: as an Output it would make the resource depend on its parent, and a
  // dependency on a component is one on all of its children, some of which may depend on this resource.
  const parentUrn: pulumi.Input<string> = parent === undefined ? "" : urnPromise(parent);
  return pulumi.output(parentUrn).apply((urn) =>
    createHash("sha256")
      .update(JSON.stringify([organization(), pulumi.getProject(), pulumi.getStack(), urn, type, name]))
      .digest("hex")
      .slice(0, 16),
  );
}

/** The URN of `resource` as a promise that carries no dependency on it (the SDK's `Output.promise()`). */
function urnPromise(resource: pulumi.Resource): Promise<string> {
  return (resource.urn as unknown as { promise(): Promise<string> }).promise();
}

/** The stack's organization; unit tests under `setMocks` may not name one. */
function organization(): string {
  try {
    return pulumi.getOrganization();
  } catch {
    return "";
  }
}


/** Arguments every dataflow object resource takes besides its own. */
export interface ObjectCommonArgs {
  /**
   * Sandbox holding the object: the sandbox of the objects it refers to. Changing it replaces the object.
   * @default config `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod`
   */
  sandboxName?: pulumi.Input<string>;
  /**
   * Deadlines of the object's operations, retries included, as durations such as `"90s"` or `"10m"`.
   * @default { create: "5m", read: "2m", update: "5m", delete: "5m" }
   */
  timeouts?: pulumi.Input<OperationTimeouts>;
}

/**
 * The property bag of the dynamic resource `name` of object type `type`: its arguments, its computed outputs as
 * `undefined` (so the SDK resolves them from the provider's answer), its sandbox (an output too) and its identity.
 */
export function objectProps(type: ObjectTypeName, name: string, args: object, computed: readonly string[], parent: pulumi.Resource | undefined): pulumi.Inputs {
  return {
    ...args,
    ...Object.fromEntries(computed.map((key) => [key, undefined])),
    sandboxName: (args as ObjectCommonArgs).sandboxName,
    identity: resourceIdentity(`pulumi-nodejs:dynamic/aep:${type}`, name, parent),
  };
}

/**
 * How declared inputs compare with what state holds: what `diff` reports (in-place update or replacement, the way
 * Flow Service allows) and the JSON Patch that `update` sends.
 *
 * Flow Service can PATCH a connection's name, description and auth params; it cannot change its connection spec
 * (FLOW-1414) or its auth spec, and a connection cannot move between sandboxes. Those three replace.
 */
import type { JsonPatchOperation } from "../flow-service";
import { withMarker } from "../flow-service/identity";
import { hasUnknown, sameRecord } from "../shared/check";
import type { BaseConnectionInputs } from "./inputs";
import { splitParams, type KnownBaseConnectionInputs, type StoredOutputs } from "./outputs";

/** What `diff` tells the engine. */
export interface BaseConnectionDiff {
  changes: boolean;
  /** Input paths whose change replaces the connection. */
  replaces: string[];
}

/**
 * Whether the declared auth differs from state: params not known yet (preview) count as changed; otherwise both the
 * non-secret params (as AEP last reported them) and the secret ones (as last declared) must be equal.
 */
export function authChanged(olds: StoredOutputs, inputs: BaseConnectionInputs): boolean {
  const params = inputs.auth.params;
  if (typeof params !== "object" || hasUnknown(params)) {
    return true;
  }
  const { publicParams, secretParams } = splitParams({ source: inputs.source, auth: { specName: inputs.auth.specName, params } });
  return !sameRecord(olds.authParams, publicParams) || !sameRecord(olds.secretAuthParams, secretParams);
}

/**
 * The diff of declared inputs against stored outputs. `declaredSandbox` is the sandbox the inputs resolve to
 * (their own, else the provider's default). Fields that older state lacks never force a replacement.
 */
export function diffBaseConnection(olds: StoredOutputs, inputs: BaseConnectionInputs, declaredSandbox: string): BaseConnectionDiff {
  const replaces: string[] = [];
  if (olds.source !== undefined && inputs.source !== olds.source) replaces.push("source");
  if (olds.authSpecName !== undefined && inputs.auth.specName !== olds.authSpecName) replaces.push("auth.specName");
  if (olds.sandboxName !== undefined && declaredSandbox !== olds.sandboxName) replaces.push("sandboxName");
  const changes =
    replaces.length > 0 ||
    aepFieldsChanged(olds, inputs) ||
    inputs.verify !== (olds.verify ?? false) ||
    !sameRecord(olds.timeouts ?? {}, inputs.timeouts ?? {});
  return { changes, replaces };
}

/** Whether what AEP holds (name, description, auth params) differs from state: only then does an update write. */
export function aepFieldsChanged(olds: StoredOutputs, inputs: BaseConnectionInputs): boolean {
  return inputs.name !== olds.name || (inputs.description || undefined) !== (olds.description || undefined) || authChanged(olds, inputs);
}

/**
 * The JSON Patch that writes the whole declared state (name, description, every auth param), not only what differs
 * from state: after an update that AEP applied but whose answer was lost (a killed host), state is behind AEP, and
 * a diff against it would leave that update's fields in place. `olds` (when known) tells whether a description
 * of a connection without an identity must be removed.
 */
export function patchOperations(olds: StoredOutputs | undefined, inputs: KnownBaseConnectionInputs): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [{ op: "replace", path: "/name", value: inputs.name }];
  const description = describedAs(inputs);
  if (description !== undefined) {
    operations.push({ op: "add", path: "/description", value: description });
  } else if (olds?.description) {
    // Only without an identity (with one, the marker is always there): removing an absent description fails (FLOW-1455).
    operations.push({ op: "remove", path: "/description" });
  }
  // `/auth/params` is replaced whole, so every param is sent, unchanged secrets included.
  operations.push({ op: "replace", path: "/auth/params", value: inputs.auth.params });
  return operations;
}

/** The description as AEP holds it: the declared one, with the resource's create marker at its end. */
export function describedAs(inputs: Pick<BaseConnectionInputs, "description" | "identity">): string | undefined {
  if (inputs.identity === undefined) return inputs.description || undefined;
  return withMarker(inputs.description || undefined, inputs.identity);
}

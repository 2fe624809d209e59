/**
 * Vocabulary shared by the test engine's parts: steps, diagnostics, mock callbacks, URNs and resource kinds.
 */
import { dynamicTypePrefix, stackType } from "./sdk";

/** What happened to a resource. */
export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh-delete" | "refresh-update" | "read";

/** One engine step, in the order the engine performed (or, in preview, planned) it. */
export interface Step {
  readonly op: StepOp;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** Set when the provider call for this step failed (the resource may still be recorded, e.g. partially created). */
  readonly failed?: true;
  /**
   * Update and replace of a dynamic resource: the property paths `pulumi preview --diff` marks for it (see
   * `displayedDiffPaths`), and the keys the provider said force the replacement (the engine's `keys`).
   */
  readonly diff?: StepDiff;
}

/** What an update or replace changes, as the engine shows it. */
export interface StepDiff {
  /** Input property paths shown as changed (`name`, `auth.params.user`), sorted; secrets compare as `[secret]`. */
  readonly paths: readonly string[];
  /** Top-level keys the provider reported as needing a replacement (empty for an update). */
  readonly replaces: readonly string[];
}

/** A diagnostic message: engine `Log` calls from the program (DEBUG filtered) and the engine's own step errors. */
export interface Diagnostic {
  readonly severity: "info" | "warning" | "error";
  readonly message: string;
  readonly urn?: string;
}

/**
 * Answers a non-dynamic custom resource (e.g. `azure-native:...`, `random:index/randomPassword:RandomPassword`) with
 * its full outputs. `inputs` are plain (secrets unwrapped; unknowns appear as the sentinel during preview). Return
 * `undefined` to echo the inputs. A non-empty string `id` in the result becomes the resource id (default
 * `<name>-id`, kept across updates) and is not stored as an output. Wire secrets
 * (`{ [specialSigKey]: specialSecretSig, value }`) in the result stay secret; `additionalSecretOutputs` apply.
 */
export type MockResourceOutputs = (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;

/** Answers an `Invoke` (provider function call) with its result, or `undefined` for "unknown function". */
export type MockInvoke = (token: string, args: Record<string, unknown>) => Record<string, unknown> | undefined;

/** True for Node.js dynamic resource types (`pulumi-nodejs:dynamic[/module]:Type`). */
export function isDynamicType(type: string): boolean {
  return type === dynamicTypePrefix || type.startsWith(`${dynamicTypePrefix}:`) || type.startsWith(`${dynamicTypePrefix}/`);
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>`, the qualified type chaining non-stack parent types. */
export function makeUrn(stack: string, project: string, parentUrn: string, type: string, name: string): string {
  const parentType = parentUrn ? parentUrn.split("::")[2] : undefined;
  const qualifiedType = parentType && parentType !== stackType ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

/** The name part of a URN. */
export function urnName(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

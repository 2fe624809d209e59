/**
 * PATCH /connections/{id}: a JSON Patch array (a single operation object is accepted too, as in Adobe's OpenAPI
 * example), ops `add`/`replace`/`remove` in any case, guarded by `If-Match` compared verbatim with the etag
 * (double quotes included). All operations apply atomically: one invalid op leaves the connection unchanged.
 *
 * Patchable paths: `/name`, `/description`, `/auth/params` (the whole object is replaced) and `/auth/params/<key>`.
 * The resulting params are validated against the auth spec exactly like POST.
 */
import { findConnectionSpec } from "./catalogue";
import { checkAuthParams, requireJsonBody } from "./connections";
import type { FlowCall } from "./context";
import { flowErrors } from "./errors";
import { jsonReply, type Reply } from "./http";
import type { StoredConnection } from "./types";
import { clientActor } from "./store";

export type PatchOp = "add" | "replace" | "remove";

/** One parsed JSON Patch operation (shared by every PATCH route, so they parse ops and paths alike). */
export interface Instruction {
  op: PatchOp;
  /** JSON Pointer segments, unescaped. */
  segments: string[];
  path: string;
  value: unknown;
}

interface Draft {
  name: string;
  description: string | undefined;
  params: Record<string, unknown>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseInstructions(body: unknown): Instruction[] {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) throw flowErrors.emptyBody("The patch instructions cannot be empty.");
  return list.map((entry): Instruction => {
    if (!isObject(entry)) throw flowErrors.invalidPatch("Each patch instruction must be an object");
    const { op, path } = entry;
    if (typeof op !== "string") throw flowErrors.invalidPatch('Missing field "op"');
    const normalized = op.toLowerCase();
    if (normalized !== "add" && normalized !== "replace" && normalized !== "remove") throw flowErrors.unsupportedPatchOperation(op);
    if (typeof path !== "string" || !path.startsWith("/")) throw flowErrors.invalidPatch('Missing field "path"');
    if (normalized !== "remove" && !("value" in entry)) throw flowErrors.invalidPatch('Missing field "value"');
    const segments = path
      .slice(1)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
    return { op: normalized, segments, path, value: entry["value"] };
  });
}

function missingField(name: string): never {
  throw flowErrors.invalidPatch(`Missing field "${name}"`);
}

function requireString(instruction: Instruction, field: string): string {
  if (typeof instruction.value !== "string") throw flowErrors.invalidPatch(`The value of "${field}" must be a string`);
  return instruction.value;
}

function applyInstruction(draft: Draft, instruction: Instruction): void {
  const { op, segments } = instruction;
  const [head, second, third, ...rest] = segments;
  if (head === "connectionSpec") throw flowErrors.connectionSpecNotUpdatable();

  if (head === "name" && second === undefined) {
    if (op === "remove") throw flowErrors.invalidPatch('The field "name" is required and cannot be removed');
    const name = requireString(instruction, "name");
    if (name.trim() === "") throw flowErrors.invalidPatch('The field "name" cannot be empty');
    draft.name = name;
    return;
  }
  if (head === "description" && second === undefined) {
    if (op !== "add" && draft.description === undefined) missingField("description");
    draft.description = op === "remove" ? undefined : requireString(instruction, "description");
    return;
  }
  if (head === "auth" && second === "specName" && third === undefined) {
    throw flowErrors.invalidPatch('The field "auth.specName" cannot be updated; create a new connection to change the authentication type');
  }
  if (head === "auth" && second === "params" && third === undefined) {
    if (op === "remove") {
      draft.params = {};
    } else {
      if (!isObject(instruction.value)) throw flowErrors.invalidPatch('The value of "auth.params" must be an object');
      draft.params = { ...instruction.value };
    }
    return;
  }
  if (head === "auth" && second === "params" && third !== undefined && rest.length === 0) {
    if (op !== "add" && !Object.hasOwn(draft.params, third)) missingField(third);
    if (op === "remove") delete draft.params[third];
    else draft.params[third] = instruction.value;
    return;
  }
  missingField(segments.at(-1) ?? instruction.path);
}

/** PATCH /connections/{id} → 200 {id, etag}. */
export function patchConnection(call: FlowCall, id: string): Reply {
  const ifMatch = requireIfMatch(call);
  const instructions = parseInstructions(requireJsonBody(call));
  const connection = call.runtime.store.find(id, call.orgId, call.sandboxName);
  if (connection === undefined) throw flowErrors.notFound(id);
  if (ifMatch !== connection.etag) throw flowErrors.versionMismatch(ifMatch, connection.etag);

  const draft: Draft = { name: connection.name, description: connection.description, params: { ...connection.auth.params } };
  for (const instruction of instructions) applyInstruction(draft, instruction);
  validateParams(connection, draft.params);

  const updated = call.runtime.store.update(
    connection,
    { name: draft.name, description: draft.description ?? null, params: draft.params },
    clientActor(call.clientId),
  );
  return jsonReply(200, { id: updated.id, etag: updated.etag });
}

/** The `If-Match` header, or FLOW-1403-400 when it is missing (checked before the body, as for connections). */
export function requireIfMatch(call: FlowCall): string {
  const ifMatch = call.headers["if-match"];
  if (ifMatch === undefined || ifMatch === "") throw flowErrors.missingIfMatch();
  return ifMatch;
}

function validateParams(connection: StoredConnection, params: Record<string, unknown>): void {
  const spec = findConnectionSpec(connection.connectionSpec.id);
  // A connection seeded out of band with an unknown spec cannot be validated; accept its params as they are.
  if (spec === undefined) return;
  checkAuthParams(spec, connection.auth.specName, params);
}

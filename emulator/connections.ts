/** Route handlers for base connections (create, read, delete, test, explore) and connection specs. */
import { CONNECTION_SPECS, authParamProblems, findAuthSpec, findConnectionSpec, secretParamNames, type ConnectionSpec } from "./catalogue";
import { FLOW_SERVICE_BASE_PATH, type FlowCall } from "./context";
import { flowErrors } from "./errors";
import { applyFilters, parsePropertyFilter, stringField, type FilterFields } from "./filters";
import { jsonReply, type Reply } from "./http";
import type { StoredConnection } from "./types";
import { clientActor, type NewConnectionRecord } from "./store";

/** What GET returns in place of a `format: password` param when masking is on. */
export const MASKED_SECRET = "********";

/** A `ConnectionItemDTO` as Flow Service returns it (field order as in Adobe's examples). */
export function renderConnection(c: StoredConnection, maskSecrets: boolean): Record<string, unknown> {
  const secrets = maskSecrets ? secretParamNames(c.connectionSpec.id, c.auth.specName) : [];
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(c.auth.params)) params[name] = secrets.includes(name) ? MASKED_SECRET : value;
  return {
    id: c.id,
    name: c.name,
    ...(c.description === undefined ? {} : { description: c.description }),
    connectionSpec: { ...c.connectionSpec },
    state: c.state,
    auth: { specName: c.auth.specName, params },
    version: c.etag,
    etag: c.etag,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    createdBy: c.createdBy,
    updatedBy: c.updatedBy,
    createdClient: c.createdClient,
    updatedClient: c.updatedClient,
    sandboxId: c.sandboxId,
    sandboxName: c.sandboxName,
    imsOrgId: c.orgId,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON body of a write, or the documented error for an empty / null / malformed one. */
export function requireJsonBody(call: FlowCall): unknown {
  if (call.body.kind === "empty") throw flowErrors.emptyBody();
  if (call.body.kind === "invalid") throw flowErrors.emptyBody("The request body is not valid JSON.");
  if (call.body.value === null) throw flowErrors.emptyBody();
  return call.body.value;
}

/** Validates auth params against the catalogue, raising the emulator's FLOW-1409-400 when they do not fit. */
export function checkAuthParams(spec: ConnectionSpec, specName: string, params: unknown): Record<string, unknown> {
  const auth = findAuthSpec(spec, specName);
  if (auth === undefined) throw flowErrors.unknownAuthSpec(specName, spec.id);
  const problems = authParamProblems(auth, params);
  if (problems.length > 0) throw flowErrors.invalidAuthParams(problems, specName, spec.id);
  return params as Record<string, unknown>;
}

/** POST /connections → 201 {id, etag} with a Location header. */
export function createConnection(call: FlowCall): Reply {
  const body = requireJsonBody(call);
  if (!isObject(body)) throw flowErrors.invalidBody("The request body must be a JSON object.");
  const { name, description, auth, connectionSpec } = body;
  if (typeof name !== "string" || name.trim() === "") throw flowErrors.invalidBody("The field 'name' is required and must be a non-empty string.");
  if (description !== undefined && typeof description !== "string") throw flowErrors.invalidBody("The field 'description' must be a string.");
  if (!isObject(connectionSpec) || typeof connectionSpec["id"] !== "string") {
    throw flowErrors.invalidBody("The field 'connectionSpec.id' is required and must be a string.");
  }
  const spec = findConnectionSpec(connectionSpec["id"]);
  if (spec === undefined) throw flowErrors.invalidSpecId(`No connection spec has the ID '${connectionSpec["id"]}'.`);
  const version = connectionSpec["version"] ?? spec.version; // "Omitting this value will default to the most recent version"
  if (version !== spec.version) throw flowErrors.invalidSpecId(`The connection spec ${spec.id} has no version '${String(version)}' (available: ${spec.version}).`);
  if (!isObject(auth)) throw flowErrors.invalidBody("The field 'auth' is required and must be an object.");
  const specName = auth["specName"];
  if (typeof specName !== "string") throw flowErrors.invalidBody("The field 'auth.specName' is required and must be a string.");
  const params = checkAuthParams(spec, specName, auth["params"]);

  const record: NewConnectionRecord = {
    orgId: call.orgId,
    sandboxName: call.sandboxName,
    name,
    connectionSpec: { id: spec.id, version: spec.version },
    auth: { specName, params },
  };
  if (description !== undefined) record.description = description;
  const created = call.runtime.store.create(record, clientActor(call.clientId));
  return jsonReply(201, { id: created.id, etag: created.etag }, { location: `${FLOW_SERVICE_BASE_PATH}/connections/${created.id}` });
}

export function findOrFail(call: FlowCall, id: string): StoredConnection {
  const found = call.runtime.store.find(id, call.orgId, call.sandboxName);
  if (found === undefined) throw flowErrors.notFound(id);
  return found;
}

/** GET /connections/{id} → {items: [item]}. */
export function getConnection(call: FlowCall, id: string): Reply {
  return jsonReply(200, { items: [renderConnection(findOrFail(call, id), call.runtime.maskSecrets)] });
}

/** DELETE /connections/{id} → 204, or 400 FLOW-1418-400 while dataflows use it. */
export function deleteConnection(call: FlowCall, id: string): Reply {
  const connection = findOrFail(call, id);
  // In use: a test said so (markInUse), or a flow reads from it through one of its source connections.
  if (connection.inUse || call.runtime.dataflows.flowsUsingBaseConnection(connection.id).length > 0) throw flowErrors.connectionInUse(id);
  call.runtime.store.delete(id);
  return { status: 204 };
}

/** GET /connections/{id}/test → {result}. */
export function testConnection(call: FlowCall, id: string): Reply {
  return jsonReply(200, { result: findOrFail(call, id).testResult });
}

const SPEC_FIELDS: FilterFields<ConnectionSpec> = {
  id: stringField((s) => s.id),
  name: stringField((s) => s.name),
  providerId: stringField((s) => s.providerId),
  "attributes.category": stringField((s) => s.attributes.category),
};

/** GET /connectionSpecs[?property=...] → {items}. Specs are organization agnostic. */
export function listConnectionSpecs(call: FlowCall): Reply {
  const filters = call.query.getAll("property").map((p) => parsePropertyFilter(p, SPEC_FIELDS));
  return jsonReply(200, { items: applyFilters(CONNECTION_SPECS, filters, SPEC_FIELDS) });
}

/** GET /connectionSpecs/{id} → {items: [spec]}. */
export function getConnectionSpec(_call: FlowCall, id: string): Reply {
  const spec = findConnectionSpec(id);
  if (spec === undefined) throw flowErrors.notFound(id, "connectionSpecs");
  return jsonReply(200, { items: [spec] });
}

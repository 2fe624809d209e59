/**
 * Data Prep mapping sets (`/data/foundation/conversion/mappingSets`, dataflows.md §6): create → 200 (not 201)
 * `{id, version: 0, …}`, versioned full-replace PUT, `?version=` reads history, list with required `limit` and
 * `start`. Both request dialects are accepted (current `outputSchema.schemaRef` + `sourceType/source/destination`,
 * legacy `xdmSchema` + `sourceAttribute/destinationXdmPath`) and GET returns both field sets merged, as MS shows.
 * Mappings are validated against the output schema (dataflow-catalogue.ts). No If-Match anywhere: Data Prep has none.
 */
import type { FlowCall } from "./context";
import type { XdmSchema } from "./dataflow-catalogue";
import { isObject } from "./flow-connections";
import { jsonReply, type Reply } from "./http";
import { randomHex } from "./ids";
import { dataPrepErrors } from "./service-errors";
import { clientActor } from "./store";
import type { MappingSetVersion, StoredMapping, StoredMappingSet } from "./types";

const FULL_SCHEMA_CONTENT_TYPE = "application/vnd.adobe.xed-full+json;version=1";

/** Request `sourceType` → stored form: attributes become schema paths, expressions XDM expression language. */
const SOURCE_TYPES: Readonly<Record<string, string>> = {
  attribute: "text/x.schema-path",
  "text/x.schema-path": "text/x.schema-path",
  expression: "text/x.aep-xl",
  "text/x.aep-xl": "text/x.aep-xl",
  static: "text/plain",
  "text/plain": "text/plain",
};

function parseBody(call: FlowCall): Record<string, unknown> {
  if (call.body.kind === "empty") throw dataPrepErrors.invalidBody("The request body is required.");
  if (call.body.kind === "invalid") throw dataPrepErrors.invalidBody("The request body is not valid JSON.");
  if (!isObject(call.body.value)) throw dataPrepErrors.invalidBody("The request body must be a JSON object.");
  return call.body.value;
}

type ParsedVersion = Omit<MappingSetVersion, "version" | "createdDate" | "modifiedDate" | "createdBy" | "modifiedBy">;

/** Reads either dialect and checks every mapping against the output schema, reporting all problems at once. */
function parseMappingSet(call: FlowCall, body: Record<string, unknown>): ParsedVersion {
  const outputSchema = body["outputSchema"];
  const schemaRef = isObject(outputSchema) ? outputSchema["schemaRef"] : undefined;
  let schemaId: string | undefined;
  let contentType = FULL_SCHEMA_CONTENT_TYPE;
  if (isObject(schemaRef) && typeof schemaRef["id"] === "string") {
    schemaId = schemaRef["id"];
    if (typeof schemaRef["contentType"] === "string") contentType = schemaRef["contentType"];
  } else if (typeof body["xdmSchema"] === "string") {
    schemaId = body["xdmSchema"];
  }
  if (schemaId === undefined || schemaId === "") throw dataPrepErrors.invalidBody("'outputSchema.schemaRef.id' (or the legacy 'xdmSchema') is required.");
  const schema = call.runtime.dataflows.findSchema(schemaId);
  if (schema === undefined) throw dataPrepErrors.unknownSchema(schemaId);
  const raw = body["mappings"];
  if (!Array.isArray(raw) || raw.length === 0) throw dataPrepErrors.invalidBody("'mappings' is required and must be a non-empty array.");
  const problems: string[] = [];
  const mappings = raw.map((entry, index) => parseMapping(entry, index, schema, problems));
  const destinations = new Map<string, number>();
  mappings.forEach((m, index) => {
    const earlier = destinations.get(m.destination);
    if (earlier !== undefined && m.destination !== "") problems.push(`mappings[${index}]: the destination ${m.destination} is already written by mappings[${earlier}]`);
    destinations.set(m.destination, index);
  });
  if (problems.length > 0) throw dataPrepErrors.invalidMappings(problems);
  const parsed: ParsedVersion = { outputSchemaId: schemaId, outputSchemaContentType: contentType, mappings };
  if (typeof body["name"] === "string") parsed.name = body["name"];
  if (body["inputSchema"] !== undefined && body["inputSchema"] !== null) parsed.inputSchema = structuredClone(body["inputSchema"]);
  return parsed;
}

function parseMapping(entry: unknown, index: number, schema: XdmSchema, problems: string[]): StoredMapping {
  const at = `mappings[${index}]`;
  const mapping: StoredMapping = { id: randomHex(16), sourceType: "text/x.schema-path", source: "", destination: "", identity: false, primaryIdentity: false, version: 0 };
  if (!isObject(entry)) {
    problems.push(`${at} must be an object`);
    return mapping;
  }
  const source = entry["source"] ?? entry["sourceAttribute"];
  const destination = entry["destination"] ?? entry["destinationXdmPath"];
  const sourceType = entry["sourceType"] ?? "ATTRIBUTE";
  const normalised = typeof sourceType === "string" ? SOURCE_TYPES[sourceType.toLowerCase()] : undefined;
  if (normalised === undefined) problems.push(`${at}.sourceType must be ATTRIBUTE, EXPRESSION or STATIC`);
  else mapping.sourceType = normalised;
  if (typeof source !== "string" || source.trim() === "") problems.push(`${at}.source is required`);
  else mapping.source = source;
  if (typeof destination !== "string" || destination === "") problems.push(`${at}.destination is required`);
  else {
    mapping.destination = destination;
    const type = schema.fields[destination];
    if (type === undefined) problems.push(`${at}.destination ${destination} is not a field of the schema ${schema.id}`);
    else if (type === "object") problems.push(`${at}.destination ${destination} is an object; map to one of its fields`);
  }
  if (typeof entry["name"] === "string") mapping.name = entry["name"];
  if (typeof entry["description"] === "string") mapping.description = entry["description"];
  if (entry["identity"] === true) mapping.identity = true;
  if (entry["primaryIdentity"] === true) mapping.primaryIdentity = true;
  return mapping;
}

/** The merged representation of §6: both dialects' field names, fresh mapping ids per version. */
export function renderMappingSet(set: StoredMappingSet, v: MappingSetVersion): Record<string, unknown> {
  return {
    id: set.id,
    version: v.version,
    createdDate: v.createdDate,
    modifiedDate: v.modifiedDate,
    createdBy: v.createdBy,
    modifiedBy: v.modifiedBy,
    ...(v.name === undefined ? {} : { name: v.name }),
    supportVersion: "1.1",
    inputSchema: v.inputSchema ?? null,
    outputSchema: { id: v.outputSchemaId, version: v.outputSchemaContentType, schemaRef: { id: v.outputSchemaId, contentType: v.outputSchemaContentType } },
    mappings: v.mappings.map(renderMapping),
    status: "PUBLISHED",
    strictMapping: false,
    allowNullValues: false,
    xdmVersion: "1.0",
    schemaRef: { id: v.outputSchemaId, contentType: v.outputSchemaContentType },
    xdmSchema: v.outputSchemaId,
  };
}

function renderMapping(m: StoredMapping): Record<string, unknown> {
  return {
    id: m.id,
    version: m.version,
    sourceType: m.sourceType,
    source: m.source,
    destination: m.destination,
    ...(m.name === undefined ? {} : { name: m.name }),
    ...(m.description === undefined ? {} : { description: m.description }),
    sourceAttribute: m.source,
    destinationXdmPath: m.destination,
    identity: m.identity,
    primaryIdentity: m.primaryIdentity,
    identityGroup: null,
    namespaceCode: null,
    matchScore: 0,
    functionVersion: 0,
  };
}

function findSet(call: FlowCall, id: string): StoredMappingSet {
  const set = call.runtime.dataflows.mappingSetTable.find(id, call.orgId, call.sandboxName);
  if (set === undefined) throw dataPrepErrors.notFound(id);
  return set;
}

function current(set: StoredMappingSet): MappingSetVersion {
  const last = set.versions.at(-1);
  if (last === undefined) throw new Error(`mapping set ${set.id} has no version`);
  return last;
}

/** The version `?version=` asks for, else the current one. */
function requestedVersion(call: FlowCall, set: StoredMappingSet): MappingSetVersion {
  const text = call.query.get("version");
  if (text === null) return current(set);
  if (!/^\d+$/.test(text)) throw dataPrepErrors.invalidQueryValue("version", "an integer is expected.");
  const found = set.versions.find((v) => v.version === Number(text));
  if (found === undefined) throw dataPrepErrors.notFound(set.id, Number(text));
  return found;
}

export function createMappingSet(call: FlowCall): Reply {
  const parsed = parseMappingSet(call, parseBody(call));
  const now = call.runtime.clock.now();
  const by = clientActor(call.clientId).by;
  const version: MappingSetVersion = { ...parsed, version: 0, createdDate: now, modifiedDate: now, createdBy: by, modifiedBy: by };
  const set = call.runtime.dataflows.mappingSetTable.add({ id: randomHex(16), orgId: call.orgId, sandboxName: call.sandboxName, versions: [version] });
  return jsonReply(200, { id: set.id, version: 0, createdDate: now, modifiedDate: now, createdBy: by, modifiedBy: by });
}

export function getMappingSet(call: FlowCall, id: string): Reply {
  const set = findSet(call, id);
  return jsonReply(200, renderMappingSet(set, requestedVersion(call, set)));
}

/** PUT: a full replace. The version goes up by one and every mapping gets a new id; older versions stay readable. */
export function putMappingSet(call: FlowCall, id: string): Reply {
  const set = findSet(call, id);
  const parsed = parseMappingSet(call, parseBody(call));
  const previous = current(set);
  const now = Math.max(call.runtime.clock.now(), previous.modifiedDate);
  const next: MappingSetVersion = {
    ...parsed,
    mappings: parsed.mappings.map((m) => ({ ...m, version: previous.version + 1 })),
    version: previous.version + 1,
    createdDate: set.versions[0]?.createdDate ?? now,
    modifiedDate: now,
    createdBy: previous.createdBy,
    modifiedBy: clientActor(call.clientId).by,
  };
  set.versions.push(next);
  return jsonReply(200, renderMappingSet(set, next));
}

/**
 * DELETE (AEPP calls it; neither MS nor DP-OAS documents it): 200 with an empty body, 404 when unknown, and refused
 * while a flow pins the set unless the `mappingSetInUseDelete` reading allows it.
 */
export function deleteMappingSet(call: FlowCall, id: string): Reply {
  findSet(call, id);
  if (call.runtime.dataflows.readings.mappingSetInUseDelete === "refuse") {
    const flows = call.runtime.dataflows.flowsUsingMappingSet(id);
    if (flows.length > 0) throw dataPrepErrors.inUse(id, flows.map((f) => f.id));
  }
  call.runtime.dataflows.mappingSetTable.delete(id);
  return { status: 200 };
}

export function getMappings(call: FlowCall, id: string): Reply {
  const set = findSet(call, id);
  return jsonReply(200, requestedVersion(call, set).mappings.map(renderMapping));
}

export function getMapping(call: FlowCall, id: string, mappingId: string): Reply {
  const set = findSet(call, id);
  const mapping = requestedVersion(call, set).mappings.find((m) => m.id === mappingId);
  if (mapping === undefined) throw dataPrepErrors.notFound(`${id}/mappings/${mappingId}`);
  return jsonReply(200, renderMapping(mapping));
}

/** POST /mappingSets/validate: the create's validation without storing anything. */
export function validateMappingSet(call: FlowCall): Reply {
  parseMappingSet(call, parseBody(call));
  return jsonReply(200, { valid: true });
}

const LIST_PARAMS = ["limit", "start", "name", "orderBy", "expandSchema"];

/** GET /mappingSets?limit&start (both required, DP-OAS) → {data, _page:{count, limit}, _links}. */
export function listMappingSets(call: FlowCall): Reply {
  for (const name of call.query.keys()) if (!LIST_PARAMS.includes(name)) throw dataPrepErrors.invalidQueryValue(name, "unknown query parameter.");
  const limitText = call.query.get("limit");
  const startText = call.query.get("start");
  if (limitText === null) throw dataPrepErrors.missingQueryParam("limit");
  if (startText === null) throw dataPrepErrors.missingQueryParam("start");
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) throw dataPrepErrors.invalidQueryValue("limit", "an integer from 1 to 100 is expected.");
  if (!/^\d+$/.test(startText)) throw dataPrepErrors.invalidQueryValue("start", "a non-negative integer is expected.");
  const limit = Number(limitText);
  const start = Number(startText);
  let sets = call.runtime.dataflows.mappingSetTable.partition(call.orgId, call.sandboxName);
  const name = call.query.get("name");
  if (name !== null) sets = sets.filter((s) => current(s).name === name);
  const orderBy = call.query.get("orderBy");
  if (orderBy !== null) {
    const match = /^([+ -]?)(createdDate|updatedDate)$/.exec(orderBy);
    if (match === null) throw dataPrepErrors.invalidQueryValue("orderBy", "±createdDate or ±updatedDate is expected.");
    const sign = match[1] === "-" ? -1 : 1;
    const key = (s: StoredMappingSet): number => (match[2] === "createdDate" ? (s.versions[0]?.createdDate ?? 0) : current(s).modifiedDate);
    sets = [...sets].sort((a, b) => sign * (key(a) - key(b)));
  }
  const page = sets.slice(start, start + limit);
  return jsonReply(200, {
    data: page.map((s) => renderMappingSet(s, current(s))),
    _page: { count: page.length, limit },
    _links: start + limit < sets.length ? { next: { href: `/mappingSets?limit=${limit}&start=${start + limit}` } } : {},
  });
}

/**
 * Source connections (`/sourceConnections`) and the Data Lake target connection (`/targetConnections`):
 * create (optionally `?mode=draft`), get, list, PATCH with If-Match, `action?op=publish`, delete. dataflows.md §3, §5.
 * A PATCH is re-validated exactly like a create (one validator per object type).
 */
import { findConnectionSpec } from "./catalogue";
import { requireJsonBody } from "./connections";
import type { FlowCall } from "./context";
import { DATA_LAKE_SPEC_ID, DATABRICKS_SPEC_ID, isCloudStorageSpec } from "./dataflow-catalogue";
import { flowErrors } from "./errors";
import { numberField, stringField, type FilterFields } from "./filters";
import { jsonReply, type Reply } from "./http";
import { applyJsonPatch } from "./json-patch";
import { listCollection } from "./listing";
import { parseInstructions, requireIfMatch } from "./patch";
import { clientActor } from "./store";
import type { AuditedObject, StoredSourceConnection, StoredTargetConnection } from "./types";

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body of a create as an object, or the documented errors for an empty or non-object one. */
export function requireObjectBody(call: FlowCall): Record<string, unknown> {
  const body = requireJsonBody(call);
  if (!isObject(body)) throw flowErrors.invalidBody("The request body must be a JSON object.");
  return body;
}

/** `?mode=draft` (DRAFT): skips what a draft may lack and creates the object in state `draft`. */
export function isDraftMode(call: FlowCall): boolean {
  return call.query.get("mode")?.toLowerCase() === "draft";
}

/** The audit fields every Flow Service object renders, in Adobe's order. */
export function renderAudit(item: AuditedObject): Record<string, unknown> {
  return {
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    createdBy: item.createdBy,
    updatedBy: item.updatedBy,
    createdClient: item.createdClient,
    updatedClient: item.updatedClient,
    sandboxId: item.sandboxId,
    sandboxName: item.sandboxName,
    imsOrgId: item.orgId,
  };
}

/** The If-Match check of every Flow Service PATCH: 412 FLOW-1404-412 unless it equals the etag, quotes included. */
export function checkEtag(ifMatch: string, item: { etag: string }): void {
  if (ifMatch !== item.etag) throw flowErrors.versionMismatch(ifMatch, item.etag);
}

function nameAndDescription(body: Record<string, unknown>, problems: string[], nameRequired: boolean): { name?: string; description?: string } {
  const { name, description } = body;
  const result: { name?: string; description?: string } = {};
  if (name === undefined) {
    if (nameRequired) problems.push("'name' is required");
  } else if (typeof name !== "string" || name.trim() === "") problems.push("'name' must be a non-empty string");
  else result.name = name;
  if (description !== undefined) {
    if (typeof description !== "string") problems.push("'description' must be a string");
    else result.description = description;
  }
  return result;
}

/** `connectionSpec {id, version}`; an unknown id or version is FLOW-1413-400. Omitted version → "1.0". */
function specOf(body: Record<string, unknown>): { id: string; version: string } {
  const spec = body["connectionSpec"];
  if (!isObject(spec) || typeof spec["id"] !== "string") throw flowErrors.invalidBody("The field 'connectionSpec.id' is required and must be a string.");
  const version = spec["version"] ?? "1.0";
  if (version !== "1.0") throw flowErrors.invalidSpecId(`The connection spec ${spec["id"]} has no version '${String(version)}' (available: 1.0).`);
  return { id: spec["id"], version: "1.0" };
}

// ---- source connections ----

const FILE_FORMATS = ["delimited", "json", "parquet"];
const COMPRESSION_TYPES = ["bzip2", "gzip", "deflate", "zipDeflate", "tarGzip", "tar"];
const ENCODINGS = ["UTF-8", "ISO-8859-1"];
const TABLE_PARAMS = ["tableName", "columns", "cdcEnabled"];
const FILE_PARAMS = ["path", "type", "recursive"];
const RESERVED_NAMES = ["CON", "PRN", "AUX", "NUL", ".", ".."];

interface SourceFields {
  name: string;
  description?: string;
  baseConnectionId: string;
  connectionSpec: { id: string; version: string };
  data: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** Validates a source connection document (create body or patched representation), collecting every problem. */
function checkSource(call: FlowCall, body: Record<string, unknown>): SourceFields {
  const problems: string[] = [];
  const { name, description } = nameAndDescription(body, problems, true);
  const connectionSpec = specOf(body);
  const spec = findConnectionSpec(connectionSpec.id);
  if (spec === undefined) throw flowErrors.invalidSpecId(`No source connection spec has the ID '${connectionSpec.id}'.`);
  const baseConnectionId = body["baseConnectionId"];
  if (typeof baseConnectionId !== "string" || baseConnectionId === "") throw flowErrors.invalidBody("The field 'baseConnectionId' is required and must be a string.");
  const base = call.runtime.store.find(baseConnectionId, call.orgId, call.sandboxName);
  if (base === undefined) throw flowErrors.invalidBody(`The base connection ${baseConnectionId} does not exist in this sandbox.`);
  if (base.connectionSpec.id !== spec.id) {
    throw flowErrors.invalidSpecId(`The source connection spec ${spec.id} differs from the spec ${base.connectionSpec.id} of its base connection.`);
  }
  const data = body["data"];
  const params = body["params"];
  if (!isObject(data)) problems.push("'data' is required and must be an object");
  if (!isObject(params)) problems.push("'params' is required and must be an object");
  if (isObject(data) && isObject(params)) {
    if (isCloudStorageSpec(spec.id)) checkFileSource(data, params, problems);
    else checkTableSource(spec.id, data, params, problems);
  }
  if (problems.length > 0 || name === undefined || !isObject(data) || !isObject(params)) throw flowErrors.invalidBody(`${problems.join("; ")}.`);
  const fields: SourceFields = { name, baseConnectionId, connectionSpec, data, params };
  if (description !== undefined) fields.description = description;
  return fields;
}

function checkTableSource(specId: string, data: Record<string, unknown>, params: Record<string, unknown>, problems: string[]): void {
  if (typeof data["format"] !== "string" || data["format"].toLowerCase() !== "tabular") problems.push("'data.format' must be tabular for this source");
  for (const key of Object.keys(params)) {
    if (!TABLE_PARAMS.includes(key)) problems.push(`'params.${key}' is not a parameter of this source (allowed: ${TABLE_PARAMS.join(", ")})`);
  }
  if (typeof params["tableName"] !== "string" || params["tableName"] === "") problems.push("'params.tableName' is required (the explore path of the table)");
  const columns = params["columns"];
  if (columns !== undefined && !(Array.isArray(columns) && columns.every((c) => isObject(c) && typeof c["name"] === "string"))) {
    problems.push("'params.columns' must be an array of explore columns ({name, type, xdm})");
  }
  if (params["cdcEnabled"] !== undefined) {
    if (specId !== DATABRICKS_SPEC_ID) problems.push("'params.cdcEnabled' is only supported by Azure Databricks");
    else if (typeof params["cdcEnabled"] !== "boolean") problems.push("'params.cdcEnabled' must be a boolean");
  }
}

function checkFileSource(data: Record<string, unknown>, params: Record<string, unknown>, problems: string[]): void {
  const format = typeof data["format"] === "string" ? data["format"].toLowerCase() : undefined;
  if (format === undefined || !FILE_FORMATS.includes(format)) problems.push(`'data.format' must be one of ${FILE_FORMATS.join(", ")} for this source`);
  const properties = data["properties"];
  if (properties !== undefined && properties !== null && !isObject(properties)) problems.push("'data.properties' must be an object");
  const props = isObject(properties) ? properties : {};
  // The current page puts the delimiter under data.properties, an older revision directly under data (§12 #21).
  const delimiter = props["columnDelimiter"] ?? data["columnDelimiter"];
  if (delimiter !== undefined) {
    if (format !== "delimited") problems.push("'columnDelimiter' applies to the delimited format only");
    else if (typeof delimiter !== "string" || [...delimiter].length !== 1) problems.push("'columnDelimiter' must be a single character");
  }
  const encoding = props["encoding"];
  if (encoding !== undefined) {
    if (format !== "delimited") problems.push("'data.properties.encoding' applies to the delimited format only");
    else if (typeof encoding !== "string" || !ENCODINGS.includes(encoding)) problems.push(`'data.properties.encoding' must be one of ${ENCODINGS.join(", ")}`);
  }
  const compression = props["compressionType"];
  if (compression !== undefined) {
    if (format === "parquet") problems.push("'data.properties.compressionType' applies to the delimited and json formats only");
    else if (typeof compression !== "string" || !COMPRESSION_TYPES.includes(compression)) problems.push(`'data.properties.compressionType' must be one of ${COMPRESSION_TYPES.join(", ")}`);
  }
  for (const key of Object.keys(params)) {
    if (!FILE_PARAMS.includes(key)) problems.push(`'params.${key}' is not a parameter of this source (allowed: ${FILE_PARAMS.join(", ")})`);
  }
  const path = params["path"];
  if (typeof path !== "string" || path === "") problems.push("'params.path' is required (a file, a folder or a pattern)");
  else problems.push(...pathProblems(path));
  if (params["type"] !== "file" && params["type"] !== "folder") problems.push("'params.type' must be file or folder");
  const recursive = params["recursive"];
  if (recursive !== undefined && typeof recursive !== "boolean" && recursive !== "true" && recursive !== "false") problems.push("'params.recursive' must be a boolean");
}

/** ADLS Gen2 naming limits (SRCPG adls-gen2); `*` is allowed as a wildcard. */
function pathProblems(path: string): string[] {
  const problems: string[] = [];
  if (/["\\:|<>?]/.test(path)) problems.push("'params.path' must not contain \" \\ : | < > ?");
  for (const segment of path.split("/").filter((s) => s !== "")) {
    if (segment.length > 255) problems.push("'params.path' components are at most 255 characters");
    if (RESERVED_NAMES.includes(segment.toUpperCase())) problems.push(`'params.path' must not use the reserved name ${segment}`);
  }
  return problems;
}

export function renderSourceConnection(s: StoredSourceConnection): Record<string, unknown> {
  const base = { id: s.baseConnectionId, connectionSpec: { ...s.connectionSpec } };
  return {
    id: s.id,
    ...renderAudit(s),
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    baseConnectionId: s.baseConnectionId,
    state: s.state,
    data: { schema: null, properties: null, ...structuredClone(s.data) },
    connectionSpec: { ...s.connectionSpec },
    params: structuredClone(s.params),
    version: s.etag,
    etag: s.etag,
    inheritedAttributes: { baseConnection: base },
    lastOperation: { ...s.lastOperation },
  };
}

/** What a source connection's PATCH sees and re-validates. */
function sourceDocument(s: StoredSourceConnection): Record<string, unknown> {
  return {
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    baseConnectionId: s.baseConnectionId,
    connectionSpec: { ...s.connectionSpec },
    data: structuredClone(s.data),
    params: structuredClone(s.params),
  };
}

export function createSourceConnection(call: FlowCall): Reply {
  const fields = checkSource(call, requireObjectBody(call));
  const draft = isDraftMode(call);
  const audit = call.runtime.dataflows.audit(call.orgId, call.sandboxName, clientActor(call.clientId));
  const created = call.runtime.dataflows.sourceConnectionTable.add({
    ...audit,
    ...fields,
    state: draft ? "draft" : "enabled",
    lastOperation: { started: audit.createdAt, updated: audit.createdAt, operation: draft ? "draft_create" : "create" },
  });
  return jsonReply(201, { id: created.id, etag: created.etag });
}

function findSource(call: FlowCall, id: string): StoredSourceConnection {
  const found = call.runtime.dataflows.sourceConnectionTable.find(id, call.orgId, call.sandboxName);
  if (found === undefined) throw flowErrors.notFound(id, "sourceConnections");
  return found;
}

export function getSourceConnection(call: FlowCall, id: string): Reply {
  return jsonReply(200, { items: [renderSourceConnection(findSource(call, id))] });
}

const SOURCE_FIELDS: FilterFields<StoredSourceConnection> = {
  id: stringField((s) => s.id),
  name: stringField((s) => s.name),
  description: stringField((s) => s.description),
  "connectionSpec.id": stringField((s) => s.connectionSpec.id),
  baseConnectionId: stringField((s) => s.baseConnectionId),
  state: stringField((s) => s.state),
  "params.tableName": stringField((s) => (typeof s.params["tableName"] === "string" ? s.params["tableName"] : undefined)),
  "params.path": stringField((s) => (typeof s.params["path"] === "string" ? s.params["path"] : undefined)),
  createdAt: numberField((s) => s.createdAt),
  updatedAt: numberField((s) => s.updatedAt),
};

const SORTABLE = ["name", "createdAt", "updatedAt"];

export function listSourceConnections(call: FlowCall): Reply {
  const table = call.runtime.dataflows.sourceConnectionTable;
  return listCollection(call, {
    path: "/sourceConnections",
    fields: SOURCE_FIELDS,
    sortable: SORTABLE,
    items: table.partition(call.orgId, call.sandboxName),
    sequence: (s) => table.sequence(s.id),
    render: renderSourceConnection,
  });
}

/** Paths a PATCH may not touch: the spec (FLOW-1414-400 as for connections) and the base connection. */
function refuseFixedPaths(segments: readonly string[]): void {
  if (segments[0] === "connectionSpec") throw flowErrors.connectionSpecNotUpdatable();
  if (segments[0] === "baseConnectionId") throw flowErrors.invalidPatch('The field "baseConnectionId" cannot be updated; create a new source connection');
}

export function patchSourceConnection(call: FlowCall, id: string): Reply {
  const ifMatch = requireIfMatch(call);
  const instructions = parseInstructions(requireJsonBody(call));
  const source = findSource(call, id);
  checkEtag(ifMatch, source);
  for (const instruction of instructions) refuseFixedPaths(instruction.segments);
  const fields = checkSource(call, applyJsonPatch(sourceDocument(source), instructions));
  source.name = fields.name;
  if (fields.description === undefined) delete source.description;
  else source.description = fields.description;
  source.data = fields.data;
  source.params = fields.params;
  call.runtime.dataflows.touch(source, clientActor(call.clientId));
  source.lastOperation = { started: source.updatedAt, updated: source.updatedAt, operation: "update", ops: structuredClone(instructions.map((i) => ({ op: i.op, path: i.path, value: i.value }))) };
  return jsonReply(200, { id: source.id, etag: source.etag });
}

/** DELETE of a source or target connection: refused while a flow uses it (FLOW-1447-400) unless the reading allows. */
function refuseWhileUsed(call: FlowCall, id: string): void {
  if (call.runtime.dataflows.readings.connectionInUseDelete === "allow") return;
  const flows = call.runtime.dataflows.flowsUsing(id);
  if (flows.length > 0) throw flowErrors.activeFlowsContain(id, flows.map((f) => f.id));
}

export function deleteSourceConnection(call: FlowCall, id: string): Reply {
  findSource(call, id);
  refuseWhileUsed(call, id);
  call.runtime.dataflows.sourceConnectionTable.delete(id);
  return { status: 204 };
}

/** `op` of an action, upper or lower case (§12 #9); a missing op is FLOW-2119-400. */
export function actionOp(call: FlowCall): string {
  const op = call.query.get("op");
  if (op === null || op === "") throw flowErrors.missingQueryParam("op");
  return op.toLowerCase();
}

/** POST …/action?op=publish on a draft source or target connection → 200 {id, etag}. */
function publish(call: FlowCall, item: (StoredSourceConnection | StoredTargetConnection) & { state: "enabled" | "draft" }): Reply {
  const op = actionOp(call);
  if (op !== "publish") throw flowErrors.actionNotApplicable(op, item.state);
  if (item.state !== "draft") throw flowErrors.actionNotApplicable(op, item.state);
  item.state = "enabled";
  call.runtime.dataflows.touch(item, clientActor(call.clientId));
  return jsonReply(200, { id: item.id, etag: item.etag });
}

export function actionSourceConnection(call: FlowCall, id: string): Reply {
  return publish(call, findSource(call, id));
}

// ---- target connections (Data Lake) ----

const TARGET_FORMATS = ["parquet_xdm", "delimited", "json"];

interface TargetFields {
  name?: string;
  description?: string;
  connectionSpec: { id: string; version: string };
  data: Record<string, unknown>;
  params: Record<string, unknown>;
}

/**
 * Validates a Data Lake target connection: the fixed spec, `data.schema.id`, and `params.dataSetId` naming a dataset
 * of this sandbox whose schema is that schema ("An invalid dataset ID will result in an error", DB).
 */
function checkTarget(call: FlowCall, body: Record<string, unknown>): TargetFields {
  const problems: string[] = [];
  const { name, description } = nameAndDescription(body, problems, false);
  const connectionSpec = specOf(body);
  if (connectionSpec.id !== DATA_LAKE_SPEC_ID) throw flowErrors.invalidSpecId(`Target connections use the Data Lake spec ${DATA_LAKE_SPEC_ID}, not '${connectionSpec.id}'.`);
  const data = body["data"];
  const params = body["params"];
  let schemaId: string | undefined;
  if (!isObject(data)) problems.push("'data' is required and must be an object");
  else {
    const schema = data["schema"];
    if (!isObject(schema) || typeof schema["id"] !== "string" || schema["id"] === "") problems.push("'data.schema.id' is required (the target XDM schema $id)");
    else schemaId = schema["id"];
    if (isObject(schema) && schema["version"] !== undefined && typeof schema["version"] !== "string") problems.push("'data.schema.version' must be a string");
    if (data["format"] !== undefined && (typeof data["format"] !== "string" || !TARGET_FORMATS.includes(data["format"]))) {
      problems.push(`'data.format' must be one of ${TARGET_FORMATS.join(", ")}`);
    }
  }
  if (!isObject(params)) problems.push("'params' is required and must be an object");
  else if (typeof params["dataSetId"] !== "string" || params["dataSetId"] === "") problems.push("'params.dataSetId' is required");
  if (problems.length > 0 || !isObject(data) || !isObject(params)) throw flowErrors.invalidBody(`${problems.join("; ")}.`);
  const dataSetId = String(params["dataSetId"]);
  const dataset = call.runtime.dataflows.datasetTable.find(dataSetId, call.orgId, call.sandboxName);
  if (dataset === undefined) throw flowErrors.invalidBody(`The dataset ID ${dataSetId} is invalid: no such dataset in this sandbox.`);
  if (schemaId !== undefined && dataset.schemaRef.id !== schemaId) {
    throw flowErrors.invalidBody(`The dataset ${dataSetId} is for the schema ${dataset.schemaRef.id}, not ${schemaId}.`);
  }
  const fields: TargetFields = { connectionSpec, data, params };
  if (name !== undefined) fields.name = name;
  if (description !== undefined) fields.description = description;
  return fields;
}

export function renderTargetConnection(t: StoredTargetConnection): Record<string, unknown> {
  return {
    id: t.id,
    ...renderAudit(t),
    ...(t.name === undefined ? {} : { name: t.name }),
    ...(t.description === undefined ? {} : { description: t.description }),
    state: t.state,
    data: structuredClone(t.data),
    connectionSpec: { ...t.connectionSpec },
    params: structuredClone(t.params),
    version: t.etag,
    etag: t.etag,
  };
}

function targetDocument(t: StoredTargetConnection): Record<string, unknown> {
  return {
    ...(t.name === undefined ? {} : { name: t.name }),
    ...(t.description === undefined ? {} : { description: t.description }),
    connectionSpec: { ...t.connectionSpec },
    data: structuredClone(t.data),
    params: structuredClone(t.params),
  };
}

export function createTargetConnection(call: FlowCall): Reply {
  const fields = checkTarget(call, requireObjectBody(call));
  const audit = call.runtime.dataflows.audit(call.orgId, call.sandboxName, clientActor(call.clientId));
  const created = call.runtime.dataflows.targetConnectionTable.add({ ...audit, ...fields, state: isDraftMode(call) ? "draft" : "enabled" });
  return jsonReply(201, { id: created.id, etag: created.etag });
}

function findTarget(call: FlowCall, id: string): StoredTargetConnection {
  const found = call.runtime.dataflows.targetConnectionTable.find(id, call.orgId, call.sandboxName);
  if (found === undefined) throw flowErrors.notFound(id, "targetConnections");
  return found;
}

export function getTargetConnection(call: FlowCall, id: string): Reply {
  return jsonReply(200, { items: [renderTargetConnection(findTarget(call, id))] });
}

const TARGET_FIELDS: FilterFields<StoredTargetConnection> = {
  id: stringField((t) => t.id),
  name: stringField((t) => t.name),
  description: stringField((t) => t.description),
  "connectionSpec.id": stringField((t) => t.connectionSpec.id),
  // SORT lists it; a Data Lake target has no base connection, so it never matches `==`.
  baseConnectionId: stringField(() => undefined),
  state: stringField((t) => t.state),
  "params.dataSetId": stringField((t) => (typeof t.params["dataSetId"] === "string" ? t.params["dataSetId"] : undefined)),
  createdAt: numberField((t) => t.createdAt),
  updatedAt: numberField((t) => t.updatedAt),
};

export function listTargetConnections(call: FlowCall): Reply {
  const table = call.runtime.dataflows.targetConnectionTable;
  return listCollection(call, {
    path: "/targetConnections",
    fields: TARGET_FIELDS,
    sortable: SORTABLE,
    items: table.partition(call.orgId, call.sandboxName),
    sequence: (t) => table.sequence(t.id),
    render: renderTargetConnection,
  });
}

export function patchTargetConnection(call: FlowCall, id: string): Reply {
  const ifMatch = requireIfMatch(call);
  const instructions = parseInstructions(requireJsonBody(call));
  const target = findTarget(call, id);
  checkEtag(ifMatch, target);
  for (const instruction of instructions) refuseFixedPaths(instruction.segments);
  const fields = checkTarget(call, applyJsonPatch(targetDocument(target), instructions));
  if (fields.name === undefined) delete target.name;
  else target.name = fields.name;
  if (fields.description === undefined) delete target.description;
  else target.description = fields.description;
  target.data = fields.data;
  target.params = fields.params;
  call.runtime.dataflows.touch(target, clientActor(call.clientId));
  return jsonReply(200, { id: target.id, etag: target.etag });
}

export function deleteTargetConnection(call: FlowCall, id: string): Reply {
  findTarget(call, id);
  refuseWhileUsed(call, id);
  call.runtime.dataflows.targetConnectionTable.delete(id);
  return { status: 204 };
}

export function actionTargetConnection(call: FlowCall, id: string): Reply {
  return publish(call, findTarget(call, id));
}

/** A target connection's (only) dataset, for flow validation. */
export function targetDatasetId(target: StoredTargetConnection): string | undefined {
  const id = target.params["dataSetId"];
  return typeof id === "string" ? id : undefined;
}

/**
 * Flows (`/flows`, dataflows.md §7) and flow specs (`/flowSpecs`, §7.1): create (optionally `?mode=draft`), get,
 * list, PATCH with If-Match, `action?op=enable|disable|publish`, delete. A create and every PATCH go through the
 * same validator: flow spec membership of both connections' specs, the transformations the spec requires, the
 * mapping set and version (FLOW-1419/1412), mapping schema = dataset schema (FLOW-1425), and the schedule rules.
 */
import type { FlowCall } from "./context";
import { FLOW_SPECS, findFlowSpec, type FlowSpec } from "./dataflow-catalogue";
import { flowErrors } from "./errors";
import { parsePropertyFilter, applyFilters, numberField, stringField, type FilterFields } from "./filters";
import { actionOp, checkEtag, isDraftMode, isObject, renderAudit, requireObjectBody, targetDatasetId } from "./flow-connections";
import { jsonReply, type Reply } from "./http";
import { applyJsonPatch } from "./json-patch";
import { listCollection } from "./listing";
import { parseInstructions, requireIfMatch, type Instruction } from "./patch";
import { requireJsonBody } from "./connections";
import { parseSchedule, scheduleAsStrings } from "./schedule";
import { renderRunSummary } from "./runs";
import { clientActor } from "./store";
import type { StoredFlow } from "./types";

interface FlowFields {
  name: string;
  description?: string;
  flowSpec: { id: string; version: string };
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  transformations: unknown[];
  scheduleParams?: Record<string, unknown>;
  options?: Record<string, unknown>;
  labels: unknown[];
  policy?: unknown;
}

function flowSpecOf(body: Record<string, unknown>): FlowSpec {
  const ref = body["flowSpec"];
  if (!isObject(ref) || typeof ref["id"] !== "string") throw flowErrors.invalidBody("The field 'flowSpec.id' is required and must be a string.");
  const spec = findFlowSpec(ref["id"]);
  if (spec === undefined) throw flowErrors.invalidSpecId(`No flow spec has the ID '${ref["id"]}'.`);
  // "Omitting this value will default to the most recent version" (OAS createFlow).
  const version = ref["version"] ?? spec.version;
  if (version !== spec.version) throw flowErrors.invalidSpecId(`The flow spec ${spec.id} has no version '${String(version)}' (available: ${spec.version}).`);
  return spec;
}

function idList(body: Record<string, unknown>, key: string, draft: boolean, problems: string[]): string[] {
  const value = body[key];
  if (draft && (value === undefined || (Array.isArray(value) && value.length === 0))) return [];
  if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string" || value[0] === "") {
    problems.push(`'${key}' is required and must hold exactly one id`);
    return [];
  }
  return [value[0]];
}

/**
 * Checks a flow document. A draft may lack connections, transformations and schedule (DRAFT); whatever it has is
 * still checked. Problems of the document's shape are reported together (FLOW-1100-400); references to other
 * objects are checked afterwards, each with its documented code.
 */
function checkFlow(call: FlowCall, body: Record<string, unknown>, draft: boolean): FlowFields {
  if (body["state"] !== undefined) throw flowErrors.stateNotAllowedOnCreate();
  const spec = flowSpecOf(body);
  const problems: string[] = [];
  const { name, description } = body;
  if (name === undefined && !draft) problems.push("'name' is required");
  else if (name !== undefined && (typeof name !== "string" || name.trim() === "")) problems.push("'name' must be a non-empty string");
  if (description !== undefined && typeof description !== "string") problems.push("'description' must be a string");
  const sourceConnectionIds = idList(body, "sourceConnectionIds", draft, problems);
  const targetConnectionIds = idList(body, "targetConnectionIds", draft, problems);
  const transformations = body["transformations"];
  if (transformations === undefined ? !draft : !Array.isArray(transformations)) problems.push("'transformations' is required and must be an array");
  else if (Array.isArray(transformations)) problems.push(...transformationProblems(spec, transformations, draft));
  let scheduleParams: Record<string, unknown> | undefined;
  if (body["scheduleParams"] !== undefined || !draft) {
    const parsed = parseSchedule(body["scheduleParams"], call.runtime.dataflows.readings.intervalMinimum);
    if ("problems" in parsed) problems.push(...parsed.problems);
    else scheduleParams = structuredClone(body["scheduleParams"] as Record<string, unknown>);
  }
  const options = body["options"];
  if (options !== undefined) problems.push(...optionProblems(options));
  const labels = body["labels"] ?? [];
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string")) problems.push("'labels' must be an array of label strings");
  if (problems.length > 0) throw flowErrors.invalidBody(`${problems.join("; ")}.`);

  const list = Array.isArray(transformations) ? (structuredClone(transformations) as unknown[]) : [];
  checkReferences(call, spec, sourceConnectionIds, targetConnectionIds, list);
  const fields: FlowFields = {
    name: typeof name === "string" ? name : "",
    flowSpec: { id: spec.id, version: spec.version },
    sourceConnectionIds,
    targetConnectionIds,
    transformations: list,
    labels: Array.isArray(labels) ? [...labels] : [],
  };
  if (typeof description === "string") fields.description = description;
  if (scheduleParams !== undefined) fields.scheduleParams = scheduleParams;
  if (isObject(options)) fields.options = structuredClone(options);
  if (body["policy"] !== undefined) fields.policy = structuredClone(body["policy"]);
  return fields;
}

function transformationProblems(spec: FlowSpec, list: readonly unknown[], draft: boolean): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  list.forEach((t, i) => {
    if (!isObject(t) || typeof t["name"] !== "string" || !isObject(t["params"])) {
      problems.push(`'transformations[${i}]' must be {name, params}`);
      return;
    }
    const name = t["name"];
    const params = t["params"];
    if (!(spec.transformations as readonly string[]).includes(name)) {
      problems.push(`'transformations[${i}].name' ${name} is not a transformation of ${spec.name} (expected: ${spec.transformations.join(", ")})`);
      return;
    }
    if (names.has(name)) problems.push(`'transformations' holds ${name} twice`);
    names.add(name);
    if (name === "Copy") {
      const delta = params["deltaColumn"];
      if (!isObject(delta) || typeof delta["name"] !== "string" || delta["name"] === "") problems.push(`'transformations[${i}].params.deltaColumn.name' is required`);
      else {
        for (const key of ["dateFormat", "timezone"]) {
          if (delta[key] !== undefined && typeof delta[key] !== "string") problems.push(`'transformations[${i}].params.deltaColumn.${key}' must be a string`);
        }
      }
    } else {
      if (typeof params["mappingId"] !== "string" || params["mappingId"] === "") problems.push(`'transformations[${i}].params.mappingId' is required`);
      const version = params["mappingVersion"];
      if (!(typeof version === "string" && /^\d+$/.test(version)) && !(typeof version === "number" && Number.isInteger(version) && version >= 0)) {
        problems.push(`'transformations[${i}].params.mappingVersion' must be a version number`);
      }
    }
  });
  if (!draft) {
    for (const required of spec.transformations) {
      if (!names.has(required)) {
        problems.push(required === "Copy" ? `${spec.name} flows need a Copy transformation with params.deltaColumn.name` : `${spec.name} flows need a Mapping transformation`);
      }
    }
  }
  return problems;
}

function optionProblems(options: unknown): string[] {
  if (!isObject(options)) return ["'options' must be an object"];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (key === "errorDiagnosticsEnabled") {
      if (typeof value !== "boolean") problems.push("'options.errorDiagnosticsEnabled' must be a boolean");
    } else if (key === "partialIngestionPercent") {
      if (typeof value !== "number" || !(value > 0)) problems.push("'options.partialIngestionPercent' must be a number above 0");
    } else problems.push(`'options.${key}' is not a flow option (errorDiagnosticsEnabled, partialIngestionPercent)`);
  }
  return problems;
}

/** The objects a flow names: they exist in this sandbox, their specs belong to the flow spec, mapping fits dataset. */
function checkReferences(call: FlowCall, spec: FlowSpec, sourceIds: readonly string[], targetIds: readonly string[], transformations: readonly unknown[]): void {
  const store = call.runtime.dataflows;
  for (const id of sourceIds) {
    const source = store.sourceConnectionTable.find(id, call.orgId, call.sandboxName);
    if (source === undefined) throw flowErrors.invalidBody(`The source connection ${id} does not exist in this sandbox.`);
    if (!spec.sourceConnectionSpecIds.includes(source.connectionSpec.id)) {
      throw flowErrors.invalidSpecId(`The source connection spec ${source.connectionSpec.id} is not supported by the flow spec ${spec.name} (${spec.id}).`);
    }
  }
  let datasetSchema: string | undefined;
  for (const id of targetIds) {
    const target = store.targetConnectionTable.find(id, call.orgId, call.sandboxName);
    if (target === undefined) throw flowErrors.invalidBody(`The target connection ${id} does not exist in this sandbox.`);
    if (!spec.targetConnectionSpecIds.includes(target.connectionSpec.id)) {
      throw flowErrors.invalidSpecId(`The target connection spec ${target.connectionSpec.id} is not supported by the flow spec ${spec.name} (${spec.id}).`);
    }
    const datasetId = targetDatasetId(target);
    const dataset = datasetId === undefined ? undefined : store.datasetTable.find(datasetId, call.orgId, call.sandboxName);
    datasetSchema = dataset?.schemaRef.id;
  }
  for (const t of transformations) {
    if (!isObject(t) || t["name"] !== "Mapping" || !isObject(t["params"])) continue;
    const mappingId = String(t["params"]["mappingId"]);
    const version = String(t["params"]["mappingVersion"]);
    const set = store.mappingSetTable.find(mappingId, call.orgId, call.sandboxName);
    if (set === undefined) throw flowErrors.mappingValidation(mappingId, version, "the mapping set does not exist in this sandbox");
    const pinned = set.versions.find((v) => String(v.version) === version);
    if (pinned === undefined) throw flowErrors.invalidMappingVersion(mappingId, version);
    if (datasetSchema !== undefined && pinned.outputSchemaId !== datasetSchema) throw flowErrors.schemaMismatch(pinned.outputSchemaId, datasetSchema);
  }
}

// ---- handlers ----

export function createFlow(call: FlowCall): Reply {
  const draft = isDraftMode(call);
  const fields = checkFlow(call, requireObjectBody(call), draft);
  const store = call.runtime.dataflows;
  const audit = store.audit(call.orgId, call.sandboxName, clientActor(call.clientId));
  const flow: StoredFlow = {
    ...audit,
    ...fields,
    state: draft ? "draft" : "enabled",
    lastOperation: { started: audit.createdAt, updated: audit.createdAt, operation: draft ? "draft_create" : "create" },
  };
  store.flowTable.add(flow);
  store.reschedule(flow);
  return jsonReply(201, { id: flow.id, etag: flow.etag }, { location: `/data/foundation/flowservice/flows/${flow.id}` });
}

export function findFlow(call: FlowCall, id: string): StoredFlow {
  const found = call.runtime.dataflows.flowTable.find(id, call.orgId, call.sandboxName);
  if (found === undefined) throw flowErrors.flowNotFound(id, call.runtime.dataflows.readings.flowNotFoundStatus);
  return found;
}

export function renderFlow(call: FlowCall, flow: StoredFlow): Record<string, unknown> {
  const store = call.runtime.dataflows;
  const sources = flow.sourceConnectionIds.map((id) => {
    const source = store.sourceConnectionTable.get(id);
    const base = source === undefined ? undefined : call.runtime.store.get(source.baseConnectionId);
    return {
      id,
      ...(source === undefined ? {} : { connectionSpec: { ...source.connectionSpec } }),
      ...(source === undefined ? {} : { baseConnection: { id: source.baseConnectionId, ...(base === undefined ? {} : { connectionSpec: { ...base.connectionSpec } }) } }),
    };
  });
  const targets = flow.targetConnectionIds.map((id) => {
    const target = store.targetConnectionTable.get(id);
    return { id, ...(target === undefined ? {} : { connectionSpec: { ...target.connectionSpec } }) };
  });
  const schedule = flow.scheduleParams === undefined ? undefined : store.readings.scheduleEcho === "strings" ? scheduleAsStrings(flow.scheduleParams) : structuredClone(flow.scheduleParams);
  const lastRun = renderRunSummary(call, flow.id);
  return {
    id: flow.id,
    ...renderAudit(flow),
    name: flow.name,
    description: flow.description ?? "",
    flowSpec: { ...flow.flowSpec },
    state: flow.state,
    version: flow.etag,
    etag: flow.etag,
    sourceConnectionIds: [...flow.sourceConnectionIds],
    targetConnectionIds: [...flow.targetConnectionIds],
    inheritedAttributes: { sourceConnections: sources, targetConnections: targets, properties: { isSourceFlow: true } },
    ...(schedule === undefined ? {} : { scheduleParams: schedule }),
    transformations: structuredClone(flow.transformations),
    options: { isSampleDataflow: false, errorDiagnosticsEnabled: false, ...flow.options },
    runs: `/runs?property=flowId==${flow.id}`,
    lastOperation: structuredClone(flow.lastOperation),
    ...(lastRun === undefined ? {} : { lastRunDetails: lastRun }),
    labels: [...flow.labels],
    ...(flow.policy === undefined ? {} : { policy: structuredClone(flow.policy) }),
  };
}

export function getFlow(call: FlowCall, id: string): Reply {
  return jsonReply(200, { items: [renderFlow(call, findFlow(call, id))] });
}

const FLOW_FIELDS: FilterFields<StoredFlow> = {
  id: stringField((f) => f.id),
  name: stringField((f) => f.name),
  description: stringField((f) => f.description),
  "flowSpec.id": stringField((f) => f.flowSpec.id),
  state: stringField((f) => f.state),
  // A flow has exactly one of each (UPDF), so the array filters compare that one id.
  sourceConnectionIds: stringField((f) => f.sourceConnectionIds[0]),
  "sourceConnectionIds[]": stringField((f) => f.sourceConnectionIds[0]),
  targetConnectionIds: stringField((f) => f.targetConnectionIds[0]),
  "targetConnectionIds[]": stringField((f) => f.targetConnectionIds[0]),
  "inheritedAttributes.properties.isSourceFlow": stringField(() => "true"),
  createdAt: numberField((f) => f.createdAt),
  updatedAt: numberField((f) => f.updatedAt),
};

export function listFlows(call: FlowCall): Reply {
  const table = call.runtime.dataflows.flowTable;
  const store = call.runtime.dataflows;
  const targetSpec = (f: StoredFlow): string | undefined => {
    const [id] = f.targetConnectionIds;
    return id === undefined ? undefined : store.targetConnectionTable.get(id)?.connectionSpec.id;
  };
  return listCollection(call, {
    path: "/flows",
    fields: { ...FLOW_FIELDS, "inheritedAttributes.targetConnections[].connectionSpec.id": stringField(targetSpec) },
    sortable: ["name", "createdAt", "updatedAt"],
    items: table.partition(call.orgId, call.sandboxName),
    sequence: (f) => table.sequence(f.id),
    render: (f) => renderFlow(call, f),
  });
}

/** Members a PATCH may address; the connections and the spec need a new flow (UPDF's tip). */
const PATCHABLE = ["name", "description", "scheduleParams", "transformations", "labels", "policy", "options"];
const FIXED = ["flowSpec", "sourceConnectionIds", "targetConnectionIds"];

function flowDocument(flow: StoredFlow): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    flowSpec: { ...flow.flowSpec },
    // A draft made without a name stores "" and must stay patchable until it gets one.
    ...(flow.name === "" ? {} : { name: flow.name }),
    sourceConnectionIds: [...flow.sourceConnectionIds],
    targetConnectionIds: [...flow.targetConnectionIds],
    transformations: structuredClone(flow.transformations),
    labels: [...flow.labels],
  };
  if (flow.description !== undefined) doc["description"] = flow.description;
  if (flow.scheduleParams !== undefined) doc["scheduleParams"] = structuredClone(flow.scheduleParams);
  if (flow.options !== undefined) doc["options"] = structuredClone(flow.options);
  if (flow.policy !== undefined) doc["policy"] = structuredClone(flow.policy);
  return doc;
}

function checkPatchPaths(instructions: readonly Instruction[]): void {
  for (const { segments, path } of instructions) {
    const [head] = segments;
    if (head !== undefined && FIXED.includes(head)) throw flowErrors.invalidPatch(`The field "${head}" cannot be updated; create a new flow instead`);
    if (head === undefined || !PATCHABLE.includes(head)) throw flowErrors.invalidPatch(`Missing field "${segments.at(-1) ?? path}"`);
  }
}

/** States in which a flow refuses a PATCH, with their ERR codes. */
function refuseUpdateInState(flow: StoredFlow): void {
  if (flow.state === "delete-finalizing") throw flowErrors.deleteFinalizing(flow.id, "update");
  if (flow.state === "disabling") throw flowErrors.disablingNotUpdatable(flow.id);
  if (flow.state === "updating") throw flowErrors.updatingNotTransitionable(flow.id);
}

function startTimeOf(schedule: Record<string, unknown> | undefined): number | undefined {
  const value = schedule?.["startTime"];
  return typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value) ? Number(value) : undefined;
}

export function patchFlow(call: FlowCall, id: string): Reply {
  const ifMatch = requireIfMatch(call);
  const instructions = parseInstructions(requireJsonBody(call));
  const flow = findFlow(call, id);
  checkEtag(ifMatch, flow);
  refuseUpdateInState(flow);
  checkPatchPaths(instructions);
  const fields = checkFlow(call, applyJsonPatch(flowDocument(flow), instructions), flow.state === "draft");
  const before = startTimeOf(flow.scheduleParams);
  const after = startTimeOf(fields.scheduleParams);
  // UPDF: the start time cannot change once the original start has passed (enabled and disabled flows alike).
  if (before !== undefined && after !== before && before * 1000 <= call.runtime.clock.now()) {
    throw flowErrors.invalidPatch("The field \"scheduleParams.startTime\" cannot be updated after the flow's start time has passed");
  }
  const scheduleChanged = JSON.stringify(flow.scheduleParams) !== JSON.stringify(fields.scheduleParams);
  Object.assign(flow, fields);
  if (fields.description === undefined) delete flow.description;
  if (fields.scheduleParams === undefined) delete flow.scheduleParams;
  if (fields.options === undefined) delete flow.options;
  if (fields.policy === undefined) delete flow.policy;
  const store = call.runtime.dataflows;
  store.touch(flow, clientActor(call.clientId));
  flow.lastOperation = { started: flow.updatedAt, updated: flow.updatedAt, operation: "update", ops: instructions.map((i) => ({ op: i.op, path: i.path, value: i.value })) };
  if (scheduleChanged) store.reschedule(flow);
  return jsonReply(200, { id: flow.id, etag: flow.etag });
}

const SUB_OPS = ["apply", "rollback", "progress"];
const ACTION_TARGET: Readonly<Record<string, { from: string; to: "enabled" | "disabled" }>> = {
  enable: { from: "disabled", to: "enabled" },
  disable: { from: "enabled", to: "disabled" },
  publish: { from: "draft", to: "enabled" },
};

/**
 * POST /flows/{id}/action?op=… → 200 {id, etag}. The docs' lower-case `op` without `subOp` and the OpenAPI
 * spec's upper-case `op` with a `subOp` are both accepted (§12 #9); `If-Match` is optional and checked when sent.
 */
export function flowAction(call: FlowCall, id: string): Reply {
  const op = actionOp(call);
  const flow = findFlow(call, id);
  const ifMatch = call.headers["if-match"];
  if (ifMatch !== undefined && ifMatch !== "") checkEtag(ifMatch, flow);
  for (const subOp of call.query.getAll("subOp").flatMap((s) => s.split(","))) {
    if (!SUB_OPS.includes(subOp.trim().toLowerCase())) throw flowErrors.unsupportedSubOperation(subOp, op);
  }
  const transition = ACTION_TARGET[op];
  if (flow.state === "updating") throw flowErrors.updatingNotTransitionable(flow.id);
  if (flow.state === "delete-finalizing") throw flowErrors.deleteFinalizing(flow.id, "update");
  if (transition === undefined || flow.state !== transition.from) throw flowErrors.actionNotApplicable(op, flow.state);
  const store = call.runtime.dataflows;
  if (op === "publish") {
    // FILT: a draft flow's source and target connections are published first.
    for (const connectionId of [...flow.sourceConnectionIds, ...flow.targetConnectionIds]) {
      const connection = store.sourceConnectionTable.get(connectionId) ?? store.targetConnectionTable.get(connectionId);
      if (connection?.state === "draft") throw flowErrors.notInExpectedState(flow.id, "draft", `Publish its connection ${connectionId} first.`);
    }
    checkFlow(call, flowDocument(flow), false);
  }
  flow.state = transition.to;
  store.touch(flow, clientActor(call.clientId));
  store.reschedule(flow);
  return jsonReply(200, { id: flow.id, etag: flow.etag });
}

export function deleteFlow(call: FlowCall, id: string): Reply {
  const flow = findFlow(call, id);
  if (flow.state === "delete-finalizing") throw flowErrors.deleteFinalizing(flow.id, "delete");
  call.runtime.dataflows.flowTable.delete(flow.id);
  return { status: 204 };
}

// ---- flow specs ----

const SPEC_FIELDS: FilterFields<FlowSpec> = {
  id: stringField((s) => s.id),
  name: stringField((s) => s.name),
  providerId: stringField((s) => s.providerId),
  sourceConnectionSpecIds: stringField(() => undefined),
};

function renderSpec(call: FlowCall, spec: FlowSpec): Record<string, unknown> {
  return spec.document(call.runtime.dataflows.readings.flowSpecTransformationsKey);
}

/** GET /flowSpecs[?property=name=="CRMToAEP"] → {items}; `sourceConnectionSpecIds==<id>` matches membership. */
export function listFlowSpecs(call: FlowCall): Reply {
  const filters = call.query.getAll("property").map((p) => parsePropertyFilter(p, SPEC_FIELDS));
  const membership = filters.filter((f) => f.field === "sourceConnectionSpecIds");
  const others = filters.filter((f) => f.field !== "sourceConnectionSpecIds");
  const matching = applyFilters(FLOW_SPECS, others, SPEC_FIELDS).filter((spec) =>
    membership.every((f) => {
      const hit = f.values.some((v) => spec.sourceConnectionSpecIds.includes(String(v)));
      return f.operator === "!=" ? !hit : hit;
    }),
  );
  return jsonReply(200, { items: matching.map((spec) => renderSpec(call, spec)) });
}

export function getFlowSpec(call: FlowCall, id: string): Reply {
  const spec = findFlowSpec(id);
  if (spec === undefined) throw flowErrors.notFound(id, "flowSpecs");
  return jsonReply(200, { items: [renderSpec(call, spec)] });
}

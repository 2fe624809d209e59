/**
 * Dataflows (`/flows`, dataflows.md §7) and their runs (`/runs`, §8). A flow joins one source connection to one
 * target connection under a flow spec chosen by the source (`CRMToAEP` for the four table sources,
 * `CloudStorageToAEP` for ADLS Gen2), with transformations (`Copy` with the delta column for CRMToAEP, `Mapping`
 * pinning a mapping set version) and a schedule.
 *
 * What the wire does and this module settles:
 * - `scheduleParams.startTime` is epoch **seconds** (every other time is milliseconds); `startTime`, `interval` and
 *   `backfill` are sent as numbers / booleans and read back from numbers or the docs' strings (§12 #1-3).
 * - `mappingVersion` is sent as the integer the mapping set returns and compared after `String()` (§12 #8).
 * - PATCH takes JSON Patch with `If-Match`; 412 is a `StaleEtagError`. The Mapping transformation is not always at
 *   index 0 (Copy comes first in CRMToAEP flows): {@link mappingTransformationPatch} looks the index up.
 * - Enable / disable: `POST /flows/{id}/action?op=enable|disable` (lower case, no `subOp`, §12 #9). Not idempotent
 *   on the wire (enabling an enabled flow is FLOW-1422), so never retried blindly (checked-write.ts): after an
 *   unknown outcome the flow is read back and the action counts as done when the flow is in the state asked for;
 *   one that is not after a transient failure gets the action again.
 * - A flow that does not exist is FLOW-1439-404 (LABELS) or FLOW-1439-400 (ERR, §12 #17): both read as "gone".
 * - Runs: `etag` or `eTag` (§12 #7); a flow's latest run is the one its `lastRunDetails` names.
 *
 * Crash-safe create (safe-create.ts): the marker goes at the end of `description`; an existing flow is only taken
 * for ours with the marker, the name, the flow spec and the same source and target connection.
 */
import { z } from "zod";
import { FLOW_NOT_FOUND, segment, unparseable, type CallContext, type CallSpec } from "./call";
import { epochMs, parseCreated } from "./connections";
import { NotFoundError } from "./errors";
import {
  auditShape,
  copyAudit,
  createObject,
  deleteObject,
  getObject,
  hasEtag,
  listObjects,
  objectSnapshot,
  patchObject,
  sameId,
  type AuditFields,
  type CreatedObject,
  type FlowObjectKind,
  type UpdatedObject,
} from "./flow-objects";
import type { HttpResponse } from "./http";
import { parseAdobeError } from "./adobe-errors";
import { pageParser } from "./paging";
import { listSourceConnections } from "./source-connections";
import { sendChecked } from "./checked-write";
import type { ListingSnapshot, SafeCreateOptions } from "./safe-create";
import type { JsonPatchOperation, ListQuery, RequestOptions } from "./types";
import { lenient, looseRecord } from "./wire";

/** Flow spec of the four table sources (Synapse, SQL Server, Table Storage, Databricks). */
export const CRM_TO_AEP_FLOW_SPEC_ID = "14518937-270c-4525-bdec-c2ba7cce3860";
/** Flow spec of cloud storage (ADLS Gen2). */
export const CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID = "9753525b-82c7-4dce-8a9b-5ccfce2b9876";

/** The flow spec of each of the five sources, by base-connection spec id (dataflows.md §9). */
export const FLOW_SPEC_BY_CONNECTION_SPEC: Readonly<Record<string, string>> = {
  "a49bcc7d-8038-43af-b1e4-5a7a089a7d79": CRM_TO_AEP_FLOW_SPEC_ID, // Azure Synapse
  "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec": CRM_TO_AEP_FLOW_SPEC_ID, // SQL Server
  "ecde33f2-c56f-46cc-bdea-ad151c16cd69": CRM_TO_AEP_FLOW_SPEC_ID, // Azure Table Storage
  "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b": CRM_TO_AEP_FLOW_SPEC_ID, // Azure Databricks
  "b3ba5556-48be-44b7-8b85-ff2b69b46dc4": CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID, // ADLS Gen2
};

/** How often a flow runs. */
export type ScheduleFrequency = "once" | "minute" | "hour" | "day" | "week";

/**
 * `scheduleParams`. Adobe's rules (from the flow spec; checked by the server): `interval` is required unless
 * `once` (≥ 15 for `minute`, ≥ 1 otherwise); with `once`, `interval` and `backfill` must be absent; `startTime`
 * cannot change once the first start has passed.
 */
export interface ScheduleParams {
  /** Epoch **seconds** (not milliseconds). */
  startTime: number;
  frequency: ScheduleFrequency;
  interval?: number;
  /** Ingest what exists before `startTime` on the first run. @default true (server side) */
  backfill?: boolean;
}

/** `Copy` transformation params (CRMToAEP): the column incremental runs are based on. */
export interface DeltaColumn {
  name: string;
  /** e.g. `YYYY-MM-DD` as in every example. */
  dateFormat?: string;
  /** `UTC` (table sources must use UTC). */
  timezone?: string;
}

/** One transformation of a flow. `Copy` and `Mapping` are the two the five sources use. */
export type FlowTransformation =
  | { name: "Copy"; params: { deltaColumn: DeltaColumn } }
  | { name: "Mapping"; params: { mappingId: string; mappingVersion: number | string } };

/** The `Copy` transformation with `deltaColumn`. */
export function copyTransformation(deltaColumn: DeltaColumn): FlowTransformation {
  return { name: "Copy", params: { deltaColumn: { ...deltaColumn } } };
}

/** The `Mapping` transformation pinning `mappingVersion` of mapping set `mappingId`. */
export function mappingTransformation(mappingId: string, mappingVersion: number): FlowTransformation {
  return { name: "Mapping", params: { mappingId, mappingVersion } };
}

/** Body of `POST /flows`. `state` must not be sent (FLOW-1410). */
export interface NewFlow {
  name: string;
  /** Free text; with an identity, it must end with the identity's marker. */
  description?: string;
  /** `{id: CRM_TO_AEP_FLOW_SPEC_ID | CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID, version: "1.0"}`. */
  flowSpec: { id: string; version: string };
  /** Exactly one each ("should be mapped to a single dataflow", UPDF). */
  sourceConnectionIds: [string];
  targetConnectionIds: [string];
  /** CRMToAEP: `Copy` then `Mapping`; CloudStorageToAEP: `Mapping` only. */
  transformations: FlowTransformation[];
  scheduleParams: ScheduleParams;
  options?: { errorDiagnosticsEnabled?: boolean; partialIngestionPercent?: number };
}

/** `lastRunDetails` of a flow: its latest started run, absent before the first one. */
export interface LastRunDetails {
  id: string;
  /** e.g. `success`, `failed`, `inProgress`. */
  state?: string;
  /** Epoch milliseconds. */
  startedAtUTC?: number;
  /** Epoch milliseconds. */
  completedAtUTC?: number;
}

/** A flow as `GET /flows/{id}` returns it (leniently parsed; unknown fields dropped). */
export interface Flow extends AuditFields {
  id: string;
  name: string;
  description?: string;
  flowSpec: { id: string; version?: string };
  /** `enabled`, `disabled`, `draft`, or a transitional state (`updating`, `disabling`, `delete-finalizing`, …). */
  state?: string;
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  /** As stored; `mappingVersion` may come back as a string (`"0"`). */
  transformations: { name: string; params: Record<string, unknown> }[];
  /** Numbers and booleans even when the server echoes the docs' strings; an unreadable field reads as absent. */
  scheduleParams?: { startTime?: number; frequency?: string; interval?: number; backfill?: boolean };
  options?: Record<string, unknown>;
  lastRunDetails?: LastRunDetails;
  lastOperation?: { operation?: string; started?: number; updated?: number };
  labels?: unknown[];
  /** Opaque, quotes included; send it back verbatim as `If-Match`. */
  etag: string;
}

const integerish = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
const booleanish = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

const scheduleSchema = z
  .object({ startTime: lenient(integerish), frequency: lenient(z.string()), interval: lenient(integerish), backfill: lenient(booleanish) })
  .loose();

const lastRunSchema = z
  .object({ id: z.string().min(1), state: lenient(z.string()), startedAtUTC: lenient(epochMs), completedAtUTC: lenient(epochMs) })
  .loose();

const flowSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    description: lenient(z.string()),
    flowSpec: z.object({ id: z.string().min(1), version: lenient(z.string()) }).loose(),
    state: lenient(z.string()),
    sourceConnectionIds: lenient(z.array(z.string())),
    targetConnectionIds: lenient(z.array(z.string())),
    transformations: lenient(z.array(z.object({ name: z.string(), params: lenient(looseRecord) }).loose())),
    scheduleParams: lenient(scheduleSchema),
    options: lenient(looseRecord),
    lastRunDetails: lenient(lastRunSchema),
    lastOperation: lenient(z.object({ operation: lenient(z.string()), started: lenient(z.number()), updated: lenient(z.number()) }).loose()),
    labels: lenient(z.array(z.unknown())),
    ...auditShape,
  })
  .loose()
  .refine(hasEtag, { message: "neither etag nor version is present", path: ["etag"] });

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toFlow(item: z.infer<typeof flowSchema>): Flow {
  const flow: Flow = {
    id: item.id,
    name: item.name,
    flowSpec: defined({ id: item.flowSpec.id, version: item.flowSpec.version }),
    sourceConnectionIds: item.sourceConnectionIds ?? [],
    targetConnectionIds: item.targetConnectionIds ?? [],
    transformations: (item.transformations ?? []).map((t) => ({ name: t.name, params: t.params ?? {} })),
    etag: item.etag ?? item.version ?? "",
  };
  if (item.description !== undefined) flow.description = item.description;
  if (item.state !== undefined) flow.state = item.state;
  if (item.scheduleParams !== undefined) {
    const { startTime, frequency, interval, backfill } = item.scheduleParams;
    flow.scheduleParams = defined({ startTime, frequency, interval, backfill });
  }
  if (item.options !== undefined) flow.options = item.options;
  if (item.lastRunDetails !== undefined) {
    const { id, state, startedAtUTC, completedAtUTC } = item.lastRunDetails;
    flow.lastRunDetails = defined({ id, state, startedAtUTC, completedAtUTC });
  }
  if (item.lastOperation !== undefined) {
    const { operation, started, updated } = item.lastOperation;
    flow.lastOperation = defined({ operation, started, updated });
  }
  if (item.labels !== undefined) flow.labels = item.labels;
  copyAudit(item, flow);
  return flow;
}

/** One page of `GET /flows` (also the `{items:[item]}` of `GET /flows/{id}`). */
export const parseFlowPage = pageParser(flowSchema, toFlow);

/** FLOW-1439 ("the requested flows resource is not found") at 400, as ERR lists it. */
function isFlowNotFound400(response: HttpResponse): boolean {
  if (response.status !== 400) return false;
  const adobe = parseAdobeError(response.text);
  return adobe.dialect === "flow" && adobe.code === FLOW_NOT_FOUND;
}

const KIND: FlowObjectKind<Flow> = { path: "/flows", what: "flow", parsePage: parseFlowPage, alsoNotFound: isFlowNotFound400 };

/** Creates a flow; see the module comment (and safe-create.ts) for how duplicates are avoided. */
export async function createFlow(ctx: CallContext, body: NewFlow, options: SafeCreateOptions<Flow>): Promise<CreatedObject> {
  if (typeof body?.flowSpec?.id !== "string" || body.flowSpec.id === "") throw new TypeError("createFlow: body.flowSpec.id must be a non-empty string");
  if ("state" in (body as object)) throw new TypeError("createFlow: body must not carry a state (FLOW-1410); enable or disable after the create");
  const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((id, i) => sameId(id, b[i]!));
  return createObject(ctx, KIND, body, options, {
    filters: [`flowSpec.id==${body.flowSpec.id}`],
    sameKind: (flow) =>
      flow.flowSpec.id === body.flowSpec.id &&
      sameList(flow.sourceConnectionIds, body.sourceConnectionIds) &&
      sameList(flow.targetConnectionIds, body.targetConnectionIds),
  });
}

/** A listing of the sandbox's flows shared by the creates of one run. */
export function flowSnapshot(ctx: CallContext, options: RequestOptions): ListingSnapshot<Flow> {
  return objectSnapshot(ctx, KIND, options);
}

/** `GET /flows/{id}` → the flow, or undefined when it does not exist (FLOW-1439 at 404 or 400). */
export function getFlow(ctx: CallContext, id: string, options: RequestOptions): Promise<Flow | undefined> {
  return getObject(ctx, KIND, id, options);
}

/** `GET /flows`, every page (filters: `name==`, `flowSpec.id==`, `state==`, `sourceConnectionIds==`, …). */
export function listFlows(ctx: CallContext, query: ListQuery, options: RequestOptions): AsyncGenerator<Flow, void, undefined> {
  return listObjects(ctx, KIND, query, options);
}

/**
 * `PATCH /flows/{id}` with `If-Match` → the new `{id, etag}`. Patchable: `/name`, `/description`,
 * `/scheduleParams/*`, `/transformations/{i}`, `/labels`, `/options` (not the spec or the connections).
 */
export function updateFlow(ctx: CallContext, id: string, etag: string, operations: readonly JsonPatchOperation[], options: RequestOptions): Promise<UpdatedObject> {
  return patchObject(ctx, KIND, id, etag, operations, options);
}

/**
 * The JSON Patch operation that repoints `flow`'s Mapping transformation to `mappingVersion` of `mappingId`, at the
 * index where that transformation is (not always 0: Copy comes first in CRMToAEP flows, dataflows.md §0 #9).
 * @throws TypeError when the flow has no Mapping transformation.
 */
export function mappingTransformationPatch(flow: Pick<Flow, "id" | "transformations">, mappingId: string, mappingVersion: number): JsonPatchOperation {
  const index = flow.transformations.findIndex((t) => t.name.toLowerCase() === "mapping");
  if (index === -1) throw new TypeError(`flow ${flow.id} has no Mapping transformation`);
  return { op: "replace", path: `/transformations/${index}`, value: mappingTransformation(mappingId, mappingVersion) };
}

/** Result of {@link setFlowState}. */
export interface FlowStateChange extends UpdatedObject {
  /** True when the action's answer was lost and the flow, read back, was already in the state asked for. */
  recovered: boolean;
}

/**
 * `POST /flows/{id}/action?op=enable|disable` (no body) → the new `{id, etag}`. Never sent again blindly (see the
 * module comment); an action the state does not allow (enable on an enabled flow) is a FlowServiceError with
 * FLOW-1422.
 */
export async function setFlowState(ctx: CallContext, id: string, op: "enable" | "disable", options: RequestOptions): Promise<FlowStateChange> {
  const target = op === "enable" ? "enabled" : "disabled";
  const spec: Omit<CallSpec, "budget" | "idempotent"> = { method: "POST", path: `/flows/${segment(id)}/action`, query: [["op", op]], options };
  return sendChecked<FlowStateChange>(ctx, {
    spec,
    parse: (response) => {
      const parsed = parseCreated(response.text);
      if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
      if (!sameId(parsed.value.id, id)) throw unparseable(spec, response, `it names flow ${parsed.value.id}, not ${id}`);
      return { ...parsed.value, recovered: false };
    },
    readBack: async () => {
      const flow = await getFlow(ctx, id, options);
      if (flow?.state === target) return { applied: { id: flow.id, etag: flow.etag, recovered: true } };
      return { notApplied: `the flow, read back, is ${flow === undefined ? "gone" : `in state ${flow.state ?? "unknown"}`}, so the ${op} was not applied` };
    },
    readBackFailed: `the ${op} may have been applied, and reading the flow back failed`,
  });
}

/** `DELETE /flows/{id}` → "deleted" (204) or "not-found" (FLOW-1439). */
export function deleteFlow(ctx: CallContext, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  return deleteObject(ctx, KIND, id, options);
}

/** Source connections per flow lookup: SORT's `sourceConnectionIds[]==a,b` is an OR list; kept short for the URL. */
const IDS_PER_LOOKUP = 20;

/**
 * The flows that read from base connection `baseConnectionId` through any of its source connections: what keeps it
 * in use when a delete fails with FLOW-1418, whose message names no flow. `GET /sourceConnections?property=
 * baseConnectionId==<id>`, then `GET /flows?property=sourceConnectionIds[]==<ids>` (SORT's array syntax).
 */
export async function flowsUsingBaseConnection(ctx: CallContext, baseConnectionId: string, options: RequestOptions): Promise<Flow[]> {
  segment(baseConnectionId, "baseConnectionId");
  const sourceIds: string[] = [];
  for await (const source of listSourceConnections(ctx, { property: `baseConnectionId==${baseConnectionId}` }, options)) {
    if (source.baseConnectionId !== undefined && sameId(source.baseConnectionId, baseConnectionId)) sourceIds.push(source.id);
  }
  const flows: Flow[] = [];
  for (let i = 0; i < sourceIds.length; i += IDS_PER_LOOKUP) {
    const chunk = sourceIds.slice(i, i + IDS_PER_LOOKUP);
    for await (const flow of listFlows(ctx, { property: `sourceConnectionIds[]==${chunk.join(",")}` }, options)) {
      const uses = flow.sourceConnectionIds.some((id) => chunk.some((s) => sameId(s, id)));
      if (uses && !flows.some((f) => f.id === flow.id)) flows.push(flow);
    }
  }
  return flows;
}

// ---- runs ----

/** One error of a failed run, in another service's code (`CONNECTOR-2001-500`, `INGEST-1212-400`, …). */
export interface FlowRunError {
  code?: string;
  message?: string;
}

/** A flow run as `GET /runs/{id}` returns it (leniently parsed). */
export interface FlowRun extends AuditFields {
  id: string;
  flowId: string;
  /** `etag` (docs) or `eTag` (OAS); empty when the server sent neither. */
  etag: string;
  providerRefId?: string;
  /** `metrics.statusSummary.status`: `scheduled`, `inProgress`, `success`, `failed` (case as sent). */
  status?: string;
  /** Epoch milliseconds (`metrics.durationSummary`). */
  startedAtUTC?: number;
  completedAtUTC?: number;
  /** `metrics.statusSummary.errors`; empty unless the run failed. */
  errors: FlowRunError[];
  /** `metrics.recordSummary` counts. */
  records?: { input?: number; output?: number; failed?: number };
  /** `metrics.fileSummary` counts. */
  files?: { input?: number; output?: number };
}

const count = lenient(z.number().int().min(0));

const runSchema = z
  .object({
    id: z.string().min(1),
    flowId: z.string().min(1),
    eTag: lenient(z.string()),
    providerRefId: lenient(z.string()),
    metrics: lenient(
      z
        .object({
          durationSummary: lenient(z.object({ startedAtUTC: lenient(epochMs), completedAtUTC: lenient(epochMs) }).loose()),
          statusSummary: lenient(
            z
              .object({
                status: lenient(z.string()),
                errors: lenient(z.array(z.object({ code: lenient(z.string()), message: lenient(z.string()) }).loose())),
              })
              .loose(),
          ),
          recordSummary: lenient(z.object({ inputRecordCount: count, outputRecordCount: count, failedRecordCount: count }).loose()),
          fileSummary: lenient(z.object({ inputFileCount: count, outputFileCount: count }).loose()),
        })
        .loose(),
    ),
    ...auditShape,
  })
  .loose();

function toRun(item: z.infer<typeof runSchema>): FlowRun {
  const m = item.metrics;
  const run: FlowRun = {
    id: item.id,
    flowId: item.flowId,
    etag: item.etag ?? item.eTag ?? "",
    errors: (m?.statusSummary?.errors ?? []).map((e) => defined({ code: e.code, message: e.message })),
  };
  if (item.providerRefId !== undefined) run.providerRefId = item.providerRefId;
  if (m?.statusSummary?.status !== undefined) run.status = m.statusSummary.status;
  if (m?.durationSummary?.startedAtUTC !== undefined) run.startedAtUTC = m.durationSummary.startedAtUTC;
  if (m?.durationSummary?.completedAtUTC !== undefined) run.completedAtUTC = m.durationSummary.completedAtUTC;
  if (m?.recordSummary !== undefined) {
    run.records = defined({ input: m.recordSummary.inputRecordCount, output: m.recordSummary.outputRecordCount, failed: m.recordSummary.failedRecordCount });
  }
  if (m?.fileSummary !== undefined) run.files = defined({ input: m.fileSummary.inputFileCount, output: m.fileSummary.outputFileCount });
  const { etag: _etag, version: _version, ...audit } = item;
  copyAudit(audit, run);
  return run;
}

/** One page of `GET /runs` (also the `{items:[run]}` of `GET /runs/{id}`). */
export const parseRunPage = pageParser(runSchema, toRun);

const RUNS: FlowObjectKind<FlowRun> = { path: "/runs", what: "run", parsePage: parseRunPage };

/** `GET /runs?property=flowId==<id>`, every page; `query.property` adds filters (e.g. `state==failed`). */
export async function* listRuns(ctx: CallContext, flowId: string, query: ListQuery, options: RequestOptions): AsyncGenerator<FlowRun, void, undefined> {
  segment(flowId, "flowId");
  const extra = query.property === undefined ? [] : Array.isArray(query.property) ? query.property : [query.property];
  for await (const run of listObjects(ctx, RUNS, { ...query, property: [`flowId==${flowId}`, ...extra] }, options)) yield run;
}

/** `GET /runs/{id}` → the run, or undefined when it does not exist (404). */
export function getRun(ctx: CallContext, id: string, options: RequestOptions): Promise<FlowRun | undefined> {
  return getObject(ctx, RUNS, id, options);
}

/**
 * The flow's latest started run, in full: the one its `lastRunDetails` names (`GET /flows/{id}`, then
 * `GET /runs/{runId}`). Undefined before the first run has started.
 * @throws NotFoundError when the flow does not exist.
 */
export async function latestRun(ctx: CallContext, flowId: string, options: RequestOptions): Promise<FlowRun | undefined> {
  const flow = await getFlow(ctx, flowId, options);
  if (flow === undefined) {
    const path = `/flows/${segment(flowId, "flowId")}`;
    throw new NotFoundError({ status: 404, method: "GET", path }, `GET ${path}: flow ${flowId} does not exist`);
  }
  const last = flow.lastRunDetails;
  if (last === undefined) return undefined;
  const run = await getRun(ctx, last.id, options);
  if (run !== undefined) return run;
  // Named by the flow but not readable (yet, or any more): the summary is all there is.
  const summary: FlowRun = { id: last.id, flowId: flow.id, etag: "", errors: [] };
  if (last.state !== undefined) summary.status = last.state;
  if (last.startedAtUTC !== undefined) summary.startedAtUTC = last.startedAtUTC;
  if (last.completedAtUTC !== undefined) summary.completedAtUTC = last.completedAtUTC;
  return summary;
}

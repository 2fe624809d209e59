/**
 * Typed client for AEP Flow Service: one explicit method per operation, each written out in the module of its
 * object (connections.ts, …). API reference: https://developer.adobe.com/experience-platform-apis/references/flow-service/
 */
import { FLOW_SERVICE_BASE_PATH, type CallContext } from "./call";
import {
  connectionSnapshot,
  createConnection,
  deleteConnection,
  getConnection,
  getConnectionSpec,
  listConnections,
  testConnection,
  updateConnection,
  type ConnectionSnapshot,
  type CreatedConnection,
  type CreateOptions,
} from "./connections";
import { createDataset, datasetSnapshot, deleteDataset, getDataset, type CreateDatasetOptions, type CreatedDataset, type Dataset, type NewDataset } from "./datasets";
import { exploreFile, exploreFolder, exploreRoot, exploreTable, type ExploreFileOptions, type ExploreItem, type ExploreSchema } from "./explore";
import type { CreatedObject, UpdatedObject } from "./flow-objects";
import {
  createFlow,
  flowSnapshot,
  deleteFlow,
  flowsUsingBaseConnection,
  getFlow,
  getRun,
  latestRun,
  listFlows,
  listRuns,
  setFlowState,
  updateFlow,
  type Flow,
  type FlowRun,
  type FlowStateChange,
  type NewFlow,
} from "./flows";
import { DEFAULT_TIMEOUTS, sharedAgent } from "./http";
import {
  createMappingSet,
  mappingSetSnapshot,
  deleteMappingSet,
  getMappingSet,
  listMappingSets,
  updateMappingSet,
  type CreatedMappingSet,
  type MappingSet,
  type NewMappingSet,
  type UpdatedMappingSet,
} from "./mapping-sets";
import type { ListingSnapshot, SafeCreateOptions } from "./safe-create";
import {
  createSourceConnection,
  sourceConnectionSnapshot,
  deleteSourceConnection,
  getSourceConnection,
  listSourceConnections,
  updateSourceConnection,
  type NewSourceConnection,
  type SourceConnection,
} from "./source-connections";
import {
  createTargetConnection,
  targetConnectionSnapshot,
  deleteTargetConnection,
  getTargetConnection,
  listTargetConnections,
  updateTargetConnection,
  type NewTargetConnection,
  type TargetConnection,
} from "./target-connections";
import { resolveRetryPolicy } from "./retry";
import { resolveSettings, type FlowServiceSettings } from "./settings";
import type {
  Connection,
  ConnectionSpec,
  FlowServiceClientOptions,
  JsonPatchOperation,
  ListQuery,
  NewConnection,
  RequestOptions,
} from "./types";

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

/**
 * Client of the Flow Service API. Every request carries `Authorization`, `x-api-key`, `x-gw-ims-org-id` and
 * `x-sandbox-name` (never `x-sandbox-id`). Tokens come from Adobe IMS (OAuth server-to-server) and are cached
 * process-wide. Idempotent requests are retried on 429/502/503/504 and network failures; a create is never sent
 * twice blindly. Failures are {@link AepError}s: `FlowServiceError` and its subclasses, `ImsError`, `SettingsError`.
 */
export class FlowServiceClient {
  private readonly ctx: CallContext;

  /**
   * @param settings usually from `resolveSettings()`; validated again (http to a non-loopback host is refused).
   * @param options transport options: dispatcher, timeouts, retry policy.
   */
  constructor(settings: FlowServiceSettings, options: FlowServiceClientOptions = {}) {
    const resolved = resolveSettings(settings, {});
    const timeouts = {
      connectMs: positive("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_TIMEOUTS.connectMs),
      headersMs: positive("headersTimeoutMs", options.headersTimeoutMs, DEFAULT_TIMEOUTS.headersMs),
      bodyMs: positive("bodyTimeoutMs", options.bodyTimeoutMs, DEFAULT_TIMEOUTS.bodyMs),
      attemptMs: positive("attemptTimeoutMs", options.attemptTimeoutMs, DEFAULT_TIMEOUTS.attemptMs),
      maxResponseBytes: positive("maxResponseBytes", options.maxResponseBytes, DEFAULT_TIMEOUTS.maxResponseBytes),
    };
    const retry = resolveRetryPolicy(options.retry);
    const dispatcher = options.dispatcher ?? sharedAgent(timeouts.connectMs);
    this.ctx = {
      settings: resolved,
      baseUrl: `${resolved.platformUrl}${FLOW_SERVICE_BASE_PATH}`,
      dispatcher,
      timeouts,
      retry,
      token: {
        imsUrl: resolved.imsUrl,
        clientId: resolved.clientId,
        clientSecret: resolved.clientSecret,
        scopes: resolved.scopes,
        dispatcher,
        timeouts,
        retry,
      },
    };
  }

  /**
   * `POST /connections` → `{id, etag}`. Give an `identity` (identity.ts: its marker at the end of
   * `body.description`) and the create is safe against lost answers and interrupted runs: it first looks for a
   * connection carrying the marker and takes it (`recovered`), and never creates a second one. Of several matches
   * (interrupted attempts each committed) the oldest is taken and the others are returned as `strays` to delete.
   * Without an identity nothing existing is taken for the result: a create whose outcome is unknown fails with an
   * `AmbiguousCreateError` listing the same-named connections (`candidateIds`).
   */
  createConnection(body: NewConnection, options: CreateOptions = {}): Promise<CreatedConnection> {
    return createConnection(this.ctx, body, options);
  }

  /**
   * A listing of the sandbox's connections (`options.sandboxName`), loaded on first use, for the creates of one
   * run to share (`CreateOptions.snapshot`): it saves each create its own lookup.
   */
  connectionSnapshot(options: RequestOptions = {}): ConnectionSnapshot {
    return connectionSnapshot(this.ctx, options);
  }

  /**
   * A listing of the sandbox's source connections (`options.sandboxName`), loaded on first use, for the creates of
   * one run to share (`SafeCreateOptions.snapshot`); likewise {@link targetConnectionSnapshot},
   * {@link datasetSnapshot}, {@link mappingSetSnapshot} and {@link flowSnapshot}.
   */
  sourceConnectionSnapshot(options: RequestOptions = {}): ListingSnapshot<SourceConnection> {
    return sourceConnectionSnapshot(this.ctx, options);
  }

  /** A listing of the sandbox's target connections for the creates of one run to share. */
  targetConnectionSnapshot(options: RequestOptions = {}): ListingSnapshot<TargetConnection> {
    return targetConnectionSnapshot(this.ctx, options);
  }

  /** A listing of the sandbox's Catalog datasets for the creates of one run to share. */
  datasetSnapshot(options: RequestOptions = {}): ListingSnapshot<Dataset> {
    return datasetSnapshot(this.ctx, options);
  }

  /** A listing of the sandbox's Data Prep mapping sets for the creates of one run to share. */
  mappingSetSnapshot(options: RequestOptions = {}): ListingSnapshot<MappingSet> {
    return mappingSetSnapshot(this.ctx, options);
  }

  /** A listing of the sandbox's flows for the creates of one run to share. */
  flowSnapshot(options: RequestOptions = {}): ListingSnapshot<Flow> {
    return flowSnapshot(this.ctx, options);
  }

  /** `GET /connections/{id}` → the connection, or undefined when it does not exist (404). */
  getConnection(id: string, options: RequestOptions = {}): Promise<Connection | undefined> {
    return getConnection(this.ctx, id, options);
  }

  /**
   * `GET /connections`, following `_links.next.href` until the last page. `property` filters are ANDed, e.g.
   * `{ property: ["name==My connection", "connectionSpec.id==<id>"] }`. Requests are made while iterating.
   */
  listConnections(query: ListQuery = {}, options: RequestOptions = {}): AsyncIterable<Connection> {
    return listConnections(this.ctx, query, options);
  }

  /**
   * `PATCH /connections/{id}` with a JSON Patch array and `If-Match: <etag>` (verbatim, quotes included)
   * → the new `{id, etag}`. A stale etag fails with a `StaleEtagError` (412).
   */
  updateConnection(id: string, etag: string, operations: JsonPatchOperation[], options: RequestOptions = {}): Promise<{ id: string; etag: string }> {
    return updateConnection(this.ctx, id, etag, operations, options);
  }

  /**
   * `DELETE /connections/{id}` → "deleted" (204/202) or "not-found" (404). A 404 after an attempt whose outcome
   * was unknown counts as "deleted". A connection used by dataflows fails with an `InUseError` (FLOW-1418).
   */
  deleteConnection(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteConnection(this.ctx, id, options);
  }

  /** `GET /connections/{id}/test` → whether Flow Service can reach the source with the stored credentials. */
  testConnection(id: string, options: RequestOptions = {}): Promise<boolean> {
    return testConnection(this.ctx, id, options);
  }

  /** `GET /connectionSpecs/{id}` → the spec (with its `authSpec` JSON schemas), or undefined when unknown. */
  getConnectionSpec(id: string, options: RequestOptions = {}): Promise<ConnectionSpec | undefined> {
    return getConnectionSpec(this.ctx, id, options);
  }

  // ---- explore (dataflows.md §2) ----

  /**
   * `GET /connections/{id}/explore?objectType=root` → the tables of a table source, or the top-level files and
   * folders of ADLS Gen2. An item's `path` is what a source connection's `params.tableName` / `params.path` takes.
   * An unknown connection is a `NotFoundError`.
   */
  exploreRoot(connectionId: string, options: RequestOptions = {}): Promise<ExploreItem[]> {
    return exploreRoot(this.ctx, connectionId, options);
  }

  /** `…/explore?objectType=folder&object=<path>` → the files and folders inside a cloud-storage folder. */
  exploreFolder(connectionId: string, path: string, options: RequestOptions = {}): Promise<ExploreItem[]> {
    return exploreFolder(this.ctx, connectionId, path, options);
  }

  /**
   * `…/explore?objectType=table&object=<path>[&preview=true]` → the table's columns (in the shape of a source
   * connection's `params.columns`), plus sample rows in `data` with `preview`. An unknown table is a `NotFoundError`.
   */
  exploreTable(connectionId: string, tablePath: string, query: { preview?: boolean } = {}, options: RequestOptions = {}): Promise<ExploreSchema> {
    return exploreTable(this.ctx, connectionId, tablePath, query.preview === true, options);
  }

  /**
   * `…/explore?objectType=file&object=<path>&fileType=…` → a file's inferred columns (both documented shapes are
   * read), sample rows with `preview`, detected properties with `determineProperties`.
   */
  exploreFile(connectionId: string, filePath: string, file: ExploreFileOptions = {}, options: RequestOptions = {}): Promise<ExploreSchema> {
    return exploreFile(this.ctx, connectionId, filePath, file, options);
  }

  // ---- source connections (dataflows.md §3) ----

  /**
   * `POST /sourceConnections` → `{id, etag, recovered}`. With an `identity` (marker at the end of
   * `body.description`) the create is crash-safe as {@link createConnection} is: an object carrying the marker, the
   * name, the base connection and the spec is taken instead of creating a second one; several are an
   * `AmbiguousCreateError`. Without one, an unknown outcome fails naming the same-named candidates.
   */
  createSourceConnection(body: NewSourceConnection, options: SafeCreateOptions<SourceConnection> = {}): Promise<CreatedObject> {
    return createSourceConnection(this.ctx, body, options);
  }

  /** `GET /sourceConnections/{id}` → the source connection, or undefined when it does not exist (404). */
  getSourceConnection(id: string, options: RequestOptions = {}): Promise<SourceConnection | undefined> {
    return getSourceConnection(this.ctx, id, options);
  }

  /** `GET /sourceConnections`, every page; e.g. `{ property: "baseConnectionId==<id>" }`. */
  listSourceConnections(query: ListQuery = {}, options: RequestOptions = {}): AsyncIterable<SourceConnection> {
    return listSourceConnections(this.ctx, query, options);
  }

  /**
   * `PATCH /sourceConnections/{id}` with `If-Match: <etag>` → the new `{id, etag}`; 412 is a `StaleEtagError`.
   * Adobe advises against patching the connections of a live flow (make a new pair and flow instead).
   */
  updateSourceConnection(id: string, etag: string, operations: JsonPatchOperation[], options: RequestOptions = {}): Promise<UpdatedObject> {
    return updateSourceConnection(this.ctx, id, etag, operations, options);
  }

  /**
   * `DELETE /sourceConnections/{id}` → "deleted" or "not-found" (404). While a flow uses it: an `InUseError`
   * (FLOW-1447) whose `blockingFlowIds` names the flows.
   */
  deleteSourceConnection(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteSourceConnection(this.ctx, id, options);
  }

  // ---- target connections (dataflows.md §5) ----

  /**
   * `POST /targetConnections` → `{id, etag, recovered}` (build the Data Lake body with `dataLakeTargetConnection`).
   * Crash-safe with an `identity` like {@link createSourceConnection}: a candidate must also name the same dataset.
   */
  createTargetConnection(body: NewTargetConnection, options: SafeCreateOptions<TargetConnection> = {}): Promise<CreatedObject> {
    return createTargetConnection(this.ctx, body, options);
  }

  /** `GET /targetConnections/{id}` → the target connection, or undefined when it does not exist (404). */
  getTargetConnection(id: string, options: RequestOptions = {}): Promise<TargetConnection | undefined> {
    return getTargetConnection(this.ctx, id, options);
  }

  /** `GET /targetConnections`, every page. */
  listTargetConnections(query: ListQuery = {}, options: RequestOptions = {}): AsyncIterable<TargetConnection> {
    return listTargetConnections(this.ctx, query, options);
  }

  /** `PATCH /targetConnections/{id}` with `If-Match` → the new `{id, etag}`; 412 is a `StaleEtagError`. */
  updateTargetConnection(id: string, etag: string, operations: JsonPatchOperation[], options: RequestOptions = {}): Promise<UpdatedObject> {
    return updateTargetConnection(this.ctx, id, etag, operations, options);
  }

  /** `DELETE /targetConnections/{id}` → "deleted" or "not-found"; an `InUseError` naming the flows while used. */
  deleteTargetConnection(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteTargetConnection(this.ctx, id, options);
  }

  // ---- Catalog datasets (dataflows.md §4; base path /data/foundation/catalog) ----

  /**
   * `POST /dataSets` (Catalog) → `{id, recovered}` (Catalog answers `["@/dataSets/<id>"]` and has no etag).
   * Crash-safe with an `identity` (marker at the end of `body.description`): looked up by name
   * (`GET /dataSets?name=`), a candidate must carry the marker and the same schema.
   */
  createDataset(body: NewDataset, options: CreateDatasetOptions = {}): Promise<CreatedDataset> {
    return createDataset(this.ctx, body, options);
  }

  /** `GET /dataSets/{id}` (Catalog, a keyed object) → the dataset, or undefined when unknown (404). */
  getDataset(id: string, options: RequestOptions = {}): Promise<Dataset | undefined> {
    return getDataset(this.ctx, id, options);
  }

  /** `DELETE /dataSets/{id}` (Catalog) → "deleted", or "not-found" (Catalog's 200 `[]`, or 404). */
  deleteDataset(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteDataset(this.ctx, id, options);
  }

  // ---- Data Prep mapping sets (dataflows.md §6; base path /data/foundation/conversion) ----

  /**
   * `POST /mappingSets` (Data Prep, 200) → `{id, version: 0, recovered}`. A mapping set keeps no description, so
   * with an `identity` the marker goes at the end of `body.name`; a candidate must have that name and the same
   * output schema.
   */
  createMappingSet(body: NewMappingSet, options: SafeCreateOptions<MappingSet> = {}): Promise<CreatedMappingSet> {
    return createMappingSet(this.ctx, body, options);
  }

  /**
   * `GET /mappingSets/{id}[?version=N]` → that version (the current one by default), with `sourceType` normalised
   * to ATTRIBUTE / EXPRESSION / STATIC; undefined when the set or the version does not exist.
   */
  getMappingSet(id: string, query: { version?: number } = {}, options: RequestOptions = {}): Promise<MappingSet | undefined> {
    return getMappingSet(this.ctx, id, query.version, options);
  }

  /** `GET /mappingSets?limit=&start=[&name=]` (Data Prep), every page, current versions. */
  listMappingSets(query: { name?: string } = {}, options: RequestOptions = {}): AsyncIterable<MappingSet> {
    return listMappingSets(this.ctx, query, options);
  }

  /**
   * `PUT /mappingSets/{id}`: a full replace → the new current version (`version` + 1). Flows keep the version they
   * pin: patch each one with `mappingTransformationPatch`. Never sent twice; see mapping-sets.ts.
   */
  updateMappingSet(id: string, body: NewMappingSet, options: RequestOptions = {}): Promise<UpdatedMappingSet> {
    return updateMappingSet(this.ctx, id, body, options);
  }

  /** `DELETE /mappingSets/{id}` → "deleted" or "not-found"; an `InUseError` naming the flows that pin it. */
  deleteMappingSet(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteMappingSet(this.ctx, id, options);
  }

  // ---- flows and runs (dataflows.md §7, §8) ----

  /**
   * `POST /flows` → `{id, etag, recovered}`. Crash-safe with an `identity` (marker at the end of
   * `body.description`): a candidate must also have the flow spec and the same source and target connection.
   * The flow starts enabled; disable it with {@link disableFlow}.
   */
  createFlow(body: NewFlow, options: SafeCreateOptions<Flow> = {}): Promise<CreatedObject> {
    return createFlow(this.ctx, body, options);
  }

  /** `GET /flows/{id}` → the flow (schedule values as numbers), or undefined when it does not exist (FLOW-1439). */
  getFlow(id: string, options: RequestOptions = {}): Promise<Flow | undefined> {
    return getFlow(this.ctx, id, options);
  }

  /** `GET /flows`, every page; e.g. `{ property: "sourceConnectionIds==<id>" }`. */
  listFlows(query: ListQuery = {}, options: RequestOptions = {}): AsyncIterable<Flow> {
    return listFlows(this.ctx, query, options);
  }

  /**
   * `PATCH /flows/{id}` with `If-Match: <etag>` → the new `{id, etag}`; 412 is a `StaleEtagError`. To repoint the
   * mapping, use `mappingTransformationPatch(flow, mappingId, version)` for the operation.
   */
  updateFlow(id: string, etag: string, operations: JsonPatchOperation[], options: RequestOptions = {}): Promise<UpdatedObject> {
    return updateFlow(this.ctx, id, etag, operations, options);
  }

  /** `POST /flows/{id}/action?op=enable` → `{id, etag, recovered}`; FLOW-1422 when the flow is already enabled. */
  enableFlow(id: string, options: RequestOptions = {}): Promise<FlowStateChange> {
    return setFlowState(this.ctx, id, "enable", options);
  }

  /** `POST /flows/{id}/action?op=disable` → `{id, etag, recovered}`; FLOW-1422 when the flow is already disabled. */
  disableFlow(id: string, options: RequestOptions = {}): Promise<FlowStateChange> {
    return setFlowState(this.ctx, id, "disable", options);
  }

  /** `DELETE /flows/{id}` → "deleted" (204) or "not-found". Runs stay (history); connections are not deleted. */
  deleteFlow(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteFlow(this.ctx, id, options);
  }

  /**
   * The flows that read from a base connection (through its source connections): what a FLOW-1418 refusal of
   * {@link deleteConnection} does not name. Two lists: source connections of the base connection, then their flows.
   */
  flowsUsingBaseConnection(baseConnectionId: string, options: RequestOptions = {}): Promise<Flow[]> {
    return flowsUsingBaseConnection(this.ctx, baseConnectionId, options);
  }

  /** `GET /runs?property=flowId==<flowId>`, every page; `query.property` adds filters, `query.orderby` sorts. */
  listRuns(flowId: string, query: ListQuery = {}, options: RequestOptions = {}): AsyncIterable<FlowRun> {
    return listRuns(this.ctx, flowId, query, options);
  }

  /** `GET /runs/{id}` → the run, or undefined when it does not exist (404). */
  getRun(id: string, options: RequestOptions = {}): Promise<FlowRun | undefined> {
    return getRun(this.ctx, id, options);
  }

  /**
   * The flow's latest started run (the one `lastRunDetails` names), read in full; undefined before the first run.
   * A flow that does not exist is a `NotFoundError`.
   */
  latestRun(flowId: string, options: RequestOptions = {}): Promise<FlowRun | undefined> {
    return latestRun(this.ctx, flowId, options);
  }
}

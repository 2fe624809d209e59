/**
 * The emulator's public types. Its modules import these from here, never from index.ts, so that nothing imports
 * back the module that starts it.
 */
import type { ExploreCatalogue, XdmSchema } from "./dataflow-catalogue";
import type { FaultSpec } from "./faults";

export type { FaultSpec } from "./faults";

/** One OAuth server-to-server credential the emulated IMS accepts. */
export interface EmulatorClientCredentials {
  clientId: string;
  clientSecret: string;
  /** The IMS org the client belongs to, e.g. `"0A1B2C3D4E5F60718293A4B5@AdobeOrg"`. */
  orgId: string;
}

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** Accepted OAuth server-to-server clients. @default one generated client (random values) */
  clients?: EmulatorClientCredentials[];
  /** Lifetime of issued IMS tokens, seconds (IMS `expires_in`). @default 86399 */
  tokenLifetimeSeconds?: number;
  /** Delay added before every Flow Service response (not IMS). @default 0 */
  latencyMs?: number;
  /** Page size of GET /connections when no `limit` is given. @default 100 */
  defaultPageSize?: number;
  /** Mask `format: password` auth params on GET. @default true */
  maskSecrets?: boolean;
  /** When set, only these sandbox names exist (others: 404 FLOW-2101-404). @default any name */
  sandboxes?: string[];
  /** The clock's time source (epoch ms); `emulator.clock.advance/set` move it further. @default Date.now */
  clock?: () => number;
  /** How long a run takes on the emulator clock, from its start to `success`/`failed`. @default 60000 */
  runDurationMs?: number;
  /** Which side to serve where the docs contradict each other. @default every default of {@link DocReadings} */
  readings?: Partial<DocReadings>;
}

export interface Emulator {
  /** "http://127.0.0.1:<port>". Serves IMS at /ims/token/v3 and Flow Service at /data/foundation/flowservice/... */
  readonly url: string;
  /** Same as `url` (a client appends /data/foundation/flowservice). */
  readonly platformUrl: string;
  /** Same as `url` (a client appends /ims/token/v3). */
  readonly imsUrl: string;
  /** The first accepted client. */
  readonly client: EmulatorClientCredentials;
  /** AEP_PLATFORM_URL, AEP_IMS_URL, AEP_CLIENT_ID, AEP_CLIENT_SECRET, AEP_ORG_ID, AEP_SANDBOX_NAME (default "prod"). */
  env(sandboxName?: string): Record<string, string>;
  /** Every request received, in arrival order (IMS and Flow Service). */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  readonly store: EmulatorStore;
  /** Source/target connections, datasets, mapping sets, flows and runs: inspection and out-of-band hooks. */
  readonly dataflows: DataflowAdmin;
  /** The emulator clock (audit times, schedules, runs). `advance` also generates the runs that became due. */
  readonly clock: { now(): number; advance(ms: number): void; set(epochMs: number): void };
  /** Queue a fault; faults are matched in insertion order, each applies `times` times (default 1). */
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Invalidate every token issued so far (next Flow Service call gets 401 {error_code:"401013"}). */
  expireTokens(): void;
  setLatency(ms: number): void;
  /** Counters since start: IMS token requests, TCP connections accepted, HTTP requests. */
  stats(): { tokenRequests: number; tcpConnections: number; requests: number };
  /** Stops listening and destroys every socket (idle keep-alive ones and hung requests included). Idempotent. */
  close(): Promise<void>;
}

export interface RecordedRequest {
  seq: number;
  kind: "ims" | "flow";
  method: string;
  /** Path without query string, e.g. "/data/foundation/flowservice/connections/<id>" */
  path: string;
  /**
   * Path relative to the Flow Service base, e.g. "/connections/<id>"; Catalog and Data Prep paths relative to
   * /data/foundation, e.g. "/catalog/dataSets/<id>", "/conversion/mappingSets" (same as path for IMS).
   * A trailing slash is removed, so "/connections/" is recorded (and matched by faults) as "/connections".
   */
  route: string;
  query: Record<string, string[]>;
  /** Lower-cased header names, values as received. */
  headers: Record<string, string>;
  /** Parsed JSON body (flow) or form fields (ims), if any. A body that is not valid JSON is kept as its raw text. */
  body?: unknown;
  /** Status sent (0 if the socket was reset / never answered). */
  status: number;
  /** Kind of the fault applied, if any. */
  fault?: string;
}

export interface StoredConnection {
  id: string;
  orgId: string;
  sandboxName: string;
  sandboxId: string;
  name: string;
  description?: string;
  connectionSpec: { id: string; version: string };
  /** Unmasked. */
  auth: { specName: string; params: Record<string, unknown> };
  state: string;
  /** Includes its double quotes, e.g. "\"3500866c-0000-0200-0000-5e83afa30000\"". */
  etag: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
  createdClient: string;
  updatedClient: string;
  inUse: boolean;
  testResult: boolean;
}

export interface EmulatorStore {
  /** All connections, optionally only one org/sandbox. Unmasked. */
  list(filter?: { orgId?: string; sandboxName?: string }): StoredConnection[];
  get(id: string): StoredConnection | undefined;
  /** Out-of-band create (a hand-made connection), defaults: org = first client's, sandbox "prod". Returns it. */
  seed(c: {
    name: string;
    description?: string;
    connectionSpecId: string;
    specName: string;
    params: Record<string, unknown>;
    sandboxName?: string;
    orgId?: string;
  }): StoredConnection;
  /** Out-of-band change (new etag, updatedAt). */
  modify(id: string, change: { name?: string; description?: string; params?: Record<string, unknown> }): StoredConnection;
  /** Out-of-band delete. */
  remove(id: string): boolean;
  /** Mark as used by dataflows: DELETE then gets 400 FLOW-1418-400. */
  markInUse(id: string, inUse?: boolean): void;
  /** What GET /connections/{id}/test reports. @default true */
  setTestResult(id: string, result: boolean): void;
  clear(): void;
}


// ---- the objects after the base connection (see dataflows.ts and the modules it names) ----

/** Audit fields shared by source and target connections, flows and runs (epoch ms). */
export interface AuditedObject {
  id: string;
  orgId: string;
  sandboxName: string;
  sandboxId: string;
  /** Double quotes included. */
  etag: string;
  createdAt: number;
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
  createdClient: string;
  updatedClient: string;
}

/** `lastOperation` of a source connection or flow. */
export interface LastOperation {
  started: number;
  /** Epoch ms of the last change (UPDF's reading; OAS calls it a count, clients treat it as opaque). */
  updated: number;
  operation: "create" | "update" | "draft_create";
  ops?: unknown[];
}

export interface StoredSourceConnection extends AuditedObject {
  name: string;
  description?: string;
  baseConnectionId: string;
  connectionSpec: { id: string; version: string };
  state: "enabled" | "draft";
  data: Record<string, unknown>;
  params: Record<string, unknown>;
  lastOperation: LastOperation;
}

export interface StoredTargetConnection extends AuditedObject {
  name?: string;
  description?: string;
  connectionSpec: { id: string; version: string };
  state: "enabled" | "draft";
  data: Record<string, unknown>;
  params: Record<string, unknown>;
}

/** Flow states: the two of a live flow, `draft`, and the transitional ones ERR names (settable by tests). */
export type FlowState = "enabled" | "disabled" | "draft" | "initializing" | "updating" | "disabling" | "enabled-finalizing" | "delete-finalizing" | "pending";

export interface StoredFlow extends AuditedObject {
  name: string;
  description?: string;
  flowSpec: { id: string; version: string };
  state: FlowState;
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  transformations: unknown[];
  /** As sent (strings or numbers); see schedule.ts. */
  scheduleParams?: Record<string, unknown>;
  options?: Record<string, unknown>;
  labels: unknown[];
  policy?: unknown;
  lastOperation: LastOperation;
  /** When the next scheduled run is due (epoch ms), undefined when none will come (`once` done, draft). */
  nextRunAt?: number;
}

export interface StoredRun extends AuditedObject {
  flowId: string;
  flowSpec: { id: string; version: string };
  providerRefId: string;
  params: Record<string, unknown>;
  /** The scheduled (or requested) start, epoch ms. */
  startedAt: number;
  /** When the run finishes on the emulator clock. */
  completesAt: number;
  outcome: "success" | "failed";
  errors: { code: string; message: string }[];
  onDemand: boolean;
  /** What the run reads from the explore catalogue (its metrics). */
  records: number;
  files: number;
}

export interface StoredDataset {
  id: string;
  orgId: string;
  sandboxName: string;
  name: string;
  description?: string;
  schemaRef: { id: string; contentType: string };
  tags: Record<string, unknown>;
  created: number;
  updated: number;
  createdUser: string;
  createdClient: string;
  updatedUser: string;
}

/** One mapping as stored (normalised from either request dialect). */
export interface StoredMapping {
  id: string;
  sourceType: string;
  source: string;
  destination: string;
  name?: string;
  description?: string;
  identity: boolean;
  primaryIdentity: boolean;
  version: number;
}

export interface MappingSetVersion {
  version: number;
  name?: string;
  inputSchema?: unknown;
  outputSchemaId: string;
  outputSchemaContentType: string;
  mappings: StoredMapping[];
  createdDate: number;
  modifiedDate: number;
  createdBy: string;
  modifiedBy: string;
}

export interface StoredMappingSet {
  id: string;
  orgId: string;
  sandboxName: string;
  /** Every version, oldest first; the last one is current. */
  versions: MappingSetVersion[];
}

/** What explore serves for one connection (see dataflow-catalogue.ts for the built-in one per source). */
export type { ExploreCatalogue, ExploreColumn, ExploreFile, ExploreTable, XdmSchema } from "./dataflow-catalogue";

/** Where the docs disagree, which reading the emulator serves (see emulator/README.md). */
export interface DocReadings {
  /** Status of FLOW-1439 for an unknown flow: 404 (LABELS, a real body) or 400 (ERR's table). @default 404 */
  flowNotFoundStatus: 404 | 400;
  /** Minimum `interval`: "flow-spec" (minute ≥ 15, others ≥ 1) or "prose" (≥ 15 for every non-once frequency). @default "flow-spec" */
  intervalMinimum: "flow-spec" | "prose";
  /** POST /runs answer: "items" (201 {items:[run]}) or "id-etag" (OAS: 201 {id, etag}). @default "items" */
  runCreateResponse: "items" | "id-etag";
  /** Key of a flow spec's transformations: DB/CS/OAS "transformationSpec" or TPL "transformationSpecs". @default "transformationSpec" */
  flowSpecTransformationsKey: "transformationSpec" | "transformationSpecs";
  /** Schedule values on GET: "as-sent", or "strings" (UPDF's GET shows "1612310466", "15", "true"). @default "as-sent" */
  scheduleEcho: "as-sent" | "strings";
  /** File explore with preview: "flat" (DLZ {format, schema, data}) or "columns" (XC bare [{name, type}]). @default "flat" */
  filePreview: "flat" | "columns";
  /** DELETE of a source/target connection a flow uses: "refuse" (FLOW-1447-400) or "allow". @default "refuse" */
  connectionInUseDelete: "refuse" | "allow";
  /** DELETE of a mapping set a flow pins: "refuse" (400) or "allow". @default "refuse" */
  mappingSetInUseDelete: "refuse" | "allow";
  /** Key of a run's etag: docs "etag", OAS "eTag", or both. @default "etag" */
  runEtagKey: "etag" | "eTag" | "both";
}

/** Test hooks for the dataflow objects (out-of-band changes, run outcomes, explore data, schemas). */
export interface DataflowAdmin {
  sourceConnections(): StoredSourceConnection[];
  targetConnections(): StoredTargetConnection[];
  flows(): StoredFlow[];
  runs(flowId?: string): StoredRun[];
  datasets(): StoredDataset[];
  mappingSets(): StoredMappingSet[];
  /** Out-of-band change of a flow (e.g. a disable in the UI, or a stuck `updating` state): new etag. */
  modifyFlow(id: string, change: { name?: string; description?: string; state?: FlowState }): StoredFlow;
  /** Out-of-band delete of any dataflow object by id (flow, source/target connection, dataset, mapping set, run). */
  remove(id: string): boolean;
  /** Outcome of the runs that start from now on for this flow (default success). */
  setRunOutcome(flowId: string, outcome: "success" | "failed", errors?: { code: string; message: string }[]): void;
  /** Replaces what explore serves for one base connection (default: the built-in catalogue of its source). */
  setExploreCatalogue(connectionId: string, catalogue: ExploreCatalogue): void;
  /** Makes an XDM schema known to Catalog and Data Prep (besides the built-in ones). */
  registerSchema(schema: XdmSchema): void;
  /** Generates the runs that are due on the emulator clock (every request does this first anyway). */
  tick(): void;
  /** Removes every dataflow object, outcome, explore override and registered schema. */
  clear(): void;
}

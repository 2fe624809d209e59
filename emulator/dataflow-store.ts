/**
 * In-memory state of everything after the base connection: source and target connections, flows and runs (Flow
 * Service), datasets (Catalog) and mapping sets (Data Prep). Partitioned by (IMS org, sandbox) like base
 * connections: handlers only ever look objects up with both, so another org's or sandbox's object is a 404.
 *
 * Runs are generated here from the flows' schedules on the emulator clock (see {@link DataflowStore.tick}).
 */
import type { EmulatorClock } from "./clock";
import { BUILT_IN_SCHEMAS, builtInCatalogue, type ExploreCatalogue, type ExploreFile, type XdmSchema } from "./dataflow-catalogue";
import { newAdobeUserId, newEtag, newId } from "./ids";
import { firstRunAt, nextRunAfter, parseSchedule } from "./schedule";
import type { Actor, ConnectionStore } from "./store";
import type {
  AuditedObject,
  DataflowAdmin,
  DocReadings,
  FlowState,
  StoredDataset,
  StoredFlow,
  StoredMappingSet,
  StoredRun,
  StoredSourceConnection,
  StoredTargetConnection,
} from "./types";

/** Most runs one flow gets per catch-up, so a clock jump over a year of 15-minute slots stays cheap. */
const MAX_RUNS_PER_TICK = 1000;
const UI_CLIENT = "exc_app";

interface Partitioned {
  id: string;
  orgId: string;
  sandboxName: string;
}

/** One object type: creation order (the default list order) and a creation sequence for stable paging. */
export class Table<T extends Partitioned> {
  private readonly items = new Map<string, T>();
  private readonly seq = new Map<string, number>();
  private next = 1;

  add(item: T): T {
    this.items.set(item.id, item);
    this.seq.set(item.id, this.next++);
    return item;
  }

  find(id: string, orgId: string, sandboxName: string): T | undefined {
    const found = this.items.get(id);
    return found !== undefined && found.orgId === orgId && found.sandboxName === sandboxName ? found : undefined;
  }

  /** Ignores partitions: for the test hooks only. */
  get(id: string): T | undefined {
    return this.items.get(id);
  }

  partition(orgId: string, sandboxName: string): T[] {
    return [...this.items.values()].filter((item) => item.orgId === orgId && item.sandboxName === sandboxName);
  }

  all(): T[] {
    return [...this.items.values()];
  }

  delete(id: string): boolean {
    this.seq.delete(id);
    return this.items.delete(id);
  }

  sequence(id: string): number {
    return this.seq.get(id) ?? 0;
  }

  clear(): void {
    this.items.clear();
    this.seq.clear();
  }
}

interface RunOutcome {
  outcome: "success" | "failed";
  errors: { code: string; message: string }[];
}

export class DataflowStore implements DataflowAdmin {
  readonly sourceConnectionTable = new Table<StoredSourceConnection>();
  readonly targetConnectionTable = new Table<StoredTargetConnection>();
  readonly flowTable = new Table<StoredFlow>();
  readonly runTable = new Table<StoredRun>();
  readonly datasetTable = new Table<StoredDataset>();
  readonly mappingSetTable = new Table<StoredMappingSet>();
  private readonly outcomes = new Map<string, RunOutcome>();
  private readonly exploreOverrides = new Map<string, ExploreCatalogue>();
  private readonly extraSchemas = new Map<string, XdmSchema>();
  private readonly uiActor: Actor = { by: newAdobeUserId(), client: UI_CLIENT };

  constructor(
    readonly clock: EmulatorClock,
    private readonly connections: ConnectionStore,
    readonly readings: DocReadings,
    readonly runDurationMs: number,
  ) {}

  // ---- shared by the handlers ----

  /** Audit fields of a new object written by `actor` now. */
  audit(orgId: string, sandboxName: string, actor: Actor): AuditedObject {
    const now = this.clock.now();
    return {
      id: newId(),
      orgId,
      sandboxName,
      sandboxId: this.connections.sandboxId(orgId, sandboxName),
      etag: newEtag(now),
      createdAt: now,
      updatedAt: now,
      createdBy: actor.by,
      updatedBy: actor.by,
      createdClient: actor.client,
      updatedClient: actor.client,
    };
  }

  /** Records a write: new etag, updatedAt/By/Client. */
  touch<T extends AuditedObject>(item: T, actor: Actor = this.uiActor): T {
    const now = Math.max(this.clock.now(), item.updatedAt);
    item.etag = newEtag(now, item.etag);
    item.updatedAt = now;
    item.updatedBy = actor.by;
    item.updatedClient = actor.client;
    return item;
  }

  /** The built-in schemas and those tests registered. */
  findSchema(id: string): XdmSchema | undefined {
    return this.extraSchemas.get(id) ?? BUILT_IN_SCHEMAS.find((schema) => schema.id === id);
  }

  /** What explore serves for a base connection. */
  catalogueFor(connectionId: string, connectionSpecId: string): ExploreCatalogue {
    return this.exploreOverrides.get(connectionId) ?? builtInCatalogue(connectionSpecId);
  }

  /** Flows (any state) whose source connections or target connections include `id`. */
  flowsUsing(id: string): StoredFlow[] {
    return this.flowTable.all().filter((flow) => flow.sourceConnectionIds.includes(id) || flow.targetConnectionIds.includes(id));
  }

  /** Flows reading from a base connection (through their source connections). */
  flowsUsingBaseConnection(baseConnectionId: string): StoredFlow[] {
    const sources = new Set(this.sourceConnectionTable.all().filter((s) => s.baseConnectionId === baseConnectionId).map((s) => s.id));
    return this.flowTable.all().filter((flow) => flow.sourceConnectionIds.some((id) => sources.has(id)));
  }

  /** Flows pinning a mapping set (any version) in their Mapping transformation. */
  flowsUsingMappingSet(mappingSetId: string): StoredFlow[] {
    return this.flowTable.all().filter((flow) => flow.transformations.some((t) => mappingIdOf(t) === mappingSetId));
  }

  /** Sets when the flow's next run is due, from now: after a create, an enable or a schedule change. */
  reschedule(flow: StoredFlow): void {
    delete flow.nextRunAt;
    if (flow.state !== "enabled" || flow.scheduleParams === undefined) return;
    const parsed = parseSchedule(flow.scheduleParams, "flow-spec");
    if (!("schedule" in parsed)) return;
    const hasRun = this.runTable.all().some((run) => run.flowId === flow.id && !run.onDemand);
    if (parsed.schedule.frequency === "once" && hasRun) return;
    flow.nextRunAt = firstRunAt(parsed.schedule, this.clock.now(), !hasRun);
  }

  /** Creates a run of `flow` starting at `startedAt` with the outcome tests set for the flow. */
  startRun(flow: StoredFlow, startedAt: number, params: Record<string, unknown>, onDemand: boolean, actor: Actor): StoredRun {
    const audit = this.audit(flow.orgId, flow.sandboxName, actor);
    const outcome = this.outcomeOf(flow);
    const run: StoredRun = {
      ...audit,
      createdAt: Math.min(audit.createdAt, startedAt),
      flowId: flow.id,
      flowSpec: { ...flow.flowSpec },
      providerRefId: `M-${flow.id}-incremental-0:${newId()}`,
      params,
      startedAt,
      completesAt: startedAt + this.runDurationMs,
      outcome: outcome.outcome,
      errors: outcome.errors.map((e) => ({ ...e })),
      onDemand,
      ...this.recordsRead(flow),
    };
    return this.runTable.add(run);
  }

  /**
   * The outcome of a new run: what tests set, else a failure when the source's table or path is not in the explore
   * catalogue (the real service fails the run, not the create), else success.
   */
  private outcomeOf(flow: StoredFlow): RunOutcome {
    const set = this.outcomes.get(flow.id);
    if (set !== undefined) return set;
    const [sourceId] = flow.sourceConnectionIds;
    const source = sourceId === undefined ? undefined : this.sourceConnectionTable.get(sourceId);
    if (source === undefined) return { outcome: "failed", errors: [{ code: "CONNECTOR-2001-500", message: "The source connection of the flow does not exist." }] };
    const catalogue = this.catalogueFor(source.baseConnectionId, source.connectionSpec.id);
    const found =
      catalogue.kind === "tables"
        ? catalogue.tables.some((t) => t.path === source.params["tableName"])
        : matchingFiles(catalogue.files, source.params).length > 0;
    return found
      ? { outcome: "success", errors: [] }
      : { outcome: "failed", errors: [{ code: "CONNECTOR-2001-500", message: "The table or path of the source connection was not found in the source." }] };
  }

  /** Sample rows a run reads (record counts in its metrics). */
  recordsRead(flow: StoredFlow): { records: number; files: number } {
    const [sourceId] = flow.sourceConnectionIds;
    const source = sourceId === undefined ? undefined : this.sourceConnectionTable.get(sourceId);
    if (source === undefined) return { records: 0, files: 0 };
    const catalogue = this.catalogueFor(source.baseConnectionId, source.connectionSpec.id);
    if (catalogue.kind === "tables") {
      return { records: catalogue.tables.find((t) => t.path === source.params["tableName"])?.rows.length ?? 0, files: 0 };
    }
    const files = matchingFiles(catalogue.files, source.params);
    return { records: files.reduce((sum, f) => sum + f.rows.length, 0), files: files.length };
  }

  // ---- DataflowAdmin (copies, so tests cannot change state by accident) ----

  sourceConnections(): StoredSourceConnection[] {
    return this.sourceConnectionTable.all().map(copy);
  }

  targetConnections(): StoredTargetConnection[] {
    return this.targetConnectionTable.all().map(copy);
  }

  flows(): StoredFlow[] {
    this.tick();
    return this.flowTable.all().map(copy);
  }

  runs(flowId?: string): StoredRun[] {
    this.tick();
    return this.runTable
      .all()
      .filter((run) => flowId === undefined || run.flowId === flowId)
      .map(copy);
  }

  datasets(): StoredDataset[] {
    return this.datasetTable.all().map(copy);
  }

  mappingSets(): StoredMappingSet[] {
    return this.mappingSetTable.all().map(copy);
  }

  modifyFlow(id: string, change: { name?: string; description?: string; state?: FlowState }): StoredFlow {
    const flow = this.flowTable.get(id);
    if (flow === undefined) throw new Error(`No flow with id ${id} in the emulator store`);
    this.tick();
    if (change.name !== undefined) flow.name = change.name;
    if (change.description !== undefined) flow.description = change.description;
    if (change.state !== undefined && change.state !== flow.state) {
      flow.state = change.state;
      this.reschedule(flow);
    }
    return copy(this.touch(flow));
  }

  remove(id: string): boolean {
    const tables: Table<Partitioned>[] = [
      this.flowTable,
      this.sourceConnectionTable,
      this.targetConnectionTable,
      this.datasetTable,
      this.mappingSetTable,
      this.runTable,
    ];
    return tables.some((table) => table.delete(id));
  }

  setRunOutcome(flowId: string, outcome: "success" | "failed", errors?: { code: string; message: string }[]): void {
    const defaults = outcome === "failed" ? [{ code: "CONNECTOR-2001-500", message: "The run failed (set by a test)." }] : [];
    this.outcomes.set(flowId, { outcome, errors: errors ?? defaults });
  }

  setExploreCatalogue(connectionId: string, catalogue: ExploreCatalogue): void {
    this.exploreOverrides.set(connectionId, structuredClone(catalogue));
  }

  registerSchema(schema: XdmSchema): void {
    this.extraSchemas.set(schema.id, structuredClone(schema));
  }

  /**
   * Generates every scheduled run that is due on the emulator clock, for enabled flows only (a disabled flow skips
   * its slots; enabling it schedules from then on). Each run starts at its slot and finishes `runDurationMs` later.
   */
  tick(): void {
    const now = this.clock.now();
    for (const flow of this.flowTable.all()) {
      if (flow.state !== "enabled" || flow.scheduleParams === undefined) continue;
      const parsed = parseSchedule(flow.scheduleParams, "flow-spec");
      if (!("schedule" in parsed)) continue;
      let generated = 0;
      while (flow.nextRunAt !== undefined && flow.nextRunAt <= now && generated < MAX_RUNS_PER_TICK) {
        const at = flow.nextRunAt;
        this.startRun(flow, at, { startTime: Math.floor(at / 1000), windowStartTime: Math.floor(at / 1000), windowEndTime: Math.floor(at / 1000) }, false, this.uiActor);
        const next = nextRunAfter(parsed.schedule, at);
        if (next === undefined) delete flow.nextRunAt;
        else flow.nextRunAt = next;
        generated += 1;
      }
      if (flow.nextRunAt !== undefined && flow.nextRunAt <= now) flow.nextRunAt = firstRunAt(parsed.schedule, now + 1, false);
    }
  }

  clear(): void {
    for (const table of [this.sourceConnectionTable, this.targetConnectionTable, this.flowTable, this.runTable, this.datasetTable, this.mappingSetTable]) {
      table.clear();
    }
    this.outcomes.clear();
    this.exploreOverrides.clear();
    this.extraSchemas.clear();
  }
}

/** The `mappingId` of a Mapping transformation, else undefined. */
export function mappingIdOf(transformation: unknown): string | undefined {
  if (typeof transformation !== "object" || transformation === null) return undefined;
  const { name, params } = transformation as { name?: unknown; params?: unknown };
  if (name !== "Mapping" || typeof params !== "object" || params === null) return undefined;
  const id = (params as { mappingId?: unknown }).mappingId;
  return typeof id === "string" ? id : undefined;
}

/** `*` in a path matches within one segment (CS: `/acme/summerCampaign/*premium*.csv`). */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
  return new RegExp(`^${escaped}$`);
}

/** The files a source connection's `params.path` (file, folder, or pattern) reads, `recursive` honoured. */
export function matchingFiles(files: readonly ExploreFile[], params: Record<string, unknown>): ExploreFile[] {
  const path = params["path"];
  if (typeof path !== "string") return [];
  const recursive = params["recursive"] === true || params["recursive"] === "true";
  if (params["type"] === "folder" || path.endsWith("/")) {
    const folder = path.endsWith("/") ? path : `${path}/`;
    return files.filter((f) => f.path.startsWith(folder) && (recursive || !f.path.slice(folder.length).includes("/")));
  }
  if (path.includes("*")) return files.filter((f) => globToRegExp(path).test(f.path));
  return files.filter((f) => f.path === path);
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * The soak's pipelines: whole pipelines (base connection, source connection, dataset, target connection, mapping set,
 * dataflow) declared by every stack under the same names, changed at random and driven through the provider host
 * the way the engine runs a program: `up` (each object checked, diffed, then created, updated or replaced, create
 * before delete, the replaced objects deleted last, dependents first), `refresh` and `destroy`. The model keeps what
 * each stack's state would hold, pending deletes included, and follows the engine's rules on failure (an error
 * carrying an id records the object; any other failure leaves state as it was, and the next `up` tries again).
 *
 * At the end, without faults or kills, every pipeline is refreshed and brought up (or destroyed) once more, as a
 * user's next `pulumi refresh` and `pulumi up` would, and AEP is compared with the model: every object held by
 * exactly one stack's state and carrying its own marker, as its inputs declare it, nothing else; then every
 * pipeline is destroyed and nothing may be left.
 */
import type { ObjectTypeName } from "../../provider/objects";
import { sameJson } from "../../provider/shared/check";
import { sourceKeys, type SourceKey } from "../../provider/sources";
import type { Emulator } from "../../emulator";
import { HostCallError, type PropertyBag, type ProviderHost } from "../../harness/provider-host";
import { identityOf } from "../../harness/rig";
import { declaredContent, objectContents, type ObjectContent } from "../../harness/object-content";
import { ObjectHost, PIPELINE_TYPES, pipelineInputs, type HostObject, type PipelineType } from "../../harness/pipeline-rig";
import { pipelineFixtures } from "../../tests/fixtures/pipelines";
import { reasonOf, type OperationCounts } from "./soak-model";

export type PipelineOperationKind = "up" | "update" | "replace" | "refresh" | "destroy";
export const PIPELINE_OPERATION_KINDS: readonly PipelineOperationKind[] = ["up", "update", "replace", "refresh", "destroy"];

/** What a stack's program declares of one pipeline; a change of `reads` or `dataset` replaces objects. */
interface PipelineConfig {
  /** In the display names: a rename when it changes. */
  version: number;
  /** Which table or file the source connection reads: a change replaces it and the dataflow. */
  reads: 0 | 1;
  /** In the dataset's name: a change replaces the dataset, its target connection and the dataflow. */
  dataset: number;
  schedule: { frequency: "hour" | "day"; interval: number };
  /** Which mapping list (a change is a new version of the mapping set, and the dataflow pins it). */
  mappings: 0 | 1;
  enabled: boolean;
}

/** An object in a stack's state. */
interface Entry extends HostObject {
  type: PipelineType;
  /** A delete of it failed: AEP may have applied it. */
  deleteFailed?: boolean;
}

/** One pipeline of one stack. */
export interface SoakPipeline {
  /** Unique over every stack. */
  index: number;
  /** Its resource name, the same in every stack, e.g. `pipe-3`. */
  name: string;
  stack: string;
  source: SourceKey;
  sandboxName: "prod" | "dev";
  config: PipelineConfig;
  /** In the program (`up` makes it) or removed from it (`destroy` deletes it). */
  declared: boolean;
  state: Partial<Record<PipelineType, Entry>>;
  /** Objects replaced or removed whose delete has not succeeded: the engine deletes them on a later run. */
  pendingDeletes: Entry[];
  /**
   * The command that failed, run again unchanged next (as its error says): an interrupted create is found by the
   * next create of the same inputs, not by one of a program changed in between.
   */
  rerun?: "up" | "destroy";
}

/** What the pipelines' part of a soak measured. */
export interface PipelineSoakReport extends OperationCounts<PipelineOperationKind> {
  pipelines: number;
  /** Distinct objects AEP held for the pipelines over the run. */
  objects: number;
  /** Engine calls sent to the provider host (check, diff, create, read, update, delete). */
  calls: number;
  /** Objects replaced (a new one created, the old one deleted). */
  replacements: number;
  consistency: PipelineConsistency;
}

export interface PipelineConsistency {
  /** Objects beyond the first for one resource (one marker), after the final up. */
  duplicates: number;
  /** Objects in AEP no stack's state holds, after the final up. */
  orphans: number;
  /** Ids held by more than one resource's state (of any stack). */
  sharedIds: number;
  /** Objects whose content in AEP differs from what their state's inputs declare, after the final up. */
  lostUpdates: number;
  /** State entries AEP no longer has though nothing deleted them. */
  missing: number;
  /** Ids a resource took whose object carries another resource's marker (another stack's, or another object's). */
  taken: number;
  /** Resources whose state, after the final up, does not hold what the program declares. */
  notConverged: number;
  /** Pipeline objects left in AEP after the final destroy. */
  leftAfterDestroy: number;
  /** Failed operations AEP applied as a whole (a delete a refresh then found done): not lost, the next run converges. */
  appliedDespiteError: number;
  problems: string[];
}

/** The other table or file a source connection may read (a replacement). */
const OTHER_READS: Readonly<Record<SourceKey, PropertyBag>> = {
  synapse: { table: { tableName: "sales.customers" } },
  "sql-server": { table: { tableName: "dbo.customers" } },
  databricks: { table: { tableName: "default.customers" } },
  "table-storage": { table: { tableName: "customers" } },
  "adls-gen2": { file: { path: "/acme-customers/orders/2026-01.json", format: "json" } },
};

/** Delete order: dependents first. */
const DELETE_RANK: Readonly<Record<PipelineType, number>> = { Dataflow: 0, SourceConnection: 1, TargetConnection: 1, MappingSet: 1, BaseConnection: 2, Dataset: 2 };

/** The run's context the pipelines share with the rest of the soak. */
export interface PipelineSoakContext {
  emulator: Emulator;
  /** Error texts, for the secret-leak count. */
  errorTexts: string[];
  /** The schedules' start time (epoch seconds): a year ahead, so that no run starts on its own. */
  startTime: number;
}

function zero(): Record<PipelineOperationKind, number> {
  return { up: 0, update: 0, replace: 0, refresh: 0, destroy: 0 };
}

/** The pipelines of a soak, their model, and the engine's runs over them. */
export class PipelineSoak {
  readonly pipelines: SoakPipeline[];
  private readonly operations = zero();
  private readonly failures = zero();
  private readonly failureReasons: Record<string, number> = {};
  private readonly learned = new Set<string>();
  private readonly objectHosts = new Map<ProviderHost, Map<string, Promise<ObjectHost>>>();
  private calls = 0;
  private replacements = 0;
  private recordedFailures = 0;
  private taken = 0;
  private missing = 0;
  private appliedDespiteError = 0;
  private readonly problems: string[] = [];

  constructor(
    private readonly context: PipelineSoakContext,
    perStack: number,
    stacks: readonly string[],
  ) {
    this.pipelines = stacks.flatMap((stack, s) =>
      Array.from({ length: perStack }, (_, i): SoakPipeline => ({
        index: s * perStack + i,
        name: `pipe-${i}`,
        stack,
        source: sourceKeys[i % sourceKeys.length]!,
        sandboxName: Math.floor(i / sourceKeys.length) % 2 === 0 ? "prod" : "dev",
        config: { version: 1, reads: 0, dataset: 1, schedule: { frequency: "hour", interval: 1 }, mappings: 0, enabled: true },
        declared: true,
        state: {},
        pendingDeletes: [],
      })),
    );
  }

  /**
   * One operation on `pipeline`, chosen from its state and the random numbers `pick` and `tweak` (0..1); `host` is
   * the provider host of this run. Failures are counted, never thrown.
   */
  async operate(pipeline: SoakPipeline, host: ProviderHost, pick: number, tweak: () => number): Promise<void> {
    const kind = pipeline.rerun ?? this.choose(pipeline, pick);
    this.operations[kind] += 1;
    try {
      const objects = await this.objectsOn(host, pipeline.stack);
      await this.perform(kind, pipeline, objects, tweak);
      delete pipeline.rerun;
    } catch (error) {
      if (kind !== "refresh") pipeline.rerun = kind === "destroy" ? "destroy" : "up";
      this.failures[kind] += 1;
      this.context.errorTexts.push(error instanceof HostCallError ? `${error.details}\n${JSON.stringify(error.initFailure ?? {})}` : String(error));
      const reason = `${kind}: ${reasonOf(error)}`;
      this.failureReasons[reason] = (this.failureReasons[reason] ?? 0) + 1;
    }
  }

  private choose(pipeline: SoakPipeline, pick: number): PipelineOperationKind {
    if (!pipeline.declared) return "up";
    if (pick < 0.4) return "update";
    if (pick < 0.55) return "replace";
    if (pick < 0.8) return "refresh";
    return "destroy";
  }

  private async perform(kind: PipelineOperationKind, pipeline: SoakPipeline, objects: ObjectHost, tweak: () => number): Promise<void> {
    const config = pipeline.config;
    switch (kind) {
      case "up":
        pipeline.declared = true;
        return this.up(pipeline, objects);
      case "update": {
        // One to three changes a program makes in place: rename, schedule, mappings, enable/disable.
        const changes = [tweak(), tweak(), tweak()];
        if (changes[0]! < 0.5) config.version += 1;
        if (changes[1]! < 0.5) config.schedule = config.schedule.frequency === "hour" ? { frequency: "day", interval: 1 + Math.floor(changes[1]! * 6) } : { frequency: "hour", interval: 1 };
        else config.mappings = config.mappings === 0 ? 1 : 0;
        if (changes[2]! < 0.4) config.enabled = !config.enabled;
        return this.up(pipeline, objects);
      }
      case "replace":
        if (tweak() < 0.6) config.reads = config.reads === 0 ? 1 : 0;
        else config.dataset += 1;
        return this.up(pipeline, objects);
      case "refresh":
        return this.refresh(pipeline, objects);
      case "destroy":
        pipeline.declared = false;
        return this.destroy(pipeline, objects);
    }
  }

  /** The inputs `pipeline`'s program declares for `type` now, given the ids its state holds. */
  private declared(pipeline: SoakPipeline, type: PipelineType, objects: ObjectHost): PropertyBag {
    const { source, name, config } = pipeline;
    const options = pipeline.sandboxName === "dev" ? { sandboxName: "dev" } : {};
    const display = `${name} v${config.version}`;
    const id = (needed: PipelineType): string => {
      const entry = pipeline.state[needed];
      if (entry === undefined) throw new Error(`${name}: the ${type} needs its ${needed}, which is not in state`);
      return entry.id;
    };
    const inputs = (): PropertyBag => {
      switch (type) {
        case "BaseConnection":
          return pipelineInputs.BaseConnection(source, name, options);
        case "SourceConnection":
          return { ...pipelineInputs.SourceConnection(source, name, id("BaseConnection"), options), ...(config.reads === 1 ? OTHER_READS[source] : {}), name: `${display} source` };
        case "Dataset":
          return { ...pipelineInputs.Dataset(name, options), name: `${name} dataset ${config.dataset}` };
        case "TargetConnection":
          return { ...pipelineInputs.TargetConnection(name, id("Dataset"), options), name: `${display} target` };
        case "MappingSet":
          return { ...pipelineInputs.MappingSet(source, name, options), name: `${display} mapping`, mappings: config.mappings === 0 ? pipelineFixtures[source].mappings : pipelineFixtures[source].otherMappings };
        case "Dataflow": {
          const ids = { sourceConnectionId: id("SourceConnection"), targetConnectionId: id("TargetConnection"), mappingSetId: id("MappingSet"), mappingVersion: pipeline.state.MappingSet!.outs["version"] as number };
          const schedule = { ...config.schedule, startTime: this.context.startTime };
          return { ...pipelineInputs.Dataflow(source, name, ids, { ...options, schedule, enabled: config.enabled }), name: `${display} flow` };
        }
      }
    };
    return objects.withIdentity(type, name, inputs());
  }

  /** `pulumi up` of one pipeline: each object in dependency order, then the deletes it leaves (dependents first). */
  private async up(pipeline: SoakPipeline, objects: ObjectHost): Promise<void> {
    for (const type of PIPELINE_TYPES) {
      const entry = pipeline.state[type];
      const news = this.declared(pipeline, type, objects);
      this.calls += 1;
      const checked = await objects.checked(type, pipeline.name, news, entry?.inputs ?? {});
      if (entry === undefined) {
        await this.create(pipeline, objects, type, checked);
        continue;
      }
      this.calls += 1;
      const diff = await objects.diff(entry, checked);
      if (diff.replaces.length > 0) {
        this.replacements += 1;
        await this.create(pipeline, objects, type, checked, entry);
      } else if (diff.changes) {
        this.calls += 1;
        try {
          pipeline.state[type] = { ...(await objects.updateChecked(entry, checked)), type };
        } catch (error) {
          this.record(pipeline, type, checked, error);
          throw error;
        }
      }
    }
    await this.deletePending(pipeline, objects);
  }

  /** A create (of a replacement when `replacing` is given: the old object then waits for its delete). */
  private async create(pipeline: SoakPipeline, objects: ObjectHost, type: PipelineType, checked: PropertyBag, replacing?: Entry): Promise<void> {
    this.calls += 1;
    try {
      const created = await objects.createChecked(type, pipeline.name, checked);
      if (replacing !== undefined) pipeline.pendingDeletes.push(replacing);
      pipeline.state[type] = { ...created, type };
      this.learn(pipeline, type, created.id);
    } catch (error) {
      if (this.record(pipeline, type, checked, error) && replacing !== undefined) pipeline.pendingDeletes.push(replacing);
      throw error;
    }
  }

  /** An error carrying the object's id: the engine records it with what the error carries. True when recorded. */
  private record(pipeline: SoakPipeline, type: PipelineType, checked: PropertyBag, error: unknown): boolean {
    const failure = error instanceof HostCallError ? error.initFailure : undefined;
    if (failure === undefined || failure.id === "") return false;
    this.recordedFailures += 1;
    pipeline.state[type] = { type, name: pipeline.name, id: failure.id, outs: failure.properties, inputs: checked };
    this.learn(pipeline, type, failure.id);
    return true;
  }

  /** A resource learns an id: the object must carry that resource's marker, never another stack's or object's. */
  private learn(pipeline: SoakPipeline, type: PipelineType, id: string): void {
    this.learned.add(id);
    const held = objectContents(this.context.emulator).find((object) => object.id === id);
    const own = identityOf(`${type}/${pipeline.name}`, pipeline.stack);
    if (held !== undefined && held.marker !== own) {
      this.taken += 1;
      this.problems.push(`taken: ${pipeline.stack}/${pipeline.name} ${type} took ${id}, which carries the marker ${held.marker ?? "(none)"}`);
    }
  }

  /** Deletes what replacements left, dependents first; a failure leaves the rest for the next run. */
  private async deletePending(pipeline: SoakPipeline, objects: ObjectHost): Promise<void> {
    for (const entry of [...pipeline.pendingDeletes].sort((a, b) => DELETE_RANK[a.type] - DELETE_RANK[b.type])) {
      await this.delete(objects, entry);
      pipeline.pendingDeletes = pipeline.pendingDeletes.filter((pending) => pending !== entry);
    }
  }

  private async delete(objects: ObjectHost, entry: Entry): Promise<void> {
    this.calls += 1;
    try {
      await objects.delete(entry);
    } catch (error) {
      entry.deleteFailed = true;
      throw error;
    }
  }

  /** `pulumi destroy` of one pipeline: every object in state and every pending delete, dependents first. */
  private async destroy(pipeline: SoakPipeline, objects: ObjectHost): Promise<void> {
    const entries = [...Object.values(pipeline.state), ...pipeline.pendingDeletes].sort((a, b) => DELETE_RANK[a.type] - DELETE_RANK[b.type]);
    for (const entry of entries) {
      await this.delete(objects, entry);
      if (pipeline.state[entry.type] === entry) delete pipeline.state[entry.type];
      pipeline.pendingDeletes = pipeline.pendingDeletes.filter((pending) => pending !== entry);
    }
  }

  /** `pulumi refresh` of one pipeline: each object read; one AEP no longer has leaves state. */
  private async refresh(pipeline: SoakPipeline, objects: ObjectHost): Promise<void> {
    for (const entry of [...Object.values(pipeline.state), ...pipeline.pendingDeletes]) {
      this.calls += 1;
      const read = await objects.read(entry);
      if (read.id !== "") {
        entry.outs = read.props;
        continue;
      }
      if (entry.deleteFailed === true) {
        this.appliedDespiteError += 1;
      } else {
        this.missing += 1;
        this.problems.push(`missing: a refresh found ${pipeline.stack}/${pipeline.name} ${entry.type} ${entry.id} gone, though nothing deleted it`);
      }
      if (pipeline.state[entry.type] === entry) delete pipeline.state[entry.type];
      pipeline.pendingDeletes = pipeline.pendingDeletes.filter((pending) => pending !== entry);
    }
  }

  private objectsOn(host: ProviderHost, stack: string): Promise<ObjectHost> {
    let byStack = this.objectHosts.get(host);
    if (byStack === undefined) {
      byStack = new Map();
      this.objectHosts.set(host, byStack);
    }
    let objects = byStack.get(stack);
    if (objects === undefined) {
      objects = ObjectHost.on(host, stack);
      byStack.set(stack, objects);
    }
    return objects;
  }

  /**
   * The end of the run, without faults or kills: refresh and `up` (or destroy) every pipeline once more, compare AEP
   * with the model, then destroy every pipeline and count what is left.
   */
  async finish(host: ProviderHost): Promise<PipelineSoakReport> {
    for (const pipeline of this.pipelines) {
      const objects = await this.objectsOn(host, pipeline.stack);
      for (const step of [() => this.refresh(pipeline, objects), () => (pipeline.declared ? this.up(pipeline, objects) : this.destroy(pipeline, objects))]) {
        try {
          await step();
        } catch (error) {
          this.problems.push(`final run of ${pipeline.stack}/${pipeline.name} failed: ${reasonOf(error)}`);
        }
      }
    }
    const consistency = this.compare();
    for (const pipeline of this.pipelines) {
      try {
        await this.destroy(pipeline, await this.objectsOn(host, pipeline.stack));
      } catch (error) {
        consistency.problems.push(`final destroy of ${pipeline.stack}/${pipeline.name} failed: ${reasonOf(error)}`);
      }
    }
    const left = this.pipelineObjects();
    consistency.leftAfterDestroy = left.length;
    for (const object of left) consistency.problems.push(`left after destroy: ${object.type} ${object.id} ${JSON.stringify(object.name)}`);
    return {
      pipelines: this.pipelines.length,
      objects: this.learned.size,
      operations: this.operations,
      failures: this.failures,
      failureReasons: this.failureReasons,
      calls: this.calls,
      replacements: this.replacements,
      recordedFailures: this.recordedFailures,
      consistency,
    };
  }

  /** Pipeline objects in AEP: every dataflow object, and the base connections carrying a pipeline's marker. */
  private pipelineObjects(): ObjectContent[] {
    const markers = new Set(this.pipelines.map((p) => identityOf(`BaseConnection/${p.name}`, p.stack)));
    return objectContents(this.context.emulator).filter((object) => object.type !== "BaseConnection" || (object.marker !== undefined && markers.has(object.marker)));
  }

  private compare(): PipelineConsistency {
    const result: PipelineConsistency = {
      duplicates: 0,
      orphans: 0,
      sharedIds: 0,
      lostUpdates: 0,
      missing: this.missing,
      taken: this.taken,
      notConverged: 0,
      leftAfterDestroy: 0,
      appliedDespiteError: this.appliedDespiteError,
      problems: [...this.problems],
    };
    const inAep = this.pipelineObjects();
    const byId = new Map(inAep.map((object) => [object.id, object]));
    const holders = new Map<string, string[]>();
    for (const pipeline of this.pipelines) {
      const label = `${pipeline.stack}/${pipeline.name}`;
      const entries = [...Object.values(pipeline.state), ...pipeline.pendingDeletes];
      if (pipeline.pendingDeletes.length > 0 || (pipeline.declared && entries.length !== PIPELINE_TYPES.length) || (!pipeline.declared && entries.length > 0)) {
        result.notConverged += 1;
        result.problems.push(`not converged: ${label} holds ${entries.map((e) => e.type).join(", ") || "nothing"}, ${pipeline.pendingDeletes.length} pending deletes`);
      }
      for (const entry of entries) {
        holders.set(entry.id, [...(holders.get(entry.id) ?? []), `${label} ${entry.type}`]);
        const held = byId.get(entry.id);
        if (held === undefined) {
          result.missing += 1;
          result.problems.push(`missing: ${label} ${entry.type} is in state as ${entry.id}, which AEP does not have`);
          continue;
        }
        if (held.marker !== identityOf(`${entry.type}/${pipeline.name}`, pipeline.stack)) {
          result.taken += 1;
          result.problems.push(`taken: ${label} ${entry.type} holds ${entry.id}, which carries the marker ${held.marker ?? "(none)"}`);
        }
        const { id: _id, ...actual } = held;
        const expected = declaredContent(entry.type as ObjectTypeName, entry.inputs, pipeline.sandboxName);
        if (!sameJson(actual, expected)) {
          result.lostUpdates += 1;
          result.problems.push(`lost update: ${label} ${entry.type} ${entry.id} holds ${JSON.stringify(actual.name)} ${JSON.stringify(actual.fields)}, declared ${JSON.stringify(expected.name)} ${JSON.stringify(expected.fields)}`);
        }
      }
    }
    for (const [id, held] of holders) {
      if (held.length > 1) {
        result.sharedIds += held.length - 1;
        result.problems.push(`shared id: ${id} is in the state of ${held.join(" and ")}`);
      }
    }
    const perMarker = new Map<string, number>();
    for (const object of inAep) {
      if (!holders.has(object.id)) {
        result.orphans += 1;
        result.problems.push(`orphan: ${object.type} ${object.id} ${JSON.stringify(object.name)} in ${object.sandboxName} is in no stack's state`);
      }
      const key = `${object.type}:${object.marker ?? object.id}`;
      perMarker.set(key, (perMarker.get(key) ?? 0) + 1);
    }
    for (const [key, count] of perMarker) {
      if (count > 1) {
        result.duplicates += count - 1;
        result.problems.push(`duplicate: ${count} objects with the marker ${key}`);
      }
    }
    return result;
  }
}

/**
 * Whole pipelines through the dynamic-provider host (issue 14 item 4): N pipelines of six objects each (base
 * connection → source connection, dataset, target connection, mapping set → dataflow) created, updated and destroyed
 * in dependency order with at most P calls in flight, as the engine schedules steps: an object starts as soon as the
 * objects it needs are done and a slot is free. Every phase is checked against the emulator (every object exists,
 * every update landed, nothing is left), and the Flow Service requests of each object type are counted, so that
 * "one request per write" is shown for every type.
 *
 * The ideal: one round trip per write, so a phase takes at least `depth × latency` (its dependency depth) and at
 * least `⌈writes / P⌉ × latency` (waves of P); the ideal is the larger of the two.
 */
import { strict as assert } from "node:assert";
import { NEEDS, objectInputs, ObjectHost, PIPELINE_TYPES, type HostObject, type Pipeline, type PipelineType } from "../../harness/pipeline-rig";
import type { PropertyBag } from "../../harness/provider-host";
import { identityOf } from "../../harness/rig";
import { sourceKeys, type SourceKey } from "../../provider/sources";
import { pipelineFixtures } from "../../tests/fixtures/pipelines";
import { processCpuMs, timed } from "./measure";
import { startBenchRig, stopRig, type BenchRig, type LatencySettings } from "./rig";

export type { PipelineType };

/** What one phase of the pipeline run did. */
export interface PipelinePhase {
  wallMs: number;
  /** Writes (calls to the host that write): creates, updates or deletes. */
  operations: number;
  /** Longest chain of objects that wait for each other in this phase. */
  depth: number;
  /** Flow Service, Catalog and Data Prep requests per object type, by HTTP method. */
  requests: Record<PipelineType, Record<string, number>>;
  /** Operations per object type in this phase. */
  operationsByType: Record<PipelineType, number>;
  hostCpuMs: number;
}

export interface PipelineResult {
  pipelines: number;
  create: PipelinePhase;
  update: PipelinePhase;
  delete: PipelinePhase;
  /** Stored outputs per object type, bytes of compact JSON (both copies of `__provider` left out: see the state figure). */
  outputBytes: Record<PipelineType, number>;
}

export interface PipelineBenchOptions extends LatencySettings {
  pipelines: number;
  parallelism: number;
}

/** The route prefix of each object type, to attribute the emulator's requests. */
const ROUTES: Readonly<Record<PipelineType, RegExp>> = {
  BaseConnection: /^\/connections/,
  SourceConnection: /^\/sourceConnections/,
  Dataset: /^\/catalog\/dataSets/,
  TargetConnection: /^\/targetConnections/,
  MappingSet: /^\/conversion\/mappingSets/,
  Dataflow: /^\/flows/,
};

/** One unit of work of a phase: an object of one pipeline, after the ones it waits for. */
interface Task {
  key: string;
  type: PipelineType;
  after: string[];
  run(): Promise<void>;
}

/**
 * Runs `tasks` with at most `parallelism` in flight, each as soon as every task it waits for is done (the engine's
 * step scheduling); rejects with the first failure.
 */
export async function runGraph(tasks: readonly Task[], parallelism: number): Promise<void> {
  const done = new Set<string>();
  const started = new Set<string>();
  let running = 0;
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (done.size === tasks.length) return resolve();
      for (const task of tasks) {
        if (running >= parallelism) return;
        if (started.has(task.key) || !task.after.every((key) => done.has(key))) continue;
        started.add(task.key);
        running += 1;
        task.run().then(
          () => {
            running -= 1;
            done.add(task.key);
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    pump();
  });
}

/** The longest chain of `tasks` (1 for tasks that wait for nothing). */
export function graphDepth(tasks: readonly Task[]): number {
  const byKey = new Map(tasks.map((task) => [task.key, task]));
  const memo = new Map<string, number>();
  const depth = (task: Task): number => {
    const known = memo.get(task.key);
    if (known !== undefined) return known;
    const value = 1 + Math.max(0, ...task.after.map((key) => depth(byKey.get(key)!)));
    memo.set(task.key, value);
    return value;
  };
  return Math.max(0, ...tasks.map(depth));
}

/** The ideal of a phase: one round trip per write, bounded by its depth and by waves of P. */
export function pipelineIdealMs(phase: Pick<PipelinePhase, "operations" | "depth">, parallelism: number, latencyMs: number): number {
  return Math.max(phase.depth, Math.ceil(phase.operations / parallelism)) * latencyMs;
}

function emptyByType<T>(make: () => T): Record<PipelineType, T> {
  return Object.fromEntries(PIPELINE_TYPES.map((type) => [type, make()])) as Record<PipelineType, T>;
}

async function phase(rig: BenchRig, tasks: readonly Task[], parallelism: number): Promise<PipelinePhase> {
  const from = rig.emulator.requests.length;
  const cpuBefore = processCpuMs(rig.hostPid);
  const { ms } = await timed(() => runGraph(tasks, parallelism));
  const requests = emptyByType<Record<string, number>>(() => ({}));
  for (const request of rig.emulator.requests.slice(from)) {
    if (request.kind !== "flow") continue;
    const type = PIPELINE_TYPES.find((t) => ROUTES[t].test(request.route));
    if (type === undefined) continue;
    requests[type][request.method] = (requests[type][request.method] ?? 0) + 1;
  }
  const operationsByType = emptyByType(() => 0);
  for (const task of tasks) operationsByType[task.type] += 1;
  return { wallMs: ms, operations: tasks.length, depth: graphDepth(tasks), requests, operationsByType, hostCpuMs: processCpuMs(rig.hostPid) - cpuBefore };
}

/** Runs N pipelines' create, update and delete once, on a fresh emulator and a fresh host. */
export async function runPipelines(options: PipelineBenchOptions): Promise<PipelineResult> {
  const rig = await startBenchRig(options);
  try {
    const objects = await ObjectHost.on(rig.host);
    const sources: SourceKey[] = Array.from({ length: options.pipelines }, (_, i) => sourceKeys[i % sourceKeys.length]!);
    const held: Map<string, HostObject>[] = sources.map(() => new Map());
    const key = (i: number, type: PipelineType) => `${i}/${type}`;
    const inputsOf = (i: number, type: PipelineType): PropertyBag => {
      const name = `bench-pipeline-${i}`;
      const made = Object.fromEntries(held[i]!) as Partial<Pipeline>;
      return { ...objectInputs(type, sources[i]!, name, made), identity: identityOf(`${type}/${name}`) };
    };
    // Check runs before the timed phases, as the engine checks every input before it writes; it sends nothing.
    const create = await phase(
      rig,
      sources.flatMap((_, i) =>
        PIPELINE_TYPES.map((type) => ({
          key: key(i, type),
          type,
          after: NEEDS[type].map((need) => key(i, need)),
          run: async () => {
            held[i]!.set(type, await objects.create(type, `bench-pipeline-${i}`, inputsOf(i, type)));
          },
        })),
      ),
      options.parallelism,
    );
    const dataflows = rig.emulator.dataflows;
    assert.equal(dataflows.flows().length, options.pipelines, "every dataflow exists in AEP after create");
    assert.equal(rig.emulator.store.list().length, options.pipelines, "every base connection exists");
    for (const count of [dataflows.sourceConnections(), dataflows.targetConnections(), dataflows.datasets(), dataflows.mappingSets()].map((list) => list.length)) {
      assert.equal(count, options.pipelines, "one object of each type per pipeline");
    }

    // The update a user makes most: new mappings (a new mapping set version, which the flow follows), a new
    // schedule, and a renamed source connection. Base connections are the connection bench's; datasets do not update.
    const updated = (i: number, type: PipelineType): PropertyBag => {
      const object = held[i]!.get(type)!;
      if (type === "MappingSet") return { ...object.inputs, mappings: pipelineFixtures[sources[i]!].otherMappings };
      if (type === "SourceConnection") return { ...object.inputs, name: `${String(object.inputs["name"])} (renamed)` };
      return {
        ...object.inputs,
        mappingVersion: held[i]!.get("MappingSet")!.outs["version"],
        schedule: { ...(object.inputs["schedule"] as PropertyBag), interval: 2 },
      };
    };
    const UPDATED: readonly PipelineType[] = ["SourceConnection", "MappingSet", "Dataflow"];
    const update = await phase(
      rig,
      sources.flatMap((_, i) =>
        UPDATED.map((type) => ({
          key: key(i, type),
          type,
          after: type === "Dataflow" ? [key(i, "MappingSet")] : [],
          run: async () => {
            held[i]!.set(type, await objects.update(held[i]!.get(type)!, updated(i, type)));
          },
        })),
      ),
      options.parallelism,
    );
    for (const flow of dataflows.flows()) {
      const mapping = (flow.transformations as { name: string; params: Record<string, unknown> }[]).find((t) => t.name === "Mapping")!;
      assert.equal(String(mapping.params["mappingVersion"]), "1", "every flow moved to the new mapping set version");
    }

    const outputBytes = emptyByType(() => 0);
    for (const own of held) for (const [type, object] of own) outputBytes[type as PipelineType] += JSON.stringify({ ...object.outs, __provider: undefined }).length;
    for (const type of PIPELINE_TYPES) outputBytes[type] = Math.round(outputBytes[type] / options.pipelines);

    const remove = await phase(
      rig,
      sources.flatMap((_, i) =>
        PIPELINE_TYPES.map((type) => ({
          key: key(i, type),
          type,
          // Pulumi deletes an object after every object that needs it.
          after: PIPELINE_TYPES.filter((other) => NEEDS[other].includes(type)).map((other) => key(i, other)),
          run: () => objects.delete(held[i]!.get(type)!),
        })),
      ),
      options.parallelism,
    );
    const left = [dataflows.flows(), dataflows.sourceConnections(), dataflows.targetConnections(), dataflows.datasets(), dataflows.mappingSets(), rig.emulator.store.list()];
    assert.deepEqual(left.map((list) => list.length), [0, 0, 0, 0, 0, 0], "nothing is left after delete");
    return { pipelines: options.pipelines, create, update, delete: remove, outputBytes };
  } finally {
    await stopRig(rig);
  }
}


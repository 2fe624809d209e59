/**
 * Soak run: many create/adopt/update/read/delete operations over many connections, all sources, two sandboxes,
 * sent concurrently through Pulumi's real dynamic-provider host (as the engine does, one host process with concurrent
 * gRPC calls, or several), while a share of the Flow Service requests is faulted at random. The run keeps its own model
 * of what the engine's state would hold, then compares AEP (the emulator's store) with it: duplicates, orphans, lost
 * updates and missing connections must all be 0. Operations may fail with a clear error (the next `pulumi up` would
 * retry them); when they do, the model follows the engine's rules (an error carrying an id records the resource).
 * Besides the connections, each stack declares whole pipelines that are created, changed in place, replaced,
 * refreshed and destroyed at random under the same faults and kills (soak-pipelines.ts).
 *
 * Used by `npm run soak` (scripts/soak.ts, full size) and by soak.spec.ts (a small run inside `npm test`).
 */
import { HostCallError, type PropertyBag, type ProviderHost } from "../../harness/provider-host";
import { allVariants, identityOf, secretValues, urnOf, type Variant } from "../../harness/rig";
import { sources } from "../../provider/sources";
import { injectRandomFaults, seededRandom } from "./soak-faults";
import { compareWithStore, countRetries, expectedContent, reasonOf, type Consistency, type OperationCounts, type OperationTrace, type SoakResource } from "./soak-model";
import { PIPELINE_OPERATION_KINDS, PipelineSoak, type PipelineSoakReport } from "./soak-pipelines";
import { futureStart } from "../../harness/pipeline-rig";
import { startReliabilityRig, startRigHost, stopReliabilityRig, type ReliabilityRig } from "../../harness/reliability-rig";

export type SoakOperationKind = "create" | "adopt" | "update" | "read" | "delete";

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Operations to run. @default 1000 */
  operations?: number;
  /** Logical connections (resources) they are spread over, across every source/auth variant. @default 50 */
  connections?: number;
  /** Operations in flight at once. @default 10 */
  parallelism?: number;
  /** Share of Flow Service requests faulted, 0..1. @default 0.2 */
  faultRate?: number;
  /** Seed of the random choices (operations, values, faults). @default 20260601 */
  seed?: number;
  /** Provider host processes; operations go to them round-robin. @default 1 */
  hosts?: number;
  /** No new operation starts after this long; in-flight ones finish. @default 600 000 */
  timeLimitMs?: number;
  /** `AEP_HTTP_TIMEOUT_MS` of the provider (how long a hung request waits). @default 1000 */
  httpTimeoutMs?: number;
  /** `AEP_RETRY_BASE_MS` of the provider. @default the provider's own (500) */
  retryBaseMs?: number;
  /**
   * Stacks of the same program in the same sandboxes: the same resource names, each stack with its own resource
   * identities (as `pulumi stack init staging` gives). @default 2
   */
  stacks?: number;
  /** Chance, per operation, that its provider host is killed (SIGKILL) while the operation runs. @default 0.01 */
  killRate?: number;
  /** Pipelines each stack declares (six objects each, every source in turn, sandboxes prod and dev); 0 for none. @default 10 */
  pipelines?: number;
  /** Operations on the pipelines (an `up` after a change, a replacement, a refresh or a destroy), besides `operations`. @default 300 */
  pipelineOperations?: number;
  /** Progress lines. @default none */
  log?: (line: string) => void;
}

/** What a soak run measured. */
export interface SoakReport extends OperationCounts<SoakOperationKind> {
  seed: number;
  options: Required<Omit<SoakOptions, "log" | "retryBaseMs">> & { retryBaseMs: number | undefined };
  /** Provider hosts killed mid-operation (each replaced by a fresh one, as the next `pulumi up` starts one). */
  hostKills: number;
  /** Creates that had failed without an id (a lost answer, a killed host) and were run again by a final `up`. */
  finalCreates: number;
  /** Error texts and stored failure reasons that contained a secret of any variant (must be 0). */
  secretLeaks: number;
  flowRequests: number;
  tokenRequests: number;
  /** Faults applied, by kind. */
  faults: Record<string, number>;
  faultedRequests: number;
  retries: number;
  consistency: Consistency;
  /** The pipelines' part, when the run had pipelines. */
  pipelines?: PipelineSoakReport;
  /** True when the time limit stopped the run before every operation ran. */
  stoppedByTimeLimit: boolean;
  durationMs: number;
}

const KINDS: readonly SoakOperationKind[] = ["create", "adopt", "update", "read", "delete"];
const zero = (): Record<SoakOperationKind, number> => ({ create: 0, adopt: 0, update: 0, read: 0, delete: 0 });

function inputsOf(resource: SoakResource, params: Record<string, unknown>, description?: string): PropertyBag {
  return {
    source: resource.variant.source,
    name: `soak-${resource.nameIndex} v${resource.version}`,
    identity: identityOf(`soak-${resource.nameIndex}`, resource.stack),
    ...(description !== undefined ? { description } : {}),
    auth: { specName: resource.variant.specName, params },
    ...(resource.sandboxName === "dev" ? { sandboxName: "dev" } : {}),
    ...(resource.adoptId !== undefined ? { adopt: resource.adoptId } : {}),
  };
}

/** Runs a soak against a fresh emulator and provider host(s), and returns what it measured. */
export async function runSoak(options: SoakOptions = {}): Promise<SoakReport> {
  const resolved = {
    operations: options.operations ?? 1000,
    connections: options.connections ?? 50,
    parallelism: options.parallelism ?? 10,
    faultRate: options.faultRate ?? 0.2,
    seed: options.seed ?? 20260601,
    hosts: options.hosts ?? 1,
    timeLimitMs: options.timeLimitMs ?? 600_000,
    httpTimeoutMs: options.httpTimeoutMs ?? 1000,
    retryBaseMs: options.retryBaseMs,
    stacks: options.stacks ?? 2,
    killRate: options.killRate ?? 0.01,
    pipelines: options.pipelines ?? 10,
    pipelineOperations: options.pipelineOperations ?? 300,
  };
  for (const key of ["operations", "connections", "parallelism", "hosts", "timeLimitMs", "httpTimeoutMs", "stacks"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1) throw new RangeError(`${key} must be a positive integer`);
  }
  for (const key of ["pipelines", "pipelineOperations"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 0) throw new RangeError(`${key} must be a whole number`);
  }
  if (!(resolved.killRate >= 0 && resolved.killRate <= 1)) throw new RangeError("killRate must be between 0 and 1");
  const log = options.log ?? (() => undefined);
  const startedAt = Date.now();
  const rig = await startReliabilityRig({
    hosts: resolved.hosts,
    httpTimeoutMs: resolved.httpTimeoutMs,
    ...(resolved.retryBaseMs !== undefined ? { retryBaseMs: resolved.retryBaseMs } : {}),
  });
  try {
    return await soak(rig, resolved, log, startedAt);
  } finally {
    await stopReliabilityRig(rig);
  }
}

async function soak(rig: ReliabilityRig, options: SoakReport["options"], log: (line: string) => void, startedAt: number): Promise<SoakReport> {
  const choices = seededRandom(options.seed);
  const variants = allVariants();
  const stackNames = Array.from({ length: options.stacks }, (_, i) => (i === 0 ? "dev" : i === 1 ? "staging" : `stack${i + 1}`));
  const resources: SoakResource[] = Array.from({ length: options.connections * options.stacks }, (_, index) => {
    const nameIndex = index % options.connections;
    const variant: Variant = variants[nameIndex % variants.length]!;
    const resource: SoakResource = {
      index,
      nameIndex,
      stack: stackNames[Math.floor(index / options.connections)]!,
      urn: urnOf(`soak-${index}`),
      variant,
      sandboxName: Math.floor(nameIndex / variants.length) % 2 === 0 ? "prod" : "dev",
      inputs: {},
      version: 1,
      unacknowledged: [],
      deleteFailed: false,
      createPending: false,
    };
    resource.inputs = inputsOf(resource, variant.params);
    return resource;
  });
  // Every secret any resource holds, and every error text seen, for the leak count.
  const secrets = [...new Set(variants.flatMap(secretValues))];
  const errorTexts: string[] = [];
  // Host slots: a killed host is replaced by a fresh one, as the next `pulumi up` starts a new host.
  const slots: Promise<ProviderHost>[] = rig.hosts.map((host) => Promise.resolve(host));
  const killChoices = seededRandom(options.seed ^ 0x0c0ffee);
  let hostKills = 0;
  let killing = options.killRate > 0;
  const extraHosts: ProviderHost[] = [];
  async function replacement(): Promise<ProviderHost> {
    const host = await startRigHost(rig, options);
    extraHosts.push(host);
    return host;
  }
  function killLater(slot: number, host: ProviderHost, afterMs: number): void {
    setTimeout(() => {
      if (!host.running) return;
      hostKills += 1;
      slots[slot] = host.kill("SIGKILL").then(replacement);
    }, afterMs);
  }
  /** With the kill rate's chance, kills the operation's host within `withinMs` of its start. */
  function maybeKill(slot: number, host: ProviderHost, withinMs: number): void {
    if (killing && killChoices() < options.killRate) killLater(slot, host, Math.floor(killChoices() * withinMs));
  }
  const operations = zero();
  const failures = zero();
  const failureReasons: Record<string, number> = {};
  const traces: OperationTrace[] = [];
  let recordedFailures = 0;
  const vanished: { index: number; id: string; afterFailedDelete: boolean }[] = [];
  const lastSeq = (): number => rig.emulator.requests[rig.emulator.requests.length - 1]?.seq ?? 0;
  const faults = injectRandomFaults(rig.emulator, options.faultRate, seededRandom(options.seed ^ 0x5eed));
  const pipelines = options.pipelines > 0 ? new PipelineSoak({ emulator: rig.emulator, errorTexts, startTime: futureStart() }, options.pipelines, stackNames) : undefined;
  // A stream of its own, so that the connections' plan is the same with or without pipelines.
  const pipelineChoices = seededRandom(options.seed ^ 0x919e);

  /** One operation on one resource, chosen from what the engine's state holds now. */
  async function operate(resource: SoakResource, slot: number, pick: number, tweak: () => number): Promise<void> {
    const host = await slots[slot]!;
    maybeKill(slot, host, 40);
    let kind: SoakOperationKind;
    // After a create that failed without an id, the program is unchanged: the next `up` runs the same create.
    if (resource.state === undefined && resource.createPending) kind = resource.adoptId !== undefined ? "adopt" : "create";
    else if (resource.state === undefined) kind = resource.adoptId !== undefined || pick < 0.25 ? "adopt" : "create";
    else kind = pick < 0.5 ? "update" : pick < 0.75 ? "read" : "delete";
    operations[kind] += 1;
    const trace: OperationTrace = { fromSeq: lastSeq(), toSeq: 0, ids: [], names: [String(resource.inputs["name"])] };
    if (resource.state !== undefined) trace.ids.push(resource.state.id);
    try {
      if (await perform(kind, resource, host, tweak, trace)) {
        resource.unacknowledged = [];
        resource.deleteFailed = false;
        if (kind === "create" || kind === "adopt") resource.createPending = false;
      }
    } catch (error) {
      failures[kind] += 1;
      errorTexts.push(error instanceof HostCallError ? `${error.details}\n${JSON.stringify(error.initFailure ?? {})}` : String(error));
      const reason = `${kind}: ${reasonOf(error)}`;
      failureReasons[reason] = (failureReasons[reason] ?? 0) + 1;
      const initFailure = error instanceof HostCallError ? error.initFailure : undefined;
      if (initFailure !== undefined && (kind === "create" || kind === "adopt" || kind === "update")) {
        // The engine records a partially applied create/update with the properties the error carries.
        recordedFailures += 1;
        resource.state = { id: initFailure.id, outputs: initFailure.properties, inputs: resource.inputs };
        resource.expected = expectedContent(resource, resource.inputs);
        resource.unacknowledged = [];
        resource.createPending = false;
        if (kind === "adopt") delete resource.adoptId;
        trace.ids.push(initFailure.id);
      } else if (kind === "create" || kind === "adopt") {
        resource.createPending = true;
      } else if (kind === "update") {
        resource.unacknowledged.push(expectedContent(resource, resource.inputs));
      } else if (kind === "delete") {
        resource.deleteFailed = true;
      }
    } finally {
      if (resource.state !== undefined) trace.ids.push(resource.state.id);
      trace.names.push(String(resource.inputs["name"]));
      trace.toSeq = lastSeq();
      traces.push(trace);
    }
  }

  /** Runs the operation; true when it wrote to AEP and the engine got a success (AEP now matches the state). */
  async function perform(kind: SoakOperationKind, resource: SoakResource, host: ProviderHost, tweak: () => number, trace: OperationTrace): Promise<boolean> {
    const { urn } = resource;
    switch (kind) {
      case "adopt":
      case "create": {
        if (kind === "adopt" && resource.adoptId === undefined) {
          // Someone made the connection by hand (old credentials); the program takes it over.
          resource.adoptId = rig.emulator.store.seed({
            name: `soak-${resource.nameIndex} made by hand`,
            connectionSpecId: sources[resource.variant.source].connectionSpec.id,
            specName: resource.variant.specName,
            params: resource.variant.rotated,
            sandboxName: resource.sandboxName,
          }).id;
          resource.inputs = { ...resource.inputs, adopt: resource.adoptId };
        }
        if (resource.adoptId !== undefined) trace.ids.push(resource.adoptId);
        const checked = await host.check(urn, {}, resource.inputs);
        if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
        const created = await host.create(urn, checked.inputs);
        resource.state = { id: created.id, outputs: created.outs, inputs: checked.inputs };
        resource.expected = expectedContent(resource, resource.inputs);
        delete resource.adoptId;
        return true;
      }
      case "update": {
        const state = resource.state!;
        const auth = resource.inputs["auth"] as { params: Record<string, unknown> };
        const rename = tweak() < 0.6;
        const rotate = tweak() < 0.5;
        const describe = tweak() < 0.3;
        if (rename || (!rotate && !describe)) resource.version += 1;
        const params = rotate ? (auth.params === resource.variant.params ? resource.variant.rotated : resource.variant.params) : auth.params;
        const current = resource.inputs["description"] as string | undefined;
        const description = describe ? (current === undefined ? `updated at version ${resource.version}` : undefined) : current;
        const news = inputsOf(resource, params, description);
        resource.inputs = news;
        const checked = await host.check(urn, state.inputs, news);
        if (checked.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
        const diff = await host.diff(urn, state.id, state.outputs, checked.inputs, state.inputs);
        if (diff.replaces.length > 0) throw new Error(`unexpected replacement of ${diff.replaces.join(", ")}`);
        // Nothing to write. (After an update that failed but was applied, AEP may still differ: that drift is
        // what the comparison reports as applied despite an error.)
        if (diff.changes === "none") return false;
        const updated = await host.update(urn, state.id, state.outputs, checked.inputs, state.inputs);
        resource.state = { id: state.id, outputs: updated.outs, inputs: checked.inputs };
        resource.expected = expectedContent(resource, news);
        return true;
      }
      case "read": {
        const state = resource.state!;
        const read = await host.read(urn, state.id, state.outputs, state.inputs);
        if (read.id === "") {
          // The engine drops a resource that refresh reports gone; the comparison tells whether that was expected.
          vanished.push({ index: resource.index, id: state.id, afterFailedDelete: resource.deleteFailed });
          delete resource.state;
          delete resource.expected;
          resource.deleteFailed = false;
          resource.unacknowledged = [];
          return false;
        }
        resource.state = { ...state, outputs: read.props };
        return false;
      }
      case "delete": {
        const state = resource.state!;
        await host.delete(urn, state.id, state.outputs, state.inputs);
        delete resource.state;
        delete resource.expected;
        // A later create makes a new connection: the program no longer adopts the one it took over.
        const { adopt: _adopted, ...rest } = resource.inputs;
        resource.inputs = rest;
        return true;
      }
    }
  }

  // The plan (which resource each operation targets, and its random numbers) comes from the seed; operations on one
  // resource run one after another, as in the engine, and at most `parallelism` run at once.
  const chains = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let started = 0;
  let connectionOperations = 0;
  let stoppedByTimeLimit = false;
  const pipelineOperations = pipelines === undefined ? 0 : options.pipelineOperations;
  const total = options.operations + pipelineOperations;
  for (; started < total; started++) {
    if (Date.now() - startedAt > options.timeLimitMs) {
      stoppedByTimeLimit = true;
      break;
    }
    while (inFlight.size >= options.parallelism) await Promise.race(inFlight);
    const slot = started % slots.length;
    let key: string;
    let work: () => Promise<void>;
    // Pipeline operations are spread over the run in proportion to what is left of each kind.
    const pipelinesLeft = pipelineOperations - (started - connectionOperations);
    if (pipelines !== undefined && pipelineChoices() * (total - started) < pipelinesLeft) {
      const pipeline = pipelines.pipelines[Math.floor(pipelineChoices() * pipelines.pipelines.length)]!;
      const pick = pipelineChoices();
      const tweaks = [pipelineChoices(), pipelineChoices(), pipelineChoices(), pipelineChoices()];
      const tweak = (): number => tweaks.shift() ?? 0;
      key = `pipeline ${pipeline.index}`;
      work = async () => {
        const host = await slots[slot]!;
        // A pipeline's run is many calls: the kill may land anywhere in its first 200 ms.
        maybeKill(slot, host, 200);
        await pipelines.operate(pipeline, host, pick, tweak);
      };
    } else {
      connectionOperations += 1;
      const resource = resources[Math.floor(choices() * resources.length)]!;
      const pick = choices();
      const tweaks = [choices(), choices(), choices()];
      const tweak = (): number => tweaks.shift() ?? 0;
      key = `connection ${resource.index}`;
      work = () => operate(resource, slot, pick, tweak);
    }
    const run = (chains.get(key) ?? Promise.resolve()).then(work);
    chains.set(key, run);
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    if ((started + 1) % 100 === 0) log(`${started + 1} operations started (${Math.round((Date.now() - startedAt) / 1000)} s)`);
  }
  await Promise.all(inFlight);
  faults.stop();
  // The next `pulumi up`, without faults: creates that failed without an id run again and must find what the
  // failed attempt made, instead of making a second one.
  killing = false;
  const pending = resources.filter((resource) => resource.state === undefined && resource.createPending);
  for (const resource of pending) {
    await operate(resource, 0, 1, () => 1).catch(() => undefined);
  }
  if (pipelines !== undefined) log(`final refresh, up and destroy of ${pipelines.pipelines.length} pipelines`);
  const pipelineReport = await pipelines?.finish(await slots[0]!);
  await Promise.all(extraHosts.map((host) => host.stop()));
  const secretLeaks = errorTexts.filter((text) => secrets.some((secret) => text.includes(secret))).length;

  const requests = rig.emulator.requests;
  const faultCounts: Record<string, number> = { ...faults.stats.chosen };
  return {
    seed: options.seed,
    options,
    operations,
    failures,
    failureReasons,
    recordedFailures,
    hostKills,
    finalCreates: pending.length,
    secretLeaks,
    flowRequests: requests.filter((r) => r.kind === "flow").length,
    tokenRequests: rig.emulator.stats().tokenRequests,
    faults: faultCounts,
    faultedRequests: requests.filter((r) => r.fault !== undefined).length,
    retries: countRetries(requests, traces),
    consistency: compareWithStore(rig.emulator, resources, vanished),
    ...(pipelineReport !== undefined ? { pipelines: pipelineReport } : {}),
    stoppedByTimeLimit,
    durationMs: Date.now() - startedAt,
  };
}

/** The printed summary of a report. */
export function formatSoakReport(report: SoakReport): string {
  const { options, consistency } = report;
  const total = KINDS.reduce((sum, kind) => sum + report.operations[kind], 0);
  const failed = KINDS.reduce((sum, kind) => sum + report.failures[kind], 0);
  const byKind = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, count]) => count > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([kind, count]) => `${kind} ${count}`)
      .join(", ") || "none";
  const lines = [
    `Soak: ${total} operations over ${options.connections} connections × ${options.stacks} stacks with the same names ` +
      `(every source and auth variant, sandboxes prod and dev), ` +
      `parallelism ${options.parallelism}, ${options.hosts} provider host${options.hosts === 1 ? "" : "s"}, seed ${report.seed}`,
    `  operations: ${byKind(report.operations)}`,
    `  failed with a clear error: ${failed} (${byKind(report.failures)}); ${report.recordedFailures} carried the connection id`,
    ...Object.entries(report.failureReasons)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, count]) => `    ${count} × ${reason}`),
    `  Flow Service requests: ${report.flowRequests}, faulted: ${report.faultedRequests} ` +
      `(${((100 * report.faultedRequests) / Math.max(1, report.flowRequests)).toFixed(1)} %, target ${Math.round(options.faultRate * 100)} %): ${byKind(report.faults)}`,
    `  requests sent again after a failure (retries, token refreshes, re-PATCH after 412): ${report.retries}; IMS token requests: ${report.tokenRequests}`,
    `  provider hosts killed mid-operation: ${report.hostKills}; creates run again by the final up: ${report.finalCreates}`,
    `  AEP vs expected state: ${consistency.duplicates} duplicates, ${consistency.orphans} orphans, ${consistency.sharedIds} shared ids, ` +
      `${consistency.lostUpdates} lost updates, ${consistency.missing} missing; secrets in errors or stored reasons: ${report.secretLeaks}`,
    `  failed operations that AEP applied as a whole (the next up converges): ${consistency.appliedDespiteError}; ` +
      `stored etags behind AEP (a refresh catches up): ${consistency.staleEtags}`,
    ...consistency.problems.map((problem) => `    ${problem}`),
    ...(report.pipelines === undefined ? [] : formatPipelines(report.pipelines, byKind)),
    `  duration: ${(report.durationMs / 1000).toFixed(1)} s${report.stoppedByTimeLimit ? " (stopped by the time limit)" : ""}`,
  ];
  return lines.join("\n");
}

function formatPipelines(report: PipelineSoakReport, byKind: (counts: Record<string, number>) => string): string[] {
  const { consistency } = report;
  const total = PIPELINE_OPERATION_KINDS.reduce((sum, kind) => sum + report.operations[kind], 0);
  const failed = PIPELINE_OPERATION_KINDS.reduce((sum, kind) => sum + report.failures[kind], 0);
  return [
    `  pipelines: ${report.pipelines} (every source, sandboxes prod and dev, the same names in every stack), ${report.objects} objects in AEP over the run`,
    `    operations: ${total} (${byKind(report.operations)}), ${report.calls} engine calls, ${report.replacements} objects replaced`,
    `    failed with a clear error: ${failed} (${byKind(report.failures)}); ${report.recordedFailures} carried the object's id`,
    ...Object.entries(report.failureReasons)
      .sort((a, b) => b[1] - a[1])
      .map(([reason, count]) => `      ${count} × ${reason}`),
    `    after a final refresh and up: ${consistency.duplicates} duplicates, ${consistency.orphans} orphans, ${consistency.sharedIds} shared ids, ` +
      `${consistency.lostUpdates} lost updates, ${consistency.missing} missing, ${consistency.taken} objects of another resource or stack taken, ` +
      `${consistency.notConverged} not converged; after the final destroy: ${consistency.leftAfterDestroy} left`,
    `    failed deletes a refresh found applied (the next run converges): ${consistency.appliedDespiteError}`,
    ...consistency.problems.map((problem) => `      ${problem}`),
  ];
}

/** Renders BENCHMARKS.md from the measured runs: a summary table of medians against the targets, then details. */
import * as os from "node:os";
import type { CliBenchResult, CliRun } from "./cli";
import type { LifecycleResult, PhaseResult, PreviewResult } from "./lifecycle";
import { idealMs, median } from "./measure";
import type { MemoryResult } from "./memory";
import type { NaiveResult } from "./naive";
import { commandLine, type BenchOptions } from "./options";
import type { PipelineStateCostResult, StateCostResult } from "./state-cost";
import { pipelineIdealMs, type PipelinePhase, type PipelineResult, type PipelineType } from "./pipelines";

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  options: BenchOptions;
  startedAt: Date;
  durationMs: number;
  parallel: LifecycleResult[];
  sequential: LifecycleResult[];
  /** The minimal provider (scripts/bench/minimal-provider.ts) through the same host and rig: what the rig itself costs. */
  minimal: LifecycleResult[];
  /** The provider lifecycle at P with zero latency: the CPU time of the whole chain. */
  zeroLatency: LifecycleResult[];
  /** One-minute load average when the benchmark started and ended (other processes compete for the cores). */
  loadAverage: { before: number; after: number };
  naive: NaiveResult[];
  state: StateCostResult;
  memory: MemoryResult[];
  /** The same memory run on the minimal provider: the floor of the host's footprint. */
  memoryMinimal: MemoryResult[];
  /** The real-CLI scenario, or why it did not run (`--cli-runs 0`, or no Pulumi CLI found). */
  cli: CliBenchResult | "skipped" | "no-cli";
  /** The pipeline scenario (absent with `--pipelines 0`): its runs and the state a pipeline costs. */
  pipelines?: { runs: PipelineResult[]; state: PipelineStateCostResult };
  /** Variants of the workload mix (every auth spec of every source). */
  variantCount: number;
  /** Bytes of the built implementation the shim loads instead of serializing it (dist/provider JS). */
  implementationBytes: number;
}

type PhaseName = "create" | "update" | "delete";
const PHASES: readonly PhaseName[] = ["create", "update", "delete"];

/** Each phase's wall time against the minimal provider's of the same run (one request per operation). */
export const THROUGHPUT_TARGET = 1.05;
/** Peak RSS against the minimal provider's of the same run. */
export const MEMORY_TARGET = 1.2;
export const STATE_TARGET_BYTES = 4096;
/** Each real-CLI command's wall time against the same program on the minimal provider. */
export const CLI_TARGET = 1.1;

const CLI_COMMANDS = [
  { label: "`pulumi up`", of: (run: CliRun) => run.upMs, requests: (run: CliRun) => run.requests.up },
  { label: "no-op `pulumi up`", of: (run: CliRun) => run.noopUpMs, requests: (run: CliRun) => run.requests.noopUp },
  { label: "`pulumi destroy`", of: (run: CliRun) => run.destroyMs, requests: (run: CliRun) => run.requests.destroy },
] as const;

/** Summary rows and a section for the real-CLI scenario. */
function cliLines(results: BenchResults): { summary: string[]; section: string[] } {
  const { options } = results;
  const cli = results.cli;
  if (cli === "skipped" || cli === "no-cli") {
    const why = cli === "skipped" ? "`--cli-runs 0`" : "no Pulumi CLI was found (`npm run pulumi:install` builds one)";
    return { summary: [`| Under the real Pulumi CLI | not run: ${why} | ≤ ${CLI_TARGET.toFixed(2)} × minimal | — |`], section: [] };
  }
  const n = options.connections;
  const summary = CLI_COMMANDS.map((command) => {
    const ours = median(cli.provider.map(command.of));
    const floor = median(cli.minimal.map(command.of));
    return `| ${command.label} of ${n} connections under the real CLI (${cli.pulumiVersion}), --parallel ${options.parallelism} | ${seconds(ours)} = **${(ours / floor).toFixed(3)} × the minimal provider** (${seconds(floor)}, same run) | ≤ ${CLI_TARGET.toFixed(2)} × minimal | ${yesNo(ours <= CLI_TARGET * floor)} |`;
  });
  const row = (label: string, runs: readonly CliRun[], of: (run: CliRun) => number): string =>
    `| ${label} | ${seconds(median(runs.map(of)))} | ${runs.map((run) => seconds(of(run))).join(", ")} |`;
  const section = [
    "## Under the real Pulumi CLI",
    "",
    `The real CLI (${cli.pulumiVersion}, local file backend) runs a program that declares ${n} \`BaseConnection\`s (SQL Server, connection string), ` +
      "with this package installed from `npm pack` as a user installs it, then the same program on the minimal provider " +
      `(scripts/bench/minimal-provider.ts, one request per operation, declared with a pre-serialized \`__provider\`). Each command runs with \`--yes --skip-preview --parallel ${options.parallelism}\`; ` +
      "wall time is from spawn to exit (engine, language host, program and provider host included). The two alternate, each on a fresh stack and emulator. " +
      `At 0 ms latency what is left is the fixed cost of the engine and its processes.`,
    "",
    "| Command | Provider | Latency | Median | Runs | Flow Service requests (first run) |",
    "|---|---|---|---|---|---|",
  ];
  for (const command of CLI_COMMANDS) {
    for (const [label, runs, latency] of [
      ["this package", cli.provider, options.latencyMs],
      ["minimal", cli.minimal, options.latencyMs],
      ["this package", cli.providerZero, 0],
      ["minimal", cli.minimalZero, 0],
    ] as const) {
      if (runs.length === 0) continue;
      const line = row(`${command.label} | ${label} | ${latency} ms`, runs, command.of);
      section.push(`${line} ${runs[0] === undefined ? "" : command.requests(runs[0])} |`);
    }
  }
  section.push("");
  return { summary, section };
}

const PIPELINE_PHASES = ["create", "update", "delete"] as const;

/** Requests per operation of one object type in a phase: `1 POST + 0.02 GET`, medians over the runs. */
function perOperation(phases: readonly PipelinePhase[], type: PipelineType): string {
  const operations = median(phases.map((p) => p.operationsByType[type]));
  if (operations === 0) return "—";
  const methods = [...new Set(phases.flatMap((p) => Object.keys(p.requests[type])))].sort((a, b) => (a === "GET" ? 1 : b === "GET" ? -1 : a.localeCompare(b)));
  return methods.map((method) => `${+(median(phases.map((p) => p.requests[type][method] ?? 0)) / operations).toFixed(2)} ${method}`).join(" + ");
}

/** Reads beyond the writes, per write, of one phase of one type (the shared listing of a create, say). */
function extraPerWrite(phase: PipelinePhase, type: PipelineType): number {
  const reads = phase.requests[type]["GET"] ?? 0;
  return phase.operationsByType[type] === 0 ? 0 : reads / phase.operationsByType[type];
}

/** Summary rows and a section for the whole-pipeline scenario. */
function pipelineLines(results: BenchResults): { summary: string[]; section: string[] } {
  const scenario = results.pipelines;
  const { options } = results;
  if (scenario === undefined) return { summary: ["| Whole pipelines | not run: `--pipelines 0` | — | — |"], section: [] };
  const n = scenario.runs[0]!.pipelines;
  const p = options.parallelism;
  const types = Object.keys(scenario.runs[0]!.create.requests) as PipelineType[];
  const summary = PIPELINE_PHASES.map((name) => {
    const phases = scenario.runs.map((run) => run[name]);
    const wall = median(phases.map((phase) => phase.wallMs));
    const first = phases[0]!;
    const ideal = pipelineIdealMs(first, p, options.latencyMs);
    return `| ${name} ${n} pipelines (${first.operations} objects written), P = ${p}, in dependency order | ${seconds(wall)} = **${(wall / ideal).toFixed(3)} × the critical-path ideal** (${seconds(ideal)} = max(depth ${first.depth}, ⌈${first.operations}/${p}⌉ waves) × ${options.latencyMs} ms) | reported | — |`;
  });
  const extra = Math.max(...scenario.runs.flatMap((run) => types.map((type) => extraPerWrite(run.create, type))));
  const writesOnly = scenario.runs.every((run) => (["update", "delete"] as const).every((name) => types.every((type) => extraPerWrite(run[name], type) === 0)));
  summary.push(
    `| Extra requests per create, every object type (${n} creates each) | at most ${extra.toFixed(2)} (the one shared listing per type and run, sent beside the first POST) | no extra round trip per create | ${yesNo(extra <= 1 / n)} |`,
    `| Requests per update and per delete, every object type | one PATCH / PUT per update (plus the enable action only when \`enabled\` changes), one DELETE per delete, no read | one request per write | ${yesNo(writesOnly)} |`,
    `| State per pipeline (7 entries: base connection, dataset, the Pipeline component and its 4 objects) | ${kib(scenario.state.perPipelineBytes)} | reported | — |`,
  );
  const section = [
    "## Whole pipelines",
    "",
    `${n} pipelines, one per source in turn, each a base connection → source connection, dataset, target connection, mapping set → dataflow, ` +
      `driven through Pulumi's real dynamic-provider host (scripts/bench/pipelines.ts) with at most ${p} calls in flight; an object starts as soon as the objects it needs are done, ` +
      "as the engine schedules steps, and deletes go the other way (the dataflow first). Each object's write includes its `Check` call, as in the engine. " +
      "The update phase gives every pipeline new mappings (a new mapping set version, which the dataflow then pins), a new schedule interval and a renamed source connection. " +
      "The ideal counts one round trip per write: a phase cannot beat its dependency depth, nor its waves of P.",
    "",
    "| Phase | Objects written | Depth | Ideal | Median wall time | Ratio | Runs (s) | Host CPU (median) |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const name of PIPELINE_PHASES) {
    const phases = scenario.runs.map((run) => run[name]);
    const first = phases[0]!;
    const ideal = pipelineIdealMs(first, p, options.latencyMs);
    const wall = median(phases.map((phase) => phase.wallMs));
    section.push(
      `| ${name} | ${first.operations} | ${first.depth} | ${seconds(ideal)} | ${seconds(wall)} | ${(wall / ideal).toFixed(3)} | ${phases.map((phase) => (phase.wallMs / 1000).toFixed(2)).join(", ")} | ${milliseconds(median(phases.map((phase) => phase.hostCpuMs)))} |`,
    );
  }
  section.push("", "Requests per operation, by object type (medians over the runs; Flow Service, Catalog and Data Prep requests):", "", "| Object type | Create | Update | Delete | Stored state per object |", "|---|---|---|---|---|");
  for (const type of types) {
    const stateType = `pulumi-nodejs:dynamic/aep:${type}`;
    const stored = scenario.state.perType[stateType];
    section.push(
      `| ${type} | ${perOperation(scenario.runs.map((run) => run.create), type)} | ${perOperation(scenario.runs.map((run) => run.update), type)} | ${perOperation(scenario.runs.map((run) => run.delete), type)} | ${stored === undefined ? "—" : kib(stored)} |`,
    );
  }
  section.push("");
  return { summary, section };
}

/** The machine, as the report names it. */
export function machineDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() || "unknown CPU";
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus.length} cores (${model}), ${memoryGiB} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const milliseconds = (ms: number): string => `${Math.round(ms)} ms`;
const kib = (value: number): string => `${(value / 1024).toFixed(2)} KiB`;
const mib = (kibValue: number): string => `${(kibValue / 1024).toFixed(1)} MiB`;
const yesNo = (ok: boolean): string => (ok ? "✅ yes" : "❌ no");

function roundTrips(phase: PhaseResult, connections: number): number {
  return phase.flowRequests / connections;
}

function methods(phase: PhaseResult, connections: number): string {
  return Object.entries(phase.flowByMethod)
    .map(([method, count]) => `${count / connections} ${method}`)
    .join(" + ");
}

function medianOf<T>(runs: readonly T[], pick: (run: T) => number): number {
  return median(runs.map(pick));
}

interface PhaseSummary {
  wallMs: number;
  roundTrips: number;
  idealMs: number;
  ratio: number;
  methods: string;
  hostCpuMs: number | undefined;
}

function summarize(runs: readonly { create: PhaseResult; update: PhaseResult; delete: PhaseResult }[], phase: PhaseName, options: BenchOptions, parallelism: number): PhaseSummary {
  const first = runs[0]![phase];
  const trips = roundTrips(first, options.connections);
  const wallMs = medianOf(runs, (run) => run[phase].wallMs);
  const ideal = idealMs(options.connections, parallelism, trips, options.latencyMs);
  const cpu = runs.every((run) => run[phase].hostCpuMs !== undefined) ? medianOf(runs, (run) => run[phase].hostCpuMs ?? 0) : undefined;
  return { wallMs, roundTrips: trips, idealMs: ideal, ratio: ideal > 0 ? wallMs / ideal : Number.NaN, methods: methods(first, options.connections), hostCpuMs: cpu };
}

/** {@link summarize} of every phase. */
function summarizePhases(runs: readonly { create: PhaseResult; update: PhaseResult; delete: PhaseResult }[], options: BenchOptions, parallelism: number): Record<PhaseName, PhaseSummary> {
  return Object.fromEntries(PHASES.map((phase) => [phase, summarize(runs, phase, options, parallelism)])) as Record<PhaseName, PhaseSummary>;
}

function previewSummary(runs: readonly LifecycleResult[], pick: (run: LifecycleResult) => PreviewResult | undefined): { wallMs: number; httpRequests: number; hostCpuMs: number } {
  const previews = runs.map(pick).filter((preview): preview is PreviewResult => preview !== undefined);
  return {
    wallMs: median(previews.map((p) => p.wallMs)),
    httpRequests: Math.max(...previews.map((p) => p.httpRequests)),
    hostCpuMs: median(previews.map((p) => p.hostCpuMs)),
  };
}

/** The whole report as Markdown. */
export function renderReport(results: BenchResults): string {
  const { options } = results;
  const n = options.connections;
  const p = options.parallelism;
  const parallel = summarizePhases(results.parallel, options, p);
  const sequential = summarizePhases(results.sequential, options, 1);
  const naive = summarizePhases(results.naive, options, p);
  const minimal = summarizePhases(results.minimal, options, p);
  const totalOf = (summary: Record<PhaseName, PhaseSummary>): number => PHASES.reduce((sum, phase) => sum + summary[phase].wallMs, 0);
  const tokens = results.parallel.map((run) => run.totals.tokenRequests);
  const sockets = results.parallel.map((run) => run.totals.tcpConnections);
  const naiveTokens = medianOf(results.naive, (run) => run.totals.tokenRequests);
  const naiveSockets = medianOf(results.naive, (run) => run.totals.tcpConnections);
  const unchanged = previewSummary(results.parallel, (run) => run.previewUnchanged);
  const rename = previewSummary(results.parallel, (run) => run.previewRename);
  const peak = medianOf(results.memory, (run) => run.peakKiB);
  const peakMinimal = medianOf(results.memoryMinimal, (run) => run.peakKiB);
  const state = results.state;
  const runs = options.runs;

  const lines: string[] = [];
  const add = (...more: string[]): void => {
    lines.push(...more);
  };
  add(
    "# Benchmarks",
    "",
    "Written by `npm run bench` (scripts/bench.ts); do not edit by hand. Every figure is the median of " +
      `${runs} run${runs === 1 ? "" : "s"} unless marked otherwise; each run starts a fresh emulator and a fresh provider host.`,
    "",
    `- Command: \`${commandLine(options)}\``,
    `- Machine: ${machineDescription()}`,
    `- Date: ${results.startedAt.toISOString()} (whole benchmark: ${seconds(results.durationMs)}; 1-minute load average ${results.loadAverage.before.toFixed(2)} at the start, ${results.loadAverage.after.toFixed(2)} at the end)`,
    `- Latency: ${options.latencyMs} ms before every Flow Service response, ${options.imsLatencyMs} ms before every IMS token response (emulator on 127.0.0.1).`,
    `- Workload: ${n} connections cycling through all ${results.variantCount} auth variants of the five sources; ${p} concurrent gRPC calls to Pulumi's real dynamic-provider host (the engine's default parallelism).`,
    "",
    "## Summary",
    "",
    "| Figure | Result | Target | Met |",
    "|---|---|---|---|",
  );
  for (const phase of PHASES) {
    const s = parallel[phase];
    const token = phase === "create" && options.imsLatencyMs > 0 ? `; ${((s.wallMs - options.imsLatencyMs) / s.idealMs).toFixed(3)} × without the run's one IMS round trip` : "";
    const floor = s.wallMs / minimal[phase].wallMs;
    add(
      `| ${phase} ${n} connections, P = ${p} | ${seconds(s.wallMs)} = **${floor.toFixed(3)} × the minimal provider** (${seconds(minimal[phase].wallMs)}, same run); ${s.ratio.toFixed(3)} × ideal (ideal ${seconds(s.idealMs)} = ⌈${n}/${p}⌉ × ${s.roundTrips} round trips × ${options.latencyMs} ms${token}); minimal: ${minimal[phase].ratio.toFixed(3)} × ideal | ≤ ${THROUGHPUT_TARGET.toFixed(2)} × minimal | ${yesNo(floor <= THROUGHPUT_TARGET)} |`,
    );
  }
  const creates = results.parallel.map((run) => run.create);
  const extra = median(creates.map((c) => (c.flowRequests - (c.flowByMethod["POST"] ?? 0)) / n));
  add(
    `| Extra requests per create (beyond its POST), ${n} creates | ${extra.toFixed(2)} (${creates.map((c) => c.flowRequests - (c.flowByMethod["POST"] ?? 0)).join(", ")} per run: the shared listing of the sandbox) | no extra round trip per create | ${yesNo(extra < 1)} |`,
  );
  add(
    `| Baseline: same calls one after another (P = 1) | create + update + delete ${seconds(totalOf(sequential))} (${(totalOf(sequential) / totalOf(parallel)).toFixed(1)} × slower than P = ${p}) | baseline | — |`,
    `| Baseline: naive client (token per call, \`connection: close\`), P = ${p} | create + update + delete ${seconds(totalOf(naive))} (${(totalOf(naive) / totalOf(parallel)).toFixed(2)} × the provider's time), ${naiveTokens} token requests, ${naiveSockets} TCP connections | baseline | — |`,
    `| IMS token requests per run | ${tokens.join(", ")} (runs) | 1 | ${yesNo(tokens.every((count) => count === 1))} |`,
    `| TCP connections opened per run (${runs > 1 ? "each run" : "run"}: ${requestsPerRun(results.parallel)} HTTP requests) | ${sockets.join(", ")} | ≤ P + 1 = ${p + 1} (keep-alive; the run's one listing goes beside the first wave of creates) | ${yesNo(sockets.every((count) => count <= p + 1))} |`,
    `| State per connection (both \`__provider\` copies included) | ${kib(state.perConnectionBytes)} as written (${kib(state.perConnectionCompactBytes)} compact JSON) | ≤ 4 KiB | ${yesNo(state.perConnectionBytes <= STATE_TARGET_BYTES)} |`,
    `| Serialized provider (\`__provider\`) | ${state.providerTextLength} characters (${state.providerJsonBytes} bytes as a JSON string) | small (a shim) | — |`,
    `| Preview: check + diff of ${n} unchanged connections | ${seconds(unchanged.wallMs)}, ${unchanged.httpRequests} HTTP requests | 0 requests | ${yesNo(unchanged.httpRequests === 0)} |`,
    `| Preview: check + diff of ${n} renamed connections | ${seconds(rename.wallMs)}, ${rename.httpRequests} HTTP requests | 0 requests | ${yesNo(rename.httpRequests === 0)} |`,
    `| Peak RSS of the provider host, ${options.memoryConnections} connections | ${mib(peak)} (VmHWM) = **${(peak / peakMinimal).toFixed(2)} × the minimal provider** (${mib(peakMinimal)}, same run) | ≤ ${MEMORY_TARGET.toFixed(2)} × minimal | ${yesNo(peak <= MEMORY_TARGET * peakMinimal)} |`,
    ...cliLines(results).summary,
    ...pipelineLines(results).summary,
    "",
  );

  add(
    "## Throughput through the provider host",
    "",
    `Each operation is one gRPC call to the host (Create, Update or Delete), ${p} in flight at a time (a new call starts as soon as one ends, like the engine's step executor). ` +
      "Inputs are checked (`Check`) before the timed create and update phases, as the engine does; check sends no request. " +
      "Round trips per operation are counted from the emulator's request log (Flow Service requests only); the IMS token request is counted separately. " +
      `The create phase includes the run's one token request (${options.imsLatencyMs} ms), which the ideal leaves out.`,
    "",
    "| Phase | Requests per operation | Round trips | Ideal | Median wall time | Ratio | Runs (s) | Host CPU (median) |",
    "|---|---|---|---|---|---|---|---|",
  );
  for (const phase of PHASES) {
    const s = parallel[phase];
    add(
      `| ${phase} | ${s.methods} | ${s.roundTrips} | ${seconds(s.idealMs)} | ${seconds(s.wallMs)} | ${s.ratio.toFixed(3)} | ${results.parallel.map((run) => (run[phase].wallMs / 1000).toFixed(2)).join(", ")} | ${s.hostCpuMs === undefined ? "—" : milliseconds(s.hostCpuMs)} |`,
    );
  }
  const zero = summarizePhases(results.zeroLatency, options, p);
  add(
    "",
    "### Where the time above the ideal goes",
    "",
    "The ideal counts only waiting for the network. On top of it, on this machine:",
    "",
    `- **Every round trip has a fixed cost**, even with no competition: one call at a time, the sequential baseline below runs at ${PHASES.map((phase) => `${sequential[phase].ratio.toFixed(3)} ×`).join(", ")} ` +
      `its ideal (create, update, delete), ${PHASES.map((phase) => `${((sequential[phase].wallMs - sequential[phase].idealMs) / (n * sequential[phase].roundTrips)).toFixed(1)} ms`).join(", ")} per round trip above the latency: ` +
      "the gRPC call, the host's work, the HTTP request and response, and waking processes that sat idle through the latency.",
    `- **Calls that start together stay together**: they reach the emulator together, their latency timers expire together and the answers come back together, so every wave of ${p} calls ` +
      `queues for the CPU work of all ${p} in series (the host handles the ${p} responses one after another, then the bench's gRPC client, the stand-in for the engine, the ${p} results, ` +
      `then the host the ${p} next requests, the emulator the ${p} requests), on ${os.cpus().length} cores shared by the provider host, the bench process and the kernel.`,
    `- **Create waits once for the IMS token** (${options.imsLatencyMs} ms) before its first wave.`,
    "",
    "Two measurements of the same run separate the provider's share from the rig's:",
    "",
    "- the **minimal provider** (scripts/bench/minimal-provider.ts) runs in the same host, behind the same gRPC calls, against the same emulator, and sends " +
      "one Flow Service request per operation, with the same bodies as the provider's (the create marker, the update's whole declared state), one token and keep-alive, but validates nothing, handles no error and returns three outputs. Its time above the ideal is " +
      "what the rig itself costs on this machine (Pulumi's Node.js host, gRPC and protobuf, the emulator, the stand-in engine); no provider can be faster here;",
    `- the same lifecycle with **zero latency** gives the CPU time of the whole chain for ${n} operations, ${p} at a time.`,
    "",
    "| Phase | Ideal | Minimal provider (ratio) | This provider (ratio) | This provider above the minimal one | Zero-latency time | Host CPU at zero latency |",
    "|---|---|---|---|---|---|---|",
  );
  for (const phase of PHASES) {
    const ours = parallel[phase];
    const floor = minimal[phase];
    const above = ours.wallMs - floor.wallMs;
    const cpu = zero[phase].hostCpuMs;
    add(
      `| ${phase} | ${seconds(ours.idealMs)} | ${seconds(floor.wallMs)} (${floor.ratio.toFixed(3)}) | ${seconds(ours.wallMs)} (${ours.ratio.toFixed(3)}) | ` +
        `${above >= 0 ? "+" : "−"}${milliseconds(Math.abs(above))} (${above >= 0 ? "+" : "−"}${((Math.abs(above) / floor.wallMs) * 100).toFixed(1)} %) | ` +
        `${seconds(zero[phase].wallMs)} | ${cpu === undefined ? "—" : `${milliseconds(cpu)} (${(cpu / n).toFixed(1)} ms per operation)`} |`,
    );
  }
  add(
    "",
    `Minimal provider runs (s): ${PHASES.map((phase) => `${phase} ${results.minimal.map((run) => (run[phase].wallMs / 1000).toFixed(2)).join(", ")}`).join("; ")}. ` +
      "The provider and the minimal provider run alternately, so that a slow spell of the machine weighs on both.",
  );
  add(
    "",
    "### Baselines (same run)",
    "",
    `Sequential: the same gRPC calls through the same host, one after another (what a user scripting curl does). Ideal for P = 1: ${n} × round trips × latency. ` +
      `Naive client: plain undici \`request\` (not the project's client), the same Flow Service requests with the same parallelism P = ${p}, but a new IMS token before every call and \`connection: close\` on every request.`,
    "",
    "| Phase | Provider, P = " + p + " | Sequential, P = 1 (ratio to its ideal) | Naive client, P = " + p + " (requests per operation) |",
    "|---|---|---|---|",
  );
  for (const phase of PHASES) {
    add(
      `| ${phase} | ${seconds(parallel[phase].wallMs)} | ${seconds(sequential[phase].wallMs)} (${sequential[phase].ratio.toFixed(3)}) | ${seconds(naive[phase].wallMs)} (${naive[phase].methods} + ${medianOf(results.naive, (run) => run[phase].tokenRequests) / n} IMS) |`,
    );
  }
  add(
    `| total | ${seconds(totalOf(parallel))} | ${seconds(totalOf(sequential))} | ${seconds(totalOf(naive))} |`,
    "",
    `Token requests per run: provider ${tokens.join(", ")}; sequential ${results.sequential.map((run) => run.totals.tokenRequests).join(", ")}; naive ${results.naive.map((run) => run.totals.tokenRequests).join(", ")}. ` +
      `TCP connections per run: provider ${sockets.join(", ")}; sequential ${results.sequential.map((run) => run.totals.tcpConnections).join(", ")}; naive ${results.naive.map((run) => run.totals.tcpConnections).join(", ")}.`,
    "",
  );

  add(
    "## Preview",
    "",
    `Check + Diff of every connection through the host, ${p} at a time, after the create phase. HTTP requests are all requests the emulator received during the preview (IMS included).`,
    "",
    "| Preview | Median wall time | HTTP requests (max over runs) | Host CPU (median) | Per connection |",
    "|---|---|---|---|---|",
    `| unchanged stack (every diff: none) | ${seconds(unchanged.wallMs)} | ${unchanged.httpRequests} | ${milliseconds(unchanged.hostCpuMs)} | ${(unchanged.hostCpuMs / n).toFixed(1)} ms CPU |`,
    `| rename pending (every diff: some) | ${seconds(rename.wallMs)} | ${rename.httpRequests} | ${milliseconds(rename.hostCpuMs)} | ${(rename.hostCpuMs / n).toFixed(1)} ms CPU |`,
    "",
    "Check is validation only; diff validates the new inputs and compares them with the stored outputs (the secret params with `secretAuthParams`, which the engine decrypts for the provider), so neither needs a request or any hashing.",
    "",
  );

  add(
    "## State cost",
    "",
    `Method: \`up\` of a Pulumi program with ${state.connections} BaseConnections (scripts/bench/state-program, importing \`pulumi-aep-azure\` like a user's program) through the test engine ` +
      "(harness/test-engine.ts: the SDK's program runner, the real dynamic-provider host, a JSON state file holding inputs and outputs per resource, secrets stored as ciphertext). " +
      "Measured on the written file; sizes do not depend on latency, so this is one run.",
    "",
    "| Part of one connection's state entry (compact JSON, average) | Bytes |",
    "|---|---|",
    `| two \`__provider\` copies (inputs + outputs) | ${state.parts.providerCopies} |`,
    `| inputs without \`__provider\` (secret params as ciphertext) | ${state.parts.inputsWithoutProvider} |`,
    `| outputs without \`__provider\` (secret params as ciphertext) | ${state.parts.outputsWithoutProvider} |`,
    `| urn, type, id, parent, dependencies and keys | ${state.parts.rest} |`,
    `| **total, compact** | **${state.perConnectionCompactBytes}** |`,
    `| **total, as written in the file (2-space indentation)** | **${state.perConnectionBytes}** |`,
    "",
    `Whole state file: ${state.fileBytes} bytes for ${state.connections} connections (${kib(state.fileBytes / state.connections)} per connection including the stack resource and file header). ` +
      "Pulumi's own checkpoint records a few more fields per resource than this test engine (for example the provider reference, property dependencies and timestamps); they are not included here.",
    "",
    `How \`__provider\` stays small: the engine stores the provider's serialized closure twice per resource (inputs and outputs). The stored object (provider/serialized-provider.ts) is a shim of ${state.providerTextLength} characters ` +
      "that, on the host's first `configure`, loads the real provider by package name (`pulumi-aep-azure/provider-implementation`) and installs its methods. " +
      `Nothing of the implementation (${kib(results.implementationBytes)} of built JavaScript in dist/provider, plus undici and zod) is captured, and no credential or socket ends up in the closure. The stored text:`,
    "",
    "```js",
    state.providerText.trim(),
    "```",
    "",
  );

  add(
    "## Memory",
    "",
    `One provider host creates, previews (check + diff) and deletes ${options.memoryConnections} connections, ${p} at a time, with ${options.memoryLatencyMs} ms Flow Service latency. ` +
      "VmHWM (peak resident set) of the host process is read from /proc/<pid>/status (the pid is found from the host's listening port in /proc/net/tcp).",
    "",
    "| After | VmHWM (median) | Runs |",
    "|---|---|---|",
    `| configure (before any connection) | ${mib(medianOf(results.memory, (run) => run.afterConfigureKiB))} | ${results.memory.map((run) => mib(run.afterConfigureKiB)).join(", ")} |`,
    `| create of ${options.memoryConnections} | ${mib(medianOf(results.memory, (run) => run.afterCreateKiB))} | ${results.memory.map((run) => mib(run.afterCreateKiB)).join(", ")} |`,
    `| preview of ${options.memoryConnections} | ${mib(medianOf(results.memory, (run) => run.afterPreviewKiB))} | ${results.memory.map((run) => mib(run.afterPreviewKiB)).join(", ")} |`,
    `| delete of ${options.memoryConnections} (peak of the run) | ${mib(peak)} | ${results.memory.map((run) => mib(run.peakKiB)).join(", ")} |`,
    `| final VmRSS | ${mib(medianOf(results.memory, (run) => run.finalRssKiB))} | ${results.memory.map((run) => mib(run.finalRssKiB)).join(", ")} |`,
    "",
    `For comparison, the host's VmHWM after the ${n}-connection throughput runs: ${results.parallel.map((run) => mib(run.hostPeakRssKiB)).join(", ")} ` +
      `(median ${mib(medianOf(results.parallel, (run) => run.hostPeakRssKiB))}). The host keeps nothing per connection, so the peak is set by the host itself ` +
      "(Node, the Pulumi SDK and gRPC: the figure after configure) plus the work in flight (V8 heap for the concurrent calls and their HTTP buffers).",
    "",
  );
  add(...cliLines(results).section);
  add(...pipelineLines(results).section);
  return `${lines.join("\n")}\n`;
}

/** HTTP requests (Flow Service and IMS) the emulator received in the first run. */
function requestsPerRun(runs: readonly LifecycleResult[]): number {
  return runs[0]?.totals.requests ?? 0;
}

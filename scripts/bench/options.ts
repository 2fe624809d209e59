/** Command-line options of `npm run bench` (pass them after `--`: `npm run bench -- --latency 50 --runs 5`). */

/** Resolved benchmark options. */
export interface BenchOptions {
  /** Delay the emulator adds before every Flow Service response, ms (`--latency`). @default 100 */
  latencyMs: number;
  /**
   * Delay added to every IMS token response, ms (`--ims-latency`). Real IMS is a remote service too; without a
   * delay, the naive client's token-per-call would cost nothing. @default the Flow Service latency
   */
  imsLatencyMs: number;
  /** Repetitions of every measured scenario; each figure is the median (`--runs`). @default 3 */
  runs: number;
  /** Connections created, updated and deleted per throughput run (`--connections`). @default 100 */
  connections: number;
  /** Concurrent gRPC calls, like the engine's default parallelism (`--parallelism`). @default 10 */
  parallelism: number;
  /** Connections held by the provider host for the memory figure (`--memory-connections`). @default 1000 */
  memoryConnections: number;
  /**
   * Flow Service latency during the memory scenario, ms (`--memory-latency`). Peak RSS depends on what the host
   * holds, not on how long it waits; 0 keeps 1,000 connections within seconds. @default 0
   */
  memoryLatencyMs: number;
  /**
   * Runs of the real-CLI scenario (`--cli-runs`): `pulumi up`, a no-op up and `pulumi destroy` of `connections`
   * connections, this package against the minimal provider, at the bench latency and at 0 ms. 0 skips it; it is
   * also skipped (and the report says so) when no Pulumi CLI is found (`npm run pulumi:install`). @default 1
   */
  cliRuns: number;
  /**
   * Pipelines (base connection → source connection, dataset, target connection, mapping set → dataflow) created,
   * updated and destroyed in dependency order per run of the pipeline scenario (`--pipelines`); 0 skips it. @default 50
   */
  pipelines: number;
  /** Where the report is written (`--out`), relative to the working directory. @default "BENCHMARKS.md" */
  output: string;
}

/** Defaults of every option, as documented on {@link BenchOptions}. */
export const DEFAULT_OPTIONS: Readonly<Omit<BenchOptions, "imsLatencyMs">> = {
  latencyMs: 100,
  runs: 3,
  connections: 100,
  parallelism: 10,
  memoryConnections: 1000,
  memoryLatencyMs: 0,
  cliRuns: 1,
  pipelines: 50,
  output: "BENCHMARKS.md",
};

const NUMERIC_FLAGS = {
  "--latency": { key: "latencyMs", min: 0 },
  "--ims-latency": { key: "imsLatencyMs", min: 0 },
  "--runs": { key: "runs", min: 1 },
  "--connections": { key: "connections", min: 1 },
  "--parallelism": { key: "parallelism", min: 1 },
  "--memory-connections": { key: "memoryConnections", min: 1 },
  "--memory-latency": { key: "memoryLatencyMs", min: 0 },
  "--cli-runs": { key: "cliRuns", min: 0 },
  "--pipelines": { key: "pipelines", min: 0 },
} as const satisfies Record<string, { key: keyof BenchOptions; min: number }>;

/** Usage text printed for `--help` and after a bad option. */
export const USAGE = [
  "Usage: npm run bench -- [options]",
  "  --latency <ms>             Flow Service latency injected by the emulator (default 100)",
  "  --ims-latency <ms>         IMS token latency (default: same as --latency)",
  "  --runs <n>                 repetitions per figure; the median is reported (default 3)",
  "  --connections <n>          connections per throughput run (default 100)",
  "  --parallelism <n>          concurrent provider calls (default 10)",
  "  --memory-connections <n>   connections for the peak-RSS figure (default 1000)",
  "  --memory-latency <ms>      Flow Service latency during the memory scenario (default 0)",
  "  --cli-runs <n>             runs of up / no-op up / destroy under the real Pulumi CLI; 0 skips (default 1)",
  "  --pipelines <n>            whole pipelines per run of the pipeline scenario; 0 skips (default 50)",
  "  --out <file>               report path (default BENCHMARKS.md)",
].join("\n");

/** Thrown for an unknown flag or an invalid value; the message names the flag. */
export class BenchUsageError extends Error {
  override readonly name = "BenchUsageError";
}

/** Parses `argv` (without node and script). Accepts `--flag value` and `--flag=value`. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const parsed: Partial<BenchOptions> = {};
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? "";
    const equals = argument.indexOf("=");
    const flag = equals >= 0 ? argument.slice(0, equals) : argument;
    const inline = equals >= 0 ? argument.slice(equals + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith("--")) throw new BenchUsageError(`${flag} needs a value`);
      index += 1;
      return next;
    };
    if (flag === "--out") {
      parsed.output = value();
      continue;
    }
    const numeric = (NUMERIC_FLAGS as Record<string, { key: keyof BenchOptions; min: number }>)[flag];
    if (numeric === undefined) throw new BenchUsageError(`unknown option ${argument}`);
    const text = value();
    const number = Number(text);
    if (!Number.isInteger(number) || number < numeric.min) {
      throw new BenchUsageError(`${flag} must be an integer ≥ ${numeric.min}, got "${text}"`);
    }
    (parsed as Record<string, number>)[numeric.key] = number;
  }
  const latencyMs = parsed.latencyMs ?? DEFAULT_OPTIONS.latencyMs;
  return { ...DEFAULT_OPTIONS, ...parsed, latencyMs, imsLatencyMs: parsed.imsLatencyMs ?? latencyMs };
}

/** The command that reproduces a run with these options (every option spelled out). */
export function commandLine(options: BenchOptions): string {
  return [
    "npm run bench --",
    `--latency ${options.latencyMs}`,
    `--ims-latency ${options.imsLatencyMs}`,
    `--runs ${options.runs}`,
    `--connections ${options.connections}`,
    `--parallelism ${options.parallelism}`,
    `--memory-connections ${options.memoryConnections}`,
    `--memory-latency ${options.memoryLatencyMs}`,
    `--cli-runs ${options.cliRuns}`,
    `--pipelines ${options.pipelines}`,
  ].join(" ");
}

/**
 * `npm run bench`: provisioning throughput against the latency limit, baselines, token and socket reuse, state
 * size, preview cost and provider-host memory, measured against the Flow Service emulator with injected latency.
 * Writes BENCHMARKS.md (see scripts/bench/report.ts). Options: `npm run bench -- --help`.
 *
 * Nothing here asserts a timing: targets are reported as met or not. Correctness is asserted (every connection
 * created, renamed and deleted in the emulator), so a fast run of failing calls cannot pass for a result.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCliBench } from "./bench/cli";
import { runLifecycle, type LifecycleResult } from "./bench/lifecycle";
import { median, timed } from "./bench/measure";
import { runMemory, type MemoryResult } from "./bench/memory";
import { runNaive, type NaiveResult } from "./bench/naive";
import { BenchUsageError, commandLine, parseOptions, USAGE, type BenchOptions } from "./bench/options";
import { renderReport, type BenchResults } from "./bench/report";
import { variantCount } from "./bench/rig";
import { measurePipelineStateCost, measureStateCost } from "./bench/state-cost";
import { runPipelines } from "./bench/pipelines";
import { minimalProviderShim } from "./bench/minimal-provider";
import { serializeProvider } from "../harness/provider-host";

const REPOSITORY_ROOT = path.resolve(__dirname, "..");

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function repeat<T>(label: string, runs: number, once: () => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let run = 1; run <= runs; run++) {
    const { ms, result } = await timed(once);
    log(`${label}: run ${run}/${runs} done in ${(ms / 1000).toFixed(1)} s`);
    results.push(result);
  }
  return results;
}

function builtImplementationBytes(): number {
  const directory = path.join(REPOSITORY_ROOT, "dist", "provider");
  let total = 0;
  const walk = (folder: string): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".js")) total += fs.statSync(full).size;
    }
  };
  walk(directory);
  return total;
}

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const started = Date.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  log(commandLine(options));
  const latency = { latencyMs: options.latencyMs, imsLatencyMs: options.imsLatencyMs };
  // Compiles and warms up the bench process's own code (gRPC client, emulator) so that the first measured run
  // does not pay for it. Each measured run still starts its provider host cold, as every `pulumi` command does.
  await repeat("warm-up (not reported)", 1, () =>
    runLifecycle({ latencyMs: 0, imsLatencyMs: 0, connections: Math.min(20, options.connections), parallelism: options.parallelism, withPreview: true }),
  );

  // The provider and the minimal provider (the rig's floor) alternate, so that a slow spell of the machine weighs on
  // both alike.
  const minimalProviderText = await serializeProvider(minimalProviderShim);
  const paired = await repeat(`provider and minimal provider P=${options.parallelism}`, options.runs, async () => ({
    provider: await runLifecycle({ ...latency, connections: options.connections, parallelism: options.parallelism, withPreview: true }),
    minimal: await runLifecycle({ ...latency, connections: options.connections, parallelism: options.parallelism, withPreview: false, providerText: minimalProviderText }),
  }));
  const parallel = paired.map((run) => run.provider);
  const minimal = paired.map((run) => run.minimal);
  const naive: NaiveResult[] = await repeat(`naive client P=${options.parallelism}`, options.runs, () =>
    runNaive({ ...latency, connections: options.connections, parallelism: options.parallelism }),
  );
  // The same lifecycle with no latency at all: what is left is the CPU cost of the whole chain (bench gRPC client,
  // provider host, emulator), the part of the wall time that no parallelism hides.
  const zeroLatency: LifecycleResult[] = await repeat(`provider P=${options.parallelism}, zero latency`, options.runs, () =>
    runLifecycle({ latencyMs: 0, imsLatencyMs: 0, connections: options.connections, parallelism: options.parallelism, withPreview: false }),
  );
  const sequential: LifecycleResult[] = await repeat("provider sequential P=1", options.runs, () =>
    runLifecycle({ ...latency, connections: options.connections, parallelism: 1, withPreview: false }),
  );
  const memory: MemoryResult[] = await repeat(`memory, ${options.memoryConnections} connections`, options.runs, () =>
    runMemory({
      latencyMs: options.memoryLatencyMs,
      imsLatencyMs: options.memoryLatencyMs,
      connections: options.memoryConnections,
      parallelism: options.parallelism,
    }),
  );
  const memoryMinimal: MemoryResult[] = await repeat(`memory of the minimal provider, ${options.memoryConnections} connections`, options.runs, () =>
    runMemory({
      latencyMs: options.memoryLatencyMs,
      imsLatencyMs: options.memoryLatencyMs,
      connections: options.memoryConnections,
      parallelism: options.parallelism,
      providerText: minimalProviderText,
    }),
  );
  const [state] = await repeat(`state cost, ${options.connections} connections`, 1, () => measureStateCost(options.connections));
  const pipelines =
    options.pipelines === 0
      ? undefined
      : {
          runs: await repeat(`${options.pipelines} pipelines P=${options.parallelism}`, options.runs, () =>
            runPipelines({ ...latency, pipelines: options.pipelines, parallelism: options.parallelism }),
          ),
          state: (await repeat(`state cost, ${options.pipelines} pipelines`, 1, () => measurePipelineStateCost(options.pipelines)))[0]!,
        };
  const cli =
    options.cliRuns === 0
      ? "skipped"
      : ((await runCliBench({ connections: options.connections, parallelism: options.parallelism, latencyMs: options.latencyMs, runs: options.cliRuns }, log)) ??
        "no-cli");

  const results: BenchResults = {
    options,
    startedAt,
    durationMs: Date.now() - started,
    parallel,
    sequential,
    minimal,
    zeroLatency,
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
    naive,
    state: state!,
    memory,
    memoryMinimal,
    cli,
    ...(pipelines === undefined ? {} : { pipelines }),
    variantCount: variantCount(),
    implementationBytes: builtImplementationBytes(),
  };
  const report = renderReport(results);
  const output = path.resolve(process.cwd(), options.output);
  fs.writeFileSync(output, report);
  const summary = report.slice(report.indexOf("## Summary"), report.indexOf("## Throughput"));
  process.stdout.write(`${summary}\nWrote ${output}\n`);
}

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(`${USAGE}\n`);
} else {
  let options: BenchOptions | undefined;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exitCode = 2;
  }
  if (options !== undefined) {
    main(options).then(
      // Undici keep-alive sockets and gRPC channels may linger; the work is done and the report written.
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
      },
    );
  }
}

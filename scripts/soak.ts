/**
 * `npm run soak [-- options]`: a bounded soak run of the providers under random faults, through Pulumi's real
 * dynamic-provider host against the emulator: base connections, and whole pipelines; prints a summary and exits 1 if
 * AEP ends up with a duplicate, an orphan, a lost update, a missing object, an object another stack took, or
 * anything left after the final destroy. See scripts/soak/soak.ts.
 *
 * Options (defaults in brackets):
 *   --operations N     operations to run [1000]
 *   --connections N    logical connections, over every source/auth variant and sandboxes prod + dev [50]
 *   --parallelism N    operations in flight [10]
 *   --fault-rate F     share of Flow Service requests faulted, 0..1 [0.2]
 *   --seed N           seed of every random choice [20260601]
 *   --hosts N          provider host processes [1]
 *   --stacks N         stacks of the same program (same names, own identities) in the same sandboxes [2]
 *   --kill-rate F      chance per operation that its provider host is SIGKILLed mid-operation, 0..1 [0.01]
 *   --pipelines N      pipelines per stack (six objects each), 0 for none [10]
 *   --pipeline-operations N  operations on the pipelines, besides --operations [300]
 *   --time-limit S     no new operation after S seconds [600]
 *   --http-timeout-ms N  AEP_HTTP_TIMEOUT_MS of the provider: how long a hung request waits [1000]
 *   --retry-base-ms N  AEP_RETRY_BASE_MS of the provider [the provider's default, 500]
 *   --json             print the report as JSON instead of the summary
 */
import { formatSoakReport, runSoak, type SoakOptions } from "./soak/soak";

const NUMERIC: Record<string, keyof SoakOptions> = {
  "--operations": "operations",
  "--connections": "connections",
  "--parallelism": "parallelism",
  "--fault-rate": "faultRate",
  "--seed": "seed",
  "--hosts": "hosts",
  "--stacks": "stacks",
  "--kill-rate": "killRate",
  "--pipelines": "pipelines",
  "--pipeline-operations": "pipelineOperations",
  "--time-limit": "timeLimitMs",
  "--http-timeout-ms": "httpTimeoutMs",
  "--retry-base-ms": "retryBaseMs",
};

function parseArguments(argv: readonly string[]): { options: SoakOptions; json: boolean } {
  const options: Record<string, number> = {};
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--json") {
      json = true;
      continue;
    }
    const [name, inline] = flag.includes("=") ? [flag.slice(0, flag.indexOf("=")), flag.slice(flag.indexOf("=") + 1)] : [flag, undefined];
    const key = NUMERIC[name];
    if (key === undefined) throw new Error(`unknown option ${name}; see the comment at the top of scripts/soak.ts`);
    const raw = inline ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || raw.trim() === "" || !Number.isFinite(value)) throw new Error(`${name} needs a number`);
    options[key] = key === "timeLimitMs" ? value * 1000 : value;
  }
  return { options: options as SoakOptions, json };
}

async function main(): Promise<void> {
  const { options, json } = parseArguments(process.argv.slice(2));
  const report = await runSoak({ ...options, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatSoakReport(report)}\n`);
  const { duplicates, orphans, sharedIds, lostUpdates, missing } = report.consistency;
  const pipelines = report.pipelines?.consistency;
  const pipelineFindings = pipelines === undefined ? 0 : pipelines.duplicates + pipelines.orphans + pipelines.sharedIds + pipelines.lostUpdates + pipelines.missing + pipelines.taken + pipelines.notConverged + pipelines.leftAfterDestroy;
  process.exitCode = duplicates + orphans + sharedIds + lostUpdates + missing + report.secretLeaks + pipelineFindings === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});

/** Small measuring tools: a bounded-concurrency pool, a timer, the median, and the host's peak RSS. */
import * as fs from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * Runs `task` for every item with at most `parallelism` tasks in flight, starting the next one as soon as one ends
 * (the engine's step executor behaves the same way, not in fixed waves). Rejects with the first failure, after
 * every started task has settled. Results keep the order of `items`.
 */
export async function runPool<T, R>(items: readonly T[], parallelism: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

/** Wall time of `action` in milliseconds, with its result. */
export async function timed<R>(action: () => Promise<R>): Promise<{ ms: number; result: R }> {
  const started = performance.now();
  const result = await action();
  return { ms: performance.now() - started, result };
}

/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** `ceil(n / p) × roundTrips × latency`: the wall time of n operations, p at a time, if only the network counted. */
export function idealMs(operations: number, parallelism: number, roundTripsPerOperation: number, latencyMs: number): number {
  return Math.ceil(operations / parallelism) * roundTripsPerOperation * latencyMs;
}

/**
 * The pid of the process listening on 127.0.0.1:`port`, found through /proc/net/tcp (the listening socket's inode)
 * and /proc/<pid>/fd (who holds it). Undefined when /proc is not available or nobody listens there.
 */
export function pidListeningOn(port: number): number | undefined {
  let table: string;
  try {
    table = fs.readFileSync("/proc/net/tcp", "utf8");
  } catch {
    return undefined;
  }
  const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  const LISTEN = "0A";
  let inode: string | undefined;
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[3] === LISTEN) {
      inode = fields[9];
      break;
    }
  }
  if (inode === undefined) return undefined;
  const target = `socket:[${inode}]`;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let descriptors: string[];
    try {
      descriptors = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // another user's process, or it just exited
    }
    for (const descriptor of descriptors) {
      try {
        if (fs.readlinkSync(`/proc/${entry}/fd/${descriptor}`) === target) return Number(entry);
      } catch {
        // closed while we looked
      }
    }
  }
  return undefined;
}

/** Memory figures of a live process from /proc/<pid>/status, in KiB: peak RSS (VmHWM) and current RSS (VmRSS). */
export function processMemory(pid: number): { peakRssKiB: number; rssKiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]);
  };
  return { peakRssKiB: field("VmHWM"), rssKiB: field("VmRSS") };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ); 100 on every Linux architecture Node supports. */
const USER_HZ = 100;

/** CPU time (user + system) a live process has used so far, ms (10 ms resolution), from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces; fields after its closing parenthesis are space-separated.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1000) / USER_HZ;
}

/**
 * Random fault injection for the soak run: each Flow Service request is faulted with probability `rate`, with a kind
 * drawn from the transient faults that can hit its method, from a seeded random stream.
 *
 * The emulator matches queued faults in order and tests a RegExp `route` against each request, synchronously; a
 * RegExp whose `test` draws from the random stream therefore decides per request, at the moment the request arrives.
 * One fault per (method, kind) is queued "forever"; the first one of each method (the gate) draws the decision for the
 * request and the others of that method only report whether they were chosen. The method filter runs before the
 * route test, so each gate sees exactly the requests of its method. IMS requests are never faulted.
 */
import type { Emulator, FaultSpec } from "../../emulator";

/** Transient faults of the soak mix, as labels (the summary counts them by label). */
export type SoakFaultKind =
  | "429"
  | "502"
  | "503"
  | "504"
  | "reset"
  | "timeout"
  | "expired-token"
  | "commit-then-502"
  | "commit-then-reset"
  | "stale-etag";

const ANY_REQUEST: readonly SoakFaultKind[] = ["429", "502", "503", "504", "reset", "timeout", "expired-token"];
const WRITES: readonly SoakFaultKind[] = [...ANY_REQUEST, "commit-then-502", "commit-then-reset"];

/** Which faults can hit a request of each method. */
export const SOAK_FAULT_MIX: Readonly<Record<string, readonly SoakFaultKind[]>> = {
  GET: ANY_REQUEST,
  POST: WRITES,
  PUT: WRITES,
  PATCH: [...WRITES, "stale-etag"],
  DELETE: WRITES,
};

function faultOf(kind: SoakFaultKind): FaultSpec {
  switch (kind) {
    case "429":
      return { kind: "status", status: 429 };
    case "502":
    case "503":
    case "504":
      return { kind: "status", status: Number(kind) };
    case "reset":
      return { kind: "reset" };
    case "timeout":
      return { kind: "hang" };
    case "expired-token":
      return { kind: "expired-token" };
    case "commit-then-502":
      return { kind: "commit-then-fail", status: 502 };
    case "commit-then-reset":
      return { kind: "commit-then-reset" };
    case "stale-etag":
      return { kind: "stale-etag" };
  }
}

/** A route "pattern" whose answer is computed per request. */
class RouteDecision extends RegExp {
  constructor(private readonly decide: (route: string) => boolean) {
    super("(?:)");
  }

  override test(route: string): boolean {
    return this.decide(route);
  }
}

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Counts of the sampler's decisions (the emulator's request log is the authority on what was applied). */
export interface FaultSamplerStats {
  /** Flow Service requests the sampler saw. */
  requests: number;
  /** Faults chosen, by kind. */
  chosen: Record<string, number>;
}

/**
 * Queues the random faults on the emulator. Call `stop()` (or `emulator.clearFaults()`) to end injection.
 * @param rate probability that a Flow Service request is faulted, 0..1
 */
export function injectRandomFaults(emulator: Emulator, rate: number, random: () => number): { stats: FaultSamplerStats; stop: () => void } {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`fault rate must be within 0..1, got ${rate}`);
  const stats: FaultSamplerStats = { requests: 0, chosen: {} };
  let active = true;
  for (const [method, kinds] of Object.entries(SOAK_FAULT_MIX)) {
    let chosen: SoakFaultKind | undefined;
    kinds.forEach((kind, position) => {
      const decide =
        position === 0
          ? (route: string): boolean => {
              chosen = undefined;
              if (!active || route.startsWith("/ims/")) return false;
              stats.requests += 1;
              if (random() < rate) {
                chosen = kinds[Math.floor(random() * kinds.length)]!;
                stats.chosen[chosen] = (stats.chosen[chosen] ?? 0) + 1;
              }
              return chosen === kind;
            }
          : (): boolean => chosen === kind;
      emulator.inject({ ...faultOf(kind), method, route: new RouteDecision(decide), times: Number.MAX_SAFE_INTEGER });
    });
  }
  return {
    stats,
    stop: () => {
      active = false;
      emulator.clearFaults();
    },
  };
}

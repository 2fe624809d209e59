/**
 * Per-operation deadlines, Terraform's `timeouts { create = "10m" }` convention: a resource's `timeouts` input
 * bounds each of its operations, retries and waits included. (Pulumi's own `customTimeouts` option never reaches a
 * dynamic provider, so this is an input.) Every single HTTP attempt has its own, shorter deadline besides
 * (`AEP_HTTP_TIMEOUT_MS`, flow-service/settings.ts).
 */
import { DeadlineError } from "../flow-service/errors";
import { isObject, UNKNOWN, type CheckFailure } from "./check";
import { jsonType, list, quote } from "../sources/formats";

/** The operations a deadline applies to. */
export const OPERATIONS = ["create", "read", "update", "delete"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Durations like `90s`, `5m`, `1h30m` for each operation. */
export type Timeouts = Partial<Record<Operation, string>>;

/**
 * Deadlines of a resource's operations, its `timeouts` argument: durations such as `"90s"`, `"5m"`, `"1h30m"`
 * (between 1s and 24h). Each value may be a Pulumi Input.
 */
export interface OperationTimeouts {
  create?: PulumiInput<string>;
  read?: PulumiInput<string>;
  update?: PulumiInput<string>;
  delete?: PulumiInput<string>;
}

/** Pulumi's `Input<T>`, written out so that this module does not load the SDK in the provider host. */
type PulumiInput<T> = import("@pulumi/pulumi").Input<T>;

/** Deadlines used where `timeouts` names none. */
export const DEFAULT_TIMEOUTS: Readonly<Record<Operation, string>> = { create: "5m", read: "2m", update: "5m", delete: "5m" };

/** Shortest and longest deadline accepted. */
const MIN_MS = 1_000;
const MAX_MS = 24 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration such as `90s`, `5m` or `1h30m` (Go/Terraform syntax), or undefined. */
export function parseDuration(text: string): number | undefined {
  if (!/^(\d+(ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}

const EXPECTED = `durations such as "90s", "5m" or "1h30m", between 1s and 24h, for ${list(OPERATIONS)}`;

/** Check failures of a `timeouts` input (optional; unknown values pass). */
export function timeoutsFailures(value: unknown, property = "timeouts"): CheckFailure[] {
  if (value === undefined || value === null || value === UNKNOWN) return [];
  if (!isObject(value)) return [{ property, reason: `must be an object (got ${jsonType(value)}); expected ${EXPECTED}` }];
  const failures: CheckFailure[] = [];
  for (const [key, duration] of Object.entries(value)) {
    const path = `${property}.${key}`;
    if (!(OPERATIONS as readonly string[]).includes(key)) {
      failures.push({ property: path, reason: `unknown operation ${quote(key)}; expected one of: ${list(OPERATIONS)}` });
    } else if (duration === UNKNOWN || duration === undefined || duration === null) {
      continue;
    } else if (typeof duration !== "string") {
      failures.push({ property: path, reason: `must be a string (got ${jsonType(duration)}); expected ${EXPECTED}` });
    } else {
      const ms = parseDuration(duration);
      if (ms === undefined || ms < MIN_MS || ms > MAX_MS) failures.push({ property: path, reason: `expected ${EXPECTED} (got ${quote(duration)})` });
    }
  }
  return failures;
}

/** The declared timeouts without unknowns or unset entries, as stored in state. */
export function knownTimeouts(value: unknown): Timeouts | undefined {
  if (!isObject(value)) return undefined;
  const known: Timeouts = {};
  for (const operation of OPERATIONS) {
    const duration = value[operation];
    if (typeof duration === "string" && duration !== UNKNOWN) known[operation] = duration;
  }
  return Object.keys(known).length === 0 ? undefined : known;
}

/**
 * Runs `work` with a signal that aborts at the operation's deadline. If the deadline passes first, the work's
 * error becomes a {@link DeadlineError}: `what` names the operation's object, `hint` says what state AEP may be in.
 */
export async function withDeadline<T>(
  operation: Operation,
  timeouts: Timeouts | undefined,
  what: string,
  hint: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const duration = timeouts?.[operation] ?? DEFAULT_TIMEOUTS[operation];
  const ms = parseDuration(duration) ?? parseDuration(DEFAULT_TIMEOUTS[operation])!;
  const signal = AbortSignal.timeout(ms);
  try {
    return await work(signal);
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new DeadlineError(`${operation} of ${what} did not finish within ${duration} (timeouts.${operation}). ${hint}`, error);
  }
}

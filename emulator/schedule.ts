/**
 * `scheduleParams` of a flow: the flow spec's JSON schema (dataflow-catalogue.ts SCHEDULE_SPEC) checked by hand,
 * and when its runs are due. The docs send `startTime`, `interval` and `backfill` as strings while the spec types
 * them integer/integer/boolean (dataflows.md §12 rows 1-3), so both are accepted; the stored value is what was sent.
 */
import type { DocReadings } from "./types";

export type Frequency = "once" | "minute" | "hour" | "day" | "week";
const FREQUENCIES: readonly string[] = ["once", "minute", "hour", "day", "week"];

const UNIT_MS: Record<Exclude<Frequency, "once">, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** A schedule with its values parsed. */
export interface Schedule {
  /** Epoch seconds, as sent. */
  startTime: number;
  frequency: Frequency;
  interval?: number;
  backfill: boolean;
}

function integerOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  return undefined;
}

/**
 * The schedule, or one sentence per broken rule (field named, value never needed to understand it).
 * With `once`, `interval` and `backfill` must be absent (the spec's `then: not required`), not merely optional.
 */
export function parseSchedule(raw: unknown, intervalMinimum: DocReadings["intervalMinimum"]): { schedule: Schedule } | { problems: string[] } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { problems: ["'scheduleParams' is required and must be an object"] };
  const params = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(params)) {
    if (!["startTime", "frequency", "interval", "backfill"].includes(key)) problems.push(`'scheduleParams.${key}' is not a schedule parameter`);
  }
  const startTime = integerOf(params["startTime"]);
  if (params["startTime"] === undefined) problems.push("'scheduleParams.startTime' is required (epoch seconds)");
  else if (startTime === undefined || startTime < 0) problems.push("'scheduleParams.startTime' must be a non-negative integer (epoch seconds)");
  else if (startTime > 99_999_999_999) problems.push("'scheduleParams.startTime' must be epoch seconds, not milliseconds");
  const frequency = params["frequency"];
  if (frequency === undefined) problems.push("'scheduleParams.frequency' is required");
  else if (typeof frequency !== "string" || !FREQUENCIES.includes(frequency)) problems.push(`'scheduleParams.frequency' must be one of ${FREQUENCIES.join(", ")}`);
  const interval = integerOf(params["interval"]);
  const backfill = params["backfill"] === undefined ? true : booleanOf(params["backfill"]);
  if (frequency === "once") {
    if (params["interval"] !== undefined) problems.push("'scheduleParams.interval' is not allowed when frequency is once");
    if (params["backfill"] !== undefined) problems.push("'scheduleParams.backfill' is not allowed when frequency is once");
  } else if (typeof frequency === "string" && FREQUENCIES.includes(frequency)) {
    const minimum = frequency === "minute" || intervalMinimum === "prose" ? 15 : 1;
    if (params["interval"] === undefined) problems.push(`'scheduleParams.interval' is required when frequency is ${frequency}`);
    else if (interval === undefined) problems.push("'scheduleParams.interval' must be an integer");
    else if (interval < minimum) problems.push(`'scheduleParams.interval' must be at least ${minimum} when frequency is ${frequency}`);
    if (backfill === undefined) problems.push("'scheduleParams.backfill' must be a boolean");
  }
  if (problems.length > 0 || startTime === undefined || backfill === undefined) return { problems };
  const schedule: Schedule = { startTime, frequency: frequency as Frequency, backfill };
  if (interval !== undefined) schedule.interval = interval;
  return { schedule };
}

/** Milliseconds between two runs, or undefined for `once`. */
export function periodMs(schedule: Schedule): number | undefined {
  return schedule.frequency === "once" ? undefined : UNIT_MS[schedule.frequency] * (schedule.interval ?? 1);
}

/**
 * When the first run comes, from `fromMs` on: the start time if it is still ahead; else, for a flow that has never
 * run (just created or published), right away — a past start time means "ingest now, then keep the slots"; else
 * (enabled again, schedule changed) the first slot (start + k × period) not before `fromMs`, so missed slots are
 * skipped rather than replayed.
 */
export function firstRunAt(schedule: Schedule, fromMs: number, neverRun: boolean): number {
  const startMs = schedule.startTime * 1000;
  if (startMs >= fromMs) return startMs;
  const period = periodMs(schedule);
  if (period === undefined || neverRun) return fromMs;
  return startMs + Math.ceil((fromMs - startMs) / period) * period;
}

/** The slot after a run that started at `runAtMs`, or undefined for `once`. */
export function nextRunAfter(schedule: Schedule, runAtMs: number): number | undefined {
  const period = periodMs(schedule);
  if (period === undefined) return undefined;
  const startMs = schedule.startTime * 1000;
  if (runAtMs < startMs) return startMs;
  return startMs + (Math.floor((runAtMs - startMs) / period) + 1) * period;
}

/** The values as GET shows them under the "strings" reading (UPDF's example). */
export function scheduleAsStrings(params: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) shown[key] = typeof value === "number" || typeof value === "boolean" ? String(value) : value;
  return shown;
}

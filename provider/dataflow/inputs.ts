/**
 * The inputs of a `Dataflow` and their validation: the schedule with Adobe's rules (the flow spec's JSON schema,
 * dataflows.md §7.3), the delta column a table source's flow needs, and the ids it joins. The flow spec is chosen by
 * the source, never typed by the user.
 */
import { z } from "zod";
import { DELTA_COLUMN_RULES, findSource, sourceKeys, type DeltaColumn, type SourceKey } from "../sources";
import { booleanParam, enumParam, integerParam, jsonType, list, quote } from "../sources/formats";
import { isObject, UNKNOWN, withoutNulls, type CheckFailure } from "../shared/check";
import { fieldFailures, given } from "../shared/fields";
import type { CommonInputs, Validated } from "../shared/object-provider";
import { commonRules, flowServiceIdRule, MAPPING_SET_ID_RULE } from "../shared/rules";
import { knownTimeouts, timeoutsFailures } from "../shared/timeouts";

/** How often a dataflow runs. */
export const FREQUENCIES = ["once", "minute", "hour", "day", "week"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** A schedule as declared: `startTime` as an ISO 8601 time with a zone, or epoch seconds. */
export interface DeclaredSchedule {
  frequency: Frequency;
  /** Runs every `interval` units of `frequency`; required unless `once` (≥ 15 for `minute`, ≥ 1 otherwise). */
  interval?: number;
  /** The first run, e.g. `"2027-01-04T06:00:00Z"`, or epoch seconds. */
  startTime: string | number;
  /** Ingest what exists before the start on the first run; not with `once`. @default true (AEP's default) */
  backfill?: boolean;
}

/** A schedule as sent and stored: `startTime` in epoch seconds, as `scheduleParams` takes it. */
export interface Schedule {
  frequency: Frequency;
  interval?: number;
  /** Epoch seconds. */
  startTime: number;
  backfill?: boolean;
}

/** Largest epoch-seconds value taken: beyond it, the number is surely milliseconds (year 5138). */
const MAX_EPOCH_SECONDS = 99_999_999_999;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch seconds of a declared start time, or a problem phrase. */
export function epochSeconds(startTime: string | number): number | string {
  if (typeof startTime === "number") {
    if (!Number.isInteger(startTime) || startTime < 0) return "is not whole epoch seconds";
    if (startTime > MAX_EPOCH_SECONDS) return "looks like epoch milliseconds; give epoch seconds (divide by 1000) or an ISO 8601 time";
    return startTime;
  }
  const match = ISO_TIME.exec(startTime);
  const ms = match === null ? NaN : Date.parse(startTime);
  if (match === null || Number.isNaN(ms)) return "is not an ISO 8601 time with a zone, such as 2027-01-04T06:00:00Z";
  if (ms % 1000 !== 0) return "has fractions of a second; AEP schedules in whole seconds";
  return ms / 1000;
}

const START_TIME_EXPECTED = 'an ISO 8601 time with a zone, e.g. "2027-01-04T06:00:00Z", or epoch seconds';

/** The rule of each field of a schedule; the rules between fields are {@link scheduleFailures}'. */
export const SCHEDULE_RULES = {
  frequency: enumParam(FREQUENCIES),
  interval: integerParam(1, 100_000, "a whole number of frequency units, at least 15 for minute and 1 otherwise"),
  startTime: z.union([z.string(), z.number()], { error: (issue) => `must be a string or a number (got ${jsonType(issue.input)}); expected ${START_TIME_EXPECTED}` }).superRefine((value, ctx) => {
    const seconds = epochSeconds(value);
    if (typeof seconds === "string") ctx.addIssue({ code: "custom", message: `${seconds}; expected ${START_TIME_EXPECTED} (got ${typeof value === "string" ? quote(value) : value})` });
  }),
  backfill: booleanParam("true (ingest what exists before the start on the first run) or false"),
} as const;

/** Failures of a schedule at `path`: each field, then Adobe's rules between them (dataflows.md §7.3). */
export function scheduleFailures(schedule: unknown, path: readonly PropertyKey[]): CheckFailure[] {
  const failures = fieldFailures(schedule, path, SCHEDULE_RULES, { required: ["frequency", "startTime"], expected: "{ frequency, interval?, startTime, backfill? }" });
  if (!isObject(schedule)) return failures;
  const at = (field: string) => [...path, field].join(".");
  const frequency = schedule["frequency"];
  if (frequency === "once") {
    for (const field of ["interval", "backfill"]) {
      if (given(schedule, field)) failures.push({ property: at(field), reason: `is not allowed when frequency is once (a single run); remove it` });
    }
  } else if (typeof frequency === "string" && frequency !== UNKNOWN && (FREQUENCIES as readonly string[]).includes(frequency)) {
    const interval = schedule["interval"];
    const minimum = frequency === "minute" ? 15 : 1;
    if (!given(schedule, "interval")) failures.push({ property: at("interval"), reason: `required when frequency is ${frequency}; expected a whole number of ${frequency}s, at least ${minimum}` });
    else if (typeof interval === "number" && Number.isInteger(interval) && interval < minimum) {
      // Said once, this way: the field rule's range (which cannot know the frequency) also refuses an interval below 1.
      const others = failures.filter((failure) => failure.property !== at("interval"));
      failures.splice(0, failures.length, ...others, { property: at("interval"), reason: `is ${interval}; expected at least ${minimum} when frequency is ${frequency}` });
    }
  }
  return failures;
}

/** The schedule as `scheduleParams` takes it; the declared one must be valid and known. */
export function toSchedule(declared: DeclaredSchedule): Schedule {
  const schedule: Schedule = { frequency: declared.frequency, startTime: epochSeconds(declared.startTime) as number };
  if (declared.interval !== undefined) schedule.interval = declared.interval;
  if (declared.backfill !== undefined) schedule.backfill = declared.backfill;
  return schedule;
}

/** Validated inputs (values may be the unknown sentinel during preview, except `source`). */
export interface DataflowInputs extends CommonInputs {
  source: SourceKey;
  sourceConnectionId: string;
  targetConnectionId: string;
  mappingSetId: string;
  mappingVersion: number;
  /** Table sources only. */
  deltaColumn?: DeltaColumn;
  schedule: DeclaredSchedule;
  /** @default true */
  enabled: boolean;
}

/** The rule of each top-level input; the nested ones are checked on their own. */
export const DATAFLOW_RULES = {
  ...commonRules("dataflow"),
  source: enumParam(sourceKeys),
  sourceConnectionId: flowServiceIdRule("source connection"),
  targetConnectionId: flowServiceIdRule("target connection"),
  mappingSetId: MAPPING_SET_ID_RULE,
  mappingVersion: integerParam(0, Number.MAX_SAFE_INTEGER, "the mapping set's version, a whole number from 0 (a MappingSet's version)"),
  deltaColumn: z.unknown(),
  schedule: z.unknown(),
  enabled: booleanParam(),
  timeouts: z.unknown(),
};

/** Failures of a delta column at `path` for `source`: required for the table sources, refused for files. */
export function deltaColumnFailures(source: SourceKey, deltaColumn: unknown, path: readonly PropertyKey[]): CheckFailure[] {
  const definition = findSource(source)!;
  const at = path.join(".");
  if (definition.dataflow.flowSpec === "CloudStorageToAEP") {
    return deltaColumn === undefined || deltaColumn === null
      ? []
      : [{ property: at, reason: `${definition.title} dataflows pick files by their last-modified time and take no delta column; remove it` }];
  }
  return fieldFailures(deltaColumn, path, DELTA_COLUMN_RULES, {
    required: ["name"],
    expected: `{ name, dateFormat?, timezone? }: ${definition.title} dataflows read the rows changed since the last run by this column`,
  });
}

/** Validates raw inputs, every failure with its property path. */
export function validateDataflowInputs(raw: Record<string, unknown>): Validated<DataflowInputs> {
  const failures = fieldFailures(raw, [], DATAFLOW_RULES, {
    required: ["source", "name", "sourceConnectionId", "targetConnectionId", "mappingSetId", "mappingVersion", "schedule"],
    expected: "the inputs of a dataflow",
  });
  failures.push(...timeoutsFailures(raw["timeouts"]), ...scheduleFailures(raw["schedule"] ?? undefined, ["schedule"]));
  const sourceValue = raw["source"];
  if (sourceValue === UNKNOWN) {
    failures.push({ property: "source", reason: `must be known during preview because it chooses the flow spec; pass a plain string, one of: ${list(sourceKeys)}` });
  }
  const source = typeof sourceValue === "string" ? findSource(sourceValue) : undefined;
  if (source !== undefined) failures.push(...deltaColumnFailures(source.key as SourceKey, raw["deltaColumn"] ?? undefined, ["deltaColumn"]));
  if (failures.length > 0 || source === undefined) return { failures };
  const inputs: DataflowInputs = {
    source: source.key as SourceKey,
    name: raw["name"] as string,
    sourceConnectionId: raw["sourceConnectionId"] as string,
    targetConnectionId: raw["targetConnectionId"] as string,
    mappingSetId: raw["mappingSetId"] as string,
    mappingVersion: raw["mappingVersion"] as number,
    schedule: withoutNulls(raw["schedule"]) as unknown as DeclaredSchedule,
    enabled: raw["enabled"] === undefined || raw["enabled"] === null ? true : (raw["enabled"] as boolean),
  };
  if (source.dataflow.flowSpec === "CRMToAEP") inputs.deltaColumn = withoutNulls(raw["deltaColumn"]) as unknown as DeltaColumn;
  for (const key of ["description", "sandboxName", "identity"] as const) if (typeof raw[key] === "string") inputs[key] = raw[key];
  const timeouts = knownTimeouts(raw["timeouts"]);
  if (timeouts !== undefined) inputs.timeouts = timeouts;
  return { failures, inputs };
}

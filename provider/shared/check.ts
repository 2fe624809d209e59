/**
 * What every object type's `check` shares: Pulumi's unknown sentinel, the failure shape, and the rules for keys and
 * strings. Inputs arrive as plain JSON from the dynamic-provider host, with the reserved `__provider` key, and with
 * the unknown sentinel wherever a value is not known yet (preview). Pure: imports only zod and the format rules.
 */
import { z } from "zod";
import { jsonType, list, quote, textProblem } from "../sources/formats";

/**
 * Pulumi's unknown sentinel (`pulumi.runtime.unknownValue`). During preview the host passes it in place of any value
 * that depends on another resource's output, even where an object or boolean is expected.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export type Unknown = typeof UNKNOWN;

/** True for {@link UNKNOWN}: a value Pulumi does not know yet (preview only). */
export function isUnknown(value: unknown): value is Unknown {
  return value === UNKNOWN;
}

/** True when {@link UNKNOWN} appears anywhere in `value`. */
export function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (value !== null && typeof value === "object") return Object.values(value as Record<string, unknown>).some(hasUnknown);
  return false;
}

/** One input problem, as Pulumi's `CheckFailure`: `property` is a dotted path such as `auth.params.url`. */
export interface CheckFailure {
  property: string;
  reason: string;
}

/** The key the dynamic-provider host adds to every property bag (the serialized provider). */
export const PROVIDER_KEY = "__provider";

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Drops `undefined` values: the host cannot marshal them (pulumi/pulumi#3012). */
export function plain<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Edit distance (insertions, deletions, substitutions and swaps of neighbours) between two short strings. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The allowed key `key` was meant to be: the one it matches ignoring case, hyphens and underscores, or the only one
 * it is one or two typing mistakes away from (keys of five characters or more); else undefined.
 */
export function suggestedKey(key: string, allowed: readonly string[]): string | undefined {
  const simplify = (s: string) => s.toLowerCase().replace(/[-_\s]/g, "");
  const exact = allowed.find((candidate) => simplify(candidate) === simplify(key));
  if (exact !== undefined || key.length < 5) return exact;
  const close = allowed.filter((candidate) => editDistance(simplify(candidate), simplify(key)) <= 2);
  return close.length === 1 ? close[0] : undefined;
}

/** ` (did you mean "x"?)` for the {@link suggestedKey} of `key`, or "". */
export function suggestion(key: string, allowed: readonly string[]): string {
  const match = suggestedKey(key, allowed);
  return match ? ` (did you mean ${JSON.stringify(match)}?)` : "";
}

/** A failure for every key of `object` that is not in `allowed` (the host's `__provider` is allowed at the top). */
export function unknownKeyFailures(object: JsonObject, allowed: readonly string[], path: readonly string[], what: string): CheckFailure[] {
  return Object.keys(object)
    .filter((key) => !allowed.includes(key) && !(path.length === 0 && key === PROVIDER_KEY))
    .map((key) => ({
      property: z.core.toDotPath([...path, key]),
      reason: `unknown ${what} ${quote(key)}${suggestion(key, allowed)}; expected one of: ${list(allowed)}`,
    }));
}

/** Checks an optional or required string field; returns its failure or undefined. Unknown values pass. */
export function textFailure(
  value: unknown,
  property: string,
  expected: string,
  maxLength: number,
  rule?: (value: string) => string | undefined,
  optional = false,
): CheckFailure | undefined {
  if (value === UNKNOWN) return undefined;
  if (typeof value !== "string") {
    return { property, reason: `must be a string (got ${jsonType(value)}); expected ${expected}` };
  }
  const problem = textProblem(value, maxLength, false) ?? rule?.(value);
  if (problem === undefined) return undefined;
  const hint = problem === "is empty" && optional ? " (omit it instead)" : "";
  return { property, reason: `${problem}${hint}; expected ${expected} (got ${quote(value)})` };
}

/** The value at `path` inside `root`, or undefined. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Same keys with the same values. A missing stored record never equals: `undefined` is "not recorded". */
export function sameRecord(stored: Record<string, unknown> | undefined, declared: Record<string, unknown>): boolean {
  if (stored === undefined) return false;
  const keys = new Set([...Object.keys(stored), ...Object.keys(declared)]);
  return [...keys].every((key) => stored[key] === declared[key]);
}

/** JSON text of `value` with object keys sorted and `undefined` and `null` members dropped: equal for equal data. */
export function canonicalJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.keys(v)
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined && (v as Record<string, unknown>)[k] !== null)
        .sort()
        .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
    );
  };
  return JSON.stringify(sorted(value)) ?? "undefined";
}

/** Deep equality of JSON data, ignoring key order and `undefined` / `null` members. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** An object's fields without the `null`s and `undefined`s that count as not given; any other value as it is. */
export function withoutNulls(value: unknown): Record<string, unknown> {
  if (!isObject(value)) return value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined));
}

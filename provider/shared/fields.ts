/**
 * Field-by-field checks of an input object against one zod rule per field: what every object type's `check` does
 * with its inputs. A field whose value (or the part of it a rule looks at) is not known yet passes; an unknown key
 * is refused with a suggestion; a failure names the property path the user wrote (`file.columnDelimiter`,
 * `mappings[2].destination`).
 */
import { z } from "zod";
import { isObject, PROVIDER_KEY, suggestion, UNKNOWN, type CheckFailure } from "./check";
import { jsonType, list, quote } from "../sources/formats";

/** One zod rule per field name. */
export type FieldRules = Readonly<Record<string, z.ZodType>>;

/** `a.b[2].c` for a path of keys and indexes. */
export function propertyPath(path: readonly PropertyKey[]): string {
  return z.core.toDotPath(path as PropertyKey[]);
}

/** Whether the value at `path` inside `root`, or any value on the way to it, is not known yet. */
function unknownOnPath(root: unknown, path: readonly PropertyKey[]): boolean {
  let current = root;
  if (current === UNKNOWN) return true;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return false;
    current = (current as Record<PropertyKey, unknown>)[segment];
    if (current === UNKNOWN) return true;
  }
  return false;
}

/** Failures of one value against its rule, at `path`; parts not known yet pass. */
export function valueFailures(value: unknown, path: readonly PropertyKey[], rule: z.ZodType): CheckFailure[] {
  if (value === UNKNOWN) return [];
  const result = rule.safeParse(value);
  if (result.success) return [];
  const failures: CheckFailure[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      const at = key === undefined ? issue.path : [...issue.path, key];
      if (key === undefined && unknownOnPath(value, issue.path)) continue;
      const property = propertyPath([...path, ...at]);
      if (seen.has(property)) continue;
      seen.add(property);
      failures.push({ property, reason: key === undefined ? issue.message : `unknown property ${quote(key)}` });
    }
  }
  return failures;
}

/**
 * Failures of the object `value` at `path` (`[]` for the inputs themselves): each key checked against its rule,
 * keys without a rule refused, `required` fields demanded. `expected` says what the object should be, for a value
 * that is not an object. Absent and `null` fields count as not given.
 */
export function fieldFailures(
  value: unknown,
  path: readonly PropertyKey[],
  rules: FieldRules,
  options: { required?: readonly string[]; expected: string; ignore?: readonly string[] },
): CheckFailure[] {
  if (value === UNKNOWN) return [];
  const allowed = Object.keys(rules);
  const property = propertyPath(path);
  if (!isObject(value)) {
    return [{ property, reason: `${value === undefined ? "required" : `must be an object (got ${jsonType(value)})`}; expected ${options.expected}` }];
  }
  const failures: CheckFailure[] = [];
  for (const key of Object.keys(value)) {
    if (allowed.includes(key) || options.ignore?.includes(key) === true || value[key] === undefined) continue;
    // The host adds the serialized provider to every property bag.
    if (path.length === 0 && key === PROVIDER_KEY) continue;
    failures.push({
      property: propertyPath([...path, key]),
      reason: `unknown property ${quote(key)}${suggestion(key, allowed)}; expected one of: ${list(allowed)}`,
    });
  }
  for (const [key, rule] of Object.entries(rules)) {
    const field = value[key];
    if (field === undefined || field === null) {
      if (options.required?.includes(key) === true) failures.push(...valueFailures(undefined, [...path, key], rule));
      continue;
    }
    failures.push(...valueFailures(field, [...path, key], rule));
  }
  return failures;
}

/** Whether a field is given (present, not null), known or not. */
export function given(value: Readonly<Record<string, unknown>>, key: string): boolean {
  return value[key] !== undefined && value[key] !== null;
}

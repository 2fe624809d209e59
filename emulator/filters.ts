/**
 * `property=` filters and `orderby=` of Flow Service list endpoints (Adobe's "Sorting and filtering responses"):
 * `field==a,b` (OR within one filter), `field!=a`, `>`/`<`/`>=`/`<=` on numeric fields, optional double quotes
 * around values; several filters are ANDed. `orderby=name|+name|-name`, comma-separated for several keys.
 */
import { flowErrors } from "./errors";

export type FilterValue = string | number;

export interface FilterField<T> {
  kind: "string" | "number";
  read(item: T): FilterValue | undefined;
}

export type FilterFields<T> = Readonly<Record<string, FilterField<T>>>;

type Operator = "==" | "!=" | ">" | "<" | ">=" | "<=";
const OPERATORS: readonly string[] = ["==", "!=", ">", "<", ">=", "<="];
const COMPARISONS: readonly string[] = [">", "<", ">=", "<="];
const OPERATOR_CHARS = "=!<>~";

export interface PropertyFilter {
  field: string;
  operator: Operator;
  values: FilterValue[];
}

export function stringField<T>(read: (item: T) => string | undefined): FilterField<T> {
  return { kind: "string", read };
}

export function numberField<T>(read: (item: T) => number): FilterField<T> {
  return { kind: "number", read };
}

/** Parses one `property` value, e.g. `connectionSpec.id==a49b...,1f37...` or `name!="My connection"`. */
export function parsePropertyFilter<T>(expression: string, fields: FilterFields<T>): PropertyFilter {
  const start = [...expression].findIndex((ch) => OPERATOR_CHARS.includes(ch));
  if (start <= 0) throw flowErrors.invalidQueryValue(expression);
  let end = start;
  while (end < expression.length && OPERATOR_CHARS.includes(expression.charAt(end))) end += 1;
  const field = expression.slice(0, start).trim();
  const operator = expression.slice(start, end);
  const definition = Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (definition === undefined) throw flowErrors.invalidFilterField(field);
  if (operator === "~") throw flowErrors.operatorNotImplemented(operator);
  if (!OPERATORS.includes(operator)) throw flowErrors.invalidFilterOperator(operator);

  const rawValue = expression.slice(end);
  const pieces = splitValues(rawValue);
  if (pieces === undefined) throw flowErrors.invalidQueryValue(expression);
  if (COMPARISONS.includes(operator)) {
    if (definition.kind !== "number") throw flowErrors.operatorNotSupportedForField(operator, field);
    if (pieces.length > 1) throw flowErrors.operatorWithMultipleValues(operator);
  }
  const values = pieces.map((piece): FilterValue => {
    if (definition.kind === "string") return piece;
    if (!/^-?\d+$/.test(piece)) throw flowErrors.invalidFilterValue(rawValue, field);
    return Number(piece);
  });
  return { field, operator: operator as Operator, values };
}

/** Splits on commas outside double quotes and unquotes; undefined when a value is empty and unquoted. */
function splitValues(raw: string): string[] | undefined {
  const pieces: { text: string; quoted: boolean }[] = [];
  let current = "";
  let inQuotes = false;
  for (const ch of raw) {
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === "," && !inQuotes) {
      pieces.push(unquote(current));
      current = "";
    } else {
      current += ch;
    }
  }
  pieces.push(unquote(current));
  if (pieces.some((p) => p.text === "" && !p.quoted)) return undefined;
  return pieces.map((p) => p.text);
}

function unquote(value: string): { text: string; quoted: boolean } {
  const quoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"');
  return { text: quoted ? value.slice(1, -1) : value, quoted };
}

export function matchesFilter<T>(item: T, filter: PropertyFilter, fields: FilterFields<T>): boolean {
  const actual = fields[filter.field]?.read(item);
  switch (filter.operator) {
    case "==":
      return filter.values.some((value) => actual === value);
    case "!=":
      return filter.values.every((value) => actual !== value);
    default: {
      const [bound] = filter.values;
      if (typeof actual !== "number" || typeof bound !== "number") return false;
      if (filter.operator === ">") return actual > bound;
      if (filter.operator === "<") return actual < bound;
      if (filter.operator === ">=") return actual >= bound;
      return actual <= bound;
    }
  }
}

export function applyFilters<T>(items: readonly T[], filters: readonly PropertyFilter[], fields: FilterFields<T>): T[] {
  return items.filter((item) => filters.every((filter) => matchesFilter(item, filter, fields)));
}

export interface SortKey {
  field: string;
  descending: boolean;
}

/**
 * Parses `orderby`. A leading `+` arrives as a space when the client did not percent-encode it (form decoding),
 * so a leading space also means ascending.
 */
export function parseOrderBy(raw: string, sortable: readonly string[]): SortKey[] {
  return raw.split(",").map((part) => {
    let field = part;
    let descending = false;
    const first = part.charAt(0);
    if (first === "+" || first === " " || first === "-") {
      descending = first === "-";
      field = part.slice(1);
    }
    field = field.trim();
    if (field !== "" && !/^[A-Za-z]/.test(field)) throw flowErrors.badSortOrder();
    if (!sortable.includes(field)) throw flowErrors.badOrderByField(field);
    return { field, descending };
  });
}

/** The canonical `orderby` text of parsed keys (`name,-createdAt`), used in `_links.next.href`. */
export function formatOrderBy(keys: readonly SortKey[]): string {
  return keys.map((key) => `${key.descending ? "-" : ""}${key.field}`).join(",");
}

/**
 * ADO.NET-style connection string parser (`key=value;` pairs), as used by SQL Server, Azure Synapse and Azure
 * Storage connection strings.
 *
 * Grammar, following `DbConnectionStringBuilder`:
 * - pairs are separated by `;`; empty segments (`;;`) and a trailing `;` are allowed;
 * - the key runs up to the first `=` and is matched case-insensitively, surrounding whitespace ignored;
 * - an unquoted value runs up to the next `;` (it may contain `=`, which Azure account keys end with) and is
 *   trimmed; a value that contains `;` must be quoted with `"…"` or `'…'`, doubling the quote character inside;
 * - a key given twice (or as two synonyms, e.g. `Server` and `Data Source`) is an error;
 * - Azure Storage strings have no quoting at all (`quoting: false`): a quote is part of the value.
 *
 * Connection strings are secrets, so problem phrases name only keys from the caller's vocabulary (never a key as
 * written, which could be a piece of a password after a stray `;`) and pair positions.
 */

/** A key this connection string dialect knows, with its accepted synonyms. */
export interface KnownKey {
  /** Name used in messages, e.g. "Password". */
  readonly name: string;
  /** Other spellings with the same meaning, e.g. ["PWD"]. Matched case-insensitively like `name`. */
  readonly synonyms?: readonly string[];
}

export interface ConnectionStringPair {
  /** 1-based position among the pairs. */
  readonly position: number;
  /** The key exactly as written between the previous `;` and the `=`, whitespace included. */
  readonly rawKey: string;
  /** The vocabulary entry the key matched, if any. */
  readonly known: KnownKey | undefined;
  /** The vocabulary spelling (name or synonym) the key matched, e.g. "PWD" for `pwd=…`. */
  readonly knownSpelling: string | undefined;
  /** The value: unquoted and trimmed, or the content of the quotes with doubled quotes undone. */
  readonly value: string;
  /** The value as written, quotes included. */
  readonly raw: string;
  readonly quoted: boolean;
}

export interface ParsedConnectionString {
  readonly pairs: readonly ConnectionStringPair[];
  /** The last non-whitespace character is `;` (Adobe's SQL Server pattern requires it). */
  readonly endsWithSemicolon: boolean;
  /** The pair whose key matches this vocabulary name (or one of its synonyms). */
  get(name: string): ConnectionStringPair | undefined;
}

export type ConnectionStringParseResult =
  | { readonly ok: true; readonly parsed: ParsedConnectionString }
  | { readonly ok: false; readonly problems: readonly string[] };

function normalizeKey(key: string): string {
  return key.trim().toLowerCase();
}

/** How a pair's key is named in a message without quoting unknown text. */
export function describeKey(pair: Pick<ConnectionStringPair, "known" | "position">): string {
  return pair.known ? pair.known.name : `an unrecognised key (pair ${pair.position})`;
}

function isSpace(char: string | undefined): boolean {
  return char === " " || char === "\t";
}

/** Parses `text`; see the module comment for the grammar. Returns every duplicate, or the first syntax error. */
export function parseConnectionString(
  text: string,
  vocabulary: readonly KnownKey[],
  options: { quoting?: boolean } = {},
): ConnectionStringParseResult {
  const quoting = options.quoting ?? true;
  const byName = new Map<string, { known: KnownKey; spelling: string }>();
  for (const known of vocabulary) {
    for (const spelling of [known.name, ...(known.synonyms ?? [])]) {
      byName.set(normalizeKey(spelling), { known, spelling });
    }
  }

  const pairs: ConnectionStringPair[] = [];
  const length = text.length;
  let index = 0;
  while (index < length) {
    let segmentStart = index;
    while (index < length && (text[index] === ";" || isSpace(text[index]))) {
      if (text[index] === ";") segmentStart = index + 1;
      index++;
    }
    if (index >= length) break;

    const previous = pairs[pairs.length - 1];
    const equals = text.indexOf("=", index);
    const semicolon = text.indexOf(";", index);
    if (equals === -1 || (semicolon !== -1 && semicolon < equals)) {
      return {
        ok: false,
        problems: [
          previous
            ? `the text after the value of ${describeKey(previous)} is not a key=value pair ` +
              `(if that value contains ";", enclose the whole value in double quotes, doubling any " inside)`
            : "does not start with a key=value pair",
        ],
      };
    }
    const rawKey = text.slice(segmentStart, equals);
    const position = pairs.length + 1;
    if (rawKey.trim() === "") {
      return { ok: false, problems: [`pair ${position} has no key before "="`] };
    }
    const match = byName.get(normalizeKey(rawKey));
    const known = match?.known;
    const keyName = describeKey({ known, position });

    index = equals + 1;
    while (isSpace(text[index])) index++;
    const opening = text[index];
    const valueStart = index;
    let value: string;
    let quoted = false;
    if (quoting && (opening === '"' || opening === "'")) {
      let content = "";
      let closed = false;
      index++;
      while (index < length) {
        const char = text[index]!;
        if (char === opening) {
          if (text[index + 1] === opening) {
            content += opening;
            index += 2;
            continue;
          }
          closed = true;
          index++;
          break;
        }
        content += char;
        index++;
      }
      if (!closed) return { ok: false, problems: [`the quoted value of ${keyName} has no closing quote`] };
      while (isSpace(text[index])) index++;
      if (index < length && text[index] !== ";") {
        return {
          ok: false,
          problems: [
            `the value of ${keyName} continues after its closing quote ` +
              `(quote the whole value and double any quote character inside it)`,
          ],
        };
      }
      value = content;
      quoted = true;
    } else {
      const end = text.indexOf(";", index);
      const stop = end === -1 ? length : end;
      value = text.slice(index, stop).trimEnd();
      index = stop;
    }
    pairs.push({ position, rawKey, known, knownSpelling: match?.spelling, value, raw: text.slice(valueStart, index).trim(), quoted });
    if (text[index] === ";") index++;
  }

  const problems: string[] = [];
  const seen = new Map<string, ConnectionStringPair>();
  for (const pair of pairs) {
    const identity = pair.known ? `known:${pair.known.name}` : `raw:${normalizeKey(pair.rawKey)}`;
    const first = seen.get(identity);
    if (!first) {
      seen.set(identity, pair);
    } else if (pair.known) {
      problems.push(`${pair.known.name} is given more than once (pairs ${first.position} and ${pair.position})`);
    } else {
      problems.push(`an unrecognised key is given more than once (pairs ${first.position} and ${pair.position})`);
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const byKnownName = new Map<string, ConnectionStringPair>();
  for (const pair of pairs) if (pair.known) byKnownName.set(pair.known.name, pair);
  return {
    ok: true,
    parsed: {
      pairs,
      endsWithSemicolon: text.trimEnd().endsWith(";"),
      get: (name) => byKnownName.get(name),
    },
  };
}

/** Problems shared by every key whose value is a name or host, never a password: empty, or an unquoted `=`. */
export function plainValueProblem(pair: ConnectionStringPair): string | undefined {
  if (pair.value === "") return `the value of ${describeKey(pair)} is empty`;
  if (!pair.quoted && pair.value.includes("=")) {
    return `the value of ${describeKey(pair)} contains "=" (a ";" is probably missing before the next key)`;
  }
  return undefined;
}

/** `missing Server, Password` for the vocabulary names that have no pair. */
export function missingKeysProblem(parsed: ParsedConnectionString, required: readonly string[]): string | undefined {
  const missing = required.filter((name) => parsed.get(name) === undefined);
  return missing.length === 0 ? undefined : `is missing ${missing.join(", ")}`;
}

/**
 * One ADO.NET value, quoted when it has to be: a value holding `;`, `=`, quotes or edge whitespace is enclosed in
 * `"…"` (or `'…'` when it holds `"` but no `'`; otherwise `"…"` with the inner quotes doubled), which the parser
 * above reads back to the same value. Control characters are ruled out by the parts' own rules before this runs.
 */
export function adoNetValue(value: string): string {
  const needsQuotes = /[;="']/.test(value) || value.trim() !== value;
  if (!needsQuotes) return value;
  if (!value.includes('"')) return `"${value}"`;
  if (!value.includes("'")) return `'${value}'`;
  return `"${value.replace(/"/g, '""')}"`;
}

/** An ADO.NET connection string from ordered `[key, value]` pairs; ends with `;` when `trailing`. */
export function adoNetConnectionString(pairs: readonly (readonly [key: string, value: string])[], trailing: boolean): string {
  const text = pairs.map(([key, value]) => `${key}=${adoNetValue(value)}`).join(";");
  return trailing ? `${text};` : text;
}

/**
 * The source registry. Adding a source = one file next to this one, one line below, and an entry in
 * tests/fixtures/sources.ts (a unit test fails without it).
 *
 * This folder imports only zod, never @pulumi/pulumi.
 */
import { z } from "zod";
import { parseConnectionString } from "./connection-string";
import { adlsGen2 } from "./adls-gen2";
import { databricks } from "./databricks";
import { sqlServer } from "./sql-server";
import { synapse } from "./synapse";
import { tableStorage } from "./table-storage";
import type { AuthVariant, SourceDefinition } from "./types";

export type { AuthVariant, SourceDataflow, SourceDefinition } from "./types";
export * from "./dataflow";

/** Every supported source, keyed by registry key (the `source` input of a base connection). */
export const sources = {
  synapse,
  "sql-server": sqlServer,
  "adls-gen2": adlsGen2,
  "table-storage": tableStorage,
  databricks,
} as const satisfies Readonly<Record<string, SourceDefinition>>;

/** Registry key: "synapse" | "sql-server" | "adls-gen2" | "table-storage" | "databricks". */
export type SourceKey = keyof typeof sources;

/** Registry keys in registry order. */
export const sourceKeys: readonly SourceKey[] = Object.freeze(Object.keys(sources) as SourceKey[]);

/** Exact Adobe auth spec names of source `K`, e.g. `AuthSpecName<"synapse">`. */
export type AuthSpecName<K extends SourceKey> = keyof (typeof sources)[K]["auth"] & string;

/** Params of auth variant `S` of source `K`, as its zod schema infers them (all values are strings). */
export type AuthParams<K extends SourceKey, S extends AuthSpecName<K>> = (typeof sources)[K]["auth"][S] extends {
  readonly params: infer Schema extends z.ZodType;
}
  ? z.output<Schema>
  : never;

/** `{ specName, params }` for any auth variant of source `K`, discriminated by `specName`. */
export type AuthInput<K extends SourceKey> = {
  [S in AuthSpecName<K>]: { specName: S; params: AuthParams<K, S> };
}[AuthSpecName<K>];

export function isSourceKey(key: unknown): key is SourceKey {
  return typeof key === "string" && Object.prototype.hasOwnProperty.call(sources, key);
}

/** The source registered under `key`, or undefined (inherited names like "constructor" are not keys). */
export function findSource(key: string): SourceDefinition | undefined {
  return isSourceKey(key) ? sources[key] : undefined;
}

/** The param names an auth variant accepts (the keys of its object schema), in schema order. */
export function paramNames(variant: AuthVariant): readonly string[] {
  const schema: unknown = variant.params;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The auth variant of `source` with this exact spec name, or undefined. */
export function findAuthVariant(source: SourceDefinition, specName: string): AuthVariant | undefined {
  return Object.prototype.hasOwnProperty.call(source.auth, specName) ? source.auth[specName] : undefined;
}

/** Keys whose values inside a connection string are secrets of their own (SQL Server, Synapse, Azure Storage). */
const SECRET_KEYS = /^\s*(password|pwd|accountkey|sharedaccesssignature)\s*$/i;

/**
 * Every text that would give away a secret param of these params: each secret value whole and, inside a
 * connection string, the value of each password or key both as written (quoted) and unquoted. The client redacts
 * these, in each form a server may echo them, from every error of a call made for the connection.
 */
export function secretTexts(source: string, specName: string, params: Readonly<Record<string, unknown>> | undefined): string[] {
  if (params === undefined) return [];
  const definition = findSource(source);
  const variant = definition === undefined ? undefined : findAuthVariant(definition, specName);
  const secretNames: readonly string[] = variant?.secretParams ?? Object.keys(params);
  const texts: string[] = [];
  for (const name of secretNames) {
    const value = params[name];
    if (typeof value !== "string") continue;
    texts.push(value);
    const parsed = parseConnectionString(value, []);
    if (!parsed.ok) continue;
    for (const pair of parsed.parsed.pairs) {
      if (!SECRET_KEYS.test(pair.rawKey)) continue;
      // A server that splits the string at every ';' (as Adobe's own pattern reads it) echoes the pieces of a
      // quoted value that contains one.
      texts.push(pair.value, pair.raw, ...pair.value.split(";").map((piece) => piece.trim()));
    }
  }
  return [...new Set(texts)].filter((text) => text !== "");
}

/** Keys of the sources whose dataflows read tables (`dataflow.reads: "tables"`). */
export type TableSourceKey = { [K in SourceKey]: (typeof sources)[K]["dataflow"]["reads"] extends "tables" ? K : never }[SourceKey];

/** Keys of the sources whose dataflows read files (`dataflow.reads: "files"`). */
export type FileSourceKey = { [K in SourceKey]: (typeof sources)[K]["dataflow"]["reads"] extends "files" ? K : never }[SourceKey];

/** Keys of the sources whose source connections take change data capture. */
export type ChangeDataCaptureSourceKey = { [K in SourceKey]: (typeof sources)[K]["dataflow"]["changeDataCapture"] extends true ? K : never }[SourceKey];

/**
 * Why `source` refuses `cdcEnabled`, or undefined when it takes it: one sentence for the SourceConnection provider
 * and the pipeline components alike.
 */
export function changeDataCaptureRefusal(source: SourceDefinition): string | undefined {
  if (source.dataflow.changeDataCapture) return undefined;
  const withCdc = Object.values(sources as Readonly<Record<string, SourceDefinition>>).filter((s) => s.dataflow.changeDataCapture).map((s) => s.title);
  return `${source.title} has no change data capture (only ${withCdc.join(" and ")} ${withCdc.length === 1 ? "does" : "do"}); remove it`;
}

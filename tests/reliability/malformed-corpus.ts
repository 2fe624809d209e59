/**
 * A generated corpus of bad inputs. For BaseConnection, across every source and auth variant: wrong JSON types, empty
 * and oversized strings, control characters and Unicode edge cases (NUL, bidi overrides, zero-width characters, lone
 * surrogates), wrong URL schemes and hosts, malformed tenants and GUIDs, connection strings missing keys or carrying a
 * stray `;` or `=`, unknown sources, auth specs and properties, and unknowns where a value must be known. For the
 * dataflow objects (SourceConnection, Dataset, TargetConnection, MappingSet, Dataflow), field by field from their
 * rule tables (the same corruptions by the kind of value each rule takes, plus each rule's own bad values) and the
 * rules between fields: what a table or a file source reads, a format's options, the delta column, the schedule,
 * the mappings a pipeline passes on.
 * Each case names the property its failure must point at.
 */
import { z } from "zod";
import { FILE_DATA_RULES, sourceKeys, sources, TABLE_DATA_RULES, DELTA_COLUMN_RULES, type SourceKey } from "../../provider/sources";
import { LIMITS } from "../../provider/sources/formats";
import { MARKER_LENGTH } from "../../provider/flow-service/identity";
import { DESCRIPTION_LIMIT } from "../../provider/shared/rules";
import type { FieldRules } from "../../provider/shared/fields";
import { SOURCE_CONNECTION_RULES } from "../../provider/source-connection/inputs";
import { DATASET_RULES } from "../../provider/dataset/provider";
import { TARGET_CONNECTION_RULES } from "../../provider/target-connection/provider";
import { MAPPING_RULES, MAPPING_SET_RULES, MAX_MAPPINGS } from "../../provider/mapping-set/provider";
import { DATAFLOW_RULES, SCHEDULE_RULES } from "../../provider/dataflow/inputs";
import type { ObjectTypeName } from "../../provider/objects";
import { unknown, type PropertyBag } from "../../harness/provider-host";
import { identityOf, inputsFor, type Variant } from "../../harness/rig";
import { futureStart, pipelineInputs } from "../../harness/pipeline-rig";
import { pipelineFixtures } from "../fixtures/pipelines";

export interface MalformedCase {
  /** What is wrong, e.g. "synapse / Connection String Based Authentication: connectionString missing Password". */
  title: string;
  inputs: PropertyBag;
  /** Dotted property path that one of the check failures must name, e.g. `auth.params.url`. */
  property: string;
  /** Set when the bad value is a secret param's value: no failure reason may quote it. */
  secretValue?: string;
  /** The object type whose check gets the inputs. @default "BaseConnection" */
  type?: ObjectTypeName;
}

const WRONG_TYPES: readonly [string, unknown][] = [
  ["a number", 42],
  ["a boolean", true],
  ["null", null],
  ["an array", ["x"]],
  ["an object", { value: "x" }],
];

function middle(value: string, insert: string): string {
  const at = Math.max(1, Math.floor(value.length / 2));
  return `${value.slice(0, at)}${insert}${value.slice(at)}`;
}

/**
 * Corruptions of a valid string. Lone surrogates are placed where the gRPC encoder keeps them (at the end, or a low
 * surrogate anywhere): google-protobuf drops a high surrogate followed by another character, so that form would reach
 * the provider repaired.
 */
function badStrings(valid: string, maxLength: number): [string, string][] {
  return [
    ["empty", ""],
    ["over the length limit", `${valid}${"x".repeat(maxLength)}`],
    ["NUL inside", middle(valid, "\u0000")],
    ["newline inside", middle(valid, "\n")],
    ["ESC inside", middle(valid, "\u001b")],
    ["DEL at the end", `${valid}\u007f`],
    ["bidi override U+202E inside", middle(valid, "\u202e")],
    ["bidi isolate U+2066 at the start", `\u2066${valid}`],
    ["zero-width space inside", middle(valid, "\u200b")],
    ["byte order mark at the start", `\ufeff${valid}`],
    ["lone high surrogate at the end", `${valid}\ud800`],
    ["lone low surrogate inside", middle(valid, "\udc00")],
    ["leading space", ` ${valid}`],
    ["trailing tab", `${valid}\t`],
  ];
}

/** Semantic bad values per param name (or `source:param` where sources differ): [what, value]. */
const PARAM_SPECIFIC: Readonly<Record<string, readonly [string, string][]>> = {
  url: [
    ["plain http", "http://contosolake.dfs.core.windows.net"],
    ["ftp scheme", "ftp://contosolake.dfs.core.windows.net"],
    ["file scheme", "file:///etc/passwd"],
    ["javascript scheme", "javascript:alert(1)"],
    ["no scheme", "contosolake.dfs.core.windows.net"],
    ["blob endpoint", "https://contosolake.blob.core.windows.net"],
    ["foreign host", "https://evil.example.com"],
    ["look-alike host", "https://contosolake.dfs.core.windows.net.evil.example.com"],
    ["path", "https://contosolake.dfs.core.windows.net/container"],
    ["credentials", "https://user:pw@contosolake.dfs.core.windows.net"],
    ["query", "https://contosolake.dfs.core.windows.net?sv=2020"],
    ["port", "https://contosolake.dfs.core.windows.net:8443"],
    ["bad account name", "https://Contoso_Lake.dfs.core.windows.net"],
  ],
  domain: [
    ["plain http", "http://adb-1234567890123456.7.azuredatabricks.net"],
    ["workspace selector query", "https://adb-1234567890123456.7.azuredatabricks.net/?o=1234567890123456"],
    ["foreign host", "https://example.com"],
    ["look-alike host", "https://adb-1.7.azuredatabricks.net.evil.example.com"],
    ["no scheme", "adb-1234567890123456.7.azuredatabricks.net"],
    ["path", "https://adb-1234567890123456.7.azuredatabricks.net/browse"],
    ["websocket scheme", "wss://adb-1234567890123456.7.azuredatabricks.net"],
  ],
  tenant: [
    ["short GUID-like", "1234-5678"],
    ["words", "not a tenant"],
    ["GUID in braces", "{72f988bf-86f1-41af-91ab-2d7cd011db47}"],
    ["truncated GUID", "72f988bf-86f1-41af-91ab-2d7cd011db4"],
    ["non-hex GUID", "g2f988bf-86f1-41af-91ab-2d7cd011db47"],
    ["single label", "contoso"],
    ["numeric top-level domain", "contoso.onmicrosoft.c0m"],
  ],
  servicePrincipalId: [
    ["word", "nope"],
    ["GUID in braces", "{e7b8c1f2-1234-4c9a-9f3e-abcdef123456}"],
    ["truncated GUID", "e7b8c1f2-1234-4c9a-9f3e-abcdef12345"],
    ["non-hex GUID", "e7b8c1f2-1234-4c9a-9f3e-abcdef12345z"],
    ["tenant domain instead", "contoso.onmicrosoft.com"],
  ],
  server: [
    ["tcp: prefix", "tcp:yourworkspace.sql.azuresynapse.net"],
    ["https URL", "https://yourworkspace.sql.azuresynapse.net"],
    ["port after colon", "yourworkspace.sql.azuresynapse.net:1433"],
    ["port out of range", "yourworkspace.sql.azuresynapse.net,99999"],
    ["single label", "yourworkspace"],
    ["path", "yourworkspace.sql.azuresynapse.net/SalesDW"],
    ["placeholder", "{SERVER_NAME}.sql.azuresynapse.net"],
  ],
  "synapse:database": [
    ["slash", "Sales/DW"],
    ["colon", "Sales:DW"],
    ["trailing period", "SalesDW."],
  ],
  "databricks:database": [
    ["period", "acme.db"],
    ["space", "acme db"],
  ],
  clusterId: [
    ["spaces", "my cluster"],
    ["leading hyphen", "-0123-456789-abcdefgh"],
    ["too long", "c".repeat(129)],
  ],
  catalog: [
    ["period", "main.default"],
    ["slash", "main/default"],
  ],
  accessToken: [["whitespace inside", "dapi 0123456789abcdef"]],
};

/** Connection strings that are wrong, per source (each [what, value]). */
function badConnectionStrings(source: Variant["source"], valid: string): [string, string][] {
  const without = (key: RegExp) => valid.replace(key, "").replace(/;;+/g, ";");
  switch (source) {
    case "synapse":
      return [
        ["missing Server", without(/Server=[^;]*;?/)],
        ["missing Database", without(/Database=[^;]*;?/)],
        ["missing User ID", without(/User ID=[^;]*;?/)],
        ["missing Password", without(/Password=[^;]*;?/)],
        ["stray ';' inside the password", valid.replace(/Password=([^;]*)/, "Password=$1;extra")],
        ["stray '=' inside the database", valid.replace(/Database=([^;]*)/, "Database=$1=Other")],
        ["key given twice", `${valid};Server=tcp:other.database.windows.net,1433`],
        ["Windows authentication", `${valid};Integrated Security=True`],
        ["named-pipe server", valid.replace(/Server=[^;]*/, "Server=np:contoso-dw.database.windows.net")],
        ["unqualified server", valid.replace(/Server=[^;]*/, "Server=tcp:localhost,1433")],
        ["unclosed quote", valid.replace(/Password=[^;]*/, 'Password="unclosed')],
        ["empty password", valid.replace(/Password=[^;]*/, "Password=")],
        ["no key before '='", `=orphan;${valid}`],
        ["not a connection string", "hello world"],
      ];
    case "sql-server":
      return [
        ["missing Data Source", without(/Data Source=[^;]*;/)],
        ["missing Initial Catalog", without(/Initial Catalog=[^;]*;/)],
        ["missing Integrated Security", without(/Integrated Security=[^;]*;/)],
        ["missing User ID", without(/User ID=[^;]*;/)],
        ["missing Password", without(/Password=[^;]*;/)],
        ["keys out of order", valid.replace(/^(Data Source=[^;]*;)(Initial Catalog=[^;]*;)/, "$2$1")],
        ["synonym Server instead of Data Source", valid.replace("Data Source=", "Server=")],
        ["lower-case key", valid.replace("Data Source=", "data source=")],
        ["no trailing ';'", valid.replace(/;$/, "")],
        ["stray ';' inside the password", valid.replace(/Password=([^;]*);/, "Password=$1;tail;")],
        ["stray '=' inside the catalog", valid.replace(/Initial Catalog=([^;]*)/, "Initial Catalog=$1=x")],
        ["Windows authentication", valid.replace("Integrated Security=False", "Integrated Security=True")],
        ["double backslash before the instance", valid.replace("\\", "\\\\")],
        ["key given twice", `${valid}Password=again;`],
      ];
    case "table-storage":
      return [
        ["missing DefaultEndpointsProtocol", without(/DefaultEndpointsProtocol=[^;]*;?/)],
        ["missing AccountName", without(/AccountName=[^;]*;?/)],
        ["missing AccountKey", without(/AccountKey=[^;]*;?/)],
        ["plain http", valid.replace("DefaultEndpointsProtocol=https", "DefaultEndpointsProtocol=http")],
        ["upper-case account name", valid.replace(/AccountName=[^;]*/, "AccountName=ContosoTables")],
        ["stray '=' inside the account name", valid.replace(/AccountName=([^;]*)/, "AccountName=$1=x")],
        ["stray ';' inside the account key", valid.replace(/AccountKey=([^;]{10})/, "AccountKey=$1;")],
        ["account key not base64", valid.replace(/AccountKey=[^;]*/, "AccountKey=not*base64!")],
        ["bad endpoint suffix", `${valid.replace(/;?EndpointSuffix=[^;]*/, "")};EndpointSuffix=windows`],
        ["http table endpoint", `${valid};TableEndpoint=http://contosotables.table.core.windows.net`],
        ["not a connection string", "UseDevelopmentStorage"],
      ];
    default:
      return [];
  }
}

function maxLengthOf(param: string): number {
  return param === "connectionString" ? LIMITS.connectionString : LIMITS.param;
}

/** Every malformed case for every variant, plus the envelope cases (source, auth, name, ...). */
export function malformedCases(variants: readonly Variant[]): MalformedCase[] {
  const cases: MalformedCase[] = [];
  for (const variant of variants) {
    const prefix = `${variant.source} / ${variant.specName}`;
    const base = inputsFor(variant, "Valid name");
    const withParam = (name: string, value: unknown): PropertyBag => ({
      ...base,
      auth: { specName: variant.specName, params: { ...variant.params, [name]: value } },
    });
    const paramNames = [...Object.keys(variant.params), ...(variant.source === "databricks" && !("catalog" in variant.params) ? ["catalog"] : [])];
    for (const param of paramNames) {
      const property = `auth.params.${param}`;
      const secret = variant.secretParams.includes(param);
      const valid = String(variant.params[param] ?? "main");
      for (const [what, value] of WRONG_TYPES) {
        cases.push({ title: `${prefix}: ${param} is ${what}`, inputs: withParam(param, value), property });
      }
      const specific = param === "connectionString" ? badConnectionStrings(variant.source, valid) : (PARAM_SPECIFIC[`${variant.source}:${param}`] ?? PARAM_SPECIFIC[param] ?? []);
      for (const [what, value] of [...badStrings(valid, maxLengthOf(param)), ...specific]) {
        cases.push({ title: `${prefix}: ${param} ${what}`, inputs: withParam(param, value), property, ...(secret ? { secretValue: value } : {}) });
      }
    }
    cases.push({ title: `${prefix}: params missing`, inputs: { ...base, auth: { specName: variant.specName } }, property: "auth.params" });
    cases.push({ title: `${prefix}: params is a string`, inputs: withAuth(base, { specName: variant.specName, params: "connectionString=x" }), property: "auth.params" });
    cases.push({ title: `${prefix}: misspelt param`, inputs: withParam("passwrod", "x"), property: "auth.params.passwrod" });
    const foreign = variants.find((v) => !Object.prototype.hasOwnProperty.call(sources[variant.source].auth, v.specName))!;
    cases.push({ title: `${prefix}: auth spec of ${foreign.source}`, inputs: withAuth(base, { specName: foreign.specName, params: variant.params }), property: "auth.specName" });
    cases.push({ title: `${prefix}: auth spec in lower case`, inputs: withAuth(base, { specName: variant.specName.toLowerCase(), params: variant.params }), property: "auth.specName" });
    cases.push({ title: `${prefix}: auth spec unknown during preview`, inputs: withAuth(base, { specName: unknown, params: variant.params }), property: "auth.specName" });
  }
  const variant = variants[0]!;
  const base = inputsFor(variant, "Valid name");
  const envelope: [string, PropertyBag, string][] = [
    ...(["snowflake", "", "Synapse", " synapse", "constructor", "__proto__", "synapse\u200b"] as const).map(
      (value): [string, PropertyBag, string] => [`source ${JSON.stringify(value)}`, { ...base, source: value }, "source"],
    ),
    ...WRONG_TYPES.map(([what, value]): [string, PropertyBag, string] => [`source is ${what}`, { ...base, source: value }, "source"]),
    ["source unknown during preview", { ...base, source: unknown }, "source"],
    ["source missing", without(base, "source"), "source"],
    ["auth unknown during preview", { ...base, auth: unknown }, "auth"],
    ["auth is a string", { ...base, auth: "Connection String Based Authentication" }, "auth"],
    ["auth is an array", { ...base, auth: [variant.specName] }, "auth"],
    ["auth missing", without(base, "auth"), "auth"],
    ["auth has an extra key", withAuth(base, { specName: variant.specName, params: variant.params, secret: "x" }), "auth.secret"],
    ["auth.specName missing", withAuth(base, { params: variant.params }), "auth.specName"],
    ["auth.specName is a number", withAuth(base, { specName: 7, params: variant.params }), "auth.specName"],
    ["unknown top-level property", { ...base, nmae: "typo" }, "nmae"],
    ["name missing", without(base, "name"), "name"],
    ...WRONG_TYPES.map(([what, value]): [string, PropertyBag, string] => [`name is ${what}`, { ...base, name: value }, "name"]),
    ...badStrings("Valid name", LIMITS.name).map(([what, value]): [string, PropertyBag, string] => [`name ${what}`, { ...base, name: value }, "name"]),
    ...badStrings("A description", LIMITS.description).map(([what, value]): [string, PropertyBag, string] => [`description ${what}`, { ...base, description: value }, "description"]),
    ...([42, true, ["x"]] as const).map((value): [string, PropertyBag, string] => [`description is ${JSON.stringify(value)}`, { ...base, description: value }, "description"]),
    ...(["Prod", "1dev", "dev_1", "", " dev", "dev\u200b", "prod/../dev", "d".repeat(300), "dev\u0000"] as const).map(
      (value): [string, PropertyBag, string] => [`sandboxName ${JSON.stringify(value)}`, { ...base, sandboxName: value }, "sandboxName"],
    ),
    ["sandboxName is a number", { ...base, sandboxName: 7 }, "sandboxName"],
    ...(["not-a-guid", "", "12345", "{0b8224e4-0de8-4293-8224-e40de80293c6}", "0b8224e4-0de8-4293-8224-e40de80293c6\u202e"] as const).map(
      (value): [string, PropertyBag, string] => [`adopt ${JSON.stringify(value)}`, { ...base, adopt: value }, "adopt"],
    ),
    ["adopt is a number", { ...base, adopt: 12345 }, "adopt"],
    ...(["true", 1, "yes", [], {}] as const).map((value): [string, PropertyBag, string] => [`verify is ${JSON.stringify(value)}`, { ...base, verify: value }, "verify"]),
  ];
  for (const [title, inputs, property] of envelope) cases.push({ title, inputs, property });
  return cases;
}

function withAuth(base: PropertyBag, auth: unknown): PropertyBag {
  return { ...base, auth };
}

function without(bag: PropertyBag, key: string): PropertyBag {
  const { [key]: _dropped, ...rest } = bag;
  return rest;
}

// ---- the dataflow objects ----

/** The dataflow object types. */
export type DataflowObjectType = Exclude<ObjectTypeName, "BaseConnection">;

/** Valid ids of each kind, for the inputs that refer to other objects. */
const IDS = {
  base: "0b8224e4-0de8-4293-8224-e40de80293c6",
  source: "5e2b7c1a-3d4f-4a6b-8c9d-0e1f2a3b4c5d",
  target: "9f8e7d6c-5b4a-4392-8171-605f4e3d2c1b",
  dataset: "6019e0e7c5dcf718db5ebc71",
  mappingSet: "0123456789abcdef0123456789abcdef",
} as const;

/** Valid inputs of each dataflow object type, as a pipeline from `source` passes them (its identity included). */
function validInputs(type: DataflowObjectType, source: SourceKey): PropertyBag {
  const name = "Valid";
  const inputs: Record<DataflowObjectType, () => PropertyBag> = {
    SourceConnection: () => pipelineInputs.SourceConnection(source, name, IDS.base),
    Dataset: () => pipelineInputs.Dataset(name),
    TargetConnection: () => pipelineInputs.TargetConnection(name, IDS.dataset),
    MappingSet: () => pipelineInputs.MappingSet(source, name),
    Dataflow: () =>
      pipelineInputs.Dataflow(source, name, { sourceConnectionId: IDS.source, targetConnectionId: IDS.target, mappingSetId: IDS.mappingSet, mappingVersion: 0 }, { schedule: { frequency: "hour", interval: 1, startTime: futureStart() } }),
  };
  return { ...structuredClone(inputs[type]()), identity: identityOf(`${type}/${name}`) };
}

/** `bag` with the value at `path` replaced (`undefined` removes it); arrays are indexed by number. */
function setAt(bag: PropertyBag, path: readonly PropertyKey[], value: unknown): PropertyBag {
  const copy = structuredClone(bag) as Record<PropertyKey, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<PropertyKey, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** `a.b[2].c`, as the check failures name a property. */
function dotted(path: readonly PropertyKey[]): string {
  return z.core.toDotPath(path as PropertyKey[]);
}

/** Larger than every length limit of the dataflow rules. */
const OVER_EVERY_LIMIT = LIMITS.connectionString;

/** Wrong JSON types for a rule of kind `kind` (zod's `def.type`): every type but the one it takes. */
function wrongTypesFor(kind: string): [string, unknown][] {
  const takes: Record<string, string[]> = { string: ["a string"], boolean: ["a boolean"], number: ["a number"], union: ["a string", "a number"], array: ["an array"] };
  const all: [string, unknown][] = [...WRONG_TYPES.filter(([what]) => what !== "null"), ["a string", "yes"]];
  return all.filter(([what]) => !(takes[kind] ?? []).includes(what));
}

/** A valid value of a field absent from the valid inputs, to corrupt. */
const SAMPLE: Readonly<Record<string, unknown>> = {
  description: "A description",
  dateFormat: "yyyy-MM-dd HH:mm:ss",
  timezone: "UTC",
  type: "file",
  encoding: "UTF-8",
  compressionType: "gzip",
  recursive: true,
  cdcEnabled: true,
  columns: [{ name: "id", type: "string" }],
  format: "parquet_xdm",
  profileEnabled: true,
  backfill: true,
  enabled: true,
  sourceType: "ATTRIBUTE",
  identity: false,
  primaryIdentity: false,
  name: "a mapping",
  sandboxName: "dev",
};

const GUID_LIKE: [string, string][] = [
  ["not a GUID", "not-a-guid"],
  ["digits only", "12345"],
  ["GUID in braces", `{${IDS.base}}`],
  ["GUID without hyphens", IDS.base.replace(/-/g, "")],
  ["truncated GUID", IDS.base.slice(0, -1)],
  ["a dataset id", IDS.dataset],
];

/**
 * Bad values each rule refuses for its own reasons, by field name (`<Type>.<field>` or `top.<field>` for the
 * top-level inputs, `<parent>.<field>` for nested ones, where they differ); a third element is the path below the
 * field that the failure names (`[0].type`).
 */
const SPECIFIC: Readonly<Record<string, readonly (readonly [string, unknown, string?])[]>> = {
  "top.sandboxName": (["Prod", "1dev", "dev_1", "prod/../dev", "d".repeat(300)] as const).map((v): [string, unknown] => [JSON.stringify(v.slice(0, 20)), v]),
  "top.identity": [
    ["15 hex digits", "0123456789abcde"],
    ["17 hex digits", "0123456789abcdef0"],
    ["upper-case hex", "0123456789ABCDEF"],
    ["not hex", "0123456789abcdeg"],
  ],
  "top.description": [["one character over the limit the create marker leaves", "d".repeat(DESCRIPTION_LIMIT + 1)]],
  "MappingSet.name": [["one character over the limit the create marker leaves in a mapping set's name", "n".repeat(LIMITS.name - MARKER_LENGTH + 1)]],
  baseConnectionId: GUID_LIKE,
  sourceConnectionId: GUID_LIKE,
  targetConnectionId: GUID_LIKE,
  datasetId: [
    ["23 hex digits", IDS.dataset.slice(1)],
    ["25 hex digits", `${IDS.dataset}0`],
    ["not hex", "z".repeat(24)],
    ["a GUID", IDS.base],
    ["a Catalog reference", `@/dataSets/${IDS.dataset}`],
  ],
  mappingSetId: [
    ["31 hex digits", IDS.mappingSet.slice(1)],
    ["33 hex digits", `${IDS.mappingSet}0`],
    ["not hex", "g".repeat(32)],
    ["a GUID", IDS.base],
  ],
  schemaId: [
    ["the schema's meta:altId", "_acmeemulator.schemas.3a1b4f0c5d6e7f8091a2b3c4d5e6f708"],
    ["http", "http://ns.adobe.com/acmeemulator/schemas/3a1b4f0c5d6e7f8091a2b3c4d5e6f708"],
    ["another host", "https://example.com/acmeemulator/schemas/3a1b4f0c"],
    ["no scheme", "ns.adobe.com/acmeemulator/schemas/3a1b4f0c"],
    ["the schema's title", "Orders schema"],
    ["a space inside", "https://ns.adobe.com/acmeemulator/schemas/3a1b 4f0c"],
  ],
  path: [
    ['"', '/acme-customers/cust"omers.csv'],
    ["backslash", "/acme-customers\\customers.csv"],
    ["colon", "/acme-customers/c:ustomers.csv"],
    ["pipe", "/acme-customers/customers|.csv"],
    ["angle brackets", "/acme-customers/<customers>.csv"],
    ["question mark", "/acme-customers/customers?.csv"],
    ["trailing slash", "/acme-customers/"],
    ["empty component", "/acme-customers//customers.csv"],
    ["component over 255 characters", `/acme-customers/${"c".repeat(256)}.csv`],
    ["reserved name CON", "/acme-customers/CON/customers.csv"],
    ["reserved name ..", "/acme-customers/../customers.csv"],
  ],
  "file.type": [["directory", "directory"], ["upper case", "FILE"]],
  "file.format": [["csv", "csv"], ["upper case", "JSON"], ["tabular", "tabular"]],
  columnDelimiter: [["two characters", ";;"], ["a line break", "\n"], ["a zero-width space", "\u200b"]],
  encoding: [["lower case", "utf-8"], ["UTF-16", "UTF-16"]],
  compressionType: [["zip", "zip"], ["upper case", "GZIP"]],
  columns: [
    ["empty", []],
    ["a column that is a string", ["id"], "[0]"],
    ["a column without a type", [{ name: "id" }], "[0].type"],
    ["a column with an empty name", [{ name: "", type: "string" }], "[0].name"],
  ],
  timezone: [["PST", "PST"], ["lower case", "utc"], ["Z", "Z"], ["a region", "Europe/Paris"]],
  "deltaColumn.name": [["over the name limit", "c".repeat(LIMITS.name + 1)]],
  dateFormat: [["over 64 characters", "y".repeat(65)]],
  frequency: [["hourly", "hourly"], ["upper case", "HOUR"], ["month", "month"]],
  interval: [["0", 0], ["negative", -1], ["fractional", 1.5], ["over 100000", 100_001]],
  startTime: [
    ["ISO without a zone", "2027-01-04T06:00:00"],
    ["a date only", "2027-01-04"],
    ["a word", "tomorrow"],
    ["month 13", "2027-13-04T06:00:00Z"],
    ["fractions of a second", "2027-01-04T06:00:00.500Z"],
    ["epoch milliseconds", futureStart() * 1000],
    ["negative", -1],
    ["fractional seconds", 1.5],
  ],
  mappingVersion: [["negative", -1], ["fractional", 0.5], ["beyond safe integers", 2 ** 53]],
  destination: [
    ["a space", "person name"],
    ["two dots", "person..name"],
    ["a leading dot", ".person"],
    ["a trailing dot", "person."],
    ["a leading digit", "1person"],
    ["a non-numeric index", "person.name[x]"],
    ["a slash", "person/name"],
  ],
  sourceType: [["lower case", "attribute"], ["Data Prep's stored form", "text/x.schema-path"], ["unknown", "LOOKUP"]],
  "TargetConnection.format": [["over the name limit", "f".repeat(LIMITS.name + 1)]],
  "Dataflow.source": [["unknown", "snowflake"], ["upper case", "Synapse"], ["the prototype", "__proto__"]],
  "SourceConnection.source": [["unknown", "snowflake"], ["upper case", "Synapse"], ["the prototype", "constructor"]],
};

/** One rule table at `path` of the inputs: its fields, which are required, and valid values to start from. */
interface RuleTable {
  path: readonly PropertyKey[];
  rules: FieldRules;
  required: readonly string[];
}

/**
 * Cases for every field of `table` in `base`: wrong types by the rule's kind, missing and null when required, the
 * text corruptions for strings, and the field's own bad values. Fields whose rule takes anything (`z.unknown()`) are
 * nested objects with tables of their own.
 */
function fieldCases(type: DataflowObjectType, prefix: string, base: PropertyBag, table: RuleTable): MalformedCase[] {
  const cases: MalformedCase[] = [];
  const at = (field: string) => [...table.path, field];
  const push = (field: string, what: string, value: unknown, below = "") =>
    cases.push({ type, title: `${prefix}: ${dotted(at(field))} ${what}`, inputs: setAt(base, at(field), value), property: `${dotted(at(field))}${below}` });
  const container = table.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)[key], base) as Record<string, unknown>;
  for (const [field, rule] of Object.entries(table.rules)) {
    const kind = rule.def.type;
    if (kind === "unknown") continue;
    if (table.required.includes(field)) {
      push(field, "missing", undefined);
      push(field, "is null", null);
    }
    for (const [what, value] of wrongTypesFor(kind)) push(field, `is ${what}`, value);
    const valid = container[field] ?? SAMPLE[field];
    if (kind === "string" && typeof valid === "string") {
      for (const [what, value] of badStrings(valid, OVER_EVERY_LIMIT)) push(field, what, value);
    }
    const specific =
      (table.path.length === 0 ? (SPECIFIC[`${type}.${field}`] ?? SPECIFIC[`top.${field}`]) : SPECIFIC[`${String(table.path[table.path.length - 1])}.${field}`]) ?? SPECIFIC[field] ?? [];
    for (const [what, value, below] of specific) push(field, what, value, below);
  }
  return cases;
}

/** Cases of a nested object at `path`: not an object, missing when required, a misspelt key (with a suggestion). */
function objectCases(type: DataflowObjectType, prefix: string, base: PropertyBag, path: readonly PropertyKey[], options: { required: boolean; misspelt: string }): MalformedCase[] {
  const property = dotted(path);
  const cases: [string, PropertyBag, string][] = [[`unknown key ${options.misspelt} in ${property || "the inputs"}`, setAt(base, [...path, options.misspelt], "x"), dotted([...path, options.misspelt])]];
  if (path.length > 0) {
    for (const value of [42, "x", true, ["x"]]) cases.push([`${property} is ${JSON.stringify(value)}`, setAt(base, path, value), property]);
    if (options.required) cases.push([`${property} missing`, setAt(base, path, undefined), property]);
  }
  return cases.map(([title, inputs, p]) => ({ type, title: `${prefix}: ${title}`, inputs, property: p }));
}

/** The cases of the rules between fields, and of the timeouts every type takes. */
function crossFieldCases(type: DataflowObjectType, source: SourceKey, prefix: string, base: PropertyBag): MalformedCase[] {
  const cases: [string, PropertyBag, string][] = [
    ["timeouts is a string", setAt(base, ["timeouts"], "5m"), "timeouts"],
    ["timeouts.create in words", setAt(base, ["timeouts"], { create: "ten minutes" }), "timeouts.create"],
    ["timeouts.delete of 0s", setAt(base, ["timeouts"], { delete: "0s" }), "timeouts.delete"],
    ["timeouts.update of 25h", setAt(base, ["timeouts"], { update: "25h" }), "timeouts.update"],
    ["timeouts.read a number", setAt(base, ["timeouts"], { read: 300 }), "timeouts.read"],
    ["timeouts.craete misspelt", setAt(base, ["timeouts"], { craete: "5m" }), "timeouts.craete"],
  ];
  const definition = sources[source];
  const tables = definition.dataflow.reads === "tables";
  if (type === "SourceConnection") {
    cases.push(["source unknown during preview", setAt(base, ["source"], unknown), "source"]);
    if (tables) {
      cases.push(
        ["file instead of table", setAt(setAt(base, ["table"], undefined), ["file"], pipelineFixtures["adls-gen2"].reads), "file"],
      );
      if (!definition.dataflow.changeDataCapture) cases.push(["cdcEnabled on a source without change data capture", setAt(base, ["table", "cdcEnabled"], true), "table.cdcEnabled"]);
    } else {
      cases.push(
        ["table instead of file", setAt(setAt(base, ["file"], undefined), ["table"], { tableName: "dbo.orders" }), "table"],
        ["columnDelimiter with json", setAt(base, ["file", "format"], "json"), "file.columnDelimiter"],
        ["columnDelimiter with parquet", setAt(base, ["file", "format"], "parquet"), "file.columnDelimiter"],
        ["encoding with json", setAt(setAt(setAt(base, ["file", "format"], "json"), ["file", "columnDelimiter"], undefined), ["file", "encoding"], "UTF-8"), "file.encoding"],
        ["compressionType with parquet", setAt(setAt(setAt(base, ["file", "format"], "parquet"), ["file", "columnDelimiter"], undefined), ["file", "compressionType"], "gzip"), "file.compressionType"],
      );
    }
  }
  if (type === "Dataflow") {
    const schedule = base["schedule"] as Record<string, unknown>;
    cases.push(
      ["source unknown during preview", setAt(base, ["source"], unknown), "source"],
      ["schedule of a minute every 14 minutes", setAt(base, ["schedule"], { ...schedule, frequency: "minute", interval: 14 }), "schedule.interval"],
      ["schedule hourly without an interval", setAt(base, ["schedule", "interval"], undefined), "schedule.interval"],
      ["schedule once with an interval", setAt(base, ["schedule"], { ...schedule, frequency: "once" }), "schedule.interval"],
      ["schedule once with backfill", setAt(base, ["schedule"], { frequency: "once", startTime: schedule["startTime"], backfill: true }), "schedule.backfill"],
    );
    if (tables) {
      cases.push(
        ["deltaColumn missing for a table source", setAt(base, ["deltaColumn"], undefined), "deltaColumn"],
        ["deltaColumn as a column name (the pipeline's shorthand, which must not reach the provider)", setAt(base, ["deltaColumn"], "updated_at"), "deltaColumn"],
      );
    } else {
      cases.push(["deltaColumn for a file source", setAt(base, ["deltaColumn"], { name: "updated_at" }), "deltaColumn"]);
    }
  }
  if (type === "MappingSet") {
    const mappings = base["mappings"] as Record<string, unknown>[];
    cases.push(
      ...[42, "id -> _acmeemulator.orderId", { source: "id", destination: "_acmeemulator.orderId" }, null].map(
        (value): [string, PropertyBag, string] => [`mappings is ${JSON.stringify(value)}`, setAt(base, ["mappings"], value), "mappings"],
      ),
      ["mappings missing", setAt(base, ["mappings"], undefined), "mappings"],
      ["mappings unknown during preview, with a known schemaId that is wrong", setAt(setAt(base, ["mappings"], unknown), ["schemaId"], "Orders schema"), "schemaId"],
      ["mappings empty", setAt(base, ["mappings"], []), "mappings"],
      ["mappings over the limit", setAt(base, ["mappings"], Array.from({ length: MAX_MAPPINGS + 1 }, (_, i) => ({ source: `c${i}`, destination: `_acmeemulator.f${i}` }))), "mappings"],
      ["a destination written twice", setAt(base, ["mappings"], [...mappings, { ...mappings[0], source: "other" }]), `mappings[${mappings.length}].destination`],
      ["a description (Data Prep keeps none)", setAt(base, ["description"], "A description"), "description"],
    );
  }
  return cases.map(([title, inputs, property]) => ({ type, title: `${prefix}: ${title}`, inputs, property }));
}

/** Every malformed case of the dataflow object types, over every source where the source matters. */
export function dataflowMalformedCases(): MalformedCase[] {
  const cases: MalformedCase[] = [];
  const perSource: readonly DataflowObjectType[] = ["SourceConnection", "MappingSet", "Dataflow"];
  for (const type of ["SourceConnection", "Dataset", "TargetConnection", "MappingSet", "Dataflow"] as const) {
    // The rules of fields that do not depend on the source are exercised once; the source-specific ones everywhere.
    for (const [index, source] of (perSource.includes(type) ? sourceKeys : ["sql-server" as SourceKey]).entries()) {
      const prefix = perSource.includes(type) ? `${type} (${source})` : type;
      const base = validInputs(type, source);
      const tables = sources[source].dataflow.reads === "tables";
      const firstSource = index === 0;
      const topRules: Record<DataflowObjectType, { rules: FieldRules; required: string[] }> = {
        SourceConnection: { rules: SOURCE_CONNECTION_RULES, required: ["source", "baseConnectionId", "name"] },
        Dataset: { rules: DATASET_RULES, required: ["name", "schemaId"] },
        TargetConnection: { rules: TARGET_CONNECTION_RULES, required: ["name", "datasetId", "schemaId"] },
        MappingSet: { rules: MAPPING_SET_RULES, required: ["name", "schemaId"] },
        Dataflow: { rules: DATAFLOW_RULES, required: ["source", "name", "sourceConnectionId", "targetConnectionId", "mappingSetId", "mappingVersion"] },
      };
      if (firstSource) {
        cases.push(...fieldCases(type, prefix, base, { path: [], ...topRules[type] }), ...objectCases(type, prefix, base, [], { required: false, misspelt: "nmae" }));
      }
      cases.push(...crossFieldCases(type, source, prefix, base));
      // The rules of what a table source reads once, and again where change data capture makes them differ.
      const readsRules = !tables || source === sourceKeys.find((key) => sources[key].dataflow.reads === "tables") || sources[source].dataflow.changeDataCapture;
      if (type === "SourceConnection" && readsRules) {
        const [key, rules, required] = tables ? (["table", TABLE_DATA_RULES, ["tableName"]] as const) : (["file", FILE_DATA_RULES, ["path", "format"]] as const);
        const withAll = tables ? base : setAt(base, ["file"], { ...(base["file"] as object), type: "file", encoding: "UTF-8", compressionType: "gzip", recursive: false });
        cases.push(...fieldCases(type, prefix, withAll, { path: [key], rules, required }), ...objectCases(type, prefix, base, [key], { required: true, misspelt: tables ? "tablename" : "colunmDelimiter" }));
      }
      if (type === "MappingSet" && firstSource) {
        cases.push(...fieldCases(type, prefix, base, { path: ["mappings", 0], rules: MAPPING_RULES, required: ["source", "destination"] }));
        cases.push(...objectCases(type, prefix, base, ["mappings", 1], { required: false, misspelt: "destinaton" }));
      }
      if (type === "Dataflow" && firstSource) {
        cases.push(...fieldCases(type, prefix, base, { path: ["schedule"], rules: SCHEDULE_RULES, required: ["frequency", "startTime"] }));
        cases.push(...objectCases(type, prefix, base, ["schedule"], { required: true, misspelt: "intervall" }));
      }
      if (type === "Dataflow" && tables && firstSource) {
        cases.push(...fieldCases(type, prefix, base, { path: ["deltaColumn"], rules: DELTA_COLUMN_RULES, required: ["name"] }));
        cases.push(...objectCases(type, prefix, base, ["deltaColumn"], { required: false, misspelt: "nmae" }));
      }
    }
  }
  return cases;
}

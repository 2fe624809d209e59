/**
 * A generated corpus of bad BaseConnection inputs, across every source and auth variant: wrong JSON types, empty and
 * oversized strings, control characters and Unicode edge cases (NUL, bidi overrides, zero-width characters, lone
 * surrogates), wrong URL schemes and hosts, malformed tenants and GUIDs, connection strings missing keys or carrying a
 * stray `;` or `=`, unknown sources, auth specs and properties, and unknowns where a value must be known.
 * Each case names the property its failure must point at.
 */
import { sources } from "../../provider/sources";
import { LIMITS } from "../../provider/sources/formats";
import { unknown, type PropertyBag } from "../../harness/provider-host";
import { inputsFor, type Variant } from "../../harness/rig";

export interface MalformedCase {
  /** What is wrong, e.g. "synapse / Connection String Based Authentication: connectionString missing Password". */
  title: string;
  inputs: PropertyBag;
  /** Dotted property path that one of the check failures must name, e.g. `auth.params.url`. */
  property: string;
  /** Set when the bad value is a secret param's value: no failure reason may quote it. */
  secretValue?: string;
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

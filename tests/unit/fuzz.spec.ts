/**
 * Property tests (fast-check) of the input rules: whatever text a user writes, an accepted value is in the one form
 * AEP stores and reads as written, and a refused one gets a message that names the property and never quotes a
 * secret. Values are judged as written, never after a URL parser or a tokenizer normalised them.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { paramFailures } from "../../provider/base-connection/inputs";
import { ADOBE_SQL_SERVER_PATTERN } from "../../provider/sources/sql-server";
import { adoNetValue } from "../../provider/sources/connection-string";
import { sources } from "../../provider/sources";

const RUNS = { numRuns: 400 };
const lower = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789");
const anyCase = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
const word = (chars: fc.Arbitrary<string>, min: number, max: number) => fc.array(chars, { minLength: min, maxLength: max }).map((c) => c.join(""));

/** URL-ish text: a scheme, maybe userinfo, a host, maybe a port, maybe a path or query, in any case. */
function urlLike(hostSuffix: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom("https://", "HTTPS://", "Https://", "http://", "https:/", ""),
      fc.constantFrom("", "", "", "@", "user@", "user:pw@", ":@"),
      word(anyCase, 1, 12),
      hostSuffix,
      fc.constantFrom("", "", "", ":", ":443", ":8443", ":0"),
      fc.constantFrom("", "", "/", "//", "/path", "?o=1", "#x", " "),
    )
    .map((parts) => parts.join(""));
}

function failuresOf(source: keyof typeof sources, specName: string, params: Record<string, unknown>): { property: string; reason: string }[] {
  return paramFailures(sources[source], specName, params);
}

describe("fuzzed inputs (fast-check)", () => {
  it("an accepted ADLS Gen2 url is exactly https://<lowercase account>.dfs.core.windows.net[/]", () => {
    const base = { servicePrincipalId: "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f", servicePrincipalKey: "Qx8Q~k2Zr.Yw5VbT3nM1pLs9Hd6Fg4Jc7Ae0Uo_i", tenant: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" };
    fc.assert(
      fc.property(urlLike(fc.constantFrom(".dfs.core.windows.net", ".DFS.core.windows.net", ".dfs.core.windows.net.", ".blob.core.windows.net")), (url) => {
        const failures = failuresOf("adls-gen2", "Basic Authentication for adls-gen2", { ...base, url });
        const canonical = /^https:\/\/[a-z0-9]{3,24}\.dfs\.core\.windows\.net\/?$/.test(url);
        assert.equal(failures.length === 0, canonical, `${JSON.stringify(url)}: ${JSON.stringify(failures)}`);
        for (const failure of failures) assert.equal(failure.property, "auth.params.url");
      }),
      RUNS,
    );
  });

  it("an accepted Databricks domain is exactly https://<lowercase host>.azuredatabricks.net[/]", () => {
    const base = { clusterId: "0123-456789-abcdefgh", accessToken: "dapi0123456789abcdef0123456789abcdef-2", database: "sales" };
    fc.assert(
      fc.property(urlLike(fc.constantFrom(".azuredatabricks.net", ".7.azuredatabricks.net", ".AzureDatabricks.net", ".databricks.com")), (domain) => {
        const failures = failuresOf("databricks", "Access Token Authentication", { ...base, domain });
        const canonical = /^https:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+azuredatabricks\.net\/?$/.test(domain);
        assert.equal(failures.length === 0, canonical, `${JSON.stringify(domain)}: ${JSON.stringify(failures)}`);
      }),
      RUNS,
    );
  });

  it("a SQL Server connection string is accepted only when Adobe's pattern splits it where we do; no message quotes the password", () => {
    // Secret text from letters no message uses, so that a message quoting any of it is caught.
    const secretText = word(fc.constantFrom(..."QXZqxz0123456789"), 4, 6);
    const piece = fc.oneof(secretText, fc.constantFrom(";", "=", '"', "'", ";Password=", ";User ID=", " ", ";Initial Catalog="));
    const password = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(""));
    fc.assert(
      fc.property(password, fc.boolean(), (secret, quoteIt) => {
        const written = quoteIt ? adoNetValue(secret) : secret;
        const connectionString = `Data Source=sql01.contoso.com;Initial Catalog=Orders;Integrated Security=False;User ID=aep_reader;Password=${written};`;
        const failures = failuresOf("sql-server", "Connection String Based Authentication", { connectionString });
        if (failures.length === 0) {
          const match = ADOBE_SQL_SERVER_PATTERN.exec(connectionString);
          assert.ok(match, connectionString);
          assert.equal(match[8], "aep_reader", `Adobe reads User ID ${JSON.stringify(match[8])} from ${JSON.stringify(connectionString)}`);
        }
        for (const failure of failures) {
          assert.equal(failure.property, "auth.params.connectionString");
          for (const text of secret.match(/[QXZqxz0-9]{4,}/g) ?? []) assert.ok(!failure.reason.includes(text), `the message quotes the password: ${failure.reason}`);
        }
      }),
      RUNS,
    );
  });

  it("a Table Storage connection string's AccountName is taken as written: no quotes, lowercase letters and digits", () => {
    const key = "EfvHzs8M73UZ1rmzprXcE97xFZv6aVo0AeL+dOo1Sw9xhDCLG4F+IaInX8fkSX0TnjAWgo0OwR0UlFSImWi0+w==";
    fc.assert(
      fc.property(word(anyCase, 1, 26), fc.constantFrom("", '"', "'"), (account, quote) => {
        const connectionString = `DefaultEndpointsProtocol=https;AccountName=${quote}${account}${quote};AccountKey=${key};EndpointSuffix=core.windows.net`;
        const failures = failuresOf("table-storage", "Connection String Based Authentication", { connectionString });
        const canonical = quote === "" && /^[a-z0-9]{3,24}$/.test(account);
        assert.equal(failures.length === 0, canonical, `${JSON.stringify(connectionString)}: ${JSON.stringify(failures)}`);
        for (const failure of failures) assert.ok(!failure.reason.includes(key), "the key is never quoted");
      }),
      RUNS,
    );
  });

  it("any JSON value for any param of any source is refused or accepted without throwing, naming the param", () => {
    const variants = Object.values(sources).flatMap((source) => Object.values(source.auth).map((variant) => ({ source, variant })));
    fc.assert(
      fc.property(fc.nat(variants.length - 1), fc.string({ unit: "binary", maxLength: 40 }), fc.jsonValue(), (index, param, value) => {
        const picked = variants[index]!;
        const names = Object.keys(picked.variant.params.shape);
        const target = names[Math.abs(param.length) % names.length]!;
        const failures = paramFailures(picked.source, picked.variant.specName, { [target]: value, [param]: value });
        for (const failure of failures) assert.match(failure.property, /^auth\.params(\.|\[|$)/);
      }),
      RUNS,
    );
  });

  it("generated lowercase ADLS accounts are all accepted (the rule is not too strict)", () => {
    fc.assert(
      fc.property(word(lower, 3, 24), (account) => {
        const url = `https://${account}.dfs.core.windows.net`;
        assert.deepEqual(failuresOf("adls-gen2", "Basic Authentication for adls-gen2", { url, servicePrincipalId: "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f", servicePrincipalKey: "k3y-Value-1234", tenant: "contoso.onmicrosoft.com" }), []);
      }),
      RUNS,
    );
  });
});

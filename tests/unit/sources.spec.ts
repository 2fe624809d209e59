import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import {
  type AuthInput,
  type AuthParams,
  type AuthSpecName,
  findAuthVariant,
  findSource,
  paramNames,
  type SourceDefinition,
  sourceKeys,
  sources,
} from "../../provider/sources";
import { validateBaseConnectionInputs } from "../../provider/base-connection/inputs";
import type { CheckFailure } from "../../provider/shared/check";
import { type AuthFixtures, type ExpectedFailure, sourceFixtures, type SourceFixtures } from "../fixtures/sources";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Transcribed by hand from ../shared/seeds/README.md and the five seed pages, independently of provider/sources.
 * `catalog` (Databricks) was added to Adobe's page after the seed and is optional.
 */
const SEED_TABLE = {
  synapse: {
    docs: "databases/synapse-analytics",
    id: "a49bcc7d-8038-43af-b1e4-5a7a089a7d79",
    auth: {
      "Connection String Based Authentication": { params: ["connectionString"], optional: [] },
      "Service Principal Key Based Authentication": {
        params: ["server", "database", "tenant", "servicePrincipalId", "servicePrincipalKey"],
        optional: [],
      },
    },
  },
  "sql-server": {
    docs: "databases/sql-server",
    id: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
    auth: { "Connection String Based Authentication": { params: ["connectionString"], optional: [] } },
  },
  "adls-gen2": {
    docs: "cloud-storage/adls-gen2",
    id: "b3ba5556-48be-44b7-8b85-ff2b69b46dc4",
    auth: {
      "Basic Authentication for adls-gen2": {
        params: ["url", "servicePrincipalId", "servicePrincipalKey", "tenant"],
        optional: [],
      },
    },
  },
  "table-storage": {
    docs: "databases/ats",
    id: "ecde33f2-c56f-46cc-bdea-ad151c16cd69",
    auth: { "Connection String Based Authentication": { params: ["connectionString"], optional: [] } },
  },
  databricks: {
    docs: "databases/databricks",
    id: "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b",
    auth: {
      "Access Token Authentication": {
        params: ["domain", "clusterId", "accessToken", "database", "catalog"],
        optional: ["catalog"],
      },
    },
  },
} as const;

/**
 * Params Adobe marks `format: password` (ADLS servicePrincipalKey and SQL Server connectionString are confirmed by
 * published auth specs; the others are the obvious credentials of specs Adobe has not published).
 */
const PASSWORD_FORMAT_PARAMS: Record<string, Record<string, readonly string[]>> = {
  synapse: {
    "Connection String Based Authentication": ["connectionString"],
    "Service Principal Key Based Authentication": ["servicePrincipalKey"],
  },
  "sql-server": { "Connection String Based Authentication": ["connectionString"] },
  "adls-gen2": { "Basic Authentication for adls-gen2": ["servicePrincipalKey"] },
  "table-storage": { "Connection String Based Authentication": ["connectionString"] },
  databricks: { "Access Token Authentication": ["accessToken"] },
};

type FixtureTable = Readonly<Record<string, Readonly<Record<string, AuthFixtures | undefined>> | undefined>>;
const fixtureTable: FixtureTable = sourceFixtures;

/** Auth variants of `registry` that have no fixtures entry, as "source / spec name". */
function missingFixtures(registry: Readonly<Record<string, SourceDefinition>>, fixtures: SourceFixtures): string[] {
  const table: FixtureTable = fixtures;
  return Object.entries(registry).flatMap(([key, source]) =>
    Object.keys(source.auth)
      .filter((specName) => table[key]?.[specName] === undefined)
      .map((specName) => `${key} / ${specName}`),
  );
}

function rawInputs(source: string, specName: string, params: unknown): Record<string, unknown> {
  return { source, name: `fixture ${source}`, auth: { specName, params } };
}

function describeFailures(failures: readonly CheckFailure[]): string {
  return failures.map((f) => `  ${f.property}: ${f.reason}`).join("\n") || "  (none)";
}

function assertFailures(actual: readonly CheckFailure[], expected: readonly ExpectedFailure[]): void {
  const unmatched = [...actual];
  for (const want of expected) {
    const index = unmatched.findIndex((f) => f.property === want.property && f.reason.includes(want.reasonIncludes));
    assert.ok(index !== -1, `expected a failure on ${want.property} containing ${JSON.stringify(want.reasonIncludes)}; got:\n${describeFailures(actual)}`);
    unmatched.splice(index, 1);
  }
  assert.equal(unmatched.length, 0, `unexpected failures:\n${describeFailures(unmatched)}`);
}

describe("source registry", () => {
  it("has fixtures for every source and auth variant", () => {
    const missing = missingFixtures(sources, sourceFixtures);
    assert.deepEqual(
      missing,
      [],
      `Add an entry to tests/fixtures/sources.ts (valid and invalid params) for: ${missing.join("; ")}`,
    );
  });

  it("the fixtures check notices a sixth source without fixtures", () => {
    const sixth: SourceDefinition = {
      key: "snowflake",
      title: "Snowflake",
      docsUrl: "https://example.invalid",
      connectionSpec: { id: "00000000-0000-0000-0000-000000000000", version: "1.0" },
      dataflow: { flowSpec: "CRMToAEP", reads: "tables", changeDataCapture: false },
      auth: {
        "Key Pair": { specName: "Key Pair", description: "", params: z.strictObject({}), secretParams: [] },
      },
    };
    assert.deepEqual(missingFixtures({ ...sources, snowflake: sixth }, sourceFixtures), ["snowflake / Key Pair"]);
  });

  it("lists exactly the five seed sources, in registry order", () => {
    assert.deepEqual([...sourceKeys], ["synapse", "sql-server", "adls-gen2", "table-storage", "databricks"]);
    assert.deepEqual(Object.keys(SEED_TABLE), [...sourceKeys]);
  });

  for (const key of sourceKeys) {
    const source: SourceDefinition = sources[key];
    const seed = SEED_TABLE[key];

    describe(key, () => {
      it("has the seed's connection spec id and version 1.0", () => {
        assert.equal(source.key, key);
        assert.deepEqual(source.connectionSpec, { id: seed.id, version: "1.0" });
      });

      it("has exactly the seed's auth spec names, each keyed by its own specName", () => {
        assert.deepEqual(Object.keys(source.auth).sort(), Object.keys(seed.auth).sort());
        for (const [specName, variant] of Object.entries(source.auth)) assert.equal(variant.specName, specName);
      });

      it("links the Experience League tutorial page", () => {
        assert.equal(
          source.docsUrl,
          `https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/${seed.docs}`,
        );
        assert.ok(source.title.length > 0);
      });

      for (const [specName, seedAuth] of Object.entries(seed.auth)) {
        describe(specName, () => {
          const variant = findAuthVariant(source, specName)!;
          const table = fixtureTable[key]?.[specName];

          it("takes exactly the seed's params", () => {
            assert.deepEqual([...paramNames(variant)].sort(), [...seedAuth.params].sort());
          });

          it("requires every seed param except the documented optional ones", () => {
            const required = Object.entries((variant.params as z.ZodObject).shape)
              .filter(([, schema]) => !(schema as z.ZodType).safeParse(undefined).success)
              .map(([name]) => name);
            const optional: readonly string[] = seedAuth.optional;
            const expected = seedAuth.params.filter((param: string) => !optional.includes(param));
            assert.deepEqual(required.sort(), [...expected].sort());
          });

          it("marks as secret exactly the params Adobe formats as password", () => {
            assert.deepEqual([...variant.secretParams].sort(), [...(PASSWORD_FORMAT_PARAMS[key]?.[specName] ?? ["?"])].sort());
          });

          it("has at least one valid and one invalid fixture", () => {
            assert.ok(table, `Add an entry to tests/fixtures/sources.ts for ${key} / ${specName}`);
            assert.ok(table.valid.length > 0 && table.invalid.length > 0, `fixtures for ${key} / ${specName} are empty`);
          });

          for (const valid of table?.valid ?? []) {
            it(`accepts: ${valid.title}`, () => {
              const result = validateBaseConnectionInputs(rawInputs(key, specName, valid.params));
              assert.deepEqual(result.failures, [], describeFailures(result.failures));
              assert.deepEqual(result.inputs?.auth, { specName, params: valid.params });
            });
          }

          for (const invalid of table?.invalid ?? []) {
            it(`rejects: ${invalid.title}`, () => {
              const result = validateBaseConnectionInputs(rawInputs(key, specName, invalid.params));
              assert.equal(result.inputs, undefined);
              assertFailures(result.failures, invalid.failures);
            });
          }
        });
      }
    });
  }

  it("does not use the ADLS Gen2 page's typo id or the providerId as a connection spec id", () => {
    const ids: string[] = sourceKeys.map((key) => sources[key].connectionSpec.id);
    assert.ok(!ids.includes("b3ba5556-48be-44b7-8b85-ff2b69b46dc41"));
    assert.ok(!ids.includes("0ed90a81-07f4-4586-8190-b40eccef1c5a"));
    assert.equal(new Set(ids).size, ids.length);
  });

  it("finds sources only by their own keys", () => {
    assert.equal(findSource("adls-gen2"), sources["adls-gen2"]);
    assert.equal(findSource("constructor"), undefined);
    assert.equal(findSource("__proto__"), undefined);
    assert.equal(findSource("ADLS-GEN2"), undefined);
    assert.equal(findAuthVariant(sources.synapse, "toString"), undefined);
  });

  it("helper types follow the schemas", () => {
    const names: AuthSpecName<"synapse">[] = [
      "Connection String Based Authentication",
      "Service Principal Key Based Authentication",
    ];
    // @ts-expect-error not a Synapse auth spec name
    const wrongName: AuthSpecName<"synapse"> = "Basic Authentication for adls-gen2";
    const databricks: AuthParams<"databricks", "Access Token Authentication"> = {
      domain: "https://adb-1.1.azuredatabricks.net",
      clusterId: "c",
      accessToken: "t",
      database: "d",
    };
    // @ts-expect-error url is required
    const adls: AuthParams<"adls-gen2", "Basic Authentication for adls-gen2"> = {
      servicePrincipalId: "",
      servicePrincipalKey: "",
      tenant: "",
    };
    const auth: AuthInput<"synapse"> = {
      specName: "Connection String Based Authentication",
      params: { connectionString: "x" },
    };
    assert.equal(names.length + [wrongName, databricks, adls, auth].length, 6);
  });
});

describe("provider/sources dependencies", () => {
  it("imports only zod and files of its own folder", () => {
    const folder = path.join(ROOT, "provider/sources");
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(path.join(folder, file), "utf8");
      const specifiers = [...text.matchAll(/\bfrom\s+"([^"]+)"|\brequire\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1] ?? m[2]);
      for (const specifier of specifiers) {
        assert.ok(specifier === "zod" || /^\.\/[a-z0-9-]+$/.test(specifier!), `${file} imports ${specifier}`);
      }
    }
  });

  it("loading provider/sources and provider/validation does not load @pulumi/pulumi", () => {
    const script =
      'require("./provider/sources"); require("./provider/base-connection/inputs");' +
      "process.stdout.write(JSON.stringify(Object.keys(require.cache)));";
    const output = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
      timeout: 60_000,
    });
    const loaded: string[] = JSON.parse(output);
    assert.ok(loaded.some((file) => file.includes(`${path.sep}provider${path.sep}sources${path.sep}index.ts`)));
    assert.deepEqual(loaded.filter((file) => file.includes(`${path.sep}@pulumi${path.sep}`)), []);
  });
});

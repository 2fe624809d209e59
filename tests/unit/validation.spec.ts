import { strict as assert } from "node:assert";
import { sourceKeys, sources } from "../../provider/sources";
import { secretParamNames, validateBaseConnectionInputs } from "../../provider/base-connection/inputs";
import { type CheckFailure, UNKNOWN } from "../../provider/shared/check";
import { sourceFixtures } from "../fixtures/sources";

const ADLS_SPEC = "Basic Authentication for adls-gen2";
const ADLS_PARAMS = {
  url: "https://contosolake.dfs.core.windows.net",
  servicePrincipalId: "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f",
  servicePrincipalKey: "Qx8Q~k2Zr.Yw5VbT3nM1pLs9Hd6Fg4Jc7Ae0Uo_i",
  tenant: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
};
const ALL_SOURCES = sourceKeys.join(", ");

function adls(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    source: "adls-gen2",
    name: "Lake",
    auth: { specName: ADLS_SPEC, params: { ...ADLS_PARAMS } },
    __provider: "exports.handler = __f0; /* serialized provider, thousands of characters */",
    ...overrides,
  };
}

function failuresOf(raw: Record<string, unknown>): CheckFailure[] {
  const result = validateBaseConnectionInputs(raw);
  assert.equal(result.inputs === undefined, result.failures.length > 0, "inputs must be present iff no failures");
  return result.failures;
}

function only(raw: Record<string, unknown>): CheckFailure {
  const failures = failuresOf(raw);
  assert.equal(failures.length, 1, JSON.stringify(failures, null, 2));
  return failures[0]!;
}

describe("validateBaseConnectionInputs: envelope", () => {
  it("normalizes a minimal valid input: verify defaults to false, optional fields stay absent", () => {
    const result = validateBaseConnectionInputs(adls());
    assert.deepEqual(result, {
      failures: [],
      inputs: { source: "adls-gen2", name: "Lake", auth: { specName: ADLS_SPEC, params: ADLS_PARAMS }, verify: false },
    });
  });

  it("keeps description, sandboxName and verify, and lowercases adopt", () => {
    const result = validateBaseConnectionInputs(
      adls({ description: "Raw events", sandboxName: "dev-emea-2", verify: true, adopt: "7497AD71-6D32-4973-97AD-716D32797304" }),
    );
    assert.deepEqual(result.failures, []);
    assert.equal(result.inputs?.description, "Raw events");
    assert.equal(result.inputs?.sandboxName, "dev-emea-2");
    assert.equal(result.inputs?.verify, true);
    assert.equal(result.inputs?.adopt, "7497ad71-6d32-4973-97ad-716d32797304");
  });

  it("treats null optional fields as absent", () => {
    const result = validateBaseConnectionInputs(adls({ description: null, sandboxName: null, verify: null, adopt: null }));
    assert.deepEqual(result.failures, []);
    assert.deepEqual(Object.keys(result.inputs!).sort(), ["auth", "name", "source", "verify"]);
  });

  it("ignores __provider, whatever its value, and never returns it", () => {
    for (const provider of [UNKNOWN, "x".repeat(100_000), 42]) {
      const result = validateBaseConnectionInputs(adls({ __provider: provider }));
      assert.deepEqual(result.failures, []);
      assert.ok(!("__provider" in result.inputs!));
    }
  });

  it("rejects unknown top-level keys by name, suggesting a close match", () => {
    const failures = failuresOf(adls({ Name: "x", connectionSpec: { id: "b3ba5556-48be-44b7-8b85-ff2b69b46dc4" } }));
    assert.deepEqual(failures, [
      {
        property: "Name",
        reason: 'unknown property "Name" (did you mean "name"?); expected one of: source, name, description, auth, sandboxName, verify, adopt, identity, timeouts',
      },
      {
        property: "connectionSpec",
        reason: 'unknown property "connectionSpec"; expected one of: source, name, description, auth, sandboxName, verify, adopt, identity, timeouts',
      },
    ]);
  });

  it("lists the allowed sources when source is missing, unknown or not a string", () => {
    assert.deepEqual(only(adls({ source: "snowflake" })), {
      property: "source",
      reason: `unknown source "snowflake"; expected one of: ${ALL_SOURCES}`,
    });
    assert.deepEqual(only(adls({ source: "ADLS_Gen2" })), {
      property: "source",
      reason: `unknown source "ADLS_Gen2" (did you mean "adls-gen2"?); expected one of: ${ALL_SOURCES}`,
    });
    assert.deepEqual(only(adls({ source: undefined })), { property: "source", reason: `required; expected one of: ${ALL_SOURCES}` });
    assert.deepEqual(only(adls({ source: 3 })), {
      property: "source",
      reason: `must be a string (got number); expected one of: ${ALL_SOURCES}`,
    });
  });

  it("lists the auth spec names of the chosen source", () => {
    assert.deepEqual(only(adls({ auth: { specName: "Basic Authentication", params: ADLS_PARAMS } })), {
      property: "auth.specName",
      reason: 'unknown auth spec "Basic Authentication" for adls-gen2; expected one of: "Basic Authentication for adls-gen2"',
    });
    const synapse = only({ source: "synapse", name: "n", auth: { specName: "connection string based authentication", params: {} } });
    assert.equal(synapse.property, "auth.specName");
    assert.ok(synapse.reason.includes('(did you mean "Connection String Based Authentication"?)'));
    assert.ok(
      synapse.reason.endsWith(
        'expected one of: "Connection String Based Authentication", "Service Principal Key Based Authentication"',
      ),
    );
    assert.deepEqual(only(adls({ auth: { params: ADLS_PARAMS } })), {
      property: "auth.specName",
      reason: 'required; expected one of: "Basic Authentication for adls-gen2"',
    });
  });

  it("requires auth to be an object with only specName and params", () => {
    assert.deepEqual(only(adls({ auth: undefined })), {
      property: "auth",
      reason: 'required; expected { specName, params } with specName one of: "Basic Authentication for adls-gen2"',
    });
    assert.equal(only(adls({ auth: "Basic Authentication for adls-gen2" })).reason.startsWith("must be an object (got string)"), true);
    assert.deepEqual(only(adls({ auth: { specName: ADLS_SPEC, params: ADLS_PARAMS, type: "BasicAuthentication" } })), {
      property: "auth.type",
      reason: 'unknown property "type"; expected one of: specName, params',
    });
    assert.deepEqual(only(adls({ auth: { specName: ADLS_SPEC } })), {
      property: "auth.params",
      reason: `required; expected an object with url, servicePrincipalId, servicePrincipalKey, tenant for "${ADLS_SPEC}"`,
    });
    assert.equal(only(adls({ auth: { specName: ADLS_SPEC, params: [] } })).reason.startsWith("must be an object (got array)"), true);
  });

  it("rejects unknown params one by one, naming each", () => {
    const failures = failuresOf(adls({ auth: { specName: ADLS_SPEC, params: { ...ADLS_PARAMS, URL: "x", "account.key": "y" } } }));
    assert.deepEqual(
      failures.map((f) => f.property),
      ["auth.params.URL", 'auth.params["account.key"]'],
    );
    assert.ok(failures[0]!.reason.startsWith('unknown parameter "URL" (did you mean "url"?) for "Basic Authentication for adls-gen2"'));
    assert.ok(failures[1]!.reason.endsWith("expected: url, servicePrincipalId, servicePrincipalKey, tenant"));
  });

  it("checks name: required, non-empty, at most 256 characters, no control or invisible characters", () => {
    assert.deepEqual(only(adls({ name: undefined })), {
      property: "name",
      reason: "required; expected the connection's display name in AEP",
    });
    assert.ok(only(adls({ name: "" })).reason.startsWith("is empty"));
    assert.deepEqual(failuresOf(adls({ name: "n".repeat(256) })), []);
    assert.ok(only(adls({ name: "n".repeat(257) })).reason.startsWith("is 257 characters long, over the 256-character limit"));
    assert.deepEqual(only(adls({ name: "Lake\u0007" })), {
      property: "name",
      reason:
        'contains the control character U+0007 at position 5; expected a display name of at most 256 characters (got "Lake\\u0007")',
    });
    assert.deepEqual(only(adls({ name: "Lake\u202eekaL" })), {
      property: "name",
      reason:
        "contains the invisible formatting character U+202E at position 5; " +
        'expected a display name of at most 256 characters (got "Lake\\u202eekaL")',
    });
    assert.ok(only(adls({ name: " Lake" })).reason.startsWith("has leading or trailing whitespace"));
    assert.ok(only(adls({ name: ["Lake"] })).reason.startsWith("must be a string (got array)"));
  });

  it("quotes non-secret values truncated to 80 characters", () => {
    const long = `${"a".repeat(80)}${"b".repeat(300)}`;
    const { reason } = only(adls({ name: long }));
    assert.ok(reason.endsWith(`(got "${"a".repeat(80)}…")`), reason);
  });

  it("checks description: optional, at most 998 characters (AEP's 1024 less the create marker's 26)", () => {
    assert.deepEqual(failuresOf(adls({ description: "d".repeat(998) })), []);
    assert.equal(only(adls({ description: "d".repeat(999) })).property, "description");
    assert.equal(only(adls({ description: 1 })).reason.startsWith("must be a string (got number)"), true);
  });

  it("checks timeouts: durations for create, read, update and delete, between 1s and 24h", () => {
    assert.deepEqual(failuresOf(adls({ timeouts: { create: "10m", read: "90s", update: "1h30m", delete: "2h" } })), []);
    assert.deepEqual(failuresOf(adls({ timeouts: { create: UNKNOWN } })), [], "unknown at preview");
    assert.deepEqual(
      failuresOf(adls({ timeouts: { create: "10 minutes", refresh: "1m", delete: "500ms", update: 60 } })).map((f) => f.property),
      ["timeouts.create", "timeouts.refresh", "timeouts.delete", "timeouts.update"],
    );
    assert.match(only(adls({ timeouts: { refresh: "1m" } })).reason, /unknown operation "refresh"; expected one of: create, read, update, delete/);
  });

  it("checks identity: 16 hexadecimal digits, as the BaseConnection class sets it", () => {
    assert.deepEqual(failuresOf(adls({ identity: "0123456789abcdef" })), []);
    assert.equal(only(adls({ identity: "not an identity" })).property, "identity");
  });

  it("checks sandboxName: lowercase letters, digits and hyphens, starting with a letter, at most 256", () => {
    for (const sandboxName of ["prod", "dev-emea-2", "a", `s${"x".repeat(255)}`]) {
      assert.deepEqual(failuresOf(adls({ sandboxName })), [], sandboxName);
    }
    for (const sandboxName of ["Prod", "1dev", "dev_emea", "-dev", "dev emea", `s${"x".repeat(256)}`, ""]) {
      assert.equal(only(adls({ sandboxName })).property, "sandboxName", sandboxName);
    }
  });

  it("checks verify is a boolean", () => {
    assert.equal(validateBaseConnectionInputs(adls({ verify: false })).inputs?.verify, false);
    assert.deepEqual(only(adls({ verify: "true" })), {
      property: "verify",
      reason: "must be a boolean (got string); expected true or false",
    });
  });

  it("checks adopt is a connection id (GUID)", () => {
    assert.deepEqual(failuresOf(adls({ adopt: "7497ad71-6d32-4973-97ad-716d32797304" })), []);
    assert.deepEqual(only(adls({ adopt: "7497ad71" })), {
      property: "adopt",
      reason: 'is not a connection id; expected the id of an existing base connection (a GUID) (got "7497ad71")',
    });
  });

  it("collects every failure instead of stopping at the first", () => {
    const failures = failuresOf({
      source: "adls-gen2",
      name: "",
      description: 5,
      auth: { specName: ADLS_SPEC, params: { url: "http://x.dfs.core.windows.net", tenant: "nope", extra: 1 } },
      sandboxName: "Prod",
      verify: "yes",
      adopt: "x",
      displayName: "n",
    });
    assert.deepEqual(failures.map((f) => f.property).sort(), [
      "adopt",
      "auth.params.extra",
      "auth.params.servicePrincipalId",
      "auth.params.servicePrincipalKey",
      "auth.params.tenant",
      "auth.params.url",
      "description",
      "displayName",
      "name",
      "sandboxName",
      "verify",
    ]);
  });

  it("rejects input that is not an object", () => {
    const result = validateBaseConnectionInputs(null as unknown as Record<string, unknown>);
    assert.deepEqual(result.failures, [{ property: "", reason: "inputs must be an object (got null)" }]);
  });
});

describe("validateBaseConnectionInputs: unknown values during preview", () => {
  it("accepts unknown params and keeps them unknown", () => {
    const params = { ...ADLS_PARAMS, url: UNKNOWN, servicePrincipalKey: UNKNOWN };
    const result = validateBaseConnectionInputs(adls({ auth: { specName: ADLS_SPEC, params } }));
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.inputs?.auth.params, params);
  });

  it("still checks the known params next to unknown ones", () => {
    const params = { ...ADLS_PARAMS, url: UNKNOWN, tenant: "not-a-tenant" };
    assert.equal(only(adls({ auth: { specName: ADLS_SPEC, params } })).property, "auth.params.tenant");
  });

  it("still rejects an unknown param name even when its value is unknown", () => {
    const params = { ...ADLS_PARAMS, accountKey: UNKNOWN };
    assert.equal(only(adls({ auth: { specName: ADLS_SPEC, params } })).property, "auth.params.accountKey");
  });

  it("accepts wholly unknown auth.params", () => {
    const result = validateBaseConnectionInputs(adls({ auth: { specName: ADLS_SPEC, params: UNKNOWN } }));
    assert.deepEqual(result.failures, []);
    assert.equal(result.inputs?.auth.params, UNKNOWN);
  });

  it("accepts unknown name, description, sandboxName, verify and adopt, keeping them unknown", () => {
    const result = validateBaseConnectionInputs(
      adls({ name: UNKNOWN, description: UNKNOWN, sandboxName: UNKNOWN, verify: UNKNOWN, adopt: UNKNOWN }),
    );
    assert.deepEqual(result.failures, []);
    const { name, description, sandboxName, verify, adopt } = result.inputs!;
    assert.deepEqual([name, description, sandboxName, verify, adopt], [UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN]);
  });

  it("requires source to be known, because it selects the connection spec", () => {
    assert.deepEqual(only(adls({ source: UNKNOWN })), {
      property: "source",
      reason: `must be known during preview because it selects the connection spec; pass a plain string, one of: ${ALL_SOURCES}`,
    });
  });

  it("requires auth.specName to be known, because it selects the auth spec", () => {
    assert.deepEqual(only(adls({ auth: { specName: UNKNOWN, params: ADLS_PARAMS } })), {
      property: "auth.specName",
      reason:
        'must be known during preview because it selects the auth spec; pass a plain string, one of: "Basic Authentication for adls-gen2"',
    });
  });

  it("requires auth as a whole to be known (it carries specName)", () => {
    const failure = only(adls({ auth: UNKNOWN }));
    assert.equal(failure.property, "auth");
    assert.ok(failure.reason.startsWith("must be known during preview: auth.specName selects the auth spec"));
  });
});

describe("secrets in failure reasons", () => {
  // Distinctive and free of English words, so any 5-character window of it in a reason is a leak.
  const MARKER = "Zq8KxWv7Jt3Np";
  const windows = Array.from({ length: MARKER.length - 4 }, (_, i) => MARKER.slice(i, i + 5));

  const anySecret: Record<string, string> = {
    "trailing whitespace": `${MARKER} `,
    "leading whitespace": ` ${MARKER}`,
    "newline inside": `${MARKER}\n${MARKER}`,
    "bidi override": `${MARKER}\u202e${MARKER}`,
    "zero-width space": `\u200b${MARKER}`,
    "over the length limit": MARKER.repeat(400),
  };
  const connectionStrings: Record<string, string> = {
    "plain text": MARKER,
    "text pairs": `${MARKER};${MARKER}`,
    "unknown key twice": `${MARKER}=1;${MARKER}=2`,
    "stray ; in password": `Password=${MARKER};${MARKER};`,
    "unterminated quote": `Password="${MARKER}`,
    "text after quote": `Password="${MARKER}"${MARKER};`,
    "empty key": `=${MARKER}`,
    "bad server": `Server=${MARKER};Database=${MARKER};User ID=${MARKER};Password=${MARKER}`,
    "= in values": `Data Source=${MARKER}=x;Initial Catalog=${MARKER};Integrated Security=${MARKER};User ID=${MARKER};Password=${MARKER};`,
    "storage keys": `DefaultEndpointsProtocol=${MARKER};AccountName=${MARKER};AccountKey=${MARKER}!`,
  };

  for (const key of sourceKeys) {
    for (const [specName, variant] of Object.entries(sources[key].auth)) {
      for (const secret of variant.secretParams) {
        const valid = (sourceFixtures as Record<string, Record<string, { valid: { params: Record<string, unknown> }[] }>>)[key]?.[
          specName
        ]?.valid[0]?.params;
        const malformed = { ...anySecret, ...(secret === "connectionString" ? connectionStrings : {}) };
        for (const [label, value] of Object.entries(malformed)) {
          it(`${key} / ${specName} / ${secret}: ${label} is rejected without quoting the secret`, () => {
            assert.ok(valid, `no valid fixture for ${key} / ${specName}`);
            const failures = failuresOf({ source: key, name: "n", auth: { specName, params: { ...valid, [secret]: value } } });
            assert.ok(
              failures.some((f) => f.property === `auth.params.${secret}`),
              `expected a failure on auth.params.${secret}, got ${JSON.stringify(failures)}`,
            );
            for (const failure of failures) {
              for (const window of windows) {
                assert.ok(!failure.reason.includes(window), `reason leaks the secret: ${failure.reason}`);
                assert.ok(!failure.property.includes(window), `property leaks the secret: ${failure.property}`);
              }
            }
          });
        }
      }
    }
  }

  it("wrong types of secrets are described by type only", () => {
    const failure = only(adls({ auth: { specName: ADLS_SPEC, params: { ...ADLS_PARAMS, servicePrincipalKey: { value: MARKER } } } }));
    assert.deepEqual(failure, {
      property: "auth.params.servicePrincipalKey",
      reason: "must be a string (got object); expected the application's client secret",
    });
  });
});

describe("secretParamNames", () => {
  it("lists the secret params of each auth spec", () => {
    assert.deepEqual(secretParamNames("synapse", "Connection String Based Authentication"), ["connectionString"]);
    assert.deepEqual(secretParamNames("synapse", "Service Principal Key Based Authentication"), ["servicePrincipalKey"]);
    assert.deepEqual(secretParamNames("adls-gen2", ADLS_SPEC), ["servicePrincipalKey"]);
    assert.deepEqual(secretParamNames("databricks", "Access Token Authentication"), ["accessToken"]);
  });

  it("falls back to every secret of the source for a spec name it does not know", () => {
    assert.deepEqual([...secretParamNames("synapse", "Legacy Auth")].sort(), ["connectionString", "servicePrincipalKey"]);
  });
});

/**
 * The inputs of a `BaseConnection` and their validation, as the dynamic-provider host passes them to `check`
 * (plain JSON, `__provider` included, the unknown sentinel wherever a value is not known yet). Pure: zod, the
 * source registry and the shared check rules only.
 */
import { z } from "zod";
import {
  findAuthVariant,
  findSource,
  isSourceKey,
  paramNames,
  type SourceDefinition,
  sourceKeys,
  type SourceKey,
} from "../sources";
import { isMarkerKey, MARKER_LENGTH } from "../flow-service/identity";
import { isGuid, jsonType, LIMITS, list, quote } from "../sources/formats";
import { knownTimeouts, timeoutsFailures, type Timeouts } from "../shared/timeouts";
import {
  isObject,
  suggestion,
  textFailure,
  UNKNOWN,
  unknownKeyFailures,
  valueAt,
  type CheckFailure,
  type JsonObject,
  type Unknown,
} from "../shared/check";

/**
 * Validated inputs with defaults applied. String fields may hold {@link UNKNOWN} during preview; `verify` and
 * `auth.params` may be UNKNOWN as a whole, and so may any single param.
 */
export interface BaseConnectionInputs {
  source: SourceKey;
  /** Display name of the connection in AEP. */
  name: string;
  description?: string;
  auth: { specName: string; params: Record<string, unknown> | Unknown };
  /** AEP sandbox; absent means the provider's configured sandbox. */
  sandboxName?: string;
  /** Test the connection after create/update (GET /connections/{id}/test). Default false. */
  verify: boolean | Unknown;
  /** Id of an existing base connection to adopt instead of creating one; lowercased. */
  adopt?: string;
  /** Marker key of the resource (set by the `BaseConnection` class), written into the description on create. */
  identity?: string;
  /** Deadlines of the operations. */
  timeouts?: Timeouts;
}

/** The keys `validateBaseConnectionInputs` accepts at the top level (besides the host's `__provider`). */
export const INPUT_KEYS = ["source", "name", "description", "auth", "sandboxName", "verify", "adopt", "identity", "timeouts"] as const;

/** Longest description: the create marker (see flow-service/identity.ts) is appended to it in AEP. */
export const DESCRIPTION_LIMIT = LIMITS.description - MARKER_LENGTH;
const AUTH_KEYS = ["specName", "params"] as const;
/**
 * AEP sandbox names: lowercase letters, digits and hyphens, starting with a letter, at most 256 characters
 * (e.g. "prod", "dev-emea-2").
 */
const SANDBOX_NAME = /^[a-z][a-z0-9-]{0,255}$/;

/**
 * Runs the auth variant's zod schema over `params`; failures name `auth.params.<param>`, and failures on values that
 * are still unknown are dropped. Components map these paths back to the arguments the user wrote.
 */
export function paramFailures(source: SourceDefinition, specName: string, params: unknown): CheckFailure[] {
  const variant = findAuthVariant(source, specName)!;
  const expectedKeys = paramNames(variant);
  if (!isObject(params)) {
    return [
      {
        property: "auth.params",
        reason:
          (params === undefined
            ? "required; expected an object with"
            : `must be an object (got ${jsonType(params)}); expected`) +
          ` ${list(expectedKeys)} for ${JSON.stringify(specName)}`,
      },
    ];
  }
  const result = variant.params.safeParse(params);
  if (result.success) return [];
  const failures: CheckFailure[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        failures.push({
          property: z.core.toDotPath(["auth", "params", ...issue.path, key]),
          reason:
            `unknown parameter ${quote(key)}${suggestion(key, expectedKeys)} for ${JSON.stringify(specName)}; ` +
            `expected: ${list(expectedKeys)}`,
        });
      }
      continue;
    }
    if (valueAt(params, issue.path) === UNKNOWN) continue;
    failures.push({ property: z.core.toDotPath(["auth", "params", ...issue.path]), reason: issue.message });
  }
  return failures;
}

/** Validates `source` and `auth`; returns the source when it is known and valid. */
function sourceAndAuthFailures(raw: JsonObject, failures: CheckFailure[]): SourceDefinition | undefined {
  const allowedSources = list(sourceKeys);
  const sourceValue = raw["source"];
  let source: SourceDefinition | undefined;
  if (sourceValue === UNKNOWN) {
    failures.push({
      property: "source",
      reason:
        `must be known during preview because it selects the connection spec; ` +
        `pass a plain string, one of: ${allowedSources}`,
    });
  } else if (typeof sourceValue !== "string") {
    failures.push({
      property: "source",
      reason:
        sourceValue === undefined
          ? `required; expected one of: ${allowedSources}`
          : `must be a string (got ${jsonType(sourceValue)}); expected one of: ${allowedSources}`,
    });
  } else {
    source = findSource(sourceValue);
    if (!source) {
      failures.push({
        property: "source",
        reason:
          `unknown source ${quote(sourceValue)}${suggestion(sourceValue, sourceKeys)}; ` +
          `expected one of: ${allowedSources}`,
      });
    }
  }

  const specNames = source ? list(Object.keys(source.auth), true) : undefined;
  const forSource = source ? ` for ${source.key}` : "";
  const auth = raw["auth"];
  if (auth === UNKNOWN) {
    failures.push({
      property: "auth",
      reason:
        `must be known during preview: auth.specName selects the auth spec, so only auth.params ` +
        `(or single params) may come from other resources' outputs`,
    });
    return undefined;
  }
  if (!isObject(auth)) {
    failures.push({
      property: "auth",
      reason:
        `${auth === undefined ? "required" : `must be an object (got ${jsonType(auth)})`}; ` +
        `expected { specName, params }${specNames ? ` with specName one of: ${specNames}` : ""}`,
    });
    return undefined;
  }
  failures.push(...unknownKeyFailures(auth, AUTH_KEYS, ["auth"], "property"));

  const specName = auth["specName"];
  if (specName === UNKNOWN) {
    failures.push({
      property: "auth.specName",
      reason:
        `must be known during preview because it selects the auth spec; pass a plain string` +
        (specNames ? `, one of: ${specNames}` : ""),
    });
    return undefined;
  }
  if (typeof specName !== "string") {
    failures.push({
      property: "auth.specName",
      reason: `${specName === undefined ? "required" : `must be a string (got ${jsonType(specName)})`}${
        specNames ? `; expected one of: ${specNames}` : "; expected the exact Adobe auth spec name"
      }`,
    });
    return undefined;
  }
  if (!source) return undefined;
  if (!findAuthVariant(source, specName)) {
    failures.push({
      property: "auth.specName",
      reason:
        `unknown auth spec ${quote(specName)}${suggestion(specName, Object.keys(source.auth))}${forSource}; ` +
        `expected one of: ${specNames}`,
    });
    return undefined;
  }
  if (auth["params"] !== UNKNOWN) failures.push(...paramFailures(source, specName, auth["params"]));
  return source;
}

/**
 * Validates raw resource inputs (plain JSON as the dynamic-provider host passes them; `__provider` is ignored and
 * {@link UNKNOWN} values skip their checks, except `source` and `auth.specName`, which must be known).
 * Collects every failure. `inputs` is present iff `failures` is empty.
 */
export function validateBaseConnectionInputs(raw: Record<string, unknown>): {
  failures: CheckFailure[];
  inputs?: BaseConnectionInputs;
} {
  const failures: CheckFailure[] = [];
  if (!isObject(raw)) {
    return { failures: [{ property: "", reason: `inputs must be an object (got ${jsonType(raw)})` }] };
  }
  failures.push(...unknownKeyFailures(raw, INPUT_KEYS, [], "property"));
  const source = sourceAndAuthFailures(raw, failures);

  const name = raw["name"];
  const nameFailure =
    name === undefined
      ? { property: "name", reason: "required; expected the connection's display name in AEP" }
      : textFailure(name, "name", `a display name of at most ${LIMITS.name} characters`, LIMITS.name);
  if (nameFailure) failures.push(nameFailure);

  const optional: [key: string, expected: string, max: number, rule?: (v: string) => string | undefined][] = [
    ["description", `a description of at most ${DESCRIPTION_LIMIT} characters`, DESCRIPTION_LIMIT],
    [
      "sandboxName",
      "an AEP sandbox name: lowercase letters, digits and hyphens, starting with a letter, at most 256 characters",
      256,
      (v) => (SANDBOX_NAME.test(v) ? undefined : "is not a sandbox name"),
    ],
    [
      "adopt",
      "the id of an existing base connection (a GUID)",
      LIMITS.param,
      (v) => (isGuid(v) ? undefined : "is not a connection id"),
    ],
    [
      "identity",
      "16 hexadecimal digits, as the BaseConnection class sets it (do not set it yourself)",
      16,
      (v) => (isMarkerKey(v) ? undefined : "is not a resource identity"),
    ],
  ];
  for (const [key, expected, max, rule] of optional) {
    if (raw[key] === undefined || raw[key] === null) continue;
    const failure = textFailure(raw[key], key, expected, max, rule, true);
    if (failure) failures.push(failure);
  }

  failures.push(...timeoutsFailures(raw["timeouts"]));

  const verify = raw["verify"];
  if (verify !== undefined && verify !== null && verify !== UNKNOWN && typeof verify !== "boolean") {
    failures.push({
      property: "verify",
      reason: `must be a boolean (got ${jsonType(verify)}); expected true or false`,
    });
  }

  if (failures.length > 0 || !source) return { failures };
  const auth = raw["auth"] as JsonObject;
  const inputs: BaseConnectionInputs = {
    source: source.key as SourceKey,
    name: name as string,
    auth: {
      specName: auth["specName"] as string,
      params: auth["params"] === UNKNOWN ? UNKNOWN : { ...(auth["params"] as JsonObject) },
    },
    verify: verify === UNKNOWN ? UNKNOWN : verify === true,
  };
  if (typeof raw["description"] === "string") inputs.description = raw["description"];
  if (typeof raw["sandboxName"] === "string") inputs.sandboxName = raw["sandboxName"];
  if (typeof raw["adopt"] === "string") inputs.adopt = raw["adopt"] === UNKNOWN ? UNKNOWN : raw["adopt"].toLowerCase();
  if (typeof raw["identity"] === "string") inputs.identity = raw["identity"];
  const timeouts = knownTimeouts(raw["timeouts"]);
  if (timeouts !== undefined) inputs.timeouts = timeouts;
  return { failures, inputs };
}

/**
 * Names of the secret params of this source's auth spec. For a spec name the registry does not know, every param
 * that is secret in any of the source's auth specs (so nothing secret is ever treated as public).
 */
export function secretParamNames(source: SourceKey, specName: string): readonly string[] {
  const definitions: readonly SourceDefinition[] = isSourceKey(source)
    ? [findSource(source)!]
    : sourceKeys.map((key) => findSource(key)!);
  const exact = definitions.length === 1 ? findAuthVariant(definitions[0]!, specName) : undefined;
  if (exact) return exact.secretParams;
  const all = definitions.flatMap((definition) => Object.values(definition.auth).flatMap((v) => v.secretParams));
  return [...new Set(all)];
}

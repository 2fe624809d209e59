/**
 * Rules every object type shares (display name, description, sandbox, create identity) and the formats of the ids
 * and schema references that tie a dataflow's objects together. One zod rule each, used by the providers' `check`
 * and by the components alike.
 */
import { isMarkerKey, MARKER_LENGTH } from "../flow-service/identity";
import { guidProblem, LIMITS, stringParam } from "../sources/formats";
import type { FieldRules } from "./fields";

/** Longest description: the create marker (flow-service/identity.ts) is appended to it in AEP. */
export const DESCRIPTION_LIMIT = LIMITS.description - MARKER_LENGTH;

/** AEP sandbox names: lowercase letters, digits and hyphens, starting with a letter (e.g. "prod", "dev-emea-2"). */
export const SANDBOX_NAME = /^[a-z][a-z0-9-]{0,255}$/;

export const SANDBOX_RULE = stringParam({
  expected: "an AEP sandbox name: lowercase letters, digits and hyphens, starting with a letter, at most 256 characters",
  maxLength: 256,
  check: (v) => (SANDBOX_NAME.test(v) ? undefined : "is not a sandbox name"),
});

export const IDENTITY_RULE = stringParam({
  expected: "16 hexadecimal digits, as the resource class sets it (do not set it yourself)",
  maxLength: 16,
  check: (v) => (isMarkerKey(v) ? undefined : "is not a resource identity"),
});

export const DESCRIPTION_RULE = stringParam({ expected: `a description of at most ${DESCRIPTION_LIMIT} characters`, maxLength: DESCRIPTION_LIMIT });

/** The display name of an object of kind `what` (e.g. "source connection"). */
export function nameRule(what: string) {
  return stringParam({ expected: `the ${what}'s display name in AEP, at most ${LIMITS.name} characters`, maxLength: LIMITS.name });
}

/** `name`, `description`, `sandboxName` and `identity`, the fields every object type takes besides `timeouts`. */
export function commonRules(what: string): FieldRules {
  return { name: nameRule(what), description: DESCRIPTION_RULE, sandboxName: SANDBOX_RULE, identity: IDENTITY_RULE };
}

/** The id of a Flow Service object of kind `what` (base, source or target connection, flow): a GUID. */
export function flowServiceIdRule(what: string) {
  return stringParam({ expected: `the id of a ${what} (a GUID)`, maxLength: 36, check: guidProblem });
}

/** A Catalog dataset id: 24 hexadecimal digits (dataflows.md §1). */
export const DATASET_ID_RULE = stringParam({
  expected: "a Catalog dataset id, 24 hexadecimal digits such as 6019e0e7c5dcf718db5ebc71 (a Dataset's datasetId)",
  maxLength: 24,
  check: (v) => (/^[0-9a-f]{24}$/i.test(v) ? undefined : "is not a dataset id"),
});

/** A Data Prep mapping set id: 32 hexadecimal digits (dataflows.md §1). */
export const MAPPING_SET_ID_RULE = stringParam({
  expected: "a Data Prep mapping set id, 32 hexadecimal digits (a MappingSet's mappingSetId)",
  maxLength: 32,
  check: (v) => (/^[0-9a-f]{32}$/i.test(v) ? undefined : "is not a mapping set id"),
});

/**
 * An XDM schema's `$id`, the URI every API here takes (not its `meta:altId`, which starts with `_`, nor its title).
 */
export const SCHEMA_ID_RULE = stringParam({
  expected: "an XDM schema's $id, e.g. https://ns.adobe.com/<tenant>/schemas/<id>",
  maxLength: LIMITS.param,
  check: (v) => {
    if (v.startsWith("_")) return "looks like the schema's meta:altId; give its $id (https://ns.adobe.com/…)";
    if (!/^https:\/\/ns\.adobe\.com\/\S+$/.test(v)) return "is not an XDM schema $id (https://ns.adobe.com/…)";
    return undefined;
  },
});

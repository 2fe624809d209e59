/**
 * The `MappingSet` provider: Data Prep mappings from source fields to the XDM paths of the target dataset's schema
 * (dataflows.md §6).
 *
 * Updates follow Data Prep's rules: a change of the mappings (or the name) is a full PUT that makes a new version
 * (`version` + 1); the dataflow that pins the old version moves to the new one through its `mappingVersion` input.
 * The output schema replaces the set (it must be the dataset's, FLOW-1425). Data Prep keeps no description, so the
 * create marker goes at the end of the name.
 */
import { z } from "zod";
import {
  splitMarker,
  withMarker,
  XDM_FULL_SCHEMA_CONTENT_TYPE,
  type CreateIdentity,
  type Mapping,
  type MappingInput,
  type MappingSourceType,
  type NewMappingSet,
} from "../flow-service";
import type { FlowServiceClient, ListingSnapshot, MappingSet as WireMappingSet } from "../flow-service";
import { canonicalJson, isObject, UNKNOWN, type CheckFailure } from "../shared/check";
import { fieldFailures, propertyPath } from "../shared/fields";
import { COMMON_STORED_SHAPE, DataflowObjectProvider, type CommonInputs, type CommonOutputs, type CreatedOutputs, type ObjectCalls, type Validated, parseStoredWith } from "../shared/object-provider";
import { IDENTITY_RULE, SANDBOX_RULE, SCHEMA_ID_RULE } from "../shared/rules";
import { knownTimeouts, timeoutsFailures } from "../shared/timeouts";
import { writeExisting } from "../shared/writes";
import { booleanParam, enumParam, jsonType, LIMITS, quote, stringParam } from "../sources/formats";
import { MARKER_LENGTH } from "../flow-service/identity";

/** How a mapping's `source` is read. */
export const MAPPING_SOURCE_TYPES = ["ATTRIBUTE", "EXPRESSION", "STATIC"] as const;

/** Most mappings in one set (a bound of ours, so that a generated list cannot grow state without limit). */
export const MAX_MAPPINGS = 2_000;

/** One mapping as declared. */
export interface DeclaredMapping {
  /** A source column (`ATTRIBUTE`), a Data Prep expression (`EXPRESSION`) or a constant (`STATIC`). */
  source: string;
  /** An XDM field path of the output schema, e.g. `person.name.firstName`. */
  destination: string;
  /** @default "ATTRIBUTE" */
  sourceType?: MappingSourceType;
  identity?: boolean;
  primaryIdentity?: boolean;
  name?: string;
  description?: string;
}

/** An XDM field path: names separated by dots, each a letter, digit, `_` or `@` run, optionally `[*]` or `[n]`. */
const XDM_PATH = /^[A-Za-z_@][A-Za-z0-9_@-]*(\[(\*|\d+)\])?(\.[A-Za-z_@][A-Za-z0-9_@-]*(\[(\*|\d+)\])?)*$/;

/** The rule of each field of a mapping. */
export const MAPPING_RULES = {
  source: stringParam({ expected: "a source column, or a Data Prep expression or constant (see sourceType)", maxLength: LIMITS.connectionString }),
  destination: stringParam({
    expected: "an XDM field path of the dataset's schema, e.g. person.name.firstName or _acme.customerId",
    maxLength: LIMITS.param,
    check: (v) => (XDM_PATH.test(v) ? undefined : "is not an XDM field path (names separated by dots, no spaces)"),
  }),
  sourceType: enumParam(MAPPING_SOURCE_TYPES),
  identity: booleanParam(),
  primaryIdentity: booleanParam(),
  name: stringParam({ expected: "a name for the mapping", maxLength: LIMITS.name }),
  description: stringParam({ expected: "a description of the mapping", maxLength: LIMITS.description }),
} as const;

/** Validated inputs (values may be the unknown sentinel during preview). */
export interface MappingSetInputs extends CommonInputs {
  schemaId: string;
  mappings: DeclaredMapping[];
}

const NAME_LIMIT = LIMITS.name - MARKER_LENGTH;

/** The rule of each input of a mapping set; `mappings` is checked with {@link mappingsFailures}. */
export const MAPPING_SET_RULES = {
  name: stringParam({ expected: `the mapping set's name in Data Prep, at most ${NAME_LIMIT} characters`, maxLength: NAME_LIMIT }),
  schemaId: SCHEMA_ID_RULE,
  mappings: z.unknown(),
  sandboxName: SANDBOX_RULE,
  identity: IDENTITY_RULE,
  timeouts: z.unknown(),
};

/**
 * The failures of a list of mappings at `path` (e.g. `["mappings"]`): each mapping's fields, an empty list, and a
 * destination written twice (Data Prep refuses it). Mappings not known yet pass.
 */
export function mappingsFailures(mappings: unknown, path: readonly PropertyKey[]): CheckFailure[] {
  const at = propertyPath(path);
  if (mappings === UNKNOWN) return [];
  if (!Array.isArray(mappings)) {
    return [{ property: at, reason: `${mappings === undefined ? "required" : `must be an array (got ${jsonType(mappings)})`}; expected a list of { source, destination, sourceType? }` }];
  }
  if (mappings.length === 0) return [{ property: at, reason: "is empty; expected at least one mapping { source, destination }" }];
  if (mappings.length > MAX_MAPPINGS) return [{ property: at, reason: `has ${mappings.length} mappings; expected at most ${MAX_MAPPINGS}` }];
  const failures: CheckFailure[] = [];
  const destinations = new Map<string, number>();
  mappings.forEach((mapping, index) => {
    failures.push(...fieldFailures(mapping, [...path, index], MAPPING_RULES, { required: ["source", "destination"], expected: "a mapping { source, destination, sourceType? }" }));
    if (!isObject(mapping) || typeof mapping["destination"] !== "string" || mapping["destination"] === UNKNOWN) return;
    const first = destinations.get(mapping["destination"]);
    if (first === undefined) destinations.set(mapping["destination"], index);
    else failures.push({ property: propertyPath([...path, index, "destination"]), reason: `${quote(mapping["destination"])} is already the destination of ${propertyPath([...path, first])}; each destination takes one mapping` });
  });
  return failures;
}

/** Validates raw inputs, every failure with its property path. */
export function validateMappingSetInputs(raw: Record<string, unknown>): Validated<MappingSetInputs> {
  const failures = fieldFailures(raw, [], MAPPING_SET_RULES, { required: ["name", "schemaId"], expected: "the inputs of a mapping set" });
  failures.push(...mappingsFailures(raw["mappings"], ["mappings"]), ...timeoutsFailures(raw["timeouts"]));
  if (failures.length > 0) return { failures };
  const mappings = raw["mappings"] === UNKNOWN ? UNKNOWN : (raw["mappings"] as unknown[]).map((m) => (m === UNKNOWN ? m : declared(m as Record<string, unknown>)));
  const inputs: MappingSetInputs = { name: raw["name"] as string, schemaId: raw["schemaId"] as string, mappings: mappings as unknown as DeclaredMapping[] };
  for (const key of ["sandboxName", "identity"] as const) if (typeof raw[key] === "string") inputs[key] = raw[key];
  const timeouts = knownTimeouts(raw["timeouts"]);
  if (timeouts !== undefined) inputs.timeouts = timeouts;
  return { failures, inputs };
}

/** A mapping with its default `sourceType` and without absent fields (as stored and compared). */
function declared(mapping: Record<string, unknown>): DeclaredMapping {
  const result: Record<string, unknown> = { sourceType: "ATTRIBUTE" };
  for (const [key, value] of Object.entries(mapping)) if (value !== undefined && value !== null) result[key] = value;
  return result as unknown as DeclaredMapping;
}

/** A mapping AEP holds, in the declared shape (ids, versions and Data Prep's extra fields dropped). */
function heldMapping(mapping: Mapping): DeclaredMapping {
  const result: DeclaredMapping = { sourceType: mapping.sourceType as MappingSourceType, source: mapping.source, destination: mapping.destination };
  if (mapping.identity === true) result.identity = true;
  if (mapping.primaryIdentity === true) result.primaryIdentity = true;
  if (mapping.name !== undefined && mapping.name !== "") result.name = mapping.name;
  if (mapping.description !== undefined && mapping.description !== "") result.description = mapping.description;
  return result;
}

/** Whether two lists hold the same mappings, in any order (`false` flags count as absent). */
export function sameDeclaredMappings(a: readonly DeclaredMapping[], b: readonly DeclaredMapping[]): boolean {
  const key = (m: DeclaredMapping) => canonicalJson({ ...m, identity: m.identity === true || undefined, primaryIdentity: m.primaryIdentity === true || undefined });
  const left = a.map(key).sort();
  const right = b.map(key).sort();
  return left.length === right.length && left.every((k, i) => k === right[i]);
}

/** Outputs of a `MappingSet`, as stored in state. */
export interface MappingSetOutputs extends CommonOutputs {
  /** The mapping set id in Data Prep (32 hex digits; also the Pulumi resource id). */
  mappingSetId: string;
  /** The current version: 0 when created, + 1 for each update. A dataflow pins it. */
  version: number;
  name: string;
  schemaId: string;
  mappings: DeclaredMapping[];
}

const storedSchema = z
  .object({
    mappingSetId: z.string(),
    version: z.number().optional(),
    schemaId: z.string().optional(),
    mappings: z.array(z.record(z.string(), z.unknown())).optional(),
    ...COMMON_STORED_SHAPE,
  })
  .loose();

type Stored = z.infer<typeof storedSchema> & MappingSetOutputs;

/** Implements `pulumi.dynamic.ResourceProvider` for `MappingSet`. */
export class MappingSetProvider extends DataflowObjectProvider<MappingSetInputs, Stored, WireMappingSet> {
  protected readonly what = "mapping set";

  protected validate(raw: Record<string, unknown>): Validated<MappingSetInputs> {
    return validateMappingSetInputs(raw);
  }

  protected parseStored(raw: Record<string, unknown>, id: string): Stored {
    return parseStoredWith(storedSchema, raw, "mappingSetId", id, this.what) as Stored;
  }

  protected replaceKeys(olds: Stored, inputs: MappingSetInputs): string[] {
    return olds.schemaId !== undefined && olds.schemaId !== inputs.schemaId ? ["schemaId"] : [];
  }

  protected aepChanged(olds: Stored, inputs: MappingSetInputs): boolean {
    if (olds.name !== inputs.name || olds.mappings === undefined) return true;
    return !Array.isArray(inputs.mappings) || inputs.mappings.some((m) => typeof m !== "object") || !sameDeclaredMappings(olds.mappings, inputs.mappings);
  }

  private body(inputs: MappingSetInputs): NewMappingSet {
    return {
      name: inputs.identity === undefined ? inputs.name : withMarker(inputs.name, inputs.identity),
      outputSchema: { schemaRef: { id: inputs.schemaId, contentType: XDM_FULL_SCHEMA_CONTENT_TYPE } },
      mappings: inputs.mappings.map((m) => ({ ...m, sourceType: m.sourceType ?? "ATTRIBUTE" }) as MappingInput),
    };
  }

  private outputs(id: string, version: number, inputs: MappingSetInputs, sandboxName: string): Stored {
    return {
      mappingSetId: id,
      version,
      name: inputs.name,
      schemaId: inputs.schemaId,
      mappings: inputs.mappings,
      sandboxName,
      identity: inputs.identity,
      timeouts: inputs.timeouts,
    } as Stored;
  }

  protected listing(client: FlowServiceClient, sandboxName: string): ListingSnapshot<WireMappingSet> {
    return client.mappingSetSnapshot({ sandboxName });
  }

  protected async createObject(calls: ObjectCalls, inputs: MappingSetInputs, identity: CreateIdentity | undefined, snapshot: ListingSnapshot<WireMappingSet> | undefined): Promise<CreatedOutputs<Stored>> {
    const created = await calls.client.createMappingSet(this.body(inputs), identity === undefined ? calls.call : { ...calls.call, identity, ...(snapshot !== undefined ? { snapshot } : {}) });
    return { ...created, outputs: this.outputs(created.id, created.version, inputs, calls.call.sandboxName) };
  }

  /** A full PUT: Data Prep's only update. It makes a new version, so it is skipped when AEP already holds the declared set. */
  protected async writeDeclared(calls: ObjectCalls, id: string, olds: Stored, inputs: MappingSetInputs): Promise<Stored> {
    // An update only gets here with a change; a create that took over an earlier run's set may find it as declared.
    if (!this.aepChanged(olds, inputs) && olds.version !== undefined) return this.outputs(id, olds.version, inputs, calls.call.sandboxName);
    const target = { what: "Mapping set", id, sandboxName: calls.call.sandboxName };
    const updated = await writeExisting(target, () => calls.client.updateMappingSet(id, this.body(inputs), calls.call));
    return this.outputs(id, updated.version, inputs, calls.call.sandboxName);
  }

  protected async readObject(calls: ObjectCalls, id: string, olds: Stored): Promise<Stored | undefined> {
    const current = await calls.client.getMappingSet(id, {}, calls.call);
    if (current === undefined) return undefined;
    return {
      ...olds,
      mappingSetId: current.id,
      version: current.version,
      name: splitMarker(current.name).text ?? "",
      schemaId: current.outputSchemaId ?? olds.schemaId,
      mappings: current.mappings.map(heldMapping),
      sandboxName: calls.call.sandboxName,
    } as Stored;
  }

  protected async deleteObject(calls: ObjectCalls, id: string): Promise<void> {
    await calls.client.deleteMappingSet(id, calls.call);
  }

  protected deleteStray(calls: ObjectCalls, id: string): Promise<unknown> {
    return calls.client.deleteMappingSet(id, calls.call);
  }
}

/**
 * The `Dataset` provider: a Catalog dataset for an existing XDM schema, the target of a dataflow (dataflows.md §4).
 *
 * Catalog's create is documented and nothing that changes a dataset is, so every input replaces the dataset
 * (`timeouts` excepted). A replaced dataset is a new, empty one: protect a dataset that holds data
 * (`protect: true`) before changing it.
 */
import { z } from "zod";
import { splitMarker, XDM_SCHEMA_CONTENT_TYPE, type CreateIdentity } from "../flow-service";
import type { FlowServiceClient, ListingSnapshot, Dataset as WireDataset } from "../flow-service";
import { sameJson, UNKNOWN } from "../shared/check";
import { fieldFailures } from "../shared/fields";
import { COMMON_STORED_SHAPE, DataflowObjectProvider, markedDescription, type CommonInputs, type CommonOutputs, type CreatedOutputs, type ObjectCalls, type Validated, parseStoredWith } from "../shared/object-provider";
import { commonRules, SCHEMA_ID_RULE } from "../shared/rules";
import { knownTimeouts, timeoutsFailures } from "../shared/timeouts";
import { booleanParam } from "../sources/formats";

/** Validated inputs (values may be the unknown sentinel during preview). */
export interface DatasetInputs extends CommonInputs {
  /** The XDM schema's `$id`. */
  schemaId: string;
  /** Profile-enabled (`tags.unifiedProfile`); the schema must be too. */
  profileEnabled?: boolean;
}

/** The rule of each input of a dataset. */
export const DATASET_RULES = {
  ...commonRules("dataset"),
  schemaId: SCHEMA_ID_RULE,
  profileEnabled: booleanParam(),
  timeouts: z.unknown(),
};

/** Validates raw inputs, every failure with its property path. */
export function validateDatasetInputs(raw: Record<string, unknown>): Validated<DatasetInputs> {
  const failures = fieldFailures(raw, [], DATASET_RULES, { required: ["name", "schemaId"], expected: "the inputs of a dataset" });
  failures.push(...timeoutsFailures(raw["timeouts"]));
  if (failures.length > 0) return { failures };
  const inputs: DatasetInputs = { name: raw["name"] as string, schemaId: raw["schemaId"] as string };
  for (const key of ["description", "sandboxName", "identity"] as const) if (typeof raw[key] === "string") inputs[key] = raw[key];
  if (raw["profileEnabled"] === true || raw["profileEnabled"] === false || raw["profileEnabled"] === UNKNOWN) inputs.profileEnabled = raw["profileEnabled"] as boolean;
  const timeouts = knownTimeouts(raw["timeouts"]);
  if (timeouts !== undefined) inputs.timeouts = timeouts;
  return { failures, inputs };
}

/** Outputs of a `Dataset`, as stored in state. */
export interface DatasetOutputs extends CommonOutputs {
  /** The dataset id in Catalog (24 hex digits; also the Pulumi resource id). */
  datasetId: string;
  schemaId: string;
  name: string;
  profileEnabled: boolean;
  /** Catalog's state of the dataset, e.g. `DRAFT`; known after a refresh. */
  state?: string;
}

const storedSchema = z
  .object({
    datasetId: z.string(),
    schemaId: z.string().optional(),
    profileEnabled: z.boolean().optional(),
    state: z.string().optional(),
    ...COMMON_STORED_SHAPE,
  })
  .loose();

type Stored = z.infer<typeof storedSchema> & DatasetOutputs;

/** The tag that makes a dataset Profile-enabled (TPL). */
const PROFILE_TAG = "enabled:true";

/** Implements `pulumi.dynamic.ResourceProvider` for `Dataset`. */
export class DatasetProvider extends DataflowObjectProvider<DatasetInputs, Stored, WireDataset> {
  protected readonly what = "dataset";

  protected validate(raw: Record<string, unknown>): Validated<DatasetInputs> {
    return validateDatasetInputs(raw);
  }

  protected parseStored(raw: Record<string, unknown>, id: string): Stored {
    return parseStoredWith(storedSchema, raw, "datasetId", id, this.what) as Stored;
  }

  protected replaceKeys(olds: Stored, inputs: DatasetInputs): string[] {
    const declared: Record<string, unknown> = { name: inputs.name, description: inputs.description || undefined, schemaId: inputs.schemaId, profileEnabled: inputs.profileEnabled ?? false };
    const stored: Record<string, unknown> = { name: olds.name, description: olds.description || undefined, schemaId: olds.schemaId, profileEnabled: olds.profileEnabled ?? false };
    // A field older state lacks never forces a replacement (a description may be absent: it was not declared).
    return Object.keys(declared).filter((key) => (stored[key] !== undefined || key === "description") && !sameJson(declared[key], stored[key]));
  }

  protected aepChanged(): boolean {
    return false;
  }

  private outputs(id: string, inputs: DatasetInputs, sandboxName: string, state?: string): Stored {
    return {
      datasetId: id,
      schemaId: inputs.schemaId,
      name: inputs.name,
      description: inputs.description,
      profileEnabled: inputs.profileEnabled ?? false,
      ...(state !== undefined ? { state } : {}),
      sandboxName,
      identity: inputs.identity,
      timeouts: inputs.timeouts,
    } as Stored;
  }

  protected listing(client: FlowServiceClient, sandboxName: string): ListingSnapshot<WireDataset> {
    return client.datasetSnapshot({ sandboxName });
  }

  protected async createObject(calls: ObjectCalls, inputs: DatasetInputs, identity: CreateIdentity | undefined, snapshot: ListingSnapshot<WireDataset> | undefined): Promise<CreatedOutputs<Stored>> {
    const description = markedDescription(inputs);
    const created = await calls.client.createDataset(
      {
        name: inputs.name,
        ...(description !== undefined ? { description } : {}),
        schemaRef: { id: inputs.schemaId, contentType: XDM_SCHEMA_CONTENT_TYPE },
        ...(inputs.profileEnabled === true ? { tags: { unifiedProfile: [PROFILE_TAG] } } : {}),
      },
      identity === undefined ? calls.call : { ...calls.call, identity, ...(snapshot !== undefined ? { snapshot } : {}) },
    );
    return { ...created, outputs: this.outputs(created.id, inputs, calls.call.sandboxName) };
  }

  /**
   * Nothing of a dataset changes in place: what an earlier run made (its name and schema match) is kept as found, and
   * recorded as AEP holds it (`current`, as read), so that a description or Profile setting it lacks shows as a
   * replacement on the next up instead of being claimed by state.
   */
  protected async writeDeclared(_calls: ObjectCalls, _id: string, current: Stored, inputs: DatasetInputs): Promise<Stored> {
    return this.withDeclared(current, inputs);
  }

  protected async readObject(calls: ObjectCalls, id: string, olds: Stored): Promise<Stored | undefined> {
    const current = await calls.client.getDataset(id, calls.call);
    if (current === undefined) return undefined;
    const profile = current.tags?.["unifiedProfile"];
    return {
      ...olds,
      datasetId: current.id,
      name: current.name,
      description: splitMarker(current.description).text,
      schemaId: current.schemaRef?.id ?? olds.schemaId,
      profileEnabled: Array.isArray(profile) ? profile.some((tag) => String(tag).replace(/\s/g, "") === PROFILE_TAG) : false,
      ...(current.state !== undefined ? { state: current.state } : {}),
      sandboxName: calls.call.sandboxName,
    } as Stored;
  }

  protected async deleteObject(calls: ObjectCalls, id: string): Promise<void> {
    await calls.client.deleteDataset(id, calls.call);
  }

  protected deleteStray(calls: ObjectCalls, id: string): Promise<unknown> {
    return calls.client.deleteDataset(id, calls.call);
  }
}

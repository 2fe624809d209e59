/**
 * The `TargetConnection` provider: the Data Lake target of a dataflow, writing into one Catalog dataset
 * (dataflows.md §5).
 *
 * In place: the name and description (a PATCH with If-Match). The dataset, its schema and the format replace the
 * target connection and the dataflow that writes through it (UPDF: a new pair of connections and a new dataflow).
 */
import { z } from "zod";
import {
  dataLakeTargetConnection,
  DATA_LAKE_CONNECTION_SPEC_ID,
  splitMarker,
  type CreateIdentity,
  type JsonPatchOperation,
  type TargetConnection,
} from "../flow-service";
import type { FlowServiceClient, ListingSnapshot, TargetConnection as WireTargetConnection } from "../flow-service";
import { sameJson } from "../shared/check";
import { fieldFailures } from "../shared/fields";
import {
  COMMON_STORED_SHAPE,
  DataflowObjectProvider,
  markedDescription,
  nameAndDescriptionPatch,
  type CommonInputs,
  type CommonOutputs,
  type CreatedOutputs,
  type ObjectCalls,
  parseStoredWith,
  type Validated,
} from "../shared/object-provider";
import { commonRules, DATASET_ID_RULE, SCHEMA_ID_RULE } from "../shared/rules";
import { knownTimeouts, timeoutsFailures } from "../shared/timeouts";
import { patchDeclared } from "../shared/writes";
import { LIMITS, stringParam } from "../sources/formats";

/** Validated inputs (values may be the unknown sentinel during preview). */
export interface TargetConnectionInputs extends CommonInputs {
  /** The Catalog dataset written into. */
  datasetId: string;
  /** The dataset's XDM schema `$id`. */
  schemaId: string;
  /** `data.format`, e.g. `parquet_xdm`; not sent when absent (dataflows.md §12 #22). */
  format?: string;
}

/** The rule of each input of a target connection. */
export const TARGET_CONNECTION_RULES = {
  ...commonRules("target connection"),
  datasetId: DATASET_ID_RULE,
  schemaId: SCHEMA_ID_RULE,
  format: stringParam({ expected: "the Data Lake's data format, e.g. parquet_xdm", maxLength: LIMITS.name }),
  timeouts: z.unknown(),
};

/** Validates raw inputs, every failure with its property path. */
export function validateTargetConnectionInputs(raw: Record<string, unknown>): Validated<TargetConnectionInputs> {
  const failures = fieldFailures(raw, [], TARGET_CONNECTION_RULES, { required: ["name", "datasetId", "schemaId"], expected: "the inputs of a target connection" });
  failures.push(...timeoutsFailures(raw["timeouts"]));
  if (failures.length > 0) return { failures };
  const inputs: TargetConnectionInputs = { name: raw["name"] as string, datasetId: raw["datasetId"] as string, schemaId: raw["schemaId"] as string };
  for (const key of ["description", "sandboxName", "identity", "format"] as const) if (typeof raw[key] === "string") inputs[key] = raw[key];
  const timeouts = knownTimeouts(raw["timeouts"]);
  if (timeouts !== undefined) inputs.timeouts = timeouts;
  return { failures, inputs };
}

/** Outputs of a `TargetConnection`, as stored in state. */
export interface TargetConnectionOutputs extends CommonOutputs {
  /** The target connection id in AEP (also the Pulumi resource id). */
  targetConnectionId: string;
  etag: string;
  /** `enabled` once created; a refresh reads the live one. */
  state: string;
  name: string;
  datasetId: string;
  schemaId: string;
  format?: string;
  /** The Data Lake's connection spec id. */
  connectionSpecId: string;
}

const storedSchema = z
  .object({
    targetConnectionId: z.string(),
    etag: z.string().optional(),
    state: z.string().optional(),
    datasetId: z.string().optional(),
    schemaId: z.string().optional(),
    format: z.string().optional(),
    connectionSpecId: z.string().optional(),
    ...COMMON_STORED_SHAPE,
  })
  .loose();

type Stored = z.infer<typeof storedSchema> & TargetConnectionOutputs;

/** The fields that replace the connection, as held (by state or AEP) and as declared. */
function replacing(held: { datasetId?: string | undefined; schemaId?: string | undefined; format?: string | undefined }, inputs: TargetConnectionInputs): string[] {
  const changed: string[] = [];
  if (held.datasetId !== undefined && held.datasetId !== inputs.datasetId) changed.push("datasetId");
  if (held.schemaId !== undefined && held.schemaId !== inputs.schemaId) changed.push("schemaId");
  if (!sameJson(held.format, inputs.format)) changed.push("format");
  return changed;
}

/** Implements `pulumi.dynamic.ResourceProvider` for `TargetConnection`. */
export class TargetConnectionProvider extends DataflowObjectProvider<TargetConnectionInputs, Stored, WireTargetConnection> {
  protected readonly what = "target connection";

  protected validate(raw: Record<string, unknown>): Validated<TargetConnectionInputs> {
    return validateTargetConnectionInputs(raw);
  }

  protected parseStored(raw: Record<string, unknown>, id: string): Stored {
    return parseStoredWith(storedSchema, raw, "targetConnectionId", id, this.what) as Stored;
  }

  protected replaceKeys(olds: Stored, inputs: TargetConnectionInputs): string[] {
    return replacing(olds, inputs);
  }

  protected aepChanged(olds: Stored, inputs: TargetConnectionInputs): boolean {
    return olds.name !== inputs.name || (olds.description || undefined) !== (inputs.description || undefined);
  }

  private outputs(id: string, etag: string, state: string, inputs: TargetConnectionInputs, sandboxName: string): Stored {
    return {
      targetConnectionId: id,
      etag,
      state,
      name: inputs.name,
      description: inputs.description,
      datasetId: inputs.datasetId,
      schemaId: inputs.schemaId,
      format: inputs.format,
      connectionSpecId: DATA_LAKE_CONNECTION_SPEC_ID,
      sandboxName,
      identity: inputs.identity,
      timeouts: inputs.timeouts,
    } as Stored;
  }

  private body(inputs: TargetConnectionInputs) {
    const description = markedDescription(inputs);
    return dataLakeTargetConnection({
      name: inputs.name,
      ...(description !== undefined ? { description } : {}),
      schemaId: inputs.schemaId,
      dataSetId: inputs.datasetId,
      ...(inputs.format !== undefined ? { format: inputs.format } : {}),
    });
  }

  protected listing(client: FlowServiceClient, sandboxName: string): ListingSnapshot<WireTargetConnection> {
    return client.targetConnectionSnapshot({ sandboxName });
  }

  protected async createObject(calls: ObjectCalls, inputs: TargetConnectionInputs, identity: CreateIdentity | undefined, snapshot: ListingSnapshot<WireTargetConnection> | undefined): Promise<CreatedOutputs<Stored>> {
    const created = await calls.client.createTargetConnection(this.body(inputs), identity === undefined ? calls.call : { ...calls.call, identity, ...(snapshot !== undefined ? { snapshot } : {}) });
    return { ...created, outputs: this.outputs(created.id, created.etag, "enabled", inputs, calls.call.sandboxName) };
  }

  protected async writeDeclared(calls: ObjectCalls, id: string, olds: Stored, inputs: TargetConnectionInputs): Promise<Stored> {
    const operations = (current: TargetConnection | undefined): JsonPatchOperation[] => {
      const held = current === undefined ? olds : heldBy(current);
      const ops = nameAndDescriptionPatch(inputs, held.description);
      // Only after a create found an earlier run's object: an update never gets here with another dataset (it replaces).
      if (replacing(held, inputs).length > 0) {
        const { data, params } = this.body(inputs);
        ops.push({ op: "replace", path: "/data", value: data }, { op: "replace", path: "/params", value: params });
      }
      return ops;
    };
    const etag = await patchDeclared({
      what: "Target connection",
      id,
      etag: olds.etag,
      operations,
      patch: (etag, ops) => calls.client.updateTargetConnection(id, etag, ops, calls.call),
      get: () => calls.client.getTargetConnection(id, calls.call),
      sandboxName: calls.call.sandboxName,
    });
    return this.outputs(id, etag, olds.state ?? "enabled", inputs, calls.call.sandboxName);
  }

  protected async readObject(calls: ObjectCalls, id: string, olds: Stored): Promise<Stored | undefined> {
    const current = await calls.client.getTargetConnection(id, calls.call);
    if (current === undefined) return undefined;
    return {
      ...olds,
      ...heldBy(current),
      targetConnectionId: current.id,
      etag: current.etag,
      state: current.state ?? olds.state ?? "enabled",
      name: current.name ?? olds.name,
      connectionSpecId: current.connectionSpec.id,
      sandboxName: calls.call.sandboxName,
    } as Stored;
  }

  protected async deleteObject(calls: ObjectCalls, id: string): Promise<void> {
    await calls.client.deleteTargetConnection(id, calls.call);
  }

  protected deleteStray(calls: ObjectCalls, id: string): Promise<unknown> {
    return calls.client.deleteTargetConnection(id, calls.call);
  }
}

/** What a target connection AEP holds writes into, in the inputs' shape. */
function heldBy(current: TargetConnection): { description: string | undefined; datasetId: string | undefined; schemaId: string | undefined; format: string | undefined } {
  return {
    description: splitMarker(current.description).text,
    datasetId: current.params.dataSetId,
    schemaId: current.data.schema?.id,
    format: current.data.format,
  };
}

/**
 * The `Dataflow` provider: a flow from one source connection to one target connection, under the flow spec its
 * source chooses, with its transformations and schedule (dataflows.md §7).
 *
 * In place (UPDF): name, description, the schedule's frequency, interval and backfill, its start time until the
 * first start has passed, the mapping (set and version), and enabled / disabled (`POST /flows/{id}/action`).
 * Replaced: the source, the source or target connection, the delta column, and the start time once passed.
 * An update sends one PATCH (and the action, when `enabled` changed); a create one POST (and a disable, when declared
 * disabled). `lastRunStatus` and `lastRunId` are what a refresh last read.
 */
import { z } from "zod";
import {
  CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID,
  copyTransformation,
  CRM_TO_AEP_FLOW_SPEC_ID,
  FlowServiceError,
  mappingTransformation,
  splitMarker,
  type CreateIdentity,
  type Flow,
  type FlowServiceClient,
  type FlowTransformation,
  type JsonPatchOperation,
  type ListingSnapshot,
} from "../flow-service";
import { hasUnknown, sameJson } from "../shared/check";
import {
  COMMON_STORED_SHAPE,
  DataflowObjectProvider,
  markedDescription,
  nameAndDescriptionPatch,
  type CommonOutputs,
  type CreatedOutputs,
  type ObjectCalls,
  parseStoredWith,
  type Validated,
} from "../shared/object-provider";
import { patchDeclared, writeExisting } from "../shared/writes";
import { isSourceKey, sources, type DeltaColumn, type SourceKey } from "../sources";
import { toSchedule, validateDataflowInputs, type DataflowInputs, type Schedule } from "./inputs";

/** Flow spec ids by the name a source's definition gives (`dataflow.flowSpec`). */
export const FLOW_SPEC_IDS = { CRMToAEP: CRM_TO_AEP_FLOW_SPEC_ID, CloudStorageToAEP: CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID } as const;

/** Outputs of a `Dataflow`, as stored in state. */
export interface DataflowOutputs extends CommonOutputs {
  /** The flow id in AEP (also the Pulumi resource id). */
  flowId: string;
  etag: string;
  /** AEP's state: `enabled` or `disabled`, or a transitional one AEP reports on refresh. */
  state: string;
  enabled: boolean;
  source: string;
  flowSpecId: string;
  name: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  mappingSetId: string;
  mappingVersion: number;
  deltaColumn?: DeltaColumn;
  /** `startTime` in epoch seconds. */
  schedule: Schedule;
  /** The latest run's id, as a refresh last read it. */
  lastRunId?: string;
  /** The latest run's state (`success`, `failed`, `inProgress`, …), as a refresh last read it. */
  lastRunStatus?: string;
}

const storedSchema = z
  .object({
    flowId: z.string(),
    etag: z.string().optional(),
    state: z.string().optional(),
    enabled: z.boolean().optional(),
    source: z.string().optional(),
    flowSpecId: z.string().optional(),
    sourceConnectionId: z.string().optional(),
    targetConnectionId: z.string().optional(),
    mappingSetId: z.string().optional(),
    mappingVersion: z.number().optional(),
    deltaColumn: z.record(z.string(), z.unknown()).optional(),
    schedule: z.object({ frequency: z.string(), interval: z.number().optional(), startTime: z.number(), backfill: z.boolean().optional() }).loose().optional(),
    lastRunId: z.string().optional(),
    lastRunStatus: z.string().optional(),
    ...COMMON_STORED_SHAPE,
  })
  .loose();

type Stored = z.infer<typeof storedSchema> & DataflowOutputs;

/** The transformations of a flow of `source`: `Copy` with the delta column, then `Mapping` (CRMToAEP); `Mapping` only. */
function transformations(inputs: DataflowInputs): FlowTransformation[] {
  const mapping = mappingTransformation(inputs.mappingSetId, inputs.mappingVersion);
  if (inputs.deltaColumn === undefined) return [mapping];
  return [copyTransformation({ timezone: "UTC", ...inputs.deltaColumn }), mapping];
}

/** The delta column as sent (Adobe requires UTC, the default). */
function sentDeltaColumn(deltaColumn: DeltaColumn | undefined): DeltaColumn | undefined {
  return deltaColumn === undefined ? undefined : { timezone: "UTC", ...deltaColumn };
}

/** What a flow AEP holds says about the fields of this resource. */
function heldBy(flow: Flow): Pick<DataflowOutputs, "mappingSetId" | "mappingVersion" | "deltaColumn" | "schedule" | "description"> & { mappingIndex: number } {
  const mappingIndex = flow.transformations.findIndex((t) => t.name.toLowerCase() === "mapping");
  const mapping = flow.transformations[mappingIndex]?.params ?? {};
  const copy = flow.transformations.find((t) => t.name.toLowerCase() === "copy")?.params["deltaColumn"];
  const schedule = flow.scheduleParams ?? {};
  return {
    mappingIndex,
    mappingSetId: String(mapping["mappingId"] ?? ""),
    mappingVersion: Number(mapping["mappingVersion"] ?? -1),
    ...(typeof copy === "object" && copy !== null ? { deltaColumn: copy as DeltaColumn } : {}),
    schedule: { frequency: schedule.frequency, interval: schedule.interval, startTime: schedule.startTime, backfill: schedule.backfill } as Schedule,
    description: splitMarker(flow.description).text,
  };
}

/** Whether the held schedule's first start has passed: its start time can no longer change in place (UPDF). */
function started(schedule: Schedule | undefined, now: number): boolean {
  return schedule !== undefined && schedule.startTime * 1000 <= now;
}

/** Implements `pulumi.dynamic.ResourceProvider` for `Dataflow`. */
export class DataflowProvider extends DataflowObjectProvider<DataflowInputs, Stored, Flow> {
  protected readonly what = "dataflow";

  protected validate(raw: Record<string, unknown>): Validated<DataflowInputs> {
    return validateDataflowInputs(raw);
  }

  protected parseStored(raw: Record<string, unknown>, id: string): Stored {
    return parseStoredWith(storedSchema, raw, "flowId", id, this.what) as Stored;
  }

  protected replaceKeys(olds: Stored, inputs: DataflowInputs): string[] {
    const replaces: string[] = [];
    if (olds.source !== undefined && olds.source !== inputs.source) replaces.push("source");
    for (const key of ["sourceConnectionId", "targetConnectionId"] as const) {
      if (olds[key] !== undefined && olds[key].toLowerCase() !== inputs[key].toLowerCase()) replaces.push(key);
    }
    if (olds.source === inputs.source && !sameJson(olds.deltaColumn, sentDeltaColumn(inputs.deltaColumn))) replaces.push("deltaColumn");
    if (started(olds.schedule, Date.now()) && this.startTimeChanged(olds, inputs)) replaces.push("schedule.startTime");
    return replaces;
  }

  private startTimeChanged(olds: Stored, inputs: DataflowInputs): boolean {
    return olds.schedule === undefined || knownSchedule(inputs)?.startTime !== olds.schedule.startTime;
  }

  /** Whether the PATCHable fields differ (name, description, schedule, mapping). */
  private patchable(olds: Stored, inputs: DataflowInputs): boolean {
    return (
      olds.name !== inputs.name ||
      (olds.description || undefined) !== (inputs.description || undefined) ||
      olds.mappingSetId !== inputs.mappingSetId ||
      olds.mappingVersion !== inputs.mappingVersion ||
      !sameJson(olds.schedule, knownSchedule(inputs))
    );
  }

  protected aepChanged(olds: Stored, inputs: DataflowInputs): boolean {
    return this.patchable(olds, inputs) || (olds.enabled ?? true) !== inputs.enabled;
  }

  private outputs(id: string, etag: string, state: string, inputs: DataflowInputs, sandboxName: string, olds?: Stored): Stored {
    const source = sources[inputs.source];
    return {
      flowId: id,
      etag,
      state,
      enabled: inputs.enabled,
      source: inputs.source,
      flowSpecId: FLOW_SPEC_IDS[source.dataflow.flowSpec],
      name: inputs.name,
      description: inputs.description,
      sourceConnectionId: inputs.sourceConnectionId,
      targetConnectionId: inputs.targetConnectionId,
      mappingSetId: inputs.mappingSetId,
      mappingVersion: inputs.mappingVersion,
      deltaColumn: sentDeltaColumn(inputs.deltaColumn),
      schedule: toSchedule(inputs.schedule),
      lastRunId: olds?.lastRunId,
      lastRunStatus: olds?.lastRunStatus,
      sandboxName,
      identity: inputs.identity,
      timeouts: inputs.timeouts,
    } as Stored;
  }

  protected listing(client: FlowServiceClient, sandboxName: string): ListingSnapshot<Flow> {
    return client.flowSnapshot({ sandboxName });
  }

  protected async createObject(calls: ObjectCalls, inputs: DataflowInputs, identity: CreateIdentity | undefined, snapshot: ListingSnapshot<Flow> | undefined): Promise<CreatedOutputs<Stored>> {
    const description = markedDescription(inputs);
    const created = await calls.client.createFlow(
      {
        name: inputs.name,
        ...(description !== undefined ? { description } : {}),
        flowSpec: { id: FLOW_SPEC_IDS[sources[inputs.source].dataflow.flowSpec], version: "1.0" },
        sourceConnectionIds: [inputs.sourceConnectionId],
        targetConnectionIds: [inputs.targetConnectionId],
        transformations: transformations(inputs),
        scheduleParams: toSchedule(inputs.schedule),
      },
      identity === undefined ? calls.call : { ...calls.call, identity, ...(snapshot !== undefined ? { snapshot } : {}) },
    );
    // Flow Service creates flows enabled (a create may not carry a state, FLOW-1410); afterCreate disables one declared so.
    return { ...created, outputs: this.outputs(created.id, created.etag, "enabled", { ...inputs, enabled: true }, calls.call.sandboxName) };
  }

  protected override async afterCreate(calls: ObjectCalls, id: string, outputs: Stored, inputs: DataflowInputs): Promise<Stored> {
    if (inputs.enabled || outputs.state === "disabled") return { ...outputs, enabled: inputs.enabled };
    const etag = await this.setEnabled(calls, id, false);
    return { ...outputs, etag, state: "disabled", enabled: false };
  }

  protected async writeDeclared(calls: ObjectCalls, id: string, olds: Stored, inputs: DataflowInputs): Promise<Stored> {
    let etag = olds.etag;
    if (this.patchable(olds, inputs)) {
      const declared = toSchedule(inputs.schedule);
      const operations = (current: Flow | undefined): JsonPatchOperation[] => {
        const held = current === undefined ? { ...olds, mappingIndex: olds.deltaColumn === undefined ? 0 : 1 } : heldBy(current);
        const ops = nameAndDescriptionPatch(inputs, held.description);
        ops.push({ op: "add", path: "/scheduleParams/frequency", value: declared.frequency });
        for (const field of ["interval", "backfill"] as const) {
          if (declared[field] !== undefined) ops.push({ op: "add", path: `/scheduleParams/${field}`, value: declared[field] });
          else if (held.schedule?.[field] !== undefined) ops.push({ op: "remove", path: `/scheduleParams/${field}` });
        }
        if (held.schedule?.startTime !== declared.startTime) ops.push({ op: "add", path: "/scheduleParams/startTime", value: declared.startTime });
        if (held.mappingIndex === -1) throw new Error(`dataflow ${id} has no Mapping transformation to point at mapping set ${inputs.mappingSetId}`);
        ops.push({ op: "replace", path: `/transformations/${held.mappingIndex}`, value: mappingTransformation(inputs.mappingSetId, inputs.mappingVersion) });
        // Only after a create found an earlier run's flow: an update never gets here with another delta column (it replaces).
        const copyIndex = current?.transformations.findIndex((t) => t.name.toLowerCase() === "copy") ?? -1;
        if (copyIndex !== -1 && inputs.deltaColumn !== undefined && !sameJson(held.deltaColumn, sentDeltaColumn(inputs.deltaColumn))) {
          ops.push({ op: "replace", path: `/transformations/${copyIndex}`, value: copyTransformation(sentDeltaColumn(inputs.deltaColumn)!) });
        }
        return ops;
      };
      etag = await patchDeclared({
        what: "Dataflow",
        id,
        etag,
        operations,
        patch: (etag, ops) => calls.client.updateFlow(id, etag, ops, calls.call),
        get: () => calls.client.getFlow(id, calls.call),
        sandboxName: calls.call.sandboxName,
      });
    }
    let state = olds.state ?? "enabled";
    if ((state === "enabled") !== inputs.enabled) {
      etag = await this.setEnabled(calls, id, inputs.enabled);
      state = inputs.enabled ? "enabled" : "disabled";
    }
    return this.outputs(id, etag, state, inputs, calls.call.sandboxName, olds);
  }

  /**
   * Enables or disables the flow → its new etag. FLOW-1422 (the action does not apply to the flow's state) after state
   * went behind AEP is read back: a flow already in the state asked for is done.
   */
  private async setEnabled(calls: ObjectCalls, id: string, enabled: boolean): Promise<string> {
    const target = { what: "Dataflow", id, sandboxName: calls.call.sandboxName };
    try {
      return (await writeExisting(target, () => (enabled ? calls.client.enableFlow(id, calls.call) : calls.client.disableFlow(id, calls.call)))).etag;
    } catch (error) {
      if (!FlowServiceError.isInstance(error) || error.adobeCode !== "1422") throw error;
      const current = await calls.client.getFlow(id, calls.call);
      if (current?.state === (enabled ? "enabled" : "disabled")) return current.etag;
      throw error;
    }
  }

  protected async readObject(calls: ObjectCalls, id: string, olds: Stored): Promise<Stored | undefined> {
    const current = await calls.client.getFlow(id, calls.call);
    if (current === undefined) return undefined;
    const { mappingIndex: _index, ...held } = heldBy(current);
    const state = current.state ?? olds.state ?? "enabled";
    return {
      ...olds,
      ...held,
      flowId: current.id,
      etag: current.etag,
      state,
      // A transitional state (updating, disabling, …) says nothing new about what is declared.
      enabled: state === "enabled" ? true : state === "disabled" ? false : (olds.enabled ?? true),
      ...(olds.source !== undefined && isSourceKey(olds.source) ? { source: olds.source as SourceKey } : {}),
      flowSpecId: current.flowSpec.id,
      name: current.name,
      sourceConnectionId: current.sourceConnectionIds[0] ?? olds.sourceConnectionId,
      targetConnectionId: current.targetConnectionIds[0] ?? olds.targetConnectionId,
      lastRunId: current.lastRunDetails?.id,
      lastRunStatus: current.lastRunDetails?.state,
      sandboxName: calls.call.sandboxName,
    } as Stored;
  }

  protected async deleteObject(calls: ObjectCalls, id: string): Promise<void> {
    await calls.client.deleteFlow(id, calls.call);
  }

  protected deleteStray(calls: ObjectCalls, id: string): Promise<unknown> {
    return calls.client.deleteFlow(id, calls.call);
  }
}

/** The declared schedule as sent, or undefined while any of it is unknown (preview). */
function knownSchedule(inputs: DataflowInputs): Schedule | undefined {
  return hasUnknown(inputs.schedule) ? undefined : toSchedule(inputs.schedule);
}

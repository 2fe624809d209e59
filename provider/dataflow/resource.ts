/**
 * `Dataflow`: a flow from a source connection to a target connection, as a Pulumi dynamic resource
 * (type token `pulumi-nodejs:dynamic/aep:Dataflow`).
 */
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../serialized-provider";
import { objectProps, type ObjectCommonArgs } from "../shared/resource-identity";
import type { FileSourceKey, SourceKey } from "../sources";

/**
 * When a dataflow runs (Adobe's rules, checked at preview): `once`, or every `interval` minutes (at least 15), hours,
 * days or weeks from `startTime`.
 */
export type ScheduleArgs =
  | {
      /** A single run at `startTime`. */
      frequency: pulumi.Input<"once">;
      /** The run's time: an ISO 8601 time with a zone (`"2027-01-04T06:00:00Z"`) or epoch seconds. */
      startTime: pulumi.Input<string | number>;
      interval?: never;
      backfill?: never;
    }
  | {
      frequency: pulumi.Input<"minute" | "hour" | "day" | "week">;
      /** Runs every `interval` units of `frequency`: at least 15 for `minute`, 1 otherwise. */
      interval: pulumi.Input<number>;
      /**
       * The first run: an ISO 8601 time with a zone or epoch seconds. It changes in place until it has passed; after
       * that, a change replaces the dataflow (Adobe refuses it in place).
       */
      startTime: pulumi.Input<string | number>;
      /** Ingest what exists before `startTime` on the first run. @default true (AEP's default) */
      backfill?: pulumi.Input<boolean>;
    };

/** The column a table source's incremental runs read (the `Copy` transformation). */
export interface DeltaColumnArgs {
  /** A column holding the time each row last changed, e.g. `updated_at`. */
  name: pulumi.Input<string>;
  /** How its values are written, e.g. `yyyy-MM-dd HH:mm:ss` (Adobe's documented format). @default none sent */
  dateFormat?: pulumi.Input<string>;
  /** Adobe requires UTC for table sources. @default "UTC" */
  timezone?: pulumi.Input<"UTC">;
}

/** Arguments of every {@link Dataflow}. */
export interface DataflowCommonArgs<K extends SourceKey> extends ObjectCommonArgs {
  /**
   * Registry key of the source (`synapse`, `sql-server`, `adls-gen2`, `table-storage`, `databricks`): it chooses the
   * flow spec (`CRMToAEP` for the table sources, `CloudStorageToAEP` for ADLS Gen2). Must be known at preview.
   */
  source: pulumi.Input<K>;
  /** Display name in AEP. Changes in place. */
  name: pulumi.Input<string>;
  /** Free-text description. Changes in place. @default none */
  description?: pulumi.Input<string>;
  /** A {@link SourceConnection}'s `sourceConnectionId`. Changing it replaces the dataflow. */
  sourceConnectionId: pulumi.Input<string>;
  /** A {@link TargetConnection}'s `targetConnectionId`. Changing it replaces the dataflow. */
  targetConnectionId: pulumi.Input<string>;
  /** A {@link MappingSet}'s `mappingSetId`. Changes in place. */
  mappingSetId: pulumi.Input<string>;
  /** The mapping set's `version` to pin. Changes in place (a new version of the set moves the flow to it). */
  mappingVersion: pulumi.Input<number>;
  /** When the dataflow runs. Changes in place, except a start time that has passed. */
  schedule: pulumi.Input<ScheduleArgs>;
  /** Enabled (runs on its schedule) or disabled. Changes in place. @default true */
  enabled?: pulumi.Input<boolean>;
}

/** Arguments of a {@link Dataflow} from source `K`: a table source's flow needs a delta column, a file source's takes none. */
export type DataflowArgs<K extends SourceKey = SourceKey> = DataflowCommonArgs<K> &
  (K extends FileSourceKey
    ? { deltaColumn?: never }
    : {
        /** The column incremental runs read. Changing it replaces the dataflow. */
        deltaColumn: pulumi.Input<DeltaColumnArgs>;
      });

/**
 * An AEP dataflow (`POST /flows`): moves the data of a source connection through a mapping set into a target
 * connection's dataset, on a schedule. Pulumi's dependency order deletes it before the connections and the mapping
 * set it uses (AEP refuses to delete those while it exists).
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/collect/database-nosql
 */
export class Dataflow<K extends SourceKey = SourceKey> extends pulumi.dynamic.Resource {
  /** The flow id in AEP. It is the resource's `id`. */
  readonly flowId: pulumi.Output<string>;
  declare readonly etag: pulumi.Output<string>;
  /** AEP's state: `enabled` or `disabled` (or a transitional state a refresh reads). */
  declare readonly state: pulumi.Output<string>;
  /** The flow spec the source chose. */
  declare readonly flowSpecId: pulumi.Output<string>;
  /** The latest run's state (`success`, `failed`, `inProgress`, …) as the last `pulumi refresh` read it. */
  declare readonly lastRunStatus: pulumi.Output<string | undefined>;
  /** The latest run's id, as the last `pulumi refresh` read it. */
  declare readonly lastRunId: pulumi.Output<string | undefined>;
  declare readonly sandboxName: pulumi.Output<string>;

  constructor(name: string, args: DataflowArgs<K>, opts?: pulumi.CustomResourceOptions) {
    super(serializedProvider("Dataflow"), name, objectProps("Dataflow", name, args, ["etag", "state", "flowSpecId", "lastRunStatus", "lastRunId"], opts?.parent), opts, "aep", "Dataflow");
    this.flowId = this.id;
  }
}

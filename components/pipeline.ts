/**
 * `Pipeline`: from a base connection to data flowing into a dataset, in a few lines. It holds the source connection,
 * the target connection, the mapping set and the dataflow of one table or one set of files, checks its arguments
 * with the providers' own rules (a bad one is reported at preview under the name the user wrote, before any
 * request), and leaves the order of creates and deletes to Pulumi's dependency graph: the dataflow goes before the
 * connections and the mapping set it uses, and they before the base connection and the dataset.
 *
 * Usually made by a source component's `ingest` (`sqlServer.ingest("orders", { … })`).
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { deltaColumnFailures, scheduleFailures } from "../provider/dataflow/inputs";
import { Dataflow, type DeltaColumnArgs, type ScheduleArgs } from "../provider/dataflow/resource";
import type { Dataset } from "../provider/dataset/resource";
import { MAPPING_SET_RULES, mappingsFailures } from "../provider/mapping-set/provider";
import { MappingSet, type MappingArgs } from "../provider/mapping-set/resource";
import type { CheckFailure } from "../provider/shared/check";
import { valueFailures } from "../provider/shared/fields";
import { DATASET_ID_RULE, DESCRIPTION_RULE, flowServiceIdRule, nameRule, SANDBOX_RULE, SCHEMA_ID_RULE } from "../provider/shared/rules";
import { timeoutsFailures, type OperationTimeouts } from "../provider/shared/timeouts";
import { SourceConnection, type FileReadArgs, type SourceConnectionArgs } from "../provider/source-connection/resource";
import { booleanParam, enumParam } from "../provider/sources/formats";
import { TARGET_CONNECTION_RULES } from "../provider/target-connection/provider";
import { TargetConnection } from "../provider/target-connection/resource";
import {
  changeDataCaptureRefusal,
  DELTA_COLUMN_RULES,
  FILE_DATA_RULES,
  formatMismatches,
  sourceKeys,
  sources,
  TABLE_DATA_RULES,
  type ChangeDataCaptureSourceKey,
  type FileSourceKey,
  type SourceColumn,
  type SourceDefinition,
  type SourceKey,
} from "../provider/sources";
import { ArgumentChecks } from "./arguments";

/** Where a pipeline writes: a {@link Dataset} of this program, or an existing dataset by id. */
export type PipelineDataset = Dataset | { datasetId: pulumi.Input<string>; schemaId: pulumi.Input<string> };

/** Arguments every pipeline takes, whatever it reads. */
export interface PipelineCommonArgs {
  /** The dataset the data lands in, and whose XDM schema the mappings write. Changing it replaces the dataflow. */
  dataset: PipelineDataset;
  /**
   * Source fields to XDM paths of the dataset's schema, each destination once; e.g. a list written out, or
   * `defaultMappings(exploreTableColumns({ connectionId, table }), { destinationPrefix: "_acme" })`. A change makes a
   * new version of the mapping set and moves the dataflow to it, in place.
   */
  mappings: pulumi.Input<pulumi.Input<MappingArgs>[]>;
  /** When the dataflow runs. In place, except a start time that has passed. */
  schedule: pulumi.Input<ScheduleArgs>;
  /** Run on the schedule (true) or stay disabled. In place. @default true */
  enabled?: pulumi.Input<boolean>;
  /**
   * Display name of the dataflow in AEP; its source connection, target connection and mapping set take it with
   * " source", " target" and " mapping". @default the Pulumi resource name
   */
  displayName?: pulumi.Input<string>;
  /** Description of the dataflow and its connections. @default none */
  description?: pulumi.Input<string>;
  /** The Data Lake's data format of the target connection, e.g. `parquet_xdm`. @default none sent */
  targetFormat?: pulumi.Input<string>;
  /** Deadlines of every operation of the pipeline's objects. @default { create: "5m", read: "2m", update: "5m", delete: "5m" } */
  timeouts?: pulumi.Input<OperationTimeouts>;
}

/** What only a file pipeline takes, ruled out for a table pipeline (an object built beforehand is checked too). */
type NoFileArgs = { [F in "path" | "format" | "type" | "columnDelimiter" | "encoding" | "compressionType" | "recursive"]?: never };

/** What only a table pipeline takes, ruled out for a file pipeline: files have no delta column, table or CDC. */
type NoTableArgs = { [F in "table" | "deltaColumn" | "columns" | "cdcEnabled"]?: never };

/** A pipeline from a table source: one table, read incrementally by its delta column. */
export type TableIngestArgs<K extends SourceKey = SourceKey> = PipelineCommonArgs & NoFileArgs & {
  /** The table's path as explore lists it (`exploreTables`), e.g. `dbo.orders`. Changing it replaces the dataflow. */
  table: pulumi.Input<string>;
  /**
   * The column incremental runs read (a name such as `"updated_at"`, or `{ name, dateFormat }`): each run ingests the
   * rows changed since the last one. Changing it replaces the dataflow.
   */
  deltaColumn: pulumi.Input<string> | pulumi.Input<DeltaColumnArgs>;
  /** The columns to read, as explore returns them. @default every column */
  columns?: pulumi.Input<pulumi.Input<SourceColumn>[]>;
} & (K extends ChangeDataCaptureSourceKey
    ? {
        /** Change data capture (Delta's change data feed must be on for the table). @default false */
        cdcEnabled?: pulumi.Input<boolean>;
      }
    : { cdcEnabled?: never });

/** A pipeline from a cloud-storage source: a file, a folder or a pattern, in one format. */
export type FileIngestArgs = PipelineCommonArgs & FileReadArgs & NoTableArgs;

/** What a pipeline from source `K` reads: a table, or files. */
export type IngestArgs<K extends SourceKey> = K extends FileSourceKey ? FileIngestArgs : TableIngestArgs<K>;

/** The base connection a pipeline reads through, e.g. a `BaseConnection`'s source and `connectionId`. */
export interface PipelineConnection<K extends SourceKey> {
  /**
   * Registry key of the connection's source (`synapse`, `sql-server`, `adls-gen2`, `table-storage`, `databricks`): it
   * decides what the pipeline reads (a table or files). Must be known at preview.
   */
  source: K;
  /** The base connection id, e.g. a `BaseConnection`'s `connectionId`. Changing it replaces the dataflow. */
  connectionId: pulumi.Input<string>;
  /**
   * The connection's sandbox; every object of the pipeline is made there.
   * @default config `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod`
   */
  sandboxName?: pulumi.Input<string>;
}

/** Arguments of a {@link Pipeline} made directly (a source component's `ingest` takes the same, without `connection`). */
export type PipelineArgs<K extends SourceKey> = IngestArgs<K> & {
  /** The base connection to read through. */
  connection: PipelineConnection<K>;
};

/**
 * Where `ingest` puts what it adds to the user's arguments: the connection, and the component's class name for
 * messages (`unknown argument of SqlServerConnection.ingest`). A symbol, so that it is no argument a user could write
 * or be told about.
 * @internal
 */
export const INGEST = Symbol("ingest");

/** The arguments `ingest` passes to a {@link Pipeline}. @internal */
export type IngestedArgs<K extends SourceKey> = IngestArgs<K> & { [INGEST]: { className: string; connection: PipelineConnection<K> } };

const COMMON_ARGS = ["dataset", "mappings", "schedule", "enabled", "displayName", "description", "targetFormat", "timeouts"] as const;
const TABLE_ARGS = ["table", "deltaColumn", "columns", "cdcEnabled"] as const;
// `deltaColumn` too, so that the provider's rule says why a file source takes none.
const FILE_ARGS = [...Object.keys(FILE_DATA_RULES), "deltaColumn"];

/**
 * A dataflow from a base connection into a dataset, with what it needs: the source connection that reads the table or
 * files, the Data Lake target connection of the dataset, and the mapping set. Its children are named after it.
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/collect/database-nosql
 */
export class Pipeline<K extends SourceKey = SourceKey> extends pulumi.ComponentResource {
  /** The dataflow's id in AEP. */
  readonly flowId: pulumi.Output<string>;
  /** The dataflow's state in AEP: `enabled` or `disabled`. */
  readonly state: pulumi.Output<string>;
  /** The latest run's state (`success`, `failed`, `inProgress`, …) as the last `pulumi refresh` read it. */
  readonly lastRunStatus: pulumi.Output<string | undefined>;
  /** The source connection's id in AEP. */
  readonly sourceConnectionId: pulumi.Output<string>;
  /** The target connection's id in AEP. */
  readonly targetConnectionId: pulumi.Output<string>;
  /** The mapping set's id in Data Prep (32 hex digits). */
  readonly mappingSetId: pulumi.Output<string>;
  /** The mapping set version the dataflow runs with: 0 when created, + 1 for each change of the mappings. */
  readonly mappingVersion: pulumi.Output<number>;
  /** The source connection child (reads the table or files), for options such as `dependsOn`. */
  readonly sourceConnection: SourceConnection<K>;
  /** The target connection child (writes into the dataset). */
  readonly targetConnection: TargetConnection;
  /** The mapping set child. */
  readonly mappingSet: MappingSet;
  /** The dataflow child. */
  readonly dataflow: Dataflow<K>;

  /**
   * @param name The Pulumi name of the pipeline and of each of its children; the default display name in AEP.
   * @param args What to read, where to write it and when; a bad argument fails the pipeline at preview, naming it.
   * @param opts Options of the component; its children are made with `parent` set to it.
   */
  constructor(name: string, args: PipelineArgs<K>, opts?: pulumi.ComponentResourceOptions) {
    super("aep:azure:Pipeline", name, {}, opts);
    const raw = (args ?? {}) as unknown as Record<string, unknown>;
    const ingested = (args as unknown as Partial<IngestedArgs<K>> | undefined)?.[INGEST];
    const checks = new ArgumentChecks(this, ingested === undefined ? "Pipeline" : `${ingested.className}.ingest`);
    const connection = ingested?.connection ?? args.connection;
    if (typeof connection !== "object" || connection === null) {
      checks.fail("connection", "required; expected { source, connectionId, sandboxName? } of a base connection (a source component's ingest() gives its own)");
    }
    checks.value<string>("connection.source", connection.source, SOURCE_RULE);
    checks.report();
    const source = sources[connection.source];
    const readsTables = source.dataflow.reads === "tables";
    checks.keys(raw, [...(ingested === undefined ? ["connection"] : []), ...(readsTables ? TABLE_ARGS : FILE_ARGS), ...COMMON_ARGS]);
    if (ingested === undefined) {
      checks.value<string>("connection.connectionId", connection.connectionId, flowServiceIdRule("base connection"));
      if (connection.sandboxName !== undefined) checks.value<string>("connection.sandboxName", connection.sandboxName, SANDBOX_RULE);
    }
    const displayName = checks.checked<string>(args.displayName ?? name, displayNameFailures);
    const common = {
      description: args.description === undefined ? undefined : checks.value<string>("description", args.description, DESCRIPTION_RULE),
      sandboxName: connection.sandboxName,
      timeouts: args.timeouts === undefined ? undefined : checks.checked<OperationTimeouts>(args.timeouts, (value) => timeoutsFailures(value, "timeouts")),
    };
    const targetFormat = args.targetFormat === undefined ? undefined : checks.value<string>("targetFormat", args.targetFormat, TARGET_CONNECTION_RULES.format);
    const child = { parent: this };

    const dataset = datasetOf(args.dataset, checks);
    const reads = readsTables ? tableReads(args as unknown as TableIngestArgs, source, checks) : { file: fileReads(args as unknown as FileIngestArgs, checks) };
    const deltaColumn = deltaColumnOf(raw["deltaColumn"], connection.source, checks);
    const mappings = checks.checked<pulumi.Input<MappingArgs>[]>(args.mappings, (value) => mappingsFailures(value, ["mappings"]));
    const schedule = checks.checked<ScheduleArgs>(args.schedule, (value) => scheduleFailures(value, ["schedule"]));
    const enabled = args.enabled === undefined ? undefined : checks.value<boolean>("enabled", args.enabled, DATAFLOW_ENABLED);
    checks.report();

    this.sourceConnection = new SourceConnection<K>(
      name,
      {
        ...common,
        source: connection.source,
        baseConnectionId: connection.connectionId,
        name: pulumi.interpolate`${displayName} source`,
        ...reads,
      } as unknown as SourceConnectionArgs<K>,
      child,
    );
    this.targetConnection = new TargetConnection(
      name,
      { ...common, name: pulumi.interpolate`${displayName} target`, datasetId: dataset.datasetId, schemaId: dataset.schemaId, format: targetFormat },
      child,
    );
    this.mappingSet = new MappingSet(
      name,
      { sandboxName: common.sandboxName, timeouts: common.timeouts, name: pulumi.interpolate`${displayName} mapping`, schemaId: dataset.schemaId, mappings },
      child,
    );
    this.dataflow = new Dataflow<K>(
      name,
      {
        ...common,
        source: connection.source,
        name: displayName,
        sourceConnectionId: this.sourceConnection.sourceConnectionId,
        targetConnectionId: this.targetConnection.targetConnectionId,
        mappingSetId: this.mappingSet.mappingSetId,
        mappingVersion: this.mappingSet.version,
        schedule,
        enabled,
        ...(readsTables ? { deltaColumn } : {}),
      } as unknown as import("../provider/dataflow/resource").DataflowArgs<K>,
      child,
    );
    this.flowId = this.dataflow.flowId;
    this.state = this.dataflow.state;
    this.lastRunStatus = this.dataflow.lastRunStatus;
    this.sourceConnectionId = this.sourceConnection.sourceConnectionId;
    this.targetConnectionId = this.targetConnection.targetConnectionId;
    this.mappingSetId = this.mappingSet.mappingSetId;
    this.mappingVersion = this.mappingSet.version;
    this.registerOutputs({
      flowId: this.flowId,
      state: this.state,
      lastRunStatus: this.lastRunStatus,
      sourceConnectionId: this.sourceConnectionId,
      targetConnectionId: this.targetConnectionId,
      mappingSetId: this.mappingSetId,
      mappingVersion: this.mappingVersion,
    });
  }
}

const DATAFLOW_ENABLED = booleanParam();
const SOURCE_RULE = enumParam(sourceKeys);

/** The names a pipeline gives its objects, `<displayName><suffix>`, each with the name rule of the object that takes it. */
const DERIVED_NAMES: readonly [suffix: string, rule: z.ZodType][] = [
  ["", nameRule("dataflow")],
  [" source", nameRule("source connection")],
  [" target", nameRule("target connection")],
  [" mapping", MAPPING_SET_RULES.name],
];

/** Failures of the display name: the first derived name its object would refuse, reported as `displayName`. */
function displayNameFailures(displayName: unknown): CheckFailure[] {
  for (const [suffix, rule] of DERIVED_NAMES) {
    const failures = valueFailures(typeof displayName === "string" ? `${displayName}${suffix}` : displayName, ["displayName"], rule);
    if (failures.length > 0) return failures;
  }
  return [];
}

/** The dataset's id and schema, checked. */
function datasetOf(dataset: PipelineDataset | undefined, checks: ArgumentChecks): { datasetId: pulumi.Output<string>; schemaId: pulumi.Output<string> } {
  if (dataset === undefined || typeof dataset !== "object") {
    checks.fail("dataset", "required; expected a Dataset of this program, or { datasetId, schemaId } of an existing one");
  }
  return {
    datasetId: checks.value<string>("dataset.datasetId", dataset.datasetId, DATASET_ID_RULE),
    schemaId: checks.value<string>("dataset.schemaId", dataset.schemaId, SCHEMA_ID_RULE),
  };
}

/** What a table pipeline reads, checked. */
function tableReads(args: TableIngestArgs, source: SourceDefinition, checks: ArgumentChecks) {
  const table: Record<string, pulumi.Input<unknown>> = { tableName: checks.value<string>("table", args.table, TABLE_DATA_RULES.tableName) };
  if (args.columns !== undefined) table["columns"] = checks.value("columns", args.columns, TABLE_DATA_RULES.columns);
  if (args.cdcEnabled !== undefined) {
    const refusal = changeDataCaptureRefusal(source);
    if (refusal !== undefined) checks.fail("cdcEnabled", refusal);
    table["cdcEnabled"] = checks.value<boolean>("cdcEnabled", args.cdcEnabled, TABLE_DATA_RULES.cdcEnabled);
  }
  return { table };
}

/** What a file pipeline reads, checked: each field by its rule, and the fields its format takes. */
function fileReads(args: FileIngestArgs, checks: ArgumentChecks): FileReadArgs {
  const raw = args as unknown as Record<string, unknown>;
  const file: Record<string, pulumi.Input<unknown>> = {};
  for (const [field, rule] of Object.entries(FILE_DATA_RULES)) {
    if (raw[field] !== undefined || field === "path" || field === "format") file[field] = checks.value(field, raw[field] as pulumi.Input<unknown>, rule);
  }
  // A format known now is checked against the other arguments now; one that is an Output, by the provider at `up`.
  const format = raw["format"];
  if (typeof format === "string") {
    for (const [field, reason] of formatMismatches(format, Object.keys(file))) checks.fail(field, reason);
  }
  return file as unknown as FileReadArgs;
}

/**
 * The delta column, from a name or `{ name, dateFormat }`, checked now or when it resolves: a name by the rule of a
 * delta column's name, an object (and any value a file source is given) by the provider's delta column rule.
 */
function deltaColumnOf(deltaColumn: unknown, source: SourceKey, checks: ArgumentChecks): pulumi.Output<DeltaColumnArgs> {
  const readsTables = sources[source].dataflow.reads === "tables";
  return checks
    .checked<unknown>(deltaColumn as pulumi.Input<unknown>, (value) =>
      readsTables && (typeof value === "string" || value === undefined)
        ? valueFailures(value, ["deltaColumn"], DELTA_COLUMN_RULES.name)
        : deltaColumnFailures(source, value, ["deltaColumn"]),
    )
    .apply((value) => (typeof value === "string" ? { name: value } : (value as DeltaColumnArgs)));
}

/**
 * `SourceConnection`: what a dataflow reads through a base connection, as a Pulumi dynamic resource
 * (type token `pulumi-nodejs:dynamic/aep:SourceConnection`).
 */
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../serialized-provider";
import { objectProps, type ObjectCommonArgs } from "../shared/resource-identity";
import type { ChangeDataCaptureSourceKey, CompressionType, FileEncoding, FileSourceKey, SourceColumn, SourceKey } from "../sources";

/** The table a source connection of a table source reads. */
export type TableReadArgs<K extends SourceKey = SourceKey> = {
  /** The table's path as explore lists it (`exploreTables`), e.g. `dbo.orders`. Changing it replaces the connection. */
  tableName: pulumi.Input<string>;
  /** The columns to read, as explore returns them (`exploreTableColumns`). @default every column */
  columns?: pulumi.Input<pulumi.Input<SourceColumn>[]>;
} & (K extends ChangeDataCaptureSourceKey
  ? {
      /** Change data capture: the table must have Delta's change data feed enabled. @default false */
      cdcEnabled?: pulumi.Input<boolean>;
    }
  : { cdcEnabled?: never });

/** Where the files are, and whether `path` names a file or a folder. */
interface FileLocationArgs {
  /** A file, a folder, or a pattern with `*`, e.g. `/acme-customers/customers.csv`. Changing it replaces the connection. */
  path: pulumi.Input<string>;
  /** Whether `path` names a file or a folder. @default "file" */
  type?: pulumi.Input<"file" | "folder">;
  /** Read the folders below a folder too. @default false */
  recursive?: pulumi.Input<boolean>;
}

/** The files a source connection of a cloud-storage source reads; the format decides which options apply. */
export type FileReadArgs = FileLocationArgs &
  (
    | {
        /** Delimited text (CSV and the like). Changing the format replaces the connection. */
        format: pulumi.Input<"delimited">;
        /** One character between the columns. @default "," */
        columnDelimiter?: pulumi.Input<string>;
        /** Encoding of the files. @default "UTF-8" */
        encoding?: pulumi.Input<FileEncoding>;
        /** Compression of the files. @default none */
        compressionType?: pulumi.Input<CompressionType>;
      }
    | {
        /** JSON. Changing the format replaces the connection. */
        format: pulumi.Input<"json">;
        /** Compression of the files. @default none */
        compressionType?: pulumi.Input<CompressionType>;
        columnDelimiter?: never;
        encoding?: never;
      }
    | {
        /** Apache Parquet. Changing the format replaces the connection. */
        format: pulumi.Input<"parquet">;
        columnDelimiter?: never;
        encoding?: never;
        compressionType?: never;
      }
  );

/** What source `K` reads: a table for the table sources, files for ADLS Gen2. */
export type SourceReadArgs<K extends SourceKey> = K extends FileSourceKey
  ? { file: pulumi.Input<FileReadArgs>; table?: never }
  : { table: pulumi.Input<TableReadArgs<K>>; file?: never };

/** Arguments of a {@link SourceConnection} of source `K`. */
export type SourceConnectionArgs<K extends SourceKey = SourceKey> = SourceConnectionCommonArgs<K> & SourceReadArgs<K>;

/** Arguments of every {@link SourceConnection}, whatever it reads. */
export interface SourceConnectionCommonArgs<K extends SourceKey> extends ObjectCommonArgs {
  /**
   * Registry key of the source of the base connection (`synapse`, `sql-server`, `adls-gen2`, `table-storage`,
   * `databricks`): it decides what the connection reads. Must be known at preview.
   */
  source: pulumi.Input<K>;
  /** Id of the base connection to read through, e.g. a component's `connectionId`. Changing it replaces the connection. */
  baseConnectionId: pulumi.Input<string>;
  /** Display name in AEP. Changing it updates the connection in place. */
  name: pulumi.Input<string>;
  /** Free-text description. Changing it updates the connection in place. @default none */
  description?: pulumi.Input<string>;
}

/**
 * An AEP source connection (`POST /sourceConnections`): the table or files a dataflow reads through a base connection.
 * Its name and description change in place; anything else replaces it (Adobe: make a new source connection and a new
 * dataflow rather than change a live one), and the dataflow that reads it is replaced with it.
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/collect/database-nosql
 */
export class SourceConnection<K extends SourceKey = SourceKey> extends pulumi.dynamic.Resource {
  /**
   * The source connection id in AEP, for a {@link Dataflow}. It is the resource's `id`, so it stays known during a
   * preview that updates the connection in place.
   */
  readonly sourceConnectionId: pulumi.Output<string>;
  /** Current etag (quotes included). */
  declare readonly etag: pulumi.Output<string>;
  /** AEP's state: `enabled` once created; `pulumi refresh` reads the live one. */
  declare readonly state: pulumi.Output<string>;
  /** Flow Service connection spec id of the source. */
  declare readonly connectionSpecId: pulumi.Output<string>;
  /** Sandbox the connection lives in. */
  declare readonly sandboxName: pulumi.Output<string>;

  constructor(name: string, args: SourceConnectionArgs<K>, opts?: pulumi.CustomResourceOptions) {
    super(serializedProvider("SourceConnection"), name, objectProps("SourceConnection", name, args, ["etag", "state", "connectionSpecId"], opts?.parent), opts, "aep", "SourceConnection");
    this.sourceConnectionId = this.id;
  }
}

/**
 * Explore (`GET /connections/{id}/explore`, dataflows.md §2): what a base connection can read. Tabular sources list
 * tables at `objectType=root` and give a table's columns at `objectType=table&object=<path>`; cloud storage lists
 * files and folders at `root` / `folder` and gives a file's inferred columns at `objectType=file`. `preview=true`
 * adds sample rows (`data`).
 *
 * Where the docs disagree (§12 #11-#14) this follows the docs, not the OpenAPI: lower-case `objectType` values,
 * `fileType`/`columnDelimiter`/`compressionType`/`encoding` parameter names, and a file preview read in both of its
 * documented shapes (DLZ `{format, schema:{columns}, data}` and XC's bare `[{name, type}]`).
 */
import { z } from "zod";
import { failure, segment, send, unparseable, type CallContext, type CallSpec } from "./call";
import type { RequestOptions } from "./types";
import { lenient, looseRecord, parseJson, type Parsed } from "./wire";

/** One entry of a root or folder listing. */
export interface ExploreItem {
  /** `table` (tabular sources), `file` or `folder` (cloud storage); other values are passed through lower-cased. */
  type: string;
  name: string;
  /** What goes into a source connection's `params.tableName` (tables) or `params.path` (files, folders). */
  path: string;
  canPreview?: boolean;
  canFetchSchema?: boolean;
}

/**
 * One column of a table or file, in the shape a source connection's `params.columns` takes. A type alias, not an
 * interface: an alias is assignable to the open `{ name, type, [other]: unknown }` a source connection's `columns`
 * takes, so explore's columns can be passed as they are.
 */
export type ExploreColumn = {
  name: string;
  /** e.g. `string`, `boolean`, `double`. */
  type: string;
  /** e.g. `date-time` for a timestamp column. */
  "meta:xdmType"?: string;
  xdm?: { type?: string; format?: string };
};

/** A table's or file's schema, with sample rows when a preview was asked for. */
export interface ExploreSchema {
  /** `flat` in every documented example; absent in XC's bare file-preview shape. */
  format?: string;
  columns: ExploreColumn[];
  /** Sample rows (`preview: true`), column name → value. */
  data?: Record<string, unknown>[];
  /** What the service detected (`determineProperties: true`). */
  properties?: { fileType?: string; compressionType?: string; columnDelimiter?: string };
}

/** File-format parameters of a file explore (XC). Leave them out to let the service use the file's defaults. */
export interface ExploreFileOptions {
  fileType?: "delimited" | "json" | "parquet";
  /** One character. @default "," */
  columnDelimiter?: string;
  /** Required to preview a compressed file. */
  compressionType?: "bzip2" | "gzip" | "deflate" | "zipDeflate" | "tarGzip" | "tar";
  encoding?: "UTF-8" | "ISO-8859-1";
  /** Include sample rows. */
  preview?: boolean;
  /** Ask the service to detect `fileType`, `compressionType` and `columnDelimiter`; excludes the three above. */
  determineProperties?: boolean;
}

const itemSchema = z
  .object({
    type: z.string().min(1).transform((t) => t.toLowerCase()),
    name: z.string(),
    path: z.string().min(1),
    canPreview: lenient(z.boolean()),
    canFetchSchema: lenient(z.boolean()),
  })
  .loose();

const listingSchema = z.array(itemSchema);

const columnSchema = z
  .object({
    name: z.string().min(1),
    type: z.string(),
    "meta:xdmType": lenient(z.string()),
    xdm: lenient(z.object({ type: lenient(z.string()), format: lenient(z.string()) }).loose()),
  })
  .loose();

const flatSchema = z
  .object({
    format: lenient(z.string()),
    schema: z.object({ columns: z.array(columnSchema) }).loose(),
    data: lenient(z.array(looseRecord)),
    properties: lenient(
      z.object({ fileType: lenient(z.string()), compressionType: lenient(z.string()), columnDelimiter: lenient(z.string()) }).loose(),
    ),
  })
  .loose();

/** XC's older file preview: a bare array of `{name, type}` (types like `String`). */
const bareColumnsSchema = z.array(z.object({ name: z.string().min(1), type: z.string() }).loose());

function toItem(item: z.infer<typeof itemSchema>): ExploreItem {
  const result: ExploreItem = { type: item.type, name: item.name, path: item.path };
  if (item.canPreview !== undefined) result.canPreview = item.canPreview;
  if (item.canFetchSchema !== undefined) result.canFetchSchema = item.canFetchSchema;
  return result;
}

function toColumn(column: z.infer<typeof columnSchema>): ExploreColumn {
  const result: ExploreColumn = { name: column.name, type: column.type };
  if (column["meta:xdmType"] !== undefined) result["meta:xdmType"] = column["meta:xdmType"];
  if (column.xdm !== undefined) {
    result.xdm = {};
    if (column.xdm.type !== undefined) result.xdm.type = column.xdm.type;
    if (column.xdm.format !== undefined) result.xdm.format = column.xdm.format;
  }
  return result;
}

/** A root or folder listing: a bare array of items. */
export function parseExploreListing(text: string): Parsed<ExploreItem[]> {
  return parseJson(listingSchema, text, (items) => items.map(toItem));
}

/** A table or file schema, in either documented shape. */
export function parseExploreSchema(text: string): Parsed<ExploreSchema> {
  const flat = parseJson(flatSchema, text, (body): ExploreSchema => {
    const result: ExploreSchema = { columns: body.schema.columns.map(toColumn) };
    if (body.format !== undefined) result.format = body.format;
    if (body.data !== undefined) result.data = body.data;
    if (body.properties !== undefined) {
      const p: NonNullable<ExploreSchema["properties"]> = {};
      if (body.properties.fileType !== undefined) p.fileType = body.properties.fileType;
      if (body.properties.compressionType !== undefined) p.compressionType = body.properties.compressionType;
      if (body.properties.columnDelimiter !== undefined) p.columnDelimiter = body.properties.columnDelimiter;
      result.properties = p;
    }
    return result;
  });
  if (flat.ok) return flat;
  const bare = parseJson(bareColumnsSchema, text, (columns): ExploreSchema => ({
    columns: columns.map((c) => ({ name: c.name, type: c.type.toLowerCase() })),
  }));
  return bare.ok ? bare : flat;
}

async function explore<T>(
  ctx: CallContext,
  connectionId: string,
  query: [string, string][],
  parse: (text: string) => Parsed<T>,
  options: RequestOptions,
): Promise<T> {
  const spec: CallSpec = { method: "GET", path: `/connections/${segment(connectionId, "connectionId")}/explore`, query, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  // An unknown connection, table, folder or file is a NotFoundError: explore has no "absent" result to return.
  if (response?.status !== 200) throw failure(ctx, spec, exchange);
  const parsed = parse(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  return parsed.value;
}

function nonEmpty(value: string, what: string): string {
  if (typeof value !== "string" || value === "") throw new TypeError(`${what} must be a non-empty string`);
  return value;
}

/** `objectType=root`: the tables of a tabular source, or the top-level files and folders of cloud storage. */
export async function exploreRoot(ctx: CallContext, connectionId: string, options: RequestOptions): Promise<ExploreItem[]> {
  return explore(ctx, connectionId, [["objectType", "root"]], parseExploreListing, options);
}

/** `objectType=folder&object=<path>`: the files and folders directly inside a cloud-storage folder. */
export async function exploreFolder(ctx: CallContext, connectionId: string, path: string, options: RequestOptions): Promise<ExploreItem[]> {
  return explore(ctx, connectionId, [["objectType", "folder"], ["object", nonEmpty(path, "path")]], parseExploreListing, options);
}

/** `objectType=table&object=<path>`: a table's columns (and sample rows with `preview`). */
export async function exploreTable(ctx: CallContext, connectionId: string, tablePath: string, preview: boolean, options: RequestOptions): Promise<ExploreSchema> {
  const query: [string, string][] = [["objectType", "table"], ["object", nonEmpty(tablePath, "tablePath")]];
  if (preview) query.push(["preview", "true"]);
  return explore(ctx, connectionId, query, parseExploreSchema, options);
}

/** `objectType=file&object=<path>` with the file-format parameters: a file's inferred columns. */
export async function exploreFile(ctx: CallContext, connectionId: string, filePath: string, file: ExploreFileOptions, options: RequestOptions): Promise<ExploreSchema> {
  const query: [string, string][] = [["objectType", "file"], ["object", nonEmpty(filePath, "filePath")]];
  if (file.determineProperties === true && (file.fileType ?? file.columnDelimiter ?? file.compressionType ?? file.encoding) !== undefined) {
    throw new TypeError("exploreFile: determineProperties cannot be combined with fileType, columnDelimiter, compressionType or encoding");
  }
  if (file.columnDelimiter !== undefined && [...file.columnDelimiter].length !== 1) throw new TypeError("exploreFile: columnDelimiter must be one character");
  if (file.fileType !== undefined) query.push(["fileType", file.fileType]);
  if (file.columnDelimiter !== undefined) query.push(["columnDelimiter", file.columnDelimiter]);
  if (file.compressionType !== undefined) query.push(["compressionType", file.compressionType]);
  if (file.encoding !== undefined) query.push(["encoding", file.encoding]);
  if (file.preview === true) query.push(["preview", "true"]);
  if (file.determineProperties === true) query.push(["determineProperties", "true"]);
  return explore(ctx, connectionId, query, parseExploreSchema, options);
}

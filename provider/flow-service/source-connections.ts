/**
 * Source connections (`/sourceConnections`, dataflows.md §3): what a flow reads from a base connection — a table
 * (`data.format: "tabular"`, `params.tableName`) for the four table sources, a file or folder (`delimited`, `json`
 * or `parquet`, `params.path`) for ADLS Gen2. Create is crash-safe (safe-create.ts): the marker goes at the end of
 * `description`, and an existing object is only ever taken for ours when it has the marker, the name, the base
 * connection and the connection spec of the create.
 *
 * Adobe says not to PATCH the connections of a live flow (UPDF: make a new pair and a new flow); the PATCH is here
 * for drafts and names, with If-Match like every Flow Service PATCH.
 */
import { z } from "zod";
import type { CallContext } from "./call";
import type { ExploreColumn } from "./explore";
import {
  auditShape,
  copyAudit,
  createObject,
  deleteObject,
  getObject,
  hasEtag,
  listObjects,
  objectSnapshot,
  patchObject,
  sameId,
  type AuditFields,
  type CreatedObject,
  type FlowObjectKind,
  type UpdatedObject,
} from "./flow-objects";
import { pageParser } from "./paging";
import type { ListingSnapshot, SafeCreateOptions } from "./safe-create";
import type { JsonPatchOperation, ListQuery, RequestOptions } from "./types";
import { lenient, looseRecord } from "./wire";

/** `params` of a table source (Synapse, SQL Server, Table Storage, Databricks). */
export interface TableSourceParams {
  /** The table's explore `path`, verbatim (e.g. `dbo.orders`). */
  tableName: string;
  /** Columns as explore returned them; optional. */
  columns?: ExploreColumn[];
  /** Change data capture; among the five sources only Databricks supports it. */
  cdcEnabled?: boolean;
}

/** `params` of a cloud-storage source (ADLS Gen2). */
export interface FileSourceParams {
  /** A file or folder path; `*` wildcards allowed (e.g. `/acme/*premium*.csv`). */
  path: string;
  type: "file" | "folder";
  /** Read subfolders too. */
  recursive?: boolean;
}

/** `data` of a source connection. */
export interface SourceConnectionData {
  /** `tabular` for the table sources; `delimited`, `json` or `parquet` for files. Sent lower case. */
  format: "tabular" | "delimited" | "json" | "parquet";
  /** File sources only: `columnDelimiter` (delimited), `encoding` (delimited), `compressionType` (delimited, json). */
  properties?: {
    columnDelimiter?: string;
    encoding?: "UTF-8" | "ISO-8859-1";
    compressionType?: "bzip2" | "gzip" | "deflate" | "zipDeflate" | "tarGzip" | "tar";
  };
}

/** Body of `POST /sourceConnections`. */
export interface NewSourceConnection {
  name: string;
  /** Free text; with an identity, it must end with the identity's marker. */
  description?: string;
  baseConnectionId: string;
  /** The base connection's spec, `{id, version: "1.0"}`. */
  connectionSpec: { id: string; version: string };
  data: SourceConnectionData;
  params: TableSourceParams | FileSourceParams;
}

/** A source connection as `GET /sourceConnections/{id}` returns it (leniently parsed; unknown fields dropped). */
export interface SourceConnection extends AuditFields {
  id: string;
  name: string;
  description?: string;
  baseConnectionId?: string;
  connectionSpec: { id: string; version?: string };
  /** `enabled`, or `draft` for one created with `mode=draft`. */
  state?: string;
  data: { format?: string; properties?: Record<string, unknown> };
  /** As stored; `recursive` sent by older clients as `"true"` reads as a boolean. */
  params: {
    tableName?: string;
    columns?: ExploreColumn[];
    cdcEnabled?: boolean;
    path?: string;
    type?: string;
    recursive?: boolean;
    [other: string]: unknown;
  };
  /** Opaque, quotes included; send it back verbatim as `If-Match`. */
  etag: string;
}

const booleanish = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

const columnSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    "meta:xdmType": lenient(z.string()),
    xdm: lenient(z.object({ type: lenient(z.string()), format: lenient(z.string()) }).loose()),
  })
  .loose();

const itemSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    description: lenient(z.string()),
    baseConnectionId: lenient(z.string()),
    connectionSpec: z.object({ id: z.string().min(1), version: lenient(z.string()) }).loose(),
    state: lenient(z.string()),
    data: lenient(z.object({ format: lenient(z.string()), properties: lenient(looseRecord) }).loose()),
    params: lenient(
      z
        .object({
          tableName: lenient(z.string()),
          columns: lenient(z.array(columnSchema)),
          cdcEnabled: lenient(booleanish),
          path: lenient(z.string()),
          type: lenient(z.string()),
          recursive: lenient(booleanish),
        })
        .loose(),
    ),
    ...auditShape,
  })
  .loose()
  .refine(hasEtag, { message: "neither etag nor version is present", path: ["etag"] });

function stripped(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function toSourceConnection(item: z.infer<typeof itemSchema>): SourceConnection {
  const result: SourceConnection = {
    id: item.id,
    name: item.name,
    connectionSpec: { id: item.connectionSpec.id },
    data: {},
    params: item.params === undefined ? {} : (stripped(item.params) as SourceConnection["params"]),
    etag: item.etag ?? item.version ?? "",
  };
  if (item.connectionSpec.version !== undefined) result.connectionSpec.version = item.connectionSpec.version;
  if (item.description !== undefined) result.description = item.description;
  if (item.baseConnectionId !== undefined) result.baseConnectionId = item.baseConnectionId;
  if (item.state !== undefined) result.state = item.state;
  if (item.data?.format !== undefined) result.data.format = item.data.format;
  if (item.data?.properties !== undefined) result.data.properties = item.data.properties;
  copyAudit(item, result);
  return result;
}

/** One page of `GET /sourceConnections` (also the `{items:[item]}` of `GET /sourceConnections/{id}`). */
export const parseSourceConnectionPage = pageParser(itemSchema, toSourceConnection);

const KIND: FlowObjectKind<SourceConnection> = { path: "/sourceConnections", what: "source connection", parsePage: parseSourceConnectionPage };

/** Creates a source connection; see the module comment (and safe-create.ts) for how duplicates are avoided. */
export async function createSourceConnection(ctx: CallContext, body: NewSourceConnection, options: SafeCreateOptions<SourceConnection>): Promise<CreatedObject> {
  if (typeof body?.baseConnectionId !== "string" || body.baseConnectionId === "") throw new TypeError("create source connection: baseConnectionId must be a non-empty string");
  return createObject(ctx, KIND, body, options, {
    filters: [`baseConnectionId==${body.baseConnectionId}`, `connectionSpec.id==${body.connectionSpec.id}`],
    sameKind: (item) =>
      item.baseConnectionId !== undefined && sameId(item.baseConnectionId, body.baseConnectionId) && item.connectionSpec.id === body.connectionSpec.id,
  });
}

/** A listing of the sandbox's source connections shared by the creates of one run. */
export function sourceConnectionSnapshot(ctx: CallContext, options: RequestOptions): ListingSnapshot<SourceConnection> {
  return objectSnapshot(ctx, KIND, options);
}

/** `GET /sourceConnections/{id}` → the source connection, or undefined when it does not exist (404). */
export function getSourceConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<SourceConnection | undefined> {
  return getObject(ctx, KIND, id, options);
}

/** `GET /sourceConnections`, every page (filters: `baseConnectionId==`, `connectionSpec.id==`, `name==`, …). */
export function listSourceConnections(ctx: CallContext, query: ListQuery, options: RequestOptions): AsyncGenerator<SourceConnection, void, undefined> {
  return listObjects(ctx, KIND, query, options);
}

/** `PATCH /sourceConnections/{id}` with `If-Match` → the new `{id, etag}`. */
export function updateSourceConnection(ctx: CallContext, id: string, etag: string, operations: readonly JsonPatchOperation[], options: RequestOptions): Promise<UpdatedObject> {
  return patchObject(ctx, KIND, id, etag, operations, options);
}

/** `DELETE /sourceConnections/{id}` → "deleted" or "not-found"; an `InUseError` (FLOW-1447) while a flow uses it. */
export function deleteSourceConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  return deleteObject(ctx, KIND, id, options);
}

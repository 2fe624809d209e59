/**
 * Target connections (`/targetConnections`, dataflows.md §5): for these sources always the Data Lake, connection
 * spec `c604ff05-7f1a-43c0-8e18-33bf874cb11c`, writing into one Catalog dataset (`params.dataSetId`) of one XDM
 * schema (`data.schema.id`, which must be the dataset's). Create is crash-safe (safe-create.ts): the marker goes at
 * the end of `description`, and an existing object is only taken for ours with the marker, the name, the spec and
 * the dataset of the create.
 */
import { z } from "zod";
import type { CallContext } from "./call";
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
  type AuditFields,
  type CreatedObject,
  type FlowObjectKind,
  type UpdatedObject,
} from "./flow-objects";
import { pageParser } from "./paging";
import type { ListingSnapshot, SafeCreateOptions } from "./safe-create";
import type { JsonPatchOperation, ListQuery, RequestOptions } from "./types";
import { lenient } from "./wire";

/** The Data Lake's fixed connection spec id ("the fixed connection spec ID associated to the Data Lake", DB). */
export const DATA_LAKE_CONNECTION_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";

/** `data.schema.version` as DB/CS document it ("returns the latest minor version"). */
export const XDM_FULL_SCHEMA_VERSION = "application/vnd.adobe.xed-full+json;version=1";

/** Body of `POST /targetConnections`. */
export interface NewTargetConnection {
  name: string;
  /** Free text; with an identity, it must end with the identity's marker. */
  description?: string;
  /** `{id: DATA_LAKE_CONNECTION_SPEC_ID, version: "1.0"}` for every source here. */
  connectionSpec: { id: string; version: string };
  data: {
    /** The dataset's XDM schema `$id`, and {@link XDM_FULL_SCHEMA_VERSION}. */
    schema: { id: string; version: string };
    /** Optional, no default (dataflows.md §12 #22): e.g. `parquet_xdm`. */
    format?: string;
  };
  params: { dataSetId: string };
}

/** The body of a Data Lake target connection writing into `dataSetId` of schema `schemaId`. */
export function dataLakeTargetConnection(target: { name: string; description?: string; schemaId: string; dataSetId: string; format?: string }): NewTargetConnection {
  const body: NewTargetConnection = {
    name: target.name,
    connectionSpec: { id: DATA_LAKE_CONNECTION_SPEC_ID, version: "1.0" },
    data: { schema: { id: target.schemaId, version: XDM_FULL_SCHEMA_VERSION } },
    params: { dataSetId: target.dataSetId },
  };
  if (target.description !== undefined) body.description = target.description;
  if (target.format !== undefined) body.data.format = target.format;
  return body;
}

/** A target connection as `GET /targetConnections/{id}` returns it (leniently parsed; unknown fields dropped). */
export interface TargetConnection extends AuditFields {
  id: string;
  /** Optional in the OpenAPI; always sent by this client. */
  name?: string;
  description?: string;
  connectionSpec: { id: string; version?: string };
  state?: string;
  data: { schema?: { id?: string; version?: string }; format?: string };
  params: { dataSetId?: string; [other: string]: unknown };
  /** Opaque, quotes included; send it back verbatim as `If-Match`. */
  etag: string;
}

const itemSchema = z
  .object({
    id: z.string().min(1),
    name: lenient(z.string()),
    description: lenient(z.string()),
    connectionSpec: z.object({ id: z.string().min(1), version: lenient(z.string()) }).loose(),
    state: lenient(z.string()),
    data: lenient(
      z
        .object({
          schema: lenient(z.object({ id: lenient(z.string()), version: lenient(z.string()) }).loose()),
          format: lenient(z.string()),
        })
        .loose(),
    ),
    params: lenient(z.object({ dataSetId: lenient(z.string()) }).loose()),
    ...auditShape,
  })
  .loose()
  .refine(hasEtag, { message: "neither etag nor version is present", path: ["etag"] });

function toTargetConnection(item: z.infer<typeof itemSchema>): TargetConnection {
  const result: TargetConnection = {
    id: item.id,
    connectionSpec: { id: item.connectionSpec.id },
    data: {},
    params: {},
    etag: item.etag ?? item.version ?? "",
  };
  if (item.connectionSpec.version !== undefined) result.connectionSpec.version = item.connectionSpec.version;
  if (item.name !== undefined) result.name = item.name;
  if (item.description !== undefined) result.description = item.description;
  if (item.state !== undefined) result.state = item.state;
  if (item.data?.schema !== undefined) {
    result.data.schema = {};
    if (item.data.schema.id !== undefined) result.data.schema.id = item.data.schema.id;
    if (item.data.schema.version !== undefined) result.data.schema.version = item.data.schema.version;
  }
  if (item.data?.format !== undefined) result.data.format = item.data.format;
  if (item.params !== undefined) {
    for (const [key, value] of Object.entries(item.params)) if (value !== undefined) result.params[key] = value;
  }
  copyAudit(item, result);
  return result;
}

/** One page of `GET /targetConnections` (also the `{items:[item]}` of `GET /targetConnections/{id}`). */
export const parseTargetConnectionPage = pageParser(itemSchema, toTargetConnection);

const KIND: FlowObjectKind<TargetConnection> = { path: "/targetConnections", what: "target connection", parsePage: parseTargetConnectionPage };

/** Creates a target connection; see the module comment (and safe-create.ts) for how duplicates are avoided. */
export async function createTargetConnection(ctx: CallContext, body: NewTargetConnection, options: SafeCreateOptions<TargetConnection>): Promise<CreatedObject> {
  const dataSetId = body?.params?.dataSetId;
  if (typeof dataSetId !== "string" || dataSetId === "") throw new TypeError("create target connection: params.dataSetId must be a non-empty string");
  return createObject(ctx, KIND, body, options, {
    filters: [`connectionSpec.id==${body.connectionSpec.id}`],
    sameKind: (item) => item.connectionSpec.id === body.connectionSpec.id && item.params.dataSetId === dataSetId,
  });
}

/** A listing of the sandbox's target connections shared by the creates of one run. */
export function targetConnectionSnapshot(ctx: CallContext, options: RequestOptions): ListingSnapshot<TargetConnection> {
  return objectSnapshot(ctx, KIND, options);
}

/** `GET /targetConnections/{id}` → the target connection, or undefined when it does not exist (404). */
export function getTargetConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<TargetConnection | undefined> {
  return getObject(ctx, KIND, id, options);
}

/** `GET /targetConnections`, every page (filters: `connectionSpec.id==`, `name==`, …). */
export function listTargetConnections(ctx: CallContext, query: ListQuery, options: RequestOptions): AsyncGenerator<TargetConnection, void, undefined> {
  return listObjects(ctx, KIND, query, options);
}

/** `PATCH /targetConnections/{id}` with `If-Match` → the new `{id, etag}`. */
export function updateTargetConnection(ctx: CallContext, id: string, etag: string, operations: readonly JsonPatchOperation[], options: RequestOptions): Promise<UpdatedObject> {
  return patchObject(ctx, KIND, id, etag, operations, options);
}

/** `DELETE /targetConnections/{id}` → "deleted" or "not-found"; an `InUseError` (FLOW-1447) while a flow uses it. */
export function deleteTargetConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  return deleteObject(ctx, KIND, id, options);
}

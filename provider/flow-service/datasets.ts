/**
 * Catalog datasets (`/data/foundation/catalog/dataSets`, dataflows.md §4): the dataset a Data Lake target writes
 * into, for an existing XDM schema. Catalog is its own dialect, not Flow Service's:
 * - create → **201** with a bare array `["@/dataSets/{id}"]` (no etag: Catalog has no If-Match);
 * - look-up → 200 with an object keyed by the id, `{ "<id>": {…} }`;
 * - delete → 200 with `["@/dataSets/{id}"]`, or 200 `[]` when nothing matched (read as "not-found");
 * - lists are keyed objects too, filtered by plain query parameters (`name=…`) and paged by `start`/`limit`.
 *
 * Crash-safe create (safe-create.ts): the marker goes at the end of `description`, which Catalog keeps and returns
 * (the only free-text field besides `name`, which users choose and see in the UI). An existing dataset is only taken
 * for ours when it has the marker, the name and the schema of the create.
 */
import { z } from "zod";
import { CATALOG_BASE_PATH, failure, isResourceNotFound, segment, send, serviceContext, unparseable, type CallContext, type CallSpec } from "./call";
import { epochMs } from "./connections";
import { FlowServiceError } from "./errors";
import { isExcluded, splitMarker, type CreateIdentity } from "./identity";
import { createSafely, ListingSnapshot, sharedLookOf, type Recovered, type SafeCreateOptions } from "./safe-create";
import type { RequestOptions } from "./types";
import { lenient, looseRecord, parseJson, type Parsed } from "./wire";

/** `schemaRef.contentType` of a dataset, as CAT and TPL document it. */
export const XDM_SCHEMA_CONTENT_TYPE = "application/vnd.adobe.xed+json;version=1";

/** Body of `POST /dataSets`. */
export interface NewDataset {
  name: string;
  /** Free text; with an identity, it must end with the identity's marker. */
  description?: string;
  /** The XDM schema's `$id` (a URI, not `meta:altId`) and {@link XDM_SCHEMA_CONTENT_TYPE}. */
  schemaRef: { id: string; contentType: string };
  /** e.g. `{ unifiedProfile: ["enabled:true"] }` to make it Profile-enabled (the schema must be too). */
  tags?: Record<string, string[]>;
}

/** A dataset as `GET /dataSets/{id}` returns it (leniently parsed; unknown fields dropped). */
export interface Dataset {
  /** 24 lowercase hex digits. */
  id: string;
  name: string;
  description?: string;
  schemaRef?: { id: string; contentType?: string };
  /** e.g. `DRAFT`. */
  state?: string;
  tags?: Record<string, unknown>;
  version?: string;
  /** Epoch milliseconds. */
  created?: number;
  /** Epoch milliseconds. */
  updated?: number;
  createdUser?: string;
  createdClient?: string;
  updatedUser?: string;
  imsOrg?: string;
  sandboxId?: string;
}

/** Result of {@link createDataset}. */
export interface CreatedDataset {
  id: string;
  /** See safe-create.ts {@link Recovered}. */
  recovered: Recovered;
  /** Other objects carrying the create's marker, left by interrupted attempts: delete them (see safe-create.ts). */
  strays: string[];
}

/** Options of {@link createDataset}. */
export interface CreateDatasetOptions extends SafeCreateOptions<Dataset> {
  /** Catalog's `requestDataSource` query parameter. @default not sent */
  requestDataSource?: boolean;
}

const datasetSchema = z
  .object({
    name: z.string(),
    description: lenient(z.string()),
    schemaRef: lenient(z.object({ id: z.string().min(1), contentType: lenient(z.string()) }).loose()),
    state: lenient(z.string()),
    tags: lenient(looseRecord),
    version: lenient(z.string()),
    created: lenient(epochMs),
    updated: lenient(epochMs),
    createdUser: lenient(z.string()),
    createdClient: lenient(z.string()),
    updatedUser: lenient(z.string()),
    imsOrg: lenient(z.string()),
    sandboxId: lenient(z.string()),
  })
  .loose();

/** A keyed Catalog answer: `{ "<id>": dataset, … }`. */
const keyedSchema = z.record(z.string(), datasetSchema);

/** `["@/dataSets/<id>"]` (create, delete). */
const refArraySchema = z.array(z.string());

const REF = /^@\/dataSets\/([^/\s]+)$/;

function toDataset(id: string, body: z.infer<typeof datasetSchema>): Dataset {
  const dataset: Dataset = { id, name: body.name };
  if (body.schemaRef !== undefined) {
    dataset.schemaRef = { id: body.schemaRef.id };
    if (body.schemaRef.contentType !== undefined) dataset.schemaRef.contentType = body.schemaRef.contentType;
  }
  const optional = ["description", "state", "tags", "version", "created", "updated", "createdUser", "createdClient", "updatedUser", "imsOrg", "sandboxId"] as const;
  for (const key of optional) {
    const value = body[key];
    if (value !== undefined) (dataset as unknown as Record<string, unknown>)[key] = value;
  }
  return dataset;
}

/** The 201 of `POST /dataSets`: exactly one `@/dataSets/<id>` reference. */
export function parseDatasetCreated(text: string): Parsed<{ id: string }> {
  const parsed = parseJson(refArraySchema, text, (refs) => refs);
  if (!parsed.ok) return parsed;
  const ids = parsed.value.map((ref) => REF.exec(ref)?.[1]);
  const [id] = ids;
  if (ids.length !== 1 || id === undefined) return { ok: false, problem: `expected one "@/dataSets/<id>" reference, got ${ids.length} entries` };
  return { ok: true, value: { id } };
}

/** A keyed Catalog answer (look-up or list) as datasets, in the order given. */
export function parseDatasetMap(text: string): Parsed<Dataset[]> {
  return parseJson(keyedSchema, text, (map) => Object.entries(map).map(([id, body]) => toDataset(id, body)));
}

function catalog(ctx: CallContext): CallContext {
  return serviceContext(ctx, CATALOG_BASE_PATH);
}

/** Page size of the lookups a create makes (Catalog's global maximum is 100). */
const LOOKUP_PAGE = 100;
/** Lookups stop after this many pages: a sandbox with more same-named datasets is not one a create can reason about. */
const LOOKUP_MAX_PAGES = 50;

/**
 * `GET /dataSets?[name=<name>&]properties=…&limit=&start=`, every page (offset paging, creation order), at most
 * `maxPages` pages: Catalog matches `name` itself. Requests are made while iterating.
 */
async function* datasetPages(ctx: CallContext, name: string | undefined, maxPages: number, options: RequestOptions): AsyncGenerator<Dataset, void, undefined> {
  const c = catalog(ctx);
  for (let page = 0; page < maxPages; page += 1) {
    const query: [string, string][] = [
      ...(name === undefined ? [] : [["name", name] as [string, string]]),
      ["properties", "name,description,schemaRef,state,created,updated"],
      ["limit", String(LOOKUP_PAGE)],
      ["start", String(page * LOOKUP_PAGE)],
    ];
    const spec: CallSpec = { method: "GET", path: "/dataSets", query, idempotent: true, options };
    const exchange = await send(c, spec);
    const response = exchange.response;
    if (response?.status !== 200) throw failure(c, spec, exchange);
    const parsed = parseDatasetMap(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    yield* parsed.value;
    if (parsed.value.length < LOOKUP_PAGE) return;
  }
  throw new FlowServiceError(
    { status: 0, method: "GET", path: "/dataSets" },
    `GET /dataSets: more than ${maxPages * LOOKUP_PAGE} datasets${name === undefined ? "" : ` named ${JSON.stringify(name)}`}; stopping`,
  );
}

/**
 * The datasets named exactly `name`, every page. The name is compared again locally, so a server that ignored the
 * filter changes nothing.
 */
export async function findDatasetsByName(ctx: CallContext, name: string, options: RequestOptions): Promise<Dataset[]> {
  const found: Dataset[] = [];
  for await (const dataset of datasetPages(ctx, name, LOOKUP_MAX_PAGES, options)) {
    if (dataset.name === name && !found.some((d) => d.id === dataset.id)) found.push(dataset);
  }
  return found;
}

/** The sandbox's datasets, every page; requests are made while iterating. */
export function listDatasets(ctx: CallContext, options: RequestOptions): AsyncGenerator<Dataset, void, undefined> {
  return datasetPages(ctx, undefined, Number.MAX_SAFE_INTEGER, options);
}

/** A listing of the sandbox's datasets shared by the creates of one run (see {@link ListingSnapshot}). */
export function datasetSnapshot(ctx: CallContext, options: RequestOptions): ListingSnapshot<Dataset> {
  const { signal: _signal, ...unbounded } = options;
  return new ListingSnapshot(() => listDatasets(ctx, unbounded));
}

/** Whether a listed dataset is provably the resource's that creates `body` with `identity` (its live ones included). */
function isOwnDataset(dataset: Dataset, body: NewDataset, identity: CreateIdentity): boolean {
  // A live dataset of the resource counts whatever its name, so that older generations are known as such.
  if (isExcluded(identity, dataset.id)) return splitMarker(dataset.description).key === identity.key;
  if (dataset.name !== body.name) return false;
  if (dataset.schemaRef !== undefined && dataset.schemaRef.id !== body.schemaRef.id) return false;
  return splitMarker(dataset.description).key === identity.key;
}

/** `POST /dataSets` made crash-safe; see the module comment. */
export async function createDataset(ctx: CallContext, body: NewDataset, options: CreateDatasetOptions): Promise<CreatedDataset> {
  const { identity, requestDataSource, snapshot, ...requestOptions } = options;
  if (typeof body?.name !== "string" || body.name === "") throw new TypeError("createDataset: body.name must be a non-empty string");
  if (typeof body.schemaRef?.id !== "string" || body.schemaRef.id === "") throw new TypeError("createDataset: body.schemaRef.id must be the schema's $id");
  if (identity !== undefined && splitMarker(body.description).key !== identity.key) {
    throw new TypeError("createDataset: body.description must end with the identity's marker (identity.ts withMarker)");
  }
  const c = catalog(ctx);
  const sameNamed = async (): Promise<Dataset[]> =>
    (await findDatasetsByName(ctx, body.name, requestOptions)).filter((d) => d.schemaRef === undefined || d.schemaRef.id === body.schemaRef.id);
  const spec: Omit<CallSpec, "budget" | "idempotent"> = { method: "POST", path: "/dataSets", body, options: requestOptions };
  if (requestDataSource !== undefined) spec.query = [["requestDataSource", String(requestDataSource)]];
  return createSafely(c, {
    what: "dataset",
    name: body.name,
    spec,
    identity,
    parse: (response) => parseDatasetCreated(response.text),
    findOwn: async (id) => (await sameNamed()).filter((d) => isOwnDataset(d, body, id)),
    findSameNamed: sameNamed,
    idOf: (d) => d.id,
    createdAtOf: (d) => d.created,
    fromFound: (d) => ({ id: d.id }),
    ...(identity !== undefined && snapshot !== undefined ? { sharedLook: sharedLookOf(snapshot, (listed) => listed.filter((d) => isOwnDataset(d, body, identity))) } : {}),
  });
}

/** `GET /dataSets/{id}` → the dataset, or undefined when Catalog does not know it (404). */
export async function getDataset(ctx: CallContext, id: string, options: RequestOptions): Promise<Dataset | undefined> {
  const c = catalog(ctx);
  const spec: CallSpec = { method: "GET", path: `/dataSets/${segment(id)}`, idempotent: true, options };
  const exchange = await send(c, spec);
  const response = exchange.response;
  if (response !== undefined && isResourceNotFound(response)) return undefined;
  if (response?.status !== 200) throw failure(c, spec, exchange);
  const parsed = parseDatasetMap(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  const datasets = parsed.value;
  // Keyed by the id asked for, and nothing else: any other 200 is an error, never "gone".
  if (datasets.length !== 1 || datasets[0]!.id !== id) {
    throw unparseable(spec, response, `it holds ${datasets.length === 1 ? `dataset ${datasets[0]!.id}` : `${datasets.length} datasets`}, not dataset ${id}`);
  }
  return datasets[0];
}

/**
 * `DELETE /dataSets/{id}` → "deleted" (200 naming the dataset) or "not-found" (200 `[]`, or 404). After an attempt
 * whose outcome was unknown, `[]` means the first attempt deleted it: "deleted".
 */
export async function deleteDataset(ctx: CallContext, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  const c = catalog(ctx);
  const spec: CallSpec = { method: "DELETE", path: `/dataSets/${segment(id)}`, idempotent: true, options };
  const exchange = await send(c, spec);
  const response = exchange.response;
  const gone = exchange.earlierOutcomeUnknown ? "deleted" : "not-found";
  if (response !== undefined && isResourceNotFound(response)) return gone;
  if (response?.status === 204) return "deleted";
  if (response?.status !== 200) throw failure(c, spec, exchange);
  const parsed = parseJson(refArraySchema, response.text, (refs) => refs);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  if (parsed.value.length === 0) return gone;
  if (!parsed.value.some((ref) => REF.exec(ref)?.[1] === id)) throw unparseable(spec, response, `it names ${parsed.value.length} other objects, not dataset ${id}`);
  return "deleted";
}

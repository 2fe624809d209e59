/**
 * Data Prep mapping sets (`/data/foundation/conversion/mappingSets`, dataflows.md §6): source fields → XDM paths.
 * Data Prep is its own dialect:
 * - create → **200** (not 201) `{id (32 hex), version: 0, …}`; no etag and no If-Match anywhere;
 * - versioned: a PUT replaces the whole set and answers it with `version` + 1 (every mapping gets a new id); older
 *   versions stay readable with `?version=N`; a flow pins `{mappingId, mappingVersion}`, so after a PUT the flow's
 *   Mapping transformation must be patched (flows.ts `mappingTransformationPatch`);
 * - lists are `{data, _page, _links}` with required `limit` and `start`.
 * Requests use the current dialect (`outputSchema.schemaRef`, `sourceType/source/destination`); reads accept both
 * (the legacy `sourceAttribute/destinationXdmPath` too) and normalise `sourceType` (`text/x.schema-path` reads as
 * `ATTRIBUTE`, `text/x.aep-xl` as `EXPRESSION`, `text/plain` as `STATIC`).
 *
 * Crash-safe create (safe-create.ts): a mapping set keeps no description, only `name`, so the marker goes at the end
 * of `name` (`withMarker(name, key)`); an existing set is only taken for ours with that exact name (marker included)
 * and the same output schema. A PUT is not idempotent (each one adds a version), so it is never retried blindly
 * (checked-write.ts): after an unknown outcome the set is read back, and the PUT counts as done only if its current
 * version holds exactly the name and mappings sent; one that does not after a transient failure is sent again.
 */
import { z } from "zod";
import { DATA_PREP_BASE_PATH, failure, isResourceNotFound, segment, send, serviceContext, unparseable, type CallContext, type CallSpec } from "./call";
import { epochMs } from "./connections";
import { flowIdsNamedIn, FlowServiceError, InUseError } from "./errors";
import { isExcluded, splitMarker, type CreateIdentity } from "./identity";
import { sendChecked } from "./checked-write";
import { adobeFields, createSafely, ListingSnapshot, sharedLookOf, type Recovered, type SafeCreateOptions } from "./safe-create";
import type { RequestOptions } from "./types";
import { lenient, parseJson, type Parsed } from "./wire";

/** `outputSchema.schemaRef.contentType` as MS documents it. */
export const XDM_FULL_SCHEMA_CONTENT_TYPE = "application/vnd.adobe.xed-full+json;version=1";

/** How a mapping's `source` is read: a source field, an expression (Data Prep functions), or a constant. */
export type MappingSourceType = "ATTRIBUTE" | "EXPRESSION" | "STATIC";

/** One mapping as sent. */
export interface MappingInput {
  sourceType: MappingSourceType;
  /** A source column (ATTRIBUTE), an expression (EXPRESSION) or a constant (STATIC). */
  source: string;
  /** An XDM path of the output schema, e.g. `person.name.firstName`, `_tenant.customerId`. */
  destination: string;
  name?: string;
  description?: string;
  identity?: boolean;
  primaryIdentity?: boolean;
}

/** Body of `POST /mappingSets` and `PUT /mappingSets/{id}`. */
export interface NewMappingSet {
  /** Optional for Data Prep; with an identity, required and ending with the identity's marker. */
  name?: string;
  /** The target dataset's schema (same id and version, or the flow fails with FLOW-1425). */
  outputSchema: { schemaRef: { id: string; contentType: string } };
  inputSchema?: { id: string; version?: string };
  mappings: MappingInput[];
}

/** One mapping as read back. `id` changes with every version. */
export interface Mapping {
  id?: string;
  /** Normalised: ATTRIBUTE, EXPRESSION, STATIC; an unknown value is passed through as sent by the server. */
  sourceType: string;
  source: string;
  destination: string;
  name?: string;
  description?: string;
  identity?: boolean;
  primaryIdentity?: boolean;
}

/** A mapping set (one version of it) as `GET /mappingSets/{id}` returns it (leniently parsed). */
export interface MappingSet {
  /** 32 lowercase hex digits. */
  id: string;
  /** 0 first, +1 per PUT. */
  version: number;
  name?: string;
  /** The output schema's `$id`, from `outputSchema.schemaRef.id` (or the legacy `xdmSchema`). */
  outputSchemaId?: string;
  mappings: Mapping[];
  /** `DRAFT` or `PUBLISHED`. */
  status?: string;
  /** Epoch milliseconds. */
  createdDate?: number;
  /** Epoch milliseconds. */
  modifiedDate?: number;
  createdBy?: string;
  modifiedBy?: string;
}

/** Result of {@link createMappingSet}. */
export interface CreatedMappingSet {
  id: string;
  /** The version created (0), or the current version of the set found by its marker. */
  version: number;
  /** See safe-create.ts {@link Recovered}. */
  recovered: Recovered;
  /** Other objects carrying the create's marker, left by interrupted attempts: delete them (see safe-create.ts). */
  strays: string[];
}

/** Result of {@link updateMappingSet}: the new current version. */
export interface UpdatedMappingSet extends MappingSet {
  /** True when the PUT's answer was lost and the set, read back, already holds exactly the mappings sent. */
  recovered: boolean;
}

const SOURCE_TYPES: Readonly<Record<string, MappingSourceType>> = {
  attribute: "ATTRIBUTE",
  "text/x.schema-path": "ATTRIBUTE",
  expression: "EXPRESSION",
  "text/x.aep-xl": "EXPRESSION",
  static: "STATIC",
  "text/plain": "STATIC",
};

/** `sourceType` in the request dialect: `text/x.schema-path` → ATTRIBUTE, and so on; unknown values unchanged. */
export function normaliseSourceType(sourceType: string | undefined): string {
  if (sourceType === undefined) return "ATTRIBUTE";
  return SOURCE_TYPES[sourceType.toLowerCase()] ?? sourceType;
}

const mappingSchema = z
  .object({
    id: lenient(z.string()),
    sourceType: lenient(z.string()),
    source: lenient(z.string()),
    sourceAttribute: lenient(z.string()),
    destination: lenient(z.string()),
    destinationXdmPath: lenient(z.string()),
    name: lenient(z.string()),
    description: lenient(z.string()),
    identity: lenient(z.boolean()),
    primaryIdentity: lenient(z.boolean()),
  })
  .loose()
  .refine((m) => (m.source ?? m.sourceAttribute) !== undefined && (m.destination ?? m.destinationXdmPath) !== undefined, {
    message: "a mapping has no source or no destination",
  });

const mappingSetSchema = z
  .object({
    id: z.string().min(1),
    version: z.union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)]),
    name: lenient(z.string()),
    outputSchema: lenient(z.object({ schemaRef: lenient(z.object({ id: lenient(z.string()) }).loose()), id: lenient(z.string()) }).loose()),
    xdmSchema: lenient(z.string()),
    mappings: z.array(mappingSchema),
    status: lenient(z.string()),
    createdDate: lenient(epochMs),
    modifiedDate: lenient(epochMs),
    createdBy: lenient(z.string()),
    modifiedBy: lenient(z.string()),
  })
  .loose();

const createdSchema = z
  .object({ id: z.string().min(1), version: z.union([z.number().int().min(0), z.string().regex(/^\d+$/).transform(Number)]) })
  .loose();

const listSchema = z
  .object({
    data: z.array(mappingSetSchema),
    _links: lenient(z.object({ next: lenient(z.object({ href: lenient(z.string()) }).loose()) }).loose()),
  })
  .loose();

function toMapping(m: z.infer<typeof mappingSchema>): Mapping {
  const mapping: Mapping = {
    sourceType: normaliseSourceType(m.sourceType),
    source: m.source ?? m.sourceAttribute ?? "",
    destination: m.destination ?? m.destinationXdmPath ?? "",
  };
  for (const key of ["id", "name", "description", "identity", "primaryIdentity"] as const) {
    const value = m[key];
    if (value !== undefined) (mapping as unknown as Record<string, unknown>)[key] = value;
  }
  return mapping;
}

function toMappingSet(body: z.infer<typeof mappingSetSchema>): MappingSet {
  const set: MappingSet = { id: body.id, version: body.version, mappings: body.mappings.map(toMapping) };
  const schemaId = body.outputSchema?.schemaRef?.id ?? body.outputSchema?.id ?? body.xdmSchema;
  if (schemaId !== undefined) set.outputSchemaId = schemaId;
  for (const key of ["name", "status", "createdDate", "modifiedDate", "createdBy", "modifiedBy"] as const) {
    const value = body[key];
    if (value !== undefined) (set as unknown as Record<string, unknown>)[key] = value;
  }
  return set;
}

/** A full mapping set (GET, PUT). */
export function parseMappingSet(text: string): Parsed<MappingSet> {
  return parseJson(mappingSetSchema, text, toMappingSet);
}

/**
 * Whether `actual` holds exactly the mappings of `wanted`, compared as (sourceType, source, destination) tuples in
 * any order: mapping ids change with every version and `sourceType` comes back in another spelling, so neither
 * counts. Use it to detect drift.
 */
export function sameMappings(wanted: readonly MappingInput[], actual: readonly Mapping[]): boolean {
  const key = (m: { sourceType: string; source: string; destination: string }) => JSON.stringify([normaliseSourceType(m.sourceType), m.source, m.destination]);
  const a = wanted.map(key).sort();
  const b = actual.map(key).sort();
  return a.length === b.length && a.every((k, i) => k === b[i]);
}

function dataPrep(ctx: CallContext): CallContext {
  return serviceContext(ctx, DATA_PREP_BASE_PATH);
}

const PAGE = 100;
const MAX_PAGES = 1_000;

/**
 * `GET /mappingSets?limit=&start=[&name=]`, every page (offset paging; `limit` and `start` are required by Data
 * Prep). Requests are made while iterating.
 */
export async function* listMappingSets(ctx: CallContext, query: { name?: string }, options: RequestOptions): AsyncGenerator<MappingSet, void, undefined> {
  const c = dataPrep(ctx);
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const pairs: [string, string][] = [["limit", String(PAGE)], ["start", String(page * PAGE)]];
    if (query.name !== undefined) pairs.push(["name", query.name]);
    const spec: CallSpec = { method: "GET", path: "/mappingSets", query: pairs, idempotent: true, options };
    const exchange = await send(c, spec);
    const response = exchange.response;
    if (response?.status !== 200) throw failure(c, spec, exchange);
    const parsed = parseJson(listSchema, response.text, (body) => body);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    for (const set of parsed.value.data) yield toMappingSet(set);
    // `_page.count` is unreliable (MS's example shows 0 with two items): the page size decides.
    if (parsed.value.data.length < PAGE) return;
  }
  throw new FlowServiceError({ status: 0, method: "GET", path: "/mappingSets" }, `GET /mappingSets: more than ${MAX_PAGES} pages; stopping`);
}

/** A listing of the sandbox's mapping sets shared by the creates of one run (see {@link ListingSnapshot}). */
export function mappingSetSnapshot(ctx: CallContext, options: RequestOptions): ListingSnapshot<MappingSet> {
  const { signal: _signal, ...unbounded } = options;
  return new ListingSnapshot(() => listMappingSets(ctx, {}, unbounded));
}

function isOwnSet(set: MappingSet, body: NewMappingSet, identity: CreateIdentity): boolean {
  // A live set of the resource counts whatever its name, so that older generations are known as such.
  if (isExcluded(identity, set.id)) return splitMarker(set.name).key === identity.key;
  if (set.name !== body.name) return false;
  if (set.outputSchemaId !== undefined && set.outputSchemaId !== body.outputSchema.schemaRef.id) return false;
  return splitMarker(set.name).key === identity.key;
}

/** `POST /mappingSets` (200 `{id, version}`) made crash-safe; see the module comment. */
export async function createMappingSet(ctx: CallContext, body: NewMappingSet, options: SafeCreateOptions<MappingSet>): Promise<CreatedMappingSet> {
  const { identity, snapshot, ...requestOptions } = options;
  if (typeof body?.outputSchema?.schemaRef?.id !== "string" || body.outputSchema.schemaRef.id === "") {
    throw new TypeError("createMappingSet: body.outputSchema.schemaRef.id must be the output schema's $id");
  }
  if (!Array.isArray(body.mappings) || body.mappings.length === 0) throw new TypeError("createMappingSet: body.mappings must be a non-empty array");
  if (identity !== undefined && splitMarker(body.name).key !== identity.key) {
    throw new TypeError("createMappingSet: body.name must end with the identity's marker (identity.ts withMarker): a mapping set keeps no description");
  }
  const c = dataPrep(ctx);
  const sameNamed = async (): Promise<MappingSet[]> => {
    const found: MappingSet[] = [];
    if (body.name === undefined) return found;
    for await (const set of listMappingSets(ctx, { name: body.name }, requestOptions)) {
      if (set.name === body.name && (set.outputSchemaId === undefined || set.outputSchemaId === body.outputSchema.schemaRef.id)) found.push(set);
    }
    return found;
  };
  return createSafely(c, {
    what: "mapping set",
    name: body.name ?? "",
    spec: { method: "POST", path: "/mappingSets", body, options: requestOptions },
    identity,
    parse: (response) => parseJson(createdSchema, response.text, (created) => ({ id: created.id, version: created.version })),
    findOwn: async (id) => (await sameNamed()).filter((set) => isOwnSet(set, body, id)),
    findSameNamed: sameNamed,
    idOf: (set) => set.id,
    createdAtOf: (set) => set.createdDate,
    fromFound: (set) => ({ id: set.id, version: set.version }),
    ...(identity !== undefined && snapshot !== undefined ? { sharedLook: sharedLookOf(snapshot, (listed) => listed.filter((set) => isOwnSet(set, body, identity))) } : {}),
  });
}

/**
 * `GET /mappingSets/{id}[?version=N]` → that version (the current one without `version`), or undefined when the
 * set, or that version of it, does not exist (404).
 */
export async function getMappingSet(ctx: CallContext, id: string, version: number | undefined, options: RequestOptions): Promise<MappingSet | undefined> {
  if (version !== undefined && !(Number.isInteger(version) && version >= 0)) throw new RangeError("version must be a non-negative integer");
  const c = dataPrep(ctx);
  const spec: CallSpec = { method: "GET", path: `/mappingSets/${segment(id)}`, idempotent: true, options };
  if (version !== undefined) spec.query = [["version", String(version)]];
  const exchange = await send(c, spec);
  const response = exchange.response;
  if (response !== undefined && isResourceNotFound(response)) return undefined;
  if (response?.status !== 200) throw failure(c, spec, exchange);
  const parsed = parseMappingSet(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  if (parsed.value.id !== id) throw unparseable(spec, response, `it holds mapping set ${parsed.value.id}, not ${id}`);
  if (version !== undefined && parsed.value.version !== version) throw unparseable(spec, response, `it holds version ${parsed.value.version}, not ${version}`);
  return parsed.value;
}

/**
 * `PUT /mappingSets/{id}`: replaces the whole set → its new current version (`version` + 1). Never sent again
 * blindly (checked-write.ts): after an unknown outcome the set is read back, and the result is that version only if
 * it holds exactly `body`'s name and mappings; a set that does not after a transient failure gets the PUT again.
 */
export async function updateMappingSet(ctx: CallContext, id: string, body: NewMappingSet, options: RequestOptions): Promise<UpdatedMappingSet> {
  if (!Array.isArray(body?.mappings) || body.mappings.length === 0) throw new TypeError("updateMappingSet: body.mappings must be a non-empty array");
  const spec: Omit<CallSpec, "budget" | "idempotent"> = { method: "PUT", path: `/mappingSets/${segment(id)}`, body, options };
  return sendChecked<UpdatedMappingSet>(dataPrep(ctx), {
    spec,
    parse: (response) => {
      const parsed = parseMappingSet(response.text);
      if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
      if (parsed.value.id !== id) throw unparseable(spec, response, `it holds mapping set ${parsed.value.id}, not ${id}`);
      return { ...parsed.value, recovered: false };
    },
    readBack: async () => {
      const current = await getMappingSet(ctx, id, undefined, options);
      // The name counts too: a rename keeps the mappings, and a set that still holds them under its old name was not updated.
      if (current !== undefined && current.name === body.name && current.outputSchemaId === body.outputSchema.schemaRef.id && sameMappings(body.mappings, current.mappings)) {
        return { applied: { ...current, recovered: true } };
      }
      return { notApplied: "the mapping set, read back, does not hold the name and mappings sent, so the update was not applied" };
    },
    readBackFailed: "the update may have been applied, and reading the mapping set back failed. Read it before updating again",
  });
}

/** Data Prep's code for "a flow pins this mapping set" (the emulator's; Adobe documents none, dataflows.md §14). */
const MAPPING_SET_IN_USE = "DATAPREP-1006";

/**
 * `DELETE /mappingSets/{id}` (not in Data Prep's docs; AEPP calls it) → "deleted" (200/204) or "not-found" (404;
 * "deleted" when an earlier attempt's outcome was unknown). A set a flow pins → `InUseError` naming the flows.
 */
export async function deleteMappingSet(ctx: CallContext, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  const c = dataPrep(ctx);
  const spec: CallSpec = { method: "DELETE", path: `/mappingSets/${segment(id)}`, idempotent: true, options };
  const exchange = await send(c, spec);
  const response = exchange.response;
  if (response !== undefined && [200, 202, 204].includes(response.status)) return "deleted";
  if (response !== undefined && isResourceNotFound(response)) return exchange.earlierOutcomeUnknown ? "deleted" : "not-found";
  const error = failure(c, spec, exchange);
  if (error.adobeCode === MAPPING_SET_IN_USE) {
    throw new InUseError({ ...adobeFields(error), blockingFlowIds: flowIdsNamedIn(error.message, spec.path, error.requestId) }, error.message);
  }
  throw error;
}

/**
 * What source connections, target connections and flows share with base connections (dataflows.md §1): POST → 201
 * `{id, etag}`; GET by id → `{items:[item]}`; lists paged by `_links.next.href` with `property` filters; PATCH = JSON
 * Patch + quoted `If-Match` → 200 `{id, etag}`; DELETE → 204. Each object's module (source-connections.ts, …) gives
 * its schema and path; the mechanics, and what counts as "gone", are written once here.
 */
import { z } from "zod";
import { failure, isResourceNotFound, segment, send, unparseable, type CallContext, type CallSpec } from "./call";
import { epochMs, parseCreated } from "./connections";
import { isExcluded, splitMarker, type CreateIdentity } from "./identity";
import type { HttpResponse } from "./http";
import { firstPage, iteratePages, type Page } from "./paging";
import { createSafely, ListingSnapshot, sharedLookOf, type Recovered, type SafeCreateOptions } from "./safe-create";
import type { JsonPatchOperation, ListQuery, RequestOptions } from "./types";
import { lenient, type Parsed } from "./wire";

/** The answer of a create: the new object's id and etag, and whether it was found rather than created. */
export interface CreatedObject {
  id: string;
  /** Opaque, quotes included; send it back verbatim as `If-Match`. */
  etag: string;
  /** See {@link Recovered}. */
  recovered: Recovered;
  /** Other objects carrying the create's marker, left by interrupted attempts: delete them (see safe-create.ts). */
  strays: string[];
}

/** The answer of a PATCH or an action: the object's id and its new etag. */
export interface UpdatedObject {
  id: string;
  etag: string;
}

/** The fields every Flow Service object read here has. */
export interface FlowObjectBase {
  id: string;
  /** Epoch ms, when listed. */
  createdAt?: number;
  name?: string;
  description?: string;
  etag: string;
}

/** One kind of Flow Service object. */
export interface FlowObjectKind<T extends FlowObjectBase> {
  /** Collection path, e.g. `/sourceConnections`. */
  path: string;
  /** e.g. "source connection", for messages. */
  what: string;
  parsePage(text: string): Parsed<Page<T>>;
  /** A non-404 answer that also means "no such object" (FLOW-1439-400 for flows, as ERR documents it). */
  alsoNotFound?(response: HttpResponse): boolean;
}

/** Flow Service ids are UUIDs; their case carries no meaning. */
export function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isGone<T extends FlowObjectBase>(kind: FlowObjectKind<T>, response: HttpResponse): boolean {
  return isResourceNotFound(response) || kind.alsoNotFound?.(response) === true;
}

/** `GET {path}/{id}` → the object, or undefined when it does not exist. Any other 200 body is an error. */
export async function getObject<T extends FlowObjectBase>(ctx: CallContext, kind: FlowObjectKind<T>, id: string, options: RequestOptions): Promise<T | undefined> {
  const spec: CallSpec = { method: "GET", path: `${kind.path}/${segment(id)}`, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response !== undefined && isGone(kind, response)) return undefined;
  if (response?.status !== 200) throw failure(ctx, spec, exchange);
  const parsed = kind.parsePage(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  // Only a real not-found means gone: a 200 that does not hold exactly this object is an error, never "gone".
  const { items } = parsed.value;
  if (items.length !== 1 || !sameId(items[0]!.id, id)) {
    throw unparseable(spec, response, `it holds ${items.length === 1 ? `${kind.what} ${items[0]!.id}` : `${items.length} items`}, not ${kind.what} ${id}`);
  }
  return items[0];
}

/** `GET {path}`, every page; requests are made while iterating. */
export function listObjects<T extends FlowObjectBase>(ctx: CallContext, kind: FlowObjectKind<T>, query: ListQuery, options: RequestOptions): AsyncGenerator<T, void, undefined> {
  return iteratePages(ctx, firstPage(kind.path, query), kind.parsePage, options);
}

/** `PATCH {path}/{id}` with `If-Match` → the new `{id, etag}`. A stale etag is a `StaleEtagError`. */
export async function patchObject<T extends FlowObjectBase>(
  ctx: CallContext,
  kind: FlowObjectKind<T>,
  id: string,
  etag: string,
  operations: readonly JsonPatchOperation[],
  options: RequestOptions,
): Promise<UpdatedObject> {
  if (typeof etag !== "string" || etag === "") throw new TypeError("etag must be a non-empty string");
  if (!Array.isArray(operations) || operations.length === 0) throw new TypeError("operations must be a non-empty JSON Patch array");
  const spec: CallSpec = { method: "PATCH", path: `${kind.path}/${segment(id)}`, body: operations, ifMatch: etag, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response?.status === 200) {
    const parsed = parseCreated(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    if (!sameId(parsed.value.id, id)) throw unparseable(spec, response, `it names ${kind.what} ${parsed.value.id}, not ${id}`);
    return parsed.value;
  }
  const note =
    response?.status === 412 && exchange.earlierOutcomeUnknown
      ? `an earlier attempt of this update got no definite answer and may have been applied; re-read the ${kind.what}`
      : undefined;
  throw failure(ctx, spec, exchange, note);
}

/**
 * `DELETE {path}/{id}` → "deleted" (204/200/202) or "not-found" (404; "deleted" when an earlier attempt's outcome
 * was unknown). Refused while in use: an `InUseError` naming the blocking flows when Adobe's answer does.
 */
export async function deleteObject<T extends FlowObjectBase>(ctx: CallContext, kind: FlowObjectKind<T>, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  const spec: CallSpec = { method: "DELETE", path: `${kind.path}/${segment(id)}`, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response !== undefined && [200, 202, 204].includes(response.status)) return "deleted";
  if (response !== undefined && isGone(kind, response)) return exchange.earlierOutcomeUnknown ? "deleted" : "not-found";
  throw failure(ctx, spec, exchange);
}

/** A body a Flow Service create sends: a name, and the description that carries the marker. */
export interface NamedBody {
  name: string;
  description?: string;
}

/**
 * `property` filters for a create's lookup: `name==` (unless the name could change the filter's meaning on the
 * server: `,` or `"` or outer spaces; it is then matched locally only) plus the kind's own filters.
 */
export function nameFilters(name: string, extra: readonly string[]): string[] {
  return /[,"]|^\s|\s$/.test(name) ? [...extra] : [`name==${name}`, ...extra];
}

/**
 * `POST {path}` made crash-safe (safe-create.ts). `sameKind` says whether a listed object is of the same kind as
 * `body` beyond its name (spec id, base connection, dataset…); `filters` are the server-side filters for that.
 */
export async function createObject<T extends FlowObjectBase>(
  ctx: CallContext,
  kind: FlowObjectKind<T>,
  body: NamedBody,
  options: SafeCreateOptions<T>,
  lookup: { filters: readonly string[]; sameKind(item: T): boolean },
): Promise<CreatedObject> {
  const { identity, snapshot, ...requestOptions } = options;
  if (typeof body?.name !== "string" || body.name === "") throw new TypeError(`create ${kind.what}: body.name must be a non-empty string`);
  if (identity !== undefined && splitMarker(body.description).key !== identity.key) {
    throw new TypeError(`create ${kind.what}: body.description must end with the identity's marker (identity.ts withMarker)`);
  }
  const sameNamed = async (): Promise<T[]> => {
    const found: T[] = [];
    for await (const item of listObjects(ctx, kind, { property: nameFilters(body.name, lookup.filters) }, requestOptions)) {
      if (item.name === body.name && lookup.sameKind(item)) found.push(item);
    }
    return found;
  };
  const isOwn = (id: CreateIdentity) => (item: T): boolean =>
    // A live object of the resource counts whatever its name, so that older generations are known as such.
    (isExcluded(id, item.id) || (item.name === body.name && lookup.sameKind(item))) && splitMarker(item.description).key === id.key;
  const spec: Omit<CallSpec, "budget" | "idempotent"> = { method: "POST", path: kind.path, body, options: requestOptions };
  return createSafely(ctx, {
    what: kind.what,
    name: body.name,
    spec,
    identity,
    parse: (response) => parseCreated(response.text),
    findOwn: async (id) => (await sameNamed()).filter(isOwn(id)),
    findSameNamed: sameNamed,
    idOf: (item) => item.id,
    createdAtOf: (item) => item.createdAt,
    fromFound: (item) => ({ id: item.id, etag: item.etag }),
    ...(identity !== undefined && snapshot !== undefined ? { sharedLook: sharedLookOf(snapshot, (listed) => listed.filter(isOwn(identity))) } : {}),
  });
}

/** A listing of the sandbox's objects of `kind` for the creates of one run to share (see {@link ListingSnapshot}). */
export function objectSnapshot<T extends FlowObjectBase>(ctx: CallContext, kind: FlowObjectKind<T>, options: RequestOptions): ListingSnapshot<T> {
  const { signal: _signal, ...unbounded } = options;
  // Not bound to the signal of the create that starts it: other creates share it. Each request has its deadline.
  return new ListingSnapshot(() => listObjects(ctx, kind, { limit: 100 }, unbounded));
}

/** Audit fields of source connections, target connections, flows and runs (dataflows.md §1). Times in epoch ms. */
export interface AuditFields {
  createdAt?: number;
  updatedAt?: number;
  createdBy?: string;
  updatedBy?: string;
  /** IMS client id of the creator. */
  createdClient?: string;
  updatedClient?: string;
  sandboxId?: string;
  sandboxName?: string;
  imsOrgId?: string;
}

const AUDIT_KEYS = ["createdAt", "updatedAt", "createdBy", "updatedBy", "createdClient", "updatedClient", "sandboxId", "sandboxName", "imsOrgId"] as const;

/** The zod shape of {@link AuditFields}, every field lenient. */
export const auditShape = {
  createdAt: lenient(epochMs),
  updatedAt: lenient(epochMs),
  createdBy: lenient(z.string()),
  updatedBy: lenient(z.string()),
  createdClient: lenient(z.string()),
  updatedClient: lenient(z.string()),
  sandboxId: lenient(z.string()),
  sandboxName: lenient(z.string()),
  imsOrgId: lenient(z.string()),
  etag: lenient(z.string()),
  version: lenient(z.string()),
};

/** Copies the audit fields that are present onto `target`. */
export function copyAudit(source: Partial<Record<(typeof AUDIT_KEYS)[number], string | number | undefined>>, target: AuditFields): void {
  for (const key of AUDIT_KEYS) {
    const value = source[key];
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}

/** The etag of an item: `etag`, else `version` (the same value in every documented example). */
export const hasEtag = (item: { etag?: string | undefined; version?: string | undefined }): boolean => item.etag !== undefined || item.version !== undefined;

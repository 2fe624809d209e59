/**
 * Base connections (`/connections`): their wire shapes and every operation on them.
 *
 * `POST /connections` is the crash-safe create of safe-create.ts (never a duplicate, never another stack's
 * connection), with the connection's marker in its description and one shared listing for the first look: a
 * {@link ConnectionSnapshot} of the sandbox, loaded once per run, so that the look costs a create no round trip.
 */
import { z } from "zod";
import { failure, isResourceNotFound, segment, send, unparseable, type CallContext, type CallSpec } from "./call";
import { isExcluded, splitMarker, type CreateIdentity } from "./identity";
import { firstPage, iteratePages, pageParser } from "./paging";
import { secretStringsOf } from "./redaction";
import { createSafely, ListingSnapshot, sharedLookOf, SNAPSHOT_MAX_OBJECTS } from "./safe-create";
import type { Connection, ConnectionSpec, JsonPatchOperation, ListQuery, NewConnection, RequestOptions } from "./types";
import { lenient, looseRecord, parseJson, stripUndefined, type Parsed } from "./wire";

/** A time in epoch milliseconds that a Date can hold; anything else reads as absent rather than "Invalid time value". */
export const epochMs = z.number().int().min(0).max(8_640_000_000_000_000);

const connectionItemSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    description: lenient(z.string()),
    connectionSpec: z.object({ id: z.string().min(1), version: lenient(z.string()) }).loose(),
    auth: lenient(z.object({ specName: lenient(z.string()), params: lenient(looseRecord) }).loose()),
    state: lenient(z.string()),
    etag: lenient(z.string()),
    version: lenient(z.string()),
    createdAt: lenient(epochMs),
    updatedAt: lenient(epochMs),
    sandboxName: lenient(z.string()),
    sandboxId: lenient(z.string()),
    imsOrgId: lenient(z.string()),
    createdBy: lenient(z.string()),
    updatedBy: lenient(z.string()),
    createdClient: lenient(z.string()),
    updatedClient: lenient(z.string()),
  })
  .loose()
  // The etag is what makes an update possible; `version` carries the same value in every documented example.
  .refine((item) => item.etag !== undefined || item.version !== undefined, {
    message: "neither etag nor version is present",
    path: ["etag"],
  });

type ConnectionItem = z.infer<typeof connectionItemSchema>;

/** Copies the declared fields only, so unknown server fields never leak into callers' objects. */
function toConnection(item: ConnectionItem): Connection {
  const connection: Connection = {
    id: item.id,
    name: item.name,
    connectionSpec: { id: item.connectionSpec.id },
    etag: item.etag ?? item.version ?? "",
  };
  if (item.connectionSpec.version !== undefined) connection.connectionSpec.version = item.connectionSpec.version;
  if (item.auth !== undefined) {
    connection.auth = {};
    if (item.auth.specName !== undefined) connection.auth.specName = item.auth.specName;
    if (item.auth.params !== undefined) connection.auth.params = item.auth.params;
  }
  const optional = [
    "description", "state", "version", "createdAt", "updatedAt", "sandboxName", "sandboxId", "imsOrgId",
    "createdBy", "updatedBy", "createdClient", "updatedClient",
  ] as const;
  for (const key of optional) {
    const value = item[key];
    if (value !== undefined) (connection as unknown as Record<string, unknown>)[key] = value;
  }
  return connection;
}

const createdSchema = z.object({ id: z.string().min(1), etag: z.string().min(1) }).loose();

const testResultSchema = z.object({ result: z.boolean() }).loose();

const connectionSpecSchema = z
  .object({
    id: z.string().min(1),
    name: lenient(z.string()),
    providerId: lenient(z.string()),
    version: lenient(z.string()),
    authSpec: lenient(
      z.array(
        z.object({ name: z.string(), type: lenient(z.string()), spec: lenient(looseRecord) }).loose(),
      ),
    ),
    attributes: lenient(looseRecord),
  })
  .loose();

const connectionSpecListSchema = z.object({ items: z.array(connectionSpecSchema) }).loose();

/** One page of `GET /connections` (also the `{items:[item]}` wrapper of `GET /connections/{id}`). */
export const parseConnectionPage = pageParser(connectionItemSchema, toConnection);

/** `POST /connections` and `PATCH /connections/{id}` answer `{id, etag}`. */
export function parseCreated(text: string): Parsed<{ id: string; etag: string }> {
  return parseJson(createdSchema, text, (body) => ({ id: body.id, etag: body.etag }));
}

/** `GET /connections/{id}/test` answers `{result: boolean}`. */
export function parseTestResult(text: string): Parsed<boolean> {
  return parseJson(testResultSchema, text, (body) => body.result);
}

/** `GET /connectionSpecs/{id}` answers `{items:[spec]}`. */
export function parseConnectionSpecList(text: string): Parsed<ConnectionSpec[]> {
  return parseJson(connectionSpecListSchema, text, (body) => body.items.map((item) => stripUndefined(item) as ConnectionSpec));
}

/** Result of {@link createConnection}. */
export interface CreatedConnection {
  id: string;
  etag: string;
  /**
   * `false` when this call's POST answered with the id. Otherwise the connection was found by its marker instead of
   * created again: made by an earlier run that never heard back (`"earlier-run"`: it holds that run's inputs), or
   * by this call's own POST whose answer was lost (`"this-call"`).
   */
  recovered: false | "earlier-run" | "this-call";
  /**
   * Other connections carrying this create's marker, left by interrupted attempts (found in the shared listing
   * after this call's POST, or beside the one recovered): the caller deletes them (no state holds them). Usually
   * empty.
   */
  strays: string[];
}

/** Largest sandbox a {@link ConnectionSnapshot} lists; beyond it, creates look up their own by name instead. */
export const SNAPSHOT_MAX_CONNECTIONS = SNAPSHOT_MAX_OBJECTS;

/** A listing of a sandbox's connections shared by the creates of one run (see {@link ListingSnapshot}). */
export class ConnectionSnapshot extends ListingSnapshot<Connection> {}

/** A snapshot of the connections of `options.sandboxName` (or the default sandbox) through `ctx`. */
export function connectionSnapshot(ctx: CallContext, options: RequestOptions): ConnectionSnapshot {
  const { signal: _signal, ...unbounded } = options;
  // Not bound to the signal of the create that starts it: other creates share it. Each request has its deadline.
  return new ConnectionSnapshot(() => listConnections(ctx, { limit: 100 }, unbounded));
}

/**
 * `property` filters for the lookup. A name with `,` or `"` or outer spaces could change the filter's meaning on
 * the server (OR lists, quoting, trimming), so such a name is matched locally only.
 */
export function lookupFilters(body: NewConnection): string[] {
  const filters = [`connectionSpec.id==${body.connectionSpec.id}`];
  if (!/[,"]|^\s|\s$/.test(body.name)) filters.unshift(`name==${body.name}`);
  return filters;
}

/**
 * Whether an existing connection is provably the resource's that creates `body` with `identity`: same name,
 * connection spec and auth spec, and the identity's marker in its description. A connection a replacement replaces
 * keeps name and marker: the auth spec, and `excludeIds` (applied by createSafely), keep it from passing for the new
 * one.
 */
export function isOwnConnection(connection: Connection, body: NewConnection, identity: CreateIdentity): boolean {
  // A live connection of the resource counts whatever its name, so that older generations are known as such.
  if (isExcluded(identity, connection.id)) return splitMarker(connection.description).key === identity.key;
  if (connection.name !== body.name || connection.connectionSpec.id !== body.connectionSpec.id) return false;
  if (connection.auth?.specName !== undefined && connection.auth.specName !== body.auth.specName) return false;
  return splitMarker(connection.description).key === identity.key;
}

async function findOwn(ctx: CallContext, body: NewConnection, identity: CreateIdentity, options: RequestOptions): Promise<Connection[]> {
  const found: Connection[] = [];
  for await (const connection of listConnections(ctx, { property: lookupFilters(body) }, options)) {
    if (isOwnConnection(connection, body, identity)) found.push(connection);
  }
  return found;
}

/** Same-named connections of the same spec: what a create without identity may have made. */
async function findSameNamed(ctx: CallContext, body: NewConnection, options: RequestOptions): Promise<Connection[]> {
  const found: Connection[] = [];
  for await (const connection of listConnections(ctx, { property: lookupFilters(body) }, options)) {
    if (connection.name === body.name && connection.connectionSpec.id === body.connectionSpec.id) found.push(connection);
  }
  return found;
}

/** Options of a create: per-call options, plus the identity that lets it find what it created. */
export interface CreateOptions extends RequestOptions {
  /**
   * The create's identity; its marker must be in `body.description` (see identity.ts `withMarker`). Without one, a
   * create whose outcome is unknown never takes an existing connection for its own: it fails, listing candidates.
   */
  identity?: CreateIdentity;
  /** A listing of the sandbox shared by the creates of a run (with `identity` only); saves the first lookup. */
  snapshot?: ConnectionSnapshot;
}

/** Creates a base connection; see the module comment for how duplicates are avoided. */
export async function createConnection(ctx: CallContext, body: NewConnection, options: CreateOptions): Promise<CreatedConnection> {
  const { identity, snapshot, ...requestOptions } = options;
  if (identity !== undefined && splitMarker(body.description).key !== identity.key) {
    throw new TypeError("createConnection: body.description must end with the identity's marker");
  }
  const sharedLook =
    identity === undefined || snapshot === undefined
      ? undefined
      : sharedLookOf(snapshot, (listed) => listed.filter((connection) => isOwnConnection(connection, body, identity)));
  return createSafely(ctx, {
    what: "connection",
    name: body.name,
    spec: { method: "POST", path: "/connections", body, secrets: secretStringsOf(body.auth?.params), options: requestOptions },
    identity,
    parse: (response) => parseCreated(response.text),
    findOwn: (key) => findOwn(ctx, body, key, requestOptions),
    findSameNamed: () => findSameNamed(ctx, body, requestOptions),
    idOf: (connection) => connection.id,
    createdAtOf: (connection) => connection.createdAt,
    fromFound: (connection) => ({ id: connection.id, etag: connection.etag }),
    ...(sharedLook === undefined ? {} : { sharedLook }),
  });
}

/** `GET /connections/{id}` → the connection, or undefined when it does not exist (404). */
export async function getConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<Connection | undefined> {
  const spec: CallSpec = { method: "GET", path: `/connections/${segment(id)}`, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response !== undefined && isResourceNotFound(response)) return undefined;
  if (response?.status !== 200) throw failure(ctx, spec, exchange);
  const parsed = parseConnectionPage(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  // Only a real not-found means gone: a 200 that does not hold exactly this connection is an error, never "gone".
  const { items } = parsed.value;
  if (items.length !== 1 || !sameId(items[0]!.id, id)) {
    throw unparseable(spec, response, `it holds ${items.length === 1 ? `connection ${items[0]!.id}` : `${items.length} items`}, not connection ${id}`);
  }
  return items[0];
}

/** Flow Service ids are UUIDs; their case carries no meaning. */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** `GET /connections`, every page; requests are made while iterating. */
export function listConnections(ctx: CallContext, query: ListQuery, options: RequestOptions): AsyncGenerator<Connection, void, undefined> {
  return iteratePages(ctx, firstPage("/connections", query), parseConnectionPage, options);
}

/** `PATCH /connections/{id}` with `If-Match` → the new `{id, etag}`. */
export async function updateConnection(
  ctx: CallContext,
  id: string,
  etag: string,
  operations: JsonPatchOperation[],
  options: RequestOptions,
): Promise<{ id: string; etag: string }> {
  if (typeof etag !== "string" || etag === "") throw new TypeError("etag must be a non-empty string");
  const spec: CallSpec = {
    method: "PATCH",
    path: `/connections/${segment(id)}`,
    body: operations,
    ifMatch: etag,
    idempotent: true,
    secrets: secretStringsOf(operations.filter((op) => op.path.startsWith("/auth")).map((op) => ("value" in op ? op.value : undefined))),
    options,
  };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response?.status === 200) {
    const parsed = parseCreated(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    if (!sameId(parsed.value.id, id)) throw unparseable(spec, response, `it names connection ${parsed.value.id}, not ${id}`);
    return parsed.value;
  }
  const note =
    response?.status === 412 && exchange.earlierOutcomeUnknown
      ? "an earlier attempt of this update got no definite answer and may have been applied; re-read the connection"
      : undefined;
  throw failure(ctx, spec, exchange, note);
}

/** `DELETE /connections/{id}` → "deleted" (204/202) or "not-found" (404; "deleted" after an unknown outcome). */
export async function deleteConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<"deleted" | "not-found"> {
  const spec: CallSpec = { method: "DELETE", path: `/connections/${segment(id)}`, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response !== undefined && [200, 202, 204].includes(response.status)) return "deleted";
  if (response !== undefined && isResourceNotFound(response)) {
    return exchange.earlierOutcomeUnknown ? "deleted" : "not-found";
  }
  throw failure(ctx, spec, exchange);
}

/** `GET /connections/{id}/test` → whether Flow Service can reach the source with the stored credentials. */
export async function testConnection(ctx: CallContext, id: string, options: RequestOptions): Promise<boolean> {
  const spec: CallSpec = { method: "GET", path: `/connections/${segment(id)}/test`, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response?.status !== 200) throw failure(ctx, spec, exchange);
  const parsed = parseTestResult(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  return parsed.value;
}

/** `GET /connectionSpecs/{id}` → the spec (with its `authSpec` JSON schemas), or undefined when unknown. */
export async function getConnectionSpec(ctx: CallContext, id: string, options: RequestOptions): Promise<ConnectionSpec | undefined> {
  const spec: CallSpec = { method: "GET", path: `/connectionSpecs/${segment(id)}`, idempotent: true, options };
  const exchange = await send(ctx, spec);
  const response = exchange.response;
  if (response !== undefined && isResourceNotFound(response)) return undefined;
  if (response?.status !== 200) throw failure(ctx, spec, exchange);
  const parsed = parseConnectionSpecList(response.text);
  if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
  return parsed.value[0];
}

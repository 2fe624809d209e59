/**
 * Base connections (`/connections`): their wire shapes and every operation on them.
 *
 * `POST /connections` never creates a duplicate. A POST is sent again only when the server certainly did not process
 * it (429, or a failure before the request left). When the outcome is unknown (response lost after the body was
 * sent, timeout, 5xx), the connection is looked up by name and connection spec in the same sandbox first: one
 * candidate is returned as recovered, none allows another POST, several stop with an error listing them.
 */
import { z } from "zod";
import { failure, isResourceNotFound, segment, send, unparseable, type CallContext, type CallSpec, type Exchange } from "./call";
import { AmbiguousCreateError, FlowServiceError, type FlowServiceErrorInit } from "./errors";
import { headerValue } from "./http";
import { firstPage, iteratePages, pageParser } from "./paging";
import { secretStringsOf } from "./redaction";
import { parseRetryAfter, RETRYABLE_STATUSES, RetryBudget, sleep } from "./retry";
import type { Connection, ConnectionSpec, JsonPatchOperation, ListQuery, NewConnection, RequestOptions } from "./types";
import { lenient, looseRecord, parseJson, stripUndefined, type Parsed } from "./wire";

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
    createdAt: lenient(z.number()),
    updatedAt: lenient(z.number()),
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
  /** True when the outcome was unknown and the connection was found by name + spec instead of created again. */
  recovered: boolean;
}

/** How far a server clock may lag ours when judging whether a connection was created by this call. */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;

/** True when the connection's creator is this OAuth client (`createdClient` may carry an `@AdobeID` suffix). */
function createdBy(connection: Connection, clientId: string): boolean {
  const creator = connection.createdClient;
  return creator === undefined || creator === clientId || creator.startsWith(`${clientId}@`);
}

/**
 * Whether an existing connection may be the result of our create. Fields the server did not return cannot rule a
 * connection out: wrongly excluding it could lead to a duplicate, wrongly including it only to an error.
 */
export function isCandidate(connection: Connection, body: NewConnection, clientId: string, startedAt: number): boolean {
  if (connection.name !== body.name || connection.connectionSpec.id !== body.connectionSpec.id) return false;
  // A replacement that only changes the auth spec keeps name and connection spec: the old connection must not
  // pass for the new one.
  const specName = connection.auth?.specName;
  if (specName !== undefined && specName !== body.auth.specName) return false;
  if (!createdBy(connection, clientId)) return false;
  return connection.createdAt === undefined || connection.createdAt >= startedAt - CLOCK_SKEW_ALLOWANCE_MS;
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

async function findCandidates(
  ctx: CallContext,
  body: NewConnection,
  startedAt: number,
  options: RequestOptions,
): Promise<Connection[]> {
  const found: Connection[] = [];
  for await (const connection of listConnections(ctx, { property: lookupFilters(body) }, options)) {
    if (isCandidate(connection, body, ctx.settings.clientId, startedAt)) found.push(connection);
  }
  return found;
}

/** The parts of the original failure worth keeping on an error that explains what happened after it. */
function adobeFields(original: FlowServiceError): FlowServiceErrorInit {
  const init: FlowServiceErrorInit = { status: original.status, method: original.method, path: original.path };
  if (original.adobeCode !== undefined) init.adobeCode = original.adobeCode;
  if (original.requestId !== undefined) init.requestId = original.requestId;
  return init;
}

/** True when the exchange may have created the connection without us learning its id. */
function outcomeUnknown(exchange: Exchange): boolean {
  if (exchange.response !== undefined) return exchange.response.status >= 500;
  return exchange.transportError?.sent ?? false;
}

/** True when trying the POST again (after finding nothing) is reasonable. */
function transient(exchange: Exchange): boolean {
  if (exchange.response !== undefined) return RETRYABLE_STATUSES.has(exchange.response.status);
  return exchange.transportError?.transient ?? false;
}

/** Creates a base connection; see the module comment for how duplicates are avoided. */
export async function createConnection(
  ctx: CallContext,
  body: NewConnection,
  options: RequestOptions,
): Promise<CreatedConnection> {
  const startedAt = Date.now();
  const budget = new RetryBudget(ctx.retry);
  const spec: CallSpec = {
    method: "POST",
    path: "/connections",
    body,
    idempotent: false,
    secrets: secretStringsOf(body.auth?.params),
    options,
    budget,
  };
  for (;;) {
    const exchange = await send(ctx, spec);
    const response = exchange.response;
    let original: FlowServiceError;
    if (response !== undefined && response.status >= 200 && response.status < 300) {
      const parsed = parseCreated(response.text);
      if (parsed.ok) return { ...parsed.value, recovered: false };
      // It was created, but the answer is unreadable: find it, and never create it again.
      original = unparseable(spec, response, parsed.problem);
    } else if (outcomeUnknown(exchange)) {
      original = failure(ctx, spec, exchange);
    } else {
      throw failure(ctx, spec, exchange);
    }

    let candidates: Connection[];
    try {
      candidates = await findCandidates(ctx, body, startedAt, options);
    } catch (lookupError) {
      if (options.signal?.aborted === true) throw lookupError;
      const reason = lookupError instanceof Error ? lookupError.message : String(lookupError);
      throw new FlowServiceError(
        { ...adobeFields(original), cause: lookupError },
        `${original.message}; the create may have succeeded, and looking for a connection named ` +
          `${JSON.stringify(body.name)} failed (${reason}). Check whether it exists before creating it again.`,
      );
    }
    const [only] = candidates;
    if (only !== undefined && candidates.length === 1) return { id: only.id, etag: only.etag, recovered: true };
    if (candidates.length > 1) {
      const ids = candidates.map((candidate) => candidate.id);
      throw new AmbiguousCreateError(
        adobeFields(original),
        ids,
        `${original.message}; the create may have succeeded, and ${ids.length} connections named ` +
          `${JSON.stringify(body.name)} with connection spec ${body.connectionSpec.id} may be the one it created: ` +
          `${ids.join(", ")}. Not creating another one; keep one of them and delete the others.`,
      );
    }

    const created = response !== undefined && response.status < 300;
    const retryAfterMs = response === undefined ? undefined : parseRetryAfter(headerValue(response.headers, "retry-after"));
    const delay = created || !transient(exchange) ? undefined : budget.nextDelay(retryAfterMs);
    if (delay === undefined) throw original;
    await sleep(delay, options.signal);
  }
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
  return parsed.value.items[0];
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

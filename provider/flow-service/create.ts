/**
 * `POST /connections` without ever creating a duplicate. A POST is sent again only when the server certainly did
 * not process it (429, or a failure before the request left). When the outcome is unknown (response lost after the
 * body was sent, timeout, 5xx), the connection is looked up by name and connection spec in the same sandbox first:
 * one candidate is returned as recovered, none allows another POST, several stop with an error listing them.
 */
import { failure, send, unparseable, type CallContext, type CallSpec, type Exchange } from "./call";
import { FlowServiceError, secretStringsOf, type FlowServiceErrorInit } from "./errors";
import { headerValue } from "./http";
import { iterateConnections } from "./list";
import { parseRetryAfter, RETRYABLE_STATUSES, RetryBudget, sleep } from "./retry";
import type { Connection, NewConnection, RequestOptions } from "./types";
import { parseCreated } from "./wire";

/** How far a server clock may lag ours when judging whether a connection was created by this call. */
export const CLOCK_SKEW_ALLOWANCE_MS = 5 * 60 * 1000;

/** Result of {@link createConnection}. */
export interface CreatedConnection {
  id: string;
  etag: string;
  /** True when the outcome was unknown and the connection was found by name + spec instead of created again. */
  recovered: boolean;
}

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
  for await (const connection of iterateConnections(ctx, { property: lookupFilters(body) }, options)) {
    if (isCandidate(connection, body, ctx.settings.clientId, startedAt)) found.push(connection);
  }
  return found;
}

/** The parts of the original failure worth keeping on an error that explains what happened after it. */
function adobeFields(original: FlowServiceError): FlowServiceErrorInit {
  const init: FlowServiceErrorInit = { status: original.status, method: original.method, path: original.path };
  if (original.code !== undefined) init.code = original.code;
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
      throw new FlowServiceError(
        { ...adobeFields(original), candidateIds: ids },
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

/**
 * Typed client for Flow Service base connections: one explicit method per operation.
 * API reference: https://developer.adobe.com/experience-platform-apis/references/flow-service/
 */
import {
  FLOW_SERVICE_BASE_PATH,
  failure,
  isResourceNotFound,
  segment,
  send,
  unparseable,
  type CallContext,
  type CallSpec,
} from "./call";
import { createConnection, type CreatedConnection } from "./create";
import { secretStringsOf } from "./errors";
import { DEFAULT_TIMEOUTS, sharedAgent } from "./http";
import { iterateConnections } from "./list";
import { resolveRetryPolicy } from "./retry";
import { resolveSettings, type FlowServiceSettings } from "./settings";
import type {
  Connection,
  ConnectionSpec,
  FlowServiceClientOptions,
  JsonPatchOperation,
  ListConnectionsQuery,
  NewConnection,
  RequestOptions,
} from "./types";
import { parseConnectionPage, parseConnectionSpecList, parseCreated, parseTestResult } from "./wire";

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`);
  return value;
}

/**
 * Client of the Flow Service base-connection API. Every request carries `Authorization`, `x-api-key`,
 * `x-gw-ims-org-id` and `x-sandbox-name` (never `x-sandbox-id`). Tokens come from Adobe IMS (OAuth
 * server-to-server) and are cached process-wide. Idempotent requests are retried on 429/502/503/504 and network
 * failures; a create is never sent twice blindly. Failures are {@link FlowServiceError}s (or `ImsError`).
 */
export class FlowServiceClient {
  private readonly ctx: CallContext;

  /**
   * @param settings usually from `resolveSettings()`; validated again (http to a non-loopback host is refused).
   * @param options transport options: dispatcher, timeouts, retry policy.
   */
  constructor(settings: FlowServiceSettings, options: FlowServiceClientOptions = {}) {
    const resolved = resolveSettings(settings, {});
    const timeouts = {
      connectMs: positive("connectTimeoutMs", options.connectTimeoutMs, DEFAULT_TIMEOUTS.connectMs),
      headersMs: positive("headersTimeoutMs", options.headersTimeoutMs, DEFAULT_TIMEOUTS.headersMs),
      bodyMs: positive("bodyTimeoutMs", options.bodyTimeoutMs, DEFAULT_TIMEOUTS.bodyMs),
    };
    const retry = resolveRetryPolicy(options.retry);
    const dispatcher = options.dispatcher ?? sharedAgent(timeouts.connectMs);
    this.ctx = {
      settings: resolved,
      baseUrl: `${resolved.platformUrl}${FLOW_SERVICE_BASE_PATH}`,
      dispatcher,
      timeouts,
      retry,
      token: {
        imsUrl: resolved.imsUrl,
        clientId: resolved.clientId,
        clientSecret: resolved.clientSecret,
        scopes: resolved.scopes,
        dispatcher,
        timeouts,
        retry,
      },
    };
  }

  /**
   * `POST /connections` → `{id, etag}`. Never blindly re-sent: when the outcome is unknown the connection is
   * looked up by name + connection spec; `recovered` is then true. Several possible matches throw a
   * {@link FlowServiceError} listing their ids (`candidateIds`) rather than creating another one.
   */
  createConnection(body: NewConnection, options: RequestOptions = {}): Promise<CreatedConnection> {
    return createConnection(this.ctx, body, options);
  }

  /** `GET /connections/{id}` → the connection, or undefined when it does not exist (404). */
  async getConnection(id: string, options: RequestOptions = {}): Promise<Connection | undefined> {
    const spec: CallSpec = { method: "GET", path: `/connections/${segment(id)}`, idempotent: true, options };
    const exchange = await send(this.ctx, spec);
    const response = exchange.response;
    if (response !== undefined && isResourceNotFound(response)) return undefined;
    if (response?.status !== 200) throw failure(this.ctx, spec, exchange);
    const parsed = parseConnectionPage(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    return parsed.value.items[0];
  }

  /**
   * `GET /connections`, following `_links.next.href` until the last page. `property` filters are ANDed, e.g.
   * `{ property: ["name==My connection", "connectionSpec.id==<id>"] }`. Requests are made while iterating.
   */
  listConnections(query: ListConnectionsQuery = {}, options: RequestOptions = {}): AsyncIterable<Connection> {
    return iterateConnections(this.ctx, query, options);
  }

  /**
   * `PATCH /connections/{id}` with a JSON Patch array and `If-Match: <etag>` (verbatim, quotes included)
   * → the new `{id, etag}`. A stale etag fails with status 412.
   */
  async updateConnection(
    id: string,
    etag: string,
    operations: JsonPatchOperation[],
    options: RequestOptions = {},
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
    const exchange = await send(this.ctx, spec);
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
    throw failure(this.ctx, spec, exchange, note);
  }

  /**
   * `DELETE /connections/{id}` → "deleted" (204/202) or "not-found" (404). A 404 after an attempt whose outcome
   * was unknown counts as "deleted".
   */
  async deleteConnection(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    const spec: CallSpec = { method: "DELETE", path: `/connections/${segment(id)}`, idempotent: true, options };
    const exchange = await send(this.ctx, spec);
    const response = exchange.response;
    if (response !== undefined && [200, 202, 204].includes(response.status)) return "deleted";
    if (response !== undefined && isResourceNotFound(response)) {
      return exchange.earlierOutcomeUnknown ? "deleted" : "not-found";
    }
    throw failure(this.ctx, spec, exchange);
  }

  /** `GET /connections/{id}/test` → whether Flow Service can reach the source with the stored credentials. */
  async testConnection(id: string, options: RequestOptions = {}): Promise<boolean> {
    const spec: CallSpec = { method: "GET", path: `/connections/${segment(id)}/test`, idempotent: true, options };
    const exchange = await send(this.ctx, spec);
    const response = exchange.response;
    if (response?.status !== 200) throw failure(this.ctx, spec, exchange);
    const parsed = parseTestResult(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    return parsed.value;
  }

  /** `GET /connectionSpecs/{id}` → the spec (with its `authSpec` JSON schemas), or undefined when unknown. */
  async getConnectionSpec(id: string, options: RequestOptions = {}): Promise<ConnectionSpec | undefined> {
    const spec: CallSpec = { method: "GET", path: `/connectionSpecs/${segment(id)}`, idempotent: true, options };
    const exchange = await send(this.ctx, spec);
    const response = exchange.response;
    if (response !== undefined && isResourceNotFound(response)) return undefined;
    if (response?.status !== 200) throw failure(this.ctx, spec, exchange);
    const parsed = parseConnectionSpecList(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    return parsed.value[0];
  }
}

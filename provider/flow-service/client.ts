/**
 * Typed client for AEP Flow Service: one explicit method per operation, each written out in the module of its
 * object (connections.ts, …). API reference: https://developer.adobe.com/experience-platform-apis/references/flow-service/
 */
import { FLOW_SERVICE_BASE_PATH, type CallContext } from "./call";
import {
  connectionSnapshot,
  createConnection,
  deleteConnection,
  getConnection,
  getConnectionSpec,
  listConnections,
  testConnection,
  updateConnection,
  type ConnectionSnapshot,
  type CreatedConnection,
  type CreateOptions,
} from "./connections";
import { DEFAULT_TIMEOUTS, sharedAgent } from "./http";
import { resolveRetryPolicy } from "./retry";
import { resolveSettings, type FlowServiceSettings } from "./settings";
import type {
  Connection,
  ConnectionSpec,
  FlowServiceClientOptions,
  JsonPatchOperation,
  ListQuery,
  NewConnection,
  RequestOptions,
} from "./types";

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}

/**
 * Client of the Flow Service API. Every request carries `Authorization`, `x-api-key`, `x-gw-ims-org-id` and
 * `x-sandbox-name` (never `x-sandbox-id`). Tokens come from Adobe IMS (OAuth server-to-server) and are cached
 * process-wide. Idempotent requests are retried on 429/502/503/504 and network failures; a create is never sent
 * twice blindly. Failures are {@link AepError}s: `FlowServiceError` and its subclasses, `ImsError`, `SettingsError`.
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
      attemptMs: positive("attemptTimeoutMs", options.attemptTimeoutMs, DEFAULT_TIMEOUTS.attemptMs),
      maxResponseBytes: positive("maxResponseBytes", options.maxResponseBytes, DEFAULT_TIMEOUTS.maxResponseBytes),
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
   * `POST /connections` → `{id, etag}`. Give an `identity` (identity.ts: its marker at the end of
   * `body.description`) and the create is safe against lost answers and interrupted runs: it first looks for a
   * connection carrying the marker and takes it (`recovered`), and never creates a second one. Of several matches
   * (interrupted attempts each committed) the oldest is taken and the others are returned as `strays` to delete.
   * Without an identity nothing existing is taken for the result: a create whose outcome is unknown fails with an
   * `AmbiguousCreateError` listing the same-named connections (`candidateIds`).
   */
  createConnection(body: NewConnection, options: CreateOptions = {}): Promise<CreatedConnection> {
    return createConnection(this.ctx, body, options);
  }

  /**
   * A listing of the sandbox's connections (`options.sandboxName`), loaded on first use, for the creates of one
   * run to share (`CreateOptions.snapshot`): it saves each create its own lookup.
   */
  connectionSnapshot(options: RequestOptions = {}): ConnectionSnapshot {
    return connectionSnapshot(this.ctx, options);
  }

  /** `GET /connections/{id}` → the connection, or undefined when it does not exist (404). */
  getConnection(id: string, options: RequestOptions = {}): Promise<Connection | undefined> {
    return getConnection(this.ctx, id, options);
  }

  /**
   * `GET /connections`, following `_links.next.href` until the last page. `property` filters are ANDed, e.g.
   * `{ property: ["name==My connection", "connectionSpec.id==<id>"] }`. Requests are made while iterating.
   */
  listConnections(query: ListQuery = {}, options: RequestOptions = {}): AsyncIterable<Connection> {
    return listConnections(this.ctx, query, options);
  }

  /**
   * `PATCH /connections/{id}` with a JSON Patch array and `If-Match: <etag>` (verbatim, quotes included)
   * → the new `{id, etag}`. A stale etag fails with a `StaleEtagError` (412).
   */
  updateConnection(id: string, etag: string, operations: JsonPatchOperation[], options: RequestOptions = {}): Promise<{ id: string; etag: string }> {
    return updateConnection(this.ctx, id, etag, operations, options);
  }

  /**
   * `DELETE /connections/{id}` → "deleted" (204/202) or "not-found" (404). A 404 after an attempt whose outcome
   * was unknown counts as "deleted". A connection used by dataflows fails with an `InUseError` (FLOW-1418).
   */
  deleteConnection(id: string, options: RequestOptions = {}): Promise<"deleted" | "not-found"> {
    return deleteConnection(this.ctx, id, options);
  }

  /** `GET /connections/{id}/test` → whether Flow Service can reach the source with the stored credentials. */
  testConnection(id: string, options: RequestOptions = {}): Promise<boolean> {
    return testConnection(this.ctx, id, options);
  }

  /** `GET /connectionSpecs/{id}` → the spec (with its `authSpec` JSON schemas), or undefined when unknown. */
  getConnectionSpec(id: string, options: RequestOptions = {}): Promise<ConnectionSpec | undefined> {
    return getConnectionSpec(this.ctx, id, options);
  }
}

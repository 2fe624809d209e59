/**
 * Public data types of the Flow Service client: what callers send and what they get back.
 * Field meanings follow the Flow Service API reference:
 * https://developer.adobe.com/experience-platform-apis/references/flow-service/
 */
import type { Dispatcher } from "undici";
import type { RetryOptions } from "./retry";

/** @deprecated since 0.2.0: use {@link ListQuery}. */
export type ListConnectionsQuery = ListQuery;

/** Per-call options. */
export interface RequestOptions {
  /** Sandbox sent as `x-sandbox-name`. @default settings.sandboxName */
  sandboxName?: string;
  /**
   * Aborts the call, including waits between retries; the promise rejects with the signal's reason. Give one with a
   * deadline (`AbortSignal.timeout(ms)`) to bound a whole operation, retries included.
   */
  signal?: AbortSignal;
  /**
   * Values to keep out of every error this call raises, besides the client secret and tokens: the secrets of the
   * object the call is made for. The text of each, and its JSON-escaped, URL-encoded, form-encoded and base64 forms,
   * is replaced by `[REDACTED]`.
   */
  secrets?: readonly string[];
}

/** Body of `POST /connections`. */
export interface NewConnection {
  name: string;
  description?: string;
  auth: { specName: string; params: Record<string, unknown> };
  /** Always send a version (`"1.0"` for the Azure sources); some specs reject a missing one with 422. */
  connectionSpec: { id: string; version: string };
}

/**
 * A base connection as `GET /connections/{id}` returns it. Parsed leniently: unknown fields are dropped, optional
 * fields may be absent. Secret params (`format: password`) may come back masked, so never rely on reading one.
 */
export interface Connection {
  id: string;
  name: string;
  description?: string;
  connectionSpec: { id: string; version?: string };
  auth?: { specName?: string; params?: Record<string, unknown> };
  /** e.g. `enabled`, `disabled`. */
  state?: string;
  /** Opaque, including its double quotes; send it back verbatim as `If-Match`. */
  etag: string;
  version?: string;
  /** Epoch milliseconds. */
  createdAt?: number;
  /** Epoch milliseconds. */
  updatedAt?: number;
  sandboxName?: string;
  sandboxId?: string;
  imsOrgId?: string;
  createdBy?: string;
  updatedBy?: string;
  /** IMS client id of the creator. */
  createdClient?: string;
  updatedClient?: string;
}

/**
 * One JSON Patch operation of `PATCH /connections/{id}` (ops in lower case). `add`/`replace` on `/auth/params`
 * replaces the whole params object, so send every param, including unchanged secrets.
 */
export type JsonPatchOperation =
  | { op: "add" | "replace"; path: string; value: unknown }
  | { op: "remove"; path: string };

/** Query of a Flow Service list (`GET /connections`, `/sourceConnections`, `/flows`, …). */
export interface ListQuery {
  /** Filters such as `name==X` or `connectionSpec.id==<id>`; several are ANDed (one `property` param each). */
  property?: string | string[];
  /** Page size (the service caps it). */
  limit?: number;
  /** e.g. `name`, `-createdAt`. */
  orderby?: string;
}

/** One authentication method of a connection spec; `spec` is a JSON Schema of `auth.params`. */
export interface AuthSpec {
  name: string;
  type?: string;
  spec?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A connection spec as `GET /connectionSpecs/{id}` returns it (leniently parsed; extra fields kept). */
export interface ConnectionSpec {
  id: string;
  name?: string;
  providerId?: string;
  version?: string;
  authSpec?: AuthSpec[];
  attributes?: Record<string, unknown>;
  [field: string]: unknown;
}

/** Transport options of a {@link FlowServiceClient}. */
export interface FlowServiceClientOptions {
  /**
   * undici dispatcher for every request (IMS and Flow Service), e.g. a `MockAgent` or an instrumented Agent.
   * `connectTimeoutMs` does not apply to it.
   * @default the process-wide keep-alive Agent
   */
  dispatcher?: Dispatcher;
  /** TCP/TLS connect timeout of the shared Agent. @default 10000 */
  connectTimeoutMs?: number;
  /** Time to wait for response headers. @default 30000 */
  headersTimeoutMs?: number;
  /** Time allowed between two chunks of the response body. @default 30000 */
  bodyTimeoutMs?: number;
  /**
   * Deadline of one HTTP attempt, from sending to the last byte of the response. A server that trickles its body
   * cannot hold a call longer. @default 60000
   */
  attemptTimeoutMs?: number;
  /** Largest response body read, in bytes; a larger one fails with `ResponseTooLargeError`. @default 16 MiB */
  maxResponseBytes?: number;
  /** Retry policy for 429/502/503/504 and connection failures. */
  retry?: RetryOptions;
}

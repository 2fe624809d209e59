/**
 * The request pipeline shared by every operation: token, headers, one exchange, the single token refresh on a
 * gateway 401, and retries. What may be retried is decided here once:
 * - 429 always (the gateway rejected the request before it was processed);
 * - 502/503/504 and transient network failures only for idempotent requests (GET, DELETE, PATCH with If-Match);
 * - a failure that provably happened before the request was sent (e.g. ECONNREFUSED) for any request.
 * Everything else is handed back to the operation, which alone knows what an unknown outcome means for it.
 */
import type { Dispatcher } from "undici";
import { parseAdobeError } from "./adobe-errors";
import { flowIdsNamedIn, httpError, IN_USE_CODES, NoResponseError, NotFoundError, ResponseTooLargeError, UnparseableResponseError, type FlowServiceError, type FlowServiceErrorInit } from "./errors";
import { headerValue, RESPONSE_TOO_LARGE, sendOnce, TransportError, type HttpResponse, type Timeouts } from "./http";
import { getAccessToken, invalidateAccessToken, type TokenRequest } from "./ims";
import { parseRetryAfter, RETRYABLE_STATUSES, RetryBudget, sleep, type RetryPolicy } from "./retry";
import type { FlowServiceSettings } from "./settings";
import { excerpt } from "./redaction";
import type { RequestOptions } from "./types";

/** Path of the Flow Service API below the platform URL. */
export const FLOW_SERVICE_BASE_PATH = "/data/foundation/flowservice";

/** Path of the Catalog Service API (datasets) below the platform URL. */
export const CATALOG_BASE_PATH = "/data/foundation/catalog";

/** Path of the Data Prep API (mapping sets) below the platform URL (its own docs misspell it `/conversation`). */
export const DATA_PREP_BASE_PATH = "/data/foundation/conversion";

/**
 * The same context addressing another AEP service of the platform (Catalog, Data Prep): same credentials, token
 * cache, transport, limits and retry policy; only the base path differs. Paths in its errors are relative to it.
 */
export function serviceContext(ctx: CallContext, basePath: string): CallContext {
  return { ...ctx, baseUrl: `${ctx.settings.platformUrl}${basePath}` };
}

/** Everything a call needs from its client. */
export interface CallContext {
  settings: FlowServiceSettings;
  /** platformUrl + {@link FLOW_SERVICE_BASE_PATH}. */
  baseUrl: string;
  dispatcher: Dispatcher;
  timeouts: Timeouts;
  retry: RetryPolicy;
  token: TokenRequest;
}

/** One logical request. */
export interface CallSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Relative to the base, already encoded, without query string. */
  path: string;
  query?: readonly (readonly [string, string])[];
  body?: unknown;
  ifMatch?: string;
  /** True when sending it twice has the same effect as once (GET, DELETE, PATCH with If-Match). */
  idempotent: boolean;
  /** Request values that must never reach an error message (auth params). */
  secrets?: readonly string[];
  options: RequestOptions;
  /** Budget shared with other requests of the same operation. @default a fresh one */
  budget?: RetryBudget;
}

/** How a call ended: a response (any status), or no complete response. */
export interface Exchange {
  response?: HttpResponse;
  transportError?: TransportError;
  /** An earlier attempt got no definite answer (5xx or lost response) and may have been applied. */
  earlierOutcomeUnknown: boolean;
  /** Access tokens sent, so they can be redacted from anything surfaced. */
  tokens: string[];
}

function queryString(query: CallSpec["query"]): string {
  if (query === undefined || query.length === 0) return "";
  return `?${query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&")}`;
}

function sandboxOf(ctx: CallContext, options: RequestOptions): string {
  const sandbox = options.sandboxName ?? ctx.settings.sandboxName;
  if (sandbox.trim() === "") throw new TypeError("sandboxName must not be empty");
  return sandbox;
}

function headersFor(ctx: CallContext, spec: CallSpec, sandboxName: string, token: string): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "x-api-key": ctx.settings.clientId,
    "x-gw-ims-org-id": ctx.settings.orgId,
    "x-sandbox-name": sandboxName,
    accept: "application/json",
  };
  if (spec.method !== "GET") headers["content-type"] = "application/json";
  if (spec.ifMatch !== undefined) headers["if-match"] = spec.ifMatch;
  return headers;
}

/** A 401 that means "this token is not (or no longer) valid", as opposed to a Flow Service authorization error. */
function isTokenRejection(response: HttpResponse): boolean {
  return response.status === 401 && parseAdobeError(response.text).dialect !== "flow";
}

/** Sends a request, refreshing the token once on a gateway 401 and retrying what is safe to retry. */
export async function send(ctx: CallContext, spec: CallSpec): Promise<Exchange> {
  const { signal } = spec.options;
  const budget = spec.budget ?? new RetryBudget(ctx.retry);
  const url = `${ctx.baseUrl}${spec.path}${queryString(spec.query)}`;
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const sandboxName = sandboxOf(ctx, spec.options);
  const tokens: string[] = [];
  let refreshed = false;
  let earlierOutcomeUnknown = false;
  for (;;) {
    const token = await getAccessToken(ctx.token, signal);
    if (!tokens.includes(token)) tokens.push(token);
    budget.spend();
    const request: Parameters<typeof sendOnce>[0] = {
      url,
      method: spec.method,
      headers: headersFor(ctx, spec, sandboxName, token),
      dispatcher: ctx.dispatcher,
      timeouts: ctx.timeouts,
    };
    if (body !== undefined) request.body = body;
    if (signal !== undefined) request.signal = signal;
    let response: HttpResponse;
    try {
      response = await sendOnce(request);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const mayRetry = error.transient && (spec.idempotent || !error.sent);
      const delay = mayRetry ? budget.nextDelay() : undefined;
      if (delay === undefined) return { transportError: error, earlierOutcomeUnknown, tokens };
      earlierOutcomeUnknown ||= error.sent;
      await sleep(delay, signal);
      continue;
    }
    if (!refreshed && isTokenRejection(response)) {
      // The gateway rejected the request before anything happened, so any method may be sent again, once.
      refreshed = true;
      budget.refund();
      invalidateAccessToken(ctx.token, token);
      continue;
    }
    if (response.status === 429 || (spec.idempotent && RETRYABLE_STATUSES.has(response.status))) {
      const delay = budget.nextDelay(parseRetryAfter(headerValue(response.headers, "retry-after")));
      if (delay !== undefined) {
        earlierOutcomeUnknown ||= response.status !== 429;
        await sleep(delay, signal);
        continue;
      }
    }
    return { response, earlierOutcomeUnknown, tokens };
  }
}

/** Values to hide from any text surfaced for this call. */
function secretsOf(ctx: CallContext, spec: CallSpec, exchange: Exchange): string[] {
  return [ctx.settings.clientSecret, ...exchange.tokens, ...(spec.secrets ?? []), ...(spec.options.secrets ?? [])];
}

/** The error for an exchange that did not end as the operation expected. `note` is appended to Adobe's text. */
export function failure(ctx: CallContext, spec: CallSpec, exchange: Exchange, note?: string): FlowServiceError {
  const init: FlowServiceErrorInit = { status: 0, method: spec.method, path: spec.path };
  const { response, transportError } = exchange;
  if (response === undefined) {
    const reason = transportError?.reason ?? "no response";
    init.detail = transportError?.status === undefined ? reason : `${reason} after status ${transportError.status}`;
    if (note !== undefined) init.detail += `; ${note}`;
    if (transportError !== undefined) init.cause = transportError;
    if (transportError?.code === RESPONSE_TOO_LARGE) {
      init.status = transportError.status ?? 0;
      init.detail = reason;
      return new ResponseTooLargeError(init, `${spec.method} ${spec.path} failed: the ${init.status} response was not read: ${reason}`);
    }
    return new NoResponseError(init);
  }
  const adobe = parseAdobeError(response.text, headerValue(response.headers, "x-request-id"));
  init.status = response.status;
  if (adobe.code !== undefined) init.adobeCode = adobe.code;
  if (adobe.codeLabel !== undefined) init.codeLabel = adobe.codeLabel;
  const secrets = secretsOf(ctx, spec, exchange);
  if (adobe.requestId !== undefined) init.requestId = excerpt(adobe.requestId, secrets);
  if (adobe.code !== undefined && IN_USE_CODES.has(adobe.code)) init.blockingFlowIds = flowIdsNamedIn(adobe.text, spec.path, adobe.requestId);
  const detail = adobe.text === undefined ? undefined : excerpt(adobe.text, secrets);
  const parts = [detail, note].filter((part): part is string => part !== undefined && part !== "");
  if (parts.length > 0) init.detail = parts.join("; ");
  // FLOW-1439 ("the requested flows resource is not found") says gone at 400 too, as ERR lists it (dataflows.md §12 #17).
  return isResourceNotFound(response) || (adobe.dialect === "flow" && adobe.code === FLOW_NOT_FOUND) ? new NotFoundError(init) : httpError(init);
}

/** Flow Service's code for a flow that does not exist, at 404 (LABELS) or 400 (ERR). */
export const FLOW_NOT_FOUND = "1439";

/** The error for a success status whose body is not what the operation expects. */
export function unparseable(spec: Pick<CallSpec, "method" | "path">, response: HttpResponse, problem: string): UnparseableResponseError {
  const init: FlowServiceErrorInit = { status: response.status, method: spec.method, path: spec.path };
  const requestId = headerValue(response.headers, "x-request-id");
  if (requestId !== undefined) init.requestId = requestId;
  const message =
    `${spec.method} ${spec.path}: status ${response.status} but the response body could not be parsed (${problem})` +
    (requestId === undefined ? "" : ` (request id ${requestId})`);
  return new UnparseableResponseError(init, message);
}

/** Flow Service codes of "sandbox not found": a 404 that says nothing about the resource itself. */
const SANDBOX_NOT_FOUND_CODES = new Set(["2100", "2101"]);

/**
 * True when a 404 means "no such resource". A gateway 404 (wrong base URL) or an unknown sandbox is not that:
 * treating it as "gone" would make a caller forget a resource that still exists.
 */
export function isResourceNotFound(response: HttpResponse): boolean {
  if (response.status !== 404) return false;
  const adobe = parseAdobeError(response.text);
  if (adobe.dialect === "gateway") return false;
  return adobe.code === undefined || !SANDBOX_NOT_FOUND_CODES.has(adobe.code);
}

/** Encodes one path segment; an empty id would silently address the collection instead. */
export function segment(id: string, what = "id"): string {
  if (typeof id !== "string" || id.trim() === "") throw new TypeError(`${what} must be a non-empty string`);
  return encodeURIComponent(id);
}

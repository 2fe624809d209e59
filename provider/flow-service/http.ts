/**
 * The only place that talks to undici. One keep-alive Agent serves every client of the process (created lazily, so
 * nothing holding a socket exists until the first request). `sendOnce` performs exactly one HTTP exchange, reads
 * the whole body, and classifies failures by whether the request can have reached the server: that decides
 * whether a POST may be sent again.
 */
import { Agent, request, type Dispatcher } from "undici";

/** Limits of one exchange: timeouts in milliseconds, and the largest response body read. */
export interface Timeouts {
  connectMs: number;
  headersMs: number;
  /** Longest gap between two chunks of the body. */
  bodyMs: number;
  /** Deadline of the whole attempt, connect to last byte: a server trickling its body cannot hold a call past it. */
  attemptMs: number;
  /** Bodies above this many bytes are refused (and not read further). */
  maxResponseBytes: number;
}

/** Defaults of the client's limits. */
export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  headersMs: 30_000,
  bodyMs: 30_000,
  attemptMs: 60_000,
  maxResponseBytes: 16 * 1024 * 1024,
};

// Keyed by connect timeout, the only Agent-level setting the client exposes: with default options the process
// holds exactly one Agent, and a client asking for another connect timeout cannot change other clients' behaviour.
const sharedAgents = new Map<number, Agent>();

/** The process-wide keep-alive Agent for a connect timeout; created on first use. */
export function sharedAgent(connectTimeoutMs: number = DEFAULT_TIMEOUTS.connectMs): Dispatcher {
  let agent = sharedAgents.get(connectTimeoutMs);
  if (agent === undefined || agent.closed || agent.destroyed) {
    agent = new Agent({ connect: { timeout: connectTimeoutMs } });
    sharedAgents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/** Closes the shared Agents (graceful: in-flight requests finish). The next request creates a new one. */
export async function closeSharedAgents(): Promise<void> {
  const agents = [...sharedAgents.values()];
  sharedAgents.clear();
  await Promise.all(agents.map((agent) => agent.close()));
}

/** One HTTP exchange. */
export interface HttpRequest {
  url: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers: Record<string, string>;
  body?: string;
  dispatcher: Dispatcher;
  timeouts: Timeouts;
  signal?: AbortSignal;
}

/** A complete response: status, headers and body text. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Error codes that prove the request never reached a server (nothing to duplicate). */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/** Failures worth another attempt; ENOTFOUND is not (a wrong host name does not heal). */
const TRANSIENT_CODES = new Set([
  "ECONNREFUSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "UND_ERR_SOCKET",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Codes of ours for the limits {@link sendOnce} enforces itself. */
export const ATTEMPT_TIMEOUT = "AEP_ATTEMPT_TIMEOUT";
export const RESPONSE_TOO_LARGE = "AEP_RESPONSE_TOO_LARGE";

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  UND_ERR_CONNECT_TIMEOUT: "connect timeout",
  ENOTFOUND: "host not found",
  ECONNRESET: "connection reset",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_HEADERS_TIMEOUT: "timed out waiting for response headers",
  UND_ERR_BODY_TIMEOUT: "timed out reading the response body",
};

/**
 * No complete response arrived. `sent` is false only when the request provably never reached a server;
 * otherwise the server may or may not have processed it.
 */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    /** Short human reason, e.g. "connection reset". Contains no request data. */
    readonly reason: string,
    /** undici or system error code, e.g. `UND_ERR_SOCKET`, `ECONNREFUSED`. */
    readonly code: string | undefined,
    readonly sent: boolean,
    readonly transient: boolean,
    /** Status line that arrived before the body failed, if any. */
    readonly status: number | undefined,
    cause: unknown,
  ) {
    super(reason, { cause });
  }
}

function errorCode(error: unknown): string | undefined {
  const candidates: unknown[] = [error];
  if (typeof error === "object" && error !== null) {
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    candidates.push(cause);
    if (Array.isArray(errors)) candidates.push(...errors);
  }
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown } | null | undefined)?.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

function toTransportError(error: unknown, status: number | undefined): TransportError {
  const code = errorCode(error);
  const known = code === undefined ? undefined : REASONS[code];
  const reason = known ?? (code !== undefined ? `network error ${code}` : "network error");
  const sent = status !== undefined || code === undefined || !NOT_SENT_CODES.has(code);
  return new TransportError(reason, code, sent, code !== undefined && TRANSIENT_CODES.has(code), status, error);
}

/**
 * Sends one request and reads its body completely (so the socket returns to the keep-alive pool), within the
 * attempt's deadline and size limit.
 * @throws TransportError when no complete response arrived (`ATTEMPT_TIMEOUT` when the deadline passed,
 *   `RESPONSE_TOO_LARGE` when the body exceeds the limit); the caller's signal's reason when it aborted.
 */
export async function sendOnce(req: HttpRequest): Promise<HttpResponse> {
  let status: number | undefined;
  const attempt = AbortSignal.timeout(req.timeouts.attemptMs);
  const signal = req.signal === undefined ? attempt : AbortSignal.any([req.signal, attempt]);
  try {
    const options: Parameters<typeof request>[1] = {
      method: req.method,
      headers: req.headers,
      dispatcher: req.dispatcher,
      headersTimeout: req.timeouts.headersMs,
      bodyTimeout: req.timeouts.bodyMs,
      signal,
    };
    if (req.body !== undefined) options.body = req.body;
    const response = await request(req.url, options);
    status = response.statusCode;
    const text = await readLimited(response.body, headerValue(response.headers, "content-length"), req.timeouts.maxResponseBytes, status);
    // undici returns a keep-alive socket to its pool one event-loop turn after the response ends (setImmediate, to
    // see whether the server closes it). A request sent before that turn, such as the GET that follows every POST or
    // PATCH, finds no free socket and opens a new connection; waiting for the turn lets it reuse this one.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return { status: response.statusCode, headers: response.headers, text };
  } catch (error) {
    if (req.signal?.aborted === true) throw req.signal.reason;
    if (error instanceof TransportError) throw error;
    if (attempt.aborted) {
      throw new TransportError(`no complete response within ${req.timeouts.attemptMs} ms`, ATTEMPT_TIMEOUT, true, true, status, error);
    }
    throw toTransportError(error, status);
  }
}

/** The body as text, refusing it as soon as it is known to exceed `maxBytes` (declared length or bytes read). */
async function readLimited(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown; on?(event: "error", listener: (error: Error) => void): unknown },
  contentLength: string | undefined,
  maxBytes: number,
  status: number,
): Promise<string> {
  const tooLarge = () => {
    // Nobody reads the body after this: the abort error its destroy emits must not become an uncaught exception
    // (with a declared Content-Length the refusal comes before the body is iterated, so no reader is attached).
    body.on?.("error", () => undefined);
    body.destroy();
    const limit = maxBytes % (1024 * 1024) === 0 ? `${maxBytes / (1024 * 1024)} MiB` : `${maxBytes} bytes`;
    const reason = `its body is larger than ${limit}, the response size limit (AEP_MAX_RESPONSE_BYTES raises it)`;
    return new TransportError(reason, RESPONSE_TOO_LARGE, true, false, status, undefined);
  };
  if (contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** First value of a response header (names are lower case in undici responses). */
export function headerValue(headers: HttpResponse["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

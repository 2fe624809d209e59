/** HTTP plumbing shared by every route: replies, the two Adobe error dialects, body reading, cancellable delays. */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";

/** A FLOW error before it is rendered (the request id is only known when the reply is written). */
export interface FlowErrorSpec {
  /** Numeric part of the ERR catalogue code, e.g. 1404 for `FLOW-1404-412`. */
  code: number;
  title: string;
  message: string;
  /** Extra `report` members, e.g. `{ id, type: "connections" }` on a 404. */
  report?: Record<string, string>;
}

/** What a handler answers. Rendered by {@link writeReply}; a fault may replace it before it is written. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** JSON body. */
  body?: unknown;
  /** Raw text body (used instead of `body`). */
  text?: string;
  /** A FLOW envelope body (used instead of `body`). */
  flowError?: FlowErrorSpec;
}

export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status, body } : { status, body, headers };
}

/** A FLOW error raised by a handler; the request pipeline turns it into its reply. */
export class FlowFailure extends Error {
  constructor(readonly reply: Reply) {
    super(reply.flowError?.message ?? `HTTP ${reply.status}`);
    this.name = "FlowFailure";
  }
}

/** Builds a FLOW failure: `type` https://ns.adobe.com/aep/errors/FLOW-<code>-<status>. */
export function flowFailure(status: number, error: FlowErrorSpec): FlowFailure {
  return new FlowFailure({ status, flowError: error });
}

/** The Flow Service envelope, verbatim shape of Adobe's documented errors. */
export function renderFlowEnvelope(status: number, error: FlowErrorSpec, requestId: string): Record<string, unknown> {
  return {
    type: `https://ns.adobe.com/aep/errors/FLOW-${error.code}-${status}`,
    title: error.title,
    status,
    report: { "detailed-message": error.message, ...error.report, "request-id": requestId },
    errorMessage: error.message,
    errorDetails: error.message,
  };
}

/** The API gateway's dialect: `{ error_code, message }`. */
export function gatewayError(status: number, errorCode: string, message: string): Reply {
  return { status, body: { error_code: errorCode, message } };
}

/** The gateway's answer to a missing or non-JSON Content-Type on a write. */
export function invalidContentType(): Reply {
  return {
    status: 400,
    body: { type: "/placeholder/type/uri", status: 400, title: "BadRequestError", detail: "A valid content-type must be specified" },
  };
}

/** Writes a reply unless the socket is already gone. Every response carries `x-request-id`. */
export function writeReply(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.destroyed || res.headersSent) return;
  let payload: string | undefined;
  let contentType: string | undefined;
  if (reply.flowError !== undefined) {
    payload = JSON.stringify(renderFlowEnvelope(reply.status, reply.flowError, requestId));
    contentType = "application/json;charset=UTF-8";
  } else if (reply.text !== undefined) {
    payload = reply.text;
    contentType = "text/plain;charset=UTF-8";
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    contentType = "application/json;charset=UTF-8";
  }
  const headers: Record<string, string | number> = { ...reply.headers, "x-request-id": requestId };
  if (payload !== undefined) {
    headers["content-type"] = contentType ?? "application/json";
    headers["content-length"] = Buffer.byteLength(payload);
  } else if (reply.status !== 204 && reply.status !== 304) {
    headers["content-length"] = 0;
  }
  res.writeHead(reply.status, STATUS_CODES[reply.status] ?? "Unknown", headers);
  res.end(payload);
}

/** Reads the whole request body as UTF-8 (requests are small JSON or form documents). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Lower-cased header names; repeated headers joined with ", " (values as received). */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

export function queryRecord(params: URLSearchParams): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [name, value] of params) (record[name] ??= []).push(value);
  return record;
}

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === undefined || type === "" ? undefined : type;
}

/**
 * setTimeout-based delays that `close()` can cancel, so latency never blocks other requests and never keeps a
 * closed emulator's process alive.
 */
export class DelayScheduler {
  private readonly pending = new Map<NodeJS.Timeout, (completed: boolean) => void>();
  private cancelled = false;

  /** Resolves true after `ms`, or false at once / later if the emulator closes first. */
  wait(ms: number): Promise<boolean> {
    if (this.cancelled) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve(true);
      }, ms);
      this.pending.set(timer, resolve);
    });
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  cancelAll(): void {
    this.cancelled = true;
    for (const [timer, resolve] of this.pending) {
      clearTimeout(timer);
      resolve(false);
    }
    this.pending.clear();
  }
}

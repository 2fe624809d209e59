/** The fault queue: injected failures matched against incoming requests in insertion order. */
import { STATUS_CODES } from "node:http";
import type { FaultSpec } from "./index";
import { gatewayError, type Reply } from "./http";

const WRITE_METHODS: readonly string[] = ["POST", "PUT", "PATCH", "DELETE"];

interface QueuedFault {
  spec: FaultSpec;
  remaining: number;
  toSkip: number;
}

export class FaultQueue {
  private queue: QueuedFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    const skip = spec.skip ?? 0;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`fault.times must be a positive integer, got ${times}`);
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`fault.skip must be a non-negative integer, got ${skip}`);
    if (spec.kind === "status" && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)) {
      throw new RangeError(`fault.status must be an HTTP status, got ${spec.status}`);
    }
    if (spec.kind === "commit-then-fail" && spec.status !== undefined && !(spec.status >= 500 && spec.status <= 599)) {
      throw new RangeError(`commit-then-fail status must be 5xx, got ${spec.status}`);
    }
    if (spec.kind === "latency" && !(Number.isInteger(spec.ms) && spec.ms >= 0)) {
      throw new RangeError(`latency fault ms must be a non-negative integer, got ${spec.ms}`);
    }
    this.queue.push({ spec: { ...spec }, remaining: times, toSkip: skip });
  }

  clear(): void {
    this.queue = [];
  }

  /**
   * The first queued fault that applies to this request, consuming one use of it. A fault still letting requests
   * through (`skip`) counts this one and lets later faults in the queue have a go.
   */
  take(method: string, route: string): FaultSpec | undefined {
    for (const fault of this.queue) {
      if (!matches(fault.spec, method, route)) continue;
      if (fault.toSkip > 0) {
        fault.toSkip -= 1;
        continue;
      }
      fault.remaining -= 1;
      if (fault.remaining === 0) this.queue = this.queue.filter((f) => f !== fault);
      return fault.spec;
    }
    return undefined;
  }
}

function matches(spec: FaultSpec, method: string, route: string): boolean {
  const upper = method.toUpperCase();
  if (spec.method !== undefined && spec.method.toUpperCase() !== upper) return false;
  // Faults that only make sense on writes never get used up by the reads a client makes around them.
  if (spec.method === undefined) {
    if (spec.kind === "stale-etag" && upper !== "PATCH") return false;
    if ((spec.kind === "commit-then-fail" || spec.kind === "commit-then-reset") && !WRITE_METHODS.includes(upper)) {
      return false;
    }
  }
  if (spec.route === undefined) return true;
  return typeof spec.route === "string" ? spec.route === route : testRegExp(spec.route, route);
}

function testRegExp(pattern: RegExp, value: string): boolean {
  pattern.lastIndex = 0; // a /g or /y pattern keeps state between calls
  return pattern.test(value);
}

/**
 * The body of an injected error status when the fault gives none: Adobe's gateway dialect for 401/403/429/502,
 * FLOW envelopes for Flow Service errors, OAuth errors on IMS routes.
 */
export function faultReply(status: number, kind: "ims" | "flow", retryAfter?: string, body?: unknown): Reply {
  const headers = retryAfter === undefined ? undefined : { "retry-after": retryAfter };
  const withHeaders = (reply: Reply): Reply => (headers === undefined ? reply : { ...reply, headers });
  if (body !== undefined) return withHeaders(typeof body === "string" ? { status, text: body } : { status, body });
  const reason = STATUS_CODES[status] ?? "Error";
  if (kind === "ims") {
    const error = status === 429 ? "too_many_requests" : status >= 500 ? "internal_error" : "invalid_request";
    return withHeaders({ status, body: { error, error_description: status >= 500 ? "Please try again later" : reason } });
  }
  switch (status) {
    case 401:
      return withHeaders(gatewayError(401, "401013", "Oauth token is not valid"));
    case 403:
      return withHeaders(gatewayError(403, "403003", "Api Key is invalid"));
    case 429:
      return withHeaders(gatewayError(429, "429050", "Too many requests"));
    case 502:
      return withHeaders(gatewayError(502, "502000", "Bad gateway"));
    case 500:
      return withHeaders(flowEnvelopeReply(status, 1102, "Internal Error", "An internal error has occurred."));
    case 503:
      return withHeaders(flowEnvelopeReply(status, 1103, "Service Unavailable", "The service is temporarily unavailable."));
    case 504:
      return withHeaders(flowEnvelopeReply(status, 1104, "Gateway Timeout", "A gateway timeout has occurred."));
    default:
      return withHeaders(flowEnvelopeReply(status, status >= 500 ? 1102 : 1100, reason, `${reason}.`));
  }
}

function flowEnvelopeReply(status: number, code: number, title: string, lead: string): Reply {
  const message = `${lead} Please try again. If the problem persists, please contact customer support.`;
  return { status, flowError: { code, title, message } };
}

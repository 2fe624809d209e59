/**
 * Injected failures: the fault kinds, one entry each in {@link FAULT_KINDS} (what it takes, which requests it
 * matches, how its options are checked, what it does), and the queue that matches them against incoming requests in
 * insertion order.
 */
import { STATUS_CODES } from "node:http";
import { flowErrors } from "./errors";
import { gatewayError, type Reply } from "./http";

const WRITE_METHODS: readonly string[] = ["POST", "PUT", "PATCH", "DELETE"];

/** What a fault does to the socket once the request is taken. */
export type FaultOutcome = { kind: "reply"; reply: Reply } | { kind: "reset" } | { kind: "hang" };

/** What a fault kind's `apply` gets: the request, a way to run it for real, and a way to change state first. */
export interface FaultContext {
  kind: "ims" | "flow";
  method: string;
  route: string;
  /** Handles the request as if there were no fault. */
  run(): Reply;
  /** Changes the etag of the connection a PATCH targets, as another writer would. */
  touchTarget(): void;
}

interface FaultKind<Options> {
  /** Methods it matches when the fault names none. @default every method */
  readonly methods?: readonly string[];
  /** Refuses bad options when the fault is injected. */
  readonly check?: (options: Options) => void;
  /** Milliseconds to wait before the request is handled. @default 0 */
  readonly delayMs?: (options: Options) => number;
  readonly apply: (options: Options, context: FaultContext) => FaultOutcome;
}

/** A table entry; `Options` is what a fault of this kind carries besides the common matching fields. */
function kind<Options extends object = Record<never, never>>(definition: FaultKind<Options>): FaultKind<Options> {
  return definition;
}

/** Every fault kind. */
export const FAULT_KINDS = {
  /** Answer `status` without applying the request. */
  status: kind<{ status: number; retryAfter?: string; body?: unknown }>({
    check: ({ status }) => {
      if (!(Number.isInteger(status) && status >= 100 && status <= 599)) throw new RangeError(`fault.status must be an HTTP status, got ${status}`);
    },
    apply: (options, context) => ({ kind: "reply", reply: faultReply(options.status, context.kind, options.retryAfter, options.body) }),
  }),
  /** Destroy the socket without answering; the request is NOT applied. */
  reset: kind({ apply: () => ({ kind: "reset" }) }),
  /** Apply the write (POST/PUT/PATCH/DELETE), then answer 5xx (default 502). */
  "commit-then-fail": kind<{ status?: number }>({
    methods: WRITE_METHODS,
    check: ({ status }) => {
      if (status !== undefined && !(status >= 500 && status <= 599)) throw new RangeError(`commit-then-fail status must be 5xx, got ${status}`);
    },
    apply: (options, context) => {
      context.run();
      return { kind: "reply", reply: faultReply(options.status ?? 502, context.kind) };
    },
  }),
  /** Apply the write, then destroy the socket. */
  "commit-then-reset": kind({
    methods: WRITE_METHODS,
    apply: (_options, context) => {
      context.run();
      return { kind: "reset" };
    },
  }),
  /** Extra delay before handling (see the request pipeline). */
  latency: kind<{ ms: number }>({
    check: ({ ms }) => {
      if (!(Number.isInteger(ms) && ms >= 0)) throw new RangeError(`latency fault ms must be a non-negative integer, got ${ms}`);
    },
    delayMs: ({ ms }) => ms,
    apply: (_options, context) => ({ kind: "reply", reply: context.run() }),
  }),
  /** Never answer (the socket stays open until the client gives up or `close()`). */
  hang: kind({ apply: () => ({ kind: "hang" }) }),
  /** Before handling a PATCH, change the target's etag (as if another writer won), so it meets a real 412. */
  "stale-etag": kind({
    methods: ["PATCH"],
    apply: (_options, context) => {
      context.touchTarget();
      return { kind: "reply", reply: context.run() };
    },
  }),
  /** Refuse a write with FLOW-2120-403 "You do not have sufficient permissions" (LABELS' body), not applying it. */
  "permission-denied": kind({
    methods: WRITE_METHODS,
    apply: () => ({ kind: "reply", reply: flowErrors.forbidden().reply }),
  }),
  /**
   * Flow Service could not reach Catalog (FLOW-2200-500) or Data Prep (FLOW-2250-500) while validating a write
   * (ERR names POST /targetConnections and /flows); the write is not applied.
   */
  "dependency-failure": kind<{ service: "catalog" | "dataprep" }>({
    methods: ["POST", "PATCH"],
    check: ({ service }) => {
      if (service !== "catalog" && service !== "dataprep") throw new RangeError(`dependency-failure service must be catalog or dataprep, got ${String(service)}`);
    },
    apply: ({ service }) => ({ kind: "reply", reply: flowErrors.dependencyFailed(service).reply }),
  }),
  /** Answer 401 `{"error_code":"401013","message":"Oauth token is not valid"}`. */
  "expired-token": kind({ apply: () => ({ kind: "reply", reply: gatewayError(401, "401013", "Oauth token is not valid") }) }),
} as const;

/** Name of a fault kind. */
export type FaultKindName = keyof typeof FAULT_KINDS;

type OptionsOf<K extends FaultKindName> = (typeof FAULT_KINDS)[K] extends FaultKind<infer Options> ? Options : never;

/** Which requests a fault applies to, and how often. */
export interface FaultMatch {
  /** Match the HTTP method (case-insensitive). @default the kind's methods, else any */
  method?: string;
  /** Match `route` (string = exact match, RegExp = test). e.g. "/connections", /^\/connections\/[^/]+$/, "/ims/token/v3" */
  route?: string | RegExp;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
}

/** A fault to inject: matching fields plus one kind of {@link FAULT_KINDS} and that kind's options. */
export type FaultSpec = FaultMatch & { [K in FaultKindName]: { kind: K } & OptionsOf<K> }[FaultKindName];

/** How long the fault holds the request before it is handled. */
export function faultDelayMs(fault: FaultSpec): number {
  return (FAULT_KINDS[fault.kind] as FaultKind<FaultSpec>).delayMs?.(fault) ?? 0;
}

/** What the fault does to the request (see {@link FAULT_KINDS}). */
export function applyFault(fault: FaultSpec, context: FaultContext): FaultOutcome {
  const definition = FAULT_KINDS[fault.kind] as FaultKind<FaultSpec>;
  return definition.apply(fault, context);
}

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
    const definition = FAULT_KINDS[spec.kind] as FaultKind<FaultSpec> | undefined;
    if (definition === undefined) throw new RangeError(`unknown fault kind ${JSON.stringify(spec.kind)}`);
    definition.check?.(spec);
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
  // Faults that only make sense on some methods never get used up by the other requests a client makes around them.
  const methods = (FAULT_KINDS[spec.kind] as FaultKind<FaultSpec>).methods;
  if (spec.method === undefined && methods !== undefined && !methods.includes(upper)) return false;
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

/**
 * The fault matrix as data: every fault the emulator can inject, with the outcome each kind of provider operation
 * must produce. fault-matrix.spec.ts runs each cell through the real dynamic-provider host: the base connection's
 * operations, and those of every dataflow object (source and target connections, datasets, mapping sets, flows).
 *
 * Outcomes:
 * - `ok`: the call succeeds and AEP (the emulator's store) holds exactly the declared state;
 * - `error`: the call fails with a clear message (matching `message`) and AEP is unchanged;
 * - `recorded`: the call fails after AEP was written, and the error carries the object's id (ErrorResourceInitFailed)
 *   so the engine records it: nothing is orphaned, and the next run, starting from what the engine recorded,
 *   brings it to the declared state;
 * - `converges`: AEP applied the write atomically but answered 500 (not retried: see the README's Reliability
 *   section); the error is clear, AEP holds the old or the new state as a whole, and the same call made again (what
 *   the next `pulumi up` does with the state the engine kept) succeeds with the declared state.
 */
import type { FaultSpec } from "../../emulator";

/** The base connection's operations. */
export type Operation = "create" | "adopt" | "read" | "update" | "delete";
export const operations: readonly Operation[] = ["create", "adopt", "read", "update", "delete"];

/**
 * What decides an operation's outcome under a fault: how its requests are made. Each base connection operation is
 * one; each dataflow object operation has one of them:
 * - `create`: a crash-safe POST, looked up by its marker after an unknown outcome;
 * - `adopt`: a PATCH that takes over an object made by hand (base connections);
 * - `read`: a GET;
 * - `update`: a PATCH with If-Match, re-read and sent again once after a 412;
 * - `delete`: a DELETE, "gone" counting as done;
 * - `checked-write`: a write AEP does not take twice (a mapping set's PUT makes a version; enabling an enabled flow
 *   is refused), sent once and read back after an unknown outcome;
 * - `create-then-checked-write`: a create finished by a checked write (a flow declared disabled); the fault hits
 *   the write, once AEP holds the object.
 */
export type Shape = Operation | "checked-write" | "create-then-checked-write";
export const shapes: readonly Shape[] = [...operations, "checked-write", "create-then-checked-write"];

/** The message of a failing outcome: fixed, or made from the request the fault hit. */
export type Expected = RegExp | ((main: Target) => RegExp);

export type Outcome = { kind: "ok" } | { kind: "error"; message: Expected } | { kind: "recorded"; message: Expected } | { kind: "converges"; message: Expected };

/** How an operation's requests look, so a fault can be aimed at one of them. */
export interface Targets {
  /** The request that does the operation's work: POST (create), PATCH or PUT (adopt, update), GET (read), DELETE. */
  main: Target;
  /** The listing of the sandbox a create shares with the other creates of its run (creates only). */
  lookup?: Target;
}

/** Fault matching fields aimed at one request of an operation. */
export type Target = Required<Pick<FaultSpec, "method" | "route">> & Pick<FaultSpec, "skip">;

/** What a cell does before the call: queue faults, or act on the emulator (e.g. expire every token). */
export interface FaultPlan {
  faults: FaultSpec[];
  /** Invalidate every issued token first, so the provider must go back to IMS. */
  expireTokensFirst?: boolean;
  /** Invalidate every issued token while the main request is held by a latency fault (a token dying mid-run). */
  expireTokensDuringMain?: boolean;
}

export interface FaultCase {
  /** Column label, e.g. "503 Service Unavailable". */
  label: string;
  plan: (targets: Targets) => FaultPlan;
  /** Expected outcome per shape; a missing shape is not applicable (with `notApplicable` saying why). */
  expect: Partial<Record<Shape, Outcome>>;
  notApplicable?: string;
  /**
   * The cell makes a dataflow use the object first, so that AEP refuses its delete: only for objects a dataflow
   * can use (connections, mapping sets).
   */
  inUse?: boolean;
}

const ok: Outcome = { kind: "ok" };
const all = (outcome: Outcome): Record<Shape, Outcome> => Object.fromEntries(shapes.map((shape) => [shape, outcome])) as Record<Shape, Outcome>;
const writes = (outcome: Outcome): Partial<Record<Shape, Outcome>> => {
  const { read: _read, ...rest } = all(outcome);
  return rest;
};

/** A regular expression matching `text` literally. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * The path of a fault's route as the client's errors name it: Catalog's and Data Prep's relative to their own
 * service (`/dataSets/…`, `/mappingSets/…`), Flow Service's as routed.
 */
function errorPath(route: Target["route"]): string {
  const pattern = typeof route === "string" ? literal(route) : route.source.replace(/^\^|\$$/g, "");
  return pattern.replace(/^\\\/(catalog|conversion)(?=\\\/)/, "");
}

/** `<METHOD> <path> failed: <status>`, the shape of every error of Flow Service, Catalog and Data Prep. */
function statusError(status: number): Expected {
  return (main) => new RegExp(`${main.method} ${errorPath(main.route)} failed: ${status}`);
}

/** The outcome `kind` with `message`, for each shape. */
function outcomes(kind: Exclude<Outcome["kind"], "ok">, message: Expected, which: readonly Shape[] = shapes): Partial<Record<Shape, Outcome>> {
  return Object.fromEntries(which.map((shape) => [shape, { kind, message }]));
}

/**
 * A failure before AEP was written, for every shape: a clear error, AEP unchanged; except a create finished by a
 * checked write, whose object AEP holds by then (recorded by id).
 */
function failsBeforeWriting(message: Expected): Partial<Record<Shape, Outcome>> {
  return { ...outcomes("error", message), "create-then-checked-write": { kind: "recorded", message } };
}

/** Enough occurrences to outlast every retry (5 attempts per operation, token refresh included). */
const ALWAYS = 50;

const IMS_ROUTE = "/ims/token/v3";

/** An error page a proxy in front of AEP may answer with: HTML, not JSON. */
const HTML_ERROR_PAGE = "<html><head><title>503 Service Temporarily Unavailable</title></head><body><center><h1>503</h1></center></body></html>";

export const faultCases: readonly FaultCase[] = [
  {
    label: "429 Too Many Requests, Retry-After: 1",
    plan: ({ main }) => ({ faults: [{ kind: "status", status: 429, retryAfter: "1", ...main }] }),
    expect: all(ok),
  },
  {
    label: "500 Internal Server Error (not retried)",
    plan: ({ main }) => ({ faults: [{ kind: "status", status: 500, ...main }] }),
    // A create's lookup finds nothing (the 500 was answered without applying the POST), so it reports the 500; a
    // checked write reads the object back and finds it unchanged.
    expect: failsBeforeWriting(statusError(500)),
  },
  ...[502, 503, 504].map(
    (status): FaultCase => ({
      label: `${status} once`,
      plan: ({ main }) => ({ faults: [{ kind: "status", status, ...main }] }),
      expect: all(ok),
    }),
  ),
  {
    label: "503 on every attempt",
    plan: ({ main }) => ({ faults: [{ kind: "status", status: 503, times: ALWAYS, ...main }] }),
    expect: failsBeforeWriting(statusError(503)),
  },
  {
    label: "503 with an HTML error page (not JSON), once",
    plan: ({ main }) => ({ faults: [{ kind: "status", status: 503, body: HTML_ERROR_PAGE, ...main }] }),
    expect: all(ok),
  },
  {
    label: "connection reset before the response",
    plan: ({ main }) => ({ faults: [{ kind: "reset", ...main }] }),
    expect: all(ok),
  },
  {
    label: "timeout (no answer within AEP_HTTP_TIMEOUT_MS)",
    plan: ({ main }) => ({ faults: [{ kind: "hang", ...main }] }),
    expect: all(ok),
  },
  {
    label: "write committed, then 502",
    plan: ({ main }) => ({ faults: [{ kind: "commit-then-fail", status: 502, ...main }] }),
    expect: writes(ok),
    notApplicable: "read sends no write",
  },
  {
    label: "write committed, then connection reset",
    plan: ({ main }) => ({ faults: [{ kind: "commit-then-reset", ...main }] }),
    expect: writes(ok),
    notApplicable: "read sends no write",
  },
  {
    label: "write committed, then 500",
    plan: ({ main }) => ({ faults: [{ kind: "commit-then-fail", status: 500, ...main }] }),
    expect: {
      ...outcomes("converges", statusError(500), ["adopt", "update", "delete"]),
      // An unknown create outcome is always resolved by looking the object up by its marker, and a checked write's
      // by reading the object back.
      create: ok,
      "checked-write": ok,
      "create-then-checked-write": ok,
    },
    notApplicable: "read sends no write",
  },
  {
    // The re-read after the 412 shows our own change; the second answer is lost too, and the 412 of its retry is
    // taken for another writer. Known limitation: see the README's Reliability section.
    label: "write committed twice, both answers lost",
    plan: ({ main }) => ({
      faults: [
        { kind: "commit-then-reset", ...main },
        { kind: "commit-then-fail", status: 502, ...main, skip: 1 },
      ],
    }),
    expect: outcomes("converges", /keeps changing.*FLOW-1404-412/s, ["adopt", "update"]),
    notApplicable: "only adopt and update re-read and re-send a write",
  },
  {
    label: "stale etag (another writer won, 412)",
    plan: ({ main }) => ({ faults: [{ kind: "stale-etag", ...main }] }),
    expect: { adopt: ok, update: ok },
    notApplicable: "only adopt and update send a PATCH with If-Match",
  },
  {
    label: "stale etag twice",
    plan: ({ main }) => ({ faults: [{ kind: "stale-etag", times: 2, ...main }] }),
    expect: outcomes("error", /keeps changing.*FLOW-1404-412/s, ["adopt", "update"]),
    notApplicable: "only adopt and update send a PATCH with If-Match",
  },
  {
    label: "gateway rejects the token (401013)",
    plan: ({ main }) => ({ faults: [{ kind: "expired-token", ...main }] }),
    expect: all(ok),
  },
  {
    label: "token expired mid-run",
    // The latency holds the request before the gateway checks its token; the test expires every token meanwhile.
    plan: ({ main }) => ({ faults: [{ kind: "latency", ms: 200, ...main }], expireTokensDuringMain: true }),
    expect: all(ok),
  },
  {
    label: "IMS unavailable (503), then back",
    plan: () => ({ faults: [{ kind: "status", status: 503, route: IMS_ROUTE, times: 2 }], expireTokensFirst: true }),
    expect: all(ok),
  },
  {
    label: "IMS connection reset, then back",
    plan: () => ({ faults: [{ kind: "reset", route: IMS_ROUTE }], expireTokensFirst: true }),
    expect: all(ok),
  },
  {
    label: "IMS unavailable (503) throughout",
    // The first request of the operation needs a token: nothing is written, not even a create's POST.
    plan: () => ({ faults: [{ kind: "status", status: 503, route: IMS_ROUTE, times: ALWAYS }], expireTokensFirst: true }),
    expect: outcomes("error", /IMS token request failed: 503/),
  },
  {
    label: "the sandbox listing fails (500) throughout",
    // The create's POST goes out alongside the shared listing; a listing that keeps failing costs it nothing.
    plan: ({ main, lookup }) => ({ faults: [{ kind: "status", status: 500, times: ALWAYS, ...(lookup ?? main) }] }),
    expect: { create: ok, "create-then-checked-write": ok },
    notApplicable: "only a create lists the sandbox",
  },
  {
    label: "a read answered 200 with an unparseable body",
    plan: ({ main }) => ({ faults: [{ kind: "status", status: 200, body: "<html><body>Service maintenance</body></html>", ...main }] }),
    // Never taken for "gone": the engine keeps the resource.
    expect: { read: { kind: "error", message: /status 200 but the response body could not be parsed/ } },
    notApplicable: "only a read takes a 200 as the object's content (garbled answers to writes: adversary.spec.ts)",
  },
  {
    label: "in use by a dataflow (AEP refuses the delete)",
    plan: () => ({ faults: [] }),
    expect: { delete: { kind: "error", message: /Cannot delete .*: it is used by .*dataflow.*\(AEP refused the delete, [A-Z]+-\d+/s } },
    notApplicable: "only the delete of an object a dataflow can use (a connection, a mapping set)",
    inUse: true,
  },
];

/** The message an outcome's error must match, for the request the fault hit. */
export function expectedMessage(message: Expected, main: Target): RegExp {
  return typeof message === "function" ? message(main) : message;
}

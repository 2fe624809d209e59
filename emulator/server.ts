/**
 * The request pipeline: log → fault → latency → (IMS | gateway checks → Content-Type → sandbox → route).
 * Gateway checks follow Adobe's documented errors, in this order: Authorization (403010 / 401013), x-api-key
 * (403000 / 403003), x-gw-ims-org-id (400003 / 403025).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createConnection, deleteConnection, getConnection, getConnectionSpec, listConnectionSpecs, testConnection } from "./connections";
import { createDataset, deleteDataset, getDataset, listDatasets } from "./catalog";
import {
  CATALOG_ROUTE_PREFIX,
  DATA_PREP_ROUTE_PREFIX,
  FLOW_SERVICE_BASE_PATH,
  FOUNDATION_PATH,
  IMS_TOKEN_PATH,
  type EmulatorRuntime,
  type FlowCall,
  type RequestBody,
} from "./context";
import { flowErrors } from "./errors";
import { applyFault, faultDelayMs, type FaultOutcome } from "./faults";
import { FlowFailure, flattenHeaders, gatewayError, invalidContentType, mediaType, queryRecord, readBody, writeReply, type Reply } from "./http";
import { handleTokenRequest, tokenRequestFields } from "./ims";
import type { RecordedRequest } from "./types";
import { exploreConnection } from "./explore";
import { listConnections } from "./listing";
import {
  actionSourceConnection,
  actionTargetConnection,
  createSourceConnection,
  createTargetConnection,
  deleteSourceConnection,
  deleteTargetConnection,
  getSourceConnection,
  getTargetConnection,
  listSourceConnections,
  listTargetConnections,
  patchSourceConnection,
  patchTargetConnection,
} from "./flow-connections";
import { createFlow, deleteFlow, flowAction, getFlow, getFlowSpec, listFlowSpecs, listFlows, patchFlow } from "./flows";
import {
  createMappingSet,
  deleteMappingSet,
  getMapping,
  getMappings,
  getMappingSet,
  listMappingSets,
  putMappingSet,
  validateMappingSet,
} from "./mapping-sets";
import { patchConnection } from "./patch";
import { createRun, getRun, listRuns } from "./runs";

/** A route handler gets the call and the route's captured ids (decoded), in order. */
type Handler = (call: FlowCall, id: string, second: string) => Reply;

interface Route {
  pattern: RegExp;
  methods: Readonly<Record<string, Handler>>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/connections$/, methods: { GET: listConnections, POST: createConnection } },
  { pattern: /^\/connections\/([^/]+)$/, methods: { GET: getConnection, PATCH: patchConnection, DELETE: deleteConnection } },
  { pattern: /^\/connections\/([^/]+)\/test$/, methods: { GET: testConnection } },
  { pattern: /^\/connections\/([^/]+)\/explore$/, methods: { GET: exploreConnection } },
  { pattern: /^\/connectionSpecs$/, methods: { GET: listConnectionSpecs } },
  { pattern: /^\/connectionSpecs\/([^/]+)$/, methods: { GET: getConnectionSpec } },
  { pattern: /^\/sourceConnections$/, methods: { GET: listSourceConnections, POST: createSourceConnection } },
  { pattern: /^\/sourceConnections\/([^/]+)$/, methods: { GET: getSourceConnection, PATCH: patchSourceConnection, DELETE: deleteSourceConnection } },
  { pattern: /^\/sourceConnections\/([^/]+)\/action$/, methods: { POST: actionSourceConnection } },
  { pattern: /^\/targetConnections$/, methods: { GET: listTargetConnections, POST: createTargetConnection } },
  { pattern: /^\/targetConnections\/([^/]+)$/, methods: { GET: getTargetConnection, PATCH: patchTargetConnection, DELETE: deleteTargetConnection } },
  { pattern: /^\/targetConnections\/([^/]+)\/action$/, methods: { POST: actionTargetConnection } },
  { pattern: /^\/flows$/, methods: { GET: listFlows, POST: createFlow } },
  { pattern: /^\/flows\/([^/]+)$/, methods: { GET: getFlow, PATCH: patchFlow, DELETE: deleteFlow } },
  { pattern: /^\/flows\/([^/]+)\/action$/, methods: { POST: flowAction } },
  { pattern: /^\/runs$/, methods: { GET: listRuns, POST: createRun } },
  { pattern: /^\/runs\/([^/]+)$/, methods: { GET: getRun } },
  { pattern: /^\/flowSpecs$/, methods: { GET: listFlowSpecs } },
  { pattern: /^\/flowSpecs\/([^/]+)$/, methods: { GET: getFlowSpec } },
  { pattern: /^\/catalog\/dataSets$/, methods: { GET: listDatasets, POST: createDataset } },
  { pattern: /^\/catalog\/dataSets\/([^/]+)$/, methods: { GET: getDataset, DELETE: deleteDataset } },
  { pattern: /^\/conversion\/mappingSets$/, methods: { GET: listMappingSets, POST: createMappingSet } },
  { pattern: /^\/conversion\/mappingSets\/validate$/, methods: { POST: validateMappingSet } },
  { pattern: /^\/conversion\/mappingSets\/([^/]+)$/, methods: { GET: getMappingSet, PUT: putMappingSet, DELETE: deleteMappingSet } },
  { pattern: /^\/conversion\/mappingSets\/([^/]+)\/mappings$/, methods: { GET: getMappings } },
  { pattern: /^\/conversion\/mappingSets\/([^/]+)\/mappings\/([^/]+)$/, methods: { GET: getMapping } },
];

/** Routes whose PATCH carries an etag: the stale-etag fault changes the addressed object first. */
const ETAG_ROUTES: readonly { pattern: RegExp; touch: (runtime: EmulatorRuntime, id: string) => void }[] = [
  {
    pattern: /^\/connections\/([^/]+)$/,
    touch: (runtime, id) => {
      const target = runtime.store.get(id);
      const live = target === undefined ? undefined : runtime.store.find(target.id, target.orgId, target.sandboxName);
      if (live !== undefined) runtime.store.touch(live);
    },
  },
  { pattern: /^\/sourceConnections\/([^/]+)$/, touch: (runtime, id) => touchIfPresent(runtime, runtime.dataflows.sourceConnectionTable.get(id)) },
  { pattern: /^\/targetConnections\/([^/]+)$/, touch: (runtime, id) => touchIfPresent(runtime, runtime.dataflows.targetConnectionTable.get(id)) },
  { pattern: /^\/flows\/([^/]+)$/, touch: (runtime, id) => touchIfPresent(runtime, runtime.dataflows.flowTable.get(id)) },
];

function touchIfPresent(runtime: EmulatorRuntime, item: Parameters<EmulatorRuntime["dataflows"]["touch"]>[0] | undefined): void {
  if (item !== undefined) runtime.dataflows.touch(item);
}

const BODY_METHODS: readonly string[] = ["POST", "PUT", "PATCH"];


export function createRequestListener(runtime: EmulatorRuntime): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(runtime, req, res).catch(() => {
      // Only a broken socket can get here (handlers' errors become 500 replies); nothing is left to answer.
      res.destroy();
    });
  };
}

function describePath(pathname: string): { kind: "ims" | "flow"; route: string } {
  if (pathname.startsWith("/ims/")) return { kind: "ims", route: stripTrailingSlash(pathname) };
  if (pathname === FLOW_SERVICE_BASE_PATH || pathname.startsWith(`${FLOW_SERVICE_BASE_PATH}/`)) {
    return { kind: "flow", route: stripTrailingSlash(pathname.slice(FLOW_SERVICE_BASE_PATH.length)) || "/" };
  }
  for (const prefix of [CATALOG_ROUTE_PREFIX, DATA_PREP_ROUTE_PREFIX]) {
    if (pathname.startsWith(`${FOUNDATION_PATH}${prefix}/`)) return { kind: "flow", route: stripTrailingSlash(pathname.slice(FOUNDATION_PATH.length)) };
  }
  return { kind: "flow", route: stripTrailingSlash(pathname) };
}

function stripTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

async function handle(runtime: EmulatorRuntime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  runtime.counters.requests += 1;
  const method = (req.method ?? "GET").toUpperCase();
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const { kind, route } = describePath(url.pathname);
  if (route === IMS_TOKEN_PATH) runtime.counters.tokenRequests += 1;
  const headers = flattenHeaders(req);
  const requestId = headers["x-request-id"] || randomUUID();

  const record: RecordedRequest = {
    seq: (runtime.counters.seq += 1),
    kind,
    method,
    path: url.pathname,
    route,
    query: queryRecord(url.searchParams),
    headers,
    status: 0,
  };
  runtime.log.push(record);
  const rawBody = await readBody(req);

  let body: RequestBody = { kind: "empty" };
  let imsFields: Record<string, string> = {};
  if (kind === "ims") {
    imsFields = tokenRequestFields(url.searchParams, headers["content-type"], rawBody);
    if (Object.keys(imsFields).length > 0) record.body = imsFields;
  } else if (rawBody.trim() !== "") {
    try {
      body = { kind: "json", value: JSON.parse(rawBody) as unknown };
      record.body = body.value;
    } catch {
      body = { kind: "invalid" };
      record.body = rawBody;
    }
  }

  const fault = runtime.faults.take(method, route);
  if (fault !== undefined) record.fault = fault.kind;
  const proceed = async (): Promise<boolean> => {
    const delayMs = fault === undefined ? 0 : faultDelayMs(fault);
    if (delayMs > 0 && !(await runtime.delays.wait(delayMs))) return false;
    return kind === "ims" || (await runtime.delays.wait(runtime.latencyMs));
  };
  if (!(await proceed())) return; // closed while waiting

  const run = (): Reply =>
    kind === "ims"
      ? handleTokenRequest(method, imsFields, runtime.clients, runtime.tokens)
      : handleFlowRequest(runtime, { method, route, query: url.searchParams, headers, body });
  const outcome: FaultOutcome =
    fault === undefined
      ? { kind: "reply", reply: run() }
      : applyFault(fault, { kind, method, route, run, touchTarget: () => touchPatchTarget(runtime, method, route) });
  if (outcome.kind === "hang") return; // the socket stays open until the client gives up or close()
  if (outcome.kind === "reset") {
    resetSocket(req);
    return;
  }
  writeReply(res, outcome.reply, requestId);
  record.status = outcome.reply.status;
}

/** Changes the etag of the object a PATCH addresses (the stale-etag fault), as another writer would. */
function touchPatchTarget(runtime: EmulatorRuntime, method: string, route: string): void {
  if (method !== "PATCH") return;
  for (const candidate of ETAG_ROUTES) {
    const id = candidate.pattern.exec(route)?.[1];
    if (id !== undefined) candidate.touch(runtime, safeDecode(id));
  }
}

/** Sends a TCP RST when the platform can, so the client sees ECONNRESET rather than a clean close. */
function resetSocket(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage["socket"] & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface FlowRequest {
  method: string;
  route: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: RequestBody;
}

function handleFlowRequest(runtime: EmulatorRuntime, request: FlowRequest): Reply {
  try {
    const identity = checkGateway(runtime, request);
    if ("reply" in identity) return identity.reply;
    // Actions carry no body, and clients send them without a Content-Type (AEPP removes it), so only a body needs one.
    const bodyless = request.body.kind === "empty" && request.route.endsWith("/action");
    if (BODY_METHODS.includes(request.method) && !bodyless && !isJsonMediaType(mediaType(request.headers["content-type"]))) {
      return invalidContentType();
    }
    const sandboxName = checkSandbox(runtime, request.headers);
    return route({ runtime, ...request, clientId: identity.clientId, orgId: identity.orgId, sandboxName });
  } catch (error) {
    if (error instanceof FlowFailure) return error.reply;
    return flowErrors.internal().reply;
  }
}

function isJsonMediaType(type: string | undefined): boolean {
  return type === "application/json" || (type !== undefined && /^application\/[\w.+-]+\+json$/.test(type));
}

function checkGateway(runtime: EmulatorRuntime, request: FlowRequest): { clientId: string; orgId: string } | { reply: Reply } {
  const authorization = request.headers["authorization"];
  if (authorization === undefined || authorization.trim() === "") {
    return { reply: gatewayError(403, "403010", "Oauth token is missing.") };
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const grant = match?.[1] === undefined ? undefined : runtime.tokens.verify(match[1]);
  if (grant === undefined) return { reply: gatewayError(401, "401013", "Oauth token is not valid") };
  const apiKey = request.headers["x-api-key"];
  if (apiKey === undefined || apiKey === "") return { reply: gatewayError(403, "403000", "Api Key is required") };
  if (apiKey !== grant.clientId) return { reply: gatewayError(403, "403003", "Api Key is invalid") };
  const orgId = request.headers["x-gw-ims-org-id"];
  if (orgId === undefined || orgId === "") return { reply: gatewayError(400, "400003", "Missing header") };
  if (orgId !== grant.orgId) return { reply: gatewayError(403, "403025", "Profile is not valid") };
  return { clientId: grant.clientId, orgId: grant.orgId };
}

function checkSandbox(runtime: EmulatorRuntime, headers: Record<string, string>): string {
  const sandboxName = headers["x-sandbox-name"];
  if (sandboxName === undefined || sandboxName === "") throw flowErrors.missingSandboxName();
  if (headers["x-sandbox-id"] !== undefined) throw flowErrors.sandboxIdNotAllowed();
  if (runtime.sandboxes !== undefined && !runtime.sandboxes.has(sandboxName)) throw flowErrors.sandboxNotFound(sandboxName);
  return sandboxName;
}

function route(call: FlowCall): Reply {
  // Runs that became due on the emulator clock exist before any request looks at them.
  call.runtime.dataflows.tick();
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(call.route);
    if (match === null) continue;
    const handler = candidate.methods[call.method];
    if (handler === undefined) throw flowErrors.methodNotAllowed(call.method, call.route, Object.keys(candidate.methods));
    return handler(call, safeDecode(match[1] ?? ""), safeDecode(match[2] ?? ""));
  }
  throw flowErrors.notFound(call.route, "route");
}

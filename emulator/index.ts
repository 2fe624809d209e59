/**
 * Local emulator of Adobe IMS (OAuth server-to-server tokens) and the AEP Flow Service base-connection API.
 *
 * It is an independent model of the API, written from Adobe's documentation
 * (see /work/shared/reference/flow-service-api.md §12): it imports nothing from `provider/`, so a wrong spec id or
 * parameter name in the provider cannot make its own tests pass. Only node builtins are used.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator();
 * process.env = { ...process.env, ...emulator.env() };
 * // ... exercise a client against emulator.url ...
 * await emulator.close();
 * ```
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { EmulatorRuntime } from "./context";
import { FaultQueue } from "./faults";
import { DelayScheduler } from "./http";
import { newClientCredentials } from "./ids";
import { TokenRegistry } from "./ims";
import { PageTokens } from "./listing";
import { createRequestListener } from "./server";
import { ConnectionStore } from "./store";

/** One OAuth server-to-server credential the emulated IMS accepts. */
export interface EmulatorClientCredentials {
  clientId: string;
  clientSecret: string;
  /** The IMS org the client belongs to, e.g. `"0A1B2C3D4E5F60718293A4B5@AdobeOrg"`. */
  orgId: string;
}

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** Accepted OAuth server-to-server clients. @default one generated client (random values) */
  clients?: EmulatorClientCredentials[];
  /** Lifetime of issued IMS tokens, seconds (IMS `expires_in`). @default 86399 */
  tokenLifetimeSeconds?: number;
  /** Delay added before every Flow Service response (not IMS). @default 0 */
  latencyMs?: number;
  /** Page size of GET /connections when no `limit` is given. @default 100 */
  defaultPageSize?: number;
  /** Mask `format: password` auth params on GET. @default true */
  maskSecrets?: boolean;
  /** When set, only these sandbox names exist (others: 404 FLOW-2101-404). @default any name */
  sandboxes?: string[];
}

export interface Emulator {
  /** "http://127.0.0.1:<port>". Serves IMS at /ims/token/v3 and Flow Service at /data/foundation/flowservice/... */
  readonly url: string;
  /** Same as `url` (a client appends /data/foundation/flowservice). */
  readonly platformUrl: string;
  /** Same as `url` (a client appends /ims/token/v3). */
  readonly imsUrl: string;
  /** The first accepted client. */
  readonly client: EmulatorClientCredentials;
  /** AEP_PLATFORM_URL, AEP_IMS_URL, AEP_CLIENT_ID, AEP_CLIENT_SECRET, AEP_ORG_ID, AEP_SANDBOX_NAME (default "prod"). */
  env(sandboxName?: string): Record<string, string>;
  /** Every request received, in arrival order (IMS and Flow Service). */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  readonly store: EmulatorStore;
  /** Queue a fault; faults are matched in insertion order, each applies `times` times (default 1). */
  inject(fault: FaultSpec): void;
  clearFaults(): void;
  /** Invalidate every token issued so far (next Flow Service call gets 401 {error_code:"401013"}). */
  expireTokens(): void;
  setLatency(ms: number): void;
  /** Counters since start: IMS token requests, TCP connections accepted, HTTP requests. */
  stats(): { tokenRequests: number; tcpConnections: number; requests: number };
  /** Stops listening and destroys every socket (idle keep-alive ones and hung requests included). Idempotent. */
  close(): Promise<void>;
}

export interface RecordedRequest {
  seq: number;
  kind: "ims" | "flow";
  method: string;
  /** Path without query string, e.g. "/data/foundation/flowservice/connections/<id>" */
  path: string;
  /**
   * Path relative to the Flow Service base, e.g. "/connections/<id>" (same as path for IMS).
   * A trailing slash is removed, so "/connections/" is recorded (and matched by faults) as "/connections".
   */
  route: string;
  query: Record<string, string[]>;
  /** Lower-cased header names, values as received. */
  headers: Record<string, string>;
  /** Parsed JSON body (flow) or form fields (ims), if any. A body that is not valid JSON is kept as its raw text. */
  body?: unknown;
  /** Status sent (0 if the socket was reset / never answered). */
  status: number;
  /** Kind of the fault applied, if any. */
  fault?: string;
}

export type FaultSpec = {
  /** Match the HTTP method (case-insensitive). @default any */
  method?: string;
  /** Match `route` (string = exact match, RegExp = test). e.g. "/connections", /^\/connections\/[^/]+$/, "/ims/token/v3" */
  route?: string | RegExp;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
  /** Let this many matching requests through first. @default 0 */
  skip?: number;
} & (
  /** Answer without applying the request. */
  | { kind: "status"; status: number; retryAfter?: string; body?: unknown }
  /** Destroy the socket without answering; the request is NOT applied. */
  | { kind: "reset" }
  /** Apply the write (POST/PATCH/DELETE), then answer 5xx (default 502). Matches write methods only. */
  | { kind: "commit-then-fail"; status?: number }
  /** Apply the write, then destroy the socket. Matches write methods only. */
  | { kind: "commit-then-reset" }
  /** Extra delay before handling. */
  | { kind: "latency"; ms: number }
  /** Never answer (socket kept open until the client gives up or close()). */
  | { kind: "hang" }
  /** Before handling a PATCH, change the target's etag (as if another writer won) => real 412. Matches PATCH only. */
  | { kind: "stale-etag" }
  /** Answer 401 {"error_code":"401013","message":"Oauth token is not valid"}. */
  | { kind: "expired-token" }
);

export interface StoredConnection {
  id: string;
  orgId: string;
  sandboxName: string;
  sandboxId: string;
  name: string;
  description?: string;
  connectionSpec: { id: string; version: string };
  /** Unmasked. */
  auth: { specName: string; params: Record<string, unknown> };
  state: string;
  /** Includes its double quotes, e.g. "\"3500866c-0000-0200-0000-5e83afa30000\"". */
  etag: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms. */
  updatedAt: number;
  createdBy: string;
  updatedBy: string;
  createdClient: string;
  updatedClient: string;
  inUse: boolean;
  testResult: boolean;
}

export interface EmulatorStore {
  /** All connections, optionally only one org/sandbox. Unmasked. */
  list(filter?: { orgId?: string; sandboxName?: string }): StoredConnection[];
  get(id: string): StoredConnection | undefined;
  /** Out-of-band create (a hand-made connection), defaults: org = first client's, sandbox "prod". Returns it. */
  seed(c: {
    name: string;
    description?: string;
    connectionSpecId: string;
    specName: string;
    params: Record<string, unknown>;
    sandboxName?: string;
    orgId?: string;
  }): StoredConnection;
  /** Out-of-band change (new etag, updatedAt). */
  modify(id: string, change: { name?: string; description?: string; params?: Record<string, unknown> }): StoredConnection;
  /** Out-of-band delete. */
  remove(id: string): boolean;
  /** Mark as used by dataflows: DELETE then gets 400 FLOW-1418-400. */
  markInUse(id: string, inUse?: boolean): void;
  /** What GET /connections/{id}/test reports. @default true */
  setTestResult(id: string, result: boolean): void;
  clear(): void;
}

export { FLOW_SERVICE_BASE_PATH, IMS_TOKEN_PATH } from "./context";

/** Starts an emulator on 127.0.0.1 and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const clients = resolved.clients.map((c) => ({ ...c }));
  const firstClient = clients[0];
  if (firstClient === undefined) throw new TypeError("EmulatorOptions.clients must not be empty");

  const runtime: EmulatorRuntime = {
    clients,
    maskSecrets: resolved.maskSecrets,
    defaultPageSize: resolved.defaultPageSize,
    sandboxes: resolved.sandboxes,
    latencyMs: resolved.latencyMs,
    tokens: new TokenRegistry(resolved.tokenLifetimeSeconds),
    store: new ConnectionStore(firstClient.orgId),
    faults: new FaultQueue(),
    pageTokens: new PageTokens(),
    delays: new DelayScheduler(),
    log: [],
    counters: { seq: 0, tokenRequests: 0, tcpConnections: 0, requests: 0 },
  };

  const server = createServer(createRequestListener(runtime));
  // Longer than undici's default keep-alive so a benchmark reuses one socket instead of racing the server's close.
  server.keepAliveTimeout = 30_000;
  server.on("connection", () => {
    runtime.counters.tcpConnections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(resolved.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  const emulator: Emulator = {
    url,
    platformUrl: url,
    imsUrl: url,
    client: { ...firstClient },
    env: (sandboxName = "prod") => ({
      AEP_PLATFORM_URL: url,
      AEP_IMS_URL: url,
      AEP_CLIENT_ID: firstClient.clientId,
      AEP_CLIENT_SECRET: firstClient.clientSecret,
      AEP_ORG_ID: firstClient.orgId,
      AEP_SANDBOX_NAME: sandboxName,
    }),
    get requests(): readonly RecordedRequest[] {
      return runtime.log;
    },
    clearRequests: () => {
      runtime.log.splice(0, runtime.log.length);
    },
    store: runtime.store,
    inject: (fault) => runtime.faults.add(fault),
    clearFaults: () => runtime.faults.clear(),
    expireTokens: () => runtime.tokens.expireAll(),
    setLatency: (ms) => {
      runtime.latencyMs = checkNonNegativeInteger(ms, "latency");
    },
    stats: () => ({
      tokenRequests: runtime.counters.tokenRequests,
      tcpConnections: runtime.counters.tcpConnections,
      requests: runtime.counters.requests,
    }),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        runtime.delays.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
  return emulator;
}

interface ResolvedOptions {
  port: number;
  clients: EmulatorClientCredentials[];
  tokenLifetimeSeconds: number;
  latencyMs: number;
  defaultPageSize: number;
  maskSecrets: boolean;
  sandboxes: ReadonlySet<string> | undefined;
}

function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const port = checkNonNegativeInteger(options.port ?? 0, "port");
  if (port > 65535) throw new RangeError(`port must be at most 65535, got ${port}`);
  const defaultPageSize = checkNonNegativeInteger(options.defaultPageSize ?? 100, "defaultPageSize");
  if (defaultPageSize < 1) throw new RangeError("defaultPageSize must be at least 1");
  return {
    port,
    clients: options.clients ?? [newClientCredentials()],
    tokenLifetimeSeconds: checkNonNegativeInteger(options.tokenLifetimeSeconds ?? 86399, "tokenLifetimeSeconds"),
    latencyMs: checkNonNegativeInteger(options.latencyMs ?? 0, "latencyMs"),
    defaultPageSize,
    maskSecrets: options.maskSecrets ?? true,
    sandboxes: options.sandboxes === undefined ? undefined : new Set(options.sandboxes),
  };
}

function checkNonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * The emulator's public types. Its modules import these from here, never from index.ts, so that nothing imports
 * back the module that starts it.
 */
import type { FaultSpec } from "./faults";

export type { FaultSpec } from "./faults";

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


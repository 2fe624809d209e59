/** State shared by the request pipeline and the route handlers. */
import type { EmulatorClock } from "./clock";
import type { DataflowStore } from "./dataflow-store";
import type { EmulatorClientCredentials, RecordedRequest } from "./types";
import type { FaultQueue } from "./faults";
import type { DelayScheduler } from "./http";
import type { TokenRegistry } from "./ims";
import type { PageTokens } from "./listing";
import type { ConnectionStore } from "./store";

/** Base path of the Flow Service API, as on https://platform.adobe.io. */
export const FLOW_SERVICE_BASE_PATH = "/data/foundation/flowservice";
/** Path of the IMS OAuth server-to-server token endpoint. */
export const IMS_TOKEN_PATH = "/ims/token/v3";
/** Catalog Service and Data Prep share the platform host; their routes keep the service segment ("/catalog/..."). */
export const FOUNDATION_PATH = "/data/foundation";
export const CATALOG_ROUTE_PREFIX = "/catalog";
export const DATA_PREP_ROUTE_PREFIX = "/conversion";

export interface EmulatorRuntime {
  readonly clients: readonly EmulatorClientCredentials[];
  readonly maskSecrets: boolean;
  readonly defaultPageSize: number;
  readonly sandboxes: ReadonlySet<string> | undefined;
  latencyMs: number;
  readonly tokens: TokenRegistry;
  readonly store: ConnectionStore;
  readonly dataflows: DataflowStore;
  readonly clock: EmulatorClock;
  readonly faults: FaultQueue;
  readonly pageTokens: PageTokens;
  readonly delays: DelayScheduler;
  readonly log: RecordedRequest[];
  readonly counters: { seq: number; tokenRequests: number; tcpConnections: number; requests: number };
}

/** The request body as the handlers see it. */
export type RequestBody = { kind: "empty" } | { kind: "json"; value: unknown } | { kind: "invalid" };

/** One Flow Service request that passed the gateway and sandbox checks. */
export interface FlowCall {
  readonly runtime: EmulatorRuntime;
  readonly method: string;
  /** Route relative to the base path, trailing slash removed. */
  readonly route: string;
  readonly query: URLSearchParams;
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: RequestBody;
  /** The token's client. */
  readonly clientId: string;
  readonly orgId: string;
  readonly sandboxName: string;
}

/**
 * Local emulator of Adobe IMS (OAuth server-to-server tokens) and the AEP Flow Service base-connection API.
 *
 * It is an independent model of the API, written from Adobe's documentation
 * (see ../shared/reference/flow-service-api.md §12): it imports nothing from `provider/`, so a wrong spec id or
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
import { EmulatorClock } from "./clock";
import { DataflowStore } from "./dataflow-store";
import { FaultQueue } from "./faults";
import { DelayScheduler } from "./http";
import { newClientCredentials } from "./ids";
import { TokenRegistry } from "./ims";
import { PageTokens } from "./listing";
import { createRequestListener } from "./server";
import { ConnectionStore } from "./store";
import type { DocReadings, Emulator, EmulatorClientCredentials, EmulatorOptions, RecordedRequest } from "./types";

export type {
  DataflowAdmin,
  DocReadings,
  Emulator,
  EmulatorClientCredentials,
  EmulatorOptions,
  EmulatorStore,
  ExploreCatalogue,
  ExploreColumn,
  ExploreFile,
  ExploreTable,
  FaultSpec,
  FlowState,
  RecordedRequest,
  StoredConnection,
  StoredDataset,
  StoredFlow,
  StoredMappingSet,
  StoredRun,
  StoredSourceConnection,
  StoredTargetConnection,
  XdmSchema,
} from "./types";
export { BUILT_IN_SCHEMAS, CLOUD_STORAGE_TO_AEP_ID, CRM_TO_AEP_ID, DATA_LAKE_SPEC_ID } from "./dataflow-catalogue";

/** The reading served where the docs disagree, unless `EmulatorOptions.readings` says otherwise. */
export const DEFAULT_READINGS: Readonly<DocReadings> = {
  flowNotFoundStatus: 404,
  intervalMinimum: "flow-spec",
  runCreateResponse: "items",
  flowSpecTransformationsKey: "transformationSpec",
  scheduleEcho: "as-sent",
  filePreview: "flat",
  connectionInUseDelete: "refuse",
  mappingSetInUseDelete: "refuse",
  runEtagKey: "etag",
};

export { FLOW_SERVICE_BASE_PATH, IMS_TOKEN_PATH } from "./context";

/** Starts an emulator on 127.0.0.1 and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  const clients = resolved.clients.map((c) => ({ ...c }));
  const firstClient = clients[0];
  if (firstClient === undefined) throw new TypeError("EmulatorOptions.clients must not be empty");

  const clock = new EmulatorClock(options.clock);
  const store = new ConnectionStore(firstClient.orgId, () => clock.now());
  const runtime: EmulatorRuntime = {
    clients,
    maskSecrets: resolved.maskSecrets,
    defaultPageSize: resolved.defaultPageSize,
    sandboxes: resolved.sandboxes,
    latencyMs: resolved.latencyMs,
    tokens: new TokenRegistry(resolved.tokenLifetimeSeconds),
    store,
    clock,
    dataflows: new DataflowStore(clock, store, { ...DEFAULT_READINGS, ...options.readings }, resolved.runDurationMs),
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
    dataflows: runtime.dataflows,
    clock: {
      now: () => clock.now(),
      advance: (ms) => {
        clock.advance(ms);
        runtime.dataflows.tick();
      },
      set: (epochMs) => {
        clock.set(epochMs);
        runtime.dataflows.tick();
      },
    },
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
  runDurationMs: number;
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
    runDurationMs: checkNonNegativeInteger(options.runDurationMs ?? 60_000, "runDurationMs"),
  };
}

function checkNonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * Shared set-up of the client tests: an emulator, a client pointed at it, and a timeline of the requests the
 * client sent (recorded on the client side by an undici interceptor, because the emulator's log has no times).
 */
import { withMarker } from "../../provider/flow-service/identity";
import type { CreateOptions } from "../../provider/flow-service/connections";
import assert from "node:assert/strict";
import { Agent, type Dispatcher } from "undici";
import {
  FlowServiceClient,
  FlowServiceError,
  resolveSettings,
  type FlowServiceClientOptions,
  type FlowServiceSettings,
  type NewConnection,
} from "../../provider/flow-service";
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from "../../emulator";

/** Fast retries so tests exercise the policy without waiting for production delays. */
export const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 40, maxElapsedMs: 10_000 };

export const SQL_SERVER_SPEC_ID = "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec";
export const ADLS_SPEC_ID = "b3ba5556-48be-44b7-8b85-ff2b69b46dc4";

/** A valid SQL Server create body whose connection string carries a recognisable password. */
export function sqlServerConnection(name: string, password = "Sup3r-Secret-Pw"): NewConnection {
  return {
    name,
    description: `${name} (test)`,
    auth: {
      specName: "Connection String Based Authentication",
      params: {
        connectionString: `Data Source=sql.example.net;Initial Catalog=sales;Integrated Security=False;User ID=loader;Password=${password};`,
      },
    },
    connectionSpec: { id: SQL_SERVER_SPEC_ID, version: "1.0" },
  };
}

export function settingsFor(emulator: Emulator, explicit: Partial<FlowServiceSettings> = {}): FlowServiceSettings {
  return resolveSettings(explicit, emulator.env());
}

/** One request as the client sent it, with the client-side time it was dispatched. */
export interface TimedRequest {
  at: number;
  method: string;
  path: string;
}

/** An Agent that records when each request is dispatched. Close it after the test (closes the Agent). */
export function timelineAgent(timeline: TimedRequest[]): Dispatcher {
  return new Agent().compose((dispatch) => (options, handler) => {
    timeline.push({ at: Date.now(), method: options.method, path: options.path });
    return dispatch(options, handler);
  });
}

/** Flow Service requests of the emulator log, optionally only one method / route. */
export function flowRequests(emulator: Emulator, method?: string, route?: string): RecordedRequest[] {
  return emulator.requests.filter(
    (r) => r.kind === "flow" && (method === undefined || r.method === method) && (route === undefined || r.route === route),
  );
}

/** Starts an emulator and a client for it; `close()` stops both. */
export async function startWithClient(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: FlowServiceClientOptions = {},
): Promise<{ emulator: Emulator; client: FlowServiceClient; close: () => Promise<void> }> {
  const emulator = await startEmulator(emulatorOptions);
  const client = new FlowServiceClient(settingsFor(emulator), { retry: FAST_RETRY, ...clientOptions });
  return { emulator, client, close: () => emulator.close() };
}

/** The rejection of a promise that must fail with a FlowServiceError. */
export async function flowServiceError(promise: Promise<unknown>): Promise<FlowServiceError> {
  const error = await promise.then(
    (value: unknown) => assert.fail(`expected a FlowServiceError, got ${JSON.stringify(value)}`),
    (caught: unknown) => caught,
  );
  assert.ok(FlowServiceError.isInstance(error), `expected a FlowServiceError, got ${String(error)}`);
  return error;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/**
 * Mocha hooks for a suite sharing one emulator and one client: started before the suite, reset before each test
 * (store, faults, request log), closed after it. Read `suite.emulator` and `suite.client` inside the tests.
 */
export function sharedEmulatorAndClient(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: FlowServiceClientOptions = {},
): { readonly emulator: Emulator; readonly client: FlowServiceClient } {
  let started: { emulator: Emulator; client: FlowServiceClient; close: () => Promise<void> } | undefined;
  const current = () => {
    if (started === undefined) throw new Error("the shared emulator is only there inside the suite's tests");
    return started;
  };
  before(async () => {
    started = await startWithClient(emulatorOptions, clientOptions);
  });
  after(async () => {
    await started?.close();
  });
  beforeEach(() => {
    const { emulator } = current();
    emulator.store.clear();
    emulator.clearFaults();
    emulator.clearRequests();
  });
  return {
    get emulator() {
      return current().emulator;
    },
    get client() {
      return current().client;
    },
  };
}

/** The identity key the create tests use, and a second one standing for another stack's resource. */
export const OUR_KEY = "0123456789abcdef";
export const OTHER_STACK_KEY = "fedcba9876543210";

/** `body` as a provider sends it for a resource with `key`: the marker at the end of the description. */
export function identified(body: NewConnection, key = OUR_KEY): { body: NewConnection; options: CreateOptions } {
  return { body: { ...body, description: withMarker(body.description, key) }, options: { identity: { key } } };
}

/**
 * Shared set-up of the client's dataflow tests: one emulator and one client per suite, every store, fault, request
 * log and the emulator clock reset before each test, and builders for each link of the chain made through the
 * client (base connection → source connection → dataset → target connection → mapping set → flow). Spec ids and
 * the schema id are written out in tests/emulator/dataflow-support.ts, not taken from the emulator or the client.
 */
import assert from "node:assert/strict";
import {
  dataLakeTargetConnection,
  FlowServiceClient,
  withMarker,
  type FlowServiceClientOptions,
  type NewFlow,
  type NewMappingSet,
  type NewSourceConnection,
  type SafeCreateOptions,
} from "../../provider/flow-service";
import { startEmulator, type Emulator, type EmulatorOptions, type RecordedRequest } from "../../emulator";
import { seedBody } from "../fixtures/seed-requests";
import { CLOUD_STORAGE_TO_AEP, CRM_TO_AEP, SCHEMA_ID, SOURCE_OBJECT, SPEC_IDS, type SourceKey } from "../emulator/dataflow-support";
import { FAST_RETRY, OUR_KEY, settingsFor } from "./harness";

export { CLOUD_STORAGE_TO_AEP, CRM_TO_AEP, DATA_LAKE, SCHEMA_ID, SPEC_IDS, type SourceKey } from "../emulator/dataflow-support";
export { OTHER_STACK_KEY, OUR_KEY } from "./harness";

/** One emulator and client for the describe block it is called in; everything is reset before each test. */
export function sharedDataflowClient(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: FlowServiceClientOptions = {},
): { readonly emulator: Emulator; readonly client: FlowServiceClient } {
  let emulator: Emulator | undefined;
  let client: FlowServiceClient | undefined;
  before(async () => {
    emulator = await startEmulator(emulatorOptions);
    client = new FlowServiceClient(settingsFor(emulator), { retry: FAST_RETRY, ...clientOptions });
  });
  after(() => emulator?.close());
  beforeEach(() => {
    emulator!.store.clear();
    emulator!.dataflows.clear();
    emulator!.clearFaults();
    emulator!.clearRequests();
    emulator!.clock.set(Date.now());
  });
  return {
    get emulator(): Emulator {
      if (emulator === undefined) throw new Error("only inside the suite's tests");
      return emulator;
    },
    get client(): FlowServiceClient {
      if (client === undefined) throw new Error("only inside the suite's tests");
      return client;
    },
  };
}

/** Requests of the emulator log to `route` (Flow Service routes relative to its base; `/catalog/…`, `/conversion/…`). */
export function requestsTo(emulator: Emulator, method: string, route: string | RegExp): RecordedRequest[] {
  return emulator.requests.filter((r) => r.method === method && (typeof route === "string" ? r.route === route : route.test(r.route)));
}

/** `{identity}` options and the same text with our marker, as a provider sends them. */
export function marked(text: string | undefined, key = OUR_KEY): { text: string; options: SafeCreateOptions } {
  return { text: withMarker(text, key), options: { identity: { key } } };
}

export async function baseConnection(client: FlowServiceClient, source: SourceKey = "sql-server"): Promise<string> {
  return (await client.createConnection(seedBody(source === "synapse" ? "synapse-connection-string" : source))).id;
}

export function sourceBody(source: SourceKey, baseConnectionId: string, name = `${source} source`, description?: string): NewSourceConnection {
  const connectionSpec = { id: SPEC_IDS[source], version: "1.0" };
  const body: NewSourceConnection =
    source === "adls-gen2"
      ? { name, baseConnectionId, connectionSpec, data: { format: "delimited", properties: { columnDelimiter: "," } }, params: { path: SOURCE_OBJECT[source], type: "file" } }
      : { name, baseConnectionId, connectionSpec, data: { format: "tabular" }, params: { tableName: SOURCE_OBJECT[source] } };
  if (description !== undefined) body.description = description;
  return body;
}

export function datasetBody(name = "Orders", description?: string): { name: string; description?: string; schemaRef: { id: string; contentType: string } } {
  return { name, ...(description === undefined ? {} : { description }), schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed+json;version=1" } };
}

export function mappingSetBody(source: SourceKey = "sql-server", name?: string): NewMappingSet {
  const idColumn = source === "table-storage" ? "RowKey" : "id";
  return {
    ...(name === undefined ? {} : { name }),
    outputSchema: { schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed-full+json;version=1" } },
    mappings: [
      { sourceType: "ATTRIBUTE", source: idColumn, destination: "_id" },
      { sourceType: "ATTRIBUTE", source: "updated_at", destination: "_acmeemulator.updatedAt" },
    ],
  };
}

/** Every object a flow needs, made through the client. */
export interface Chain {
  source: SourceKey;
  base: string;
  sourceConnectionId: string;
  dataSetId: string;
  targetConnectionId: string;
  mapping: { id: string; version: number };
}

export async function chain(client: FlowServiceClient, source: SourceKey = "sql-server"): Promise<Chain> {
  const base = await baseConnection(client, source);
  const sourceConnectionId = (await client.createSourceConnection(sourceBody(source, base))).id;
  const dataSetId = (await client.createDataset(datasetBody())).id;
  const targetConnectionId = (await client.createTargetConnection(dataLakeTargetConnection({ name: "Data Lake", schemaId: SCHEMA_ID, dataSetId }))).id;
  const created = await client.createMappingSet(mappingSetBody(source));
  return { source, base, sourceConnectionId, dataSetId, targetConnectionId, mapping: { id: created.id, version: created.version } };
}

export function flowBody(c: Chain, schedule: NewFlow["scheduleParams"] = { startTime: 1_900_000_000, frequency: "hour", interval: 1 }, name = `${c.source} flow`): NewFlow {
  const mapping = { name: "Mapping" as const, params: { mappingId: c.mapping.id, mappingVersion: c.mapping.version } };
  const copy = { name: "Copy" as const, params: { deltaColumn: { name: "updated_at", dateFormat: "YYYY-MM-DD", timezone: "UTC" } } };
  return {
    name,
    flowSpec: { id: c.source === "adls-gen2" ? CLOUD_STORAGE_TO_AEP : CRM_TO_AEP, version: "1.0" },
    sourceConnectionIds: [c.sourceConnectionId],
    targetConnectionIds: [c.targetConnectionId],
    transformations: c.source === "adls-gen2" ? [mapping] : [copy, mapping],
    scheduleParams: schedule,
  };
}

/** The rejection of a promise that must fail, checked to be of `type` (a class with a brand check). */
export async function rejection<E>(promise: Promise<unknown>, type: { isInstance(e: unknown): e is E; name: string }): Promise<E> {
  const error = await promise.then(
    (value: unknown) => assert.fail(`expected a ${type.name}, got ${JSON.stringify(value)}`),
    (caught: unknown) => caught,
  );
  assert.ok(type.isInstance(error), `expected a ${type.name}, got ${String(error)}`);
  return error;
}

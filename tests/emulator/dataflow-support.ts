/**
 * Builders for the emulator's dataflow specs: each posts one object the way Adobe's tutorials do and fails loudly
 * otherwise. Ids and names are written out here (not taken from the emulator) so that a wrong one in the emulator
 * fails a test.
 */
import { seedBody } from "../fixtures/seed-requests";
import { startEmulator, type Emulator } from "../../emulator/index";
import { FlowApi, http, type HttpResult } from "./support";

export const DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
export const CRM_TO_AEP = "14518937-270c-4525-bdec-c2ba7cce3860";
export const CLOUD_STORAGE_TO_AEP = "9753525b-82c7-4dce-8a9b-5ccfce2b9876";
export const SPEC_IDS = {
  synapse: "a49bcc7d-8038-43af-b1e4-5a7a089a7d79",
  "sql-server": "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
  "adls-gen2": "b3ba5556-48be-44b7-8b85-ff2b69b46dc4",
  "table-storage": "ecde33f2-c56f-46cc-bdea-ad151c16cd69",
  databricks: "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b",
} as const;
export type SourceKey = keyof typeof SPEC_IDS;
export const SOURCES: readonly SourceKey[] = ["synapse", "sql-server", "adls-gen2", "table-storage", "databricks"];
/** The emulator's built-in schema (emulator/README.md). */
export const SCHEMA_ID = "https://ns.adobe.com/acmeemulator/schemas/3a1b4f0c5d6e7f8091a2b3c4d5e6f708";
export const CATALOG = "/data/foundation/catalog";
export const CONVERSION = "/data/foundation/conversion";

/** The built-in table (tabular sources) or file (ADLS Gen2) each source's flow reads. */
export const SOURCE_OBJECT: Readonly<Record<SourceKey, string>> = {
  synapse: "sales.orders",
  "sql-server": "dbo.orders",
  "adls-gen2": "/acme-customers/customers.csv",
  "table-storage": "orders",
  databricks: "default.orders",
};

/** Sends to a platform path outside Flow Service (Catalog, Data Prep) with the same headers. */
export async function platform(api: FlowApi, method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<HttpResult> {
  const headers: Record<string, string> = api.defaultHeaders();
  if (body !== undefined) headers["content-type"] = "application/json";
  return http(`${api.emulator.platformUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

function expect(result: HttpResult, status: number, what: string): unknown {
  if (result.status !== status) throw new Error(`${what}: expected ${status}, got ${result.status} ${result.text}`);
  return result.json;
}

export async function baseConnection(api: FlowApi, source: SourceKey): Promise<string> {
  return (await api.create(seedBody(source === "synapse" ? "synapse-connection-string" : source))).id;
}

export function sourceBody(source: SourceKey, baseConnectionId: string, name = `${source} source`): Record<string, unknown> {
  const connectionSpec = { id: SPEC_IDS[source], version: "1.0" };
  if (source === "adls-gen2") {
    return {
      name,
      baseConnectionId,
      connectionSpec,
      data: { format: "delimited", properties: { columnDelimiter: "," } },
      params: { path: SOURCE_OBJECT[source], type: "file" },
    };
  }
  return { name, baseConnectionId, connectionSpec, data: { format: "tabular" }, params: { tableName: SOURCE_OBJECT[source] } };
}

export async function sourceConnection(api: FlowApi, source: SourceKey, baseConnectionId?: string): Promise<string> {
  const base = baseConnectionId ?? (await baseConnection(api, source));
  return (expect(await api.call("POST", "/sourceConnections", { body: sourceBody(source, base) }), 201, "source connection") as { id: string }).id;
}

export async function dataset(api: FlowApi, schemaId = SCHEMA_ID): Promise<string> {
  const body = { name: "Orders", schemaRef: { id: schemaId, contentType: "application/vnd.adobe.xed+json;version=1" } };
  const [ref] = expect(await platform(api, "POST", `${CATALOG}/dataSets`, body), 201, "dataset") as string[];
  return String(ref).replace("@/dataSets/", "");
}

export function targetBody(dataSetId: string, schemaId = SCHEMA_ID): Record<string, unknown> {
  return {
    name: "Data Lake target",
    connectionSpec: { id: DATA_LAKE, version: "1.0" },
    data: { schema: { id: schemaId, version: "application/vnd.adobe.xed-full+json;version=1" } },
    params: { dataSetId },
  };
}

export async function targetConnection(api: FlowApi, dataSetId?: string): Promise<string> {
  const id = dataSetId ?? (await dataset(api));
  return (expect(await api.call("POST", "/targetConnections", { body: targetBody(id) }), 201, "target connection") as { id: string }).id;
}

export function mappingBody(source: SourceKey = "sql-server"): Record<string, unknown> {
  const idColumn = source === "table-storage" ? "RowKey" : "id";
  return {
    outputSchema: { schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed-full+json;version=1" } },
    mappings: [
      { sourceType: "ATTRIBUTE", source: idColumn, destination: "_id" },
      { sourceType: "ATTRIBUTE", source: "updated_at", destination: "_acmeemulator.updatedAt" },
    ],
  };
}

export async function mappingSet(api: FlowApi, source: SourceKey = "sql-server"): Promise<{ id: string; version: number }> {
  const created = expect(await platform(api, "POST", `${CONVERSION}/mappingSets`, mappingBody(source)), 200, "mapping set") as { id: string; version: number };
  return { id: created.id, version: created.version };
}

export interface Chain {
  base: string;
  source: string;
  target: string;
  dataSetId: string;
  mapping: { id: string; version: number };
}

export async function chain(api: FlowApi, source: SourceKey = "sql-server"): Promise<Chain> {
  const base = await baseConnection(api, source);
  const sourceId = await sourceConnection(api, source, base);
  const dataSetId = await dataset(api);
  const target = await targetConnection(api, dataSetId);
  return { base, source: sourceId, target, dataSetId, mapping: await mappingSet(api, source) };
}

export function flowBody(c: Chain, source: SourceKey = "sql-server", schedule: Record<string, unknown> = { startTime: 1_900_000_000, frequency: "hour", interval: 1 }): Record<string, unknown> {
  const mapping = { name: "Mapping", params: { mappingId: c.mapping.id, mappingVersion: c.mapping.version } };
  const copy = { name: "Copy", params: { deltaColumn: { name: "updated_at", dateFormat: "YYYY-MM-DD", timezone: "UTC" } } };
  return {
    name: `${source} flow`,
    flowSpec: { id: source === "adls-gen2" ? CLOUD_STORAGE_TO_AEP : CRM_TO_AEP, version: "1.0" },
    sourceConnectionIds: [c.source],
    targetConnectionIds: [c.target],
    transformations: source === "adls-gen2" ? [mapping] : [copy, mapping],
    scheduleParams: schedule,
  };
}

export async function flow(api: FlowApi, c: Chain, source: SourceKey = "sql-server", schedule?: Record<string, unknown>): Promise<{ id: string; etag: string }> {
  return expect(await api.call("POST", "/flows", { body: flowBody(c, source, schedule) }), 201, "flow") as { id: string; etag: string };
}

export async function readItem(api: FlowApi, route: string): Promise<Record<string, unknown>> {
  const json = expect(await api.call("GET", route), 200, `GET ${route}`) as { items: Record<string, unknown>[] };
  const [item] = json.items;
  if (item === undefined) throw new Error(`GET ${route}: no item`);
  return item;
}

/**
 * One emulator and API client for the describe block it is called in; after each test every store is emptied, the
 * faults dropped and the emulator clock put back to now.
 */
export function sharedDataflowEmulator(): { readonly emulator: Emulator; readonly api: FlowApi } {
  let emulator: Emulator | undefined;
  let api: FlowApi | undefined;
  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator?.close());
  afterEach(() => {
    emulator!.store.clear();
    emulator!.dataflows.clear();
    emulator!.clearFaults();
    emulator!.clock.set(Date.now());
  });
  return {
    get emulator(): Emulator {
      return emulator!;
    },
    get api(): FlowApi {
      return api!;
    },
  };
}

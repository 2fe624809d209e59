/**
 * The emulator's own catalogue for everything after the base connection, transcribed from
 * ../shared/reference/dataflows.md (§7.1 flow specs, §5 the Data Lake target, §9 the five sources) and Adobe's
 * OpenAPI example of `POST /flowSpecs`. Like catalogue.ts it imports nothing from `provider/`, so a wrong flow spec
 * id in the provider fails a test instead of agreeing with itself.
 *
 * Also the built-in data the docs leave to each organization: a small XDM schema to validate mapping sets against,
 * and per source a few tables or files that explore serves.
 */
import { CONNECTION_SPECS } from "./catalogue";

/** The Data Lake target connection spec: "the fixed connection spec ID associated to the Data Lake". */
export const DATA_LAKE_SPEC_ID = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";
export const CRM_TO_AEP_ID = "14518937-270c-4525-bdec-c2ba7cce3860";
export const CLOUD_STORAGE_TO_AEP_ID = "9753525b-82c7-4dce-8a9b-5ccfce2b9876";
const PROVIDER_ID = "0ed90a81-07f4-4586-8190-b40eccef1c5a";
const JSON_SCHEMA_DRAFT_07 = "http://json-schema.org/draft-07/schema#";

export const SYNAPSE_SPEC_ID = "a49bcc7d-8038-43af-b1e4-5a7a089a7d79";
export const SQL_SERVER_SPEC_ID = "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec";
export const ADLS_GEN2_SPEC_ID = "b3ba5556-48be-44b7-8b85-ff2b69b46dc4";
export const TABLE_STORAGE_SPEC_ID = "ecde33f2-c56f-46cc-bdea-ad151c16cd69";
export const DATABRICKS_SPEC_ID = "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b";

/** Tabular sources read tables (`data.format: tabular`); ADLS Gen2 reads files. */
export function isCloudStorageSpec(connectionSpecId: string): boolean {
  return CONNECTION_SPECS.find((spec) => spec.id === connectionSpecId)?.attributes.category === "Cloud Storage";
}

/** Which transformation a flow spec requires; `Copy` carries the delta column of the table sources. */
export type TransformationName = "Copy" | "Mapping";

export interface FlowSpec {
  id: string;
  name: "CRMToAEP" | "CloudStorageToAEP";
  providerId: string;
  version: string;
  sourceConnectionSpecIds: string[];
  targetConnectionSpecIds: string[];
  transformations: TransformationName[];
  /** Rendered flow spec document (field order as in Adobe's examples). */
  document(transformationsKey: "transformationSpec" | "transformationSpecs"): Record<string, unknown>;
}

/** `scheduleSpec` of both flow specs, verbatim from the OpenAPI example (the rules schedule.ts enforces). */
const SCHEDULE_SPEC = {
  name: "PeriodicSchedule",
  type: "Periodic",
  spec: {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: "object",
    properties: {
      startTime: { description: "epoch time", type: "integer" },
      frequency: { type: "string", enum: ["once", "minute", "hour", "day", "week"] },
      interval: { type: "integer" },
      backfill: { type: "boolean", default: true },
    },
    required: ["startTime", "frequency"],
    if: { properties: { frequency: { const: "once" } } },
    then: { allOf: [{ not: { required: ["interval"] } }, { not: { required: ["backfill"] } }] },
    else: {
      required: ["interval"],
      if: { properties: { frequency: { const: "minute" } } },
      then: { properties: { interval: { minimum: 15 } } },
      else: { properties: { interval: { minimum: 1 } } },
    },
  },
};

const OPTION_SPEC = {
  name: "OptionSpec",
  spec: {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: "object",
    properties: {
      errorDiagnosticsEnabled: { title: "Error diagnostics.", description: "Flag to enable detailed and sample error diagnostics summary.", type: "boolean", default: false },
      partialIngestionPercent: {
        title: "Partial ingestion threshold.",
        description: "Percentage which defines the threshold of errors allowed before the run is marked as failed.",
        type: "number",
        exclusiveMinimum: 0,
      },
    },
  },
};

const MAPPING_TRANSFORMATION = {
  name: "Mapping",
  spec: {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: "object",
    description: "defines various params required for different mapping from source to target",
    properties: { mappingId: { type: "string" }, mappingVersion: { type: "string" } },
  },
};

const COPY_TRANSFORMATION = {
  name: "Copy",
  spec: {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: "object",
    properties: {
      deltaColumn: {
        type: "object",
        properties: { name: { type: "string" }, dateFormat: { type: "string" }, timezone: { type: "string" } },
        required: ["name"],
      },
    },
    required: ["deltaColumn"],
  },
};

function runSpec(required: string[]): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    startTime: { description: "epoch time in seconds", type: "integer" },
    windowStartTime: { description: "epoch time in seconds", type: "integer" },
    windowEndTime: { description: "epoch time in seconds", type: "integer" },
  };
  if (required.includes("deltaColumn")) {
    properties["deltaColumn"] = { type: "object", properties: { name: { type: "string" } }, required: ["name"] };
  }
  return { name: "ProviderParams", spec: { $schema: JSON_SCHEMA_DRAFT_07, type: "object", properties, required } };
}

const PERMISSIONS = {
  view: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["read"] }],
  manage: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["write"] }],
};

function flowSpec(
  id: string,
  name: FlowSpec["name"],
  sourceConnectionSpecIds: string[],
  transformations: TransformationName[],
  attributes: Record<string, unknown>,
  runRequired: string[],
): FlowSpec {
  return {
    id,
    name,
    providerId: PROVIDER_ID,
    version: "1.0",
    sourceConnectionSpecIds,
    targetConnectionSpecIds: [DATA_LAKE_SPEC_ID],
    transformations,
    document: (transformationsKey) => ({
      id,
      name,
      providerId: PROVIDER_ID,
      version: "1.0",
      attributes,
      sourceConnectionSpecIds: [...sourceConnectionSpecIds],
      targetConnectionSpecIds: [DATA_LAKE_SPEC_ID],
      permissionsInfo: PERMISSIONS,
      optionSpec: OPTION_SPEC,
      [transformationsKey]: transformations.map((t) => (t === "Copy" ? COPY_TRANSFORMATION : MAPPING_TRANSFORMATION)),
      scheduleSpec: SCHEDULE_SPEC,
      runSpec: runSpec(runRequired),
    }),
  };
}

/**
 * The two flow specs our sources use. Only our five source specs are listed in `sourceConnectionSpecIds` (Adobe's
 * lists hold many more); Databricks is in CRMToAEP as in TPL's list.
 */
export const FLOW_SPECS: readonly FlowSpec[] = [
  flowSpec(
    CRM_TO_AEP_ID,
    "CRMToAEP",
    [SQL_SERVER_SPEC_ID, SYNAPSE_SPEC_ID, TABLE_STORAGE_SPEC_ID, DATABRICKS_SPEC_ID],
    ["Copy", "Mapping"],
    {
      isSourceFlow: true,
      flacValidationSupported: true,
      frequency: "batch",
      isDraftModeSupported: true,
      notification: { category: "sources", flowRun: { enabled: true } },
      recordTypeEnabled: true,
      defaultRecordType: "profile",
    },
    ["startTime", "windowStartTime", "windowEndTime", "deltaColumn"],
  ),
  flowSpec(
    CLOUD_STORAGE_TO_AEP_ID,
    "CloudStorageToAEP",
    [ADLS_GEN2_SPEC_ID],
    ["Mapping"],
    { isSourceFlow: true, flacValidationSupported: true, frequency: "batch", notification: { category: "sources", flowRun: { enabled: true } } },
    ["startTime", "windowStartTime", "windowEndTime"],
  ),
];

export function findFlowSpec(id: string): FlowSpec | undefined {
  return FLOW_SPECS.find((spec) => spec.id === id);
}

// ---- XDM schemas (Schema Registry stays out of scope: a fixed set, plus what tests register) ----

export type XdmType = "string" | "number" | "integer" | "boolean" | "object";

/** A schema as the emulator needs it: its `$id` and the leaf paths a mapping may write to. */
export interface XdmSchema {
  id: string;
  title: string;
  /** Dotted paths to their XDM types, e.g. `person.name.firstName` → `string`. Objects are listed too. */
  fields: Record<string, XdmType>;
}

/** Tenant id of the built-in schemas (an XDM `$id` names its tenant). */
export const BUILT_IN_TENANT = "acmeemulator";

/** A small profile-and-orders schema: enough for every built-in table and file to be mapped. */
export const BUILT_IN_SCHEMAS: readonly XdmSchema[] = [
  {
    id: `https://ns.adobe.com/${BUILT_IN_TENANT}/schemas/3a1b4f0c5d6e7f8091a2b3c4d5e6f708`,
    title: "Emulator customer orders",
    fields: {
      _id: "string",
      timestamp: "string",
      person: "object",
      "person.name": "object",
      "person.name.firstName": "string",
      "person.name.lastName": "string",
      "person.name.fullName": "string",
      personalEmail: "object",
      "personalEmail.address": "string",
      [`_${BUILT_IN_TENANT}`]: "object",
      [`_${BUILT_IN_TENANT}.customerId`]: "string",
      [`_${BUILT_IN_TENANT}.orderId`]: "string",
      [`_${BUILT_IN_TENANT}.amount`]: "number",
      [`_${BUILT_IN_TENANT}.isGift`]: "boolean",
      [`_${BUILT_IN_TENANT}.updatedAt`]: "string",
      [`_${BUILT_IN_TENANT}.region`]: "string",
    },
  },
];

// ---- explore: per source, a few tables or files ----

/** A column as explore returns it (also what goes into a source connection's `params.columns`). */
export interface ExploreColumn {
  name: string;
  type: string;
  "meta:xdmType"?: string;
  xdm: { type: string; format?: string };
}

export type SampleRow = Record<string, string | number | boolean | null>;

export interface ExploreTable {
  kind: "table";
  name: string;
  /** What goes into `params.tableName`. */
  path: string;
  columns: ExploreColumn[];
  rows: SampleRow[];
}

export interface ExploreFile {
  kind: "file";
  /** Full path from the container root, e.g. "/acme-customers/customers.csv". */
  path: string;
  format: "delimited" | "json" | "parquet";
  columnDelimiter?: string;
  columns: ExploreColumn[];
  rows: SampleRow[];
}

/** What explore serves for one connection: tables (tabular sources) or files (folders are implied by paths). */
export type ExploreCatalogue = { kind: "tables"; tables: ExploreTable[] } | { kind: "files"; files: ExploreFile[] };

export const column = {
  string: (name: string): ExploreColumn => ({ name, type: "string", xdm: { type: "string" } }),
  double: (name: string): ExploreColumn => ({ name, type: "double", xdm: { type: "number" } }),
  boolean: (name: string): ExploreColumn => ({ name, type: "boolean", xdm: { type: "boolean" } }),
  dateTime: (name: string): ExploreColumn => ({ name, type: "string", "meta:xdmType": "date-time", xdm: { type: "string", format: "date-time" } }),
};

const ORDER_ROWS: SampleRow[] = [
  { id: "o-1001", customer_id: "c-1", amount: 42.5, is_gift: false, updated_at: "2026-01-05 10:00:00" },
  { id: "o-1002", customer_id: "c-2", amount: 19.99, is_gift: true, updated_at: "2026-01-06 11:30:00" },
];
const CUSTOMER_ROWS: SampleRow[] = [
  { id: "c-1", email: "ada@example.com", first_name: "Ada", last_name: "Lovelace", updated_at: "2026-01-02 09:00:00" },
  { id: "c-2", email: "alan@example.com", first_name: "Alan", last_name: "Turing", updated_at: "2026-01-03 09:15:00" },
];
const ORDER_COLUMNS = [column.string("id"), column.string("customer_id"), column.double("amount"), column.boolean("is_gift"), column.dateTime("updated_at")];
const CUSTOMER_COLUMNS = [column.string("id"), column.string("email"), column.string("first_name"), column.string("last_name"), column.dateTime("updated_at")];

function tables(prefix: string, names: { orders: string; customers: string }): ExploreCatalogue {
  return {
    kind: "tables",
    tables: [
      { kind: "table", name: names.orders, path: `${prefix}${names.orders}`, columns: ORDER_COLUMNS, rows: ORDER_ROWS },
      { kind: "table", name: names.customers, path: `${prefix}${names.customers}`, columns: CUSTOMER_COLUMNS, rows: CUSTOMER_ROWS },
    ],
  };
}

/**
 * The built-in catalogue per source. Table paths follow each engine's usual naming (schema.table for SQL Server and
 * Synapse, database.table for Databricks, bare table names for Table Storage), which the docs do not fix; clients
 * must use explore's `path` verbatim anyway. Table Storage rows carry its system columns.
 */
export function builtInCatalogue(connectionSpecId: string): ExploreCatalogue {
  switch (connectionSpecId) {
    case SQL_SERVER_SPEC_ID:
      return tables("dbo.", { orders: "orders", customers: "customers" });
    case SYNAPSE_SPEC_ID:
      return tables("sales.", { orders: "orders", customers: "customers" });
    case DATABRICKS_SPEC_ID:
      return tables("default.", { orders: "orders", customers: "customers" });
    case TABLE_STORAGE_SPEC_ID:
      return {
        kind: "tables",
        tables: [
          {
            kind: "table",
            name: "orders",
            path: "orders",
            columns: [column.string("PartitionKey"), column.string("RowKey"), column.dateTime("Timestamp"), ...ORDER_COLUMNS.slice(1)],
            rows: ORDER_ROWS.map((row, i) => ({ PartitionKey: "2026", RowKey: String(row["id"]), Timestamp: `2026-01-0${i + 5}T10:00:00Z`, ...row })),
          },
        ],
      };
    case ADLS_GEN2_SPEC_ID:
      return {
        kind: "files",
        files: [
          { kind: "file", path: "/acme-customers/customers.csv", format: "delimited", columnDelimiter: ",", columns: CUSTOMER_COLUMNS.map((c) => column.string(c.name)), rows: CUSTOMER_ROWS },
          { kind: "file", path: "/acme-customers/orders/2026-01.json", format: "json", columns: ORDER_COLUMNS, rows: ORDER_ROWS },
          { kind: "file", path: "/acme-customers/orders/2026-02.parquet", format: "parquet", columns: ORDER_COLUMNS, rows: ORDER_ROWS },
        ],
      };
    default:
      return { kind: "tables", tables: [] };
  }
}

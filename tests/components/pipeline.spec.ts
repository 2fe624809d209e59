/**
 * `Pipeline` and every source component's `ingest()` under `pulumi.runtime.setMocks`: what they register (one source
 * connection, target connection, mapping set and dataflow, children of one `aep:azure:Pipeline`, named like it), the
 * inputs each child gets on the wire, the pipeline's outputs, and the argument errors a user sees at preview.
 *
 * The mocks answer with realistic ids (24 hex digits for a dataset, 32 for a mapping set, GUIDs otherwise) so the
 * component's own id checks see what AEP returns.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

interface Registration {
  type: string;
  name: string;
  /** URN of the parent, "" for none. */
  parent: string;
  /** The inputs as the SDK put them on the wire (secrets still wrapped). */
  inputs: Record<string, unknown>;
  id: string;
}

let registrations: Registration[] = [];

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: { prototype: { registerResource(req: WireRequest, callback: unknown): Promise<void> } };
};
interface WireRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
}

const DYNAMIC = "pulumi-nodejs:dynamic/aep:";
const SCHEMA_ID = "https://ns.adobe.com/acmeemulator/schemas/3a1b4f0c5d6e7f8091a2b3c4d5e6f708";

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** The id AEP would give an object of `type` named `name`: deterministic, so a test can predict it. */
function idOf(type: string, name: string): string {
  const seed = `${type}::${name}`;
  if (type === `${DYNAMIC}Dataset`) return hex(seed, 24);
  if (type === `${DYNAMIC}MappingSet`) return hex(seed, 32);
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the providers add to their inputs as outputs. */
function outputsOf(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type.slice(DYNAMIC.length)) {
    case "MappingSet":
      return { version: 0 };
    case "Dataflow":
      return { state: inputs["enabled"] === false ? "disabled" : "enabled", etag: '"1"', flowSpecId: "flow-spec" };
    default:
      return { state: "enabled", etag: '"1"' };
  }
}

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    const id = idOf(args.type, args.name);
    return { id, state: { ...(args.inputs as Record<string, unknown>), ...outputsOf(args.type, args.inputs as Record<string, unknown>) } };
  },
  call(args) {
    return args.inputs;
  },
};

const registerResource = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: unknown, req: WireRequest, callback: unknown) {
  registrations.push({
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    inputs: req.getObject().toJavaScript(),
    id: idOf(req.getType(), req.getName()),
  });
  return registerResource.call(this, req, callback);
};

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
function reveal(value: unknown): unknown {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG ? (value as { value: unknown }).value : value;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const components = require("../../components") as typeof import("../../components");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provider = require("../../provider") as typeof import("../../provider");

async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** The value of an output (every output is known under these mocks). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise<T>((resolve) => output.apply((value) => resolve(value)));
}

const principal = { tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47", servicePrincipalId: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456" };
const schedule = { frequency: "hour", interval: 1, startTime: "2027-01-04T06:00:00Z" } as const;
const mappings = [
  { source: "id", destination: "_acmeemulator.orderId" },
  { source: "customer_id", destination: "_acmeemulator.customerId" },
];
const existingDataset = { datasetId: "6019e0e7c5dcf718db5ebc71", schemaId: SCHEMA_ID };

type AnySource = InstanceType<
  | typeof import("../../components").SynapseConnection
  | typeof import("../../components").SqlServerConnection
  | typeof import("../../components").AdlsGen2Connection
  | typeof import("../../components").TableStorageConnection
  | typeof import("../../components").DatabricksConnection
>;

/** The five source components, each with the sandbox it declares, and a table or files it can read. */
const SOURCES: { key: string; type: string; make(name: string, sandboxName?: string): AnySource; reads: Record<string, unknown> }[] = [
  {
    key: "synapse",
    type: "aep:azure:SynapseConnection",
    make: (name, sandboxName) =>
      new components.SynapseConnection(name, { sandboxName, sqlLogin: { server: "acme.sql.azuresynapse.net", database: "SalesDW", user: "loader", password: "pw" } }),
    reads: { table: "sales.orders", deltaColumn: "updated_at" },
  },
  {
    key: "sql-server",
    type: "aep:azure:SqlServerConnection",
    make: (name, sandboxName) => new components.SqlServerConnection(name, { sandboxName, sqlLogin: { server: "db.contoso.com", database: "Orders", user: "aep", password: "pw" } }),
    reads: { table: "dbo.orders", deltaColumn: { name: "updated_at", dateFormat: "yyyy-MM-dd HH:mm:ss" } },
  },
  {
    key: "adls-gen2",
    type: "aep:azure:AdlsGen2Connection",
    make: (name, sandboxName) => new components.AdlsGen2Connection(name, { sandboxName, accountName: "acmelake", ...principal, servicePrincipalSecret: "s" }),
    reads: { path: "/acme-customers/customers.csv", format: "delimited", columnDelimiter: ";" },
  },
  {
    key: "table-storage",
    type: "aep:azure:TableStorageConnection",
    make: (name, sandboxName) =>
      new components.TableStorageConnection(name, {
        sandboxName,
        accountKey: { accountName: "acmetables", accountKey: "EfvHzs8M73UZ1rmzprXcE97xFZv6aVo0AeL+dOo1Sw9xhDCLG4F+IaInX8fkSX0TnjAWgo0OwR0UlFSImWi0+w==" },
      }),
    reads: { table: "orders", deltaColumn: "Timestamp" },
  },
  {
    key: "databricks",
    type: "aep:azure:DatabricksConnection",
    make: (name, sandboxName) =>
      new components.DatabricksConnection(name, {
        sandboxName,
        workspaceUrl: "adb-1234567890123456.7.azuredatabricks.net",
        clusterId: "0923-164208-abcd1234",
        accessToken: "dapi0123456789abcdef0123456789abcdef",
        database: "default",
      }),
    reads: { table: "default.orders", deltaColumn: "updated_at", cdcEnabled: true },
  },
];

/** `ingest` with arguments TypeScript would check per source; the tests vary them freely. */
function ingest(connection: AnySource, name: string, args: Record<string, unknown>, opts?: pulumi.ComponentResourceOptions) {
  return (connection as unknown as { ingest(n: string, a: unknown, o?: pulumi.ComponentResourceOptions): import("../../components").Pipeline }).ingest(name, args, opts);
}

/** The registrations of the dataflow objects (and the pipeline component) named `name`, after everything settled. */
async function pipelineParts(pipeline: import("../../components").Pipeline, name: string) {
  await valueOf(pipeline.flowId);
  await settle();
  const named = (type: string) => {
    const found = registrations.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `exactly one ${type} named ${name}`);
    return found[0]!;
  };
  return {
    component: named("aep:azure:Pipeline"),
    sourceConnection: named(`${DYNAMIC}SourceConnection`),
    targetConnection: named(`${DYNAMIC}TargetConnection`),
    mappingSet: named(`${DYNAMIC}MappingSet`),
    dataflow: named(`${DYNAMIC}Dataflow`),
  };
}

describe("Pipeline and ingest() (setMocks)", () => {
  before(() => {
    pulumi.runtime.setMocks(mocks, "pipeline-test", "dev", false);
  });
  beforeEach(() => {
    registrations = [];
  });

  for (const source of SOURCES) {
    it(`${source.key}: ingest() registers a pipeline child of the component with its four objects, named like it, with the inputs AEP needs`, async () => {
      const connection = source.make(`${source.key}-conn`, "dev-emea");
      const pipeline = ingest(connection, `${source.key}-orders`, {
        ...source.reads,
        dataset: existingDataset,
        mappings,
        schedule,
        displayName: "Orders",
        description: "Orders into the lake",
      });
      const parts = await pipelineParts(pipeline, `${source.key}-orders`);
      const componentUrn = await valueOf(connection.urn);
      const pipelineUrn = await valueOf(pipeline.urn);
      assert.equal(parts.component.parent, componentUrn, "the pipeline is a child of the source component");
      for (const child of [parts.sourceConnection, parts.targetConnection, parts.mappingSet, parts.dataflow]) {
        assert.equal(child.parent, pipelineUrn, `${child.type} is a child of the pipeline`);
        assert.equal(child.inputs["sandboxName"], "dev-emea", `${child.type} is made in the connection's sandbox`);
      }
      const dynamicChildren = registrations.filter((r) => r.type.startsWith(DYNAMIC) && r.type !== `${DYNAMIC}BaseConnection`);
      assert.equal(dynamicChildren.length, 4, "nothing else is registered");

      const connectionId = await valueOf(connection.connectionId);
      const sc = parts.sourceConnection.inputs;
      assert.equal(sc["source"], source.key);
      assert.equal(sc["baseConnectionId"], connectionId);
      assert.equal(sc["name"], "Orders source");
      assert.equal(sc["description"], "Orders into the lake");

      const tc = parts.targetConnection.inputs;
      assert.equal(tc["name"], "Orders target");
      assert.equal(tc["datasetId"], existingDataset.datasetId);
      assert.equal(tc["schemaId"], SCHEMA_ID);
      assert.equal(tc["description"], "Orders into the lake");

      const ms = parts.mappingSet.inputs;
      assert.equal(ms["name"], "Orders mapping");
      assert.equal(ms["schemaId"], SCHEMA_ID);
      assert.deepEqual(ms["mappings"], mappings);

      const flow = parts.dataflow.inputs;
      assert.equal(flow["source"], source.key);
      assert.equal(flow["name"], "Orders");
      assert.equal(flow["description"], "Orders into the lake");
      assert.equal(flow["sourceConnectionId"], parts.sourceConnection.id);
      assert.equal(flow["targetConnectionId"], parts.targetConnection.id);
      assert.equal(flow["mappingSetId"], parts.mappingSet.id);
      assert.equal(flow["mappingVersion"], 0);
      assert.deepEqual(flow["schedule"], schedule);
      assert.ok(!("enabled" in flow) || flow["enabled"] === undefined, "enabled is left to the provider's default");

      if (source.key === "adls-gen2") {
        assert.deepEqual(sc["file"], { path: "/acme-customers/customers.csv", format: "delimited", columnDelimiter: ";" });
        assert.ok(!("table" in sc));
        assert.ok(!("deltaColumn" in flow), "a file dataflow has no delta column");
      } else {
        const table: Record<string, unknown> = { tableName: source.reads["table"] };
        if (source.key === "databricks") table["cdcEnabled"] = true;
        assert.deepEqual(sc["table"], table);
        assert.ok(!("file" in sc));
        const delta = source.reads["deltaColumn"];
        assert.deepEqual(flow["deltaColumn"], typeof delta === "string" ? { name: delta } : delta, "a name becomes { name }");
      }

      assert.equal(await valueOf(pipeline.flowId), parts.dataflow.id);
      assert.equal(await valueOf(pipeline.state), "enabled");
      assert.equal(await valueOf(pipeline.sourceConnectionId), parts.sourceConnection.id);
      assert.equal(await valueOf(pipeline.targetConnectionId), parts.targetConnection.id);
      assert.equal(await valueOf(pipeline.mappingSetId), parts.mappingSet.id);
      assert.equal(await valueOf(pipeline.mappingVersion), 0);
    });
  }

  it("writes into a Dataset of the program: its id and schema, and the connection's sandbox default (none sent)", async () => {
    const dataset = new provider.Dataset("orders-dataset", { name: "Orders", schemaId: SCHEMA_ID });
    const connection = SOURCES[1]!.make("sql");
    const pipeline = ingest(connection, "orders", { table: "dbo.orders", deltaColumn: "updated_at", dataset, mappings, schedule, enabled: false });
    const parts = await pipelineParts(pipeline, "orders");
    const datasetId = idOf(`${DYNAMIC}Dataset`, "orders-dataset");
    assert.equal(parts.targetConnection.inputs["datasetId"], datasetId);
    assert.equal(parts.targetConnection.inputs["schemaId"], SCHEMA_ID);
    assert.equal(parts.mappingSet.inputs["schemaId"], SCHEMA_ID);
    assert.equal(parts.dataflow.inputs["enabled"], false);
    assert.equal(await valueOf(pipeline.state), "disabled");
    assert.equal(parts.sourceConnection.inputs["name"], "orders source", "the display name defaults to the resource name");
    assert.equal(parts.dataflow.inputs["name"], "orders");
    for (const child of Object.values(parts)) assert.ok(child.inputs["sandboxName"] === undefined, `${child.type}: no sandbox sent, the provider's default applies`);
  });

  it("new Pipeline(name, { connection: { source, connectionId } }) reads through a raw BaseConnection", async () => {
    const base = new provider.BaseConnection("raw", {
      source: "sql-server",
      name: "Raw orders",
      sandboxName: "dev",
      auth: { specName: "Connection String Based Authentication", params: { connectionString: "Data Source=s;Initial Catalog=d;Integrated Security=False;User ID=u;Password=p;" } },
    });
    const pipeline = new components.Pipeline("raw-orders", {
      connection: { source: "sql-server", connectionId: base.connectionId, sandboxName: "dev" },
      table: "dbo.orders",
      deltaColumn: "updated_at",
      dataset: existingDataset,
      mappings,
      schedule,
    });
    const parts = await pipelineParts(pipeline, "raw-orders");
    assert.equal(parts.component.parent, "", "a pipeline made directly has the parent it is given (none)");
    assert.equal(parts.sourceConnection.inputs["baseConnectionId"], idOf(`${DYNAMIC}BaseConnection`, "raw"));
    assert.equal(parts.sourceConnection.inputs["sandboxName"], "dev");
    assert.deepEqual(parts.dataflow.inputs["deltaColumn"], { name: "updated_at" });
  });

  it("new Pipeline() names itself in its messages and takes a connection", () => {
    const untyped = { connection: { source: "synapse", connectionId: "72f988bf-86f1-41af-91ab-2d7cd011db47" }, table: "sales.orders", deltaColumn: "updated_at", dataset: existingDataset, schedule, mapings: mappings };
    assert.throws(
      () => new components.Pipeline("typo", untyped as never),
      isArgumentError(/^mapings: unknown argument of Pipeline \(did you mean "mappings"\?\); expected one of: connection, table, /),
    );
    assert.throws(
      () => new components.Pipeline("bad-id", { ...untyped, mapings: undefined, mappings, connection: { source: "synapse", connectionId: "warehouse" } } as never),
      isArgumentError(/^connection\.connectionId: is not a GUID/),
    );
    assert.throws(
      () => new components.Pipeline("bad-sandbox", { ...untyped, mapings: undefined, mappings, connection: { ...untyped.connection, sandboxName: "Dev EMEA" } } as never),
      isArgumentError(/^connection\.sandboxName: is not a sandbox name/),
    );
    assert.throws(
      () => new components.Pipeline("none", { ...untyped, connection: undefined } as never),
      isArgumentError(/^connection: required; expected \{ source, connectionId, sandboxName\? \} of a base connection/),
    );
    // What untyped JavaScript can pass: a name every object has ("constructor" is `in` any object).
    assert.throws(
      () => new components.Pipeline("unknown-source", { ...untyped, mapings: undefined, mappings, connection: { ...untyped.connection, source: "constructor" } } as never),
      isArgumentError(/^connection\.source: unknown value "constructor"; expected one of: synapse, sql-server, adls-gen2, table-storage, databricks$/),
    );
  });
});

/** How a bad argument must fail: a ResourceError on the pipeline, stack hidden, one line naming the argument. */
function isArgumentError(message: RegExp) {
  return (e: Error) => {
    assert.ok(pulumi.ResourceError.isInstance(e), `a ResourceError: ${e}`);
    assert.equal((e as pulumi.ResourceError).hideStack, true, "the stack is hidden");
    assert.ok(!/\n\s+at /.test(e.message), `no stack trace in the message:\n${e.message}`);
    assert.equal(e.message.split("\n").length, 1, `one line:\n${e.message}`);
    assert.match(e.message, message);
    return true;
  };
}

describe("Pipeline argument errors (setMocks)", () => {
  before(() => {
    pulumi.runtime.setMocks(mocks, "pipeline-test", "dev", false);
  });
  beforeEach(() => {
    registrations = [];
  });

  const [synapse, sqlServer, adls, tableStorage, databricks] = SOURCES as [(typeof SOURCES)[number], (typeof SOURCES)[number], (typeof SOURCES)[number], (typeof SOURCES)[number], (typeof SOURCES)[number]];
  const tableArgs = { table: "dbo.orders", deltaColumn: "updated_at", dataset: existingDataset, mappings, schedule };
  const fileArgs = { path: "/acme-customers/customers.csv", format: "delimited", dataset: existingDataset, mappings, schedule };
  const start = "2027-01-04T06:00:00Z";
  const cases: [what: string, source: (typeof SOURCES)[number], args: Record<string, unknown>, message: RegExp][] = [
    ["no table", sqlServer, { ...tableArgs, table: undefined }, /^table: required; expected the table's path as explore lists it/],
    ["a table that is not a string", synapse, { ...tableArgs, table: 5 }, /^table: must be a string \(got number\)/],
    ["no delta column", tableStorage, { ...tableArgs, deltaColumn: undefined }, /^deltaColumn: required; expected the name of a column/],
    ["an empty delta column", sqlServer, { ...tableArgs, deltaColumn: "" }, /^deltaColumn: is empty/],
    ["a delta column whose name is not a string", databricks, { ...tableArgs, deltaColumn: { name: 3 } }, /^deltaColumn\.name: must be a string \(got number\)/],
    ["a delta column object without a name", sqlServer, { ...tableArgs, deltaColumn: { dateFormat: "yyyy-MM-dd" } }, /^deltaColumn\.name: required/],
    ["an hourly schedule without interval", sqlServer, { ...tableArgs, schedule: { frequency: "hour", startTime: start } }, /^schedule\.interval: required when frequency is hour/],
    ["every 5 minutes", sqlServer, { ...tableArgs, schedule: { frequency: "minute", interval: 5, startTime: start } }, /^schedule\.interval: is 5; expected at least 15 when frequency is minute$/],
    ["an interval of 0 hours", tableStorage, { ...tableArgs, schedule: { frequency: "hour", interval: 0, startTime: start } }, /^schedule\.interval: is 0; expected at least 1 when frequency is hour$/],
    ["backfill with once", adls, { ...fileArgs, schedule: { frequency: "once", backfill: true, startTime: start } }, /^schedule\.backfill: is not allowed when frequency is once/],
    ["a start time in milliseconds", sqlServer, { ...tableArgs, schedule: { frequency: "day", interval: 1, startTime: 1_798_956_000_000 } }, /^schedule\.startTime: looks like epoch milliseconds/],
    ["a destination that is not an XDM path", sqlServer, { ...tableArgs, mappings: [mappings[0], { source: "amount", destination: "order amount" }] }, /^mappings\[1\]\.destination: is not an XDM field path/],
    ["a destination twice", adls, { ...fileArgs, mappings: [mappings[0], { source: "other", destination: mappings[0]!.destination }] }, /^mappings\[1\]\.destination: "_acmeemulator\.orderId" is already the destination of mappings\[0\]/],
    ["no mappings", sqlServer, { ...tableArgs, mappings: [] }, /^mappings: is empty; expected at least one mapping/],
    ["a path with //", adls, { ...fileArgs, path: "/acme-customers//customers.csv" }, /^path: contains an empty component \(\/\/\)/],
    ["a column delimiter with parquet", adls, { ...fileArgs, format: "parquet", columnDelimiter: "," }, /^columnDelimiter: applies to the delimited format only, not parquet; remove it$/],
    [
      "a misspelt argument",
      sqlServer,
      { ...tableArgs, schedule: undefined, shedule: schedule },
      /^shedule: unknown argument of SqlServerConnection\.ingest \(did you mean "schedule"\?\); expected one of: table, deltaColumn, columns, cdcEnabled, dataset, mappings, schedule, enabled, displayName, description, targetFormat, timeouts$/,
    ],
    ["a connection, which ingest() gives itself", adls, { ...fileArgs, connection: { source: "adls-gen2", connectionId: "x" } }, /^connection: unknown argument of AdlsGen2Connection\.ingest; expected one of: path, /],
    ["a misspelt argument that fails() when absent", sqlServer, { ...tableArgs, dataset: undefined, datset: existingDataset }, /^datset: unknown argument of \S+ \(did you mean "dataset"\?\)/],
    ["cdcEnabled on SQL Server (untyped)", sqlServer, { ...tableArgs, cdcEnabled: true }, /^cdcEnabled: Microsoft SQL Server has no change data capture \(only Azure Databricks does\); remove it$/],
    ["cdcEnabled on Table Storage (untyped)", tableStorage, { ...tableArgs, cdcEnabled: false }, /^cdcEnabled: Azure Table Storage has no change data capture/],
    ["a delta column for files (untyped)", adls, { ...fileArgs, deltaColumn: "updated_at" }, /^deltaColumn: Azure Data Lake Storage Gen2 dataflows pick files by their last-modified time and take no delta column; remove it$/],
    ["a display name too long for the mapping set's name", sqlServer, { ...tableArgs, displayName: "O".repeat(240) }, /^displayName: is 248 characters long, over the \d+-character limit; expected the mapping set's name in Data Prep, at most \d+ characters \(got "O+…"\)$/],
    ["a display name with a newline", adls, { ...fileArgs, displayName: "Orders\nnightly" }, /^displayName: contains the control character U\+000A at position 7; expected the dataflow's display name in AEP/],
    ["a description too long", sqlServer, { ...tableArgs, description: "d".repeat(2000) }, /^description: is 2000 characters long/],
    ["a timeout that is no duration", adls, { ...fileArgs, timeouts: { create: "5 minutes" } }, /^timeouts\.create: expected durations such as "90s"/],
    ["a target format that is not a string", sqlServer, { ...tableArgs, targetFormat: 5 }, /^targetFormat: must be a string \(got number\)/],
    ["no dataset", sqlServer, { ...tableArgs, dataset: undefined }, /^dataset: required; expected a Dataset of this program, or \{ datasetId, schemaId \}/],
    ["a dataset id that is not one", sqlServer, { ...tableArgs, dataset: { ...existingDataset, datasetId: "orders" } }, /^dataset\.datasetId: is not a dataset id/],
    ["a schema's meta:altId", adls, { ...fileArgs, dataset: { ...existingDataset, schemaId: "_acmeemulator.schemas.3a1b4f0c" } }, /^dataset\.schemaId: looks like the schema's meta:altId; give its \$id/],
    ["enabled: \"yes\"", sqlServer, { ...tableArgs, enabled: "yes" }, /^enabled: must be a boolean \(got string\); expected true or false$/],
  ];
  for (const [what, source, args, message] of cases) {
    it(`${source.key}, ${what}: fails naming the argument, registers no child`, async () => {
      const connection = source.make(`${source.key}-bad`);
      assert.throws(() => ingest(connection, "bad", args), isArgumentError(message));
      await settle();
      const children = registrations.filter((r) => r.name === "bad" && r.type.startsWith(DYNAMIC));
      assert.deepEqual(children.map((r) => r.type), [], "no child registered");
    });
  }
});

describe("Pipeline types rule out what Adobe rejects (checked by tsc --noEmit)", () => {
  // Each refused line differs from an accepted one by the one argument at fault, so its @ts-expect-error can only be
  // satisfied by that argument. Nothing runs: `typeOnly` only takes the lambdas.
  const typeOnly = (build: () => unknown) => build;
  type Components = typeof import("../../components");
  const lake = undefined as unknown as InstanceType<Components["AdlsGen2Connection"]>;
  const sql = undefined as unknown as InstanceType<Components["SqlServerConnection"]>;
  const warehouse = undefined as unknown as InstanceType<Components["SynapseConnection"]>;
  const bricks = undefined as unknown as InstanceType<Components["DatabricksConnection"]>;
  const common = { dataset: existingDataset, mappings, schedule: { frequency: "hour" as const, interval: 1, startTime: "2027-01-04T06:00:00Z" } };
  const table = { ...common, table: "dbo.orders", deltaColumn: "updated_at" };
  const file = { ...common, path: "/acme-customers/customers.csv", format: "delimited" as const };

  it("ADLS Gen2 takes no delta column, table sources need one", () => {
    typeOnly(() => lake.ingest("ok", file));
    // @ts-expect-error a file dataflow has no delta column
    typeOnly(() => lake.ingest("x", { ...file, deltaColumn: "updated_at" }));
    const withDeltaColumn = { ...file, deltaColumn: "updated_at" };
    // @ts-expect-error also when the arguments were built beforehand (no excess-property check then)
    typeOnly(() => lake.ingest("x", withDeltaColumn));
    const withTable = { ...file, table: "dbo.orders" };
    // @ts-expect-error nor a table
    typeOnly(() => lake.ingest("x", withTable));
    typeOnly(() => sql.ingest("ok", table));
    typeOnly(() => sql.ingest("ok", { ...table, deltaColumn: { name: "updated_at", dateFormat: "yyyy-MM-dd HH:mm:ss" } }));
    const { deltaColumn: _omitted, ...withoutDeltaColumn } = table;
    // @ts-expect-error SQL Server reads incrementally by a delta column
    typeOnly(() => sql.ingest("x", withoutDeltaColumn));
    const withPath = { ...table, path: "/orders.csv" };
    // @ts-expect-error a table source reads no path
    typeOnly(() => sql.ingest("x", withPath));
  });

  it("change data capture on Databricks only", () => {
    typeOnly(() => bricks.ingest("ok", { ...table, cdcEnabled: true }));
    // @ts-expect-error Synapse has no change data capture
    typeOnly(() => warehouse.ingest("x", { ...table, cdcEnabled: true }));
    // @ts-expect-error nor SQL Server
    typeOnly(() => sql.ingest("x", { ...table, cdcEnabled: false }));
  });

  it("columnDelimiter and encoding with the delimited format only", () => {
    typeOnly(() => lake.ingest("ok", { ...file, columnDelimiter: ";", encoding: "ISO-8859-1", compressionType: "gzip" }));
    typeOnly(() => lake.ingest("ok", { ...file, format: "json", compressionType: "gzip" }));
    // @ts-expect-error JSON has no column delimiter
    typeOnly(() => lake.ingest("x", { ...file, format: "json", columnDelimiter: ";" }));
    // @ts-expect-error nor an encoding
    typeOnly(() => lake.ingest("x", { ...file, format: "json", encoding: "UTF-8" }));
    // @ts-expect-error Parquet has no column delimiter
    typeOnly(() => lake.ingest("x", { ...file, format: "parquet", columnDelimiter: ";" }));
    // @ts-expect-error nor an encoding
    typeOnly(() => lake.ingest("x", { ...file, format: "parquet", encoding: "UTF-8" }));
  });

  it("a schedule: no interval or backfill with once, an interval otherwise", () => {
    typeOnly(() => sql.ingest("ok", { ...table, schedule: { frequency: "once", startTime: 1_798_956_000 } }));
    typeOnly(() => sql.ingest("ok", { ...table, schedule: { frequency: "minute", interval: 15, startTime: 1_798_956_000, backfill: false } }));
    // @ts-expect-error a single run has no interval
    typeOnly(() => sql.ingest("x", { ...table, schedule: { frequency: "once", interval: 1, startTime: 1_798_956_000 } }));
    // @ts-expect-error nor a backfill
    typeOnly(() => sql.ingest("x", { ...table, schedule: { frequency: "once", backfill: true, startTime: 1_798_956_000 } }));
    // @ts-expect-error hourly runs need an interval
    typeOnly(() => sql.ingest("x", { ...table, schedule: { frequency: "hour", startTime: 1_798_956_000 } }));
  });

  it("a Dataflow or Pipeline of ADLS Gen2 takes no delta column", () => {
    const flow = { name: "n", sourceConnectionId: "s", targetConnectionId: "t", mappingSetId: "m", mappingVersion: 0, schedule: common.schedule };
    typeOnly(() => new provider.Dataflow<"adls-gen2">("ok", { ...flow, source: "adls-gen2" }));
    typeOnly(() => new provider.Dataflow<"sql-server">("ok", { ...flow, source: "sql-server", deltaColumn: { name: "updated_at" } }));
    // @ts-expect-error files have no delta column
    typeOnly(() => new provider.Dataflow<"adls-gen2">("x", { ...flow, source: "adls-gen2", deltaColumn: { name: "updated_at" } }));
    const connection = { source: "adls-gen2" as const, connectionId: "c" };
    typeOnly(() => new components.Pipeline("ok", { ...file, connection }));
    // @ts-expect-error nor a pipeline made directly
    typeOnly(() => new components.Pipeline("x", { ...file, connection, deltaColumn: "updated_at" }));
  });
});

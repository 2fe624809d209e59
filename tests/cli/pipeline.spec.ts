/**
 * The dataflow chain under the real Pulumi CLI (issue 13, item 4): a program with the five source components, one
 * `Dataset`, one `ingest()` per source into it and one chain of the raw resources (SourceConnection,
 * TargetConnection, MappingSet, Dataflow), installed from `npm pack`, against the emulator. One program directory and
 * one stack go through the steps in order, as a user's stack would; a second stack of the same program plays another
 * team's stack that reads through one of our base connections.
 *
 * Assertions rest on what a user sees: the CLI's summaries and `--diff` output, `pulumi stack export`, and the objects
 * AEP (the emulator) holds.
 */
import * as assert from "node:assert/strict";
import type { EngineEvent, OpType, Stack } from "@pulumi/pulumi/automation";
import { BUILT_IN_SCHEMAS, startEmulator, type Emulator } from "../../emulator";
import { aepObjectCounts, flowOf, pinnedMapping } from "../../harness/aep-objects";
import { assertNoStackTrace, cliStack, cliTools, flowRequests, makeProgram, plainSecretsIn, SECRETS, type CliStack } from "./support";

const DYNAMIC = "pulumi-nodejs:dynamic/aep:";
const SCHEMA_ID = BUILT_IN_SCHEMAS[0]!.id;

/**
 * The program. Every setting a step changes comes from stack config: `sqlPassword` (the SQL Server connection),
 * `ordersInterval`/`ordersFrequency` (the orders dataflow's schedule), `ordersMappings` (`more` maps two more
 * columns), `ordersTable` (what the orders source connection reads). `scenario: partner` is another team's stack: a
 * dataset and a pipeline of its own, reading through our data lake connection (`sharedConnectionId`).
 */
const PIPELINE_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
  AdlsGen2Connection, Dataflow, Dataset, DatabricksConnection, MappingSet, Pipeline, SourceConnection, SqlServerConnection,
  SynapseConnection, TableStorageConnection, TargetConnection,
} from "pulumi-aep-azure";

const config = new pulumi.Config();
const schemaId = "${SCHEMA_ID}";
const tenant = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const servicePrincipalId = "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";
// A fixed start a few years ahead: the schedule is the program's, and no run is due during the suite.
const startTime = "2030-01-07T06:00:00Z";
const orderMappings = [
  { source: "id", destination: "_acmeemulator.orderId" },
  { source: "customer_id", destination: "_acmeemulator.customerId" },
  { source: "amount", destination: "_acmeemulator.amount" },
];
const customerMappings = [
  { source: "id", destination: "_acmeemulator.customerId" },
  { source: "email", destination: "personalEmail.address" },
];

if (config.get("scenario") === "partner") {
  // Another team's stack: its own dataset and pipeline, through a base connection it does not manage.
  const dataset = new Dataset("partner-landing", { name: "Partner landing", schemaId });
  new Pipeline("partner-feed", {
    connection: { source: "adls-gen2", connectionId: config.require("sharedConnectionId") },
    path: "/acme-customers/orders/2026-01.json",
    format: "json",
    dataset,
    mappings: orderMappings,
    schedule: { frequency: "day", interval: 1, startTime },
    displayName: "Partner feed",
  });
} else {
  const dataset = new Dataset("landing", { name: "Acme landing", schemaId });

  const warehouse = new SynapseConnection("warehouse", {
    displayName: "Acme sales warehouse",
    sqlLogin: { server: "contoso-ws.sql.azuresynapse.net", database: "SalesDW", user: "aepadmin", password: config.requireSecret("synapsePassword") },
  });
  warehouse.ingest("warehouse-orders", {
    table: "sales.orders", deltaColumn: "updated_at", dataset, mappings: orderMappings,
    schedule: { frequency: "day", interval: 1, startTime },
  });

  const orders = new SqlServerConnection("orders", {
    displayName: "Acme orders",
    sqlLogin: { server: "sql01.contoso.com", database: "Orders", user: "aep_reader", password: config.requireSecret("sqlPassword") },
  });
  orders.ingest("orders", {
    table: config.get("ordersTable") ?? "dbo.orders",
    deltaColumn: { name: "updated_at", dateFormat: "yyyy-MM-dd HH:mm:ss" },
    dataset,
    mappings: config.get("ordersMappings") === "more"
      ? [...orderMappings, { source: "is_gift", destination: "_acmeemulator.isGift" }, { source: "updated_at", destination: "_acmeemulator.updatedAt" }]
      : orderMappings,
    schedule: { frequency: (config.get("ordersFrequency") ?? "hour") as "hour", interval: config.getNumber("ordersInterval") ?? 1, startTime },
    displayName: "Acme orders",
  });

  const lake = new AdlsGen2Connection("lake", {
    displayName: "Acme data lake",
    accountName: "contosolake", tenant, servicePrincipalId, servicePrincipalSecret: config.requireSecret("spSecret"),
  });
  lake.ingest("customers", {
    path: "/acme-customers/customers.csv", format: "delimited", columnDelimiter: ",", dataset, mappings: customerMappings,
    schedule: { frequency: "hour", interval: 6, startTime },
  });

  const tables = new TableStorageConnection("tables", {
    displayName: "Acme tables",
    accountKey: { accountName: "contosotables", accountKey: config.requireSecret("storageKey") },
  });
  tables.ingest("table-orders", {
    table: "orders", deltaColumn: "Timestamp", dataset,
    mappings: [{ source: "RowKey", destination: "_acmeemulator.orderId" }, { source: "customer_id", destination: "_acmeemulator.customerId" }],
    schedule: { frequency: "hour", interval: 12, startTime },
  });

  const bricks = new DatabricksConnection("bricks", {
    displayName: "Acme lakehouse",
    workspaceUrl: "adb-1234567890123456.7.azuredatabricks.net", clusterId: "0923-164208-abcd1234",
    accessToken: config.requireSecret("databricksToken"), database: "default",
  });
  bricks.ingest("lakehouse-orders", {
    table: "default.orders", deltaColumn: "updated_at", dataset, mappings: orderMappings,
    schedule: { frequency: "week", interval: 1, startTime },
  });

  // The same chain from the raw resources: the customers table of the SQL Server connection.
  const rawSource = new SourceConnection("raw-customers", {
    source: "sql-server", baseConnectionId: orders.connectionId, name: "Raw customers source", table: { tableName: "dbo.customers" },
  });
  const rawTarget = new TargetConnection("raw-customers", { name: "Raw customers target", datasetId: dataset.datasetId, schemaId: dataset.schemaId });
  const rawMapping = new MappingSet("raw-customers", { name: "Raw customers mapping", schemaId: dataset.schemaId, mappings: customerMappings });
  new Dataflow("raw-customers", {
    source: "sql-server",
    name: "Raw customers",
    sourceConnectionId: rawSource.sourceConnectionId,
    targetConnectionId: rawTarget.targetConnectionId,
    mappingSetId: rawMapping.mappingSetId,
    mappingVersion: rawMapping.version,
    deltaColumn: { name: "updated_at" },
    schedule: { frequency: "day", interval: 1, startTime },
  });
}
`;

const SOURCES = 5;
const PIPELINES = SOURCES + 1;
/** The stack, a component and a base connection per source, the dataset, 4 objects + a component per pipeline, the raw chain. */
const RESOURCES = 1 + 2 * SOURCES + 1 + 5 * SOURCES + 4;

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  outputs?: Record<string, unknown>;
}

/** `op name` of every step of a dynamic resource (`Type/name`), from the engine's own events, in the order begun. */
function ops(events: EngineEvent[]): string[] {
  return events.flatMap((e) => {
    const meta = e.resourcePreEvent?.metadata;
    if (meta === undefined || !meta.type.startsWith(DYNAMIC)) return [];
    return [`${meta.op} ${meta.type.slice(DYNAMIC.length)}/${meta.urn.split("::").pop()}`];
  });
}

/** The steps that are not `same`. */
function changes(events: EngineEvent[]): string[] {
  return ops(events).filter((op) => !op.startsWith("same "));
}

describe("real Pulumi CLI: the dataflow chain of five sources and a raw chain", function () {
  this.timeout(600_000);
  let emulator: Emulator;
  let s: CliStack;
  let stack: Stack;
  let partner: CliStack | undefined;
  let programDir: string;
  /** Everything the CLI printed, checked for secrets at the end. */
  const printed: string[] = [];
  const transcript: string[] = [];

  async function exported(of: CliStack = s): Promise<StateResource[]> {
    const result = await of.cli(["stack", "export", "--show-secrets=false"]);
    assert.equal(result.status, 0, result.stderr);
    printed.push(result.stdout);
    return (JSON.parse(result.stdout) as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
  }

  /** The state entries of dynamic resources `Type/name`, from one export. */
  async function inState(...typeAndNames: string[]): Promise<StateResource[]> {
    const state = await exported();
    return typeAndNames.map((typeAndName) => {
      const [type, name] = typeAndName.split("/");
      const entry = state.find((r) => r.type === `${DYNAMIC}${type}` && r.urn.endsWith(`::${name}`));
      assert.ok(entry, `the state holds ${typeAndName}`);
      return entry;
    });
  }

  const flow = (id: string) => flowOf(emulator, id);
  const mappingOf = (flowId: string) => pinnedMapping(flow(flowId));
  const counts = () => aepObjectCounts(emulator);

  before(async function () {
    const tools = cliTools();
    if (tools === undefined) return this.skip();
    emulator = await startEmulator();
    programDir = makeProgram(PIPELINE_PROGRAM);
    s = await cliStack(tools, programDir, "dev", emulator, {});
    stack = s.stack;
  });

  after(async () => {
    await partner?.remove();
    await s?.remove();
    await emulator?.close();
    if (process.env["AEP_CLI_TRANSCRIPT"]) console.log(transcript.join("\n"));
  });

  it("preview of the new stack plans every object and sends no Flow Service request", async () => {
    emulator.clearRequests();
    const events: EngineEvent[] = [];
    const result = await stack.preview({ onEvent: (e) => events.push(e) });
    printed.push(result.stdout, result.stderr);
    assert.equal(result.changeSummary["create"], RESOURCES, result.stdout);
    const created = changes(events);
    for (const type of ["SourceConnection", "TargetConnection", "MappingSet", "Dataflow"]) {
      assert.equal(created.filter((op) => op.startsWith(`create ${type}/`)).length, PIPELINES, `${type}: ${created.join(", ")}`);
    }
    assert.equal(flowRequests(emulator), 0);
  });

  it("up creates the base connections, the dataset and six dataflows with what they need", async () => {
    const result = await stack.up();
    printed.push(result.stdout, result.stderr);
    assert.equal(result.summary.result, "succeeded");
    assert.equal(result.summary.resourceChanges?.["create"], RESOURCES);
    assert.deepEqual(counts(), { baseConnections: SOURCES, sourceConnections: PIPELINES, targetConnections: PIPELINES, mappingSets: PIPELINES, flows: PIPELINES, datasets: 1 });
    const state = await exported();
    for (const type of ["SourceConnection", "TargetConnection", "MappingSet", "Dataflow"]) {
      assert.equal(state.filter((r) => r.type === `${DYNAMIC}${type}`).length, PIPELINES, type);
    }
    // Every flow is enabled and reads the source connection its state says, which reads the base connection of its source.
    const dataset = emulator.dataflows.datasets()[0]!;
    for (const entry of state.filter((r) => r.type === `${DYNAMIC}Dataflow`)) {
      const f = flow(entry.id!);
      assert.equal(f.state, "enabled", entry.urn);
      assert.deepEqual(f.sourceConnectionIds, [entry.outputs!["sourceConnectionId"]]);
      const target = emulator.dataflows.targetConnections().find((t) => t.id === f.targetConnectionIds[0])!;
      assert.equal(target.params["dataSetId"], dataset.id);
    }
    const orders = flow(state.find((r) => r.urn.endsWith("$pulumi-nodejs:dynamic/aep:Dataflow::orders"))!.id!);
    assert.equal(orders.name, "Acme orders");
    const ordersSource = emulator.dataflows.sourceConnections().find((c) => c.id === orders.sourceConnectionIds[0])!;
    assert.equal(ordersSource.name, "Acme orders source");
    assert.equal(emulator.store.get(ordersSource.baseConnectionId)?.name, "Acme orders");
    assert.equal(ordersSource.params["tableName"], "dbo.orders");
  });

  it("a second up changes nothing and sends no write", async () => {
    emulator.clearRequests();
    const result = await stack.up();
    printed.push(result.stdout, result.stderr);
    assert.deepEqual(result.summary.resourceChanges, { same: RESOURCES });
    assert.equal(flowRequests(emulator, true), 0);
  });

  it("a bad pipeline argument (every 5 minutes) fails preview naming schedule.interval, no stack trace, no request", async () => {
    await stack.setAllConfig({ "aep-cli-suite:ordersFrequency": { value: "minute" }, "aep-cli-suite:ordersInterval": { value: "5" } });
    emulator.clearRequests();
    const result = await s.cli(["preview"]);
    await stack.removeAllConfig(["aep-cli-suite:ordersFrequency", "aep-cli-suite:ordersInterval"]);
    const output = result.stdout + result.stderr;
    printed.push(output);
    transcript.push(`$ pulumi preview   # schedule: every 5 minutes\n${output}`);
    assert.notEqual(result.status, 0, output);
    assert.match(output, /aep:azure:Pipeline \(orders\)/);
    assert.match(output, /schedule\.interval: is 5; expected at least 15 when frequency is minute/);
    assertNoStackTrace(output);
    assert.equal(flowRequests(emulator), 0);
  });

  it("a password rotation updates only the base connection: preview --diff shows no pipeline object changing", async () => {
    await stack.setConfig("aep-cli-suite:sqlPassword", { value: SECRETS.sqlPasswordRotated, secret: true });
    emulator.clearRequests();
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ diff: true, onEvent: (e) => events.push(e) });
    printed.push(preview.stdout, preview.stderr);
    assert.deepEqual(changes(events), ["update BaseConnection/orders"], preview.stdout);
    assert.match(preview.stdout, /\[secret\]/);
    assert.equal(flowRequests(emulator), 0);

    const upEvents: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => upEvents.push(e) });
    printed.push(up.stdout, up.stderr);
    assert.deepEqual(changes(upEvents), ["update BaseConnection/orders"]);
    const orders = emulator.store.list().find((c) => c.name === "Acme orders")!;
    assert.ok(String(orders.auth.params["connectionString"]).includes(SECRETS.sqlPasswordRotated));
    const writes = emulator.requests.filter((r) => r.kind === "flow" && r.method !== "GET").map((r) => `${r.method} ${r.route}`);
    assert.deepEqual(writes, [`PATCH /connections/${orders.id}`]);
  });

  it("a schedule change updates the dataflow in place: same flow id, the new interval in AEP", async () => {
    const [before] = await inState("Dataflow/orders");
    await stack.setConfig("aep-cli-suite:ordersInterval", { value: "2" });
    const events: EngineEvent[] = [];
    const up = await stack.up({ diff: true, onEvent: (e) => events.push(e) });
    printed.push(up.stdout, up.stderr);
    assert.deepEqual(changes(events), ["update Dataflow/orders"], up.stdout);
    assert.match(up.stdout, /~ schedule\s*: \{[\s\S]*~ interval\s*: 1 => 2/, up.stdout);
    assert.equal((await inState("Dataflow/orders"))[0]!.id, before!.id);
    assert.equal(Number(flow(before!.id!).scheduleParams?.["interval"]), 2);
  });

  it("a mapping change makes a new mapping set version that the same flow pins, in place", async () => {
    const [flowBefore, setBefore] = (await inState("Dataflow/orders", "MappingSet/orders")) as [StateResource, StateResource];
    assert.deepEqual(mappingOf(flowBefore.id!), { mappingId: setBefore.id, mappingVersion: 0 });
    await stack.setConfig("aep-cli-suite:ordersMappings", { value: "more" });
    emulator.clearRequests();
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ diff: true, onEvent: (e) => events.push(e) });
    printed.push(preview.stdout, preview.stderr);
    transcript.push(`$ pulumi preview --diff   # two more mappings\n${preview.stdout}`);
    assert.deepEqual(changes(events).sort(), ["update Dataflow/orders", "update MappingSet/orders"], preview.stdout);
    assert.equal(preview.changeSummary["replace"], undefined);
    assert.match(preview.stdout, /~ pulumi-nodejs:dynamic\/aep:MappingSet: \(update\)/);
    assert.match(preview.stdout, /~ pulumi-nodejs:dynamic\/aep:Dataflow: \(update\)/);
    assert.match(preview.stdout, /_acmeemulator\.isGift/);
    assert.equal(flowRequests(emulator), 0);

    const upEvents: EngineEvent[] = [];
    const up = await stack.up({ onEvent: (e) => upEvents.push(e) });
    printed.push(up.stdout, up.stderr);
    assert.deepEqual(changes(upEvents).sort(), ["update Dataflow/orders", "update MappingSet/orders"]);
    const [flowAfter, setAfter] = (await inState("Dataflow/orders", "MappingSet/orders")) as [StateResource, StateResource];
    assert.equal(flowAfter.id, flowBefore.id);
    assert.equal(setAfter.id, setBefore.id);
    assert.deepEqual(mappingOf(flowBefore.id!), { mappingId: setBefore.id, mappingVersion: 1 });
    const set = emulator.dataflows.mappingSets().find((m) => m.id === setBefore.id)!;
    assert.equal(set.versions.length, 2, "version 0 kept, version 1 current");
    assert.deepEqual(set.versions[1]!.mappings.map((m) => m.destination).slice(-2), ["_acmeemulator.isGift", "_acmeemulator.updatedAt"]);
    assert.equal(flowAfter.outputs!["mappingVersion"], 1);
  });

  it("a table change replaces the source connection and the dataflow, new before old, leaving no old object", async () => {
    const [flowBefore, sourceBefore] = (await inState("Dataflow/orders", "SourceConnection/orders")) as [StateResource, StateResource];
    await stack.setConfig("aep-cli-suite:ordersTable", { value: "dbo.orders_2027" });
    const events: EngineEvent[] = [];
    const up = await stack.up({ diff: true, onEvent: (e) => events.push(e) });
    printed.push(up.stdout, up.stderr);
    assert.deepEqual(up.summary.resourceChanges, { replace: 2, same: RESOURCES - 2 }, up.stdout);
    assert.match(up.stdout, /\+-pulumi-nodejs:dynamic\/aep:SourceConnection: \(replace\)/);
    assert.match(up.stdout, /\+-pulumi-nodejs:dynamic\/aep:Dataflow: \(replace\)/);
    assert.match(up.stdout, /~ tableName\s*: "dbo\.orders" => "dbo\.orders_2027"/);
    const order = changes(events).filter((op) => op.endsWith("/orders"));
    const at = (op: string) => {
      assert.ok(order.includes(op), `${op} among ${order.join(", ")}`);
      return order.indexOf(op);
    };
    // Create before delete: the new source connection, the new flow on it, then the old flow, then the old connection.
    assert.ok(at("create-replacement SourceConnection/orders") < at("create-replacement Dataflow/orders"), order.join(", "));
    assert.ok(at("create-replacement Dataflow/orders") < at("delete-replaced Dataflow/orders"), order.join(", "));
    assert.ok(at("delete-replaced Dataflow/orders") < at("delete-replaced SourceConnection/orders"), order.join(", "));

    const [flowAfter, sourceAfter] = (await inState("Dataflow/orders", "SourceConnection/orders")) as [StateResource, StateResource];
    assert.notEqual(flowAfter.id, flowBefore.id);
    assert.notEqual(sourceAfter.id, sourceBefore.id);
    assert.equal(emulator.dataflows.flows().some((f) => f.id === flowBefore.id), false, "the old flow is gone");
    assert.equal(emulator.dataflows.sourceConnections().some((c) => c.id === sourceBefore.id), false, "the old source connection is gone");
    assert.deepEqual(flow(flowAfter.id!).sourceConnectionIds, [sourceAfter.id]);
    assert.equal(emulator.dataflows.sourceConnections().find((c) => c.id === sourceAfter.id)!.params["tableName"], "dbo.orders_2027");
    // The mapping set and its version stay: the new flow pins the same one.
    assert.equal(mappingOf(flowAfter.id!).mappingVersion, 1);
    assert.deepEqual(counts(), { baseConnections: SOURCES, sourceConnections: PIPELINES, targetConnections: PIPELINES, mappingSets: PIPELINES, flows: PIPELINES, datasets: 1 });
  });

  it("an out-of-band disable: refresh shows it, the next up enables the flow again", async () => {
    const [raw] = (await inState("Dataflow/raw-customers")) as [StateResource];
    emulator.dataflows.modifyFlow(raw.id!, { state: "disabled" });
    const refreshEvents: EngineEvent[] = [];
    const refreshed = await stack.refresh({ onEvent: (e) => refreshEvents.push(e) });
    printed.push(refreshed.stdout, refreshed.stderr);
    assert.equal(refreshed.summary.resourceChanges?.["update"], 1, refreshed.stdout);
    const [stored] = (await inState("Dataflow/raw-customers")) as [StateResource];
    assert.equal(stored.outputs!["state"], "disabled");
    assert.equal(stored.outputs!["enabled"], false);

    const events: EngineEvent[] = [];
    const up = await stack.up({ diff: true, onEvent: (e) => events.push(e) });
    printed.push(up.stdout, up.stderr);
    assert.deepEqual(changes(events), ["update Dataflow/raw-customers"], up.stdout);
    assert.equal(flow(raw.id!).state, "enabled");
    assert.equal((await inState("Dataflow/raw-customers"))[0]!.outputs!["state"], "enabled");
  });

  it("destroy refuses while another stack's flow reads through our connection, naming that flow; then leaves nothing", async () => {
    const [lake] = (await inState("BaseConnection/lake")) as [StateResource];
    partner = await cliStack(s.tools, programDir, "partner", emulator, { scenario: "partner", sharedConnectionId: lake.id! });
    const partnerUp = await partner.stack.up();
    printed.push(partnerUp.stdout, partnerUp.stderr);
    assert.equal(partnerUp.summary.resourceChanges?.["create"], 1 + 1 + 5);
    const partnerFlow = (await exported(partner)).find((r) => r.type === `${DYNAMIC}Dataflow`)!;

    const events: EngineEvent[] = [];
    const refused = await stack.destroy({ onEvent: (e) => events.push(e) }).then(
      () => assert.fail("destroy succeeded while a flow of another stack used the lake connection"),
      (error: unknown) => String(error),
    );
    printed.push(refused);
    transcript.push(`$ pulumi destroy   # while another stack's flow reads through our lake connection\n${refused}`);
    // The error the CLI shows under the connection: it names the flow, Adobe's code, and no stack trace (the SDK's
    // provider host also prints its own trace of a failed delete under the stack resource: see the README).
    const diagnostics = events.flatMap((e) => (e.diagnosticEvent?.urn?.endsWith("::lake") && e.diagnosticEvent.severity === "error" ? [e.diagnosticEvent.message] : []));
    const message = diagnostics.find((m) => m.includes("Cannot delete"));
    assert.ok(message, `an error on the lake connection:\n${refused}`);
    assert.match(message, new RegExp(`Cannot delete base connection ${lake.id} \\("Acme data lake"\\)`));
    assert.match(message, new RegExp(`dataflow ${partnerFlow.id} \\("Partner feed"\\)`));
    assert.match(message, /FLOW-1418/);
    assertNoStackTrace(message);
    assert.match(refused, /Partner feed/);
    // Our flows are gone; the lake connection stays, in AEP and in the state.
    assert.deepEqual(emulator.dataflows.flows().map((f) => f.id), [partnerFlow.id]);
    assert.ok(emulator.store.get(lake.id!));
    assert.ok((await exported()).some((r) => r.id === lake.id));

    const partnerDown = await partner.stack.destroy();
    printed.push(partnerDown.stdout, partnerDown.stderr);
    const destroyed = await stack.destroy();
    printed.push(destroyed.stdout, destroyed.stderr);
    assert.equal(destroyed.summary.result, "succeeded");
    assert.deepEqual(counts(), { baseConnections: 0, sourceConnections: 0, targetConnections: 0, mappingSets: 0, flows: 0, datasets: 0 });
    assert.deepEqual(await exported(), []);
  });

  it("no secret in plain text in anything the CLI printed or exported", () => {
    assert.ok(printed.length > 20);
    assert.deepEqual(plainSecretsIn(printed.join("\n"), emulator), []);
  });
});

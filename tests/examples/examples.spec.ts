/**
 * The example programs, unmodified, through the test engine: the SDK's own program runner and dynamic-provider
 * host, a JSON state file kept between runs, Azure resources mocked, AEP connections real against the emulator.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_IN_SCHEMAS, startEmulator, type Emulator } from "../../emulator";
import { aepObjectCounts, flowOf, pinnedMapping } from "../../harness/aep-objects";
import { isEncryptedSecret } from "../../harness/state";
import { TestEngine, type EngineResult, type StepOp } from "../../harness/test-engine";
import { aepConfigEntries } from "../../harness/aep-config";
import { azureInvokes, azureResourceOutputs, mockSecrets, tenantId } from "../../harness/azure-mocks";

const examplesDir = path.resolve(__dirname, "..", "..", "examples");
const DYNAMIC = "pulumi-nodejs:dynamic/aep:";
const CONNECTION = `${DYNAMIC}BaseConnection`;

/** Ops of the BaseConnection steps, by resource name. */
function connectionOps(result: EngineResult): Record<string, StepOp> {
  return Object.fromEntries(result.steps.filter((s) => s.type === CONNECTION).map((s) => [s.name, s.op]));
}

function assertSucceeded(result: EngineResult): void {
  assert.ok(result.succeeded, `run failed:\n${result.stderr}\n${result.diagnostics.map((d) => d.message).join("\n")}\n${result.providerOutput}`);
}

function writes(emulator: Emulator): string[] {
  return emulator.requests.filter((r) => r.kind === "flow" && r.method !== "GET").map((r) => `${r.method} ${r.route}`);
}

describe("examples/quickstart through the test engine", function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let dir: string;
  let engine: TestEngine;
  const secret = "quickstart-sp-secret-Zq9";

  before(async () => {
    emulator = await startEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-quickstart-"));
    engine = new TestEngine({
      programDir: path.join(examplesDir, "quickstart"),
      stateFile: path.join(dir, "state.json"),
      config: {
        ...aepConfigEntries(emulator),
        "aep-quickstart:storageAccountName": { value: "acmelake" },
        "aep-quickstart:tenantId": { value: tenantId },
        "aep-quickstart:servicePrincipalId": { value: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456" },
        "aep-quickstart:servicePrincipalSecret": { value: secret, secret: true },
      },
    });
  });
  after(async () => {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("preview plans one create and writes nothing", async () => {
    const result = await engine.preview();
    assertSucceeded(result);
    assert.deepEqual(connectionOps(result), { "quickstart-lake": "create" });
    assert.equal(emulator.store.list().length, 0);
    assert.deepEqual(writes(emulator), []);
  });

  it("up creates the connection; the state stores the secret only encrypted", async () => {
    const result = await engine.up();
    assertSucceeded(result);
    const [connection, ...others] = emulator.store.list();
    assert.equal(others.length, 0);
    assert.equal(connection!.name, "Quickstart data lake");
    assert.equal(connection!.auth.params["url"], "https://acmelake.dfs.core.windows.net");
    assert.equal(connection!.auth.params["servicePrincipalKey"], secret);
    assert.equal(result.outputs["connectionId"], connection!.id);
    const stateText = fs.readFileSync(path.join(dir, "state.json"), "utf8");
    assert.ok(!stateText.includes(secret), "no plain-text secret in the state file");
    assert.ok(!stateText.includes(emulator.env()["AEP_CLIENT_SECRET"]!), "no AEP client secret in the state file");
    assert.ok(stateText.includes("1b47061264138c4ac30d75fd1eb44270"), "secrets are stored as secrets");
  });

  it("a second up changes nothing", async () => {
    emulator.clearRequests();
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(connectionOps(result), { "quickstart-lake": "same" });
    assert.deepEqual(writes(emulator), []);
  });

  it("renaming and rotating the secret update in place, keeping the connection id", async () => {
    const before = emulator.store.list()[0]!.id;
    engine.setConfig("aep-quickstart:displayName", { value: "Renamed lake" });
    engine.setConfig("aep-quickstart:servicePrincipalSecret", { value: `${secret}-rotated`, secret: true });
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(connectionOps(result), { "quickstart-lake": "update" });
    const [connection] = emulator.store.list();
    assert.equal(connection!.id, before);
    assert.equal(connection!.name, "Renamed lake");
    assert.equal(connection!.auth.params["servicePrincipalKey"], `${secret}-rotated`);
  });

  it("refresh after an out-of-band delete drops it; the next up creates it again", async () => {
    emulator.store.remove(emulator.store.list()[0]!.id);
    const refreshed = await engine.refresh();
    assert.deepEqual(connectionOps(refreshed), { "quickstart-lake": "refresh-delete" });
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(connectionOps(result), { "quickstart-lake": "create" });
    assert.equal(emulator.store.list().length, 1);
  });

  it("bad config fails at preview naming the property, with no request to AEP", async () => {
    engine.setConfig("aep-quickstart:tenantId", { value: "not-a-tenant" });
    emulator.clearRequests();
    const result = await engine.preview();
    engine.setConfig("aep-quickstart:tenantId", { value: tenantId });
    assert.ok(!result.succeeded);
    // Named as the program wrote it (the component's `tenant` argument), not as the wire field auth.params.tenant.
    assert.match(result.diagnostics.map((d) => d.message).join("\n"), /tenant: is neither a tenant ID \(GUID\) nor a domain name/);
    assert.equal(emulator.requests.filter((r) => r.kind === "flow").length, 0);
  });

  it("with schemaId set, up adds a dataset and an hourly dataflow from the lake's CSV file into it", async () => {
    engine.setConfig("aep-quickstart:schemaId", { value: BUILT_IN_SCHEMAS[0]!.id });
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(connectionOps(result), { "quickstart-lake": "same" });
    const [flow, ...otherFlows] = emulator.dataflows.flows();
    assert.equal(otherFlows.length, 0);
    assert.equal(result.outputs["flowId"], flow!.id);
    assert.equal(flow!.name, "Quickstart customers");
    assert.equal(flow!.state, "enabled");
    assert.deepEqual({ ...flow!.scheduleParams }, { frequency: "hour", interval: 1, startTime: 1893996000 });
    const source = emulator.dataflows.sourceConnections().find((c) => c.id === flow!.sourceConnectionIds[0])!;
    assert.equal(source.baseConnectionId, emulator.store.list()[0]!.id);
    assert.equal(source.params["path"], "/acme-customers/customers.csv");
    const [dataset] = emulator.dataflows.datasets();
    assert.equal(dataset!.name, "Quickstart customers");
    assert.equal(emulator.dataflows.targetConnections().find((c) => c.id === flow!.targetConnectionIds[0])!.params["dataSetId"], dataset!.id);
  });

  it("destroy deletes the connection and the dataflow with everything it used", async () => {
    const result = await engine.destroy();
    assertSucceeded(result);
    assert.deepEqual(connectionOps(result), { "quickstart-lake": "delete" });
    assert.equal(emulator.store.list().length, 0);
    assert.deepEqual(aepObjectCounts(emulator), { baseConnections: 0, datasets: 0, sourceConnections: 0, targetConnections: 0, mappingSets: 0, flows: 0 });
  });
});

describe("examples/all-sources through the test engine", function () {
  this.timeout(300_000);
  let emulator: Emulator;
  let dir: string;
  let engine: TestEngine;
  const databricksToken = "dapi0123456789abcdef0123456789abcd";
  const expectedSpecs: Record<string, string> = {
    warehouse: "a49bcc7d-8038-43af-b1e4-5a7a089a7d79",
    "warehouse-sp": "a49bcc7d-8038-43af-b1e4-5a7a089a7d79",
    orders: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
    lake: "b3ba5556-48be-44b7-8b85-ff2b69b46dc4",
    tables: "ecde33f2-c56f-46cc-bdea-ad151c16cd69",
    bricks: "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b",
  };
  /** Each pipeline (resource name) and the base connection component it reads through. */
  const pipelines: Record<string, string> = { "warehouse-orders": "warehouse", orders: "orders", customers: "lake", "table-orders": "tables", "lakehouse-orders": "bricks" };
  const PIPELINE_TYPES = ["SourceConnection", "TargetConnection", "MappingSet", "Dataflow"].map((t) => `${DYNAMIC}${t}`);
  let upOutputs: Record<string, unknown> = {};

  before(async () => {
    emulator = await startEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-all-sources-"));
    engine = new TestEngine({
      programDir: path.join(examplesDir, "all-sources"),
      stateFile: path.join(dir, "state.json"),
      mocks: azureResourceOutputs,
      invokes: azureInvokes,
      config: {
        ...aepConfigEntries(emulator),
        "aep-all-sources:databricksClusterId": { value: "0923-164208-abcd1234" },
        "aep-all-sources:databricksToken": { value: databricksToken, secret: true },
        "aep-all-sources:schemaId": { value: BUILT_IN_SCHEMAS[0]!.id },
        "aep-all-sources:tenantNamespace": { value: "_acmeemulator" },
      },
    });
  });
  after(async () => {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function byName(): Map<string, string> {
    return new Map(emulator.store.list().map((c) => [c.name, c.id]));
  }

  /** The id state holds for dynamic resource `Type/name`. */
  function idOf(typeAndName: string): string {
    const [type, name] = typeAndName.split("/");
    const entry = engine.state()!.resources.find((r) => r.type === `${DYNAMIC}${type}` && r.urn.endsWith(`::${name}`));
    assert.ok(entry, `state holds ${typeAndName}`);
    return String(entry.id);
  }

  /** Ops of the pipeline objects' steps, as `op Type/name`, sorted. */
  function pipelineOps(result: EngineResult, ...ops: StepOp[]): string[] {
    return result.steps
      .filter((s) => PIPELINE_TYPES.includes(s.type) && ops.includes(s.op))
      .map((s) => `${s.op} ${s.type.slice(DYNAMIC.length)}/${s.name}`)
      .sort();
  }

  const flow = (id: string) => flowOf(emulator, id);
  const pinned = (flowId: string) => pinnedMapping(flow(flowId));
  const EMPTY = { baseConnections: 0, datasets: 0, sourceConnections: 0, targetConnections: 0, mappingSets: 0, flows: 0 };
  /** What AEP holds with the five pipelines and their dataset (and `baseConnections` connections). */
  const PIPELINES = { baseConnections: 6, datasets: 1, sourceConnections: 5, targetConnections: 5, mappingSets: 5, flows: 5 };

  it("preview plans six connection creates, a dataset and five dataflows, and writes nothing", async () => {
    const result = await engine.preview();
    assertSucceeded(result);
    assert.deepEqual(Object.values(connectionOps(result)), Array(6).fill("create"));
    assert.equal(result.steps.filter((s) => s.type === `${DYNAMIC}Dataset` && s.op === "create").length, 1);
    assert.equal(pipelineOps(result, "create").length, 4 * 5);
    assert.deepEqual(writes(emulator), []);
  });

  it("up creates one connection per source from the Azure resources' outputs", async () => {
    const result = await engine.up();
    assertSucceeded(result);
    const stored = emulator.store.list();
    assert.equal(stored.length, 6);
    const state = engine.state();
    assert.ok(state, "a state file was written");
    for (const [resource, specId] of Object.entries(expectedSpecs)) {
      const entry = state.resources.find((r) => r.type === CONNECTION && r.urn.endsWith(`::${resource}`));
      assert.ok(entry, `state holds ${resource}`);
      const connection = emulator.store.get(String(entry.id));
      assert.ok(connection, `${resource} exists in AEP`);
      assert.equal(connection.connectionSpec.id, specId);
    }
    const orders = stored.find((c) => c.name === "Acme orders")!;
    assert.match(String(orders.auth.params["connectionString"]), /^Data Source=orders[0-9a-f]{8}\.database\.windows\.net;Initial Catalog=orders[0-9a-f]+;Integrated Security=False;User ID=aepadmin;Password="Pw;/);
    const lake = stored.find((c) => c.name === "Acme data lake")!;
    assert.match(String(lake.auth.params["url"]), /^https:\/\/lake[0-9a-f]{8}\.dfs\.core\.windows\.net$/);
    const bricks = stored.find((c) => c.name === "Acme lakehouse")!;
    assert.match(String(bricks.auth.params["domain"]), /^https:\/\/adb-\d+\.7\.azuredatabricks\.net$/);
    const ids = result.outputs["connectionIds"] as Record<string, unknown>;
    assert.deepEqual(Object.keys(ids).sort(), ["adlsGen2", "databricks", "sqlServer", "synapse", "synapseServicePrincipal", "tableStorage"]);
    upOutputs = result.outputs;

    const stateText = fs.readFileSync(path.join(dir, "state.json"), "utf8");
    for (const value of [...mockSecrets(["1"]), databricksToken]) {
      assert.ok(!stateText.includes(value), "no secret in plain text in the state file");
    }
    // The secret params are kept for diff in one output, which BaseConnection marks secret (additionalSecretOutputs).
    const revealed = engine.resources();
    for (const entry of state.resources.filter((r) => r.type === CONNECTION)) {
      assert.ok(isEncryptedSecret(entry.outputs["secretAuthParams"]), `${entry.urn}: secretAuthParams stored as ciphertext`);
      const plain = revealed.find((r) => r.urn === entry.urn)!.outputs["secretAuthParams"] as { secret: boolean; value: Record<string, unknown> };
      const stored = emulator.store.get(String(entry.id))!;
      assert.deepEqual(Object.keys(plain.value), Object.keys(stored.auth.params).filter((key) => !(key in (entry.outputs["authParams"] as object))));
    }
    const bricksEntry = revealed.find((r) => r.type === CONNECTION && r.id === bricks.id)!;
    assert.deepEqual(bricksEntry.outputs["secretAuthParams"], { secret: true, value: { accessToken: databricksToken } });
  });

  it("up also creates a dataset and one enabled dataflow per source into it, each reading through its source's connection", async () => {
    assert.deepEqual(aepObjectCounts(emulator), PIPELINES);
    const dataset = emulator.dataflows.datasets()[0]!;
    assert.equal(dataset.id, idOf("Dataset/orders"));
    const flowIds = upOutputs["flowIds"] as Record<string, string>;
    assert.equal(Object.keys(flowIds).length, 5);
    for (const [pipeline, connection] of Object.entries(pipelines)) {
      const f = flow(idOf(`Dataflow/${pipeline}`));
      assert.equal(f.state, "enabled", pipeline);
      assert.ok(Object.values(flowIds).includes(f.id), `${pipeline} is exported`);
      const source = emulator.dataflows.sourceConnections().find((c) => c.id === f.sourceConnectionIds[0])!;
      assert.equal(source.baseConnectionId, idOf(`BaseConnection/${connection}`), `${pipeline} reads through ${connection}`);
      const target = emulator.dataflows.targetConnections().find((c) => c.id === f.targetConnectionIds[0])!;
      assert.equal(target.params["dataSetId"], dataset.id);
      assert.deepEqual(pinned(f.id), { mappingId: idOf(`MappingSet/${pipeline}`), mappingVersion: 0 });
      assert.deepEqual({ ...f.scheduleParams }, { frequency: "hour", interval: 1, startTime: 1893996000 });
    }
    assert.equal(flow(idOf("Dataflow/orders")).name, "Acme orders");
  });

  it("a second up updates nothing", async () => {
    emulator.clearRequests();
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(new Set(result.steps.filter((s) => s.type.startsWith(DYNAMIC)).map((s) => s.op)), new Set(["same"]));
    assert.deepEqual(writes(emulator), []);
  });

  it("a rename and a password rotation update in place, keeping every connection and flow id", async () => {
    const idsBefore = [...byName().values()].sort();
    const flowsBefore = emulator.dataflows.flows().map((f) => f.id).sort();
    engine.setConfig("aep-all-sources:namePrefix", { value: "Contoso" });
    engine.setConfig("aep-all-sources:passwordRotation", { value: "2" });
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(new Set(Object.values(connectionOps(result))), new Set(["update"]));
    // The pipelines' display names follow the prefix, in place; the dataset keeps its name (a rename would replace it).
    assert.equal(pipelineOps(result, "update").length, 4 * 5);
    assert.deepEqual(pipelineOps(result, "replace", "create", "delete"), []);
    assert.deepEqual([...byName().values()].sort(), idsBefore, "same connection ids");
    assert.deepEqual(emulator.dataflows.flows().map((f) => f.id).sort(), flowsBefore, "same flow ids");
    assert.equal(flow(idOf("Dataflow/orders")).name, "Contoso orders");
    const orders = emulator.store.list().find((c) => c.name === "Contoso orders");
    assert.ok(orders, "renamed");
    assert.ok(String(orders.auth.params["connectionString"]).includes(mockSecrets(["2"])[1]!.replace(/"/g, '""')), "rotated password sent");
  });

  it("a schedule change and a mapping change update the dataflows in place, each pinning its set's new version", async () => {
    const flowsBefore = emulator.dataflows.flows().map((f) => f.id).sort();
    engine.setConfig("aep-all-sources:ingestEveryHours", { value: "6" });
    engine.setConfig("aep-all-sources:mapOrderDetails", { value: "true" });
    const result = await engine.up();
    assertSucceeded(result);
    const orderPipelines = Object.keys(pipelines).filter((p) => p !== "customers");
    assert.deepEqual(pipelineOps(result, "update"), [
      ...Object.keys(pipelines).map((p) => `update Dataflow/${p}`),
      ...orderPipelines.map((p) => `update MappingSet/${p}`),
    ].sort());
    assert.deepEqual(emulator.dataflows.flows().map((f) => f.id).sort(), flowsBefore, "same flow ids");
    for (const pipeline of Object.keys(pipelines)) {
      const f = flow(idOf(`Dataflow/${pipeline}`));
      assert.equal(f.scheduleParams?.["interval"], 6, pipeline);
      const set = emulator.dataflows.mappingSets().find((m) => m.id === idOf(`MappingSet/${pipeline}`))!;
      const current = set.versions[set.versions.length - 1]!;
      assert.deepEqual(pinned(f.id), { mappingId: set.id, mappingVersion: current.version }, `${pipeline} pins the current version`);
      assert.equal(current.mappings.some((m) => m.destination === "_acmeemulator.isGift"), pipeline !== "customers");
    }
  });

  it("a table change replaces the SQL Server dataflow and its source connection, leaving no old object", async () => {
    const flowBefore = idOf("Dataflow/orders");
    const sourceBefore = idOf("SourceConnection/orders");
    engine.setConfig("aep-all-sources:ordersTable", { value: "dbo.orders_2027" });
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(pipelineOps(result, "replace", "update", "create", "delete"), ["replace Dataflow/orders", "replace SourceConnection/orders"]);
    const flowAfter = flow(idOf("Dataflow/orders"));
    assert.notEqual(flowAfter.id, flowBefore);
    assert.deepEqual(flowAfter.sourceConnectionIds, [idOf("SourceConnection/orders")]);
    assert.notEqual(idOf("SourceConnection/orders"), sourceBefore);
    assert.equal(emulator.dataflows.sourceConnections().find((c) => c.id === flowAfter.sourceConnectionIds[0])!.params["tableName"], "dbo.orders_2027");
    assert.ok(!emulator.dataflows.flows().some((f) => f.id === flowBefore), "the old flow is gone");
    assert.ok(!emulator.dataflows.sourceConnections().some((c) => c.id === sourceBefore), "the old source connection is gone");
    assert.deepEqual(aepObjectCounts(emulator), PIPELINES);
  });

  it("refresh after an out-of-band disable records it; the next up enables the flow again", async () => {
    const flowId = idOf("Dataflow/customers");
    emulator.dataflows.modifyFlow(flowId, { state: "disabled" });
    const refreshed = await engine.refresh();
    // Only that flow changed (the first refresh also records the dataset's Catalog state, which a create does not read).
    assert.deepEqual(pipelineOps(refreshed, "refresh-update"), ["refresh-update Dataflow/customers"]);
    const stored = engine.state()!.resources.find((r) => r.id === flowId)!;
    assert.deepEqual([stored.outputs["state"], stored.outputs["enabled"]], ["disabled", false]);
    const result = await engine.up();
    assertSucceeded(result);
    assert.deepEqual(pipelineOps(result, "update", "replace"), ["update Dataflow/customers"]);
    assert.equal(flow(flowId).state, "enabled");
  });

  it("refresh after an out-of-band delete drops only that connection; up recreates it and the dataflow that read through it", async () => {
    const lakeId = byName().get("Contoso data lake")!;
    const customersBefore = idOf("Dataflow/customers");
    emulator.store.remove(lakeId);
    const refreshed = await engine.refresh();
    assert.equal(connectionOps(refreshed)["lake"], "refresh-delete");
    const result = await engine.up();
    assertSucceeded(result);
    assert.equal(connectionOps(result)["lake"], "create");
    assert.equal(emulator.store.list().length, 6);
    // A new base connection means a new source connection, and with it a new dataflow.
    assert.deepEqual(pipelineOps(result, "replace", "update"), ["replace Dataflow/customers", "replace SourceConnection/customers"]);
    const customers = flow(idOf("Dataflow/customers"));
    assert.notEqual(customers.id, customersBefore);
    const source = emulator.dataflows.sourceConnections().find((c) => c.id === customers.sourceConnectionIds[0])!;
    assert.equal(source.baseConnectionId, idOf("BaseConnection/lake"));
    assert.deepEqual(aepObjectCounts(emulator), PIPELINES);
  });

  it("destroy deletes every connection, dataflow and dataset", async () => {
    const result = await engine.destroy();
    assertSucceeded(result);
    assert.equal(emulator.store.list().length, 0);
    assert.deepEqual(aepObjectCounts(emulator), EMPTY);
  });
});

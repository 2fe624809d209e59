/**
 * The explore functions for programs: `defaultMappings` in process, and `exploreTables`, `exploreFolder`,
 * `exploreTableColumns`, `exploreFileColumns` in a real program (tests/components/fixtures/explore) run by the test
 * engine against the emulator's built-in catalogue, including a preview of a new stack with no AEP settings at all.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { startEmulator, type Emulator } from "../../emulator";
import { aepConfigEntries } from "../../harness/aep-config";
import { TestEngine, unknown, type ConfigEntry, type EngineResult } from "../../harness/test-engine";
import { defaultMappings, exploreTables } from "../../components";
import { SETTING_NAMES, SETTINGS } from "../../provider/flow-service/settings";

/** The value of an Output, or its rejection (Output's own `promise`, which the SDK uses, is not public). */
function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return (output as unknown as { promise(): Promise<T> }).promise();
}

describe("defaultMappings", () => {
  const columns = ["customer_id", "customer-id2", "Customer Name", "ID", "RowKey", "updated_at"].map((name) => ({ name, type: "string" }));

  it("maps each column to <prefix>.<camelCase>, as an attribute", async () => {
    const mappings = await settled(defaultMappings(columns, { destinationPrefix: "_acme" }));
    assert.deepEqual(mappings, [
      { sourceType: "ATTRIBUTE", source: "customer_id", destination: "_acme.customerId" },
      { sourceType: "ATTRIBUTE", source: "customer-id2", destination: "_acme.customerId2" },
      { sourceType: "ATTRIBUTE", source: "Customer Name", destination: "_acme.customerName" },
      { sourceType: "ATTRIBUTE", source: "ID", destination: "_acme.id" },
      { sourceType: "ATTRIBUTE", source: "RowKey", destination: "_acme.rowKey" },
      { sourceType: "ATTRIBUTE", source: "updated_at", destination: "_acme.updatedAt" },
    ]);
  });

  it("`Customer ID` maps to customerId, as documented", async () => {
    const [mapping] = await settled(defaultMappings([{ name: "Customer ID" }], { destinationPrefix: "_acme" }));
    assert.equal(mapping!.destination, "_acme.customerId");
  });

  it("honours destinations and exclude, on an Output of columns too", async () => {
    const mappings = await settled(
      defaultMappings(pulumi.output(columns), {
        destinationPrefix: "_acme",
        destinations: { ID: "_acme.orderId", "Customer Name": "person.name.fullName" },
        exclude: ["customer-id2", "RowKey"],
      }),
    );
    assert.deepEqual(
      mappings.map((m) => [m.source, m.destination]),
      [
        ["customer_id", "_acme.customerId"],
        ["Customer Name", "person.name.fullName"],
        ["ID", "_acme.orderId"],
        ["updated_at", "_acme.updatedAt"],
      ],
    );
  });

  it("refuses a destination or an exclusion that names no column, naming it (a misspelt exclusion would map the column)", async () => {
    await assert.rejects(settled(defaultMappings(columns, { destinationPrefix: "_acme", exclude: ["RowKye"] })), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e), "a RunError: the program reports its message only, no stack");
      assert.equal(e.message, 'defaultMappings: exclude: names no column: "RowKye" (did you mean "RowKey"?); the columns are customer_id, customer-id2, Customer Name, ID, RowKey, updated_at');
      return true;
    });
    await assert.rejects(settled(defaultMappings(columns, { destinationPrefix: "_acme", destinations: { customer: "_acme.customerId" } })), /^Error: defaultMappings: destinations: names no column: "customer" \(did you mean "customer_id"\?\)/);
  });
});

describe("explore arguments (setMocks)", () => {
  before(() => {
    pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, "explore-test", "dev", false);
  });

  it("a timeout that is no duration fails naming `timeout`, before any request (none could be made here)", async () => {
    await assert.rejects(settled(exploreTables({ connectionId: "8a0b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", timeout: "90" })), (e: Error) => {
      assert.ok(pulumi.RunError.isInstance(e));
      assert.match(e.message, /^exploreTables: timeout: expected durations such as "90s", "5m" or "1h30m", between 1s and 24h, .*\(got "90"\)$/);
      return true;
    });
  });
});

describe("explore in a program (test engine, emulator)", function () {
  this.timeout(240_000);
  const programDir = path.join(__dirname, "fixtures", "explore");
  /** Every AEP_* variable of the settings, emptied: the settings may come only from the stack config these tests give. */
  const noAepEnv = Object.fromEntries(SETTING_NAMES.map((setting) => [SETTINGS[setting].env, ""]));
  let emulator: Emulator;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-explore-"));
  });
  after(async () => {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function stack(name: string, config: Record<string, ConfigEntry>): TestEngine {
    return new TestEngine({ programDir, stateFile: path.join(dir, `${name}.json`), config, programEnv: noAepEnv, providerEnv: noAepEnv });
  }

  function assertSucceeded(result: EngineResult): void {
    assert.ok(result.succeeded, `run failed:\n${result.stderr}\n${result.diagnostics.map((d) => d.message).join("\n")}\n${result.providerOutput}`);
  }

  const EXPLORED = ["tablesOf", "orderColumnNames", "lakeRoot", "lakeFolder", "customerFileColumns", "orderMappings"];

  it("a preview of a new stack with no AEP settings at all succeeds: explore waits for connection ids that do not exist yet", async () => {
    const result = await stack("bare", {}).preview();
    assertSucceeded(result);
    for (const output of EXPLORED.filter((o) => o !== "tablesOf")) assert.equal(result.outputs[output], unknown, `${output} is unknown at preview`);
    assert.deepEqual(Object.values(result.outputs["tablesOf"] as object), [unknown, unknown, unknown, unknown]);
    assert.ok(result.steps.some((step) => step.type === "pulumi-nodejs:dynamic/aep:Dataflow" && step.op === "create"), "the pipeline built from explore is planned");
  });

  it("the same preview with AEP settings sends no request at all", async () => {
    emulator.clearRequests();
    const result = await stack("preview", aepConfigEntries(emulator)).preview();
    assertSucceeded(result);
    assert.deepEqual(emulator.requests.map((r) => `${r.method} ${r.route}`), []);
  });

  describe("up", () => {
    let engine: TestEngine;
    let up: EngineResult;
    before(async () => {
      engine = stack("up", aepConfigEntries(emulator));
      up = await engine.up();
    });

    it("returns the emulator's built-in catalogue: the tables of each table source, a table's and a file's columns, ADLS folders", () => {
      assertSucceeded(up);
      assert.deepEqual(up.outputs["tablesOf"], {
        synapse: ["sales.orders", "sales.customers"],
        sqlServer: ["dbo.orders", "dbo.customers"],
        tableStorage: ["orders"],
        databricks: ["default.orders", "default.customers"],
      });
      assert.deepEqual(up.outputs["orderColumnNames"], ["id", "customer_id", "amount", "is_gift", "updated_at"]);
      assert.deepEqual(up.outputs["lakeRoot"], [{ type: "folder", path: "/acme-customers/" }]);
      assert.deepEqual(up.outputs["lakeFolder"], ["/acme-customers/orders/2026-01.json", "/acme-customers/orders/2026-02.parquet"]);
      assert.deepEqual(up.outputs["customerFileColumns"], ["id", "email", "first_name", "last_name", "updated_at"]);
    });

    it("deploys a pipeline built from what explore returned: its columns, and defaultMappings with destinations and exclude", () => {
      assertSucceeded(up);
      const expected = [
        { sourceType: "ATTRIBUTE", source: "id", destination: "_acmeemulator.orderId" },
        { sourceType: "ATTRIBUTE", source: "customer_id", destination: "_acmeemulator.customerId" },
        { sourceType: "ATTRIBUTE", source: "amount", destination: "_acmeemulator.amount" },
        { sourceType: "ATTRIBUTE", source: "updated_at", destination: "_acmeemulator.updatedAt" },
      ];
      assert.deepEqual(up.outputs["orderMappings"], expected);
      const [flow, ...otherFlows] = emulator.dataflows.flows();
      assert.equal(otherFlows.length, 0);
      assert.equal(up.outputs["flowId"], flow!.id);
      const [mappingSet] = emulator.dataflows.mappingSets();
      const current = mappingSet!.versions.at(-1)!;
      assert.deepEqual(
        current.mappings.map((m) => [m.source, m.destination]),
        expected.map((m) => [m.source, m.destination]),
      );
      const [sourceConnection] = emulator.dataflows.sourceConnections();
      assert.equal(sourceConnection!.params["tableName"], "dbo.orders");
      assert.deepEqual((sourceConnection!.params["columns"] as { name: string }[]).map((c) => c.name), ["id", "customer_id", "amount", "is_gift", "updated_at"]);
    });

    it("a preview of the deployed stack explores the known connections and plans no change", async () => {
      emulator.clearRequests();
      const result = await engine.preview();
      assertSucceeded(result);
      assert.deepEqual([...new Set(result.steps.map((step) => step.op))], ["same"]);
      assert.equal(emulator.requests.filter((r) => r.method === "GET" && r.route.endsWith("/explore")).length, 8, "one explore call each");
      assert.deepEqual(result.outputs["orderMappings"], up.outputs["orderMappings"]);
    });
  });

  it("a table the connection does not have fails the up with one message naming the function, no stack, no SDK prefix", async () => {
    const result = await stack("missing-table", { ...aepConfigEntries(emulator), "explore:table": { value: "dbo.nope" } }).up();
    assert.equal(result.succeeded, false);
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    assert.equal(errors.length, 1, JSON.stringify(errors, null, 1));
    assert.match(errors[0]!.message.trim(), /^exploreTableColumns: GET \/connections\/[0-9a-f-]{36}\/explore failed: 404 Not Found \[FLOW-1101\].*dbo\.nope does not exist/);
    const everything = [result.stdout, result.stderr, ...result.diagnostics.map((d) => d.message)].join("\n");
    assert.ok(!/\n\s+at /.test(everything), `no stack trace:\n${everything}`);
    assert.ok(!/error serializing|unhandled exception|\[Circular/.test(everything), `no SDK noise:\n${everything}`);
  });
});

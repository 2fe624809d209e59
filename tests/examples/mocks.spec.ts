/**
 * The examples under `pulumi.runtime.setMocks` (each in its own process: mocks are process-global), asserting
 * the resources they declare: the Azure resources and one AEP component per connection, wired together.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { BUILT_IN_SCHEMAS } from "../../emulator";
import { tenantId } from "../../harness/azure-mocks";
import { aepIdOf } from "./run-under-mocks";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const root = path.resolve(__dirname, "..", "..");
const SCHEMA_ID = BUILT_IN_SCHEMAS[0]!.id;

function runUnderMocks(example: string, config: Record<string, string>): { registered: Registered[]; exports: string[] } {
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(__dirname, "run-under-mocks.ts"), path.join(root, "examples", example), JSON.stringify(config)],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  const last = run.stdout.trim().split("\n").pop()!;
  return JSON.parse(last) as { registered: Registered[]; exports: string[] };
}

function typesOf(registered: Registered[]): string[] {
  return registered.map((r) => `${r.type}::${r.name}`).sort();
}

describe("examples under pulumi.runtime.setMocks", function () {
  this.timeout(120_000);

  it("quickstart declares one ADLS Gen2 connection from its config", () => {
    const { registered, exports } = runUnderMocks("quickstart", {
      "aep-quickstart:storageAccountName": "acmelake",
      "aep-quickstart:tenantId": tenantId,
      "aep-quickstart:servicePrincipalId": "e7b8c1f2-1234-4c9a-9f3e-abcdef123456",
      "aep-quickstart:servicePrincipalSecret": "s3cret",
    });
    assert.deepEqual(typesOf(registered), [
      "aep:azure:AdlsGen2Connection::quickstart-lake",
      "pulumi-nodejs:dynamic/aep:BaseConnection::quickstart-lake",
    ]);
    const connection = registered.find((r) => r.type.startsWith("pulumi-nodejs"))!;
    assert.equal(connection.inputs["source"], "adls-gen2");
    assert.equal(connection.inputs["name"], "Quickstart data lake");
    assert.deepEqual(exports.sort(), ["connectionId", "flowId", "state"]);
  });

  it("quickstart with schemaId also declares a dataset and a dataflow from the lake's CSV file into it", () => {
    const { registered } = runUnderMocks("quickstart", {
      "aep-quickstart:storageAccountName": "acmelake",
      "aep-quickstart:tenantId": tenantId,
      "aep-quickstart:servicePrincipalId": "e7b8c1f2-1234-4c9a-9f3e-abcdef123456",
      "aep-quickstart:servicePrincipalSecret": "s3cret",
      "aep-quickstart:schemaId": SCHEMA_ID,
    });
    assert.deepEqual(typesOf(registered), [
      "aep:azure:AdlsGen2Connection::quickstart-lake",
      "aep:azure:Pipeline::quickstart-customers",
      "pulumi-nodejs:dynamic/aep:BaseConnection::quickstart-lake",
      "pulumi-nodejs:dynamic/aep:Dataflow::quickstart-customers",
      "pulumi-nodejs:dynamic/aep:Dataset::quickstart-customers",
      "pulumi-nodejs:dynamic/aep:MappingSet::quickstart-customers",
      "pulumi-nodejs:dynamic/aep:SourceConnection::quickstart-customers",
      "pulumi-nodejs:dynamic/aep:TargetConnection::quickstart-customers",
    ]);
    const inputs = (type: string) => registered.find((r) => r.type === `pulumi-nodejs:dynamic/aep:${type}`)!.inputs;
    assert.equal(inputs("SourceConnection")["baseConnectionId"], aepIdOf("pulumi-nodejs:dynamic/aep:BaseConnection", "quickstart-lake"));
    assert.deepEqual(inputs("SourceConnection")["file"], { path: "/acme-customers/customers.csv", format: "delimited" });
    assert.equal(inputs("TargetConnection")["datasetId"], aepIdOf("pulumi-nodejs:dynamic/aep:Dataset", "quickstart-customers"));
    assert.equal(inputs("Dataflow")["mappingSetId"], aepIdOf("pulumi-nodejs:dynamic/aep:MappingSet", "quickstart-customers"));
  });

  it("all-sources declares the Azure resources and one connection per source, fed by their outputs", () => {
    const { registered, exports } = runUnderMocks("all-sources", {
      "aep-all-sources:databricksClusterId": "0923-164208-abcd1234",
      "aep-all-sources:databricksToken": "dapi0123",
      "aep-all-sources:schemaId": SCHEMA_ID,
    });
    const types = typesOf(registered);
    for (const expected of [
      "azure-native:resources:ResourceGroup::aep-sources",
      "azure-native:storage:StorageAccount::lake",
      "azuread:index/application:Application::aep-reader",
      "azuread:index/servicePrincipal:ServicePrincipal::aep-reader",
      "azuread:index/applicationPassword:ApplicationPassword::aep-reader",
      "azure-native:authorization:RoleAssignment::aep-reader-blob-data-reader",
      "random:index/randomPassword:RandomPassword::sql-admin",
      "azure-native:sql:Server::orders",
      "azure-native:sql:Database::orders",
      "azure-native:synapse:Workspace::warehouse",
      "azure-native:synapse:SqlPool::salesdw",
      "azure-native:databricks:Workspace::bricks",
      "azure-native:storage:BlobContainer::acme-customers",
      "azure-native:storage:Table::orders",
      "aep:azure:SynapseConnection::warehouse",
      "aep:azure:SynapseConnection::warehouse-sp",
      "aep:azure:SqlServerConnection::orders",
      "aep:azure:AdlsGen2Connection::lake",
      "aep:azure:TableStorageConnection::tables",
      "aep:azure:DatabricksConnection::bricks",
    ]) {
      assert.ok(types.includes(expected), `declares ${expected}`);
    }
    const connections = registered.filter((r) => r.type === "pulumi-nodejs:dynamic/aep:BaseConnection");
    assert.deepEqual(connections.map((c) => c.inputs["source"]).sort(), ["adls-gen2", "databricks", "sql-server", "synapse", "synapse", "table-storage"]);
    const bricks = connections.find((c) => c.name === "bricks")!;
    const bricksParams = (bricks.inputs["auth"] as { value: { params: Record<string, unknown> } }).value.params;
    assert.match(String(bricksParams["domain"]), /^https:\/\/adb-\d+\.7\.azuredatabricks\.net$/, "the workspace URL comes from the Databricks workspace");
    assert.deepEqual(exports, ["connectionIds", "datasetId", "flowIds"]);
  });

  it("all-sources declares one dataset and a dataflow per source into it, each wired to its own connection", () => {
    const { registered } = runUnderMocks("all-sources", {
      "aep-all-sources:databricksClusterId": "0923-164208-abcd1234",
      "aep-all-sources:databricksToken": "dapi0123",
      "aep-all-sources:schemaId": SCHEMA_ID,
      "aep-all-sources:tenantNamespace": "_contoso",
    });
    const ofType = (type: string) => registered.filter((r) => r.type === `pulumi-nodejs:dynamic/aep:${type}`);
    const [dataset, ...otherDatasets] = ofType("Dataset");
    assert.equal(otherDatasets.length, 0);
    assert.equal(dataset!.inputs["schemaId"], SCHEMA_ID);
    const pipelines = registered.filter((r) => r.type === "aep:azure:Pipeline").map((r) => r.name).sort();
    assert.deepEqual(pipelines, ["customers", "lakehouse-orders", "orders", "table-orders", "warehouse-orders"]);
    // The mocks give each resource an id derived from its type and name: the same as the program saw.
    const idOf = (type: string, name: string) => aepIdOf(`pulumi-nodejs:dynamic/aep:${type}`, name);
    const connectionOf: Record<string, string> = { customers: "lake", "lakehouse-orders": "bricks", orders: "orders", "table-orders": "tables", "warehouse-orders": "warehouse" };
    for (const pipeline of pipelines) {
      const of = (type: string) => ofType(type).find((r) => r.name === pipeline)!.inputs;
      assert.equal(of("SourceConnection")["baseConnectionId"], idOf("BaseConnection", connectionOf[pipeline]!), `${pipeline} reads through its source's connection`);
      assert.equal(of("TargetConnection")["datasetId"], idOf("Dataset", "orders"), `${pipeline} writes into the dataset`);
      assert.equal(of("MappingSet")["schemaId"], SCHEMA_ID);
      const flow = of("Dataflow");
      assert.deepEqual(
        [flow["sourceConnectionId"], flow["targetConnectionId"], flow["mappingSetId"], flow["mappingVersion"]],
        [idOf("SourceConnection", pipeline), idOf("TargetConnection", pipeline), idOf("MappingSet", pipeline), 0],
      );
      assert.deepEqual(flow["schedule"], { frequency: "hour", interval: 1, startTime: "2030-01-07T06:00:00Z" });
      const destinations = (of("MappingSet")["mappings"] as { destination: string }[]).map((m) => m.destination);
      assert.ok(destinations.includes("_contoso.customerId"), `${pipeline} maps into the configured tenant namespace`);
    }
    const input = (type: string, name: string, key: string) => ofType(type).find((r) => r.name === name)!.inputs[key] as Record<string, unknown>;
    assert.equal(input("SourceConnection", "orders", "table")["tableName"], "dbo.orders");
    assert.equal(input("SourceConnection", "customers", "file")["path"], "/acme-customers/customers.csv");
    assert.equal(input("Dataflow", "table-orders", "deltaColumn")["name"], "Timestamp");
    assert.equal(input("Dataflow", "customers", "deltaColumn"), undefined, "a file source's flow has no delta column");
  });
});

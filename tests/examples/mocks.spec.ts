/**
 * The examples under `pulumi.runtime.setMocks` (each in its own process: mocks are process-global), asserting
 * the resources they declare: the Azure resources and one AEP component per connection, wired together.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { tenantId } from "../../harness/azure-mocks";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const root = path.resolve(__dirname, "..", "..");

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
    assert.deepEqual(exports.sort(), ["connectionId", "state"]);
  });

  it("all-sources declares the Azure resources and one connection per source, fed by their outputs", () => {
    const { registered, exports } = runUnderMocks("all-sources", {
      "aep-all-sources:databricksClusterId": "0923-164208-abcd1234",
      "aep-all-sources:databricksToken": "dapi0123",
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
    assert.deepEqual(exports, ["connectionIds"]);
  });
});

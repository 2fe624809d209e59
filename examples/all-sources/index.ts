import * as azuread from "@pulumi/azuread";
import * as authorization from "@pulumi/azure-native/authorization";
import * as databricks from "@pulumi/azure-native/databricks";
import * as resources from "@pulumi/azure-native/resources";
import * as sql from "@pulumi/azure-native/sql";
import * as storage from "@pulumi/azure-native/storage";
import * as synapse from "@pulumi/azure-native/synapse";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AdlsGen2Connection,
  DatabricksConnection,
  Dataset,
  SqlServerConnection,
  SynapseConnection,
  TableStorageConnection,
} from "pulumi-aep-azure";

const config = new pulumi.Config();
const prefix = config.get("namePrefix") ?? "Acme";
const rotation = config.get("passwordRotation") ?? "1";
const client = authorization.getClientConfigOutput();

const group = new resources.ResourceGroup("aep-sources");

// --- Storage: one StorageV2 account with a hierarchical namespace serves ADLS Gen2 and Table Storage.
const lake = new storage.StorageAccount("lake", {
  resourceGroupName: group.name,
  kind: storage.Kind.StorageV2,
  sku: { name: storage.SkuName.Standard_LRS },
  isHnsEnabled: true,
  minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
});
const lakeKeys = storage.listStorageAccountKeysOutput({ resourceGroupName: group.name, accountName: lake.name });
// Where the customer files land (the ADLS Gen2 dataflow reads /acme-customers/customers.csv) and the orders table.
new storage.BlobContainer("acme-customers", { resourceGroupName: group.name, accountName: lake.name, containerName: "acme-customers" });
new storage.Table("orders", { resourceGroupName: group.name, accountName: lake.name, tableName: "orders" });

// --- An Entra ID application that AEP uses to read the lake and the Synapse pool.
const reader = new azuread.Application("aep-reader", { displayName: `${prefix} AEP reader` });
const readerPrincipal = new azuread.ServicePrincipal("aep-reader", { clientId: reader.clientId });
const readerSecret = new azuread.ApplicationPassword("aep-reader", { applicationId: reader.id });
new authorization.RoleAssignment("aep-reader-blob-data-reader", {
  scope: lake.id,
  principalId: readerPrincipal.objectId,
  principalType: authorization.PrincipalType.ServicePrincipal,
  // Storage Blob Data Reader
  roleDefinitionId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1`,
});

// --- Azure SQL: a server and a database, with a generated admin password.
const sqlPassword = new random.RandomPassword("sql-admin", { length: 24, special: true, keepers: { rotation } });
const sqlServer = new sql.Server("orders", {
  resourceGroupName: group.name,
  administratorLogin: "aepadmin",
  administratorLoginPassword: sqlPassword.result,
  version: "12.0",
  minimalTlsVersion: "1.2",
});
const ordersDb = new sql.Database("orders", { resourceGroupName: group.name, serverName: sqlServer.name });

// --- Synapse: a workspace on the lake and a dedicated SQL pool.
const synapsePassword = new random.RandomPassword("synapse-admin", { length: 24, special: true, keepers: { rotation } });
const workspace = new synapse.Workspace("warehouse", {
  resourceGroupName: group.name,
  identity: { type: synapse.ResourceIdentityType.SystemAssigned },
  defaultDataLakeStorage: { accountUrl: lake.primaryEndpoints.dfs, filesystem: "synapse" },
  sqlAdministratorLogin: "aepadmin",
  sqlAdministratorLoginPassword: synapsePassword.result,
});
const salesPool = new synapse.SqlPool("salesdw", {
  resourceGroupName: group.name,
  workspaceName: workspace.name,
  sku: { name: "DW100c" },
  createMode: synapse.CreateMode.Default,
});
const synapseSqlEndpoint = workspace.connectivityEndpoints.apply((endpoints) => endpoints?.["sql"] ?? "");

// --- Databricks: the workspace; the interactive cluster and its token are made in Databricks itself.
const bricks = new databricks.Workspace("bricks", {
  resourceGroupName: group.name,
  managedResourceGroupId: pulumi.interpolate`/subscriptions/${client.subscriptionId}/resourceGroups/aep-bricks-managed`,
  sku: { name: "premium" },
});

// --- The AEP base connections, one per source.
const warehouse = new SynapseConnection("warehouse", {
  displayName: `${prefix} sales warehouse`,
  sqlLogin: { server: synapseSqlEndpoint, database: salesPool.name, user: "aepadmin", password: synapsePassword.result },
});
const warehouseSp = new SynapseConnection("warehouse-sp", {
  displayName: `${prefix} sales warehouse (service principal)`,
  servicePrincipal: {
    server: synapseSqlEndpoint,
    database: salesPool.name,
    tenant: client.tenantId,
    servicePrincipalId: reader.clientId,
    servicePrincipalSecret: readerSecret.value,
  },
});
const orders = new SqlServerConnection("orders", {
  displayName: `${prefix} orders`,
  sqlLogin: { server: sqlServer.fullyQualifiedDomainName, database: ordersDb.name, user: "aepadmin", password: sqlPassword.result },
});
const lakeConnection = new AdlsGen2Connection("lake", {
  displayName: `${prefix} data lake`,
  url: lake.primaryEndpoints.dfs,
  tenant: client.tenantId,
  servicePrincipalId: reader.clientId,
  servicePrincipalSecret: readerSecret.value,
});
const tables = new TableStorageConnection("tables", {
  displayName: `${prefix} tables`,
  accountKey: { accountName: lake.name, accountKey: lakeKeys.keys[0]!.value },
});
const bricksConnection = new DatabricksConnection("bricks", {
  displayName: `${prefix} lakehouse`,
  workspaceUrl: bricks.workspaceUrl,
  clusterId: config.require("databricksClusterId"),
  accessToken: config.requireSecret("databricksToken"),
  database: config.get("databricksDatabase") ?? "default",
});

// --- AEP dataflows: one per source, all into one dataset of your XDM schema.
// The schema is made in AEP's Schema Registry; `schemaId` is its $id, and its tenant namespace holds the order and
// customer fields mapped below (orderId, customerId, amount, isGift, updatedAt).
const schemaId = config.require("schemaId");
const ns = config.get("tenantNamespace") ?? "_acme";
// Every dataflow runs every `ingestEveryHours` hours from `firstRun` (ISO 8601 with a zone): change either and the
// dataflows are updated in place (a first run that has already passed can no longer change: that replaces them).
const schedule = { frequency: "hour" as const, interval: config.getNumber("ingestEveryHours") ?? 1, startTime: config.get("firstRun") ?? "2030-01-07T06:00:00Z" };

// Catalog cannot rename a dataset (any change replaces it, empty), so its name does not follow `namePrefix`.
const dataset = new Dataset("orders", { name: "Orders and customers", schemaId });

// Order columns to XDM fields; `mapOrderDetails` adds two (a new mapping set version, the dataflows follow in place).
const orderMappings = [
  { source: "customer_id", destination: `${ns}.customerId` },
  { source: "amount", destination: `${ns}.amount` },
  ...(config.getBoolean("mapOrderDetails")
    ? [
        { source: "is_gift", destination: `${ns}.isGift` },
        { source: "updated_at", destination: `${ns}.updatedAt` },
      ]
    : []),
];
const ordersOf = (idColumn: string) => [{ source: idColumn, destination: `${ns}.orderId` }, ...orderMappings];

const warehouseOrders = warehouse.ingest("warehouse-orders", {
  displayName: `${prefix} warehouse orders`,
  table: "sales.orders",
  deltaColumn: "updated_at",
  dataset,
  mappings: ordersOf("id"),
  schedule,
});
// Which table it reads: a change replaces this dataflow and its source connection (AEP does not retarget a live one).
const sqlOrders = orders.ingest("orders", {
  displayName: `${prefix} orders`,
  table: config.get("ordersTable") ?? "dbo.orders",
  deltaColumn: { name: "updated_at", dateFormat: "yyyy-MM-dd HH:mm:ss" },
  dataset,
  mappings: ordersOf("id"),
  schedule,
});
const customers = lakeConnection.ingest("customers", {
  displayName: `${prefix} customers`,
  path: "/acme-customers/customers.csv",
  format: "delimited",
  dataset,
  mappings: [
    { source: "id", destination: `${ns}.customerId` },
    { source: "email", destination: "personalEmail.address" },
    { source: "first_name", destination: "person.name.firstName" },
    { source: "last_name", destination: "person.name.lastName" },
  ],
  schedule,
});
// Table Storage rows: the order id is the RowKey, and Timestamp is when the row last changed.
const tableOrders = tables.ingest("table-orders", {
  displayName: `${prefix} table orders`,
  table: "orders",
  deltaColumn: "Timestamp",
  dataset,
  mappings: ordersOf("RowKey"),
  schedule,
});
const lakehouseOrders = bricksConnection.ingest("lakehouse-orders", {
  displayName: `${prefix} lakehouse orders`,
  table: "default.orders",
  deltaColumn: "updated_at",
  dataset,
  mappings: ordersOf("id"),
  schedule,
});

/** Base connection ids (other programs' dataflows can read through them too). */
export const connectionIds = {
  synapse: warehouse.connectionId,
  synapseServicePrincipal: warehouseSp.connectionId,
  sqlServer: orders.connectionId,
  adlsGen2: lakeConnection.connectionId,
  tableStorage: tables.connectionId,
  databricks: bricksConnection.connectionId,
};

export const datasetId = dataset.datasetId;

/** The dataflows' ids in AEP, one per source. */
export const flowIds = {
  synapse: warehouseOrders.flowId,
  sqlServer: sqlOrders.flowId,
  adlsGen2: customers.flowId,
  tableStorage: tableOrders.flowId,
  databricks: lakehouseOrders.flowId,
};

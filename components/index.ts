export { AdlsGen2Connection, adlsGen2Url, type AdlsGen2ConnectionArgs } from "./adls-gen2";
export { ConnectionArgumentError } from "./connection-string";
export { DatabricksConnection, databricksDomain, type DatabricksConnectionArgs } from "./databricks";
export { SourceConnection, type ConnectionCommonArgs } from "./source-connection";
export { SqlServerConnection, sqlServerConnectionString, type SqlServerConnectionArgs, type SqlServerLoginArgs } from "./sql-server";
export {
  SynapseConnection,
  synapseConnectionString,
  type SynapseConnectionArgs,
  type SynapseServicePrincipalArgs,
  type SynapseSqlLoginArgs,
} from "./synapse";
export {
  TableStorageConnection,
  tableStorageConnectionString,
  type TableStorageAccountKeyArgs,
  type TableStorageConnectionArgs,
} from "./table-storage";

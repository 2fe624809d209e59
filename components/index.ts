export { AdlsGen2Connection, type AdlsGen2AccountArgs, type AdlsGen2ConnectionArgs, type AdlsGen2ServicePrincipalArgs } from "./adls-gen2";
export { BaseConnectionComponent, type ConnectionCommonArgs, type Exclusive } from "./base-connection-component";
export { DatabricksConnection, type DatabricksConnectionArgs } from "./databricks";
export { SqlServerConnection, type SqlServerAuthArgs, type SqlServerConnectionArgs, type SqlServerLoginArgs } from "./sql-server";
export {
  SynapseConnection,
  type SynapseAuthArgs,
  type SynapseConnectionArgs,
  type SynapseServicePrincipalArgs,
  type SynapseSqlLoginArgs,
} from "./synapse";
export { TableStorageConnection, type TableStorageAccountKeyArgs, type TableStorageAuthArgs, type TableStorageConnectionArgs } from "./table-storage";
export { adlsGen2Url, databricksDomain, sqlServerConnectionString, synapseConnectionString, tableStorageConnectionString } from "./builders";
export {
  defaultMappings,
  exploreFileColumns,
  exploreFolder,
  exploreTableColumns,
  exploreTables,
  type DefaultMappingOptions,
  type ExploreFileTarget,
  type ExploreFolderTarget,
  type ExploreTableTarget,
  type ExploreTarget,
} from "./explore";
export {
  Pipeline,
  type FileIngestArgs,
  type IngestArgs,
  type PipelineArgs,
  type PipelineCommonArgs,
  type PipelineConnection,
  type PipelineDataset,
  type TableIngestArgs,
} from "./pipeline";

/**
 * Pulumi resources for Adobe Experience Platform base connections to Azure data sources.
 *
 * - Typed components, one per source: {@link SynapseConnection}, {@link SqlServerConnection},
 *   {@link AdlsGen2Connection}, {@link TableStorageConnection}, {@link DatabricksConnection}.
 * - The underlying dynamic resource {@link BaseConnection}, for any source of the registry.
 * - The Flow Service client, usable without Pulumi.
 */
export * from "./components";
export * from "./provider";

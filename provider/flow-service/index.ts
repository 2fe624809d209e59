/**
 * Flow Service client: settings, the client, its data types and its errors.
 * Depends only on undici, zod and node builtins (never on @pulumi/pulumi).
 */
export { FlowServiceClient } from "./client";
export { ConnectionSnapshot, SNAPSHOT_MAX_CONNECTIONS, type CreatedConnection, type CreateOptions } from "./connections";
export { isMarkerKey, splitMarker, withMarker, type CreateIdentity } from "./identity";
export { ListingSnapshot, SNAPSHOT_MAX_OBJECTS, type Recovered, type SafeCreateOptions } from "./safe-create";
export type { AuditFields, CreatedObject, UpdatedObject } from "./flow-objects";
export type { ExploreColumn, ExploreFileOptions, ExploreItem, ExploreSchema } from "./explore";
export type {
  FileSourceParams,
  NewSourceConnection,
  SourceConnection,
  SourceConnectionData,
  TableSourceParams,
} from "./source-connections";
export {
  DATA_LAKE_CONNECTION_SPEC_ID,
  dataLakeTargetConnection,
  XDM_FULL_SCHEMA_VERSION,
  type NewTargetConnection,
  type TargetConnection,
} from "./target-connections";
export { XDM_SCHEMA_CONTENT_TYPE, type CreateDatasetOptions, type CreatedDataset, type Dataset, type NewDataset } from "./datasets";
export {
  normaliseSourceType,
  sameMappings,
  XDM_FULL_SCHEMA_CONTENT_TYPE,
  type CreatedMappingSet,
  type Mapping,
  type MappingInput,
  type MappingSet,
  type MappingSourceType,
  type NewMappingSet,
  type UpdatedMappingSet,
} from "./mapping-sets";
export {
  CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID,
  copyTransformation,
  CRM_TO_AEP_FLOW_SPEC_ID,
  FLOW_SPEC_BY_CONNECTION_SPEC,
  mappingTransformation,
  mappingTransformationPatch,
  type DeltaColumn,
  type Flow,
  type FlowRun,
  type FlowRunError,
  type FlowStateChange,
  type FlowTransformation,
  type LastRunDetails,
  type NewFlow,
  type ScheduleFrequency,
  type ScheduleParams,
} from "./flows";
export {
  AepError,
  AmbiguousCreateError,
  DeadlineError,
  ERROR_CODES,
  FlowServiceError,
  ImsError,
  InUseError,
  NoResponseError,
  NotFoundError,
  ResponseTooLargeError,
  SettingsError,
  StaleEtagError,
  UnparseableResponseError,
  type AepErrorCode,
} from "./errors";
export { closeSharedAgents } from "./http";
export { clearTokenCache } from "./ims";
export type { RetryOptions } from "./retry";
export {
  resolveSettings,
  settingValue,
  SETTING_NAMES,
  SETTINGS,
  TRANSPORT_SETTINGS,
  transportOptionsFromEnv,
  type FlowServiceSettings,
  type SettingSource,
} from "./settings";
export type {
  AuthSpec,
  Connection,
  ConnectionSpec,
  FlowServiceClientOptions,
  JsonPatchOperation,
  ListConnectionsQuery,
  ListQuery,
  NewConnection,
  RequestOptions,
} from "./types";

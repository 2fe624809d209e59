export { BaseConnection, type BaseConnectionArgs, type BaseConnectionAuthArgs, type OperationTimeouts } from "./base-connection/resource";
export {
  SourceConnection,
  type FileReadArgs,
  type SourceConnectionArgs,
  type SourceConnectionCommonArgs,
  type SourceReadArgs,
  type TableReadArgs,
} from "./source-connection/resource";
export type { SourceConnectionOutputs } from "./source-connection/provider";
export { Dataset, type DatasetArgs } from "./dataset/resource";
export type { DatasetOutputs } from "./dataset/provider";
export { TargetConnection, type TargetConnectionArgs } from "./target-connection/resource";
export type { TargetConnectionOutputs } from "./target-connection/provider";
export { MappingSet, type MappingArgs, type MappingSetArgs } from "./mapping-set/resource";
export type { DeclaredMapping, MappingSetOutputs } from "./mapping-set/provider";
export { Dataflow, type DataflowArgs, type DataflowCommonArgs, type DeltaColumnArgs, type ScheduleArgs } from "./dataflow/resource";
export type { DataflowOutputs } from "./dataflow/provider";
export type { BaseConnectionOutputs } from "./base-connection/outputs";
export { validateBaseConnectionInputs } from "./base-connection/inputs";
export type { CheckFailure } from "./shared/check";
export { ArgumentError, IncompleteWriteError, InvalidInputsError } from "./shared/errors";
export * from "./sources";
export {
  AepError,
  AmbiguousCreateError,
  DeadlineError,
  ERROR_CODES,
  FlowServiceClient,
  FlowServiceError,
  ImsError,
  InUseError,
  NoResponseError,
  NotFoundError,
  ResponseTooLargeError,
  resolveSettings,
  SettingsError,
  StaleEtagError,
  UnparseableResponseError,
  type AepErrorCode,
  type Connection,
  type FlowServiceSettings,
} from "./flow-service";
// The client's dataflow objects (README, "Dataflow objects in the client"). The wire types of the objects that share
// a name with a resource (SourceConnection, Dataset, TargetConnection, MappingSet) are under `flowService`.
export * as flowService from "./flow-service";
export {
  CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID,
  copyTransformation,
  CRM_TO_AEP_FLOW_SPEC_ID,
  DATA_LAKE_CONNECTION_SPEC_ID,
  dataLakeTargetConnection,
  FLOW_SPEC_BY_CONNECTION_SPEC,
  mappingTransformation,
  mappingTransformationPatch,
  sameMappings,
  withMarker,
  XDM_FULL_SCHEMA_CONTENT_TYPE,
  XDM_FULL_SCHEMA_VERSION,
  XDM_SCHEMA_CONTENT_TYPE,
  type CreatedDataset,
  type CreatedMappingSet,
  type CreatedObject,
  type CreateIdentity,
  type ExploreColumn,
  type ExploreFileOptions,
  type ExploreItem,
  type ExploreSchema,
  type Flow,
  type FlowRun,
  type FlowTransformation,
  type MappingInput,
  type NewDataset,
  type NewFlow,
  type NewMappingSet,
  type NewSourceConnection,
  type NewTargetConnection,
  type SafeCreateOptions,
  type ScheduleParams,
  type UpdatedObject,
} from "./flow-service";

/**
 * Flow Service client: settings, the client, its data types and its errors.
 * Depends only on undici, zod and node builtins (never on @pulumi/pulumi).
 */
export { FlowServiceClient } from "./client";
export { ConnectionSnapshot, SNAPSHOT_MAX_CONNECTIONS, type CreatedConnection, type CreateOptions } from "./connections";
export { isMarkerKey, splitMarker, withMarker, type CreateIdentity } from "./identity";
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

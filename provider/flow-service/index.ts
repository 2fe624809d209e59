/**
 * Flow Service client for AEP base connections: settings, the client, its data types and its errors.
 * Depends only on undici, zod and node builtins (never on @pulumi/pulumi).
 */
export { FlowServiceClient } from "./client";
export type { CreatedConnection } from "./create";
export { FlowServiceConfigError, FlowServiceError, ImsError } from "./errors";
export { closeSharedAgents } from "./http";
export { clearTokenCache } from "./ims";
export type { RetryOptions } from "./retry";
export { DEFAULT_SETTINGS, resolveSettings, SETTINGS_ENV_VARS, type FlowServiceSettings } from "./settings";
export type {
  AuthSpec,
  Connection,
  ConnectionSpec,
  FlowServiceClientOptions,
  JsonPatchOperation,
  ListConnectionsQuery,
  NewConnection,
  RequestOptions,
} from "./types";

export { BaseConnection, type BaseConnectionArgs, type BaseConnectionAuthArgs, type OperationTimeouts } from "./base-connection/resource";
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

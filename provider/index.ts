export { BaseConnection, type BaseConnectionArgs, type BaseConnectionAuthArgs } from "./base-connection";
export type { BaseConnectionOutputs } from "./state";
export * from "./sources";
export { validateBaseConnectionInputs, type CheckFailure } from "./validation";
export {
    FlowServiceClient,
    FlowServiceConfigError,
    FlowServiceError,
    ImsError,
    resolveSettings,
    type Connection,
    type FlowServiceSettings,
} from "./flow-service";

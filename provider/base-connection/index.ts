/** The `BaseConnection` object type: resource (program side) and provider (host side). */
export { BaseConnection, type BaseConnectionArgs, type BaseConnectionAuthArgs } from "./resource";
export { BaseConnectionProvider } from "./provider";
export { paramFailures, secretParamNames, validateBaseConnectionInputs, type BaseConnectionInputs } from "./inputs";
export { SECRET_OUTPUT, type BaseConnectionOutputs } from "./outputs";

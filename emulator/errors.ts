/**
 * The FLOW errors the emulator raises. Codes, titles and wording follow Adobe's "Flow Service error messages"
 * catalogue (ERR) where it has an entry; the rest are emulator choices, marked below.
 */
import { flowFailure, type FlowFailure } from "./http";

const INVALID_REQUEST = "Invalid request";

/**
 * Code used when `auth.params` do not satisfy the auth spec (missing, undeclared, non-string or empty params).
 * ERR has no entry for this case (its 1409 is about flow actions, which base connections never return), so this is
 * an emulator choice: `FLOW-1409-400`, title "Invalid auth params".
 */
export const INVALID_AUTH_PARAMS_CODE = 1409;

export const flowErrors = {
  /** FLOW-1101-404. Also for resources in another org or sandbox. */
  notFound: (id: string, type = "connections"): FlowFailure =>
    flowFailure(404, {
      code: 1101,
      title: "Resource not found",
      message: `The requested resource is not found. Error from flow provider: Resource with given id ${id} does not exist.`,
      report: { id, type },
    }),

  /** FLOW-1100-400 (emulator choice for malformed bodies: ERR's generic "request could not be processed"). */
  invalidBody: (detail: string): FlowFailure =>
    flowFailure(400, {
      code: 1100,
      title: INVALID_REQUEST,
      message: `The request could not be processed. Error from flow provider: ${detail}`,
    }),

  /** FLOW-1401-400. */
  limitWithCount: (): FlowFailure =>
    flowFailure(400, {
      code: 1401,
      title: INVALID_REQUEST,
      message:
        "The limit and count parameters cannot be given together in the same request. Please provide either only the limit or the count parameter and try again.",
    }),

  /** FLOW-1403-400. */
  missingIfMatch: (): FlowFailure =>
    flowFailure(400, {
      code: 1403,
      title: "Header is missing",
      message: "The header 'If-Match' is missing in the request. Please provide the header and try again.",
    }),

  /** FLOW-1404-412, with the supplied and current versions as ERR shows them. */
  versionMismatch: (supplied: string, current: string): FlowFailure =>
    flowFailure(412, {
      code: 1404,
      title: "Version not matching",
      message: `The supplied version '${supplied}' does not match the current version on entity '${current}'. Please ensure that the supplied version matches the current version on entity and try again.`,
    }),

  /** FLOW-1405-400 (also used, as an emulator choice, for a body that is not valid JSON). */
  emptyBody: (detail = "The request body cannot be null or empty."): FlowFailure =>
    flowFailure(400, {
      code: 1405,
      title: INVALID_REQUEST,
      message: `${detail} Please provide a request body and try again.`,
    }),

  /** See {@link INVALID_AUTH_PARAMS_CODE}. */
  invalidAuthParams: (problems: string[], specName: string, connectionSpecId: string): FlowFailure =>
    flowFailure(400, {
      code: INVALID_AUTH_PARAMS_CODE,
      title: "Invalid auth params",
      message: `Invalid auth params for the auth spec '${specName}' of the connection spec ID ${connectionSpecId}: ${problems.join("; ")}.`,
    }),

  /** FLOW-1413-400. */
  invalidSpecId: (detail?: string): FlowFailure =>
    flowFailure(400, {
      code: 1413,
      title: INVALID_REQUEST,
      message: `The spec ID provided is invalid.${detail === undefined ? "" : ` ${detail}`} Please provide a valid spec ID and try again.`,
    }),

  /** FLOW-1414-400. */
  connectionSpecNotUpdatable: (): FlowFailure =>
    flowFailure(400, { code: 1414, title: INVALID_REQUEST, message: "The connection spec of a connection cannot be updated." }),

  /** FLOW-1415-400, naming the auth spec and the connection spec id. */
  unknownAuthSpec: (specName: string, connectionSpecId: string): FlowFailure =>
    flowFailure(400, {
      code: 1415,
      title: INVALID_REQUEST,
      message: `The auth spec '${specName}' could not be found for the connection spec ID ${connectionSpecId}.`,
    }),

  /** FLOW-1418-400. */
  connectionInUse: (id: string): FlowFailure =>
    flowFailure(400, {
      code: 1418,
      title: INVALID_REQUEST,
      message: `The base connection with the ID ${id} cannot be deleted because the base connection is being used in one or more flows. Please ensure that corresponding flows are deleted before deleting a base connection.`,
    }),

  /** FLOW-1432-400. */
  badSortOrder: (): FlowFailure =>
    flowFailure(400, {
      code: 1432,
      title: INVALID_REQUEST,
      message: "Sort order specified is not correct, prepend + for ascending order and - for descending order in the fieldName.",
    }),

  /** FLOW-1433-400. */
  badOrderByField: (field: string): FlowFailure =>
    flowFailure(400, {
      code: 1433,
      title: INVALID_REQUEST,
      message: `Incorrect field= #${field} passed in orderBy, example are +name, -name, name.`,
    }),

  /** FLOW-1434-400. */
  unsupportedPatchOperation: (op: string): FlowFailure =>
    flowFailure(400, {
      code: 1434,
      title: INVALID_REQUEST,
      message: `Unsupported operation '${op}' received. Please use one of the supported operation types and try again.`,
    }),

  /** FLOW-1440-400. */
  operatorNotImplemented: (operator: string): FlowFailure =>
    flowFailure(400, { code: 1440, title: INVALID_REQUEST, message: `Operator '${operator}' not implemented.` }),

  /** FLOW-1443-400. */
  operatorWithMultipleValues: (operator: string): FlowFailure =>
    flowFailure(400, { code: 1443, title: INVALID_REQUEST, message: `Operator '${operator}' is not allowed for multiple values.` }),

  /** FLOW-1448-400. */
  operatorNotSupportedForField: (operator: string, field: string): FlowFailure =>
    flowFailure(400, { code: 1448, title: INVALID_REQUEST, message: `Operator ${operator} not supported for field ${field}.` }),

  /** FLOW-1449-400. */
  invalidFilterField: (field: string): FlowFailure =>
    flowFailure(400, { code: 1449, title: INVALID_REQUEST, message: `Invalid field ${field} in filter params.` }),

  /** FLOW-1450-400. */
  invalidFilterOperator: (operator: string): FlowFailure =>
    flowFailure(400, { code: 1450, title: INVALID_REQUEST, message: `Invalid operator ${operator} in filter params.` }),

  /** FLOW-1451-400. */
  invalidQueryParam: (name: string): FlowFailure =>
    flowFailure(400, { code: 1451, title: INVALID_REQUEST, message: `Invalid params ${name} provided in query params.` }),

  /** FLOW-1452-400. */
  invalidFilterValue: (value: string, field: string): FlowFailure =>
    flowFailure(400, { code: 1452, title: INVALID_REQUEST, message: `Invalid value ${value} for field ${field}.` }),

  /** FLOW-1453-400 (also the emulator's answer to a bad `limit`, `count` or `continuationToken`). */
  invalidQueryValue: (expression: string, detail?: string): FlowFailure =>
    flowFailure(400, {
      code: 1453,
      title: INVALID_REQUEST,
      message: `Invalid query value ${expression} provided in query param.${detail === undefined ? "" : ` ${detail}`}`,
    }),

  /** FLOW-1455-400. */
  invalidPatch: (detail: string): FlowFailure =>
    flowFailure(400, {
      code: 1455,
      title: INVALID_REQUEST,
      message: `An error has occurred while validating patch instructions: ${detail}.`,
    }),

  /** FLOW-2101-404. */
  sandboxNotFound: (name: string): FlowFailure =>
    flowFailure(404, {
      code: 2101,
      title: "Sandbox not found",
      message: `The sandbox with the name '${name}' could not be found. Error from Sandbox Management API: Sandbox with name '${name}' not present. Please check if resource exists.`,
    }),

  /** FLOW-2105-400. */
  missingSandboxName: (): FlowFailure =>
    flowFailure(400, {
      code: 2105,
      title: "Header is missing",
      message: "The header x-sandbox-name is missing in the request. Please add the header in the request and try again.",
    }),

  /** FLOW-2110-400. */
  sandboxIdNotAllowed: (): FlowFailure =>
    flowFailure(400, {
      code: 2110,
      title: "Headers not allowed",
      message: "The header x-sandbox-id is not allowed with the user token. Please update the header and try again.",
    }),

  /** FLOW-2119-400. */
  missingQueryParam: (name: string): FlowFailure =>
    flowFailure(400, {
      code: 2119,
      title: "Query parameter missing",
      message: `The request context does not contain the required query parameter ${name}. Please provide the missing query parameter and try again.`,
    }),

  // ---- source/target connections, flows, runs (dataflows.md §10; wording from ERR where it gives one) ----

  /**
   * FLOW-1439 for a flow that does not exist, with LABELS' wording. ERR lists it as 400, LABELS shows a real 404
   * body; the status follows the `flowNotFoundStatus` reading (default 404).
   */
  flowNotFound: (id: string, status: 404 | 400): FlowFailure =>
    flowFailure(status, {
      code: 1439,
      title: "Resource not found",
      message: `The requested flows resource ${id} is not found. Verify the resource ID before trying again.`,
      report: { id, type: "flows" },
    }),

  /** FLOW-1410-400. */
  stateNotAllowedOnCreate: (): FlowFailure =>
    flowFailure(400, { code: 1410, title: INVALID_REQUEST, message: "`State` is not allowed in the create flow request." }),

  /** FLOW-1412-400. */
  invalidMappingVersion: (mappingId: string, version: string): FlowFailure =>
    flowFailure(400, {
      code: 1412,
      title: INVALID_REQUEST,
      message: `Invalid Mapping Version in request: the mapping set ${mappingId} has no version ${version}.`,
    }),

  /** FLOW-1419-400 (also, as an emulator choice, for a mapping set that does not exist). */
  mappingValidation: (mappingId: string, version: string, detail: string): FlowFailure =>
    flowFailure(400, {
      code: 1419,
      title: INVALID_REQUEST,
      message: `An error has occurred while validating mapping ${mappingId}, version ${version}: ${detail}.`,
    }),

  /** FLOW-1420-400. */
  disablingNotUpdatable: (id: string): FlowFailure =>
    flowFailure(400, { code: 1420, title: INVALID_REQUEST, message: `The flow ${id} in state disabling cannot be updated.` }),

  /** FLOW-1421-400. */
  updatingNotTransitionable: (id: string): FlowFailure =>
    flowFailure(400, { code: 1421, title: INVALID_REQUEST, message: `The flow ${id} in state updating cannot be transitioned.` }),

  /** FLOW-1422-400. */
  actionNotApplicable: (action: string, state: string): FlowFailure =>
    flowFailure(400, { code: 1422, title: INVALID_REQUEST, message: `The action ${action} cannot be applied on the current state ${state}.` }),

  /** FLOW-1425-400. */
  schemaMismatch: (mappingSchema: string, datasetSchema: string): FlowFailure =>
    flowFailure(400, {
      code: 1425,
      title: INVALID_REQUEST,
      message: `Schema with same id and version must be used in both mapping and target dataset (mapping: ${mappingSchema}, dataset: ${datasetSchema}).`,
    }),

  /** FLOW-1430-400. */
  runFlowNotFound: (id: string): FlowFailure =>
    flowFailure(400, { code: 1430, title: INVALID_REQUEST, message: `Flow not found with id ${id}.` }),

  /** FLOW-1436-400. */
  unsupportedSubOperation: (subOp: string, op: string): FlowFailure =>
    flowFailure(400, { code: 1436, title: INVALID_REQUEST, message: `Unsupported sub-operation ${subOp} for the operation ${op}.` }),

  /** FLOW-1444-400 (also the emulator's answer to an on-demand run of a flow not scheduled `once`). */
  notInExpectedState: (id: string, expected: string, detail?: string): FlowFailure =>
    flowFailure(400, {
      code: 1444,
      title: INVALID_REQUEST,
      message: `Flow ${id} is not in expected state ${expected}.${detail === undefined ? "" : ` ${detail}`}`,
    }),

  /** FLOW-1446-400. */
  flowIdMissing: (): FlowFailure => flowFailure(400, { code: 1446, title: INVALID_REQUEST, message: "The flow id cannot be null or empty." }),

  /** FLOW-1447-400 (applied to deletes of source/target connections a flow uses: an emulator reading of ERR). */
  activeFlowsContain: (id: string, flowIds: string[]): FlowFailure =>
    flowFailure(400, {
      code: 1447,
      title: INVALID_REQUEST,
      message: `Found active flows containing id ${id}: ${flowIds.join(", ")}. Please delete the flows first and try again.`,
    }),

  /** FLOW-1457-400 / FLOW-1458-400: a flow being deleted can be neither updated nor deleted again. */
  deleteFinalizing: (id: string, what: "update" | "delete"): FlowFailure =>
    flowFailure(400, {
      code: what === "update" ? 1457 : 1458,
      title: INVALID_REQUEST,
      message: `The flow ${id} is in state delete-finalizing; ${what} is not allowed.`,
    }),

  /** FLOW-2120-403 (LABELS' body), for the permission-denied fault. */
  forbidden: (): FlowFailure =>
    flowFailure(403, {
      code: 2120,
      title: "Forbidden",
      message: "You do not have sufficient permissions to perform the operation. Please contact your administrator to resolve permissions and try again.",
    }),

  /** FLOW-2200-500 / FLOW-2250-500: Catalog or Data Prep failed while Flow Service validated against them. */
  dependencyFailed: (service: "catalog" | "dataprep"): FlowFailure =>
    flowFailure(500, {
      code: service === "catalog" ? 2200 : 2250,
      title: "Internal Error",
      message:
        service === "catalog"
          ? "An error occurred while calling the Catalog service to validate the schema. Please try again."
          : "An error occurred while calling the Data Prep service to validate the mapping. Please try again.",
    }),

  /** FLOW-1102-500: an emulator bug surfaces like the real service's internal error. */
  internal: (): FlowFailure =>
    flowFailure(500, {
      code: 1102,
      title: "Internal Error",
      message: "An internal error has occurred. Please try again. If the problem persists, please contact customer support.",
    }),

  /** 405 for a known route with another method (emulator choice: no ERR entry). */
  methodNotAllowed: (method: string, route: string, allowed: string[]): FlowFailure => {
    const failure = flowFailure(405, {
      code: 1100,
      title: "Method not allowed",
      message: `The method ${method} is not supported on ${route}. Supported: ${allowed.join(", ")}.`,
    });
    failure.reply.headers = { allow: allowed.join(", ") };
    return failure;
  },
};

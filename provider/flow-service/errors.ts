/**
 * Every error this library throws: one base class, {@link AepError}, and small subclasses, each with a stable
 * `code` of ours (modelled on undici's `lib/core/errors.js`). Adobe's own code, when there is one, is a separate
 * field, `adobeCode`. Callers branch on the class (`StaleEtagError.isInstance(e)`) or on `code`, never on message
 * text or Adobe's numbers.
 *
 * Messages never contain a secret: server text is redacted before it reaches an error (see redaction.ts), and
 * request headers and bodies never enter a message.
 */
import { STATUS_CODES } from "node:http";

/** The `code` of each error class. Stable: a code is never reused for another meaning. */
export const ERROR_CODES = {
  base: "AEP_ERR",
  settings: "AEP_ERR_SETTINGS",
  ims: "AEP_ERR_IMS",
  flowService: "AEP_ERR_FLOW_SERVICE",
  noResponse: "AEP_ERR_NO_RESPONSE",
  responseTooLarge: "AEP_ERR_RESPONSE_TOO_LARGE",
  deadline: "AEP_ERR_DEADLINE",
  unparseableResponse: "AEP_ERR_UNPARSEABLE_RESPONSE",
  notFound: "AEP_ERR_NOT_FOUND",
  staleEtag: "AEP_ERR_STALE_ETAG",
  inUse: "AEP_ERR_IN_USE",
  ambiguousCreate: "AEP_ERR_AMBIGUOUS_CREATE",
  invalidInputs: "AEP_ERR_INVALID_INPUTS",
  invalidArgument: "AEP_ERR_INVALID_ARGUMENT",
  incompleteWrite: "AEP_ERR_INCOMPLETE_WRITE",
} as const;

/** One of {@link ERROR_CODES}. */
export type AepErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Marks an instance with its class's brand, non-enumerably, so that `isInstance` works across duplicated copies of
 * this module (two installed versions of the package in one program) where `instanceof` would not.
 */
function brand(target: object, key: symbol): void {
  Object.defineProperty(target, key, { value: true, enumerable: false });
}

function hasBrand(value: unknown, key: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[key] === true;
}

const BRANDS = {
  base: Symbol.for("pulumi-aep-azure.AepError"),
  settings: Symbol.for("pulumi-aep-azure.SettingsError"),
  ims: Symbol.for("pulumi-aep-azure.ImsError"),
  flowService: Symbol.for("pulumi-aep-azure.FlowServiceError"),
  noResponse: Symbol.for("pulumi-aep-azure.NoResponseError"),
  responseTooLarge: Symbol.for("pulumi-aep-azure.ResponseTooLargeError"),
  deadline: Symbol.for("pulumi-aep-azure.DeadlineError"),
  unparseableResponse: Symbol.for("pulumi-aep-azure.UnparseableResponseError"),
  notFound: Symbol.for("pulumi-aep-azure.NotFoundError"),
  staleEtag: Symbol.for("pulumi-aep-azure.StaleEtagError"),
  inUse: Symbol.for("pulumi-aep-azure.InUseError"),
  ambiguousCreate: Symbol.for("pulumi-aep-azure.AmbiguousCreateError"),
} as const;

/** Base class of every error of this library. `code` is one of {@link ERROR_CODES}. */
export class AepError extends Error {
  override readonly name: string = "AepError";
  readonly code: AepErrorCode;

  constructor(message: string, code: AepErrorCode = ERROR_CODES.base, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    brand(this, BRANDS.base);
  }

  /** Brand check that also works across duplicated copies of this module. */
  static isInstance(e: unknown): e is AepError {
    return hasBrand(e, BRANDS.base);
  }
}

/** Client settings are missing or invalid; raised before any network call. */
export class SettingsError extends AepError {
  override readonly name = "SettingsError";
  /** Names of the missing settings, e.g. `["clientId", "orgId"]` (the message also names their env variables). */
  readonly missing: readonly string[];

  constructor(message: string, missing: readonly string[] = []) {
    super(message, ERROR_CODES.settings);
    brand(this, BRANDS.settings);
    this.missing = missing;
  }

  static override isInstance(e: unknown): e is SettingsError {
    return hasBrand(e, BRANDS.settings);
  }
}

function statusLine(status: number): string {
  const text = STATUS_CODES[status];
  return text === undefined ? String(status) : `${status} ${text}`;
}

/** What {@link ImsError} is built from. `detail` must already be redacted. */
export interface ImsErrorInit {
  /** HTTP status of the token endpoint, 0 when no response arrived. */
  status: number;
  /** OAuth `error`, e.g. `invalid_client`. */
  adobeCode?: string;
  detail?: string;
  cause?: unknown;
}

/**
 * Adobe IMS refused or failed to issue an access token, e.g.
 * `IMS token request failed: 400 Bad Request [invalid_client] <description>`. Never contains the client secret.
 */
export class ImsError extends AepError {
  override readonly name = "ImsError";
  /** HTTP status of the token endpoint; 0 when no response arrived. */
  readonly status: number;
  /** OAuth error code, e.g. `invalid_client`, `invalid_scope`. */
  readonly adobeCode?: string;

  constructor(init: ImsErrorInit) {
    const parts = ["IMS token request failed:", init.status === 0 ? "no response" : statusLine(init.status)];
    if (init.adobeCode !== undefined) parts.push(`[${init.adobeCode}]`);
    if (init.detail !== undefined && init.detail !== "") parts.push(init.status === 0 ? `(${init.detail})` : init.detail);
    super(parts.join(" "), ERROR_CODES.ims, { cause: init.cause });
    brand(this, BRANDS.ims);
    this.status = init.status;
    if (init.adobeCode !== undefined) this.adobeCode = init.adobeCode;
  }

  static override isInstance(e: unknown): e is ImsError {
    return hasBrand(e, BRANDS.ims);
  }
}

/** What a {@link FlowServiceError} is built from. `detail` must already be redacted. */
export interface FlowServiceErrorInit {
  /** HTTP status, 0 when no response arrived. */
  status: number;
  method: string;
  /** Path relative to the service's base, without query string. */
  path: string;
  /** Adobe's code: gateway `error_code` or the number of a FLOW-<code>-<status> type. */
  adobeCode?: string;
  /** How the code is shown in the message, e.g. `FLOW-1404` or `401013`. @default adobeCode */
  codeLabel?: string;
  /** Adobe's explanation, or why no response arrived. Already redacted. */
  detail?: string;
  requestId?: string;
  /** For an {@link InUseError}: ids of the flows that keep the object in use, as far as Adobe's answer names them. */
  blockingFlowIds?: readonly string[];
  cause?: unknown;
}

/**
 * A call to an AEP service (Flow Service, Catalog, Data Prep) failed with an HTTP error status. Subclasses say
 * more where callers act on it. The message stands on its own, e.g.
 * `PATCH /connections/<id> failed: 412 Precondition Failed [FLOW-1404] <Adobe text> (request id <id>)`,
 * and never contains a header value, token, client secret or auth param.
 */
export class FlowServiceError extends AepError {
  override readonly name: string = "FlowServiceError";
  /** HTTP status; 0 when no response arrived (reset, refused, timeout). */
  readonly status: number;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path relative to the service's base, e.g. `/connections/<id>`; never a query string. */
  readonly path: string;
  /** Adobe's code: gateway `error_code` (e.g. "401013") or FLOW code (e.g. "1404" from `FLOW-1404-412`). */
  readonly adobeCode?: string;
  /** Request id from `report.request-id` or the `x-request-id` response header. */
  readonly requestId?: string;

  constructor(init: FlowServiceErrorInit, message?: string, code: AepErrorCode = ERROR_CODES.flowService) {
    super(message ?? FlowServiceError.format(init), code, { cause: init.cause });
    brand(this, BRANDS.flowService);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    if (init.adobeCode !== undefined) this.adobeCode = init.adobeCode;
    if (init.requestId !== undefined) this.requestId = init.requestId;
  }

  /** `<METHOD> <path> failed: <status> <reason> [<code>] <detail> (request id <id>)`. */
  static format(init: FlowServiceErrorInit): string {
    const parts = [`${init.method} ${init.path} failed:`, init.status === 0 ? "no response" : statusLine(init.status)];
    const label = init.codeLabel ?? init.adobeCode;
    if (label !== undefined) parts.push(`[${label}]`);
    if (init.detail !== undefined && init.detail !== "") parts.push(init.status === 0 ? `(${init.detail})` : init.detail);
    if (init.requestId !== undefined) parts.push(`(request id ${init.requestId})`);
    return parts.join(" ");
  }

  static override isInstance(e: unknown): e is FlowServiceError {
    return hasBrand(e, BRANDS.flowService);
  }
}

/** No complete response arrived (reset, refused, timeout); `status` is 0. The request may have been processed. */
export class NoResponseError extends FlowServiceError {
  override readonly name = "NoResponseError";
  constructor(init: FlowServiceErrorInit, message?: string) {
    super(init, message, ERROR_CODES.noResponse);
    brand(this, BRANDS.noResponse);
  }
  static override isInstance(e: unknown): e is NoResponseError {
    return hasBrand(e, BRANDS.noResponse);
  }
}

/** The response body exceeded the client's `maxResponseBytes`; it was not read further. */
export class ResponseTooLargeError extends FlowServiceError {
  override readonly name = "ResponseTooLargeError";
  constructor(init: FlowServiceErrorInit, message?: string) {
    super(init, message, ERROR_CODES.responseTooLarge);
    brand(this, BRANDS.responseTooLarge);
  }
  static override isInstance(e: unknown): e is ResponseTooLargeError {
    return hasBrand(e, BRANDS.responseTooLarge);
  }
}

/**
 * An operation did not finish within its deadline (a resource's `timeouts`). Waits and retries stopped there; a
 * write may or may not have been applied, as the message says.
 */
export class DeadlineError extends AepError {
  override readonly name = "DeadlineError";
  constructor(message: string, cause?: unknown) {
    super(message, ERROR_CODES.deadline, { cause });
    brand(this, BRANDS.deadline);
  }
  static override isInstance(e: unknown): e is DeadlineError {
    return hasBrand(e, BRANDS.deadline);
  }
}

/** A success status whose body is not what the operation expects. */
export class UnparseableResponseError extends FlowServiceError {
  override readonly name = "UnparseableResponseError";
  constructor(init: FlowServiceErrorInit, message?: string) {
    super(init, message, ERROR_CODES.unparseableResponse);
    brand(this, BRANDS.unparseableResponse);
  }
  static override isInstance(e: unknown): e is UnparseableResponseError {
    return hasBrand(e, BRANDS.unparseableResponse);
  }
}

/** The object addressed does not exist (a 404 about the object itself, not a wrong URL or sandbox). */
export class NotFoundError extends FlowServiceError {
  override readonly name = "NotFoundError";
  constructor(init: FlowServiceErrorInit, message?: string) {
    super(init, message, ERROR_CODES.notFound);
    brand(this, BRANDS.notFound);
  }
  static override isInstance(e: unknown): e is NotFoundError {
    return hasBrand(e, BRANDS.notFound);
  }
}

/** `If-Match` named an etag that is no longer current (412, Flow Service FLOW-1404): someone changed the object. */
export class StaleEtagError extends FlowServiceError {
  override readonly name = "StaleEtagError";
  constructor(init: FlowServiceErrorInit, message?: string) {
    super(init, message, ERROR_CODES.staleEtag);
    brand(this, BRANDS.staleEtag);
  }
  static override isInstance(e: unknown): e is StaleEtagError {
    return hasBrand(e, BRANDS.staleEtag);
  }
}

/**
 * The object cannot be deleted while others use it: FLOW-1418 (a base connection used by dataflows), FLOW-1447
 * ("Found active flows containing id …": a source or target connection), or a mapping set a flow pins.
 */
export class InUseError extends FlowServiceError {
  override readonly name = "InUseError";
  /**
   * Ids of the flows that use the object, when Adobe's answer names them (FLOW-1447 does; FLOW-1418 does not);
   * empty when it names none. Never includes the id of the object being deleted.
   */
  readonly blockingFlowIds: readonly string[];
  constructor(init: FlowServiceErrorInit, message?: string) {
    super(init, message, ERROR_CODES.inUse);
    brand(this, BRANDS.inUse);
    this.blockingFlowIds = [...(init.blockingFlowIds ?? [])];
  }
  static override isInstance(e: unknown): e is InUseError {
    return hasBrand(e, BRANDS.inUse);
  }
}

/**
 * A create whose outcome is unknown found several existing objects that may be the one it created, and created
 * none. `candidateIds` lists them.
 */
export class AmbiguousCreateError extends FlowServiceError {
  override readonly name = "AmbiguousCreateError";
  /** Ids of the existing objects that may be the one created. */
  readonly candidateIds: readonly string[];
  constructor(init: FlowServiceErrorInit, candidateIds: readonly string[], message?: string) {
    super(init, message, ERROR_CODES.ambiguousCreate);
    brand(this, BRANDS.ambiguousCreate);
    this.candidateIds = candidateIds;
  }
  static override isInstance(e: unknown): e is AmbiguousCreateError {
    return hasBrand(e, BRANDS.ambiguousCreate);
  }
}

/** Flow Service codes that refuse a delete because other objects still use the target. */
export const IN_USE_CODES: ReadonlySet<string> = new Set(["1418", "1447"]);

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * The flow ids an in-use error's text names: every UUID in it except those of the request path (the object being
 * deleted) and the request id. Flow ids are UUIDs (dataflows.md §1), lower-cased here, in order, without repeats.
 */
export function flowIdsNamedIn(text: string | undefined, path: string, requestId?: string): string[] {
  if (text === undefined) return [];
  const excluded = new Set([...(path.match(UUID) ?? []), ...(requestId?.match(UUID) ?? [])].map((id) => id.toLowerCase()));
  const ids: string[] = [];
  for (const match of text.match(UUID) ?? []) {
    const id = match.toLowerCase();
    if (!excluded.has(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * The error for an HTTP error status, as the most specific class that fits: 412 → {@link StaleEtagError},
 * FLOW-1418/1447 → {@link InUseError}, otherwise {@link FlowServiceError}. Not-found is decided by the caller,
 * which alone knows whether a 404 means the object (see call.ts `isResourceNotFound`).
 */
export function httpError(init: FlowServiceErrorInit): FlowServiceError {
  if (init.status === 0) return new NoResponseError(init);
  if (init.status === 412) return new StaleEtagError(init);
  if (init.adobeCode !== undefined && IN_USE_CODES.has(init.adobeCode)) return new InUseError(init);
  return new FlowServiceError(init);
}

/**
 * The client's error types. HTTP failures of Flow Service are one {@link FlowServiceError}, IMS failures an
 * {@link ImsError}, bad configuration a {@link FlowServiceConfigError}. Messages are built from method, path, status,
 * Adobe's code, Adobe's text and the request id. Adobe's text can echo request content, so it is redacted before it
 * is surfaced; request headers never enter a message.
 */
import { STATUS_CODES } from "node:http";

const FLOW_SERVICE_ERROR = Symbol.for("pulumi-aep-azure.FlowServiceError");
const IMS_ERROR = Symbol.for("pulumi-aep-azure.ImsError");
const CONFIG_ERROR = Symbol.for("pulumi-aep-azure.FlowServiceConfigError");

/** Marks an instance non-enumerably, so `isInstance` works across copies without cluttering inspection. */
function brand(target: object, key: symbol): void {
  Object.defineProperty(target, key, { value: true, enumerable: false });
}

/** Text that replaces a secret found in a server message. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not searched for: replacing "abc" everywhere would only mangle text. */
const MIN_SECRET_LENGTH = 4;

/** Keys of connection-string segments whose values are secrets on their own (e.g. `Password=...;`). */
const SECRET_SEGMENT_KEY = /(password|pwd|secret|key|token|signature|sig)$/i;

/**
 * Every string worth redacting from a value: all nested string values, plus the values of secret-looking
 * `key=value` segments inside them, since a server may echo only a fragment of a connection string or SAS URL.
 */
export function secretStringsOf(value: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 16) return;
    if (typeof node === "string") {
      found.push(node);
      for (const segment of node.split(/[;&?]/)) {
        const eq = segment.indexOf("=");
        if (eq > 0 && SECRET_SEGMENT_KEY.test(segment.slice(0, eq).trim())) found.push(segment.slice(eq + 1).trim());
      }
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
    } else if (node !== null && typeof node === "object") {
      for (const item of Object.values(node)) visit(item, depth + 1);
    }
  };
  visit(value, 0);
  return found;
}

/**
 * Replaces every occurrence of each secret (also in its JSON-escaped and URL-encoded forms) with {@link REDACTED}.
 * Longer secrets go first so a secret containing another one is removed whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
  }
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length >= MIN_SECRET_LENGTH) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** Longest server text surfaced in a message. */
const MAX_EXCERPT = 500;

/**
 * Server text made safe to show: secrets redacted first (a cut could otherwise leave part of one), then
 * whitespace flattened and the result shortened.
 */
export function excerpt(text: string, secrets: readonly string[]): string {
  const flat = redact(text, secrets).replace(/\s+/g, " ").trim();
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT)}…` : flat;
}

function statusLine(status: number): string {
  const text = STATUS_CODES[status];
  return text === undefined ? String(status) : `${status} ${text}`;
}

/** What {@link FlowServiceError} is built from. `detail` must already be redacted. */
export interface FlowServiceErrorInit {
  /** HTTP status, 0 when no response arrived. */
  status: number;
  method: string;
  /** Path relative to the Flow Service base, without query string. */
  path: string;
  /** Adobe's code: gateway `error_code` or the number of a FLOW-<code>-<status> type. */
  code?: string;
  /** How the code is shown in the message, e.g. `FLOW-1404` or `401013`. @default code */
  codeLabel?: string;
  /** Adobe's explanation, or why no response arrived. Already redacted. */
  detail?: string;
  requestId?: string;
  /** Ids of connections that may be the result of a create whose outcome is unknown. */
  candidateIds?: readonly string[];
  cause?: unknown;
}

/**
 * A Flow Service call failed: an HTTP error status, no response at all (`status` 0: reset, timeout), or a
 * response that could not be parsed. The message stands on its own, e.g.
 * `PATCH /connections/<id> failed: 412 Precondition Failed [FLOW-1404] <Adobe text> (request id <id>)`,
 * and never contains a header value, token, client secret or auth param.
 */
export class FlowServiceError extends Error {
  override readonly name = "FlowServiceError" as const;
  /** HTTP status; 0 when no response arrived (reset, refused, timeout). */
  readonly status: number;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** Path relative to the Flow Service base, e.g. `/connections/<id>`; never a query string. */
  readonly path: string;
  /** Adobe code: gateway `error_code` (e.g. "401013") or FLOW code (e.g. "1404" from `FLOW-1404-412`). */
  readonly code?: string;
  /** Request id from `report.request-id` or the `x-request-id` response header. */
  readonly requestId?: string;
  /** For an ambiguous create: ids of the existing connections that may be the one created. */
  readonly candidateIds?: readonly string[];

  constructor(init: FlowServiceErrorInit, message?: string) {
    super(message ?? FlowServiceError.format(init), init.cause === undefined ? undefined : { cause: init.cause });
    brand(this, FLOW_SERVICE_ERROR);
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    if (init.code !== undefined) this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.candidateIds !== undefined) this.candidateIds = init.candidateIds;
  }

  /** `<METHOD> <path> failed: <status> <reason> [<code>] <detail> (request id <id>)`. */
  static format(init: FlowServiceErrorInit): string {
    const parts = [`${init.method} ${init.path} failed:`, init.status === 0 ? "no response" : statusLine(init.status)];
    const label = init.codeLabel ?? init.code;
    if (label !== undefined) parts.push(`[${label}]`);
    if (init.detail !== undefined && init.detail !== "") parts.push(init.status === 0 ? `(${init.detail})` : init.detail);
    if (init.requestId !== undefined) parts.push(`(request id ${init.requestId})`);
    return parts.join(" ");
  }

  /** Brand check that also works across duplicated copies of this module. */
  static isInstance(e: unknown): e is FlowServiceError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[FLOW_SERVICE_ERROR] === true;
  }
}

/** Settings are missing or invalid. Raised before any network call. */
export class FlowServiceConfigError extends Error {
  override readonly name = "FlowServiceConfigError" as const;
  /** Keys of the missing settings, e.g. `["clientId", "orgId"]` (the message also names their env variables). */
  readonly missing: string[];

  constructor(message: string, missing: string[] = []) {
    super(message);
    brand(this, CONFIG_ERROR);
    this.missing = missing;
  }

  /** Brand check that also works across duplicated copies of this module. */
  static isInstance(e: unknown): e is FlowServiceConfigError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[CONFIG_ERROR] === true;
  }
}

/** What {@link ImsError} is built from. `detail` must already be redacted. */
export interface ImsErrorInit {
  /** HTTP status of the token endpoint, 0 when no response arrived. */
  status: number;
  /** OAuth `error`, e.g. `invalid_client`. */
  code?: string;
  detail?: string;
  cause?: unknown;
}

/**
 * Adobe IMS refused or failed to issue an access token, e.g.
 * `IMS token request failed: 400 Bad Request [invalid_client] <description>`. Never contains the client secret.
 */
export class ImsError extends Error {
  override readonly name = "ImsError" as const;
  /** HTTP status of the token endpoint; 0 when no response arrived. */
  readonly status: number;
  /** OAuth error code, e.g. `invalid_client`, `invalid_scope`. */
  readonly code?: string;

  constructor(init: ImsErrorInit) {
    const parts = ["IMS token request failed:", init.status === 0 ? "no response" : statusLine(init.status)];
    if (init.code !== undefined) parts.push(`[${init.code}]`);
    if (init.detail !== undefined && init.detail !== "") parts.push(init.status === 0 ? `(${init.detail})` : init.detail);
    super(parts.join(" "), init.cause === undefined ? undefined : { cause: init.cause });
    brand(this, IMS_ERROR);
    this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
  }

  /** Brand check that also works across duplicated copies of this module. */
  static isInstance(e: unknown): e is ImsError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[IMS_ERROR] === true;
  }
}

/**
 * Response shapes of Flow Service and IMS, parsed leniently with zod: unknown fields are kept but ignored, optional
 * fields may be missing, null or of an unexpected type (they then read as undefined). Adobe has changed response
 * shapes silently before (adobe/aepp#42), so only the fields an operation cannot do without are required.
 */
import { z } from "zod";
import type { Connection, ConnectionSpec } from "./types";

/** An optional field that never fails the parse: a wrong type or null reads as undefined. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

const looseRecord = z.record(z.string(), z.unknown());

const connectionItemSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    description: lenient(z.string()),
    connectionSpec: z.object({ id: z.string().min(1), version: lenient(z.string()) }).loose(),
    auth: lenient(z.object({ specName: lenient(z.string()), params: lenient(looseRecord) }).loose()),
    state: lenient(z.string()),
    etag: lenient(z.string()),
    version: lenient(z.string()),
    createdAt: lenient(z.number()),
    updatedAt: lenient(z.number()),
    sandboxName: lenient(z.string()),
    sandboxId: lenient(z.string()),
    imsOrgId: lenient(z.string()),
    createdBy: lenient(z.string()),
    updatedBy: lenient(z.string()),
    createdClient: lenient(z.string()),
    updatedClient: lenient(z.string()),
  })
  .loose()
  // The etag is what makes an update possible; `version` carries the same value in every documented example.
  .refine((item) => item.etag !== undefined || item.version !== undefined, {
    message: "neither etag nor version is present",
    path: ["etag"],
  });

type ConnectionItem = z.infer<typeof connectionItemSchema>;

/** Copies the declared fields only, so unknown server fields never leak into callers' objects. */
function toConnection(item: ConnectionItem): Connection {
  const connection: Connection = {
    id: item.id,
    name: item.name,
    connectionSpec: { id: item.connectionSpec.id },
    etag: item.etag ?? item.version ?? "",
  };
  if (item.connectionSpec.version !== undefined) connection.connectionSpec.version = item.connectionSpec.version;
  if (item.auth !== undefined) {
    connection.auth = {};
    if (item.auth.specName !== undefined) connection.auth.specName = item.auth.specName;
    if (item.auth.params !== undefined) connection.auth.params = item.auth.params;
  }
  const optional = [
    "description", "state", "version", "createdAt", "updatedAt", "sandboxName", "sandboxId", "imsOrgId",
    "createdBy", "updatedBy", "createdClient", "updatedClient",
  ] as const;
  for (const key of optional) {
    const value = item[key];
    if (value !== undefined) (connection as unknown as Record<string, unknown>)[key] = value;
  }
  return connection;
}

const connectionListSchema = z
  .object({
    items: z.array(connectionItemSchema),
    _links: lenient(z.object({ next: lenient(z.object({ href: lenient(z.string()) }).loose()) }).loose()),
  })
  .loose();

const createdSchema = z.object({ id: z.string().min(1), etag: z.string().min(1) }).loose();

const testResultSchema = z.object({ result: z.boolean() }).loose();

const connectionSpecSchema = z
  .object({
    id: z.string().min(1),
    name: lenient(z.string()),
    providerId: lenient(z.string()),
    version: lenient(z.string()),
    authSpec: lenient(
      z.array(
        z.object({ name: z.string(), type: lenient(z.string()), spec: lenient(looseRecord) }).loose(),
      ),
    ),
    attributes: lenient(looseRecord),
  })
  .loose();

const connectionSpecListSchema = z.object({ items: z.array(connectionSpecSchema) }).loose();

const tokenSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: lenient(z.string()),
    // Seconds for /ims/token/v3. A numeric string is tolerated; the JWT exchange's milliseconds are not expected here.
    expires_in: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).pipe(z.number().positive()),
  })
  .loose();

/** Result of a lenient parse: the value, or a short description of what is wrong (never the input values). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function parseJson<S extends z.ZodType, T>(schema: S, text: string, map: (value: z.infer<S>) => T): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === "" ? "the body is empty" : "the body is not JSON" };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
      return `${where}: ${issue.message}`;
    });
    return { ok: false, problem: issues.join("; ") };
  }
  return { ok: true, value: map(result.data as z.infer<S>) };
}

/** `POST /connections` and `PATCH /connections/{id}` answer `{id, etag}`. */
export function parseCreated(text: string): Parsed<{ id: string; etag: string }> {
  return parseJson(createdSchema, text, (body) => ({ id: body.id, etag: body.etag }));
}

/** One page of `GET /connections` (also the `{items:[item]}` wrapper of `GET /connections/{id}`). */
export function parseConnectionPage(text: string): Parsed<{ items: Connection[]; nextHref?: string }> {
  return parseJson(connectionListSchema, text, (body) => {
    const page: { items: Connection[]; nextHref?: string } = { items: body.items.map(toConnection) };
    const href = body._links?.next?.href;
    if (href !== undefined && href !== "") page.nextHref = href;
    return page;
  });
}

/** `GET /connections/{id}/test` answers `{result: boolean}`. */
export function parseTestResult(text: string): Parsed<boolean> {
  return parseJson(testResultSchema, text, (body) => body.result);
}

/** `GET /connectionSpecs/{id}` answers `{items:[spec]}`. */
export function parseConnectionSpecList(text: string): Parsed<ConnectionSpec[]> {
  return parseJson(connectionSpecListSchema, text, (body) => body.items.map((item) => stripUndefined(item) as ConnectionSpec));
}

/** IMS `POST /ims/token/v3` answers `{access_token, token_type, expires_in}` with `expires_in` in seconds. */
export function parseToken(text: string): Parsed<{ accessToken: string; expiresInSeconds: number }> {
  return parseJson(tokenSchema, text, (body) => ({ accessToken: body.access_token, expiresInSeconds: body.expires_in }));
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Adobe error details, whichever dialect the body used. Text is raw and unbounded: pass it through `excerpt`. */
export interface AdobeError {
  dialect: "gateway" | "flow" | "legacy" | "problem" | "unknown";
  /** Gateway `error_code` or FLOW code number. */
  code?: string;
  /** How the code reads in a message: `FLOW-1404` or `401013`. */
  codeLabel?: string;
  text?: string;
  requestId?: string;
}

const textField = lenient(z.union([z.string(), z.number()]).transform(String));

const errorBodySchema = z
  .object({
    error_code: textField,
    message: lenient(z.string()),
    type: lenient(z.string()),
    title: lenient(z.string()),
    detail: lenient(z.string()),
    report: lenient(z.object({ "detailed-message": lenient(z.string()), "request-id": lenient(z.string()) }).loose()),
    errorMessage: lenient(z.string()),
    errorDetails: lenient(z.unknown()),
    error: lenient(z.string()),
    error_description: lenient(z.string()),
  })
  .loose();

const FLOW_TYPE = /FLOW-(\d+)-\d+\/?$/;


/**
 * Reads an error body in any of Adobe's dialects: gateway `{error_code, message}` (code as string or number),
 * Flow Service `{type: ".../FLOW-<code>-<status>", title, status, report{detailed-message, request-id},
 * errorMessage, errorDetails}`, legacy `{errorMessage, errorDetails}` or an RFC 7807-like `{type, title, detail}`.
 * `headerRequestId` (the `x-request-id` response header) is used when the body has none.
 */
export function parseAdobeError(text: string, headerRequestId?: string): AdobeError {
  const withRequestId = (error: AdobeError, fromBody?: string): AdobeError => {
    const requestId = fromBody ?? headerRequestId;
    return requestId === undefined || requestId === "" ? error : { ...error, requestId };
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return withRequestId(text.trim() === "" ? { dialect: "unknown" } : { dialect: "unknown", text });
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return withRequestId({ dialect: "unknown", text });
  const body = parsed.data;
  const details = typeof body.errorDetails === "string" ? body.errorDetails : undefined;

  const flowCode = body.type === undefined ? undefined : FLOW_TYPE.exec(body.type)?.[1];
  if (flowCode !== undefined) {
    const message = body.report?.["detailed-message"] ?? body.errorMessage ?? details ?? body.title;
    const error: AdobeError = { dialect: "flow", code: flowCode, codeLabel: `FLOW-${flowCode}` };
    if (message !== undefined) error.text = message;
    return withRequestId(error, body.report?.["request-id"]);
  }
  if (body.error_code !== undefined) {
    const error: AdobeError = { dialect: "gateway", code: body.error_code };
    if (body.message !== undefined) error.text = body.message;
    return withRequestId(error);
  }
  if (body.errorMessage !== undefined || details !== undefined) {
    const message = body.errorMessage ?? details ?? "";
    const extra = details !== undefined && details !== message && !message.includes(details) ? ` (${details})` : "";
    return withRequestId({ dialect: "legacy", text: message + extra }, body.report?.["request-id"]);
  }
  if (body.title !== undefined || body.detail !== undefined || body.message !== undefined) {
    const message = [body.title, body.detail ?? body.message].filter((part) => part !== undefined).join(": ");
    return withRequestId({ dialect: "problem", text: message }, body.report?.["request-id"]);
  }
  return withRequestId({ dialect: "unknown", text });
}

/** IMS OAuth error `{error, error_description}`. Text is raw: redact before surfacing it. */
export function parseImsError(text: string): { code?: string; text?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text.trim() === "" ? {} : { text };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return { text };
  const result: { code?: string; text?: string } = {};
  const code = parsed.data.error ?? parsed.data.error_code;
  const description = parsed.data.error_description ?? parsed.data.message;
  if (code !== undefined) result.code = code;
  if (description !== undefined) result.text = description;
  return result;
}

/**
 * Adobe's error bodies, in each of their dialects: the API gateway's, Flow Service's FLOW envelope, the legacy
 * `{errorMessage, errorDetails}`, RFC 7807-like bodies and IMS OAuth errors. Texts are raw and unbounded: pass
 * them through `excerpt` (redaction.ts) before surfacing them.
 */
import { z } from "zod";
import { lenient } from "./wire";

/** Adobe error details, whichever dialect the body used. */
export interface AdobeError {
  /** `flow` is the `https://ns.adobe.com/aep/errors/<SERVICE>-<code>-<status>` envelope of any AEP service. */
  dialect: "gateway" | "flow" | "legacy" | "problem" | "unknown";
  /**
   * Gateway `error_code` or FLOW code number (`"1418"`). Other services' envelope codes keep their prefix
   * (`"CATALOG-1010"`, `"DATAPREP-1006"`): their numbers are not FLOW's and must never be mistaken for them.
   */
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

const FLOW_TYPE = /\b(FLOW|CATALOG|DATAPREP)-(\d+)-\d+\/?$/;

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

  const envelope = body.type === undefined ? null : FLOW_TYPE.exec(body.type);
  if (envelope !== null && envelope[1] !== undefined && envelope[2] !== undefined) {
    const message = body.report?.["detailed-message"] ?? body.errorMessage ?? details ?? body.detail ?? body.title;
    const label = `${envelope[1]}-${envelope[2]}`;
    const error: AdobeError = { dialect: "flow", code: envelope[1] === "FLOW" ? envelope[2] : label, codeLabel: label };
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

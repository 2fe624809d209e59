/**
 * Format rules shared by the source definitions and the envelope validation.
 *
 * Every check returns a *problem phrase* (what is wrong, never the value itself) or `undefined`. The zod builder
 * {@link stringParam} turns problems into failure messages and appends the offending value only for non-secret
 * params, so a secret can never leak into a message through this module.
 */
import { z } from "zod";

/** Length limits (UTF-16 code units) applied before any format check. */
export const LIMITS = {
  connectionString: 4096,
  param: 1024,
  name: 256,
  description: 1024,
} as const;

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
// Bidi overrides/isolates and zero-width characters make a value look different from what it is (Trojan Source).
const INVISIBLE_CHARACTER = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;
const EDGE_WHITESPACE = /^\s|\s$/;
// Half of a surrogate pair is not text: it has no UTF-8 form, so every encoder on the way to AEP would alter it.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Rules every string input follows: non-empty, bounded, no control or invisible formatting characters, no
 * leading/trailing whitespace. For secrets the phrase omits positions and code points (they describe the value).
 */
export function textProblem(value: string, maxLength: number, secret: boolean): string | undefined {
  if (value.length === 0) return "is empty";
  if (value.length > maxLength) {
    return secret
      ? `is longer than the ${maxLength}-character limit`
      : `is ${value.length} characters long, over the ${maxLength}-character limit`;
  }
  const control = CONTROL_CHARACTER.exec(value);
  if (control) {
    return secret
      ? "contains a control character (such as a newline or tab)"
      : `contains the control character ${codePoint(control[0])} at position ${control.index + 1}`;
  }
  const invisible = INVISIBLE_CHARACTER.exec(value);
  if (invisible) {
    return secret
      ? "contains an invisible formatting character (zero-width or bidirectional override)"
      : `contains the invisible formatting character ${codePoint(invisible[0])} at position ${invisible.index + 1}`;
  }
  const unpaired = UNPAIRED_SURROGATE.exec(value);
  if (unpaired) {
    return secret
      ? "contains an unpaired UTF-16 surrogate (not valid Unicode text)"
      : `contains the unpaired UTF-16 surrogate ${codePoint(unpaired[0])} at position ${unpaired.index + 1}`;
  }
  if (EDGE_WHITESPACE.test(value)) return "has leading or trailing whitespace";
  return undefined;
}

const QUOTE_LIMIT = 80;

/** Quotes a non-secret value for a message: JSON escapes, invisible characters escaped, truncated to ~80 chars. */
export function quote(value: string): string {
  const shortened = value.length > QUOTE_LIMIT ? `${value.slice(0, QUOTE_LIMIT)}…` : value;
  return JSON.stringify(shortened).replace(
    new RegExp(INVISIBLE_CHARACTER.source, "g"),
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Lists values for a message: `a, b, c` (quoted when `quoted`). */
export function list(values: readonly string[], quoted = false): string {
  return values.map((v) => (quoted ? JSON.stringify(v) : v)).join(", ");
}

/** What a JSON value is, for "must be a string (got number)" messages. Never describes the content. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID in the 8-4-4-4-12 hex form, any case, without braces (how Azure and AEP print ids). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

export function guidProblem(value: string): string | undefined {
  return isGuid(value) ? undefined : "is not a GUID (8-4-4-4-12 hexadecimal digits)";
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/**
 * A DNS host name: labels of letters, digits and inner hyphens, at most 63 characters each, 253 in total.
 * `minLabels: 2` demands a fully qualified name (a single label cannot be resolved from Adobe's cloud).
 */
export function hostNameProblem(host: string, minLabels = 1): string | undefined {
  if (host.length === 0) return "has an empty host name";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host)) return "must be a host name only, without a scheme such as https://";
  if (/[/?#]/.test(host)) return "must be a host name only, without a path";
  if (/[{}<>]/.test(host)) return "contains a placeholder such as {SERVER_NAME} (put the real host name there)";
  if (host.length > 253) return "has a host name longer than 253 characters";
  const labels = host.endsWith(".") ? host.slice(0, -1).split(".") : host.split(".");
  if (!labels.every((label) => DNS_LABEL.test(label))) {
    return "is not a valid host name (letters, digits and hyphens, separated by dots)";
  }
  if (labels.length < minLabels) return "must be a fully qualified host name (for example server.example.com)";
  return undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

export function isIPv4(value: string): boolean {
  return IPV4.test(value);
}

/** A TCP port written as decimal digits, 1-65535. */
export function isPort(value: string): boolean {
  return /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535;
}

/** A TCP port given as a number (a component argument), 1-65535. */
export function portNumber(): z.ZodNumber {
  return z
    .number({ error: (issue) => `must be a number (got ${jsonType(issue.input)}); expected a TCP port between 1 and 65535` })
    .refine((value) => Number.isInteger(value) && value >= 1 && value <= 65535, {
      error: (issue) => `is not a TCP port; expected a TCP port between 1 and 65535 (got ${String(issue.input)})`,
    });
}

const STORAGE_ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** The rule of Azure storage account names, as messages state it. */
export const STORAGE_ACCOUNT_NAME_RULE = "3-24 lowercase letters and digits";

/** An Azure storage account name: 3-24 lowercase letters and digits. */
export function storageAccountNameProblem(value: string): string | undefined {
  return STORAGE_ACCOUNT_NAME.test(value) ? undefined : `is not a storage account name (${STORAGE_ACCOUNT_NAME_RULE})`;
}

/**
 * Microsoft Entra tenant: the tenant ID (GUID) or one of its verified domain names (contoso.onmicrosoft.com,
 * contoso.com). Adobe's ADLS Gen2 auth spec says "domain name or tenant ID".
 */
export function tenantProblem(value: string): string | undefined {
  if (isGuid(value)) return undefined;
  if (/^[0-9a-f-]+$/i.test(value) && value.includes("-")) {
    return "looks like a tenant ID but is not a well-formed GUID (8-4-4-4-12 hexadecimal digits)";
  }
  const labels = value.split(".");
  const topLevel = labels[labels.length - 1] ?? "";
  if (labels.length < 2 || hostNameProblem(value, 2) !== undefined || !/^[a-z]{2,63}$/i.test(topLevel)) {
    return "is neither a tenant ID (GUID) nor a domain name";
  }
  return undefined;
}

/** A value is a bare https origin (`https://host` or `https://host/`); problems explain what else is there. */
export function httpsOriginProblems(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return ["is not a URL"];
  }
  const problems: string[] = [];
  // Judged as written: the URL parser normalises away an empty userinfo (`https://@host`), an empty or default port
  // (`host:`, `host:443`) and upper case, which AEP then stores as the user typed them.
  const authority = authorityAsWritten(value);
  if (url.protocol !== "https:") problems.push(`must use https, not ${url.protocol.slice(0, -1)}`);
  if (url.username !== "" || url.password !== "" || authority.includes("@")) problems.push("must not contain credentials (user:password@)");
  if (url.port !== "" || /:\d*$/.test(authority.slice(authority.lastIndexOf("@") + 1))) problems.push("must not contain a port");
  if (problems.length === 0 && value !== value.toLowerCase()) problems.push("must be written in lower case");
  if (url.pathname !== "/" && url.pathname !== "") problems.push("must not contain a path");
  if (url.search !== "" || value.includes("?")) problems.push("must not contain a query (?…)");
  if (url.hash !== "" || value.includes("#")) problems.push("must not contain a fragment (#…)");
  return problems;
}

/** The authority (userinfo, host and port) as written, from a value that starts with `scheme://`. */
function authorityAsWritten(value: string): string {
  const afterScheme = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const end = afterScheme.search(/[/?#]/);
  return end === -1 ? afterScheme : afterScheme.slice(0, end);
}

/** The host as written (original case), from a value that starts with `scheme://`. */
export function writtenHost(value: string): string {
  const authority = authorityAsWritten(value);
  return authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d*$/, "");
}

/** How one auth param is checked. */
export interface StringParamSpec {
  /** What a valid value looks like; ends every failure message ("expected …"). */
  readonly expected: string;
  /** Secret params never have their value (or any part of it) in a message. */
  readonly secret?: boolean;
  /** Defaults to {@link LIMITS.param}. */
  readonly maxLength?: number;
  /** Format check run after the common text rules pass; returns problem phrases. */
  readonly check?: (value: string) => string | readonly string[] | undefined;
}

/**
 * A zod string schema for one auth param. Messages read `<problem>[; <problem>…]; expected <what>` and, for
 * non-secret params, end with `(got "<value>")`, so problem phrases avoid ";" of their own. Wrong types say only
 * the JSON type. Add `.optional()` for optional params.
 */
export function stringParam(spec: StringParamSpec): z.ZodString {
  const secret = spec.secret ?? false;
  const maxLength = spec.maxLength ?? LIMITS.param;
  const message = (problem: string, value: string): string =>
    `${problem}; expected ${spec.expected}${secret ? "" : ` (got ${quote(value)})`}`;
  return z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `required; expected ${spec.expected}`
          : `must be a string (got ${jsonType(issue.input)}); expected ${spec.expected}`,
    })
    .superRefine((value, ctx) => {
      const basic = textProblem(value, maxLength, secret);
      const found = basic ?? spec.check?.(value);
      const problems = found === undefined ? [] : typeof found === "string" ? [found] : found;
      // One failure per param: several problems of one value read best as one sentence.
      if (problems.length > 0) ctx.addIssue({ code: "custom", message: message(problems.join("; "), value) });
    });
}

/** A zod schema for one of `values` (a string), with messages that list them and suggest nothing secret. */
export function enumParam<T extends string>(values: readonly T[], what = "one of"): z.ZodType<T> {
  const expected = `${what}: ${list(values)}`;
  return z.string({ error: (issue) => (issue.input === undefined ? `required; expected ${expected}` : `must be a string (got ${jsonType(issue.input)}); expected ${expected}`) }).refine(
    (value): value is T => (values as readonly string[]).includes(value),
    { error: (issue) => `unknown value ${quote(String(issue.input))}; expected ${expected}` },
  ) as unknown as z.ZodType<T>;
}

/** A zod schema for a boolean argument. */
export function booleanParam(expected = "true or false"): z.ZodBoolean {
  return z.boolean({ error: (issue) => (issue.input === undefined ? `required; expected ${expected}` : `must be a boolean (got ${jsonType(issue.input)}); expected ${expected}`) });
}

/** A zod schema for a whole number between `min` and `max`. */
export function integerParam(min: number, max: number, expected: string): z.ZodType<number> {
  return z
    .number({ error: (issue) => (issue.input === undefined ? `required; expected ${expected}` : `must be a number (got ${jsonType(issue.input)}); expected ${expected}`) })
    .refine((value) => Number.isInteger(value) && value >= min && value <= max, {
      error: (issue) => `is out of range; expected ${expected} (got ${String(issue.input)})`,
    });
}

/**
 * Settings of the Flow Service client: where AEP and IMS live and which OAuth server-to-server credential to use.
 * Values come from explicit input first, then from `AEP_*` environment variables, then from defaults. Every problem
 * is reported at once so a user fixes their configuration in one pass.
 */
import { isIP } from "node:net";
import { SettingsError } from "./errors";
import type { FlowServiceClientOptions } from "./types";

/** Resolved settings of a {@link FlowServiceClient}. */
export interface FlowServiceSettings {
  /** OAuth server-to-server Client ID; also sent as `x-api-key`. Env `AEP_CLIENT_ID`. */
  clientId: string;
  /** OAuth server-to-server Client secret. Kept in memory only, never logged. Env `AEP_CLIENT_SECRET`. */
  clientSecret: string;
  /** IMS organization id, e.g. `5C1328435BF324E90A49402A@AdobeOrg`. Env `AEP_ORG_ID`. */
  orgId: string;
  /** Sandbox sent as `x-sandbox-name` when a call does not name one. Env `AEP_SANDBOX_NAME`. @default "prod" */
  sandboxName: string;
  /**
   * Comma-separated OAuth scopes. Env `AEP_SCOPES`.
   * @default "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext"
   */
  scopes: string;
  /** AEP gateway; the client appends `/data/foundation/flowservice`. Env `AEP_PLATFORM_URL`. @default "https://platform.adobe.io" */
  platformUrl: string;
  /** Adobe IMS; the client appends `/ims/token/v3`. Env `AEP_IMS_URL`. @default "https://ims-na1.adobelogin.com" */
  imsUrl: string;
}

/** How one setting is found: its environment variable and, for optional settings, its default. */
export interface SettingSource {
  /** Environment variable read when no explicit value is given. */
  readonly env: string;
  /** Value used when neither an explicit value nor the environment variable is set; absent for required settings. */
  readonly default?: string;
}

/**
 * The one table of client settings. Explicit values win, then the environment variable, then the default. Stack
 * config keys are derived from the names (`aep:<name>`, see provider/shared/settings.ts), never written again.
 */
export const SETTINGS = {
  clientId: { env: "AEP_CLIENT_ID" },
  clientSecret: { env: "AEP_CLIENT_SECRET" },
  orgId: { env: "AEP_ORG_ID" },
  sandboxName: { env: "AEP_SANDBOX_NAME", default: "prod" },
  scopes: { env: "AEP_SCOPES", default: "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext" },
  platformUrl: { env: "AEP_PLATFORM_URL", default: "https://platform.adobe.io" },
  imsUrl: { env: "AEP_IMS_URL", default: "https://ims-na1.adobelogin.com" },
} as const satisfies Record<keyof FlowServiceSettings, SettingSource>;

/** Setting names, in table order. */
export const SETTING_NAMES = Object.keys(SETTINGS) as (keyof FlowServiceSettings)[];

const REQUIRED_KEYS = ["clientId", "clientSecret", "orgId"] as const;

interface Picked {
  value: string | undefined;
  /** What to call the value in a message: the explicit key or the env variable it came from. */
  source: string;
}

function pick(key: keyof FlowServiceSettings, explicit: Partial<FlowServiceSettings>, env: NodeJS.ProcessEnv): Picked {
  const given = explicit[key];
  if (typeof given === "string" && given.trim() !== "") return { value: given.trim(), source: key };
  const envName = SETTINGS[key].env;
  const fromEnv = env[envName];
  if (typeof fromEnv === "string" && fromEnv.trim() !== "") return { value: fromEnv.trim(), source: envName };
  return { value: undefined, source: key };
}

/** True for `localhost`, 127.0.0.0/8 and ::1: the only hosts that may be reached over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || host === "0:0:0:0:0:0:0:1";
  return false;
}

/**
 * Checks a base URL and returns it without trailing slashes, or a problem description. Only the origin of a bad
 * URL is echoed: a URL may carry user info.
 */
function checkBaseUrl(value: string, source: string): { url: string } | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { problem: `${source} is not a valid absolute URL` };
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return { problem: `${source} must not contain credentials (user:password@)` };
  }
  if (parsed.search !== "" || parsed.hash !== "") {
    return { problem: `${source} must not contain a query string or fragment (got origin ${parsed.origin})` };
  }
  if (parsed.protocol === "http:") {
    if (!isLoopbackHost(parsed.hostname)) {
      return {
        problem:
          `${source} uses plain http:// (${parsed.origin}); use https:// ` +
          `(http is only allowed for loopback hosts such as 127.0.0.1, ::1 or localhost)`,
      };
    }
  } else if (parsed.protocol !== "https:") {
    return { problem: `${source} must use https:// (got ${parsed.protocol}//)` };
  }
  return { url: `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "") };
}

/**
 * Resolves client settings. Explicit values win, else env `AEP_CLIENT_ID`, `AEP_CLIENT_SECRET`, `AEP_ORG_ID`,
 * `AEP_SANDBOX_NAME`, `AEP_SCOPES`, `AEP_PLATFORM_URL`, `AEP_IMS_URL`, else the defaults of {@link SETTINGS}.
 * Empty or blank strings count as missing. Scopes are normalised to a comma list without spaces; URLs lose
 * trailing slashes.
 *
 * @throws SettingsError naming every missing setting at once (`missing` holds the setting keys), and
 *   every invalid URL: plain `http://` is refused unless the host is loopback (127.0.0.0/8, ::1, localhost).
 *   TLS verification is never disabled.
 */
export function resolveSettings(
  explicit: Partial<FlowServiceSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): FlowServiceSettings {
  const missing: string[] = [];
  const problems: string[] = [];
  const required: Record<(typeof REQUIRED_KEYS)[number], string> = { clientId: "", clientSecret: "", orgId: "" };
  for (const key of REQUIRED_KEYS) {
    const picked = pick(key, explicit, env);
    if (picked.value === undefined) missing.push(key);
    else required[key] = picked.value;
  }

  const urls = { platformUrl: "", imsUrl: "" };
  for (const key of ["platformUrl", "imsUrl"] as const) {
    const picked = pick(key, explicit, env);
    const checked = checkBaseUrl(picked.value ?? SETTINGS[key].default, picked.source);
    if ("problem" in checked) problems.push(checked.problem);
    else urls[key] = checked.url;
  }

  const scopes = (pick("scopes", explicit, env).value ?? SETTINGS.scopes.default)
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "")
    .join(",");
  if (scopes === "") problems.push("scopes must name at least one OAuth scope");

  if (missing.length > 0 || problems.length > 0) {
    const lines: string[] = [];
    if (missing.length > 0) {
      const named = missing.map((key) => `${key} (env ${SETTINGS[key as keyof FlowServiceSettings].env})`);
      lines.push(`missing ${named.join(", ")}`);
    }
    lines.push(...problems);
    throw new SettingsError(`Invalid Flow Service settings: ${lines.join("; ")}.`, missing);
  }

  return {
    ...required,
    sandboxName: pick("sandboxName", explicit, env).value ?? SETTINGS.sandboxName.default,
    scopes,
    platformUrl: urls.platformUrl,
    imsUrl: urls.imsUrl,
  };
}

/**
 * One setting as it would resolve, without requiring the others (e.g. the default sandbox, which `check` and `diff`
 * need before any credential is known).
 */
export function settingValue(
  key: keyof FlowServiceSettings,
  explicit: Partial<FlowServiceSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const source: SettingSource = SETTINGS[key];
  return pick(key, explicit, env).value ?? source.default;
}

/** Transport tuning read from the environment: the variable, what it sets, and its lower bound. */
export const TRANSPORT_SETTINGS = {
  /**
   * Deadline of one HTTP attempt in milliseconds, headers and body together (client options `attemptTimeoutMs`,
   * `headersTimeoutMs` and `bodyTimeoutMs`; defaults 60 000, 30 000, 30 000). A timed-out request counts as a lost
   * response: retried if idempotent, looked up before a create is sent again.
   */
  AEP_HTTP_TIMEOUT_MS: { min: 1 },
  /** Backoff cap of the first retry in milliseconds, doubling on each further one (client `retry.baseDelayMs`, default 500). */
  AEP_RETRY_BASE_MS: { min: 0 },
  /** Largest response body read, in bytes (client `maxResponseBytes`, default 16 MiB). */
  AEP_MAX_RESPONSE_BYTES: { min: 1024 },
} as const;

/**
 * Client options from the {@link TRANSPORT_SETTINGS} variables; unset or empty keeps the client's defaults.
 * `Retry-After` is honoured whatever its value.
 * @throws SettingsError when a variable is not a whole number at or above its minimum
 */
export function transportOptionsFromEnv(env: NodeJS.ProcessEnv): FlowServiceClientOptions {
  const read = (name: keyof typeof TRANSPORT_SETTINGS): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return undefined;
    const { min } = TRANSPORT_SETTINGS[name];
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new SettingsError(`${name} must be a whole number, at least ${min} (got ${JSON.stringify(raw)}).`);
    }
    return Number(raw);
  };
  const options: FlowServiceClientOptions = {};
  const timeoutMs = read("AEP_HTTP_TIMEOUT_MS");
  if (timeoutMs !== undefined) {
    options.headersTimeoutMs = timeoutMs;
    options.bodyTimeoutMs = timeoutMs;
    options.attemptTimeoutMs = timeoutMs;
  }
  const retryBaseMs = read("AEP_RETRY_BASE_MS");
  if (retryBaseMs !== undefined) options.retry = { baseDelayMs: retryBaseMs };
  const maxResponseBytes = read("AEP_MAX_RESPONSE_BYTES");
  if (maxResponseBytes !== undefined) options.maxResponseBytes = maxResponseBytes;
  return options;
}

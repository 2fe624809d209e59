/**
 * Settings of the Flow Service client: where AEP and IMS live and which OAuth server-to-server credential to use.
 * Values come from explicit input first, then from `AEP_*` environment variables, then from defaults. Every problem
 * is reported at once so a user fixes their configuration in one pass.
 */
import { isIP } from "node:net";
import { FlowServiceConfigError } from "./errors";

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

/** Default values of the optional settings. */
export const DEFAULT_SETTINGS = {
  sandboxName: "prod",
  scopes: "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext",
  platformUrl: "https://platform.adobe.io",
  imsUrl: "https://ims-na1.adobelogin.com",
} as const satisfies Partial<FlowServiceSettings>;

/** Environment variable read for each setting. */
export const SETTINGS_ENV_VARS = {
  clientId: "AEP_CLIENT_ID",
  clientSecret: "AEP_CLIENT_SECRET",
  orgId: "AEP_ORG_ID",
  sandboxName: "AEP_SANDBOX_NAME",
  scopes: "AEP_SCOPES",
  platformUrl: "AEP_PLATFORM_URL",
  imsUrl: "AEP_IMS_URL",
} as const satisfies Record<keyof FlowServiceSettings, string>;

const REQUIRED_KEYS = ["clientId", "clientSecret", "orgId"] as const;

interface Picked {
  value: string | undefined;
  /** What to call the value in a message: the explicit key or the env variable it came from. */
  source: string;
}

function pick(key: keyof FlowServiceSettings, explicit: Partial<FlowServiceSettings>, env: NodeJS.ProcessEnv): Picked {
  const given = explicit[key];
  if (typeof given === "string" && given.trim() !== "") return { value: given.trim(), source: key };
  const envName = SETTINGS_ENV_VARS[key];
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
 * `AEP_SANDBOX_NAME`, `AEP_SCOPES`, `AEP_PLATFORM_URL`, `AEP_IMS_URL`, else {@link DEFAULT_SETTINGS}.
 * Empty or blank strings count as missing. Scopes are normalised to a comma list without spaces; URLs lose
 * trailing slashes.
 *
 * @throws FlowServiceConfigError naming every missing setting at once (`missing` holds the setting keys), and
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
    const checked = checkBaseUrl(picked.value ?? DEFAULT_SETTINGS[key], picked.source);
    if ("problem" in checked) problems.push(checked.problem);
    else urls[key] = checked.url;
  }

  const scopes = (pick("scopes", explicit, env).value ?? DEFAULT_SETTINGS.scopes)
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "")
    .join(",");
  if (scopes === "") problems.push("scopes must name at least one OAuth scope");

  if (missing.length > 0 || problems.length > 0) {
    const lines: string[] = [];
    if (missing.length > 0) {
      const named = missing.map((key) => `${key} (env ${SETTINGS_ENV_VARS[key as keyof FlowServiceSettings]})`);
      lines.push(`missing ${named.join(", ")}`);
    }
    lines.push(...problems);
    throw new FlowServiceConfigError(`Invalid Flow Service settings: ${lines.join("; ")}.`, missing);
  }

  return {
    ...required,
    sandboxName: pick("sandboxName", explicit, env).value ?? DEFAULT_SETTINGS.sandboxName,
    scopes,
    platformUrl: urls.platformUrl,
    imsUrl: urls.imsUrl,
  };
}

/** Adobe IMS OAuth server-to-server: `POST /ims/token/v3` and the registry of issued access tokens. */
import { randomBytes, randomUUID } from "node:crypto";
import type { EmulatorClientCredentials } from "./types";
import { jsonReply, mediaType, type Reply } from "./http";

/** The scopes Adobe's "Get credentials" widget grants an AEP OAuth server-to-server credential. */
export const AEP_SCOPES: readonly string[] = [
  "openid",
  "session",
  "AdobeID",
  "read_organizations",
  "additional_info.projectedProductContext",
];

export interface TokenGrant {
  clientId: string;
  orgId: string;
  expiresAtMs: number;
}

export class TokenRegistry {
  private readonly grants = new Map<string, TokenGrant>();

  constructor(private readonly lifetimeSeconds: number) {}

  /** Issues a JWT-shaped access token (like IMS's, though the signature is random and nobody verifies it). */
  issue(client: EmulatorClientCredentials, scope: string): { accessToken: string; expiresIn: number } {
    const createdAt = Date.now();
    const header = { alg: "RS256", x5u: "ims_na1-key-at-1.cer", kid: "ims_na1-key-at-1", itt: "at" };
    const payload = {
      id: `${createdAt}_${randomUUID()}_ue1`,
      type: "access_token",
      client_id: client.clientId,
      user_id: `${client.clientId}@AdobeID`,
      as: "ims-na1",
      ctp: 3,
      scope,
      created_at: String(createdAt),
      expires_in: String(this.lifetimeSeconds * 1000),
    };
    const accessToken = [header, payload]
      .map((part) => Buffer.from(JSON.stringify(part)).toString("base64url"))
      .concat(randomBytes(64).toString("base64url"))
      .join(".");
    this.grants.set(accessToken, {
      clientId: client.clientId,
      orgId: client.orgId,
      expiresAtMs: createdAt + this.lifetimeSeconds * 1000,
    });
    return { accessToken, expiresIn: this.lifetimeSeconds };
  }

  /** The grant behind a token, or undefined when it is unknown, expired or invalidated. */
  verify(accessToken: string): TokenGrant | undefined {
    const grant = this.grants.get(accessToken);
    if (grant === undefined) return undefined;
    if (Date.now() >= grant.expiresAtMs) {
      this.grants.delete(accessToken);
      return undefined;
    }
    return grant;
  }

  expireAll(): void {
    this.grants.clear();
  }
}

function oauthError(error: string, description: string): Reply {
  return jsonReply(400, { error, error_description: description });
}

/**
 * Parameters may come in a form-encoded body or the query string (IMS accepts both; the body wins).
 * Returns the fields as received, for the request log.
 */
export function tokenRequestFields(query: URLSearchParams, contentType: string | undefined, body: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of query) fields[name] = value;
  if (mediaType(contentType) === "application/x-www-form-urlencoded") {
    for (const [name, value] of new URLSearchParams(body)) fields[name] = value;
  }
  return fields;
}

/**
 * Answers a token request. Checks, in order: the client credentials (invalid_client), the grant type
 * (unsupported_grant_type), the scopes (invalid_scope: empty, or anything beyond the AEP scopes).
 */
export function handleTokenRequest(
  method: string,
  fields: Record<string, string>,
  clients: readonly EmulatorClientCredentials[],
  tokens: TokenRegistry,
): Reply {
  if (method !== "POST") {
    return { status: 405, headers: { allow: "POST" }, body: { error: "invalid_request", error_description: "Use POST" } };
  }
  const clientId = fields["client_id"];
  if (clientId === undefined || clientId === "") return oauthError("invalid_client", "missing client_id parameter");
  const client = clients.find((c) => c.clientId === clientId);
  if (client === undefined) return oauthError("invalid_client", "invalid client_id parameter");
  if (fields["client_secret"] !== client.clientSecret) return oauthError("invalid_client", "invalid client_secret parameter");

  const grantType = fields["grant_type"];
  if (grantType !== "client_credentials") {
    return oauthError("unsupported_grant_type", `unsupported grant_type '${grantType ?? ""}', expected client_credentials`);
  }

  const scopes = (fields["scope"] ?? "").split(/[\s,]+/).filter((s) => s !== "");
  if (scopes.length === 0) return oauthError("invalid_scope", "missing scope parameter");
  const unknown = scopes.filter((s) => !AEP_SCOPES.includes(s));
  if (unknown.length > 0) return oauthError("invalid_scope", `invalid scope(s): ${unknown.join(",")}`);

  const { accessToken, expiresIn } = tokens.issue(client, scopes.join(","));
  return jsonReply(200, { access_token: accessToken, token_type: "bearer", expires_in: expiresIn });
}

/**
 * The Flow Service requests of a base connection's lifecycle made with plain undici `request` and nothing else: no
 * validation, retries, recovery or redaction. The bench's two reference points share it, so that they send exactly
 * the same requests and differ only in the transport choices they exist to show:
 * - the naive client (naive.ts): a new IMS token before every call and `connection: close` on every request;
 * - the minimal provider (minimal-provider.ts): one token and keep-alive, like the real provider.
 */
import { Agent, request, type Dispatcher } from "undici";

const FLOW_SERVICE = "/data/foundation/flowservice";

/** Where the requests go and as whom. */
export interface PlainSettings {
  imsUrl: string;
  platformUrl: string;
  clientId: string;
  clientSecret: string;
  orgId: string;
}

/** The transport choices that tell the naive client from the minimal provider. */
export interface PlainTransport {
  /** Ask IMS for a new token before every Flow Service call instead of once. */
  tokenPerCall: boolean;
  /** Reuse sockets (one keep-alive Agent) instead of `connection: close` on every request. */
  keepAlive: boolean;
}

/** A connection as the GET returns it, reduced to what the bench uses. */
export interface PlainConnection {
  id: string;
  etag: string;
  name: string;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

export class PlainFlowClient {
  private readonly agent: Dispatcher | undefined;
  private token: Promise<string> | undefined;

  constructor(
    private readonly settings: PlainSettings,
    private readonly transport: PlainTransport,
  ) {
    this.agent = transport.keepAlive ? new Agent({ connections: 64 }) : undefined;
  }

  /** POST /connections (expects 201); returns the new id and etag. */
  async create(name: unknown, connectionSpec: { id: string; version: string }, auth: unknown, description?: string): Promise<{ id: string; etag: string }> {
    const body = { name, ...(description === undefined ? {} : { description }), auth, connectionSpec };
    return (await this.call("POST", "/connections", [201], body)) as { id: string; etag: string };
  }

  /** GET /connections/{id} (expects 200). */
  async read(id: string): Promise<PlainConnection> {
    const { items } = (await this.call("GET", `/connections/${id}`, [200])) as { items: PlainConnection[] };
    const connection = items[0]!;
    return { id: connection.id, etag: connection.etag, name: connection.name };
  }

  /**
   * PATCH /connections/{id} with If-Match (expects 200): the new name, the description if given, and the auth params
   * whole (as the provider's update writes the whole declared state); the new etag.
   */
  async rename(id: string, etag: string, name: unknown, description: unknown, authParams: unknown): Promise<string> {
    const operations = [
      { op: "replace", path: "/name", value: name },
      ...(typeof description === "string" ? [{ op: "add", path: "/description", value: description }] : []),
      { op: "replace", path: "/auth/params", value: authParams },
    ];
    return ((await this.call("PATCH", `/connections/${id}`, [200], operations, etag)) as { etag: string }).etag;
  }

  /** DELETE /connections/{id} (expects 200, 202 or 204). */
  async remove(id: string): Promise<void> {
    await this.call("DELETE", `/connections/${id}`, [200, 202, 204]);
  }

  private async send(url: string, options: { method: Method; headers: Record<string, string>; body?: string }): Promise<{ status: number; text: string }> {
    const headers = this.agent === undefined ? { ...options.headers, connection: "close" } : options.headers;
    const response = await request(url, { ...options, headers, ...(this.agent === undefined ? {} : { dispatcher: this.agent }) });
    const text = await response.body.text();
    // As provider/flow-service/http.ts does: let undici return the socket to the pool before the next request.
    if (this.agent !== undefined) await new Promise<void>((resolve) => setImmediate(resolve));
    return { status: response.statusCode, text };
  }

  private accessToken(): Promise<string> {
    if (this.transport.tokenPerCall || this.token === undefined) {
      this.token = (async () => {
        const { status, text } = await this.send(`${this.settings.imsUrl}/ims/token/v3`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "client_credentials",
            client_id: this.settings.clientId,
            client_secret: this.settings.clientSecret,
            scope: "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext",
          }).toString(),
        });
        if (status !== 200) throw new Error(`IMS answered ${status}, expected a token (200)`);
        return (JSON.parse(text) as { access_token: string }).access_token;
      })();
    }
    return this.token;
  }

  private async call(method: Method, route: string, expected: readonly number[], body?: unknown, ifMatch?: string): Promise<unknown> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.accessToken()}`,
      "x-api-key": this.settings.clientId,
      "x-gw-ims-org-id": this.settings.orgId,
      "x-sandbox-name": "prod",
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch !== undefined) headers["if-match"] = ifMatch;
    const { status, text } = await this.send(`${this.settings.platformUrl}${FLOW_SERVICE}${route}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!expected.includes(status)) throw new Error(`${method} ${route} answered ${status}, expected ${expected.join(" or ")}`);
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }
}

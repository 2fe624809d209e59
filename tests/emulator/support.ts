/**
 * Raw-HTTP helpers for the emulator's own tests (undici only: the project's client is tested against the emulator,
 * not the other way round).
 */
import { request, type Dispatcher } from "undici";
import type { Emulator, EmulatorClientCredentials } from "../../emulator/index";
import { seedBody, type SeedRequestBody } from "../fixtures/seed-requests";

export const BASE_PATH = "/data/foundation/flowservice";
export const AEP_SCOPE = "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
}

export interface HttpInit {
  method?: Dispatcher.HttpMethod;
  headers?: Record<string, string>;
  body?: string;
  dispatcher?: Dispatcher;
}

export async function http(url: string, init: HttpInit = {}): Promise<HttpResult> {
  const response = await request(url, {
    method: init.method ?? "GET",
    headers: init.headers ?? {},
    body: init.body ?? null,
    ...(init.dispatcher === undefined ? {} : { dispatcher: init.dispatcher }),
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export async function requestToken(emulator: Emulator, fields: Record<string, string>): Promise<HttpResult> {
  return http(`${emulator.imsUrl}/ims/token/v3`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: formBody(fields),
  });
}

export async function fetchToken(emulator: Emulator, client: EmulatorClientCredentials = emulator.client): Promise<string> {
  const result = await requestToken(emulator, {
    grant_type: "client_credentials",
    client_id: client.clientId,
    client_secret: client.clientSecret,
    scope: AEP_SCOPE,
  });
  const token = (result.json as { access_token?: unknown } | undefined)?.access_token;
  if (result.status !== 200 || typeof token !== "string") throw new Error(`token request failed: ${result.status} ${result.text}`);
  return token;
}

/** Extracts "FLOW-1413-400" from a FLOW envelope's `type`. */
export function flowCode(json: unknown): string | undefined {
  const type = (json as { type?: unknown } | undefined)?.type;
  return typeof type === "string" ? type.slice(type.lastIndexOf("/") + 1) : undefined;
}

export function detailedMessage(json: unknown): string {
  const report = (json as { report?: { "detailed-message"?: unknown } } | undefined)?.report;
  return String(report?.["detailed-message"] ?? "");
}

export interface CallOptions {
  /** JSON body (serialised) unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Header names (lower case) to leave out of the defaults. */
  omit?: string[];
  dispatcher?: Dispatcher;
}

/** A caller of the Flow Service routes with a valid token, API key, org and sandbox. */
export class FlowApi {
  constructor(
    readonly emulator: Emulator,
    readonly token: string,
    readonly sandboxName = "prod",
    readonly client: EmulatorClientCredentials = emulator.client,
  ) {}

  static async connect(emulator: Emulator, sandboxName = "prod", client: EmulatorClientCredentials = emulator.client): Promise<FlowApi> {
    return new FlowApi(emulator, await fetchToken(emulator, client), sandboxName, client);
  }

  inSandbox(sandboxName: string): FlowApi {
    return new FlowApi(this.emulator, this.token, sandboxName, this.client);
  }

  defaultHeaders(): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      "x-api-key": this.client.clientId,
      "x-gw-ims-org-id": this.client.orgId,
      "x-sandbox-name": this.sandboxName,
    };
  }

  async call(method: Dispatcher.HttpMethod, route: string, options: CallOptions = {}): Promise<HttpResult> {
    const headers = this.defaultHeaders();
    for (const name of options.omit ?? []) delete headers[name];
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (body !== undefined && !(options.omit ?? []).includes("content-type")) headers["content-type"] = "application/json";
    const init: HttpInit = { method, headers: { ...headers, ...options.headers } };
    if (body !== undefined) init.body = body;
    if (options.dispatcher !== undefined) init.dispatcher = options.dispatcher;
    return http(`${this.emulator.platformUrl}${BASE_PATH}${route}`, init);
  }

  /** Creates a connection and returns `{id, etag}`, failing loudly otherwise. */
  async create(body: unknown): Promise<{ id: string; etag: string }> {
    const result = await this.call("POST", "/connections", { body });
    if (result.status !== 201) throw new Error(`create failed: ${result.status} ${result.text}`);
    return result.json as { id: string; etag: string };
  }

  /** GET /connections/{id} → items[0], failing loudly otherwise. */
  async read(id: string): Promise<Record<string, unknown>> {
    const result = await this.call("GET", `/connections/${id}`);
    if (result.status !== 200) throw new Error(`read failed: ${result.status} ${result.text}`);
    const items = (result.json as { items: Record<string, unknown>[] }).items;
    const [item] = items;
    if (items.length !== 1 || item === undefined) throw new Error(`expected one item, got ${items.length}`);
    return item;
  }
}

/** A valid body for the SQL Server spec with a given name (handy for list tests). */
export function sqlServerBody(name: string, description?: string): ConnectionBody {
  const { description: _seedDescription, ...body }: ConnectionBody = seedBody("sql-server");
  body.name = name;
  body.auth.params["connectionString"] = `Data Source=db-${name};Initial Catalog=c;Integrated Security=False;User ID=u;Password=secret-${name};`;
  return description === undefined ? body : { ...body, description };
}

/** A create body whose description is optional. */
export type ConnectionBody = Omit<SeedRequestBody, "description"> & { description?: string };

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const ETAG_SHAPE = /^"[0-9a-f]{8}-0000-0200-0000-[0-9a-f]{8}0000"$/;

/**
 * The benchmark's floor: the least a dynamic provider can do for the same operations. It runs in the same
 * dynamic-provider host, behind the same gRPC calls, against the same emulator, and sends exactly the Flow Service
 * requests the real provider sends (POST + GET, PATCH + GET, DELETE), with one IMS token per host and keep-alive,
 * but validates nothing, handles no error, retries nothing and returns three outputs. Its wall time is what the rig
 * itself costs on this machine (Pulumi's host, gRPC, the emulator, the bench's stand-in for the engine); the real
 * provider's time above it is the provider's own cost.
 *
 * Bench code only: loaded in the host through {@link minimalProviderShim}, never part of the package.
 */
import * as path from "node:path";
import { Agent, request } from "undici";
import { sources, type SourceKey } from "../../provider/sources";

const FLOW_SERVICE = "/data/foundation/flowservice";
const MODULE_PATH = path.join(__dirname, "minimal-provider.ts");

interface Config {
  get(key: string): string | undefined;
}

type Bag = Record<string, unknown>;

class MinimalProvider {
  private readonly agent = new Agent({ connections: 64 });
  private token: Promise<string> | undefined;

  constructor(private readonly config: Config) {}

  private setting(key: string): string {
    const value = this.config.get(key);
    if (value === undefined) throw new Error(`minimal provider: ${key} is not configured`);
    return value;
  }

  private accessToken(): Promise<string> {
    this.token ??= (async () => {
      const response = await request(`${this.setting("aep:imsUrl")}/ims/token/v3`, {
        method: "POST",
        dispatcher: this.agent,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: this.setting("aep:clientId"),
          client_secret: this.setting("aep:clientSecret"),
          scope: "openid,AdobeID,read_organizations",
        }).toString(),
      });
      const body = (await response.body.json()) as { access_token: string };
      await new Promise<void>((resolve) => setImmediate(resolve));
      return body.access_token;
    })();
    return this.token;
  }

  private async call(method: string, route: string, body?: unknown, ifMatch?: string): Promise<unknown> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${await this.accessToken()}`,
      "x-api-key": this.setting("aep:clientId"),
      "x-gw-ims-org-id": this.setting("aep:orgId"),
      "x-sandbox-name": "prod",
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch !== undefined) headers["if-match"] = ifMatch;
    const response = await request(`${this.setting("aep:platformUrl")}${FLOW_SERVICE}${route}`, {
      method: method as "GET",
      headers,
      dispatcher: this.agent,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    // As provider/flow-service/http.ts does: let undici return the socket to the pool before the next request.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (response.statusCode >= 300) throw new Error(`minimal provider: ${method} ${route} answered ${response.statusCode}`);
    return text === "" ? undefined : JSON.parse(text);
  }

  private async outputs(id: string): Promise<Bag> {
    const { items } = (await this.call("GET", `/connections/${id}`)) as { items: { id: string; etag: string; name: string }[] };
    const connection = items[0]!;
    return { connectionId: connection.id, etag: connection.etag, name: connection.name };
  }

  async check(_olds: Bag, news: Bag): Promise<{ inputs: Bag }> {
    return { inputs: news };
  }

  async diff(_id: string, olds: Bag, news: Bag): Promise<{ changes: boolean }> {
    return { changes: olds["name"] !== news["name"] };
  }

  async create(news: Bag): Promise<{ id: string; outs: Bag }> {
    const spec = sources[news["source"] as SourceKey].connectionSpec;
    const created = (await this.call("POST", "/connections", {
      name: news["name"],
      auth: news["auth"],
      connectionSpec: { id: spec.id, version: spec.version },
    })) as { id: string };
    return { id: created.id, outs: await this.outputs(created.id) };
  }

  async update(id: string, olds: Bag, news: Bag): Promise<{ outs: Bag }> {
    const operations = [
      { op: "replace", path: "/name", value: news["name"] },
      ...(typeof news["description"] === "string" ? [{ op: "add", path: "/description", value: news["description"] }] : []),
    ];
    await this.call("PATCH", `/connections/${id}`, operations, String(olds["etag"]));
    return { outs: await this.outputs(id) };
  }

  async delete(id: string): Promise<void> {
    await this.call("DELETE", `/connections/${id}`);
  }

  async read(id: string, props: Bag): Promise<{ id: string; props: Bag }> {
    return { id, props };
  }
}

/** Called by the shim in the host: puts the minimal provider's methods on the object the host holds. */
export function install(shim: object, request: { config: Config }): void {
  const provider = new MinimalProvider(request.config);
  const target = shim as Record<string, unknown>;
  for (const method of ["check", "diff", "create", "read", "update", "delete"] as const) {
    target[method] = provider[method].bind(provider);
  }
}

/**
 * The object to serialize as `__provider` for the floor runs. The host loads this file through ts-node (the bench
 * runs from a checkout), so nothing but the path is captured.
 */
export const minimalProviderShim = {
  configure(this: object, configureRequest: { config: Config }): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("ts-node").register({ transpileOnly: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(MODULE_PATH) as { install: typeof install }).install(this, configureRequest);
  },
};

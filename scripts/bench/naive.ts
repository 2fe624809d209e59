/**
 * Baseline: a naive Flow Service client written with plain undici `request` (not the project's client), making the
 * same requests as the provider but with no token cache and no keep-alive: every call first asks IMS for a new
 * token, and every request says `connection: close`. Same workload and the same parallelism as the provider run,
 * so the difference is what the token cache and the shared keep-alive agent save.
 */
import { strict as assert } from "node:assert";
import { request } from "undici";
import { startEmulator, type Emulator } from "../../tests/emulator";
import { sources, type SourceKey } from "../../provider/sources";
import { runPool, timed } from "./measure";
import { delayTokenRequests, requestsSince, workload, type LatencySettings, type WorkloadItem } from "./rig";
import type { PhaseResult } from "./lifecycle";

const FLOW_SERVICE = "/data/foundation/flowservice";

export interface NaiveResult {
  create: PhaseResult;
  update: PhaseResult;
  delete: PhaseResult;
  totals: { tokenRequests: number; tcpConnections: number; requests: number };
}

class NaiveClient {
  constructor(private readonly emulator: Emulator) {}

  private async token(): Promise<string> {
    const { client } = this.emulator;
    const response = await request(`${this.emulator.imsUrl}/ims/token/v3`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", connection: "close" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.clientId,
        client_secret: client.clientSecret,
        scope: "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext",
      }).toString(),
    });
    const body = (await response.body.json()) as { access_token?: string };
    assert.equal(response.statusCode, 200, "IMS issued a token");
    return body.access_token ?? "";
  }

  /** One Flow Service call preceded by its own token request. */
  async call(method: "GET" | "POST" | "PATCH" | "DELETE", route: string, body?: unknown, ifMatch?: string): Promise<{ status: number; json: unknown }> {
    const token = await this.token();
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      "x-api-key": this.emulator.client.clientId,
      "x-gw-ims-org-id": this.emulator.client.orgId,
      "x-sandbox-name": "prod",
      accept: "application/json",
      connection: "close",
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (ifMatch !== undefined) headers["if-match"] = ifMatch;
    const options: Parameters<typeof request>[1] = { method, headers };
    if (body !== undefined) options.body = JSON.stringify(body);
    const response = await request(`${this.emulator.platformUrl}${FLOW_SERVICE}${route}`, options);
    const text = await response.body.text();
    return { status: response.statusCode, json: text === "" ? undefined : (JSON.parse(text) as unknown) };
  }

  async create(item: WorkloadItem): Promise<{ id: string; etag: string }> {
    const source = sources[item.source as SourceKey];
    const auth = item.inputs["auth"] as { specName: string; params: Record<string, unknown> };
    const posted = await this.call("POST", "/connections", {
      name: item.inputs["name"],
      auth,
      connectionSpec: { id: source.connectionSpec.id, version: source.connectionSpec.version },
    });
    assert.equal(posted.status, 201, "POST /connections");
    const { id } = posted.json as { id: string };
    return { id, etag: await this.read(id) };
  }

  async rename(item: WorkloadItem, id: string, etag: string): Promise<string> {
    const patched = await this.call(
      "PATCH",
      `/connections/${id}`,
      [
        { op: "replace", path: "/name", value: item.renamed["name"] },
        { op: "add", path: "/description", value: item.renamed["description"] },
      ],
      etag,
    );
    assert.equal(patched.status, 200, "PATCH /connections/{id}");
    return this.read(id);
  }

  async remove(id: string): Promise<void> {
    const deleted = await this.call("DELETE", `/connections/${id}`);
    assert.ok([200, 202, 204].includes(deleted.status), "DELETE /connections/{id}");
  }

  /** GET the connection back (as the provider does after every write) and return its etag. */
  private async read(id: string): Promise<string> {
    const got = await this.call("GET", `/connections/${id}`);
    assert.equal(got.status, 200, "GET /connections/{id}");
    const [connection] = (got.json as { items: { etag: string }[] }).items;
    return connection?.etag ?? "";
  }
}

async function phase(emulator: Emulator, action: () => Promise<void>): Promise<PhaseResult> {
  const from = emulator.requests.length;
  const { ms } = await timed(action);
  const { flow, ims, byMethod } = requestsSince(emulator, from);
  return { wallMs: ms, flowByMethod: byMethod, flowRequests: flow.length, tokenRequests: ims.length };
}

/** Creates, renames and deletes the workload with the naive client on a fresh emulator. */
export async function runNaive(options: LatencySettings & { connections: number; parallelism: number }): Promise<NaiveResult> {
  const emulator = await startEmulator({ latencyMs: options.latencyMs });
  try {
    delayTokenRequests(emulator, options.imsLatencyMs);
    const client = new NaiveClient(emulator);
    const items = workload(options.connections, "naive");
    let created: { id: string; etag: string }[] = [];
    const create = await phase(emulator, async () => {
      created = await runPool(items, options.parallelism, (item) => client.create(item));
    });
    assert.equal(emulator.store.list().length, items.length, "every connection exists after the naive create");
    const update = await phase(emulator, async () => {
      await runPool(items, options.parallelism, (item, index) => client.rename(item, created[index]!.id, created[index]!.etag));
    });
    const remove = await phase(emulator, async () => {
      await runPool(created, options.parallelism, (connection) => client.remove(connection.id));
    });
    assert.equal(emulator.store.list().length, 0, "every connection is gone after the naive delete");
    return { create, update, delete: remove, totals: emulator.stats() };
  } finally {
    await emulator.close();
  }
}

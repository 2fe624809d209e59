/**
 * Baseline: a naive Flow Service client written with plain undici `request` (not the project's client), making the
 * same requests as the provider but with no token cache and no keep-alive: every call first asks IMS for a new
 * token, and every request says `connection: close`. Same workload and the same parallelism as the provider run,
 * so the difference is what the token cache and the shared keep-alive agent save.
 */
import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator";
import { sources, type SourceKey } from "../../provider/sources";
import { runPool, timed } from "./measure";
import { PlainFlowClient } from "./plain-client";
import { delayTokenRequests, requestsSince, workload, type LatencySettings, type WorkloadItem } from "./rig";
import type { PhaseResult } from "./lifecycle";

export interface NaiveResult {
  create: PhaseResult;
  update: PhaseResult;
  delete: PhaseResult;
  totals: { tokenRequests: number; tcpConnections: number; requests: number };
}

/** The workload's operations with a token per call and no keep-alive, one request per write as the provider sends. */
class NaiveClient {
  private readonly client: PlainFlowClient;

  constructor(emulator: Emulator) {
    const { client } = emulator;
    this.client = new PlainFlowClient(
      { imsUrl: emulator.imsUrl, platformUrl: emulator.platformUrl, clientId: client.clientId, clientSecret: client.clientSecret, orgId: client.orgId },
      { tokenPerCall: true, keepAlive: false },
    );
  }

  async create(item: WorkloadItem): Promise<{ id: string; etag: string }> {
    const auth = item.inputs["auth"] as { specName: string; params: Record<string, unknown> };
    return this.client.create(item.inputs["name"], sources[item.source as SourceKey].connectionSpec, auth);
  }

  async rename(item: WorkloadItem, id: string, etag: string): Promise<string> {
    return this.client.rename(id, etag, item.renamed["name"], item.renamed["description"], (item.renamed["auth"] as Record<string, unknown>)["params"]);
  }

  async remove(id: string): Promise<void> {
    await this.client.remove(id);
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

/**
 * The benchmark's floor: the least a dynamic provider can do for the same operations. It runs in the same
 * dynamic-provider host, behind the same gRPC calls, against the same emulator, and sends exactly the Flow Service
 * requests the provider sends, the physical least: one request per operation (POST, PATCH, DELETE) with the same bodies as the provider's (the
 * create marker in the description, the update's whole declared state), with one IMS token per host and keep-alive,
 * but validates nothing, handles no error, retries nothing and returns three outputs. Its wall time is what the rig
 * itself costs on this machine (Pulumi's host, gRPC, the emulator, the bench's stand-in for the engine); the real
 * provider's time above it is the provider's own cost.
 *
 * Its requests come from plain-client.ts, shared with the naive baseline. Bench code only: loaded in the host
 * through {@link minimalProviderShim}, never part of the package.
 */
import * as path from "node:path";
import { sources, type SourceKey } from "../../provider/sources";
import { PlainFlowClient } from "./plain-client";

const MODULE_PATH = path.join(__dirname, "minimal-provider.ts");

interface Config {
  get(key: string): string | undefined;
}

type Bag = Record<string, unknown>;

class MinimalProvider {
  private readonly client: PlainFlowClient;

  constructor(config: Config) {
    const setting = (key: string): string => {
      const value = config.get(key);
      if (value === undefined) throw new Error(`minimal provider: ${key} is not configured`);
      return value;
    };
    this.client = new PlainFlowClient(
      {
        imsUrl: setting("aep:imsUrl"),
        platformUrl: setting("aep:platformUrl"),
        clientId: setting("aep:clientId"),
        clientSecret: setting("aep:clientSecret"),
        orgId: setting("aep:orgId"),
      },
      { tokenPerCall: false, keepAlive: true },
    );
  }

  async check(_olds: Bag, news: Bag): Promise<{ inputs: Bag }> {
    return { inputs: news };
  }

  async diff(_id: string, olds: Bag, news: Bag): Promise<{ changes: boolean }> {
    return { changes: olds["name"] !== news["name"] };
  }

  async create(news: Bag): Promise<{ id: string; outs: Bag }> {
    // The same POST as the provider's: its description carries the create marker.
    const marker = typeof news["identity"] === "string" ? `[pulumi:${news["identity"]}]` : undefined;
    const { id, etag } = await this.client.create(news["name"], sources[news["source"] as SourceKey].connectionSpec, news["auth"], marker);
    return { id, outs: { connectionId: id, etag, name: news["name"] } };
  }

  async update(id: string, olds: Bag, news: Bag): Promise<{ outs: Bag }> {
    // The same PATCH as the provider's: name, description and the auth params whole.
    const etag = await this.client.rename(id, String(olds["etag"]), news["name"], news["description"], (news["auth"] as Bag)["params"]);
    return { outs: { connectionId: id, etag, name: news["name"] } };
  }

  async delete(id: string): Promise<void> {
    await this.client.remove(id);
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

/**
 * Set-up shared by the reliability tests: the Flow Service emulator plus one or more of Pulumi's real
 * dynamic-provider hosts, configured like the engine configures them, with short transport settings so that
 * timeouts and retries stay fast (see `transportOptionsFromEnv` in provider/flow-service/settings.ts).
 */
import { splitMarker } from "../provider/flow-service/identity";
import { startEmulator, type Emulator, type EmulatorOptions, type StoredConnection } from "../emulator";
import { ProviderHost, serializeProvider } from "./provider-host";
import { serializedProvider } from "../provider/serialized-provider";
import { aepConfig, SECRET_CONFIG_KEYS } from "./aep-config";
import { cleanEnv } from "./rig";

/** Transport settings handed to the provider host through its environment. */
export interface TransportSettings {
  /** `AEP_HTTP_TIMEOUT_MS`: headers/body timeout of one request. @default the client's 30 000 */
  httpTimeoutMs?: number;
  /** `AEP_RETRY_BASE_MS`: backoff cap of the first retry. @default the client's 500 */
  retryBaseMs?: number;
}

export interface ReliabilityRigOptions extends TransportSettings {
  emulator?: EmulatorOptions;
  /** Extra stack config (`aep:*`) for Configure. */
  config?: Record<string, string>;
  /** Extra environment of the host processes. */
  env?: Record<string, string>;
  /** Number of provider host processes. @default 1 */
  hosts?: number;
}

export interface ReliabilityRig {
  emulator: Emulator;
  /** At least one host; the engine runs one per provider and sends it concurrent calls. */
  hosts: ProviderHost[];
  /** Serialized `__provider`, as stored in state. */
  provider: string;
}

/** The environment variables that carry {@link TransportSettings} to the provider. */
export function transportEnv(settings: TransportSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.httpTimeoutMs !== undefined) env["AEP_HTTP_TIMEOUT_MS"] = String(settings.httpTimeoutMs);
  if (settings.retryBaseMs !== undefined) env["AEP_RETRY_BASE_MS"] = String(settings.retryBaseMs);
  return env;
}

/**
 * A provider host for `rig`'s emulator and provider, configured as the engine does; the caller stops it. Also what
 * a new `pulumi up` is: a fresh host with nothing in memory.
 */
export async function startRigHost(
  rig: Pick<ReliabilityRig, "emulator" | "provider">,
  options: Omit<ReliabilityRigOptions, "emulator" | "hosts"> = {},
): Promise<ProviderHost> {
  const host = await ProviderHost.start({ provider: rig.provider, env: { ...cleanEnv(), ...transportEnv(options), ...options.env } });
  try {
    await host.configure(aepConfig(rig.emulator, options.config), [...SECRET_CONFIG_KEYS]);
    return host;
  } catch (error) {
    await host.stop();
    throw error;
  }
}

export async function startReliabilityRig(options: ReliabilityRigOptions = {}): Promise<ReliabilityRig> {
  const emulator = await startEmulator(options.emulator);
  const hosts: ProviderHost[] = [];
  try {
    const provider = await serializeProvider(serializedProvider("BaseConnection"));
    for (let i = 0; i < (options.hosts ?? 1); i++) hosts.push(await startRigHost({ emulator, provider }, options));
    return { emulator, hosts, provider };
  } catch (error) {
    await Promise.all(hosts.map((host) => host.stop()));
    await emulator.close();
    throw error;
  }
}

export async function stopReliabilityRig(rig: ReliabilityRig | undefined): Promise<void> {
  if (rig === undefined) return;
  await Promise.all(rig.hosts.map((host) => host.stop()));
  await rig.emulator.close();
}

/** What a user sees of a connection in AEP: everything but version stamps (etag, times, updatedBy). */
export interface ConnectionContent {
  id: string;
  sandboxName: string;
  name: string;
  description: string | undefined;
  connectionSpecId: string;
  specName: string;
  params: Record<string, unknown>;
}

export function contentOf(connection: StoredConnection): ConnectionContent {
  return {
    id: connection.id,
    sandboxName: connection.sandboxName,
    name: connection.name,
    // As the user declared it: AEP holds it with the create marker at its end.
    description: splitMarker(connection.description).text,
    connectionSpecId: connection.connectionSpec.id,
    specName: connection.auth.specName,
    params: connection.auth.params,
  };
}

/** The emulator's store as content, sorted by id, for before/after comparisons. */
export function storeContent(emulator: Emulator): ConnectionContent[] {
  return emulator.store
    .list()
    .map(contentOf)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Every bearer token the provider sent (so every token the emulated IMS issued to it and it used). */
export function bearerTokens(emulator: Emulator): string[] {
  const tokens = new Set<string>();
  for (const request of emulator.requests) {
    const match = /^Bearer\s+(\S+)/i.exec(request.headers["authorization"] ?? "");
    if (match?.[1] !== undefined) tokens.add(match[1]);
  }
  return [...tokens];
}

/** Resolves when `condition` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The benchmark's test bed: the Flow Service emulator with injected latency, Pulumi's real dynamic-provider host
 * loaded with the serialized BaseConnection provider (set up exactly like the provider tests), and the workload.
 */
import { startEmulator, type Emulator, type RecordedRequest } from "../../emulator";
import { ProviderHost, serializeProvider, type PropertyBag } from "../../harness/provider-host";
import { aepConfig, allVariants, cleanEnv, inputsFor, stopRig, urnOf, type Rig } from "../../harness/rig";
import { serializedProvider } from "../../provider/serialized-provider";
import { pidListeningOn } from "./measure";

export interface BenchRig extends Rig {
  /** Pid of the provider host process (for /proc/<pid>/status). */
  hostPid: number;
}

export interface LatencySettings {
  /** Before every Flow Service response. */
  latencyMs: number;
  /** Before every IMS token response. */
  imsLatencyMs: number;
  /**
   * Working directory of the provider host, where `pulumi-aep-azure/provider-implementation` is resolved.
   * @default the repository root (this checkout's dist/)
   */
  hostCwd?: string;
  /** The serialized provider sent as `__provider`. @default this checkout's shim */
  providerText?: string;
}

/** Adds the IMS latency to an emulator: its own `latencyMs` covers Flow Service only. */
export function delayTokenRequests(emulator: Emulator, imsLatencyMs: number): void {
  if (imsLatencyMs > 0) {
    emulator.inject({ kind: "latency", ms: imsLatencyMs, route: "/ims/token/v3", times: Number.MAX_SAFE_INTEGER });
  }
}

/**
 * A fresh emulator and a fresh provider host, configured as the engine configures it (so each run starts with an
 * empty token cache), like tests/provider/support.ts startRig.
 */
export async function startBenchRig(latency: LatencySettings): Promise<BenchRig> {
  const emulator = await startEmulator({ latencyMs: latency.latencyMs });
  let host: ProviderHost | undefined;
  try {
    const provider = latency.providerText ?? (await serializeProvider(serializedProvider("BaseConnection")));
    host = await ProviderHost.start({ provider, env: cleanEnv(), ...(latency.hostCwd === undefined ? {} : { cwd: latency.hostCwd }) });
    await host.configure(aepConfig(emulator), ["aep:clientSecret"]);
    delayTokenRequests(emulator, latency.imsLatencyMs);
    const hostPid = pidListeningOn(host.port);
    if (hostPid === undefined) throw new Error(`no process found listening on the provider host port ${host.port}`);
    return { emulator, host, provider, hostPid };
  } catch (error) {
    await host?.stop();
    await emulator.close();
    throw error;
  }
}

export { stopRig };

/** One connection of the workload: its URN, its inputs, and the inputs an in-place update moves it to. */
export interface WorkloadItem {
  urn: string;
  source: string;
  inputs: PropertyBag;
  /** Same source and credentials, new name and description: an in-place update (PATCH + GET). */
  renamed: PropertyBag;
}

/**
 * `count` connections cycling through every auth variant of every source (allVariants(): valid fixture params),
 * so all five sources and all their auth specs are in the mix.
 */
export function workload(count: number, prefix = "bench"): WorkloadItem[] {
  const variants = allVariants();
  return Array.from({ length: count }, (_, index) => {
    const variant = variants[index % variants.length]!;
    const name = `${prefix}-${index}`;
    return {
      urn: urnOf(name),
      source: variant.source,
      inputs: inputsFor(variant, `Benchmark connection ${index}`),
      renamed: inputsFor(variant, `Benchmark connection ${index} (renamed)`, { description: "renamed by npm run bench" }),
    };
  });
}

/** The number of auth variants the workload cycles through. */
export function variantCount(): number {
  return allVariants().length;
}

/** Requests of the emulator log since `from` (an earlier `requests.length`), split by kind and counted by method. */
export function requestsSince(emulator: Emulator, from: number): { flow: RecordedRequest[]; ims: RecordedRequest[]; byMethod: Record<string, number> } {
  const recent = emulator.requests.slice(from);
  const flow = recent.filter((request) => request.kind === "flow");
  const byMethod: Record<string, number> = {};
  for (const request of flow) byMethod[request.method] = (byMethod[request.method] ?? 0) + 1;
  return { flow, ims: recent.filter((request) => request.kind === "ims"), byMethod };
}

/**
 * Shared set-up for the provider tests, the bench and the soak: a Flow Service emulator plus Pulumi's real dynamic-provider host,
 * loaded with the serialized BaseConnection provider and configured the way the engine configures it.
 */
import { createHash } from "node:crypto";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import { aepConfig, SECRET_CONFIG_KEYS } from "./aep-config";
import { ProviderHost, serializeProvider, type HostResponseRecord, type PropertyBag } from "./provider-host";
import { serializedProvider } from "../provider/serialized-provider";
import { SECRET_OUTPUT } from "../provider/base-connection/outputs";
import { sourceFixtures } from "../tests/fixtures/sources";
import { sourceKeys, sources, type SourceKey } from "../provider/sources";

export const TYPE = "pulumi-nodejs:dynamic/aep:BaseConnection";

export function urnOf(name: string): string {
  return `urn:pulumi:dev::aep-test::${TYPE}::${name}`;
}

/** The host must not pick up AEP_* settings from the developer's shell. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(process.env)) {
    if (key.startsWith("AEP_")) {
      env[key] = "";
    }
  }
  return env;
}

export interface Rig {
  emulator: Emulator;
  host: ProviderHost;
  provider: string;
}

export async function startRig(options: { emulator?: EmulatorOptions; config?: Record<string, string>; configure?: boolean } = {}): Promise<Rig> {
  const emulator = await startEmulator(options.emulator);
  const provider = await serializeProvider(serializedProvider("BaseConnection"));
  const host = await ProviderHost.start({ provider, env: cleanEnv() });
  if (options.configure !== false) {
    await host.configure(aepConfig(emulator, options.config), [...SECRET_CONFIG_KEYS]);
  }
  return { emulator, host, provider };
}

export async function stopRig(rig: Rig | undefined): Promise<void> {
  await rig?.host.stop();
  await rig?.emulator.close();
}

/** One auth variant of one source, with two different valid param sets from the fixtures. */
export interface Variant {
  source: SourceKey;
  specName: string;
  params: Record<string, unknown>;
  rotated: Record<string, unknown>;
  secretParams: readonly string[];
}

/** Every auth variant of every source in the registry, with fixture params. */
export function allVariants(): Variant[] {
  const variants: Variant[] = [];
  for (const source of sourceKeys) {
    const definition = sources[source];
    for (const [specName, variant] of Object.entries(definition.auth)) {
      const fixtures = (sourceFixtures[source] as Record<string, { valid: readonly { params: Readonly<Record<string, unknown>> }[] }> | undefined)?.[specName];
      const valid = fixtures?.valid ?? [];
      if (valid.length === 0) {
        throw new Error(`tests/fixtures/sources.ts has no valid params for ${source} / ${specName}`);
      }
      const secretParams = (variant as { secretParams: readonly string[] }).secretParams;
      // Prefer params whose secrets are distinctive (the Databricks seed uses "xxxx" for both token and cluster),
      // so that leak scans cannot match an innocent non-secret value.
      const distinctive = valid.find(({ params: p }) =>
        secretParams.every((name) => {
          const value = String(p[name]);
          return value.length >= 8 && Object.entries(p).every(([other, v]) => other === name || !String(v).includes(value));
        }),
      );
      const params = { ...(distinctive ?? valid[0]!).params };
      // Rotation: the same params with every secret changed (a new password, key or token).
      const rotated = { ...params };
      for (const name of secretParams) {
        rotated[name] = rotatedSecret(source, name, String(params[name]));
      }
      variants.push({ source, specName, params, rotated, secretParams });
    }
  }
  return variants;
}

function rotatedSecret(source: SourceKey, param: string, value: string): string {
  if (param === "connectionString") {
    if (source === "table-storage") {
      return value.replace(/AccountKey=[^;]+/, "AccountKey=6nD1AKxqGNVLPuRkyoMffEUXfQUK83QIgnOW89h7tIg9PIB77S8gT9Y9lGUTEohPrJQM8+TAAJ6Nt2rwiLGKLw==");
    }
    return value.replace(/Password=("[^"]*"|[^;]*)/i, "Password=R0tated-Passw0rd-2026");
  }
  return `${value}-rotated-2026`;
}

/**
 * Inputs of a base connection named `name`, as the `BaseConnection` class sends them: with the resource identity it
 * derives (here from `stack` and the name), so that creates can find what they made.
 */
export function inputsFor(variant: Variant, name: string, extra: PropertyBag = {}, stack = "dev"): PropertyBag {
  return { source: variant.source, name, auth: { specName: variant.specName, params: variant.params }, identity: identityOf(name, stack), ...extra };
}

/** A resource identity for `name` in `stack` (any 16 hex digits unique per resource do; see resourceIdentity). */
export function identityOf(name: string, stack = "dev"): string {
  return createHash("sha256").update(`${stack}/${name}`).digest("hex").slice(0, 16);
}

/** Every secret string of a variant, for leak scans. */
export function secretValues(variant: Variant): string[] {
  return [...variant.secretParams.map((name) => String(variant.params[name])), ...variant.secretParams.map((name) => String(variant.rotated[name]))];
}

/**
 * Host responses as text for a leak scan. Left out, because the protocol requires them to carry secrets in clear:
 * Check responses (they echo the inputs) and the `secretAuthParams` output of create, read and update results,
 * which the engine stores encrypted (additionalSecretOutputs). Only that one key is removed, so a secret anywhere
 * else in a result, in a diff, or in an error (whose partial outputs must not carry it at all) is still found.
 */
export function scannableResponses(responses: readonly HostResponseRecord[]): string {
  return responses
    .filter((response) => response.method !== "check")
    .map((response) => {
      if (!["create", "read", "update"].includes(response.method)) return response.json;
      const result = JSON.parse(response.json) as { outs?: PropertyBag; props?: PropertyBag };
      for (const bag of [result.outs, result.props]) {
        if (bag !== undefined) delete bag[SECRET_OUTPUT];
      }
      return JSON.stringify(result);
    })
    .join("\n");
}

export { aepConfig } from "./aep-config";

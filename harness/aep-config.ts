/**
 * The stack config that points a program at an emulator: `aep:<setting>` for each setting the emulator's `env()`
 * gives, as `pulumi config set aep:…` would (the names come from the client's settings table). The sandbox is left
 * to the provider's default, like a user who never sets it.
 */
import type { Emulator } from "../emulator";
import { SETTING_NAMES, SETTINGS } from "../provider/flow-service/settings";
import { configKey } from "../provider/shared/session";
import type { ConfigEntry } from "./test-engine";

/** Config keys whose values are secrets (`pulumi config set --secret`). */
export const SECRET_CONFIG_KEYS: readonly string[] = [configKey("clientSecret")];

/** `aep:*` config for `emulator`, plain values (what the provider host's configure receives), plus `extra`. */
export function aepConfig(emulator: Emulator, extra: Record<string, string> = {}): Record<string, string> {
  const env = emulator.env();
  const config: Record<string, string> = {};
  for (const setting of SETTING_NAMES) {
    const value = env[SETTINGS[setting].env];
    if (value !== undefined && setting !== "sandboxName") config[configKey(setting)] = value;
  }
  return { ...config, ...extra };
}

/** The same config as test-engine entries, secrets marked secret. */
export function aepConfigEntries(emulator: Emulator, extra: Record<string, string> = {}): Record<string, ConfigEntry> {
  return Object.fromEntries(
    Object.entries(aepConfig(emulator, extra)).map(([key, value]) => [key, { value, secret: SECRET_CONFIG_KEYS.includes(key) }]),
  );
}

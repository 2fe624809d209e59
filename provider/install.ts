/**
 * What the serialized shim (serialized-provider.ts) loads in the provider host process, by package name
 * (`pulumi-aep-azure/provider-implementation`). The program never serializes this module: so the HTTP client,
 * token cache and keep-alive sockets live here, once per host process, and refresh or destroy of old state run the
 * installed version of this code.
 */
import { isObjectTypeName, objectProviders, type ObjectProvider, type ObjectTypeName } from "./objects";
import { ProviderSession } from "./shared/session";
import type { ProviderConfig } from "./shared/session";

const METHODS = ["check", "diff", "create", "read", "update", "delete"] as const;

const instances = new Map<ObjectTypeName, ObjectProvider>();

/** The provider of `type` in this process, made on first use. */
export function providerOf(type: ObjectTypeName): ObjectProvider {
  let provider = instances.get(type);
  if (provider === undefined) {
    provider = objectProviders[type](new ProviderSession());
    instances.set(type, provider);
  }
  return provider;
}

/**
 * Called by the shim on the host's first `configure`: puts the methods of `type`'s provider on the shim object the
 * host holds, then configures it. State written before the shim named a type holds only base connections, hence
 * the default.
 */
export function install(shim: object, request: { config: ProviderConfig }, type: unknown = "BaseConnection"): void {
  if (!isObjectTypeName(type)) {
    throw new Error(`This version of pulumi-aep-azure has no provider for the object type ${JSON.stringify(type)}; upgrade the package.`);
  }
  const provider = providerOf(type);
  const target = shim as Record<string, unknown>;
  for (const method of METHODS) target[method] = provider[method].bind(provider);
  provider.configure(request);
}

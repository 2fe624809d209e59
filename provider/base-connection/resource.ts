/**
 * `BaseConnection`: an AEP Flow Service base connection as a Pulumi dynamic resource
 * (type token `pulumi-nodejs:dynamic/aep:BaseConnection`).
 */
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../serialized-provider";
import { resourceIdentity } from "../shared/resource-identity";
import type { OperationTimeouts } from "../shared/timeouts";

export type { OperationTimeouts } from "../shared/timeouts";
import { findAuthVariant, findSource, type AuthParams, type AuthSpecName, type SourceKey } from "../sources";
import { SECRET_OUTPUT } from "./outputs";

/** Auth of a base connection to source `K`: one of its auth specs (exact Adobe name) and that spec's params. */
export type BaseConnectionAuthArgs<K extends SourceKey = SourceKey> = K extends SourceKey ? AuthArgsOf<K> : never;

type AuthArgsOf<K extends SourceKey> = {
  [S in AuthSpecName<K>]: {
    /**
     * Exact Adobe auth spec name, e.g. `"Connection String Based Authentication"`. Must be known at preview
     * time (it selects the params schema); changing it replaces the connection.
     */
    specName: pulumi.Input<S>;
    /**
     * The auth params of that spec. Each value may be an Output (e.g. a storage account name); every value
     * is stored as a Pulumi secret when its name is one of the spec's secret params, or when the spec is
     * not known when the program runs.
     */
    params: pulumi.Input<{ [P in keyof AuthParams<K, S>]: pulumi.Input<AuthParams<K, S>[P]> }>;
  };
}[AuthSpecName<K>];

/** Arguments of a {@link BaseConnection} to source `K`. */
export interface BaseConnectionArgs<K extends SourceKey = SourceKey> {
  /**
   * Registry key of the source: `synapse`, `sql-server`, `adls-gen2`, `table-storage` or `databricks`.
   * Changing it replaces the connection.
   */
  source: pulumi.Input<K>;
  /** Display name of the connection in AEP. Changing it updates the connection in place. */
  name: pulumi.Input<string>;
  /** Free-text description stored on the connection. @default none */
  description?: pulumi.Input<string>;
  /** Credentials for one of the source's auth specs. Rotating them updates the connection in place. */
  auth: pulumi.Input<BaseConnectionAuthArgs<K>>;
  /**
   * Sandbox holding the connection. Changing it replaces the connection.
   * @default the provider's sandbox: config `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod`
   */
  sandboxName?: pulumi.Input<string>;
  /**
   * After create and update, call Flow Service's connection test
   * (`GET /connections/{id}/test`) and fail if it reports that the source cannot be reached.
   * @default false
   */
  verify?: pulumi.Input<boolean>;
  /**
   * Id of an existing base connection to take over instead of creating one (`pulumi import` does not
   * work for dynamic providers, pulumi/pulumi#16175). It must use the same connection spec and auth spec;
   * it is updated to the declared name, description and params, and deleted by `pulumi destroy` like
   * any other managed connection.
   */
  adopt?: pulumi.Input<string>;
  /**
   * Deadlines of the operations on this connection, retries and waits included, as durations such as `"90s"`,
   * `"5m"` or `"1h30m"` (Terraform's `timeouts` convention; Pulumi's `customTimeouts` never reaches a dynamic
   * provider). Each HTTP attempt also has its own deadline, `AEP_HTTP_TIMEOUT_MS`.
   * @default { create: "5m", read: "2m", update: "5m", delete: "5m" }
   */
  timeouts?: pulumi.Input<OperationTimeouts>;
}


/** The Pulumi type token of a base connection. */
const TYPE = "pulumi-nodejs:dynamic/aep:BaseConnection";

/**
 * An Adobe Experience Platform base connection, managed through the Flow Service API.
 *
 * Credentials for AEP itself come from stack config (`aep:clientId`, `aep:clientSecret`, `aep:orgId`, ...) or
 * `AEP_*` environment variables, never from resource inputs. Secret auth params (passwords, keys, tokens, connection
 * strings) are Pulumi secrets in inputs and outputs alike, encrypted in state by the stack's secrets provider:
 * the output that holds them, `secretAuthParams`, is always added to `additionalSecretOutputs`.
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/synapse-analytics
 */
export class BaseConnection<K extends SourceKey = SourceKey> extends pulumi.dynamic.Resource {
  /**
   * The base connection id in AEP, for a {@link SourceConnection}. It is the resource's `id`, so it stays known during a
   * preview that updates the connection in place (a rotation does not show its dataflow as replaced).
   */
  readonly connectionId: pulumi.Output<string>;
  /** Current etag of the connection (quotes included). */
  declare readonly etag: pulumi.Output<string>;
  /** Flow Service connection spec id of the source. */
  declare readonly connectionSpecId: pulumi.Output<string>;
  /** AEP's state of the connection: `enabled` once created; `pulumi refresh` reads the live one (e.g. `disabled`). */
  declare readonly state: pulumi.Output<string>;
  /** Sandbox the connection lives in. */
  declare readonly sandboxName: pulumi.Output<string>;

  constructor(name: string, args: BaseConnectionArgs<K>, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      auth: protectAuth(args.source, args.auth),
      etag: undefined,
      connectionSpecId: undefined,
      state: undefined,
      sandboxName: args.sandboxName,
      identity: resourceIdentity(TYPE, name, opts?.parent),
    };
    // Not left to the engine's matching of output to input names: the secret params output has no input of that name.
    const additionalSecretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), SECRET_OUTPUT])];
    super(serializedProvider("BaseConnection"), name, props, { ...opts, additionalSecretOutputs }, "aep", "BaseConnection");
    this.connectionId = this.id;
  }
}

/** Auth as `protectAuth` handles it, whatever the source. */
interface LooseAuth {
  specName: pulumi.Input<string>;
  params: pulumi.Input<Record<string, pulumi.Input<string | undefined> | undefined>>;
}

/**
 * Wrap secret params in `pulumi.secret`, one value at a time, so that a param that is unknown at preview
 * time (an Output of another resource) leaves `specName` and the other params known and checkable.
 */
function protectAuth<K extends SourceKey>(
  source: pulumi.Input<K>,
  auth: pulumi.Input<BaseConnectionAuthArgs<K>>,
): pulumi.Input<BaseConnectionAuthArgs<K>> {
  if (pulumi.Output.isInstance(auth) || auth instanceof Promise) {
    return pulumi.secret(auth) as pulumi.Input<BaseConnectionAuthArgs<K>>;
  }
  const { specName, params } = auth as unknown as LooseAuth;
  if (pulumi.Output.isInstance(params) || params instanceof Promise) {
    return { specName, params: pulumi.secret(params) } as unknown as BaseConnectionAuthArgs<K>;
  }
  const definition = typeof source === "string" ? findSource(source) : undefined;
  const variant = definition !== undefined && typeof specName === "string" ? findAuthVariant(definition, specName) : undefined;
  const protectedParams: Record<string, pulumi.Input<string | undefined> | undefined> = {};
  for (const [key, value] of Object.entries(params)) {
    protectedParams[key] = !variant || variant.secretParams.includes(key) ? pulumi.secret(value) : value;
  }
  return { specName, params: protectedParams } as unknown as BaseConnectionAuthArgs<K>;
}

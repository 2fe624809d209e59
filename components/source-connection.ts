/**
 * The shared shape of the five source components: each is a ComponentResource holding one
 * `BaseConnection` child, named after the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection } from "../provider/base-connection";
import type { SourceKey } from "../provider/sources";
import { ConnectionArgumentError } from "./connection-string";

/** Arguments every source component accepts. */
export interface ConnectionCommonArgs {
  /** Display name of the connection in AEP. @default the Pulumi resource name */
  displayName?: pulumi.Input<string>;
  /** Free-text description stored on the connection. @default none */
  description?: pulumi.Input<string>;
  /**
   * Sandbox holding the connection; changing it replaces the connection.
   * @default config `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod`
   */
  sandboxName?: pulumi.Input<string>;
  /** Run Flow Service's connection test after create and update, and fail if it reports false. @default false */
  verify?: pulumi.Input<boolean>;
  /** Id of an existing base connection to take over instead of creating a new one. @default none */
  adopt?: pulumi.Input<string>;
}

/** Auth as the child `BaseConnection` takes it. */
export interface SourceAuth {
  specName: string;
  params: Record<string, pulumi.Input<string>>;
}

/** Base class of the source components. Subclasses turn their typed args into `SourceAuth`. */
export abstract class SourceConnection extends pulumi.ComponentResource {
  /** The base connection id in AEP, to use in dataflows. */
  readonly connectionId: pulumi.Output<string>;
  /** Current etag of the connection (quotes included). */
  readonly etag: pulumi.Output<string>;
  /** Flow Service connection spec id of the source. */
  readonly connectionSpecId: pulumi.Output<string>;
  /** AEP's state of the connection, e.g. `enabled`. */
  readonly state: pulumi.Output<string>;
  /** The underlying `BaseConnection` resource. */
  readonly connection: BaseConnection;

  protected constructor(
    type: string,
    name: string,
    source: SourceKey,
    args: ConnectionCommonArgs,
    auth: SourceAuth,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super(type, name, {}, opts);
    this.connection = new BaseConnection(
      name,
      {
        source,
        name: args.displayName ?? name,
        description: args.description,
        auth,
        sandboxName: args.sandboxName,
        verify: args.verify,
        adopt: args.adopt,
      },
      { parent: this },
    );
    this.connectionId = this.connection.connectionId;
    this.etag = this.connection.etag;
    this.connectionSpecId = this.connection.connectionSpecId;
    this.state = this.connection.state;
    this.registerOutputs({
      connectionId: this.connectionId,
      etag: this.etag,
      connectionSpecId: this.connectionSpecId,
      state: this.state,
    });
  }
}

/**
 * The one auth mode the caller chose among `modes` (argument names), or a clear error when none or
 * several are given.
 */
export function chooseMode<M extends string>(component: string, args: object, modes: readonly M[]): M {
  const given = modes.filter((mode) => (args as Record<string, unknown>)[mode] !== undefined);
  if (given.length !== 1) {
    const list = modes.join(", ");
    throw new ConnectionArgumentError(
      given.length === 0 ? list : given.join(", "),
      `${component} needs exactly one of ${list}; ${given.length === 0 ? "none was given" : `got ${given.length}`}`,
    );
  }
  return given[0] as M;
}

/** A field of an Input object, as an Output (works whether the object or the field is an Output). */
export function field<T extends object, K extends keyof T>(value: pulumi.Input<T>, key: K): pulumi.Output<pulumi.Unwrap<T[K]>> {
  if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
    // A plain object: keep each field's own known/unknown state instead of the whole object's.
    return pulumi.output((value as T)[key]) as pulumi.Output<pulumi.Unwrap<T[K]>>;
  }
  return pulumi.output(value).apply((resolved) => (resolved as Record<K, unknown>)[key]) as unknown as pulumi.Output<pulumi.Unwrap<T[K]>>;
}

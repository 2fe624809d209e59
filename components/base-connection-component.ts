/**
 * The shared shape of the five source components: each is a ComponentResource holding one `BaseConnection` child,
 * named after the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection, type BaseConnectionAuthArgs, type OperationTimeouts } from "../provider/base-connection/resource";
import type { SourceKey } from "../provider/sources";
import { ArgumentChecks } from "./arguments";
import { INGEST, Pipeline, type IngestArgs, type IngestedArgs, type PipelineArgs } from "./pipeline";

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
  /**
   * Deadlines of the connection's operations, e.g. `{ create: "10m" }` (see `BaseConnectionArgs.timeouts`).
   * @default { create: "5m", read: "2m", update: "5m", delete: "5m" }
   */
  timeouts?: pulumi.Input<OperationTimeouts>;
}

/** Names of {@link ConnectionCommonArgs}. */
const COMMON_ARGS = ["displayName", "description", "sandboxName", "verify", "adopt", "timeouts"] as const;

/**
 * Exactly one of `T`'s properties: the others must be absent. `Exclusive<{ a: A; b: B }>` is
 * `{ a: A; b?: never } | { a?: never; b: B }`, so giving both does not type-check.
 */
export type Exclusive<T> = {
  [K in keyof T]: { [P in K]: T[P] } & { [P in Exclude<keyof T, K>]?: never };
}[keyof T];

/** How a component describes itself to its base class. */
export interface ComponentDefinition<K extends SourceKey, A> {
  /** Type token, e.g. `aep:azure:SynapseConnection`. */
  type: string;
  /** Class name, for messages. */
  className: string;
  source: K;
  /** The component's own argument names, beside the common ones. */
  arguments: readonly string[];
  /** Arguments of earlier versions, by their new names. */
  renamed?: Readonly<Record<string, string>>;
  /** The child's auth, from the component's own arguments, checked with `checks`. */
  auth(args: A, checks: ArgumentChecks): BaseConnectionAuthArgs<K>;
}

/** Base class of the source components. Subclasses describe how their typed args become the child's auth. */
export abstract class BaseConnectionComponent<K extends SourceKey, A extends ConnectionCommonArgs> extends pulumi.ComponentResource {
  /** The base connection id in AEP, to use in dataflows. */
  readonly connectionId: pulumi.Output<string>;
  /** Current etag of the connection (quotes included). */
  readonly etag: pulumi.Output<string>;
  /** Flow Service connection spec id of the source. */
  readonly connectionSpecId: pulumi.Output<string>;
  /** AEP's state of the connection, e.g. `enabled`. */
  readonly state: pulumi.Output<string>;
  /** Sandbox the connection lives in. */
  readonly sandboxName: pulumi.Output<string>;
  /** The underlying `BaseConnection` resource. */
  readonly connection: BaseConnection;
  /** The source's registry key. */
  private readonly source: K;
  /** The class name, for the messages of `ingest`. */
  private readonly className: string;
  private readonly declaredSandbox: pulumi.Input<string> | undefined;

  protected constructor(definition: ComponentDefinition<K, A>, name: string, args: A, opts?: pulumi.ComponentResourceOptions) {
    super(definition.type, name, {}, opts);
    const checks = new ArgumentChecks(this, definition.className);
    const raw = (args ?? {}) as unknown as Record<string, unknown>;
    checks.keys(raw, [...COMMON_ARGS, ...definition.arguments], "", definition.renamed);
    const auth = definition.auth(args, checks);
    checks.report();
    this.connection = new BaseConnection(
      name,
      {
        source: definition.source,
        name: args.displayName ?? name,
        description: args.description,
        auth,
        sandboxName: args.sandboxName,
        verify: args.verify,
        adopt: args.adopt,
        timeouts: args.timeouts,
      },
      { parent: this },
    );
    this.connectionId = this.connection.connectionId;
    this.etag = this.connection.etag;
    this.connectionSpecId = this.connection.connectionSpecId;
    this.state = this.connection.state;
    this.sandboxName = this.connection.sandboxName;
    this.source = definition.source;
    this.className = definition.className;
    this.declaredSandbox = args.sandboxName;
    this.registerOutputs({
      connectionId: this.connectionId,
      etag: this.etag,
      connectionSpecId: this.connectionSpecId,
      state: this.state,
    });
  }

  /**
   * A dataflow from this connection into a dataset: its source connection, target connection, mapping set and
   * dataflow, as a {@link Pipeline} child of this component named `name`. A table source takes `table` and
   * `deltaColumn`; ADLS Gen2 takes `path` and `format`.
   *
   * ```ts
   * const orders = sqlServer.ingest("orders", {
   *   table: "dbo.orders",
   *   deltaColumn: "updated_at",
   *   dataset,
   *   mappings: [{ source: "id", destination: "_acme.orderId" }],
   *   schedule: { frequency: "hour", interval: 1, startTime: "2027-01-04T06:00:00Z" },
   * });
   * ```
   */
  ingest(name: string, args: IngestArgs<K>, opts?: pulumi.ComponentResourceOptions): Pipeline<K> {
    const connection = { source: this.source, connectionId: this.connectionId, ...(this.declaredSandbox !== undefined ? { sandboxName: this.declaredSandbox } : {}) };
    const ingested: IngestedArgs<K> = { ...args, [INGEST]: { className: this.className, connection } };
    return new Pipeline<K>(name, ingested as unknown as PipelineArgs<K>, { parent: this, ...opts });
  }
}

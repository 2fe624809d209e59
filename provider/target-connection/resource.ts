/**
 * `TargetConnection`: the Data Lake target of a dataflow, as a Pulumi dynamic resource
 * (type token `pulumi-nodejs:dynamic/aep:TargetConnection`).
 */
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../serialized-provider";
import { objectProps, type ObjectCommonArgs } from "../shared/resource-identity";

/** Arguments of a {@link TargetConnection}. */
export interface TargetConnectionArgs extends ObjectCommonArgs {
  /** Display name in AEP. Changing it updates the connection in place. */
  name: pulumi.Input<string>;
  /** Free-text description. Changing it updates the connection in place. @default none */
  description?: pulumi.Input<string>;
  /** The Catalog dataset written into (a {@link Dataset}'s `datasetId`). Changing it replaces the connection. */
  datasetId: pulumi.Input<string>;
  /** The dataset's XDM schema `$id` (a {@link Dataset}'s `schemaId`). Changing it replaces the connection. */
  schemaId: pulumi.Input<string>;
  /** The Data Lake's data format, e.g. `parquet_xdm`. Changing it replaces the connection. @default none sent */
  format?: pulumi.Input<string>;
}

/**
 * An AEP target connection to the Data Lake (`POST /targetConnections`, connection spec
 * `c604ff05-7f1a-43c0-8e18-33bf874cb11c`): where a dataflow writes, one dataset. Its name and description change in
 * place; anything else replaces it, and the dataflow that writes through it with it.
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/collect/database-nosql
 */
export class TargetConnection extends pulumi.dynamic.Resource {
  /** The target connection id in AEP, for a {@link Dataflow}. It is the resource's `id`. */
  readonly targetConnectionId: pulumi.Output<string>;
  declare readonly etag: pulumi.Output<string>;
  /** AEP's state: `enabled` once created; `pulumi refresh` reads the live one. */
  declare readonly state: pulumi.Output<string>;
  declare readonly sandboxName: pulumi.Output<string>;

  constructor(name: string, args: TargetConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    super(serializedProvider("TargetConnection"), name, objectProps("TargetConnection", name, args, ["etag", "state"], opts?.parent), opts, "aep", "TargetConnection");
    this.targetConnectionId = this.id;
  }
}

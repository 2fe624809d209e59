/**
 * `Dataset`: a Catalog dataset for an existing XDM schema, as a Pulumi dynamic resource
 * (type token `pulumi-nodejs:dynamic/aep:Dataset`).
 */
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../serialized-provider";
import { objectProps, type ObjectCommonArgs } from "../shared/resource-identity";

/** Arguments of a {@link Dataset}. Every argument but `timeouts` replaces the dataset when it changes. */
export interface DatasetArgs extends ObjectCommonArgs {
  /** Display name in AEP. */
  name: pulumi.Input<string>;
  /** Free-text description. @default none */
  description?: pulumi.Input<string>;
  /**
   * The XDM schema's `$id`, e.g. `https://ns.adobe.com/acme/schemas/3a1b…` (not its `meta:altId`). Schemas are made
   * in AEP's Schema Registry, outside this package.
   */
  schemaId: pulumi.Input<string>;
  /** Make the dataset Profile-enabled (the schema must be too). @default false */
  profileEnabled?: pulumi.Input<boolean>;
}

/**
 * An AEP Catalog dataset (`POST /dataSets`): where a dataflow's data lands. Catalog documents no update of a
 * dataset, so a change of any argument but `timeouts` replaces it with a new, empty dataset: give a dataset that
 * holds data `protect: true`.
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/catalog/api/create-dataset
 */
export class Dataset extends pulumi.dynamic.Resource {
  /** The dataset id in Catalog (24 hex digits), for a target connection. It is the resource's `id`. */
  readonly datasetId: pulumi.Output<string>;
  /** The schema's `$id`, for a target connection and a mapping set. */
  declare readonly schemaId: pulumi.Output<string>;
  /** Catalog's state of the dataset (e.g. `DRAFT`), once a refresh has read it. */
  declare readonly state: pulumi.Output<string | undefined>;
  /** Sandbox the dataset lives in. */
  declare readonly sandboxName: pulumi.Output<string>;

  constructor(name: string, args: DatasetArgs, opts?: pulumi.CustomResourceOptions) {
    super(serializedProvider("Dataset"), name, objectProps("Dataset", name, args, ["state"], opts?.parent), opts, "aep", "Dataset");
    this.datasetId = this.id;
  }
}

/**
 * `MappingSet`: Data Prep mappings from source fields to XDM paths, as a Pulumi dynamic resource
 * (type token `pulumi-nodejs:dynamic/aep:MappingSet`).
 */
import * as pulumi from "@pulumi/pulumi";
import { serializedProvider } from "../serialized-provider";
import { objectProps, type ObjectCommonArgs } from "../shared/resource-identity";
import type { MappingSourceType } from "../flow-service";

/** One mapping from a source field (or an expression, or a constant) to an XDM path. */
export interface MappingArgs {
  /** A source column (`ATTRIBUTE`), a Data Prep expression (`EXPRESSION`), or a constant (`STATIC`). */
  source: pulumi.Input<string>;
  /** An XDM field path of the dataset's schema, e.g. `person.name.firstName` or `_acme.customerId`. */
  destination: pulumi.Input<string>;
  /** How `source` is read. @default "ATTRIBUTE" */
  sourceType?: pulumi.Input<MappingSourceType>;
  /** Mark the destination as an identity. @default false */
  identity?: pulumi.Input<boolean>;
  /** Mark it as the primary identity. @default false */
  primaryIdentity?: pulumi.Input<boolean>;
  /** A name for the mapping. @default none */
  name?: pulumi.Input<string>;
  /** A description of the mapping. @default none */
  description?: pulumi.Input<string>;
}

/** Arguments of a {@link MappingSet}. */
export interface MappingSetArgs extends ObjectCommonArgs {
  /** The set's name in Data Prep. Changing it makes a new version, in place. */
  name: pulumi.Input<string>;
  /** The output schema's `$id`: the target dataset's schema (FLOW-1425 otherwise). Changing it replaces the set. */
  schemaId: pulumi.Input<string>;
  /**
   * The mappings, each destination once; e.g. `defaultMappings(exploreTableColumns(…), { destinationPrefix: "_acme" })`.
   * Changing them makes a new version (a full PUT), in place; a dataflow follows through its `mappingVersion`.
   */
  mappings: pulumi.Input<pulumi.Input<MappingArgs>[]>;
}

/**
 * An AEP Data Prep mapping set (`POST /mappingSets`). Data Prep versions it: each update is a full PUT that makes the
 * next version, which a {@link Dataflow} pins through `mappingVersion` (pass this set's `version`).
 *
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/data-prep/api/mapping-set
 */
export class MappingSet extends pulumi.dynamic.Resource {
  /** The mapping set id in Data Prep (32 hex digits), for a dataflow. It is the resource's `id`. */
  readonly mappingSetId: pulumi.Output<string>;
  /** The current version: 0 when created, + 1 for each update. Pass it to a dataflow's `mappingVersion`. */
  declare readonly version: pulumi.Output<number>;
  /** The output schema's `$id`. */
  declare readonly schemaId: pulumi.Output<string>;
  declare readonly sandboxName: pulumi.Output<string>;

  constructor(name: string, args: MappingSetArgs, opts?: pulumi.CustomResourceOptions) {
    super(serializedProvider("MappingSet"), name, objectProps("MappingSet", name, args, ["version"], opts?.parent), opts, "aep", "MappingSet");
    this.mappingSetId = this.id;
  }
}

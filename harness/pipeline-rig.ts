/**
 * Every object type of a dataflow through one real dynamic-provider host, as the engine drives it: each call carries
 * the serialized provider of its type (`__provider`), and one host process serves them all. Used by the provider
 * tests, the fault matrix, the soak and the bench to build and tear down whole pipelines against the emulator.
 */
import { BUILT_IN_SCHEMAS } from "../emulator";
import { serializedProvider } from "../provider/serialized-provider";
import type { ObjectTypeName } from "../provider/objects";
import { sourceKeys, sources, type SourceKey } from "../provider/sources";
import { pipelineFixtures } from "../tests/fixtures/pipelines";
import { providerKey, serializeProvider, type PropertyBag, type ProviderHost } from "./provider-host";
import { allVariants, identityOf, inputsFor } from "./rig";

/** The object types of a pipeline, in create order. */
export const PIPELINE_TYPES = ["BaseConnection", "SourceConnection", "Dataset", "TargetConnection", "MappingSet", "Dataflow"] as const satisfies readonly ObjectTypeName[];

/** The URN of resource `name` of object type `type`. */
export function objectUrn(type: ObjectTypeName, name: string, stack = "dev"): string {
  return `urn:pulumi:${stack}::aep-test::pulumi-nodejs:dynamic/aep:${type}::${name}`;
}

/** The XDM schema every emulator dataset, target connection and mapping set of the fixtures uses. */
export const SCHEMA_ID = BUILT_IN_SCHEMAS[0]!.id;

/** A created object: its id, its outputs and the checked inputs it was created from. */
export interface HostObject {
  type: ObjectTypeName;
  name: string;
  id: string;
  outs: PropertyBag;
  inputs: PropertyBag;
}

/** The engine's calls for any object type, on one host. */
export class ObjectHost {
  private constructor(
    readonly host: ProviderHost,
    private readonly providers: Readonly<Record<ObjectTypeName, string>>,
    readonly stack: string,
  ) {}

  /** Serializes the provider of every object type once (what the program stores as `__provider`). */
  static async on(host: ProviderHost, stack = "dev"): Promise<ObjectHost> {
    const providers = {} as Record<ObjectTypeName, string>;
    for (const type of PIPELINE_TYPES) providers[type] = await serializeProvider(serializedProvider(type));
    return new ObjectHost(host, providers, stack);
  }

  private bag(type: ObjectTypeName, bag: PropertyBag): PropertyBag {
    return { ...bag, [providerKey]: this.providers[type] };
  }

  urn(type: ObjectTypeName, name: string): string {
    return objectUrn(type, name, this.stack);
  }

  /** `inputs` with the identity the resource class derives for `name` (any 16 hex digits unique per resource do). */
  withIdentity(type: ObjectTypeName, name: string, inputs: PropertyBag): PropertyBag {
    return { ...inputs, identity: identityOf(`${type}/${name}`, this.stack) };
  }

  check(type: ObjectTypeName, name: string, inputs: PropertyBag, olds: PropertyBag = {}) {
    return this.host.check(this.urn(type, name), olds, this.bag(type, inputs));
  }

  diff(object: Pick<HostObject, "type" | "name" | "id" | "outs">, inputs: PropertyBag) {
    return this.host.diff(this.urn(object.type, object.name), object.id, this.bag(object.type, object.outs), this.bag(object.type, inputs));
  }

  /** Check (no failures allowed), then create. */
  async create(type: ObjectTypeName, name: string, inputs: PropertyBag): Promise<HostObject> {
    const checked = await this.check(type, name, inputs);
    if (checked.failures.length > 0) throw new Error(`check of ${type} ${name} failed: ${JSON.stringify(checked.failures)}`);
    const { id, outs } = await this.host.create(this.urn(type, name), this.bag(type, checked.inputs));
    return { type, name, id, outs, inputs: checked.inputs };
  }

  /** Check, then update in place; the object with its new outputs and inputs. */
  async update(object: HostObject, inputs: PropertyBag): Promise<HostObject> {
    const checked = await this.check(object.type, object.name, inputs, object.inputs);
    if (checked.failures.length > 0) throw new Error(`check of ${object.type} ${object.name} failed: ${JSON.stringify(checked.failures)}`);
    const { outs } = await this.host.update(this.urn(object.type, object.name), object.id, this.bag(object.type, object.outs), this.bag(object.type, checked.inputs), this.bag(object.type, object.inputs));
    return { ...object, outs, inputs: checked.inputs };
  }

  /** A refresh: the object as AEP holds it now (`id` empty when it is gone). */
  read(object: HostObject) {
    return this.host.read(this.urn(object.type, object.name), object.id, this.bag(object.type, object.outs), this.bag(object.type, object.inputs));
  }

  delete(object: Pick<HostObject, "type" | "name" | "id" | "outs">): Promise<void> {
    return this.host.delete(this.urn(object.type, object.name), object.id, this.bag(object.type, object.outs));
  }
}

/** One pipeline's objects, by type. */
export type Pipeline = Record<(typeof PIPELINE_TYPES)[number], HostObject>;

/** Options of {@link pipelineInputs}. */
export interface PipelineOptions {
  /** The flow's schedule. @default hourly, starting in a year (no run during a test) */
  schedule?: PropertyBag;
  enabled?: boolean;
  sandboxName?: string;
}

/** A start time a year ahead, in epoch seconds: no run of a test's flow starts on its own. */
export function futureStart(): number {
  return Math.floor(Date.now() / 1000) + 365 * 24 * 3600;
}

/** The inputs of each object of a pipeline from `source`, given the ids its predecessors got. */
export const pipelineInputs = {
  BaseConnection(source: SourceKey, name: string, options: PipelineOptions = {}): PropertyBag {
    const variant = allVariants().find((v) => v.source === source)!;
    const inputs = inputsFor(variant, `${name} connection`);
    delete inputs["identity"];
    return options.sandboxName === undefined ? inputs : { ...inputs, sandboxName: options.sandboxName };
  },
  SourceConnection(source: SourceKey, name: string, baseConnectionId: string, options: PipelineOptions = {}): PropertyBag {
    const reads = pipelineFixtures[source].reads;
    return withSandbox({ source, name: `${name} source`, baseConnectionId, ...reads }, options);
  },
  Dataset(name: string, options: PipelineOptions = {}): PropertyBag {
    return withSandbox({ name: `${name} dataset`, schemaId: SCHEMA_ID }, options);
  },
  TargetConnection(name: string, datasetId: string, options: PipelineOptions = {}): PropertyBag {
    return withSandbox({ name: `${name} target`, datasetId, schemaId: SCHEMA_ID }, options);
  },
  MappingSet(source: SourceKey, name: string, options: PipelineOptions = {}): PropertyBag {
    return withSandbox({ name: `${name} mapping`, schemaId: SCHEMA_ID, mappings: pipelineFixtures[source].mappings }, options);
  },
  Dataflow(source: SourceKey, name: string, ids: { sourceConnectionId: string; targetConnectionId: string; mappingSetId: string; mappingVersion: number }, options: PipelineOptions = {}): PropertyBag {
    const deltaColumn = pipelineFixtures[source].deltaColumn;
    return withSandbox(
      {
        source,
        name: `${name} flow`,
        ...ids,
        ...(deltaColumn !== undefined ? { deltaColumn } : {}),
        schedule: options.schedule ?? { frequency: "hour", interval: 1, startTime: futureStart() },
        ...(options.enabled !== undefined ? { enabled: options.enabled } : {}),
      },
      options,
    );
  },
};

function withSandbox(inputs: PropertyBag, options: PipelineOptions): PropertyBag {
  return options.sandboxName === undefined ? inputs : { ...inputs, sandboxName: options.sandboxName };
}

/** Creates a whole pipeline from `source`, each object after the ones it needs, every object with its identity. */
export async function createPipeline(objects: ObjectHost, source: SourceKey, name: string, options: PipelineOptions = {}): Promise<Pipeline> {
  const create = (type: ObjectTypeName, inputs: PropertyBag) => objects.create(type, name, objects.withIdentity(type, name, inputs));
  const BaseConnection = await create("BaseConnection", pipelineInputs.BaseConnection(source, name, options));
  const [SourceConnection, Dataset, MappingSet] = await Promise.all([
    create("SourceConnection", pipelineInputs.SourceConnection(source, name, BaseConnection.id, options)),
    create("Dataset", pipelineInputs.Dataset(name, options)),
    create("MappingSet", pipelineInputs.MappingSet(source, name, options)),
  ]);
  const TargetConnection = await create("TargetConnection", pipelineInputs.TargetConnection(name, Dataset.id, options));
  const Dataflow = await create(
    "Dataflow",
    pipelineInputs.Dataflow(
      source,
      name,
      { sourceConnectionId: SourceConnection.id, targetConnectionId: TargetConnection.id, mappingSetId: MappingSet.id, mappingVersion: MappingSet.outs["version"] as number },
      options,
    ),
  );
  return { BaseConnection, SourceConnection, Dataset, TargetConnection, MappingSet, Dataflow };
}

/** Deletes a pipeline in Pulumi's order: each object before the ones it needs. */
export async function destroyPipeline(objects: ObjectHost, pipeline: Partial<Pipeline>): Promise<void> {
  const remove = async (type: ObjectTypeName) => {
    const object = pipeline[type as keyof Pipeline];
    if (object !== undefined) await objects.delete(object);
  };
  await remove("Dataflow");
  await Promise.all([remove("SourceConnection"), remove("TargetConnection"), remove("MappingSet")]);
  await Promise.all([remove("BaseConnection"), remove("Dataset")]);
}

/** Every source key with its title, for test names. */
export const pipelineSources: readonly { source: SourceKey; title: string }[] = sourceKeys.map((source) => ({ source, title: sources[source].title }));

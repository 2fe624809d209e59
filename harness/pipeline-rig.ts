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

  /** The checked inputs (what the engine passes on to create and update); a check failure throws. */
  async checked(type: ObjectTypeName, name: string, inputs: PropertyBag, olds: PropertyBag = {}): Promise<PropertyBag> {
    const checked = await this.check(type, name, inputs, olds);
    if (checked.failures.length > 0) throw new Error(`check of ${type} ${name} failed: ${JSON.stringify(checked.failures)}`);
    return checked.inputs;
  }

  /** Check (no failures allowed), then create. */
  async create(type: ObjectTypeName, name: string, inputs: PropertyBag): Promise<HostObject> {
    return this.createChecked(type, name, await this.checked(type, name, inputs));
  }

  /** Create from inputs already checked. */
  async createChecked(type: ObjectTypeName, name: string, checked: PropertyBag): Promise<HostObject> {
    const { id, outs } = await this.host.create(this.urn(type, name), this.bag(type, checked));
    return { type, name, id, outs, inputs: checked };
  }

  /** Check, then update in place; the object with its new outputs and inputs. */
  async update(object: HostObject, inputs: PropertyBag): Promise<HostObject> {
    return this.updateChecked(object, await this.checked(object.type, object.name, inputs, object.inputs));
  }

  /** Update in place to inputs already checked. */
  async updateChecked(object: Pick<HostObject, "type" | "name" | "id" | "outs" | "inputs">, checked: PropertyBag): Promise<HostObject> {
    const { outs } = await this.host.update(this.urn(object.type, object.name), object.id, this.bag(object.type, object.outs), this.bag(object.type, checked), this.bag(object.type, object.inputs));
    return { ...object, outs, inputs: checked };
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

/** The pipeline objects each type's inputs refer to: created before it, deleted after it. */
export const NEEDS: Readonly<Record<PipelineType, readonly PipelineType[]>> = {
  BaseConnection: [],
  SourceConnection: ["BaseConnection"],
  Dataset: [],
  TargetConnection: ["Dataset"],
  MappingSet: [],
  Dataflow: ["SourceConnection", "TargetConnection", "MappingSet"],
};

/** A pipeline object type. */
export type PipelineType = (typeof PIPELINE_TYPES)[number];

/** The inputs of the `type` object of pipeline `name` from `source`, given the objects it refers to (see {@link NEEDS}). */
export function objectInputs(type: PipelineType, source: SourceKey, name: string, made: Partial<Pipeline>, options: PipelineOptions = {}): PropertyBag {
  const id = (needed: PipelineType): string => {
    const object = made[needed];
    if (object === undefined) throw new Error(`the ${type} of pipeline ${name} needs its ${needed} first`);
    return object.id;
  };
  switch (type) {
    case "BaseConnection":
      return pipelineInputs.BaseConnection(source, name, options);
    case "SourceConnection":
      return pipelineInputs.SourceConnection(source, name, id("BaseConnection"), options);
    case "Dataset":
      return pipelineInputs.Dataset(name, options);
    case "TargetConnection":
      return pipelineInputs.TargetConnection(name, id("Dataset"), options);
    case "MappingSet":
      return pipelineInputs.MappingSet(source, name, options);
    case "Dataflow":
      return pipelineInputs.Dataflow(
        source,
        name,
        { sourceConnectionId: id("SourceConnection"), targetConnectionId: id("TargetConnection"), mappingSetId: id("MappingSet"), mappingVersion: made.MappingSet!.outs["version"] as number },
        options,
      );
  }
}

/**
 * Creates the `types` objects of pipeline `name` and every object they need that `made` does not hold yet, each after
 * the objects it refers to and the others at once, every object with its identity; `made` with what was created.
 */
export async function createObjects(
  objects: ObjectHost,
  source: SourceKey,
  name: string,
  types: readonly PipelineType[],
  options: PipelineOptions = {},
  made: Partial<Pipeline> = {},
): Promise<Partial<Pipeline>> {
  const result: Partial<Pipeline> = { ...made };
  const creating = new Map<PipelineType, Promise<HostObject>>();
  const make = (type: PipelineType): Promise<HostObject> => {
    const existing = result[type];
    if (existing !== undefined) return Promise.resolve(existing);
    let pending = creating.get(type);
    if (pending === undefined) {
      pending = (async () => {
        await Promise.all(NEEDS[type].map(make));
        const created = await objects.create(type, name, objects.withIdentity(type, name, objectInputs(type, source, name, result, options)));
        result[type] = created;
        return created;
      })();
      creating.set(type, pending);
    }
    return pending;
  };
  await Promise.all(types.map(make));
  return result;
}

/** Creates a whole pipeline from `source`, each object after the ones it needs, every object with its identity. */
export async function createPipeline(objects: ObjectHost, source: SourceKey, name: string, options: PipelineOptions = {}): Promise<Pipeline> {
  return (await createObjects(objects, source, name, PIPELINE_TYPES, options)) as Pipeline;
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

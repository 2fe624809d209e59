/**
 * The `SourceConnection` provider: what a dataflow reads through a base connection (dataflows.md §3).
 *
 * In place: the name and description (a PATCH with If-Match). Everything else replaces the source connection, and
 * with it the dataflow that reads it: Adobe says that changes to the source connection of a live dataflow are not
 * reflected in it, and to make a new connection and a new dataflow instead (UPDF).
 */
import { z } from "zod";
import {
  splitMarker,
  type CreateIdentity,
  type FlowServiceClient,
  type JsonPatchOperation,
  type ListingSnapshot,
  type NewSourceConnection,
  type SourceConnection,
} from "../flow-service";
import { sameJson, withoutNulls } from "../shared/check";
import {
  COMMON_STORED_SHAPE,
  DataflowObjectProvider,
  markedDescription,
  nameAndDescriptionPatch,
  type CommonOutputs,
  type CreatedOutputs,
  type ObjectCalls,
  parseStoredWith,
  type Validated,
} from "../shared/object-provider";
import { patchDeclared } from "../shared/writes";
import { isSourceKey, sources, type FileSourceData, type TableSourceData } from "../sources";
import { validateSourceConnectionInputs, type SourceConnectionInputs } from "./inputs";

/** Outputs of a `SourceConnection`, as stored in state. */
export interface SourceConnectionOutputs extends CommonOutputs {
  /** The source connection id in AEP (also the Pulumi resource id). */
  sourceConnectionId: string;
  /** Current etag, quotes included. */
  etag: string;
  /** `enabled` once created; a refresh reads the live one. */
  state: string;
  source: string;
  baseConnectionId: string;
  connectionSpecId: string;
  name: string;
  table?: TableSourceData;
  file?: FileSourceData;
}

const storedSchema = z
  .object({
    sourceConnectionId: z.string(),
    etag: z.string().optional(),
    state: z.string().optional(),
    source: z.string().optional(),
    baseConnectionId: z.string().optional(),
    connectionSpecId: z.string().optional(),
    table: z.record(z.string(), z.unknown()).optional(),
    file: z.record(z.string(), z.unknown()).optional(),
    ...COMMON_STORED_SHAPE,
  })
  .loose();

type Stored = z.infer<typeof storedSchema> & SourceConnectionOutputs;

/** The wire `data` and `params` of what the inputs read. */
function wireData(inputs: Pick<SourceConnectionInputs, "table" | "file">): { data: Record<string, unknown>; params: Record<string, unknown> } {
  if (inputs.table !== undefined) {
    return { data: { format: "tabular" }, params: withoutNulls(inputs.table) };
  }
  const { path, type, format, columnDelimiter, encoding, compressionType, recursive } = inputs.file!;
  const properties = withoutNulls({ columnDelimiter, encoding, compressionType });
  return {
    data: Object.keys(properties).length > 0 ? { format, properties } : { format },
    params: withoutNulls({ path, type: type ?? "file", recursive }),
  };
}

/** What a source connection AEP holds reads, in the inputs' shape. */
function readsOf(connection: SourceConnection): Pick<SourceConnectionOutputs, "table" | "file"> {
  const { params, data } = connection;
  if (data.format === undefined || data.format.toLowerCase() === "tabular") {
    return { table: withoutNulls({ tableName: params.tableName, columns: params.columns, cdcEnabled: params.cdcEnabled }) as unknown as TableSourceData };
  }
  const properties = data.properties ?? {};
  return {
    file: withoutNulls({
      path: params.path,
      type: params.type,
      format: data.format,
      columnDelimiter: properties["columnDelimiter"],
      encoding: properties["encoding"],
      compressionType: properties["compressionType"],
      recursive: params.recursive,
    }) as unknown as FileSourceData,
  };
}

/** The declared reads' fields that differ from the stored ones, as input paths (`table.tableName`). */
function changedReads(olds: Pick<SourceConnectionOutputs, "table" | "file">, inputs: SourceConnectionInputs): string[] {
  const key = inputs.table !== undefined ? "table" : "file";
  const declared = (inputs.table ?? inputs.file) as unknown as Record<string, unknown>;
  const stored = (olds[key] ?? {}) as unknown as Record<string, unknown>;
  if (typeof declared !== "object") return [key];
  const fields = new Set([...Object.keys(declared), ...Object.keys(stored)]);
  return [...fields].filter((field) => !sameJson(declared[field], stored[field])).map((field) => `${key}.${field}`);
}

/** Implements `pulumi.dynamic.ResourceProvider` for `SourceConnection`. One instance per host process. */
export class SourceConnectionProvider extends DataflowObjectProvider<SourceConnectionInputs, Stored, SourceConnection> {
  protected readonly what = "source connection";

  protected validate(raw: Record<string, unknown>): Validated<SourceConnectionInputs> {
    return validateSourceConnectionInputs(raw);
  }

  protected parseStored(raw: Record<string, unknown>, id: string): Stored {
    return parseStoredWith(storedSchema, raw, "sourceConnectionId", id, this.what) as Stored;
  }

  protected replaceKeys(olds: Stored, inputs: SourceConnectionInputs): string[] {
    const replaces: string[] = [];
    if (olds.source !== undefined && olds.source !== inputs.source) replaces.push("source");
    if (olds.baseConnectionId !== undefined && olds.baseConnectionId.toLowerCase() !== inputs.baseConnectionId.toLowerCase()) replaces.push("baseConnectionId");
    if (olds.source === inputs.source) replaces.push(...changedReads(olds, inputs));
    return replaces;
  }

  protected aepChanged(olds: Stored, inputs: SourceConnectionInputs): boolean {
    return olds.name !== inputs.name || (olds.description || undefined) !== (inputs.description || undefined);
  }

  private outputs(id: string, etag: string, state: string, inputs: SourceConnectionInputs, sandboxName: string): Stored {
    const outputs: SourceConnectionOutputs = {
      sourceConnectionId: id,
      etag,
      state,
      source: inputs.source,
      baseConnectionId: inputs.baseConnectionId,
      connectionSpecId: sources[inputs.source].connectionSpec.id,
      name: inputs.name,
      description: inputs.description,
      sandboxName,
      identity: inputs.identity,
      timeouts: inputs.timeouts,
      ...(inputs.table !== undefined ? { table: inputs.table } : { file: inputs.file! }),
    };
    return outputs as Stored;
  }

  protected listing(client: FlowServiceClient, sandboxName: string): ListingSnapshot<SourceConnection> {
    return client.sourceConnectionSnapshot({ sandboxName });
  }

  protected async createObject(calls: ObjectCalls, inputs: SourceConnectionInputs, identity: CreateIdentity | undefined, snapshot: ListingSnapshot<SourceConnection> | undefined): Promise<CreatedOutputs<Stored>> {
    const source = sources[inputs.source];
    const description = markedDescription(inputs);
    const created = await calls.client.createSourceConnection(
      {
        name: inputs.name,
        ...(description !== undefined ? { description } : {}),
        baseConnectionId: inputs.baseConnectionId,
        connectionSpec: { id: source.connectionSpec.id, version: source.connectionSpec.version },
        ...(wireData(inputs) as unknown as Pick<NewSourceConnection, "data" | "params">),
      },
      identity === undefined ? calls.call : { ...calls.call, identity, ...(snapshot !== undefined ? { snapshot } : {}) },
    );
    return { ...created, outputs: this.outputs(created.id, created.etag, "enabled", inputs, calls.call.sandboxName) };
  }

  protected async writeDeclared(calls: ObjectCalls, id: string, olds: Stored, inputs: SourceConnectionInputs): Promise<Stored> {
    const operations = (current: SourceConnection | undefined): JsonPatchOperation[] => {
      const holds = current === undefined ? olds : { ...readsOf(current), description: current.description };
      const ops = nameAndDescriptionPatch(inputs, holds.description);
      // Only after a create found an earlier run's object: an update never gets here with other reads (they replace).
      if (changedReads(holds, inputs).length > 0) {
        const { data, params } = wireData(inputs);
        ops.push({ op: "replace", path: "/data", value: data }, { op: "replace", path: "/params", value: params });
      }
      return ops;
    };
    const etag = await patchDeclared({
      what: "Source connection",
      id,
      etag: olds.etag,
      operations,
      patch: (etag, ops) => calls.client.updateSourceConnection(id, etag, ops, calls.call),
      get: () => calls.client.getSourceConnection(id, calls.call),
      sandboxName: calls.call.sandboxName,
    });
    return this.outputs(id, etag, olds.state ?? "enabled", inputs, calls.call.sandboxName);
  }

  protected async readObject(calls: ObjectCalls, id: string, olds: Stored): Promise<Stored | undefined> {
    const current = await calls.client.getSourceConnection(id, calls.call);
    if (current === undefined) return undefined;
    const source = olds.source !== undefined && isSourceKey(olds.source) ? olds.source : undefined;
    const reads = readsOf(current);
    // The declared defaults AEP may not echo (a file's type) are kept from state.
    if (reads.file !== undefined && olds.file !== undefined) reads.file = { ...olds.file, ...reads.file } as FileSourceData;
    return {
      ...olds,
      sourceConnectionId: current.id,
      etag: current.etag,
      state: current.state ?? olds.state ?? "enabled",
      ...(source !== undefined ? { source } : {}),
      baseConnectionId: current.baseConnectionId ?? olds.baseConnectionId,
      connectionSpecId: current.connectionSpec.id,
      name: current.name,
      description: splitMarker(current.description).text,
      table: reads.table,
      file: reads.file,
      sandboxName: calls.call.sandboxName,
    } as Stored;
  }

  protected async deleteObject(calls: ObjectCalls, id: string): Promise<void> {
    await calls.client.deleteSourceConnection(id, calls.call);
  }

  protected deleteStray(calls: ObjectCalls, id: string): Promise<unknown> {
    return calls.client.deleteSourceConnection(id, calls.call);
  }
}

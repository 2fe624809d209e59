/**
 * The lifecycle every dataflow object type shares (source and target connections, datasets, mapping sets, flows),
 * written once; each type's folder says only what is its own (its inputs, its calls, what changes in place).
 *
 * Engine call → AEP:
 * - check, diff: validation and comparison only, never an HTTP request;
 * - create: the type's crash-safe create (its marker identifies it); objects left with the marker by interrupted
 *   runs are deleted, and one found instead of created (made by a run that never heard back) is brought to the
 *   declared state. Anything that fails once AEP holds the object is reported with its id (IncompleteWriteError),
 *   so the engine records it and the next `pulumi up` updates it instead of making another;
 * - read (refresh): a GET; gone only on a real not-found;
 * - update: the whole declared state of what can change in place (state may be behind AEP after a lost answer);
 * - delete: "gone" counts as done; refused while a flow uses the object, naming the flows.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { InUseError, withMarker, type CreateIdentity, type FlowServiceClient, type JsonPatchOperation } from "../flow-service";
import type { ListingSnapshot, Recovered } from "../flow-service/safe-create";
import { hasUnknown, plain, sameRecord, type CheckFailure } from "./check";
import { IncompleteWriteError, InvalidInputsError } from "./errors";
import { errorText, runOperation, type CallOptions } from "./operation";
import type { ProviderConfig, ProviderSession } from "./session";
import type { Operation, Timeouts } from "./timeouts";
import { inUseFailure } from "./writes";

/** Inputs every object type takes. */
export interface CommonInputs {
  /** Display name in AEP. */
  name: string;
  description?: string;
  /** AEP sandbox; absent means the provider's configured sandbox. */
  sandboxName?: string;
  /** Marker key of the resource (set by its resource class), written into the object on create. */
  identity?: string;
  timeouts?: Timeouts;
}

/** Outputs every object type stores. */
export interface CommonOutputs {
  name?: string | undefined;
  description?: string | undefined;
  sandboxName?: string | undefined;
  identity?: string | undefined;
  timeouts?: Timeouts | undefined;
}

/** The zod shape of the stored fields every object type has; older state may lack any of them. */
export const COMMON_STORED_SHAPE = {
  name: z.string().optional(),
  description: z.string().optional(),
  sandboxName: z.string().optional(),
  identity: z.string().optional(),
  timeouts: z.record(z.string(), z.string()).optional(),
};

/**
 * The stored outputs of an object of kind `what`, parsed with `schema` (lenient: unknown fields kept, later ones
 * optional), its id set under `idKey`. State no version can read is a clear error.
 */
export function parseStoredWith<T>(schema: z.ZodType<T>, raw: Record<string, unknown>, idKey: string, id: string, what: string): T {
  const parsed = schema.safeParse({ ...raw, [idKey]: id });
  if (!parsed.success) throw new Error(`The stored state of ${what} ${id} is not readable (${z.prettifyError(parsed.error)}).`);
  return parsed.data;
}

/** What one operation's calls go through: the session's client and the operation's call options. */
export interface ObjectCalls {
  client: FlowServiceClient;
  call: CallOptions;
}

/** What a type's create answers. */
export interface CreatedOutputs<O> {
  id: string;
  /** The outputs of the declared inputs and what the create answered. */
  outputs: O;
  recovered: Recovered;
  /** Objects carrying this create's marker, left by interrupted runs: deleted here. */
  strays: string[];
}

/** The validation result of a type's inputs. */
export interface Validated<I> {
  failures: CheckFailure[];
  /** Present iff `failures` is empty. */
  inputs?: I;
}

/**
 * The provider of one dataflow object type, run inside the dynamic-provider host. Subclasses give the type's
 * validation, its diff, and its calls.
 */
export abstract class DataflowObjectProvider<I extends CommonInputs, O extends CommonOutputs, L = unknown> {
  /** e.g. "source connection", for messages. */
  protected abstract readonly what: string;

  /**
   * Ids state holds for each resource identity, learnt in `diff`: the engine diffs a resource before it creates its
   * replacement, and a replacement must never take the object it replaces for its own.
   */
  private readonly liveIds = new Map<string, Set<string>>();

  /** One listing per sandbox of this type's objects, shared by the creates of this process (ListingSnapshot). */
  private readonly snapshots = new Map<string, ListingSnapshot<L>>();
  /**
   * Identities this process has already tried to create. The listing may predate what such an attempt left, so a
   * second create of one of them (the engine never sends one; a long-lived host in tests may) looks afresh.
   */
  private readonly attempted = new Set<string>();

  constructor(protected readonly session: ProviderSession) {}

  /** Validates raw inputs (plain JSON from the host; the unknown sentinel wherever a value is not known yet). */
  protected abstract validate(raw: Record<string, unknown>): Validated<I>;
  /** Parses stored outputs leniently (state written by every earlier version must stay readable). */
  protected abstract parseStored(raw: Record<string, unknown>, id: string): O;
  /** Input paths whose change replaces the object, besides `sandboxName`. A value not known yet counts as changed. */
  protected abstract replaceKeys(olds: O, inputs: I): string[];
  /** Whether what AEP holds would change: only then does an update write. */
  protected abstract aepChanged(olds: O, inputs: I): boolean;
  /** A listing of the sandbox's objects of this type (the client's `…Snapshot`), for creates to share. */
  protected abstract listing(client: FlowServiceClient, sandboxName: string): ListingSnapshot<L>;
  /** The type's crash-safe create; `snapshot`, when given, saves its first lookup. */
  protected abstract createObject(calls: ObjectCalls, inputs: I, identity: CreateIdentity | undefined, snapshot: ListingSnapshot<L> | undefined): Promise<CreatedOutputs<O>>;
  /** Writes the whole declared in-place state onto an existing object whose outputs are `olds`; the new outputs. */
  protected abstract writeDeclared(calls: ObjectCalls, id: string, olds: O, inputs: I): Promise<O>;
  /** A GET: the outputs AEP's view gives, or undefined when the object is gone. */
  protected abstract readObject(calls: ObjectCalls, id: string, olds: O): Promise<O | undefined>;
  /** The DELETE: "gone" counts as done. A refusal while flows use the object is an `InUseError` (see `delete`). */
  protected abstract deleteObject(calls: ObjectCalls, id: string, olds: O): Promise<void>;
  /** Deletes an object an interrupted run left with this resource's marker. */
  protected abstract deleteStray(calls: ObjectCalls, id: string): Promise<unknown>;

  /** After a create, e.g. disable a flow declared disabled. The default does nothing. */
  protected async afterCreate(_calls: ObjectCalls, _id: string, outputs: O, _inputs: I): Promise<O> {
    return outputs;
  }

  /** Called by the host once per distinct serialized provider, with the whole (namespaced) stack config. */
  configure(request: { config: ProviderConfig }): void {
    this.session.configure(request.config);
  }

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const { failures, inputs } = this.validate(news);
    if (failures.length > 0 || inputs === undefined) return { inputs: news, failures };
    return { inputs: plain(inputs) };
  }

  async diff(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const olds = this.parseStored(oldOutputs, id);
    const { inputs } = this.validate(news);
    // check reports the failures; an update would refuse these inputs before any request.
    if (inputs === undefined) return { changes: true };
    if (typeof inputs.identity === "string") {
      const ids = this.liveIds.get(inputs.identity) ?? new Set<string>();
      ids.add(id);
      this.liveIds.set(inputs.identity, ids);
    }
    const replaces = this.replaceKeys(olds, inputs);
    if (olds.sandboxName !== undefined && this.sandboxOf(inputs) !== olds.sandboxName) replaces.push("sandboxName");
    const changes = replaces.length > 0 || this.aepChanged(olds, inputs) || !sameRecord(olds.timeouts ?? {}, inputs.timeouts ?? {});
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    const inputs = this.validInputs(news);
    const hint = inputs.identity
      ? "If AEP created it, the next pulumi up finds it by its marker instead of creating another one."
      : "Check whether it exists in AEP before running pulumi up again.";
    return this.run("create", inputs.timeouts, `${this.what} "${inputs.name}"`, hint, this.sandboxOf(inputs), async (calls) => {
      const identity =
        inputs.identity === undefined ? undefined : { key: inputs.identity, excludeIds: [...(this.liveIds.get(inputs.identity) ?? [])] };
      let snapshot = this.snapshots.get(calls.call.sandboxName);
      if (snapshot === undefined) {
        snapshot = this.listing(calls.client, calls.call.sandboxName);
        this.snapshots.set(calls.call.sandboxName, snapshot);
      }
      const shared = identity !== undefined && !this.attempted.has(identity.key) ? snapshot : undefined;
      if (identity !== undefined) this.attempted.add(identity.key);
      const created = await this.createObject(calls, inputs, identity, shared);
      // From here on AEP holds the object: every failure must carry its id.
      let outputs = created.outputs;
      const partial = (message: string) => new IncompleteWriteError(message, created.id, plain({ ...outputs, __provider: news["__provider"] }) as unknown as Record<string, unknown>);
      for (const stray of created.strays) {
        try {
          await this.deleteStray(calls, stray);
        } catch (error) {
          throw partial(
            `${capitalised(this.what)} ${created.id} was created; ${this.what} ${stray}, left with this resource's marker by an earlier ` +
              `run that was interrupted, could not be deleted: ${errorText(error)}. No state holds it: delete it in AEP.`,
          );
        }
      }
      try {
        // Made by a run that never heard back: it holds that run's inputs, which may differ from these.
        if (created.recovered === "earlier-run") {
          const current = await this.readObject(calls, created.id, outputs);
          if (current === undefined) throw new Error(`it was deleted while it was being taken over`);
          outputs = await this.writeDeclared(calls, created.id, current, inputs);
        }
        outputs = await this.afterCreate(calls, created.id, outputs, inputs);
      } catch (error) {
        throw partial(`${capitalised(this.what)} ${created.id} was created, but bringing it to the declared state failed: ${errorText(error)}`);
      }
      return { id: created.id, outs: plain(outputs) };
    });
  }

  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const olds = this.parseStored(props, id);
    return this.run("read", olds.timeouts, `${this.what} ${id}`, "Nothing was changed; run the command again.", this.storedSandbox(olds), async (calls) => {
      const current = await this.readObject(calls, id, olds);
      // An empty id tells the engine the object is gone; the next `pulumi up` creates it again.
      return current === undefined ? { id: "", props: {} } : { id, props: plain(current) };
    });
  }

  async update(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    const olds = this.parseStored(oldOutputs, id);
    const inputs = this.validInputs(news);
    const hint = "The change may or may not have been applied; the next pulumi up applies it if it was not.";
    return this.run("update", inputs.timeouts, `${this.what} ${id}`, hint, olds.sandboxName ?? this.sandboxOf(inputs), async (calls) => {
      // A change of `timeouts` alone writes nothing to AEP.
      const outputs = this.aepChanged(olds, inputs) ? await this.writeDeclared(calls, id, olds, inputs) : this.withDeclared(olds, inputs);
      return { outs: plain(outputs) };
    });
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    const olds = this.parseStored(props, id);
    const hint = "It may or may not have been deleted; run the command again.";
    await this.run("delete", olds.timeouts, `${this.what} ${id}`, hint, this.storedSandbox(olds), async (calls) => {
      try {
        await this.deleteObject(calls, id, olds);
      } catch (error) {
        if (!InUseError.isInstance(error)) throw error;
        throw await inUseFailure(error, { what: this.what, id, name: olds.name, sandboxName: calls.call.sandboxName }, calls.client, calls.call);
      }
    });
  }

  /** Stored outputs with the declared fields that AEP does not hold (`timeouts`). */
  protected withDeclared(olds: O, inputs: I): O {
    const outputs = { ...olds };
    if (inputs.timeouts === undefined) delete outputs.timeouts;
    else outputs.timeouts = inputs.timeouts;
    return outputs;
  }

  /** Runs one operation (shared/operation.ts) for an object of this type. */
  protected run<T>(operation: Operation, timeouts: Timeouts | undefined, what: string, hint: string, sandboxName: string, work: (calls: ObjectCalls) => Promise<T>): Promise<T> {
    return runOperation(operation, timeouts, what, hint, sandboxName, [], (call) => work({ client: this.session.flowService(), call }));
  }

  /** The inputs of a write: valid, and every value known (the engine resolved all unknowns before a write). */
  protected validInputs(news: Record<string, unknown>): I {
    const { failures, inputs } = this.validate(news);
    if (inputs === undefined || failures.length > 0) {
      throw new InvalidInputsError(`Invalid ${this.what} inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    if (hasUnknown(inputs)) throw new InvalidInputsError(`${capitalised(this.what)} inputs are still unknown; they must be known before the ${this.what} is written.`);
    return inputs;
  }

  /** The sandbox the inputs declare: their own, else the provider's default. */
  protected sandboxOf(inputs: Pick<CommonInputs, "sandboxName">): string {
    return inputs.sandboxName ?? this.session.defaultSandbox();
  }

  /** The sandbox a stored object lives in (older state may not record it: the default). */
  protected storedSandbox(olds: CommonOutputs): string {
    return olds.sandboxName ?? this.session.defaultSandbox();
  }
}

/** The description as AEP holds it: the declared one, with the resource's create marker at its end. */
export function markedDescription(inputs: Pick<CommonInputs, "description" | "identity">): string | undefined {
  if (inputs.identity === undefined) return inputs.description || undefined;
  return withMarker(inputs.description || undefined, inputs.identity);
}

/**
 * JSON Patch of `/name` and `/description` to the declared ones: the description is set with its marker, or removed
 * when none is declared and `current` has one (removing an absent member fails with FLOW-1455).
 */
export function nameAndDescriptionPatch(inputs: CommonInputs, currentDescription: string | undefined): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [{ op: "replace", path: "/name", value: inputs.name }];
  const description = markedDescription(inputs);
  if (description !== undefined) operations.push({ op: "add", path: "/description", value: description });
  else if (currentDescription) operations.push({ op: "remove", path: "/description" });
  return operations;
}

/** "source connection" → "Source connection". */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

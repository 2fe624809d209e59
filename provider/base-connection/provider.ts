/**
 * The `BaseConnection` provider, run inside Pulumi's dynamic-provider host process (see ../install.ts).
 *
 * Engine call → Flow Service:
 * - check, diff: validation and comparison only, never an HTTP request;
 * - create: POST /connections, and alongside it one listing of the sandbox shared by every create of the run, in
 *   which a connection left by an interrupted earlier run shows up by its marker (or, with `adopt`, GET + PATCH an
 *   existing one). The outputs come from the declared inputs and the POST's id and etag: no read-back;
 * - read (refresh): GET; only a 404 about the connection reports it gone;
 * - update: PATCH with If-Match of the whole declared state (412: re-read and retry once); its answer gives the new etag;
 * - delete: DELETE; 404 counts as done.
 * Every operation runs within its deadline (`timeouts`), and every call made for a connection keeps that
 * connection's secrets out of any error it raises.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  InUseError,
  type ConnectionSnapshot,
  type Connection,
  type FlowServiceClient,
  type JsonPatchOperation,
} from "../flow-service";
import { redact } from "../flow-service/redaction";
import { secretTexts, sources } from "../sources";
import { hasUnknown, plain } from "../shared/check";
import { IncompleteWriteError, InvalidInputsError } from "../shared/errors";
import { errorText, rememberSecrets, runOperation, type CallOptions } from "../shared/operation";
import { inUseFailure, patchDeclared } from "../shared/writes";
import type { ProviderConfig, ProviderSession } from "../shared/session";
import type { Operation, Timeouts } from "../shared/timeouts";
import { aepFieldsChanged, describedAs, diffBaseConnection, patchOperations } from "./diff";
import { validateBaseConnectionInputs, type BaseConnectionInputs } from "./inputs";
import {
  parseStoredOutputs,
  refreshedOutputs,
  SECRET_OUTPUT,
  toOutputs,
  type BaseConnectionOutputs,
  type KnownBaseConnectionInputs,
  type StoredOutputs,
} from "./outputs";

/**
 * The error of a write AEP applied but that did not finish: it carries the connection id and the outputs known, so
 * the engine records the connection. Those outputs leave the secret params out (an error's properties take another
 * path through the engine than a result's).
 */
function incompleteWrite(message: string, outputs: BaseConnectionOutputs, call: CallOptions, news: Record<string, unknown>): IncompleteWriteError {
  const { [SECRET_OUTPUT]: _secrets, ...withoutSecrets } = outputs;
  return new IncompleteWriteError(redact(message, call.secrets), outputs.connectionId, plain({ ...withoutSecrets, __provider: news["__provider"] }));
}

/** Implements `pulumi.dynamic.ResourceProvider` for `BaseConnection`. One instance per host process. */
export class BaseConnectionProvider {
  /**
   * Ids of the connections state holds for each resource identity, learnt in `diff`: the engine diffs a resource
   * before it creates its replacement, and a replacement must never take the connection it replaces for its own.
   */
  private readonly liveIds = new Map<string, Set<string>>();

  /** One shared listing per sandbox for the creates of this process (see ConnectionSnapshot). */
  private readonly snapshots = new Map<string, ConnectionSnapshot>();
  /**
   * Identities this process has already tried to create. The listing may predate what such an attempt left, so
   * a second create of one of them (the engine never sends one; a long-lived host in tests may) looks afresh.
   */
  private readonly attempted = new Set<string>();

  constructor(private readonly session: ProviderSession) {}

  /** Called by the host once per distinct serialized provider, with the whole (namespaced) stack config. */
  configure(request: { config: ProviderConfig }): void {
    this.session.configure(request.config);
  }

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const { failures, inputs } = validateBaseConnectionInputs(news);
    if (failures.length > 0 || !inputs) {
      return { inputs: news, failures };
    }
    // Known before any operation of the objects that read through this connection (see rememberSecrets).
    if (typeof inputs.auth.params === "object") rememberSecrets(secretTexts(inputs.source, inputs.auth.specName, inputs.auth.params));
    return { inputs: plain(inputs) };
  }

  async diff(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const olds = parseStoredOutputs(oldOutputs, id);
    rememberSecrets(this.storedSecrets(olds));
    const { inputs } = validateBaseConnectionInputs(news);
    if (!inputs) {
      // check reports the failures; an update would refuse these inputs before any request.
      return { changes: true };
    }
    if (typeof inputs.identity === "string") {
      const ids = this.liveIds.get(inputs.identity) ?? new Set<string>();
      ids.add(id);
      this.liveIds.set(inputs.identity, ids);
    }
    const { changes, replaces } = diffBaseConnection(olds, inputs, this.sandboxOf(inputs));
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    const inputs = this.validInputs(news);
    const sandboxName = this.sandboxOf(inputs);
    const secrets = secretTexts(inputs.source, inputs.auth.specName, inputs.auth.params);
    const hint = inputs.identity
      ? "If AEP created it, the next pulumi up finds it by the marker in its description instead of creating another one."
      : "Check whether it exists in AEP before running pulumi up again.";
    return this.run("create", inputs.timeouts, `base connection "${inputs.name}"`, hint, sandboxName, secrets, (call) =>
      inputs.adopt ? this.adopt(inputs.adopt, inputs, call, news) : this.createNew(inputs, call, news),
    );
  }

  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const olds = parseStoredOutputs(props, id);
    const sandboxName = this.storedSandbox(olds);
    return this.run("read", olds.timeouts, `base connection ${id}`, "Nothing was changed; run the command again.", sandboxName, this.storedSecrets(olds), async (call) => {
      const connection = await this.session.flowService().getConnection(id, call);
      if (!connection) {
        // An empty id tells the engine the connection is gone; the next `pulumi up` creates it again.
        return { id: "", props: {} };
      }
      return { id, props: plain(refreshedOutputs(olds, connection, sandboxName)) };
    });
  }

  async update(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    const olds = parseStoredOutputs(oldOutputs, id);
    const inputs = this.validInputs(news);
    const sandboxName = this.storedSandbox(olds, inputs);
    const secrets = [...secretTexts(inputs.source, inputs.auth.specName, inputs.auth.params), ...this.storedSecrets(olds)];
    const hint = "The change may or may not have been applied; the next pulumi up applies it if it was not.";
    return this.run("update", inputs.timeouts, `base connection ${id}`, hint, sandboxName, secrets, async (call) => {
      let etag = olds.etag ?? "";
      // A change of `verify` or `timeouts` alone writes nothing to AEP.
      if (aepFieldsChanged(olds, inputs)) {
        etag = (await this.patch(id, etag, patchOperations(olds, inputs), call)).etag;
      }
      const fallback: Connection = {
        id,
        etag,
        name: inputs.name,
        description: inputs.description,
        connectionSpec: { id: olds.connectionSpecId ?? sources[inputs.source].connectionSpec.id },
        ...(olds.state !== undefined && olds.state !== "" ? { state: olds.state } : {}),
      };
      return { outs: await this.finish(id, inputs, fallback, call, news) };
    });
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    const olds = parseStoredOutputs(props, id);
    const sandboxName = this.storedSandbox(olds);
    const hint = "It may or may not have been deleted; run the command again.";
    await this.run("delete", olds.timeouts, `base connection ${id}`, hint, sandboxName, this.storedSecrets(olds), async (call) => {
      try {
        await this.session.flowService().deleteConnection(id, call);
      } catch (error) {
        if (InUseError.isInstance(error)) {
          // FLOW-1418 names no flow: they are looked up through the connection's source connections.
          const client = this.session.flowService();
          const lookUp = async () => (await client.flowsUsingBaseConnection(id, call)).map((flow) => flow.id);
          throw await inUseFailure(error, { what: "base connection", id, name: olds.name, sandboxName }, client, call, lookUp);
        }
        throw error;
      }
    });
  }

  /** Runs one operation (shared/operation.ts) for a base connection. */
  private run<T>(
    operation: Operation,
    timeouts: Timeouts | undefined,
    what: string,
    hint: string,
    sandboxName: string,
    secrets: readonly string[],
    work: (call: CallOptions) => Promise<T>,
  ): Promise<T> {
    return runOperation(operation, timeouts, what, hint, sandboxName, secrets, work);
  }

  private async createNew(inputs: KnownBaseConnectionInputs, call: CallOptions, news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    const client = this.session.flowService();
    const source = sources[inputs.source];
    const description = describedAs(inputs);
    const identity =
      inputs.identity === undefined ? undefined : { key: inputs.identity, excludeIds: [...(this.liveIds.get(inputs.identity) ?? [])] };
    let snapshot = this.snapshots.get(call.sandboxName);
    if (snapshot === undefined) {
      snapshot = client.connectionSnapshot({ sandboxName: call.sandboxName });
      this.snapshots.set(call.sandboxName, snapshot);
    }
    const shared = identity !== undefined && !this.attempted.has(identity.key) ? { snapshot } : {};
    if (identity !== undefined) this.attempted.add(identity.key);
    const created = await client.createConnection(
      {
        name: inputs.name,
        ...(description !== undefined ? { description } : {}),
        auth: { specName: inputs.auth.specName, params: inputs.auth.params },
        connectionSpec: { id: source.connectionSpec.id, version: source.connectionSpec.version },
      },
      identity === undefined ? call : { ...call, identity, ...shared },
    );
    // From here on AEP holds the connection: every failure must carry its id.
    let etag = created.etag;
    const writtenOutputs = (at: string): BaseConnectionOutputs =>
      toOutputs(inputs, { id: created.id, etag: at, name: inputs.name, connectionSpec: { id: source.connectionSpec.id } }, call.sandboxName);
    for (const stray of created.strays) {
      // Left by an earlier run that was killed before it heard back: no state holds it.
      try {
        await client.deleteConnection(stray, call);
      } catch (error) {
        throw incompleteWrite(
          `Base connection ${created.id} was created; base connection ${stray}, left with this resource's marker by an earlier run that was ` +
            `interrupted, could not be deleted: ${errorText(error)}. No state holds it: delete it in AEP.`,
          writtenOutputs(etag),
          call,
          news,
        );
      }
    }
    if (created.recovered === "earlier-run") {
      // Made by a run that never heard back: it holds that run's inputs, which may differ from these.
      try {
        etag = (await this.patch(created.id, etag, patchOperations(undefined, inputs), call)).etag;
      } catch (error) {
        throw incompleteWrite(
          `Base connection ${created.id}, created by an earlier run that was interrupted, was found by its marker, but bringing it to the declared state failed: ${errorText(error)}`,
          writtenOutputs(etag),
          call,
          news,
        );
      }
    }
    const fallback: Connection = {
      id: created.id,
      etag,
      name: inputs.name,
      description: inputs.description,
      connectionSpec: { id: source.connectionSpec.id },
    };
    const outs = await this.finish(created.id, inputs, fallback, call, news);
    return { id: created.id, outs };
  }

  /** Take over an existing connection: check it, then PATCH it to the declared state. */
  private async adopt(
    connectionId: string,
    inputs: KnownBaseConnectionInputs,
    call: CallOptions,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CreateResult> {
    const client = this.session.flowService();
    const existing = await client.getConnection(connectionId, call);
    const source = sources[inputs.source];
    if (!existing) {
      throw new Error(
        `adopt: base connection ${connectionId} does not exist in sandbox "${call.sandboxName}". ` +
          `Check the id and the sandbox, or remove adopt to create a new connection.`,
      );
    }
    if (existing.connectionSpec.id !== source.connectionSpec.id) {
      throw new Error(
        `adopt: base connection ${connectionId} uses connection spec ${existing.connectionSpec.id}, ` +
          `but source "${inputs.source}" (${source.title}) is ${source.connectionSpec.id}.`,
      );
    }
    if (existing.auth?.specName !== undefined && existing.auth.specName !== inputs.auth.specName) {
      throw new Error(
        `adopt: base connection ${connectionId} uses auth spec "${existing.auth.specName}", but ` +
          `auth.specName is "${inputs.auth.specName}". The auth spec of a connection cannot be changed.`,
      );
    }
    const patched = await this.patch(connectionId, existing.etag, patchOperations(undefined, inputs), call);
    const fallback: Connection = { ...existing, etag: patched.etag, name: inputs.name, description: inputs.description };
    const outs = await this.finish(connectionId, inputs, fallback, call, news);
    return { id: connectionId, outs };
  }

  /**
   * PATCH with If-Match (shared/writes.ts patchDeclared): a 412 means someone changed the connection since we read
   * it, so it is re-read once and the same operations applied on the fresh etag; a second 412 is a clear error.
   */
  private async patch(id: string, etag: string, operations: JsonPatchOperation[], call: CallOptions): Promise<{ etag: string }> {
    const client = this.session.flowService();
    return {
      etag: await patchDeclared({
        what: "Base connection",
        id,
        etag,
        // Removing a description that is already gone (our lost first attempt, or an edit in AEP) fails with FLOW-1455.
        operations: (current) => (current === undefined ? operations : operations.filter((op) => !(op.op === "remove" && op.path === "/description" && !current.description))),
        patch: (etag, ops) => client.updateConnection(id, etag, ops, call),
        get: () => client.getConnection(id, call),
        sandboxName: call.sandboxName,
      }),
    };
  }

  /**
   * The outputs of a write, after testing the connection if asked. A failure here happens after AEP changed: it is
   * reported with the connection id and the outputs, so the engine keeps track of it. Those outputs
   * leave the secret params out (an error's properties take another path through the engine than a result's);
   * without them the next `pulumi up` sees the auth as changed and sends it again, which is harmless.
   */
  private async finish(
    id: string,
    inputs: KnownBaseConnectionInputs,
    fallback: Connection,
    call: CallOptions,
    news: Record<string, unknown>,
  ): Promise<BaseConnectionOutputs> {
    const client = this.session.flowService();
    const outputs = toOutputs(inputs, fallback, call.sandboxName);
    const partial = (message: string) => incompleteWrite(message, outputs, call, news);
    if (inputs.verify) {
      let result: boolean;
      try {
        result = await client.testConnection(id, call);
      } catch (error) {
        throw partial(`verify: testing base connection ${id} failed: ${errorText(error)}`);
      }
      if (!result) {
        throw partial(
          `verify: AEP's connection test reported that base connection ${id} ("${inputs.name}") cannot ` +
            `reach ${sources[inputs.source].title} with the given auth params (${inputs.auth.specName}). ` +
            `Check the credentials and the source's network access, then run \`pulumi up\` again.`,
        );
      }
    }
    return plain(outputs);
  }

  private validInputs(news: Record<string, unknown>): KnownBaseConnectionInputs {
    const { failures, inputs } = validateBaseConnectionInputs(news);
    if (!inputs || failures.length > 0) {
      throw new InvalidInputsError(
        `Invalid base connection inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    if (hasUnknown(inputs) || typeof inputs.auth.params !== "object" || typeof inputs.verify !== "boolean") {
      throw new InvalidInputsError("Base connection inputs are still unknown; they must be known before the connection is written.");
    }
    return inputs as KnownBaseConnectionInputs;
  }

  /** The secrets state holds for a connection (its secret params as last declared), for redaction. */
  private storedSecrets(olds: StoredOutputs): string[] {
    if (olds.source === undefined || olds.secretAuthParams === undefined) return [];
    return secretTexts(olds.source, olds.authSpecName ?? "", olds.secretAuthParams);
  }

  /** The sandbox the inputs declare: their own, else the provider's default. */
  private sandboxOf(inputs: BaseConnectionInputs): string {
    return inputs.sandboxName ?? this.session.defaultSandbox();
  }

  /**
   * The sandbox a stored connection lives in. State written before sandboxes were recorded has none: the declared
   * sandbox when inputs are at hand (update), else the default (read, delete).
   */
  private storedSandbox(olds: StoredOutputs, inputs?: BaseConnectionInputs): string {
    return olds.sandboxName ?? (inputs ? this.sandboxOf(inputs) : this.session.defaultSandbox());
  }
}

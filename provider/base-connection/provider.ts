/**
 * The `BaseConnection` provider, run inside Pulumi's dynamic-provider host process (see ../install.ts).
 *
 * Engine call → Flow Service:
 * - check, diff: validation and comparison only, never an HTTP request;
 * - create: POST /connections (or, with `adopt`, GET + PATCH an existing one), then GET;
 * - read (refresh): GET; 404 reports the resource gone;
 * - update: PATCH with If-Match (412: re-read and retry once), then GET;
 * - delete: DELETE; 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  InUseError,
  NotFoundError,
  StaleEtagError,
  type Connection,
  type FlowServiceClient,
  type JsonPatchOperation,
} from "../flow-service";
import { sources } from "../sources";
import { hasUnknown, plain } from "../shared/check";
import { IncompleteWriteError, InvalidInputsError } from "../shared/errors";
import type { ProviderConfig, ProviderSession } from "../shared/session";
import { diffBaseConnection, patchOperations } from "./diff";
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

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Implements `pulumi.dynamic.ResourceProvider` for `BaseConnection`. One instance per host process. */
export class BaseConnectionProvider {
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
    return { inputs: plain(inputs) };
  }

  async diff(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const olds = parseStoredOutputs(oldOutputs, id);
    const { inputs } = validateBaseConnectionInputs(news);
    if (!inputs) {
      // check reports the failures; an update would refuse these inputs before any request.
      return { changes: true };
    }
    const { changes, replaces } = diffBaseConnection(olds, inputs, this.sandboxOf(inputs));
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    const inputs = this.validInputs(news);
    const client = this.session.flowService();
    const sandboxName = this.sandboxOf(inputs);
    if (inputs.adopt) {
      return this.adopt(client, inputs.adopt, inputs, sandboxName, news);
    }
    const source = sources[inputs.source];
    const created = await client.createConnection(
      {
        name: inputs.name,
        ...(inputs.description !== undefined ? { description: inputs.description } : {}),
        auth: { specName: inputs.auth.specName, params: inputs.auth.params },
        connectionSpec: { id: source.connectionSpec.id, version: source.connectionSpec.version },
      },
      { sandboxName },
    );
    // From here on AEP holds the connection: every failure must carry its id.
    const fallback: Connection = {
      id: created.id,
      etag: created.etag,
      name: inputs.name,
      description: inputs.description,
      connectionSpec: { id: source.connectionSpec.id },
    };
    const outs = await this.finish(client, created.id, inputs, sandboxName, fallback, news);
    return { id: created.id, outs };
  }

  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const olds = parseStoredOutputs(props, id);
    const sandboxName = this.storedSandbox(olds);
    const connection = await this.session.flowService().getConnection(id, { sandboxName });
    if (!connection) {
      // An empty id tells the engine the connection is gone; the next `pulumi up` creates it again.
      return { id: "", props: {} };
    }
    return { id, props: plain(refreshedOutputs(olds, connection, sandboxName)) };
  }

  async update(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    const olds = parseStoredOutputs(oldOutputs, id);
    const inputs = this.validInputs(news);
    const client = this.session.flowService();
    const sandboxName = this.storedSandbox(olds, inputs);
    const operations = patchOperations(olds, inputs);
    let etag = olds.etag ?? "";
    if (operations.length > 0) {
      etag = (await this.patch(client, id, etag, operations, sandboxName)).etag;
    }
    const fallback: Connection = {
      id,
      etag,
      name: inputs.name,
      description: inputs.description,
      connectionSpec: { id: olds.connectionSpecId ?? sources[inputs.source].connectionSpec.id },
    };
    const outs = await this.finish(client, id, inputs, sandboxName, fallback, news);
    return { outs };
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    const olds = parseStoredOutputs(props, id);
    const sandboxName = this.storedSandbox(olds);
    try {
      await this.session.flowService().deleteConnection(id, { sandboxName });
    } catch (error) {
      if (InUseError.isInstance(error)) {
        throw new Error(
          `Cannot delete base connection ${id} ("${olds.name ?? id}") in sandbox "${sandboxName}": ` +
            `it is used by one or more dataflows (Flow Service FLOW-1418-400). Delete those dataflows ` +
            `first, then run this command again.` +
            (error.requestId ? ` (request id ${error.requestId})` : ""),
        );
      }
      throw error;
    }
  }

  /** Take over an existing connection: check it, then PATCH it to the declared state. */
  private async adopt(
    client: FlowServiceClient,
    connectionId: string,
    inputs: KnownBaseConnectionInputs,
    sandboxName: string,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CreateResult> {
    const existing = await client.getConnection(connectionId, { sandboxName });
    const source = sources[inputs.source];
    if (!existing) {
      throw new Error(
        `adopt: base connection ${connectionId} does not exist in sandbox "${sandboxName}". ` +
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
    const operations: JsonPatchOperation[] = [
      { op: "replace", path: "/name", value: inputs.name },
      ...(inputs.description ? [{ op: "add" as const, path: "/description", value: inputs.description }] : []),
      { op: "replace", path: "/auth/params", value: inputs.auth.params },
    ];
    const patched = await this.patch(client, connectionId, existing.etag, operations, sandboxName);
    const fallback: Connection = { ...existing, etag: patched.etag, name: inputs.name, description: inputs.description };
    const outs = await this.finish(client, connectionId, inputs, sandboxName, fallback, news);
    return { id: connectionId, outs };
  }

  /**
   * PATCH with If-Match. A 412 means someone changed the connection since we read it: re-read once and
   * apply the same operations on the fresh etag; a second 412 becomes a clear error.
   */
  private async patch(
    client: FlowServiceClient,
    id: string,
    etag: string,
    operations: JsonPatchOperation[],
    sandboxName: string,
  ): Promise<{ etag: string }> {
    try {
      return await client.updateConnection(id, etag, operations, { sandboxName });
    } catch (error) {
      if (NotFoundError.isInstance(error)) {
        throw new Error(
          `Base connection ${id} no longer exists in sandbox "${sandboxName}" (deleted outside Pulumi). ` +
            `Run \`pulumi refresh\` so that the next \`pulumi up\` creates it again.`,
        );
      }
      if (!StaleEtagError.isInstance(error)) {
        throw error;
      }
    }
    const current = await client.getConnection(id, { sandboxName });
    if (!current) {
      throw new Error(
        `Base connection ${id} was deleted while it was being updated. Run \`pulumi refresh\`, then \`pulumi up\`.`,
      );
    }
    // Removing a description that is already gone (our lost first attempt, or an edit in AEP) fails with FLOW-1455.
    const pending = operations.filter((op) => !(op.op === "remove" && op.path === "/description" && !current.description));
    if (pending.length === 0) return { etag: current.etag };
    try {
      return await client.updateConnection(id, current.etag, pending, { sandboxName });
    } catch (error) {
      if (StaleEtagError.isInstance(error)) {
        throw new Error(
          `Base connection ${id} keeps changing while Pulumi updates it (etag mismatch twice, FLOW-1404-412). ` +
            `Another tool or person is editing it; stop them and run \`pulumi up\` again.`,
        );
      }
      throw error;
    }
  }

  /**
   * Read the connection back and, if asked, test it. Any failure here happens after AEP changed: it is
   * reported with the connection id and the best outputs known, so the engine keeps track of it. Those outputs
   * leave the secret params out (an error's properties take another path through the engine than a result's);
   * without them the next `pulumi up` sees the auth as changed and sends it again, which is harmless.
   */
  private async finish(
    client: FlowServiceClient,
    id: string,
    inputs: KnownBaseConnectionInputs,
    sandboxName: string,
    fallback: Connection,
    news: Record<string, unknown>,
  ): Promise<BaseConnectionOutputs> {
    let outputs = toOutputs(inputs, fallback, sandboxName);
    const partial = (message: string) => {
      const { [SECRET_OUTPUT]: _secrets, ...withoutSecrets } = outputs;
      return new IncompleteWriteError(message, id, plain({ ...withoutSecrets, __provider: news["__provider"] }));
    };
    try {
      const connection = await client.getConnection(id, { sandboxName });
      if (!connection) {
        throw new Error(`base connection ${id} was not found right after it was written`);
      }
      outputs = toOutputs(inputs, connection, sandboxName);
    } catch (error) {
      throw partial(`Base connection ${id} was written, but reading it back failed: ${errorText(error)}`);
    }
    if (inputs.verify) {
      let result: boolean;
      try {
        result = await client.testConnection(id, { sandboxName });
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

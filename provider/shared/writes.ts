/**
 * Writes every object type makes the same way: a PATCH with If-Match that survives one concurrent edit, the message
 * of a write to an object deleted outside Pulumi, and that of a delete refused because flows still use the object.
 */
import { FlowServiceError, InUseError, NotFoundError, StaleEtagError, type FlowServiceClient, type JsonPatchOperation } from "../flow-service";
import type { CallOptions } from "./operation";

/** The object addressed by a write: what it is (e.g. "Mapping set"), its id and its sandbox, for messages. */
export interface WriteTarget {
  what: string;
  id: string;
  sandboxName: string;
}

/** How to PATCH one object: its calls, and the operations that bring it to the declared state. */
export interface DeclaredPatch<T extends { etag: string }> extends WriteTarget {
  /** The etag state holds. */
  etag: string;
  /**
   * The operations, computed against `current` (AEP's view, read after a refusal) or, when undefined, against state.
   * An empty array means nothing is left to write.
   */
  operations(current: T | undefined): JsonPatchOperation[];
  patch(etag: string, operations: JsonPatchOperation[]): Promise<{ etag: string }>;
  get(): Promise<T | undefined>;
}

/** FLOW-1455: a patch path names a member that is not there (state was behind AEP). */
function missingMember(error: unknown): boolean {
  return FlowServiceError.isInstance(error) && error.adobeCode === "1455";
}

/**
 * `write` to an object state holds; a not-found answer means it was deleted outside Pulumi, and the error says what
 * to run (the engine only learns it is gone from a refresh).
 */
export async function writeExisting<T>(target: WriteTarget, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!NotFoundError.isInstance(error)) throw error;
    throw new Error(
      `${target.what} ${target.id} no longer exists in sandbox "${target.sandboxName}" (deleted outside Pulumi). ` +
        "Run `pulumi refresh` so that the next `pulumi up` creates it again.",
    );
  }
}

/**
 * PATCH with If-Match → the new etag. A 412 (someone changed the object since state was written) or a FLOW-1455
 * (state is behind AEP) re-reads the object once and applies the operations computed against it; a second 412 is a
 * clear error. A 404 says the object was deleted outside Pulumi.
 */
export async function patchDeclared<T extends { etag: string }>(spec: DeclaredPatch<T>): Promise<string> {
  const first = spec.operations(undefined);
  if (first.length > 0) {
    try {
      return (await writeExisting(spec, () => spec.patch(spec.etag, first))).etag;
    } catch (error) {
      if (!StaleEtagError.isInstance(error) && !missingMember(error)) throw error;
    }
  }
  const current = await spec.get();
  if (current === undefined) {
    throw new Error(`${spec.what} ${spec.id} was deleted while it was being updated. Run \`pulumi refresh\`, then \`pulumi up\`.`);
  }
  const operations = spec.operations(current);
  if (operations.length === 0) return current.etag;
  try {
    return (await spec.patch(current.etag, operations)).etag;
  } catch (error) {
    if (StaleEtagError.isInstance(error)) {
      throw new Error(
        `${spec.what} ${spec.id} keeps changing while Pulumi updates it (etag mismatch twice, FLOW-1404-412). ` +
          "Another tool or person is editing it; stop them and run `pulumi up` again.",
      );
    }
    throw error;
  }
}

/**
 * The flows named as `ids`, each with its name when it can still be read: `flow <id> ("<name>")`. Best effort: a
 * failing read leaves the id alone.
 */
export async function describeFlows(client: FlowServiceClient, ids: readonly string[], call: CallOptions): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      const flow = await client.getFlow(id, call).catch(() => undefined);
      return flow === undefined ? `dataflow ${id}` : `dataflow ${id} (${JSON.stringify(flow.name)})`;
    }),
  );
}

/**
 * The error of a delete AEP refused because dataflows use the object: it names them (their ids from the refusal,
 * or from `lookUp` when the refusal names none, as FLOW-1418 does) and says what to do.
 */
export async function inUseFailure(
  error: InUseError,
  object: { what: string; id: string; name: string | undefined; sandboxName: string },
  client: FlowServiceClient,
  call: CallOptions,
  lookUp?: () => Promise<string[]>,
): Promise<Error> {
  let ids = [...error.blockingFlowIds];
  if (ids.length === 0 && lookUp !== undefined) ids = await lookUp().catch(() => []);
  const flows = await describeFlows(client, ids, call);
  const code = error.adobeCode === undefined ? "" : `, ${/^\d+$/.test(error.adobeCode) ? `FLOW-${error.adobeCode}` : error.adobeCode}`;
  const named = object.name === undefined ? "" : ` (${JSON.stringify(object.name)})`;
  return new Error(
    `Cannot delete ${object.what} ${object.id}${named} in sandbox "${object.sandboxName}": ` +
      (flows.length > 0 ? `it is used by ${flows.join(", ")}` : "it is used by one or more dataflows") +
      ` (AEP refused the delete${code}). Delete ${flows.length === 1 ? "that dataflow" : "those dataflows"} first ` +
      "(in AEP, or with `pulumi destroy` of the stack that manages them), then run this command again." +
      (error.requestId ? ` (request id ${error.requestId})` : ""),
  );
}

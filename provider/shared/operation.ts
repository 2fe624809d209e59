/**
 * How every object provider runs one engine operation (create, read, update, delete): within the resource's
 * deadline (`timeouts`), with the call options every request of it carries, and with the object's secrets scrubbed
 * from whatever error comes out, whichever layer composed its text.
 */
import { redact } from "../flow-service/redaction";
import type { RequestOptions } from "../flow-service";
import { UNKNOWN } from "./check";
import { IncompleteWriteError } from "./errors";
import { explainImsError } from "./session";
import { withDeadline, type Operation, type Timeouts } from "./timeouts";

/** What every call of one operation carries: the sandbox, the operation's deadline, the object's secrets. */
export type CallOptions = RequestOptions & { sandboxName: string; secrets: readonly string[] };

/** The message of any thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * `error` with every secret removed from its message (and init-failure reasons), whatever raised it: the client
 * redacts its own errors, this catches texts composed in a provider from other errors.
 */
export function scrubbed(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error) || secrets.length === 0) return error;
  const message = redact(error.message, secrets);
  if (message !== error.message) error.message = message;
  if (error instanceof IncompleteWriteError) error.reasons.splice(0, error.reasons.length, ...error.reasons.map((r) => redact(r, secrets)));
  return error;
}

/**
 * Secrets of the base connections this host process has handled. AEP may echo a base connection's connection
 * string in an error about an object that reads through it (a source connection, a flow), whose provider never sees
 * that secret itself, so every operation scrubs them all. The engine checks every resource of a program on each
 * `preview` and `up`, so the base connections are known by then; a `destroy` or `refresh` may reach a dataflow
 * object first.
 */
const knownSecrets = new Set<string>();

/** Adds secrets to those every operation of this process scrubs (see {@link knownSecrets}). */
export function rememberSecrets(secrets: Iterable<string>): void {
  for (const secret of secrets) if (secret !== UNKNOWN) knownSecrets.add(secret);
}

/** One operation: its deadline, its call options, IMS refusals explained, secrets scrubbed from any error. */
export async function runOperation<T>(
  operation: Operation,
  timeouts: Timeouts | undefined,
  what: string,
  hint: string,
  sandboxName: string,
  secrets: readonly string[],
  work: (call: CallOptions) => Promise<T>,
): Promise<T> {
  rememberSecrets(secrets);
  const scrub = [...knownSecrets];
  try {
    return await withDeadline(operation, timeouts, what, hint, (signal) => work({ sandboxName, secrets: scrub, signal }));
  } catch (error) {
    throw scrubbed(explainImsError(error), scrub);
  }
}

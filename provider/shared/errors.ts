/**
 * Errors raised by the providers and components, beside the client's (flow-service/errors.ts): the same base
 * class, {@link AepError}, and a stable code each.
 */
import { AepError, ERROR_CODES } from "../flow-service/errors";

/** Inputs that passed `check` are invalid after all (e.g. once unknowns resolved); raised before any request. */
export class InvalidInputsError extends AepError {
  override readonly name = "InvalidInputsError";
  constructor(message: string) {
    super(message, ERROR_CODES.invalidInputs);
  }
}

/**
 * AEP holds the object but the operation could not finish (reading it back failed, or the connection test reported
 * false). The dynamic-provider host turns an error with an `id` into `ErrorResourceInitFailed`, so the engine
 * records the object instead of forgetting it; the next `pulumi up` updates it in place.
 */
export class IncompleteWriteError extends AepError {
  override readonly name = "IncompleteWriteError";
  constructor(
    message: string,
    /** Id of the object AEP holds. */
    readonly id: string,
    /** The outputs to record, secrets left out. */
    readonly properties: Record<string, unknown>,
    readonly reasons: string[] = [message],
  ) {
    super(message, ERROR_CODES.incompleteWrite);
  }
}

/**
 * A component argument is invalid. `argument` is the argument as the user wrote it (`sqlLogin.password`,
 * `accountName`), never a wire field; `reason` says what is expected and never contains a secret's value.
 */
export class ArgumentError extends AepError {
  override readonly name = "ArgumentError";
  constructor(
    /** The argument at fault, e.g. `sqlLogin.password`; several are joined with ", ". */
    readonly argument: string,
    readonly reason: string,
  ) {
    super(`${argument}: ${reason}`, ERROR_CODES.invalidArgument);
  }

  /** Several problems as one error: `argument: reason` on a line each. */
  static combined(problems: readonly ArgumentError[]): ArgumentError {
    if (problems.length === 1) return problems[0]!;
    const error = new ArgumentError(problems.map((p) => p.argument).join(", "), problems.map((p) => p.reason).join("; "));
    error.message = problems.map((p) => p.message).join("\n");
    return error;
  }
}

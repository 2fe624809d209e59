/**
 * Writes AEP does not take twice: a mapping set's PUT (each one adds a version) and a flow's enable / disable action
 * (enabling an enabled flow is FLOW-1422). Such a write is never sent again blindly: after an unknown outcome (a 5xx,
 * a lost or unfinished answer) the object is read back. If it shows the write, that is the result. If it does not,
 * and the failure was transient (502, 503, 504, a reset, a timeout), the write is sent again within the operation's
 * retry budget, as an idempotent request would be; otherwise the error says that the write was not applied.
 */
import { failure, send, type CallContext, type CallSpec } from "./call";
import { FlowServiceError } from "./errors";
import { headerValue, type HttpResponse } from "./http";
import { parseRetryAfter, RETRYABLE_STATUSES, RetryBudget, sleep } from "./retry";
import { adobeFields } from "./safe-create";

/** What a read-back found: the write applied (with the result it stands for), or why it was not. */
export type ReadBack<Result> = { applied: Result } | { notApplied: string };

/** What {@link sendChecked} needs to know about one write. */
export interface CheckedWrite<Result> {
  /** The request; `idempotent` and the retry budget are set here. */
  spec: Omit<CallSpec, "budget" | "idempotent">;
  /** The result of a 200 answer; throws when the body is not what the write answers. */
  parse(response: HttpResponse): Result;
  /** Reads the object back after an unknown outcome. */
  readBack(): Promise<ReadBack<Result>>;
  /** Why a failing read-back leaves the outcome open, e.g. "the disable may have been applied, and reading the flow back failed". */
  readBackFailed: string;
}

/** Sends a write AEP does not take twice; see the module comment. */
export async function sendChecked<Result>(ctx: CallContext, write: CheckedWrite<Result>): Promise<Result> {
  const budget = new RetryBudget(ctx.retry);
  const spec: CallSpec = { ...write.spec, idempotent: false, budget };
  const signal = spec.options.signal;
  for (;;) {
    const exchange = await send(ctx, spec);
    const response = exchange.response;
    if (response?.status === 200) return write.parse(response);
    const unknown = response === undefined ? exchange.transportError?.sent === true : response.status >= 500;
    const original = failure(ctx, spec, exchange);
    if (!unknown) throw original;
    let found: ReadBack<Result>;
    try {
      found = await write.readBack();
    } catch (readError) {
      if (signal?.aborted === true) throw readError;
      throw new FlowServiceError({ ...adobeFields(original), cause: readError }, `${original.message}; ${write.readBackFailed}.`);
    }
    if ("applied" in found) return found.applied;
    const transient = response === undefined ? exchange.transportError?.transient === true : RETRYABLE_STATUSES.has(response.status);
    const retryAfterMs = response === undefined ? undefined : parseRetryAfter(headerValue(response.headers, "retry-after"));
    const delay = transient ? budget.nextDelay(retryAfterMs) : undefined;
    if (delay === undefined) throw new FlowServiceError(adobeFields(original), `${original.message}; ${found.notApplied}.`);
    await sleep(delay, signal);
  }
}

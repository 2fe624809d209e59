/**
 * Retry timing: exponential backoff with full jitter, `Retry-After` honoured, bounded both in attempts and in total
 * time. Which requests may be retried at all is decided by the caller (see client.ts): only idempotent ones, and a
 * POST only when the server certainly did not process it.
 */

/** Retry policy. */
export interface RetryOptions {
  /** Attempts in total, the first one included. 1 disables retries. @default 5 */
  maxAttempts?: number;
  /** No retry is started when it would end later than this after the first attempt. @default 60000 */
  maxElapsedMs?: number;
  /** Backoff cap of the first retry; doubles on each further one. @default 500 */
  baseDelayMs?: number;
  /** Largest backoff cap. A `Retry-After` above it is still honoured while `maxElapsedMs` allows. @default 20000 */
  maxDelayMs?: number;
}

/** A policy with every field set. */
export type RetryPolicy = Required<RetryOptions>;

/** Defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
};

/** Statuses meaning "not processed or not available now, try again later". */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Merges options over the defaults, rejecting values that would make retries unbounded or negative. */
export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY };
  for (const key of Object.keys(policy) as (keyof RetryPolicy)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0 || (key === "maxAttempts" && (value < 1 || !Number.isInteger(value)))) {
      throw new RangeError(`retry.${key} must be a finite ${key === "maxAttempts" ? "integer >= 1" : "number >= 0"}`);
    }
    policy[key] = value;
  }
  return policy;
}

/**
 * Milliseconds a `Retry-After` header asks to wait: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full-jitter backoff: a random wait in [0, min(maxDelay, base * 2^(retry-1))]. `retry` counts from 1. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Attempts left for one logical operation. Shared by every request that belongs to it (e.g. all POSTs of one
 * create), so the bounds hold for the whole operation.
 */
export class RetryBudget {
  private attempts = 0;
  private readonly startedAt: number;

  constructor(
    readonly policy: RetryPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Records that an attempt is being made. */
  spend(): void {
    this.attempts += 1;
  }

  /** Gives back the last attempt: it was rejected before doing anything (e.g. an expired token). */
  refund(): void {
    this.attempts = Math.max(0, this.attempts - 1);
  }

  /** Attempts made so far. */
  get used(): number {
    return this.attempts;
  }

  /**
   * How long to wait before the next attempt, or undefined when the budget does not allow one
   * (no attempt left, or the wait would end past `maxElapsedMs`).
   */
  nextDelay(retryAfterMs?: number): number | undefined {
    if (this.attempts >= this.policy.maxAttempts) return undefined;
    const delay = retryAfterMs ?? backoffDelay(this.attempts, this.policy);
    if (this.now() - this.startedAt + delay > this.policy.maxElapsedMs) return undefined;
    return delay;
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

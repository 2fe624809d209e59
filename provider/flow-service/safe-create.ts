/**
 * The crash-safe create of every Flow Service object (base, source and target connections, flows, Catalog datasets,
 * Data Prep mapping sets).
 *
 * AEP has no idempotency key and no create-by-name, so the proof that an existing object is ours is the identity's
 * marker (identity.ts) in a free-text field the service keeps and lists. With an identity, a create first looks for
 * objects carrying the marker: one is returned as recovered; of several (interrupted attempts, each committed) the
 * oldest is returned and the others as `strays` for the caller to delete, since the marker proves them all this
 * create's; none lets the POST go. Objects of the resource it must not take (`identity.excludeIds`: the live one a
 * replacement replaces) are left out, and so is any created before them: an earlier generation the resource replaced,
 * which the engine still holds as a pending delete and deletes at the end of the run (it is known to be older when
 * a look lists the live object too: the shared listing always does). When the POST's outcome is unknown (5xx, lost or unreadable answer) it looks again before
 * anything is sent a second time. A POST is sent again only when the server certainly did not apply it, or after a
 * transient failure when no object carries the marker. Without an identity nothing existing is ever taken for the
 * result: an unknown outcome fails, naming the same-named objects it may have made.
 *
 * The first look costs no round trip of its own when the plan has a `sharedLook` (base connections: one listing of
 * the sandbox shared by every create of a run). A create that finds it complete and without its marker sends its
 * POST (one that finds its marker there looks afresh, since the listing may be older than a delete); one that arrives
 * while it is still loading sends its POST at once and checks the listing afterwards: when an interrupted earlier run
 * left an object, that older one is kept (as `"earlier-run"`) and this call's own object is reported among the
 * `strays`. Later looks (after a lost answer) are always fresh lookups.
 */
import { failure, send, unparseable, type CallContext, type CallSpec, type Exchange } from "./call";
import { AmbiguousCreateError, FlowServiceError, type FlowServiceErrorInit } from "./errors";
import { headerValue, type HttpResponse } from "./http";
import { isExcluded, type CreateIdentity } from "./identity";
import { parseRetryAfter, RETRYABLE_STATUSES, RetryBudget, sleep } from "./retry";
import type { RequestOptions } from "./types";
import type { Parsed } from "./wire";

/**
 * How a create ended. `false` when this call's POST answered with the id. Otherwise the object was found by its
 * marker instead of created again: made by an earlier run that never heard back (`"earlier-run"`), or by this
 * call's own POST whose answer was lost (`"this-call"`).
 */
export type Recovered = false | "earlier-run" | "this-call";

/** Options of a create of a dataflow object of type `T` (as listed). */
export interface SafeCreateOptions<T = never> extends RequestOptions {
  /**
   * The create's identity. Its marker (identity.ts `withMarker`) must already be at the end of the object's marker
   * field (the `description`; a mapping set's `name`). Without one, a create whose outcome is unknown never takes
   * an existing object for its own: it fails, naming the candidates.
   */
  identity?: CreateIdentity;
  /** A listing of the sandbox's objects of this kind shared by the creates of a run (with `identity` only); it saves the first lookup. */
  snapshot?: ListingSnapshot<T>;
}

/** Largest sandbox listing a {@link ListingSnapshot} holds; beyond it, creates look up their own by name instead. */
export const SNAPSHOT_MAX_OBJECTS = 2_000;

/**
 * One listing of a sandbox's objects of one kind (every page, up to {@link SNAPSHOT_MAX_OBJECTS}), loaded on first use
 * and shared by the creates of one run: an object an earlier, interrupted run created is in it; one created while it
 * loads may or may not be, which the creates allow for (see the module comment).
 */
export class ListingSnapshot<T> {
  private loading: Promise<readonly T[] | undefined> | undefined;
  private result: { items: readonly T[] | undefined } | undefined;

  /** `list` yields the sandbox's objects; it is iterated once, on first use. */
  constructor(private readonly list: () => AsyncIterable<T>) {}

  /** Starts the listing if needed; undefined when it failed or the sandbox holds too many objects. */
  load(): Promise<readonly T[] | undefined> {
    this.loading ??= (async () => {
      const items: T[] = [];
      try {
        for await (const item of this.list()) {
          items.push(item);
          if (items.length > SNAPSHOT_MAX_OBJECTS) return undefined;
        }
        return items;
      } catch {
        return undefined;
      }
    })().then((items) => {
      this.result = { items };
      return items;
    });
    return this.loading;
  }

  /** The listing once loaded ("pending" before): never waits. */
  peek(): readonly T[] | undefined | "pending" {
    return this.result === undefined ? "pending" : this.result.items;
  }
}

/**
 * The plan's `sharedLook` over `snapshot`, keeping the items `own` says are this create's: a peek starts the listing
 * when it has not started, and never waits for it.
 */
export function sharedLookOf<T>(snapshot: ListingSnapshot<T>, own: (listed: readonly T[]) => T[]): NonNullable<SafeCreatePlan<T, { id: string }>["sharedLook"]> {
  return {
    peek: () => {
      const listed = snapshot.peek();
      if (listed !== "pending") return listed === undefined ? undefined : own(listed);
      void snapshot.load();
      return "pending";
    },
    settled: async () => {
      const listed = await snapshot.load();
      return listed === undefined ? undefined : own(listed);
    },
  };
}

/** What {@link createSafely} needs to know about one kind of object. */
export interface SafeCreatePlan<Candidate, Result extends object> {
  /** e.g. "source connection", used in messages. */
  what: string;
  /** The name the object is created with, used in messages. */
  name: string;
  /** The POST (its `budget` is set here). */
  spec: Omit<CallSpec, "budget" | "idempotent">;
  identity: CreateIdentity | undefined;
  /** The result of a 2xx answer. */
  parse(response: HttpResponse): Parsed<Result>;
  /** Existing objects that are provably this resource's (marker, name, kind), `identity.excludeIds` included. */
  findOwn(identity: CreateIdentity): Promise<Candidate[]>;
  /** Existing same-named objects of the same kind: what a create without identity may have made. */
  findSameNamed(): Promise<Candidate[]>;
  idOf(candidate: Candidate): string;
  /** The result for an object found instead of created. */
  fromFound(candidate: Candidate): Result;
  /** When the candidate was created (epoch ms), to keep the oldest of several; unknown sorts last. */
  createdAtOf?(candidate: Candidate): number | undefined;
  /**
   * A listing shared by several creates, for the first look only. `peek` never waits: the resource's objects in it
   * (as `findOwn` finds them), undefined when it cannot be had (look up instead), "pending" while it loads (the POST
   * goes at once, and `settled` is checked after it).
   */
  sharedLook?: { peek(): Candidate[] | undefined | "pending"; settled(): Promise<Candidate[] | undefined> };
}

/** The result of {@link createSafely}. */
export type SafeCreated<Result> = Result & {
  recovered: Recovered;
  /** Other objects carrying the create's marker, left by interrupted attempts: the caller deletes them. Usually empty. */
  strays: string[];
};

/** The parts of the original failure worth keeping on an error that explains what happened after it. */
export function adobeFields(original: FlowServiceError): FlowServiceErrorInit {
  const init: FlowServiceErrorInit = { status: original.status, method: original.method, path: original.path };
  if (original.adobeCode !== undefined) init.adobeCode = original.adobeCode;
  if (original.requestId !== undefined) init.requestId = original.requestId;
  return init;
}

/** True when the exchange may have created the object without us learning its id. */
function outcomeUnknown(exchange: Exchange): boolean {
  if (exchange.response !== undefined) return exchange.response.status >= 500;
  return exchange.transportError?.sent ?? false;
}

/** True when trying the POST again (after finding nothing) is reasonable. */
function transient(exchange: Exchange): boolean {
  if (exchange.response !== undefined) return RETRYABLE_STATUSES.has(exchange.response.status);
  return exchange.transportError?.transient ?? false;
}

/** Creates one object without ever making a second one or taking another's; see the module comment. */
export async function createSafely<Candidate, Result extends { id: string }>(
  ctx: CallContext,
  plan: SafeCreatePlan<Candidate, Result>,
): Promise<SafeCreated<Result>> {
  const { identity, what, name } = plan;
  const budget = new RetryBudget(ctx.retry);
  const spec: CallSpec = { ...plan.spec, idempotent: false, budget };
  const signal = spec.options.signal;
  /** The oldest of the objects found (then the lowest id, so every attempt picks the same one); the rest are strays. */
  const found = (own: Candidate[], recovered: Recovered): SafeCreated<Result> => {
    const at = (c: Candidate): number => plan.createdAtOf?.(c) ?? Infinity;
    const [kept, ...rest] = [...own].sort((a, b) => at(a) - at(b) || (plan.idOf(a) < plan.idOf(b) ? -1 : plan.idOf(a) > plan.idOf(b) ? 1 : 0));
    // Of several, the kept one may be an earlier run's (holding that run's inputs) even when this call's POST made one.
    return { ...plan.fromFound(kept!), recovered: rest.length > 0 ? "earlier-run" : recovered, strays: rest.map((c) => plan.idOf(c)) };
  };
  /** The lookup after an unknown outcome failed: say that the object may exist, keeping the original failure. */
  const lookupFailed = (original: FlowServiceError, lookupError: unknown): unknown => {
    if (signal?.aborted === true) return lookupError;
    const reason = lookupError instanceof Error ? lookupError.message : String(lookupError);
    return new FlowServiceError(
      { ...adobeFields(original), cause: lookupError },
      `${original.message}; the create may have succeeded, and looking for the ${what} named ${JSON.stringify(name)} ` +
        `failed (${reason}). ` +
        (identity === undefined
          ? "Check whether it exists before creating it again."
          : "The next create with the same identity finds it by its marker if it exists, and creates it otherwise."),
    );
  };
  // The newest creation time of the resource's live objects seen in any look: what is older was replaced.
  let liveSince: number | undefined;
  const excluded = (candidate: Candidate): boolean => identity !== undefined && isExcluded(identity, plan.idOf(candidate));
  /** Of the resource's objects a look found, those this create may take: neither live nor older than the live ones. */
  const takeable = (marked: Candidate[]): Candidate[] => {
    for (const candidate of marked.filter(excluded)) {
      const at = plan.createdAtOf?.(candidate);
      if (at !== undefined) liveSince = Math.max(liveSince ?? at, at);
    }
    return marked.filter((candidate) => !excluded(candidate) && !(liveSince !== undefined && (plan.createdAtOf?.(candidate) ?? Infinity) < liveSince));
  };
  let attempts = 0;
  // The failure of the previous round, whose outcome was unknown.
  let previous: FlowServiceError | undefined;
  // Set when the first POST went out before the shared listing was complete: it is checked after the POST.
  let checkAfterPost = false;
  for (;;) {
    // Before every POST, the first included: an earlier run killed after AEP committed, or this call's own POST
    // whose answer was lost, left an object that carries the marker.
    if (identity !== undefined) {
      let own: Candidate[] | undefined;
      if (attempts === 0 && plan.sharedLook !== undefined) {
        const listed = plan.sharedLook.peek();
        if (listed === "pending") checkAfterPost = true;
        // Only an empty answer is taken from the listing: one that shows this create's objects may predate a delete
        // of this run (a replacement that deletes first), so those are looked up afresh before anything is done.
        else if (listed !== undefined && takeable(listed).length === 0) own = [];
      }
      if (own === undefined && !(attempts === 0 && checkAfterPost)) {
        try {
          own = takeable(await plan.findOwn(identity));
        } catch (lookupError) {
          throw previous === undefined ? lookupError : lookupFailed(previous, lookupError);
        }
      }
      if (own !== undefined && own.length > 0) return found(own, attempts === 0 ? "earlier-run" : "this-call");
    }
    attempts += 1;
    const exchange = await send(ctx, spec);
    const response = exchange.response;
    let original: FlowServiceError;
    if (response !== undefined && response.status >= 200 && response.status < 300) {
      const parsed = plan.parse(response);
      if (parsed.ok && checkAfterPost && identity !== undefined) {
        // Created either way: a failing lookup must not turn the new object into an orphan; it only leaves unfound
        // what an earlier interrupted run may have left.
        const own = takeable((await plan.sharedLook!.settled()) ?? (await plan.findOwn(identity).catch(() => [] as Candidate[])));
        const earlier = own.filter((c) => plan.idOf(c).toLowerCase() !== parsed.value.id.toLowerCase());
        if (earlier.length === 0) return { ...parsed.value, recovered: false, strays: [] };
        // An earlier, interrupted run made one too: the oldest is kept, as when several are found before a POST (a
        // flow that has already run would ingest its data again if a new one replaced it), and this call's own
        // object joins the strays to delete.
        const kept = found(earlier, "earlier-run");
        return { ...kept, strays: [...kept.strays, parsed.value.id] };
      }
      if (parsed.ok) return { ...parsed.value, recovered: false, strays: [] };
      // It was created, but the answer is unreadable: find it, and never create it again.
      original = unparseable(spec, response, parsed.problem);
    } else if (outcomeUnknown(exchange)) {
      original = failure(ctx, spec, exchange);
    } else {
      throw failure(ctx, spec, exchange);
    }

    const created = response !== undefined && response.status < 300;
    const retryAfterMs = response === undefined ? undefined : parseRetryAfter(headerValue(response.headers, "retry-after"));
    const delay = created || !transient(exchange) ? undefined : budget.nextDelay(retryAfterMs);
    // With an identity, a transient failure is looked into by the next round's lookup, after the backoff: a create
    // that AEP applied late, or lists late, then still shows up before anything is sent again.
    if (delay !== undefined && identity !== undefined) {
      previous = original;
      await sleep(delay, signal);
      continue;
    }

    let candidates: Candidate[];
    try {
      candidates = identity === undefined ? await plan.findSameNamed() : takeable(await plan.findOwn(identity));
    } catch (lookupError) {
      throw lookupFailed(original, lookupError);
    }
    if (identity !== undefined) {
      if (candidates.length > 0) return found(candidates, "this-call");
      if (created) {
        throw new FlowServiceError(
          adobeFields(original),
          `${original.message}; AEP created the ${what}, but it is not listed yet. Create again with the same ` +
            "identity: it finds the object by its marker.",
        );
      }
      throw new FlowServiceError(
        adobeFields(original),
        `${original.message}; no ${what} carries this create's marker, so AEP did not create it. Create again.`,
      );
    }
    if (candidates.length > 0) {
      const ids = candidates.map((c) => plan.idOf(c));
      throw new AmbiguousCreateError(
        adobeFields(original),
        ids,
        `${original.message}; the create may have succeeded, and it cannot be proven which ${what} named ` +
          `${JSON.stringify(name)} it made, if any: ${ids.join(", ")}. Not creating another one; adopt the right ` +
          "one or delete the extra ones.",
      );
    }
    if (delay === undefined) throw original;
    previous = original;
    await sleep(delay, signal);
  }
}

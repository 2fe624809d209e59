/**
 * Adobe IMS OAuth server-to-server tokens (`POST {imsUrl}/ims/token/v3`, client_credentials grant).
 * One token per (IMS url, client id, secret fingerprint, scope) is cached for the whole process, in memory only.
 * Concurrent callers share one in-flight request; a token is replaced 5 minutes before it expires (half its
 * lifetime before, for tokens of 10 minutes or less), or at once when
 * the gateway rejects it. The token request has no side effect, so it is retried like an idempotent request.
 * See https://developer.adobe.com/developer-console/docs/guides/authentication/ServerToServerAuthentication/ims
 */
import { createHash } from "node:crypto";
import type { Dispatcher } from "undici";
import { z } from "zod";
import { parseImsError } from "./adobe-errors";
import { ImsError } from "./errors";
import { headerValue, sendOnce, TransportError, type HttpResponse, type Timeouts } from "./http";
import { excerpt } from "./redaction";
import { parseRetryAfter, RetryBudget, sleep, type RetryPolicy } from "./retry";
import { lenient, parseJson, type Parsed } from "./wire";

const tokenSchema = z
  .object({
    access_token: z.string().min(1),
    token_type: lenient(z.string()),
    // Seconds for /ims/token/v3. A numeric string is tolerated; the JWT exchange's milliseconds are not expected here.
    expires_in: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).pipe(z.number().positive()),
  })
  .loose();

/** IMS `POST /ims/token/v3` answers `{access_token, token_type, expires_in}` with `expires_in` in seconds. */
export function parseToken(text: string): Parsed<{ accessToken: string; expiresInSeconds: number }> {
  return parseJson(tokenSchema, text, (body) => ({ accessToken: body.access_token, expiresInSeconds: body.expires_in }));
}

/**
 * A token is replaced this long before IMS says it expires, or at half its lifetime when that comes later: a
 * token that lives 5 minutes or less would otherwise be replaced on every call.
 */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** How long before expiry a token of `lifetimeMs` is replaced: 5 minutes, or half its lifetime if that is less. */
export function refreshMarginMs(lifetimeMs: number): number {
  return Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2);
}

/** What identifies a token and how to fetch it. */
export interface TokenRequest {
  imsUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  dispatcher: Dispatcher;
  timeouts: Timeouts;
  retry: RetryPolicy;
}

interface CachedToken {
  value: string;
  /** Epoch ms at which IMS considers it expired. */
  expiresAt: number;
  /** Epoch ms from which it is replaced (see {@link refreshMarginMs}). */
  refreshAt: number;
}

interface CacheEntry {
  token?: CachedToken;
  inFlight?: Promise<CachedToken>;
}

const tokenCache = new Map<string, CacheEntry>();

// The secret enters the key only as a digest: a caller with a wrong secret must not be served a token fetched
// with the right one, and the key must not hold the secret itself.
function cacheKey(req: TokenRequest): string {
  const fingerprint = createHash("sha256").update(req.clientSecret).digest("hex").slice(0, 16);
  return JSON.stringify([req.imsUrl, req.clientId, fingerprint, req.scopes]);
}

function entryFor(req: TokenRequest): CacheEntry {
  const key = cacheKey(req);
  let entry = tokenCache.get(key);
  if (entry === undefined) {
    entry = {};
    tokenCache.set(key, entry);
  }
  return entry;
}

/** Resolves with the promise, or rejects with the signal's reason when it aborts first (the promise goes on). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * A valid access token: the cached one until its refresh time ({@link refreshMarginMs} before expiry), else a new
 * one (shared with every concurrent caller).
 * @throws ImsError when IMS refuses the credential or stays unavailable.
 */
export async function getAccessToken(req: TokenRequest, signal?: AbortSignal, now: () => number = Date.now): Promise<string> {
  const entry = entryFor(req);
  if (entry.token !== undefined && now() < entry.token.refreshAt) return entry.token.value;
  if (entry.inFlight === undefined) {
    // Not tied to one caller's signal: other callers wait on the same request.
    const inFlight = fetchToken(req, now).then(
      (token) => {
        entry.token = token;
        return token;
      },
    );
    entry.inFlight = inFlight;
    const clear = (): void => {
      if (entry.inFlight === inFlight) delete entry.inFlight;
    };
    inFlight.then(clear, clear);
  }
  return (await abortable(entry.inFlight, signal)).value;
}

/** Forgets `rejected` if it is still the cached token (a concurrent caller may already have replaced it). */
export function invalidateAccessToken(req: TokenRequest, rejected: string): void {
  const entry = tokenCache.get(cacheKey(req));
  if (entry?.token?.value === rejected) delete entry.token;
}

/** Forgets every cached token of the process (for tests and credential rotation). */
export function clearTokenCache(): void {
  tokenCache.clear();
}

function imsErrorFrom(response: HttpResponse, req: TokenRequest): ImsError {
  const parsed = parseImsError(response.text);
  const init: ConstructorParameters<typeof ImsError>[0] = { status: response.status };
  if (parsed.code !== undefined) init.adobeCode = parsed.code;
  if (parsed.text !== undefined) init.detail = excerpt(parsed.text, [req.clientSecret]);
  return new ImsError(init);
}

async function fetchToken(req: TokenRequest, now: () => number): Promise<CachedToken> {
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: req.clientId,
    client_secret: req.clientSecret,
    scope: req.scopes,
  });
  const budget = new RetryBudget(req.retry, now);
  for (;;) {
    budget.spend();
    let response: HttpResponse;
    try {
      response = await sendOnce({
        url: `${req.imsUrl}/ims/token/v3`,
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        dispatcher: req.dispatcher,
        timeouts: req.timeouts,
      });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const delay = error.transient ? budget.nextDelay() : undefined;
      if (delay === undefined) throw new ImsError({ status: 0, detail: error.reason });
      await sleep(delay);
      continue;
    }
    if (response.status === 200) {
      const parsed = parseToken(response.text);
      if (!parsed.ok) {
        throw new ImsError({ status: 200, detail: `the token response could not be parsed: ${parsed.problem}` });
      }
      const lifetimeMs = parsed.value.expiresInSeconds * 1000;
      const expiresAt = now() + lifetimeMs;
      return { value: parsed.value.accessToken, expiresAt, refreshAt: expiresAt - refreshMarginMs(lifetimeMs) };
    }
    if (response.status === 429 || response.status >= 500) {
      const delay = budget.nextDelay(parseRetryAfter(headerValue(response.headers, "retry-after")));
      if (delay !== undefined) {
        await sleep(delay);
        continue;
      }
    }
    throw imsErrorFrom(response, req);
  }
}

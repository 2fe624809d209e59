/**
 * Flow Service lists (`GET /connections`, `/sourceConnections`, `/flows`, …) as async iterators over every page.
 * Pages are chained by `_links.next.href`, which Flow Service gives relative to its base path
 * (`/connections?continuationToken=...`); an absolute href is accepted when it points at the same service, never
 * elsewhere, since the request carries the access token.
 */
import { z } from "zod";
import { failure, send, unparseable, type CallContext, type CallSpec } from "./call";
import { FlowServiceError } from "./errors";
import type { ListQuery, RequestOptions } from "./types";
import { lenient, parseJson, type Parsed } from "./wire";

/** A page request: path relative to the base plus decoded query pairs. */
export interface PageRequest {
  path: string;
  query: [string, string][];
}

/** One parsed page. */
export interface Page<T> {
  items: T[];
  nextHref?: string;
}

/** Hard stop against a server that keeps answering with new continuation links. */
const MAX_PAGES = 100_000;

/** The first page request of a list at `path`: one `property` param per filter. */
export function firstPage(path: string, query: ListQuery): PageRequest {
  const pairs: [string, string][] = [];
  const filters = query.property === undefined ? [] : Array.isArray(query.property) ? query.property : [query.property];
  for (const filter of filters) pairs.push(["property", filter]);
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 1) throw new RangeError("limit must be a positive integer");
    pairs.push(["limit", String(query.limit)]);
  }
  if (query.orderby !== undefined) pairs.push(["orderby", query.orderby]);
  return { path, query: pairs };
}

/**
 * Turns `_links.next.href` into a page request. Accepts a path relative to the base (`/connections?...`), the
 * same path with the base prefix, or an absolute URL on the same origin and base.
 * @throws FlowServiceError when the link leaves this service.
 */
export function nextPage(href: string, baseUrl: string, listPath: string): PageRequest {
  const base = new URL(`${baseUrl}/`);
  const basePath = base.pathname.replace(/\/+$/, "");
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(href);
  const url = absolute ? new URL(href) : new URL(href.startsWith("/") ? href : `/${href}`, base.origin);
  let path = url.pathname;
  const insideBase = path === basePath || path.startsWith(`${basePath}/`);
  if (absolute && (url.origin !== base.origin || !insideBase)) {
    throw new FlowServiceError(
      { status: 0, method: "GET", path: listPath },
      `GET ${listPath}: refusing to follow a next-page link outside ${base.origin}${basePath} (got ${url.origin}${url.pathname})`,
    );
  }
  if (insideBase && basePath !== "") path = path.slice(basePath.length);
  return { path: path === "" ? "/" : path, query: [...url.searchParams] };
}

/** A parser of `{items: [...], _links: {next: {href}}}` pages, given how to read one item. */
export function pageParser<S extends z.ZodType, T>(item: S, toItem: (value: z.infer<S>) => T): (text: string) => Parsed<Page<T>> {
  const schema = z
    .object({
      items: z.array(item),
      _links: lenient(z.object({ next: lenient(z.object({ href: lenient(z.string()) }).loose()) }).loose()),
    })
    .loose();
  return (text) =>
    parseJson(schema, text, (body) => {
      const page: Page<T> = { items: (body.items as z.infer<S>[]).map(toItem) };
      const href = body._links?.next?.href;
      if (href !== undefined && href !== "") page.nextHref = href;
      return page;
    });
}

/** Yields every item of the list that starts at `first`, page after page, until no next link remains. */
export async function* iteratePages<T>(
  ctx: CallContext,
  first: PageRequest,
  parsePage: (text: string) => Parsed<Page<T>>,
  options: RequestOptions,
): AsyncGenerator<T, void, undefined> {
  let page: PageRequest | undefined = first;
  const seen = new Set<string>();
  for (let count = 0; page !== undefined; count += 1) {
    const spec: CallSpec = { method: "GET", path: page.path, query: page.query, idempotent: true, options };
    if (count >= MAX_PAGES) {
      throw new FlowServiceError(
        { status: 0, method: "GET", path: page.path },
        `GET ${page.path}: more than ${MAX_PAGES} pages; stopping`,
      );
    }
    const exchange = await send(ctx, spec);
    const response = exchange.response;
    if (response?.status !== 200) throw failure(ctx, spec, exchange);
    const parsed = parsePage(response.text);
    if (!parsed.ok) throw unparseable(spec, response, parsed.problem);
    for (const item of parsed.value.items) yield item;
    const href = parsed.value.nextHref;
    if (href === undefined) return;
    if (seen.has(href)) {
      throw new FlowServiceError(
        { status: response.status, method: "GET", path: page.path },
        `GET ${page.path}: the service returned the same next-page link twice; stopping to avoid an endless loop`,
      );
    }
    seen.add(href);
    page = nextPage(href, ctx.baseUrl, first.path);
  }
}

/**
 * Flow Service list endpoints (GET /connections, /sourceConnections, /targetConnections, /flows, /runs): filters,
 * sort order, count, and keyset pagination with opaque continuation tokens. Pages are cut after the last item's sort
 * key (ties broken by creation order), so deleting items between two page requests never makes the next page skip or
 * repeat one. One implementation for every collection, so their paging rules cannot drift apart.
 */
import { randomBytes } from "node:crypto";
import { renderConnection } from "./connections";
import type { FlowCall } from "./context";
import { flowErrors } from "./errors";
import {
  applyFilters,
  formatOrderBy,
  numberField,
  parseOrderBy,
  parsePropertyFilter,
  stringField,
  type FilterFields,
  type FilterValue,
  type SortKey,
} from "./filters";
import { jsonReply, type Reply } from "./http";
import type { StoredConnection } from "./types";

/** Largest `limit` accepted (Adobe's destinations spec: `maximum: 100`). */
export const MAX_PAGE_SIZE = 100;

const CONNECTION_FIELDS: FilterFields<StoredConnection> = {
  id: stringField((c) => c.id),
  name: stringField((c) => c.name),
  description: stringField((c) => c.description),
  "connectionSpec.id": stringField((c) => c.connectionSpec.id),
  state: stringField((c) => c.state),
  "auth.specName": stringField((c) => c.auth.specName),
  createdAt: numberField((c) => c.createdAt),
  updatedAt: numberField((c) => c.updatedAt),
};

const SORTABLE_FIELDS: readonly string[] = ["name", "createdAt", "updatedAt"];
/** Query parameters of every Flow Service list. */
const LIST_QUERY_PARAMS: readonly string[] = ["limit", "continuationToken", "property", "orderby", "count"];

/** Where a page ends, and the query it belongs to (so a token cannot be replayed elsewhere). */
interface PageCursor {
  path: string;
  orgId: string;
  sandboxName: string;
  filters: string[];
  orderBy: SortKey[];
  after: FilterValue[];
}

/** Continuation tokens minted by this emulator; anything else is rejected. */
export class PageTokens {
  private static readonly MAX_REMEMBERED = 10_000;
  private readonly cursors = new Map<string, PageCursor>();

  mint(cursor: PageCursor): string {
    const token = randomBytes(24).toString("base64url");
    this.cursors.set(token, cursor);
    if (this.cursors.size > PageTokens.MAX_REMEMBERED) {
      const oldest = this.cursors.keys().next().value;
      if (oldest !== undefined) this.cursors.delete(oldest);
    }
    return token;
  }

  resolve(token: string): PageCursor | undefined {
    return this.cursors.get(token);
  }
}

function parseLimit(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) {
    throw flowErrors.invalidQueryValue(`limit=${raw}`, `The limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return Number(raw);
}

function parseCount(raw: string | null): boolean {
  if (raw === null || raw.toLowerCase() === "false") return false;
  if (raw.toLowerCase() === "true") return true;
  throw flowErrors.invalidQueryValue(`count=${raw}`, "The count must be true or false.");
}

/** One listable collection: its path, filterable and sortable fields, items (creation order) and rendering. */
export interface Collection<T> {
  /** Route of the list, e.g. "/connections"; used in `_links.next.href` and to bind tokens to their collection. */
  path: string;
  fields: FilterFields<T>;
  sortable: readonly string[];
  /** Every item of the caller's org and sandbox, in creation order. */
  items: readonly T[];
  sequence(item: T): number;
  render(item: T): unknown;
  /** The `_links` member of a last page. @default omitted (connections) */
  lastPageLinks?: Record<string, unknown>;
}

function sortVector<T>(item: T, fields: FilterFields<T>, orderBy: readonly SortKey[], seq: number): FilterValue[] {
  return [...orderBy.map((key) => fields[key.field]?.read(item) ?? ""), seq];
}

/**
 * Compares sort vectors. The creation-sequence tie-breaker follows the last key's direction, so `-createdAt` lists
 * the newest first even among items created within the same millisecond.
 */
function compareVectors(a: readonly FilterValue[], b: readonly FilterValue[], orderBy: readonly SortKey[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x === y) continue;
    const ascending = x < y ? -1 : 1;
    const key = orderBy[i] ?? orderBy.at(-1);
    return key?.descending === true ? -ascending : ascending;
  }
  return 0;
}

function nextHref(path: string, token: string, limit: number | undefined, filters: readonly string[], orderBy: readonly SortKey[]): string {
  const parts = [`continuationToken=${encodeURIComponent(token)}`];
  if (limit !== undefined) parts.push(`limit=${limit}`);
  for (const filter of filters) parts.push(`property=${encodeURIComponent(filter)}`);
  if (orderBy.length > 0) parts.push(`orderby=${encodeURIComponent(formatOrderBy(orderBy))}`);
  return `${path}?${parts.join("&")}`;
}

/**
 * A list → `{items, _links.next.href}` (the link is relative to the base path and omitted on the last page), or
 * `{count}` with `count=true`. When a continuation token is given, the filters and order it was minted for apply
 * (the `_links.next.href` repeats them anyway).
 */
export function listCollection<T>(call: FlowCall, collection: Collection<T>): Reply {
  for (const name of new Set(call.query.keys())) {
    if (!LIST_QUERY_PARAMS.includes(name)) throw flowErrors.invalidQueryParam(name);
  }
  const count = parseCount(call.query.get("count"));
  const limitText = call.query.get("limit");
  const limit = limitText === null ? undefined : parseLimit(limitText);
  if (count && limit !== undefined) throw flowErrors.limitWithCount();

  let filterTexts = call.query.getAll("property");
  const orderByText = call.query.get("orderby");
  let orderBy = orderByText === null ? [] : parseOrderBy(orderByText, collection.sortable);
  let after: FilterValue[] | undefined;
  const token = call.query.get("continuationToken");
  if (token !== null && !count) {
    const cursor = call.runtime.pageTokens.resolve(token);
    if (cursor === undefined || cursor.orgId !== call.orgId || cursor.sandboxName !== call.sandboxName || cursor.path !== collection.path) {
      throw flowErrors.invalidQueryValue(`continuationToken=${token}`, "The continuation token is unknown or belongs to another query.");
    }
    ({ filters: filterTexts, orderBy, after } = cursor);
  }
  const filters = filterTexts.map((text) => parsePropertyFilter(text, collection.fields));

  const matching = applyFilters(collection.items, filters, collection.fields);
  if (count) return jsonReply(200, { count: matching.length });

  const sorted = matching
    .map((item) => ({ item, key: sortVector(item, collection.fields, orderBy, collection.sequence(item)) }))
    .sort((a, b) => compareVectors(a.key, b.key, orderBy));
  const remaining = after === undefined ? sorted : sorted.filter((entry) => compareVectors(entry.key, after, orderBy) > 0);
  const page = remaining.slice(0, limit ?? call.runtime.defaultPageSize);
  const body: Record<string, unknown> = { items: page.map((entry) => collection.render(entry.item)) };
  const last = page.at(-1);
  if (last !== undefined && remaining.length > page.length) {
    const next = call.runtime.pageTokens.mint({
      path: collection.path,
      orgId: call.orgId,
      sandboxName: call.sandboxName,
      filters: filterTexts,
      orderBy,
      after: last.key,
    });
    body["_links"] = { next: { href: nextHref(collection.path, next, limit, filterTexts, orderBy) } };
  } else if (collection.lastPageLinks !== undefined) {
    body["_links"] = collection.lastPageLinks;
  }
  return jsonReply(200, body);
}

/** GET /connections. */
export function listConnections(call: FlowCall): Reply {
  const store = call.runtime.store;
  return listCollection(call, {
    path: "/connections",
    fields: CONNECTION_FIELDS,
    sortable: SORTABLE_FIELDS,
    items: store.partition(call.orgId, call.sandboxName),
    sequence: (c) => store.creationSequence(c.id),
    render: (c) => renderConnection(c, call.runtime.maskSecrets),
  });
}

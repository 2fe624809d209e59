/**
 * How a create proves that an existing object is its own: the object carries a marker, `[pulumi:<key>]`, written
 * into a field Flow Service keeps and lists (a base connection's description). The key is derived from the Pulumi
 * resource's identity (organization, project, stack, parent and name), so another stack's object never carries it,
 * and it is the same in every run, so an object created by a run that was killed before it heard back is found by
 * the next one. Adobe offers no idempotency key and no create-by-name, so this marker is the proof.
 */

/** `[pulumi:<16 hex>]` at the end of a text. */
const MARKER = /(?:^| )\[pulumi:([0-9a-f]{16})\]$/;

/** Characters the marker adds to a text: a space and `[pulumi:` + 16 hex + `]`. */
export const MARKER_LENGTH = 26;

/** Whether `key` is a marker key (16 lowercase hex digits). */
export function isMarkerKey(key: unknown): key is string {
  return typeof key === "string" && /^[0-9a-f]{16}$/.test(key);
}

/** `text` with the marker of `key` appended (the marker alone when there is no text). */
export function withMarker(text: string | undefined, key: string): string {
  const marker = `[pulumi:${key}]`;
  return text === undefined || text === "" ? marker : `${text} ${marker}`;
}

/** A text split into what the user wrote and the marker key it carries, if any. */
export function splitMarker(text: string | undefined): { text: string | undefined; key: string | undefined } {
  if (text === undefined) return { text: undefined, key: undefined };
  const match = MARKER.exec(text);
  if (match === null) return { text, key: undefined };
  const rest = text.slice(0, match.index);
  return { text: rest === "" ? undefined : rest, key: match[1] };
}

/** What identifies a create, and which existing objects it must never take for its own. */
export interface CreateIdentity {
  /** Marker key written into the object (see {@link withMarker}). */
  readonly key: string;
  /**
   * Ids of live objects of the same resource (e.g. the one a replacement replaces): never taken for the result, nor
   * any object of the resource created before them (an earlier generation a replacement replaced, which the engine
   * still holds as a pending delete).
   */
  readonly excludeIds?: readonly string[];
}

/** Whether `id` is one of the identity's live objects (`excludeIds`; ids compare without case). */
export function isExcluded(identity: CreateIdentity, id: string): boolean {
  return identity.excludeIds?.some((excluded) => excluded.toLowerCase() === id.toLowerCase()) === true;
}

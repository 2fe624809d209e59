/**
 * How response bodies are read: parsed leniently with zod, so that unknown fields are ignored and optional fields
 * may be missing, null or of an unexpected type (they then read as undefined). Adobe has changed response shapes
 * silently before (adobe/aepp#42), so each operation's schema requires only the fields it cannot do without.
 * The schemas themselves live with their operations (connections.ts, ims.ts, adobe-errors.ts).
 */
import { z } from "zod";

/** An optional field that never fails the parse: a wrong type or null reads as undefined. */
export function lenient<T extends z.ZodType>(schema: T) {
  return schema.optional().catch(undefined);
}

/** An object with any fields. */
export const looseRecord = z.record(z.string(), z.unknown());

/** Result of a lenient parse: the value, or a short description of what is wrong (never the input values). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Parses `text` as JSON against `schema`, then maps the result; problems name paths, never values. */
export function parseJson<S extends z.ZodType, T>(schema: S, text: string, map: (value: z.infer<S>) => T): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: text.trim() === "" ? "the body is empty" : "the body is not JSON" };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "body";
      return `${where}: ${issue.message}`;
    });
    return { ok: false, problem: issues.join("; ") };
  }
  return { ok: true, value: map(result.data as z.infer<S>) };
}

/** The same object without its `undefined` values. */
export function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

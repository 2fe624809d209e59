/**
 * Keeping secrets out of surfaced text. Adobe's error texts can echo request content (a connection string, a
 * client secret), so every server text passes through {@link excerpt} before it reaches an error message.
 */
/** Text that replaces a secret found in a server message. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not searched for: replacing "abc" everywhere would only mangle text. */
const MIN_SECRET_LENGTH = 4;

/** Keys of connection-string segments whose values are secrets on their own (e.g. `Password=...;`). */
const SECRET_SEGMENT_KEY = /(password|pwd|secret|key|token|signature|sig)$/i;

/**
 * Every string worth redacting from a value: all nested string values, plus the values of secret-looking
 * `key=value` segments inside them, since a server may echo only a fragment of a connection string or SAS URL.
 */
export function secretStringsOf(value: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 16) return;
    if (typeof node === "string") {
      found.push(node);
      for (const segment of node.split(/[;&?]/)) {
        const eq = segment.indexOf("=");
        if (eq > 0 && SECRET_SEGMENT_KEY.test(segment.slice(0, eq).trim())) found.push(segment.slice(eq + 1).trim());
      }
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
    } else if (node !== null && typeof node === "object") {
      for (const item of Object.values(node)) visit(item, depth + 1);
    }
  };
  visit(value, 0);
  return found;
}

/**
 * The forms in which a server may echo `secret`: as is, JSON-escaped, URL-encoded (`encodeURIComponent`, and the
 * form encoding of `application/x-www-form-urlencoded` bodies, which also escapes `~ ! ' ( )` and writes a space
 * as `+`), and base64 (standard and URL-safe, with and without padding).
 */
export function echoForms(secret: string): string[] {
  const base64 = Buffer.from(secret, "utf8").toString("base64");
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    base64,
    base64.replace(/=+$/, ""),
    base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  ];
}

/**
 * Replaces every occurrence of each secret, in each of its {@link echoForms}, with {@link REDACTED}. Longer forms
 * go first so a secret containing another one is removed whole.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of echoForms(secret)) forms.add(form);
  }
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length >= MIN_SECRET_LENGTH) result = result.split(form).join(REDACTED);
  }
  return result;
}

/** Longest server text surfaced in a message. */
const MAX_EXCERPT = 500;

/**
 * Server text made safe to show: secrets redacted first (a cut could otherwise leave part of one), then
 * whitespace flattened and the result shortened.
 */
export function excerpt(text: string, secrets: readonly string[]): string {
  const flat = redact(text, secrets).replace(/\s+/g, " ").trim();
  return flat.length > MAX_EXCERPT ? `${flat.slice(0, MAX_EXCERPT)}…` : flat;
}

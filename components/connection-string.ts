/**
 * Building connection strings from typed parts, so that users never hand-assemble them.
 *
 * SQL Server and Synapse strings follow ADO.NET rules: `key=value;` pairs where a value holding `;`, `=`,
 * quotes or edge whitespace must be quoted, with the quote character doubled inside. Azure Storage strings
 * have no quoting at all, so a value that would need it is refused instead.
 */

/** Thrown when a component argument cannot be turned into a valid connection string. */
export class ConnectionArgumentError extends Error {
  override readonly name = "ConnectionArgumentError";
  constructor(
    /** The argument at fault, e.g. `sqlLogin.password`. */
    readonly field: string,
    /** What is expected instead. Never contains the value of a secret. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

// Control characters, zero-width and bidi-override characters: invisible, and never valid in these values.
const INVISIBLE = /[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

function checkPlain(field: string, value: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new ConnectionArgumentError(field, "must be a non-empty string");
  }
  if (INVISIBLE.test(value)) {
    throw new ConnectionArgumentError(field, "must not contain control, zero-width or bidirectional-override characters");
  }
}

/**
 * One ADO.NET connection-string value, quoted when it has to be. `"` quoting is preferred; `'` is used
 * when the value holds `"` but no `'`; otherwise `"` with doubled inner quotes.
 */
export function adoNetValue(field: string, value: string): string {
  checkPlain(field, value);
  const needsQuotes = /[;="']/.test(value) || value.trim() !== value;
  if (!needsQuotes) {
    return value;
  }
  if (!value.includes('"')) {
    return `"${value}"`;
  }
  if (!value.includes("'")) {
    return `'${value}'`;
  }
  return `"${value.replace(/"/g, '""')}"`;
}

/** An ADO.NET connection string from ordered `[key, value, field]` triples; ends with `;` when `trailing`. */
export function adoNetConnectionString(parts: readonly (readonly [key: string, value: string, field: string])[], trailing: boolean): string {
  const text = parts.map(([key, value, field]) => `${key}=${adoNetValue(field, value)}`).join(";");
  return trailing ? `${text};` : text;
}

/**
 * One Azure Storage connection-string value. That format has no quoting, so `;`, quotes and whitespace are
 * refused; `=` is allowed (account keys end with base64 padding, and parsers split at the first `=`).
 */
export function storageValue(field: string, value: string): string {
  checkPlain(field, value);
  if (/[;"'\s]/.test(value)) {
    throw new ConnectionArgumentError(field, "must not contain ';', quotes or whitespace (Azure Storage connection strings cannot quote values)");
  }
  return value;
}

/** A host name (no scheme, path or port), e.g. `myworkspace.sql.azuresynapse.net`. */
export function hostName(field: string, value: string): string {
  checkPlain(field, value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConnectionArgumentError(field, `expected a host name such as myserver.database.windows.net, without a scheme; got "${value}"`);
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(value)) {
    throw new ConnectionArgumentError(field, `expected a DNS host name such as myserver.database.windows.net; got "${value}"`);
  }
  return value;
}

/** A TCP port, 1-65535. */
export function port(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConnectionArgumentError(field, `expected a TCP port between 1 and 65535; got ${value}`);
  }
  return value;
}

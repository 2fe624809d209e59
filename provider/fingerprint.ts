/**
 * A salted, one-way fingerprint of a connection's auth params.
 *
 * The provider never returns credentials as outputs (the engine would store them in plain text next to
 * the encrypted inputs, pulumi/pulumi#3012), yet `diff` must notice a rotated password. It compares the
 * fingerprint of the new params, made with the salt stored in state, to the stored fingerprint.
 * scrypt (not a bare hash) keeps guessing a low-entropy password from a leaked state file expensive; a
 * random salt per connection stops two connections with the same secret from sharing a fingerprint.
 */
import { randomBytes, scrypt } from "node:crypto";

const SCHEME = "scrypt";
/**
 * Cost 2^12: 5 to 15 ms of CPU per fingerprint, paid once per connection per create, update or preview. It runs on
 * libuv's thread pool (async `scrypt`), so the host's event loop keeps serving the engine's other calls meanwhile.
 */
const SCRYPT_OPTIONS = { N: 4096, r: 8, p: 1, maxmem: 32 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

/** Canonical JSON: keys sorted at every level, so the same params always give the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(",")}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function derive(specName: string, params: Record<string, unknown>, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(canonical({ specName, params }), salt, KEY_LENGTH, SCRYPT_OPTIONS, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/**
 * Fingerprint `params` of auth spec `specName` as `scrypt$<salt>$<digest>` (base64url). A new random salt is
 * drawn unless `saltFrom` (an earlier fingerprint) is given, in which case its salt is reused.
 */
export async function fingerprintAuth(specName: string, params: Record<string, unknown>, saltFrom?: string): Promise<string> {
  const salt = (saltFrom && parseFingerprint(saltFrom)?.salt) || randomBytes(16);
  return `${SCHEME}$${salt.toString("base64url")}$${(await derive(specName, params, salt)).toString("base64url")}`;
}

function parseFingerprint(fingerprint: string): { salt: Buffer; digest: Buffer } | undefined {
  const [scheme, salt, digest] = fingerprint.split("$");
  if (scheme !== SCHEME || !salt || !digest) {
    return undefined;
  }
  return { salt: Buffer.from(salt, "base64url"), digest: Buffer.from(digest, "base64url") };
}

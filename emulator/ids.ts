/** Identifier generators shaped like the real service's values (clients must still treat them as opaque). */
import { randomBytes, randomUUID } from "node:crypto";
import type { EmulatorClientCredentials } from "./types";

/** A random lowercase UUID v4, like Flow Service resource ids. */
export function newId(): string {
  return randomUUID();
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/**
 * An etag like Flow Service's (an Azure Cosmos DB `_etag`): `"<8 random hex>-0000-0200-0000-<hex(epoch s)>0000"`,
 * double quotes included. Never equal to `previous`, so every write changes the etag even within one second.
 */
export function newEtag(nowMs: number = Date.now(), previous?: string): string {
  const seconds = Math.floor(nowMs / 1000).toString(16).padStart(8, "0");
  for (;;) {
    const etag = `"${randomHex(4)}-0000-0200-0000-${seconds}0000"`;
    if (etag !== previous) return etag;
  }
}

/** A generated OAuth server-to-server credential shaped like Adobe Developer Console's. */
export function newClientCredentials(): EmulatorClientCredentials {
  return {
    clientId: randomHex(16),
    clientSecret: `p8e-${randomBytes(24).toString("base64url")}`,
    orgId: `${randomHex(12).toUpperCase()}@AdobeOrg`,
  };
}

/** An IMS user id, e.g. for connections "created in the UI" by the store's out-of-band helpers. */
export function newAdobeUserId(): string {
  return `${randomHex(12).toUpperCase()}@AdobeID`;
}

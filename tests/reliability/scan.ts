/**
 * Leak scanning: where secret values appear in texts and files. A finding names the place and which secret (by its
 * label, never its value), so a failing assertion does not print the secret either.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A secret to look for; `label` is what a finding reports. */
export interface Secret {
  label: string;
  value: string;
}

/**
 * The forms a secret can take in output: as is, JSON-escaped (inside a JSON string) and URL-encoded. Base64 forms are
 * not searched: Pulumi state encrypts secrets, and a base64 copy would be a deliberate encoding, not an echo.
 */
export function secretForms(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)])];
}

/** `[place, label]` for every secret found in every text. */
export function findSecrets(texts: Readonly<Record<string, string>>, secrets: readonly Secret[]): string[] {
  const findings: string[] = [];
  for (const [place, text] of Object.entries(texts)) {
    for (const secret of secrets) {
      if (secretForms(secret.value).some((form) => text.includes(form))) findings.push(`${place}: ${secret.label}`);
    }
  }
  return findings;
}

/** Files under `roots` (recursively, symlinks not followed), optionally only those modified at or after `since`. */
export function listFiles(roots: readonly string[], options: { since?: number; maxDepth?: number; maxBytes?: number } = {}): string[] {
  const files: string[] = [];
  const maxDepth = options.maxDepth ?? 8;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const visit = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable (another user's temp dir) or gone meanwhile
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < maxDepth) visit(full, depth + 1);
      if (!entry.isFile()) continue;
      try {
        const stat = fs.statSync(full);
        if (stat.size <= maxBytes && (options.since === undefined || stat.mtimeMs >= options.since)) files.push(full);
      } catch {
        // removed while scanning
      }
    }
  };
  for (const root of roots) visit(root, 0);
  return files;
}

/** Every file among `files` that holds a secret, as `path: label`. */
export function findSecretsInFiles(files: readonly string[], secrets: readonly Secret[]): string[] {
  const texts: Record<string, string> = {};
  for (const file of files) {
    try {
      texts[file] = fs.readFileSync(file, "utf8");
    } catch {
      // removed while scanning
    }
  }
  return findSecrets(texts, secrets);
}

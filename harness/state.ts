/**
 * The test engine's state file: a JSON checkpoint listing every resource with its inputs and outputs. Secrets are
 * written the way a Pulumi checkpoint writes them, `{ [specialSigKey]: specialSecretSig, ciphertext }`, so a
 * plain-text secret never appears in the file. The "cipher" is a fixed-key XOR + base64: it only keeps plaintext out
 * of the file (tests scan the file text), it is not encryption.
 */
import * as fs from "fs";
import * as path from "path";
import { isPlainObject, isWireSecret, specialSecretSig, specialSigKey, type PropertyBag } from "./property-values";

/** One resource as recorded in the state. In memory, secrets are wire secrets holding their plaintext `value`. */
export interface ResourceState {
  readonly urn: string;
  readonly type: string;
  /** True for custom resources (provider-managed), false for components and the stack. */
  readonly custom: boolean;
  /** Provider-assigned id; absent for components and the stack. */
  readonly id?: string;
  /** URN of the parent; absent only for the stack. */
  readonly parent?: string;
  readonly inputs: PropertyBag;
  readonly outputs: PropertyBag;
  /** URNs this resource depends on (the request's `dependencies`). */
  readonly dependencies: readonly string[];
  /** Provider reference from the registration (`<provider urn>::<id>`), if the program gave one. */
  readonly provider?: string;
  /** The `additionalSecretOutputs` resource option. */
  readonly additionalSecretOutputs?: readonly string[];
  /** The `deleteBeforeReplace` resource option, when the program set it. */
  readonly deleteBeforeReplace?: boolean;
  /** Read through `ReadResource` (`Resource.get`): never deleted through a provider. */
  readonly external?: boolean;
  /** A replaced or failed-to-delete resource still awaiting deletion (the engine's `delete: true`). */
  readonly pendingDelete?: boolean;
  /** Reasons of a create/update that reported `ErrorResourceInitFailed` (the engine's `initErrors`). */
  readonly initErrors?: readonly string[];
}

/** The state file's JSON document. */
export interface StateFile {
  readonly version: 1;
  readonly project: string;
  readonly stack: string;
  /** Resources in registration order; the stack resource's `outputs` are the stack outputs. */
  readonly resources: readonly ResourceState[];
}

/** A secret as stored in the state file. */
export interface EncryptedSecret {
  readonly [key: string]: string;
  readonly ciphertext: string;
}

const cipherKey = Buffer.from("pulumi-test-engine: not a real cipher", "utf8");

function xorWithKey(bytes: Buffer): Buffer {
  const result = Buffer.alloc(bytes.length);
  for (let index = 0; index < bytes.length; index++) {
    result[index] = (bytes[index] ?? 0) ^ (cipherKey[index % cipherKey.length] ?? 0);
  }
  return result;
}

/** True for a secret in state-file form (`{ [specialSigKey]: specialSecretSig, ciphertext }`). */
export function isEncryptedSecret(value: unknown): value is EncryptedSecret {
  return isPlainObject(value) && value[specialSigKey] === specialSecretSig && typeof value["ciphertext"] === "string";
}

/** Replaces every wire secret (`{sig, value}`) by its state-file form (`{sig, ciphertext}`), recursively. */
export function encryptSecrets(value: unknown): unknown {
  if (isWireSecret(value) && !isEncryptedSecret(value)) {
    const plaintext = Buffer.from(JSON.stringify(value.value ?? null), "utf8");
    return { [specialSigKey]: specialSecretSig, ciphertext: xorWithKey(plaintext).toString("base64") };
  }
  if (Array.isArray(value)) {
    return value.map(encryptSecrets);
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = encryptSecrets(item);
    }
    return result;
  }
  return value;
}

/** Inverse of {@link encryptSecrets}: state-file secrets become wire secrets holding their plaintext. */
export function decryptSecrets(value: unknown): unknown {
  if (isEncryptedSecret(value)) {
    const plaintext = xorWithKey(Buffer.from(value.ciphertext, "base64")).toString("utf8");
    return { [specialSigKey]: specialSecretSig, value: JSON.parse(plaintext) as unknown };
  }
  if (Array.isArray(value)) {
    return value.map(decryptSecrets);
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = decryptSecrets(item);
    }
    return result;
  }
  return value;
}

/** Parses the state file as stored (secrets still in ciphertext form); undefined when the file does not exist. */
export function readStateFile(stateFile: string): StateFile | undefined {
  if (!fs.existsSync(stateFile)) {
    return undefined;
  }
  return JSON.parse(fs.readFileSync(stateFile, "utf8")) as StateFile;
}

/** Loads the resources of a state file with secrets decrypted (wire form); `[]` when there is no file yet. */
export function loadResources(stateFile: string): ResourceState[] {
  const file = readStateFile(stateFile);
  return file === undefined ? [] : (decryptSecrets(file.resources) as ResourceState[]);
}

/** Writes the state file (secrets encrypted) atomically. */
export function writeStateFile(stateFile: string, project: string, stack: string, resources: readonly ResourceState[]): void {
  const document: StateFile = {
    version: 1,
    project,
    stack,
    resources: encryptSecrets(resources) as ResourceState[],
  };
  fs.mkdirSync(path.dirname(stateFile), { recursive: true });
  const temporary = `${stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`);
  fs.renameSync(temporary, stateFile);
}

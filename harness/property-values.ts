/**
 * Property values in their gRPC wire form, as the engine and the SDK exchange them inside `google.protobuf.Struct`s:
 * a secret is `{ [specialSigKey]: specialSecretSig, value }`, an unknown (preview) value is the sentinel string
 * {@link unknown}. These helpers reproduce the engine's handling of those markers.
 */
import { rpc } from "./sdk";

/** A property bag (inputs, outputs, config) in wire form. */
export type PropertyBag = Record<string, unknown>;

/** The SDK's unknown-value sentinel (`rpc.unknownValue`): what providers see for values not known during preview. */
export const unknown: string = rpc.unknownValue;

/** Signature key marking special wire objects (`rpc.specialSigKey`). */
export const specialSigKey: string = rpc.specialSigKey;

/** Signature value identifying a secret (`rpc.specialSecretSig`). */
export const specialSecretSig: string = rpc.specialSecretSig;

/** A secret in wire form. */
export interface WireSecret {
  readonly [key: string]: unknown;
  readonly value?: unknown;
}

/** True for plain JSON-style objects (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `value` is a wire-form secret. */
export function isWireSecret(value: unknown): value is WireSecret {
  return isPlainObject(value) && value[specialSigKey] === specialSecretSig;
}

/** Wraps `value` as a wire secret (without double-wrapping). */
export function makeSecret(value: unknown): WireSecret {
  if (isWireSecret(value)) {
    return value;
  }
  return { [specialSigKey]: specialSecretSig, value };
}

/** True when `value` is or contains a wire secret at any depth. */
export function containsSecrets(value: unknown): boolean {
  if (isWireSecret(value)) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsSecrets);
  }
  if (isPlainObject(value)) {
    return Object.values(value).some(containsSecrets);
  }
  return false;
}

/** True when `value` is or contains the unknown sentinel at any depth. */
export function containsUnknowns(value: unknown): boolean {
  if (value === unknown) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some(containsUnknowns);
  }
  if (isPlainObject(value)) {
    return Object.values(value).some(containsUnknowns);
  }
  return false;
}

/**
 * Removes every secret marker, keeping the plain values: what the engine sends to a provider that answered
 * `acceptSecrets=false` (the Node dynamic-provider host does).
 */
export function unwrapSecrets(value: unknown): unknown {
  if (isWireSecret(value)) {
    return unwrapSecrets(value.value);
  }
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = unwrapSecrets(item);
    }
    return result;
  }
  return value;
}

/** {@link unwrapSecrets} for a property bag. */
export function unwrapBag(bag: PropertyBag): PropertyBag {
  return unwrapSecrets(bag) as PropertyBag;
}

/**
 * Copies "secretness" from `ins` to `outs` in place, exactly like the engine's `annotateSecrets`
 * (pkg/resource/plugin/provider_plugin.go): for every key present in both, two plain objects are walked recursively;
 * otherwise, if the input value contains a secret anywhere, the whole output value becomes secret (so an array with
 * one secret element becomes a wholly secret array). Keys that exist only in `outs` are never marked.
 */
export function annotateSecrets(outs: PropertyBag, ins: PropertyBag): void {
  for (const [key, inValue] of Object.entries(ins)) {
    if (!Object.prototype.hasOwnProperty.call(outs, key)) {
      continue;
    }
    const outValue = outs[key];
    if (isPlainObject(outValue) && !isWireSecret(outValue) && isPlainObject(inValue) && !isWireSecret(inValue)) {
      annotateSecrets(outValue, inValue);
    } else if (!isWireSecret(outValue) && containsSecrets(inValue)) {
      outs[key] = makeSecret(outValue);
    }
  }
}

/** Marks the listed top-level output keys secret (the `additionalSecretOutputs` resource option). */
export function markSecretOutputs(outs: PropertyBag, keys: readonly string[]): void {
  for (const key of keys) {
    if (Object.prototype.hasOwnProperty.call(outs, key)) {
      outs[key] = makeSecret(outs[key]);
    }
  }
}

/** Structural equality of JSON-like values (object key order ignored). */
export function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) {
    return true;
  }
  if (Array.isArray(left) && Array.isArray(right)) {
    return left.length === right.length && left.every((item, index) => deepEqual(item, right[index]));
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const leftKeys = Object.keys(left).filter((key) => left[key] !== undefined);
    const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
    return (
      leftKeys.length === rightKeys.length &&
      leftKeys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && deepEqual(left[key], right[key]))
    );
  }
  return false;
}

/** Top-level keys whose values differ between two bags (secrets unwrapped before comparing). */
export function changedKeys(olds: PropertyBag, news: PropertyBag): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((key) => !deepEqual(unwrapSecrets(olds[key]), unwrapSecrets(news[key])));
}

/**
 * Drops `undefined` object entries and turns `undefined` array items into `null`: `Struct.fromJavaScript` rejects
 * `undefined` ("Unexpected struct type."), and the engine never sends it.
 */
export function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => (item === undefined ? null : withoutUndefined(item)));
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) {
        result[key] = withoutUndefined(item);
      }
    }
    return result;
  }
  return value;
}

/** Deep copy of a JSON-like value. */
export function cloneValue<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** A secret value as the harness reports it to tests (stack outputs, revealed state). */
export interface RevealedSecret {
  readonly secret: true;
  readonly value: unknown;
}

/** Replaces every wire secret by `{ secret: true, value }` (recursively), leaving everything else as is. */
export function revealSecrets(value: unknown): unknown {
  if (isWireSecret(value)) {
    return { secret: true, value: revealSecrets(value.value) } satisfies RevealedSecret;
  }
  if (Array.isArray(value)) {
    return value.map(revealSecrets);
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = revealSecrets(item);
    }
    return result;
  }
  return value;
}

/** What the engine's display shows for a secret when secrets are not shown. */
const secretPlaceholder = "[secret]";

/** A value as the engine's display sees it: every secret replaced by `[secret]`, at any depth. */
function displayValue(value: unknown): unknown {
  if (isWireSecret(value)) {
    return secretPlaceholder;
  }
  if (Array.isArray(value)) {
    return value.map(displayValue);
  }
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = displayValue(item);
    }
    return result;
  }
  return value;
}

/**
 * The property paths `pulumi preview --diff` marks (`~`, `+`, `-`) for a resource whose provider returns no
 * detailed diff, as the Node.js dynamic-provider host never does: the engine diffs the old inputs against the new
 * ones itself (backend/display/object_diff.go), ignoring internal keys (`__provider`), on values whose secrets the
 * event stream has already replaced by `[secret]`, so a secret whose value alone changed marks nothing. Objects
 * and arrays present on both sides are walked; anything else that differs is one path (`auth.params.user`,
 * `items[0]`). Sorted.
 */
export function displayedDiffPaths(olds: PropertyBag, news: PropertyBag): string[] {
  const paths: string[] = [];
  const walk = (left: unknown, right: unknown, at: string): void => {
    if (isPlainObject(left) && isPlainObject(right)) {
      const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
      for (const key of keys) {
        if (at === "" && key.startsWith("__")) continue;
        if (left[key] === undefined && right[key] === undefined) continue;
        walk(left[key], right[key], at === "" ? key : `${at}.${key}`);
      }
      return;
    }
    if (Array.isArray(left) && Array.isArray(right)) {
      for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
        walk(left[index], right[index], `${at}[${index}]`);
      }
      return;
    }
    if (!deepEqual(left, right)) {
      paths.push(at);
    }
  };
  walk(displayValue(olds), displayValue(news), "");
  return paths.sort();
}

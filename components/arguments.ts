/**
 * How a component checks the arguments it was given, with the registry's own rules (provider/sources), and reports
 * a bad one the way Pulumi resources report errors: one message attached to the component, naming the argument as
 * the user wrote it (`sqlLogin.password`, `accountName`), no stack trace, at preview whenever the value is known.
 *
 * Values that are Outputs are checked when they resolve, inside `apply`; a value still unknown at preview is
 * checked by the provider at `up`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { suggestedKey, suggestion, type CheckFailure } from "../provider/shared/check";
import { ArgumentError } from "../provider/shared/errors";
import { list, quote } from "../provider/sources/formats";

/**
 * The error reported for `error`: a `ResourceError` on `component` with its stack hidden. The SDK prefixes
 * `error serializing property "<input>": ` to a rejection it meets while serializing a child's inputs
 * (runtime/rpc.js), which would name a wire property the user never wrote, so the message stays as set here.
 */
export function argumentFailure(component: pulumi.Resource, error: ArgumentError): pulumi.ResourceError {
  const failure = withFixedMessage(new pulumi.ResourceError(error.message, component, true));
  Object.defineProperty(failure, "cause", { value: error, enumerable: false });
  return failure;
}

/** `error`, whose message no later layer can change (see {@link argumentFailure} for the SDK's prefix). */
export function withFixedMessage<E extends Error>(error: E): E {
  const message = error.message;
  Object.defineProperty(error, "message", { get: () => message, set: () => undefined, enumerable: false });
  return error;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** The first problem zod reports for `value`, or undefined. */
function problemOf(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/** A shape's fields: zod object schemas expose `shape`. */
type Shape = Record<string, z.ZodType>;

/**
 * Argument checks of one component instance. Problems found while the constructor runs are collected and reported
 * together by {@link ArgumentChecks.report}, one line each; a problem found later, when an Output resolves, is
 * reported on its own.
 */
export class ArgumentChecks {
  private readonly problems: ArgumentError[] = [];
  /**
   * Absent arguments that an unknown key was a misspelling of (`shedule` for `schedule`): the misspelling is the
   * problem to report, so "schedule: required" is not said too.
   */
  private readonly misspelt = new Set<string>();

  constructor(
    private readonly component: pulumi.Resource,
    /** The component's class name, for messages such as "SynapseConnection needs exactly one of …". */
    private readonly className: string,
  ) {}

  /** Reports `reason` for `argument` at once (with anything collected so far) and stops. */
  fail(argument: string, reason: string): never {
    if (!this.misspelt.has(argument) || this.problems.length === 0) this.problems.push(new ArgumentError(argument, reason));
    this.report();
    throw new Error("unreachable");
  }

  /** Throws the problems collected so far, if any, as one error on the component. */
  report(): void {
    if (this.problems.length === 0) return;
    const error = ArgumentError.combined(this.problems);
    this.problems.length = 0;
    throw argumentFailure(this.component, error);
  }

  /** Notes a problem to report with the others when the constructor's checks end. */
  private note(argument: string, reason: string): void {
    if (!this.misspelt.has(argument)) this.problems.push(new ArgumentError(argument, reason));
  }

  /**
   * Refuses keys that are not arguments (a misspelling in untyped JavaScript), suggesting the argument meant, and
   * keys of arguments that were renamed, naming the new one.
   */
  keys(value: Record<string, unknown>, allowed: readonly string[], path = "", renamed: Readonly<Record<string, string>> = {}): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key) || value[key] === undefined) continue;
      const argument = path === "" ? key : `${path}.${key}`;
      const newName = renamed[key];
      if (newName !== undefined) {
        this.note(argument, `was renamed ${quote(newName)} in pulumi-aep-azure 0.2.0`);
        continue;
      }
      this.note(argument, `unknown argument of ${this.className}${suggestion(key, allowed)}; expected one of: ${list(allowed)}`);
      const meant = suggestedKey(key, allowed);
      if (meant !== undefined && value[meant] === undefined) this.misspelt.add(path === "" ? meant : `${path}.${meant}`);
    }
  }

  /** The one of `modes` (argument names) that is given, or a failure naming them when none or several are. */
  exactlyOne<M extends string>(args: object, modes: readonly M[]): M {
    const given = modes.filter((mode) => (args as Record<string, unknown>)[mode] !== undefined);
    if (given.length !== 1) {
      const names = modes.join(", ");
      this.fail(
        given.length === 0 ? names : given.join(", "),
        `${this.className} needs exactly one of ${names}; ${given.length === 0 ? "none was given" : `got ${given.length}`}`,
      );
    }
    return given[0]!;
  }

  /** `value`, checked against `schema` as soon as it is known; a bad value fails naming `argument`. */
  value<T>(argument: string, value: pulumi.Input<T> | undefined, schema: z.ZodType): pulumi.Output<T> {
    if (!pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
      const problem = problemOf(schema, value);
      if (problem !== undefined) this.note(argument, problem);
      return pulumi.output(value as T) as pulumi.Output<T>;
    }
    return pulumi.output(value).apply((resolved) => {
      const problem = problemOf(schema, resolved);
      if (problem !== undefined) this.fail(argument, problem);
      return resolved;
    }) as unknown as pulumi.Output<T>;
  }

  /**
   * `value`, checked whole by `failuresOf` (a provider rule whose failures are named by property path, which must be
   * the argument's own path, e.g. `schedule.interval`): at once when it holds no Output, else when it resolves.
   */
  checked<T>(value: pulumi.Input<T> | undefined, failuresOf: (resolved: unknown) => readonly CheckFailure[]): pulumi.Output<T> {
    if (isKnownPlain(value)) {
      for (const failure of failuresOf(value)) this.note(failure.property, failure.reason);
      return pulumi.output(value as T) as pulumi.Output<T>;
    }
    return pulumi.output(value).apply((resolved) => {
      const failures = failuresOf(resolved);
      if (failures.length > 0) {
        for (const failure of failures) this.note(failure.property, failure.reason);
        this.report();
      }
      return resolved;
    }) as unknown as pulumi.Output<T>;
  }

  /**
   * A group argument (`sqlLogin: { server, … }`), every field checked against the field of `schema` with its name,
   * unknown fields refused. A plain object is checked field by field, so one unknown field leaves the others
   * checkable at preview.
   */
  /**
   * Like {@link group}, but one Output per field, so that each keeps its own secretness: a secret client secret
   * does not make the server name secret too. (A group given as one Output can only be lifted as a whole.)
   */
  groupFields<T extends object>(
    argument: string,
    group: pulumi.Input<object>,
    schema: { shape: Shape },
    renamed: Readonly<Record<string, string>> = {},
  ): { [K in keyof T]: pulumi.Output<T[K]> } {
    const fields = Object.keys(schema.shape);
    if (isPlainObject(group)) {
      this.keys(group, fields, argument, renamed);
      const checked: Record<string, pulumi.Output<unknown>> = {};
      for (const field of fields) {
        const value = group[field];
        if (value !== undefined || problemOf(schema.shape[field]!, undefined) !== undefined) {
          checked[field] = this.value(`${argument}.${field}`, value, schema.shape[field]!);
        }
      }
      return checked as { [K in keyof T]: pulumi.Output<T[K]> };
    }
    const whole = this.group<T>(argument, group, schema, renamed);
    return Object.fromEntries(fields.map((field) => [field, whole.apply((value) => (value as Record<string, unknown>)[field])])) as {
      [K in keyof T]: pulumi.Output<T[K]>;
    };
  }

  group<T>(argument: string, group: pulumi.Input<object>, schema: { shape: Shape }, renamed: Readonly<Record<string, string>> = {}): pulumi.Output<T> {
    const fields = Object.keys(schema.shape);
    if (isPlainObject(group)) {
      this.keys(group, fields, argument, renamed);
      const checked: Record<string, pulumi.Output<unknown>> = {};
      for (const field of fields) {
        const value = group[field];
        if (value !== undefined || problemOf(schema.shape[field]!, undefined) !== undefined) {
          checked[field] = this.value(`${argument}.${field}`, value, schema.shape[field]!);
        }
      }
      return pulumi.all(checked) as unknown as pulumi.Output<T>;
    }
    return pulumi.output(group).apply((resolved) => {
      if (!isPlainObject(resolved)) this.fail(argument, `must be an object with ${list(fields)}`);
      this.keys(resolved, fields, argument, renamed);
      this.report();
      for (const field of fields) {
        const problem = problemOf(schema.shape[field]!, resolved[field]);
        if (problem !== undefined) this.fail(`${argument}.${field}`, problem);
      }
      return resolved as T;
    }) as unknown as pulumi.Output<T>;
  }
}

/** Whether `value` holds no Output, Promise or resource anywhere: it can be checked while the constructor runs. */
function isKnownPlain(value: unknown): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise || pulumi.Resource.isInstance(value)) return false;
  if (Array.isArray(value)) return value.every(isKnownPlain);
  if (typeof value === "object" && value !== null) return Object.values(value).every(isKnownPlain);
  return true;
}

/** The params' rules under the component's argument names. */
export function renamedShape<S extends Record<string, unknown>, N extends Record<string, keyof S>>(shape: S, names: N): { [A in keyof N]: S[N[A]] } {
  return Object.fromEntries(Object.entries(names).map(([argument, param]) => [argument, shape[param]])) as { [A in keyof N]: S[N[A]] };
}

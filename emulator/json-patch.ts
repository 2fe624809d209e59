/**
 * JSON Patch over a whole document, for the objects whose PATCH takes JSON Pointers into their representation
 * (source and target connections, flows): `add`/`replace`/`remove` with the strict RFC 6902 rules the connection
 * PATCH uses (replace/remove need an existing target, add needs an existing parent; `-` appends to an array).
 * Which paths may be patched is the caller's rule; the result is validated again by the caller like a create.
 */
import { flowErrors } from "./errors";
import type { Instruction } from "./patch";

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

function missing(segment: string): never {
  throw flowErrors.invalidPatch(`Missing field "${segment}"`);
}

function arrayIndex(array: unknown[], segment: string, allowEnd: boolean): number {
  if (segment === "-" && allowEnd) return array.length;
  if (!/^(0|[1-9]\d*)$/.test(segment)) missing(segment);
  const index = Number(segment);
  if (index > array.length || (!allowEnd && index === array.length)) missing(segment);
  return index;
}

/** Applies the instructions to a copy of `document` and returns it; one failing op leaves nothing changed. */
export function applyJsonPatch<T extends Record<string, unknown>>(document: T, instructions: readonly Instruction[]): T {
  const draft = structuredClone(document);
  for (const instruction of instructions) applyOne(draft, instruction);
  return draft;
}

function applyOne(root: Record<string, unknown>, instruction: Instruction): void {
  const { op, segments } = instruction;
  const last = segments.at(-1);
  if (last === undefined || segments.some((s, i) => s === "" && i < segments.length - 1)) missing(instruction.path);
  let parent: unknown = root;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(parent)) parent = parent[arrayIndex(parent, segment, false)];
    else if (isContainer(parent) && Object.hasOwn(parent, segment)) parent = (parent as Record<string, unknown>)[segment];
    else missing(segment);
  }
  if (!isContainer(parent)) missing(last);
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last, op === "add");
    if (op === "add") parent.splice(index, 0, structuredClone(instruction.value));
    else if (op === "replace") parent[index] = structuredClone(instruction.value);
    else parent.splice(index, 1);
    return;
  }
  if (op !== "add" && !Object.hasOwn(parent, last)) missing(last);
  if (op === "remove") delete parent[last];
  else parent[last] = structuredClone(instruction.value);
}

/**
 * The dependency rules, checked on the source: components → provider → {sources, flow-service}; the Flow Service
 * client knows nothing of Pulumi; the source registry is zod only; the emulator is an independent model of the API
 * (node builtins only, nothing from provider/); parts people run never import from tests/.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(relative));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(relative);
  }
  return out;
}

/** Every module a file imports or requires: bare package names, or repository paths for relative specifiers. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^;"']*?from\s*["']([^"']+)["']|require\(\s*["']([^"']+)["']\s*\)|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => (m[1] ?? m[2] ?? m[3])!,
  );
  return specifiers.map((specifier) =>
    specifier.startsWith(".") ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier)) : specifier,
  );
}

function violations(dir: string, allowed: (target: string) => boolean): string[] {
  return filesUnder(dir).flatMap((file) => importsOf(file).filter((target) => !allowed(target)).map((target) => `${file} → ${target}`));
}

const isBuiltin = (target: string) => target.startsWith("node:") || ["fs", "path", "os", "http", "net", "crypto", "util", "child_process", "module", "url"].includes(target);
const inside = (target: string, ...dirs: string[]) => dirs.some((dir) => target === dir || target.startsWith(`${dir}/`));

describe("architecture: one-way imports", () => {
  it("provider/flow-service imports only undici, zod, node builtins and itself (never @pulumi/*)", () => {
    assert.deepEqual(violations("provider/flow-service", (t) => isBuiltin(t) || t === "undici" || t === "zod" || inside(t, "provider/flow-service")), []);
  });

  it("provider/sources imports only zod and itself", () => {
    assert.deepEqual(violations("provider/sources", (t) => t === "zod" || inside(t, "provider/sources")), []);
  });

  it("provider never imports components, the emulator, the harness, scripts or tests", () => {
    assert.deepEqual(violations("provider", (t) => !inside(t, "components", "emulator", "harness", "scripts", "tests")), []);
  });

  it("components import only the provider, @pulumi/pulumi, zod types and themselves", () => {
    assert.deepEqual(violations("components", (t) => t === "@pulumi/pulumi" || t === "zod" || inside(t, "provider", "components")), []);
  });

  it("the emulator imports nothing from provider/ and nothing but node builtins", () => {
    assert.deepEqual(violations("emulator", (t) => isBuiltin(t) || inside(t, "emulator")), []);
  });

  it("the emulator's modules never import its entry point back (no import cycle)", () => {
    const cycles = filesUnder("emulator")
      .filter((file) => file !== "emulator/index.ts" && file !== "emulator/main.ts")
      .flatMap((file) => importsOf(file).filter((target) => target === "emulator/index" || target === "emulator").map((t) => `${file} → ${t}`));
    assert.deepEqual(cycles, []);
  });

  it("parts people run (the emulator, the harness, the scripts) never import test code (tests/fixtures' data at most)", () => {
    const offenders = ["emulator", "harness", "scripts"].flatMap((dir) => violations(dir, (t) => !inside(t, "tests") || inside(t, "tests/fixtures")));
    assert.deepEqual(offenders, []);
    assert.deepEqual(violations("emulator", (t) => !inside(t, "tests")), [], "the emulator uses no test data either");
  });
});

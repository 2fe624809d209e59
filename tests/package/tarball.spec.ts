/**
 * Issue 15 item 1: the package is ready to publish. `npm pack --dry-run` lists exactly what a user needs (the
 * built .js and .d.ts of index, components and provider, README, LICENSE, CHANGELOG, package.json: no tests, maps,
 * TypeScript sources, emulator, harness or scripts), and `npm publish --dry-run` goes through without a warning
 * about the package (the only warning left is that nobody is logged in to the registry, as in CI).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { builtPackage, repositoryRoot } from "../cli/support";

interface PackJson {
  name: string;
  version: string;
  entryCount: number;
  files: { path: string }[];
}

interface Manifest {
  name: string;
  version: string;
  license: string;
  main: string;
  types: string;
  engines: { node: string };
  dependencies: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
}

const manifest = JSON.parse(fs.readFileSync(path.join(repositoryRoot, "package.json"), "utf8")) as Manifest;

function npm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  // --ignore-scripts: prepack would build again; builtPackage() built dist/ the same way.
  const result = spawnSync("npm", [...args, "--ignore-scripts"], { cwd: repositoryRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", npm_config_color: "false" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The .ts sources the build compiles (tsconfig.build.json: index.ts, provider, components). */
function compiledSources(): string[] {
  const sources = ["index.ts"];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(repositoryRoot, dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) sources.push(relative);
    }
  };
  walk("components");
  walk("provider");
  return sources;
}

describe("the published package", function () {
  this.timeout(180_000);
  let packed: PackJson;

  before(() => {
    builtPackage();
    const result = npm(["pack", "--dry-run", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    packed = (JSON.parse(result.stdout) as PackJson[])[0]!;
  });

  it("holds exactly the built .js and .d.ts of index, components and provider, README, LICENSE, CHANGELOG, package.json", () => {
    const expected = new Set(["package.json", "README.md", "LICENSE", "CHANGELOG.md"]);
    for (const source of compiledSources()) {
      const base = `dist/${source.slice(0, -".ts".length)}`;
      expected.add(`${base}.js`);
      expected.add(`${base}.d.ts`);
    }
    const actual = new Set(packed.files.map((f) => f.path));
    assert.deepEqual([...actual].filter((f) => !expected.has(f)).sort(), [], "files a user does not need");
    assert.deepEqual([...expected].filter((f) => !actual.has(f)).sort(), [], "files a user needs but the tarball lacks");
    assert.equal(packed.entryCount, expected.size);
  });

  it("ships no tests, source maps, TypeScript sources, emulator, harness, scripts or examples", () => {
    const offenders = packed.files
      .map((f) => f.path)
      .filter((f) => /\.map$|(?<!\.d)\.ts$|\.spec\./.test(f) || /^(dist\/)?(tests|emulator|harness|scripts|tools|examples)\//.test(f));
    assert.deepEqual(offenders, []);
  });

  it("has every entry point package.json names: main, types and each export", () => {
    const files = new Set(packed.files.map((f) => f.path));
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)))];
    for (const target of targets) assert.ok(files.has(target.replace(/^\.\//, "")), `${target} is in the tarball`);
  });

  it("says what a registry page and an installer need: licence file, semver with a CHANGELOG entry, ranges not pins", () => {
    assert.equal(packed.name, "pulumi-aep-azure");
    assert.equal(manifest.license, "Apache-2.0");
    assert.match(fs.readFileSync(path.join(repositoryRoot, "LICENSE"), "utf8"), /^\s*Apache License\s+Version 2\.0/);
    assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
    assert.match(fs.readFileSync(path.join(repositoryRoot, "CHANGELOG.md"), "utf8"), new RegExp(`^## ${manifest.version.replace(/\./g, "\\.")}\\b`, "m"));
    for (const [name, range] of Object.entries(manifest.dependencies)) {
      assert.match(range, /^\^\d+\.\d+\.\d+$/, `${name} is a caret range`);
    }
    assert.match(manifest.engines.node, /^>=\d+/);
  });

  it("npm publish --dry-run succeeds and warns about nothing in the package", () => {
    const result = npm(["publish", "--dry-run"]);
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, output);
    assert.match(output, new RegExp(`\\+ ${manifest.name}@${manifest.version.replace(/\./g, "\\.")}`));
    const warnings = output.split("\n").filter((line) => /npm warn/i.test(line) && !/requires you to be logged in/.test(line));
    assert.deepEqual(warnings, [], output);
  });
});

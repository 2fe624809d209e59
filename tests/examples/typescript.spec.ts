/**
 * Issue 15 item 7: which TypeScript a new program gets, and which tsconfig works with it. A new program's
 * `npm install @pulumi/pulumi typescript` gets the newest TypeScript inside the SDK's peer range (6.x on the SDK
 * this repository locks), where Pulumi's usual tsconfig (`moduleResolution: node`) fails with TS5107; the
 * tsconfig.json shown in the README's Install section type-checks both examples against the packed package, with
 * that TypeScript and with the repository's 5.x.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { packedTarball, repositoryRoot } from "../cli/support";

const README = fs.readFileSync(path.join(repositoryRoot, "README.md"), "utf8");

/** The first ```json block of the README's Install section: the tsconfig.json it tells a new program to use. */
function readmeTsconfig(): { compilerOptions: Record<string, unknown> } {
  const install = README.slice(README.indexOf("\n## Install"));
  const block = /```json\n([\s\S]*?)```/.exec(install);
  assert.ok(block?.[1] !== undefined, "the README's Install section shows a tsconfig.json");
  return JSON.parse(block[1]) as { compilerOptions: Record<string, unknown> };
}

/** Pulumi's usual TypeScript template tsconfig (as `pulumi new typescript` writes it). */
const PULUMI_TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true,
    experimentalDecorators: true, pretty: true, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true,
  },
};

function sh(command: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("TypeScript for a new program", function () {
  this.timeout(240_000);
  let dir: string;
  let newProgramTsc: string;
  let newProgramVersion: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-typescript-"));
    // What a new program gets next to the SDK: the newest TypeScript inside @pulumi/pulumi's peer range.
    const sdk = JSON.parse(fs.readFileSync(path.join(repositoryRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { peerDependencies: Record<string, string> };
    const compilerDir = path.join(dir, "compiler");
    fs.mkdirSync(compilerDir);
    fs.writeFileSync(path.join(compilerDir, "package.json"), JSON.stringify({ name: "compiler", private: true }));
    const install = sh("npm", ["install", "--prefer-offline", "--no-package-lock", "--loglevel=error", `typescript@${sdk.peerDependencies["typescript"]}`], compilerDir);
    assert.equal(install.status, 0, install.output);
    newProgramTsc = path.join(compilerDir, "node_modules/typescript/bin/tsc");
    newProgramVersion = (JSON.parse(fs.readFileSync(path.join(compilerDir, "node_modules/typescript/package.json"), "utf8")) as { version: string }).version;
    console.log(`      a new program gets TypeScript ${newProgramVersion}`);

    // The program directory: both examples, the packed package as npm installs it, the rest from this checkout.
    const modules = path.join(dir, "program", "node_modules");
    fs.mkdirSync(path.join(modules, "pulumi-aep-azure"), { recursive: true });
    const untar = sh("tar", ["xzf", packedTarball(), "-C", path.join(modules, "pulumi-aep-azure"), "--strip-components=1"], dir);
    assert.equal(untar.status, 0, untar.output);
    for (const name of ["@pulumi", "@types", "undici", "zod"]) fs.symlinkSync(path.join(repositoryRoot, "node_modules", name), path.join(modules, name));
    for (const example of ["quickstart", "all-sources"]) {
      fs.mkdirSync(path.join(dir, "program", example));
      fs.copyFileSync(path.join(repositoryRoot, "examples", example, "index.ts"), path.join(dir, "program", example, "index.ts"));
    }
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function typeCheck(tsc: string, tsconfig: object): { status: number | null; output: string } {
    const program = path.join(dir, "program");
    fs.writeFileSync(path.join(program, "tsconfig.json"), JSON.stringify({ ...tsconfig, include: ["quickstart/*.ts", "all-sources/*.ts"] }, null, 2));
    return sh(process.execPath, [tsc, "-p", program, "--noEmit", "--pretty", "false"], program);
  }

  it("is TypeScript 6, as the README says", () => {
    assert.equal(newProgramVersion.split(".")[0], "6", `README: "npm gives a new program TypeScript 6"; got ${newProgramVersion}`);
  });

  it("fails Pulumi's usual tsconfig (moduleResolution node) with TS5107, as the README warns", () => {
    const result = typeCheck(newProgramTsc, PULUMI_TEMPLATE_TSCONFIG);
    assert.notEqual(result.status, 0, result.output);
    assert.match(result.output, /TS5107/);
  });

  it("type-checks both examples against the packed package with the README's tsconfig", () => {
    const result = typeCheck(newProgramTsc, readmeTsconfig());
    assert.equal(result.status, 0, result.output);
  });

  it("the README's tsconfig type-checks them with the repository's TypeScript 5.x too", () => {
    const tsc = path.join(repositoryRoot, "node_modules/typescript/bin/tsc");
    const result = typeCheck(tsc, readmeTsconfig());
    assert.equal(result.status, 0, result.output);
  });
});

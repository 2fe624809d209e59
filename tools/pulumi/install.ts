/**
 * `npm run pulumi:install`: makes a Pulumi CLI and the two Node.js plugins it needs available in `.tools/bin`.
 *
 * - A `pulumi` already on the PATH is used as it is (a user's own install wins); otherwise the CLI is built from
 *   the Go main module in this folder, at the version its go.mod pins (the one place the version lives), and the
 *   build is skipped when `.tools/bin/pulumi version` already says that version.
 * - `pulumi-language-nodejs`: our stand-in (language-host.js, see there why) unless one is on the PATH.
 * - `pulumi-resource-pulumi-nodejs`: the dynamic-provider plugin, a wrapper that runs the `@pulumi/pulumi` of the
 *   program's own node_modules, as the script Pulumi ships beside its CLI does.
 *
 * Exit codes: 0 ready, 2 nothing to run (no pulumi on PATH and no Go), 1 a build failed.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..");
/** Where the installed tools go (ignored by git). */
/** Where the CLI is built; `PULUMI_TOOLS_BIN` moves it (the skip test points it at an empty folder). */
export const TOOLS_BIN = process.env["PULUMI_TOOLS_BIN"] || path.join(root, ".tools", "bin");
const MODULE_DIR = __dirname;

/** The CLI version pinned by tools/pulumi/go.mod, e.g. "v3.274.1". */
export function pinnedVersion(): string {
  const goMod = fs.readFileSync(path.join(MODULE_DIR, "go.mod"), "utf8");
  const match = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+)/.exec(goMod);
  if (match?.[1] === undefined) throw new Error("tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3");
  return match[1];
}

/** The first executable named `name` on `PATH`, skipping `.tools/bin` (so "on the PATH" means the user's own). */
export function onPath(name: string, pathVariable = process.env["PATH"] ?? ""): string | undefined {
  for (const dir of pathVariable.split(path.delimiter)) {
    if (dir === "" || path.resolve(dir) === TOOLS_BIN) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function versionOf(pulumi: string): string | undefined {
  const result = spawnSync(pulumi, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** What the CLI suite runs, once installed. */
export interface PulumiTools {
  /** The `pulumi` executable. */
  pulumi: string;
  /** Where it came from. */
  source: "path" | "built";
  version: string;
  /** Directories to put first on the PATH the CLI sees (its plugins). */
  binDirs: string[];
}

/** The installed tools, if `install` has run (or a `pulumi` is on the PATH and the plugins are in place). */
export function locate(): PulumiTools | undefined {
  const own = onPath("pulumi");
  const built = path.join(TOOLS_BIN, "pulumi");
  const pulumi = own ?? (fs.existsSync(built) ? built : undefined);
  if (pulumi === undefined) return undefined;
  const version = versionOf(pulumi);
  if (version === undefined) return undefined;
  if (!fs.existsSync(path.join(TOOLS_BIN, "pulumi-resource-pulumi-nodejs"))) return undefined;
  return { pulumi, source: own === undefined ? "built" : "path", version, binDirs: [TOOLS_BIN, path.dirname(pulumi)] };
}

function writeScript(name: string, body: string): void {
  const file = path.join(TOOLS_BIN, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
}

/** The two Node.js plugin entry points, as small shell scripts (the engine starts plugins as executables). */
function writePlugins(): void {
  if (onPath("pulumi-language-nodejs") === undefined) {
    const host = path.join(MODULE_DIR, "language-host.js");
    writeScript("pulumi-language-nodejs", `exec node ${JSON.stringify(host)} "$@"`);
  } else {
    fs.rmSync(path.join(TOOLS_BIN, "pulumi-language-nodejs"), { force: true });
  }
  // Resolved from the working directory the engine gives plugins (the program's), so the provider runs with the
  // program's own @pulumi/pulumi and finds this package in the program's node_modules.
  writeScript(
    "pulumi-resource-pulumi-nodejs",
    [
      `script=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))") || {`,
      `  echo "@pulumi/pulumi is not installed in $PWD (run npm install there)" >&2; exit 1; }`,
      `exec node "$script" "$@"`,
    ].join("\n"),
  );
}

/** Builds the CLI into `.tools/bin/pulumi` with Go. Returns the seconds it took. */
function build(version: string): number {
  const started = Date.now();
  const out = path.join(TOOLS_BIN, "pulumi");
  const result = spawnSync(
    "go",
    ["build", "-o", out, "-ldflags", `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`, "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"],
    { cwd: MODULE_DIR, stdio: "inherit" },
  );
  if (result.status !== 0) throw new Error(`go build of the Pulumi CLI ${version} failed (exit ${result.status ?? result.signal})`);
  return (Date.now() - started) / 1000;
}

/** Installs what is missing; returns the tools, or undefined when neither a `pulumi` nor Go is available. */
export function install(log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): PulumiTools | undefined {
  fs.mkdirSync(TOOLS_BIN, { recursive: true });
  const version = pinnedVersion();
  const own = onPath("pulumi");
  if (own !== undefined) {
    log(`pulumi: using ${own} (${versionOf(own) ?? "version unknown"}) from the PATH`);
  } else if (versionOf(path.join(TOOLS_BIN, "pulumi")) === version) {
    log(`pulumi: .tools/bin/pulumi ${version} is up to date`);
  } else if (onPath("go") === undefined) {
    return undefined;
  } else {
    log(`pulumi: building the Pulumi CLI ${version} from tools/pulumi (a cold Go cache takes about 10 minutes)…`);
    log(`pulumi: built .tools/bin/pulumi ${version} in ${build(version).toFixed(0)} s`);
  }
  writePlugins();
  return locate();
}

if (require.main === module) {
  try {
    const tools = install();
    if (tools === undefined) {
      process.stderr.write("pulumi: no `pulumi` on the PATH and no Go toolchain to build one; install either (https://go.dev/dl/)\n");
      process.exit(2);
    }
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

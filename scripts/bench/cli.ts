/**
 * The real Pulumi CLI under the benchmark (issue 14, item 5): `pulumi up`, a no-op `pulumi up` and
 * `pulumi destroy` of N connections against the emulator, for this package (installed from `npm pack` into a temp
 * program, as a user installs it) and for the same program on the minimal provider (minimal-provider.ts: one
 * request per operation), each with its own file backend. Wall time is each command's, from spawn to exit: the
 * engine, the language host, the program and the provider host included, as a user waits for it.
 *
 * The minimal program declares its resources as the dynamic resource type with a pre-serialized `__provider`
 * (what `pulumi.dynamic.Resource` sends), so it skips the closure serialization a user's dynamic provider pays
 * once per program; this package pays it (one 2 KB shim). That favours the floor, never the package.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { aepConfig, SECRET_CONFIG_KEYS } from "../../harness/aep-config";
import { serializeProvider } from "../../harness/provider-host";
import { locate, type PulumiTools } from "../../tools/pulumi/install";
import { timed } from "./measure";
import { minimalProviderShim } from "./minimal-provider";
import { delayTokenRequests } from "./rig";

const REPOSITORY_ROOT = path.resolve(__dirname, "..", "..");
const PROJECT = "aep-cli-bench";
const PASSPHRASE = "cli-bench-passphrase";

/** One program's three commands, ms, and the Flow Service requests each sent. */
export interface CliRun {
  upMs: number;
  noopUpMs: number;
  destroyMs: number;
  requests: { up: number; noopUp: number; destroy: number };
}

export interface CliBenchResult {
  /** This package and the minimal provider at the bench latency, run after run alternating. */
  provider: CliRun[];
  minimal: CliRun[];
  /** The same at 0 ms: the engine's, the hosts' and the program's own fixed cost. */
  providerZero: CliRun[];
  minimalZero: CliRun[];
  pulumiVersion: string;
}

const PROGRAM = `import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection } from "pulumi-aep-azure";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const floor = config.get("minimalProviderFile");
const connectionString = config.requireSecret("connectionString");
for (let i = 0; i < count; i++) {
  const name = \`Bench connection \${i}\`;
  const auth = { specName: "Connection String Based Authentication", params: { connectionString } };
  if (floor === undefined) {
    new BaseConnection(\`bench-\${i}\`, { source: "sql-server", name, auth });
  } else {
    new pulumi.CustomResource("pulumi-nodejs:dynamic:Resource", \`bench-\${i}\`, { __provider: fs.readFileSync(floor, "utf8"), source: "sql-server", name, auth });
  }
}
`;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A temp program with this package installed from its tarball. */
function makeProgram(workDir: string): string {
  const name = run("npm", ["pack", "--silent", "--pack-destination", workDir], REPOSITORY_ROOT).trim().split("\n").pop()!;
  const dir = path.join(workDir, "program");
  fs.mkdirSync(dir);
  const version = (pkg: string): string => (JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${PROJECT}\nruntime: nodejs\ndescription: npm run bench, real CLI\n`);
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: PROJECT, private: true, main: "index.ts", dependencies: { "@pulumi/pulumi": version("@pulumi/pulumi"), "pulumi-aep-azure": `file:${path.join(workDir, name)}`, typescript: version("typescript") } }),
  );
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node10", skipLibCheck: true } }));
  fs.writeFileSync(path.join(dir, "index.ts"), PROGRAM);
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], dir);
  return dir;
}

/** `pulumi <args>` in the program directory; never spawnSync, since the emulator answers from this process. */
async function pulumi(tools: PulumiTools, dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<void> {
  const child = spawn(tools.pulumi, [...args, "--non-interactive"], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout.setEncoding("utf8").on("data", (c: string) => output.push(c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => output.push(c));
  const status = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (status !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${status}:\n${output.join("").slice(-4_000)}`);
}

/** One stack's up, no-op up and destroy, with its own PULUMI_HOME, backend and emulator. */
async function runOnce(tools: PulumiTools, dir: string, options: { connections: number; parallelism: number; latencyMs: number; floorFile?: string }): Promise<CliRun> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-bench-home-"));
  const emulator: Emulator = await startEmulator({ latencyMs: options.latencyMs });
  try {
    fs.mkdirSync(path.join(home, "backend"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: [...tools.binDirs, process.env["PATH"] ?? ""].join(path.delimiter),
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${path.join(home, "backend")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      // The minimal provider loads its .ts file from this checkout through ts-node; the same for both programs.
      NODE_PATH: path.join(REPOSITORY_ROOT, "node_modules"),
      NO_COLOR: "1",
    };
    const stack = `bench-${process.pid}-${Date.now()}`;
    await pulumi(tools, dir, env, ["stack", "init", stack]);
    const config: Record<string, string> = { ...aepConfig(emulator), [`${PROJECT}:count`]: String(options.connections) };
    if (options.floorFile !== undefined) config[`${PROJECT}:minimalProviderFile`] = options.floorFile;
    for (const [key, value] of Object.entries(config)) {
      await pulumi(tools, dir, env, ["config", "set", ...(SECRET_CONFIG_KEYS.includes(key) ? ["--secret"] : []), "--stack", stack, key, value]);
    }
    await pulumi(tools, dir, env, [
      "config", "set", "--secret", "--stack", stack, `${PROJECT}:connectionString`,
      "Data Source=sql01.contoso.com;Initial Catalog=Orders;Integrated Security=False;User ID=aep_reader;Password=Bench-Secret-1;",
    ]);
    delayTokenRequests(emulator, options.latencyMs);
    const flowRequests = (): number => emulator.requests.filter((r) => r.kind === "flow").length;
    const step = async (args: string[]): Promise<{ ms: number; requests: number }> => {
      const before = flowRequests();
      const { ms } = await timed(() => pulumi(tools, dir, env, [...args, "--stack", stack, "--yes", "--skip-preview", "--parallel", String(options.parallelism)]));
      return { ms, requests: flowRequests() - before };
    };
    const up = await step(["up"]);
    if (emulator.store.list().length !== options.connections) throw new Error(`up left ${emulator.store.list().length} connections, not ${options.connections}`);
    const noop = await step(["up"]);
    const destroyed = await step(["destroy"]);
    if (emulator.store.list().length !== 0) throw new Error(`destroy left ${emulator.store.list().length} connections`);
    await pulumi(tools, dir, env, ["stack", "rm", "--yes", "--force", stack]);
    return { upMs: up.ms, noopUpMs: noop.ms, destroyMs: destroyed.ms, requests: { up: up.requests, noopUp: noop.requests, destroy: destroyed.requests } };
  } finally {
    await emulator.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Undefined when no CLI is there (`npm run pulumi:install` builds one). */
export async function runCliBench(
  options: { connections: number; parallelism: number; latencyMs: number; runs: number },
  log: (message: string) => void,
): Promise<CliBenchResult | undefined> {
  const tools = locate();
  if (tools === undefined) return undefined;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-bench-"));
  try {
    const dir = makeProgram(workDir);
    const floorFile = path.join(workDir, "minimal-provider.txt");
    fs.writeFileSync(floorFile, await serializeProvider(minimalProviderShim));
    const result: CliBenchResult = { provider: [], minimal: [], providerZero: [], minimalZero: [], pulumiVersion: run(tools.pulumi, ["version"], workDir).trim() };
    for (let i = 1; i <= options.runs; i++) {
      for (const latencyMs of [options.latencyMs, 0]) {
        const ours = await runOnce(tools, dir, { ...options, latencyMs });
        const floor = await runOnce(tools, dir, { ...options, latencyMs, floorFile });
        (latencyMs === 0 && options.latencyMs !== 0 ? result.providerZero : result.provider).push(ours);
        (latencyMs === 0 && options.latencyMs !== 0 ? result.minimalZero : result.minimal).push(floor);
        log(`real CLI, ${latencyMs} ms: run ${i}/${options.runs}: up ${(ours.upMs / 1000).toFixed(1)} s vs ${(floor.upMs / 1000).toFixed(1)} s minimal`);
        if (options.latencyMs === 0) break;
      }
    }
    return result;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * Shared by the real-CLI suite (tests/cli): finds or builds the Pulumi CLI, packs this package once per mocha run,
 * installs it into a temp program directory as a user would, and drives stacks there through
 * `@pulumi/pulumi/automation` with a local file backend.
 *
 * Everything here is offline: file backend, passphrase secrets provider, no update check, a temp PULUMI_HOME (so no
 * plugin of the user's is seen and nothing is downloaded; the programs need no resource plugin).
 */
import * as assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import type { Emulator } from "../../emulator";
import { aepConfig, SECRET_CONFIG_KEYS } from "../../harness/aep-config";
import { install, locate, onPath, type PulumiTools } from "../../tools/pulumi/install";

export const repositoryRoot = path.resolve(__dirname, "..", "..");
export const PROJECT = "aep-cli-suite";
export const PASSPHRASE = "cli-suite-passphrase";

/** The made-up secrets the program reads from config; none may appear in plain text anywhere. */
export const SECRETS = {
  sqlPassword: "Sq1-pass;word=\"one\"",
  sqlPasswordRotated: "Sq1-rotated-pass-two",
  synapsePassword: "Syn-ap5e-secret-one",
  spSecret: "Qx8Q~k2Zr.Yw5VbT3nM1pLs9Hd6Fg4Jc7Ae0Uo_i",
  storageKey: "EfvHzs8M73UZ1rmzprXcE97xFZv6aVo0AeL+dOo1Sw9xhDCLG4F+IaInX8fkSX0TnjAWgo0OwR0UlFSImWi0+w==",
  databricksToken: "dapi-cli-suite-0123456789abcdef",
  ordersConnectionString:
    "Data Source=sql01.contoso.com\\SALES;Initial Catalog=Orders;Integrated Security=False;User ID=aep_reader;Password=Raw-Orders-Secret-9;",
} as const;

/** The program every CLI test runs; `scenario` picks what it declares. */
export const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
  AdlsGen2Connection, BaseConnection, DatabricksConnection, SqlServerConnection, SynapseConnection, TableStorageConnection,
} from "pulumi-aep-azure";

const config = new pulumi.Config();
const scenario = config.get("scenario") ?? "all";
const prefix = config.get("prefix") ?? "Acme";
const tenant = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
const servicePrincipalId = "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f";

if (scenario === "all") {
  new SynapseConnection("warehouse", {
    displayName: \`\${prefix} sales warehouse\`,
    sqlLogin: { server: "contoso-ws.sql.azuresynapse.net", database: "SalesDW", user: "aepadmin", password: config.requireSecret("synapsePassword") },
  });
  new SynapseConnection("warehouse-sp", {
    displayName: \`\${prefix} sales warehouse (service principal)\`,
    servicePrincipal: { server: "contoso-ws.sql.azuresynapse.net", database: "SalesDW", tenant, servicePrincipalId, servicePrincipalSecret: config.requireSecret("spSecret") },
  });
  new SqlServerConnection("orders", {
    displayName: \`\${prefix} orders\`,
    sqlLogin: { server: "sql01.contoso.com", database: "Orders", user: "aep_reader", password: config.requireSecret("sqlPassword") },
  });
  new AdlsGen2Connection("lake", {
    displayName: \`\${prefix} data lake\`,
    accountName: "contosolake", tenant, servicePrincipalId, servicePrincipalSecret: config.requireSecret("spSecret"),
  });
  new TableStorageConnection("tables", {
    displayName: \`\${prefix} tables\`,
    accountKey: { accountName: "contosotables", accountKey: config.requireSecret("storageKey") },
  });
  new DatabricksConnection("bricks", {
    displayName: \`\${prefix} lakehouse\`,
    workspaceUrl: "adb-1234567890123456.7.azuredatabricks.net", clusterId: "0923-164208-abcd1234",
    accessToken: config.requireSecret("databricksToken"), database: "default",
  });
  new BaseConnection("raw-orders", {
    source: "sql-server",
    name: \`\${prefix} raw orders\`,
    auth: { specName: "Connection String Based Authentication", params: { connectionString: config.requireSecret("ordersConnectionString") } },
  });
} else if (scenario === "one") {
  new AdlsGen2Connection("lake", {
    displayName: \`\${prefix} data lake\`,
    sandboxName: config.get("sandbox"),
    accountName: "contosolake", tenant, servicePrincipalId, servicePrincipalSecret: config.requireSecret("spSecret"),
  });
} else if (scenario === "bad-account") {
  new AdlsGen2Connection("lake", {
    accountName: "AcmeLake", tenant, servicePrincipalId, servicePrincipalSecret: config.requireSecret("spSecret"),
  });
} else if (scenario === "both-auth") {
  // What untyped JavaScript can do: both auth groups at once (the types forbid it).
  const args: any = {
    sqlLogin: { server: "contoso-ws.sql.azuresynapse.net", database: "SalesDW", user: "aepadmin", password: config.requireSecret("synapsePassword") },
    connectionString: config.requireSecret("ordersConnectionString"),
  };
  new SynapseConnection("warehouse", args);
} else if (scenario === "bad-password-output") {
  // Known only when the program runs (an Output), and secret: the error must name it without showing it.
  new SynapseConnection("warehouse", {
    sqlLogin: { server: "contoso-ws.sql.azuresynapse.net", database: "SalesDW", user: "aepadmin", password: config.requireSecret("synapsePassword").apply((p) => \`\${p}\n\`) },
  });
}
`;

let toolsOnce: PulumiTools | undefined | null = null;
let skipLinePrinted = false;

/**
 * The CLI tools, building them when Go is there; undefined (after one visible line) when the suite must skip.
 * Under CI=true a missing CLI is an error, so CI cannot go green without having run the suite.
 */
export function cliTools(): PulumiTools | undefined {
  if (toolsOnce === null) {
    toolsOnce = locate() ?? (onPath("go") !== undefined || onPath("pulumi") !== undefined ? install((line) => console.log(`      ${line}`)) : undefined);
  }
  if (toolsOnce === undefined) {
    if (process.env["CI"] === "true") {
      throw new Error("CI=true but the Pulumi CLI suite cannot run: no `pulumi` on the PATH and no Go to build one (npm run pulumi:install)");
    }
    if (!skipLinePrinted) {
      skipLinePrinted = true;
      console.log("      SKIPPED the real Pulumi CLI suite: no `pulumi` on the PATH and no Go; install Go 1.26 (or pulumi) and run `npm run pulumi:install`");
    }
  }
  return toolsOnce;
}

/** The environment every CLI call gets (also for direct spawns). */
export function cliEnv(tools: PulumiTools, home: string, backendDir: string): Record<string, string> {
  return {
    PATH: [...tools.binDirs, process.env["PATH"] ?? ""].join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // The SDK's ts-node: transpile only (type checking the program on every run would double the suite's time).
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    // Keep AEP_* variables of the developer's shell out: the program must get its settings from stack config.
    AEP_PLATFORM_URL: "",
    AEP_IMS_URL: "",
    AEP_CLIENT_ID: "",
    AEP_CLIENT_SECRET: "",
    AEP_ORG_ID: "",
    AEP_SANDBOX_NAME: "",
    NO_COLOR: "1",
  };
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_audit: "false", npm_config_fund: "false" } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

let tarballOnce: string | undefined;

let builtOnce = false;

/** Builds dist/ as `npm pack` would (clean, `npm run build`) unless `npm test` just did, once per mocha process. */
export function builtPackage(): void {
  if (builtOnce) return;
  if (process.env["npm_lifecycle_event"] !== "test" || !fs.existsSync(path.join(repositoryRoot, "dist", "index.js"))) {
    run("npm", ["run", "--silent", "build"], repositoryRoot);
  }
  builtOnce = true;
}

/**
 * `npm pack` of this package (built first unless `npm test` just built it), once per mocha process; the temp folder
 * holding it is removed when the process exits.
 */
export function packedTarball(): string {
  if (tarballOnce !== undefined) return tarballOnce;
  builtPackage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-pack-"));
  process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: prepack would build a second time.
  const name = run("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], repositoryRoot).trim().split("\n").pop()!;
  tarballOnce = path.join(dir, name);
  return tarballOnce;
}

/** How a program is laid out and what `npm install` gets besides the tarball. */
export interface ProgramOptions {
  /**
   * Given: the program's package.json has no dependencies and `npm install <packages…> <tarball>` runs, as a user
   * types it (e.g. `["@pulumi/pulumi", "typescript"]`: npm picks the versions). Default: this checkout's SDK and
   * TypeScript versions, pinned.
   */
  readonly packages?: readonly string[];
  /** More package.json fields, e.g. `{ type: "module" }`. */
  readonly packageJson?: Readonly<Record<string, unknown>>;
  /** tsconfig.json (default: CommonJS, node10 resolution, as the suite's TypeScript 5 takes it). */
  readonly tsconfig?: object;
}

/** Writes a temp program directory; returns it and the `npm install` arguments that complete it. */
function writeProgram(program: string, project: string, options: ProgramOptions): { dir: string; install: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-program-"));
  const versionOf = (name: string): string => (JSON.parse(fs.readFileSync(path.join(repositoryRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  const dependencies = options.packages === undefined ? { "@pulumi/pulumi": versionOf("@pulumi/pulumi"), "pulumi-aep-azure": `file:${packedTarball()}`, typescript: versionOf("typescript") } : {};
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${project}\nruntime: nodejs\ndescription: real-CLI suite program\n`);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: project, private: true, main: "index.ts", ...options.packageJson, dependencies }, null, 2));
  const tsconfig = options.tsconfig ?? { compilerOptions: { strict: false, target: "ES2022", module: "commonjs", moduleResolution: "node10", esModuleInterop: true, skipLibCheck: true } };
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
  fs.writeFileSync(path.join(dir, "index.ts"), program);
  const install = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...(options.packages === undefined ? [] : [...options.packages, packedTarball()])];
  return { dir, install };
}

/** A temp program directory with this package installed from the tarball, as `npm install` would for a user. */
export function makeProgram(program = PROGRAM, project = PROJECT, options: ProgramOptions = {}): string {
  const { dir, install } = writeProgram(program, project, options);
  run("npm", install, dir);
  return dir;
}

/** {@link makeProgram} without blocking, so that several programs install at once. */
export async function makeProgramAsync(program = PROGRAM, project = PROJECT, options: ProgramOptions = {}): Promise<string> {
  const { dir, install } = writeProgram(program, project, options);
  const result = await runAsync("npm", install, dir, { ...process.env, npm_config_audit: "false", npm_config_fund: "false" });
  if (result.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`npm ${install.join(" ")} failed for a program in ${dir} (removed):\n${result.stdout}\n${result.stderr}`);
  }
  return dir;
}

/** One stack of a program under the real CLI, with its own PULUMI_HOME and file backend. */
export interface CliStack {
  readonly stack: Stack;
  readonly env: Record<string, string>;
  readonly programDir: string;
  readonly home: string;
  readonly tools: PulumiTools;
  /**
   * `pulumi <args>` in the program directory on this stack. Never spawnSync: the emulator runs in this process and
   * a blocked event loop would leave the CLI's requests unanswered.
   */
  cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** `pulumi <args>` as a child process (for interrupting it). */
  spawnCli(args: string[]): ChildProcess;
  remove(): Promise<void>;
}

/**
 * `command <args>` in `cwd` with exactly `env`, asynchronously: never spawnSync for anything that talks to the
 * emulator, since an emulator in this process would leave the requests unanswered while the event loop is blocked.
 */
export async function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.setEncoding("utf8").on("data", (c: string) => stdout.push(c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => stderr.push(c));
  const status = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return { status, stdout: stdout.join(""), stderr: stderr.join("") };
}

/** `pulumi <args>` in `cwd` with exactly `env` (see {@link runAsync}). */
export function pulumi(tools: PulumiTools, cwd: string, env: NodeJS.ProcessEnv, args: string[]): ReturnType<typeof runAsync> {
  return runAsync(tools.pulumi, args, cwd, env);
}

/** Creates (or selects) `stackName` in `programDir`, AEP settings from `pulumi config set` (secret ones --secret). */
export async function cliStack(tools: PulumiTools, programDir: string, stackName: string, emulator: Emulator, config: Record<string, string>): Promise<CliStack> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-home-"));
  const backend = path.join(home, "backend");
  fs.mkdirSync(backend);
  const env = cliEnv(tools, home, backend);
  const pulumiCommand = await PulumiCommand.get({ root: path.dirname(path.dirname(tools.pulumi)), skipVersionCheck: true });
  const workspace = await LocalWorkspace.create({ workDir: programDir, envVars: env, pulumiCommand });
  const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: programDir }, { workDir: programDir, envVars: env, pulumiCommand });
  void workspace;
  for (const [key, value] of Object.entries(aepConfig(emulator))) {
    await stack.setConfig(key, { value, secret: SECRET_CONFIG_KEYS.includes(key) });
  }
  await stack.setAllConfig({
    [`${PROJECT}:synapsePassword`]: { value: SECRETS.synapsePassword, secret: true },
    [`${PROJECT}:sqlPassword`]: { value: SECRETS.sqlPassword, secret: true },
    [`${PROJECT}:spSecret`]: { value: SECRETS.spSecret, secret: true },
    [`${PROJECT}:storageKey`]: { value: SECRETS.storageKey, secret: true },
    [`${PROJECT}:databricksToken`]: { value: SECRETS.databricksToken, secret: true },
    [`${PROJECT}:ordersConnectionString`]: { value: SECRETS.ordersConnectionString, secret: true },
    ...Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, { value }])),
  });
  const fullEnv = { ...process.env, ...env };
  return {
    stack,
    env,
    programDir,
    home,
    tools,
    cli: (args) => pulumi(tools, programDir, fullEnv, [...args, "--stack", stackName, "--non-interactive"]),
    spawnCli: (args) => spawn(tools.pulumi, [...args, "--stack", stackName, "--non-interactive"], { cwd: programDir, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] }),
    remove: async () => {
      await stack.workspace.removeStack(stackName, { force: true }).catch(() => undefined);
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Flow Service requests (not IMS) the emulator saw, optionally writes only. */
export function flowRequests(emulator: Emulator, writesOnly = false): number {
  return emulator.requests.filter((r) => r.kind === "flow" && (!writesOnly || r.method !== "GET")).length;
}

/** Plain secrets found in `text` (the made-up ones and the AEP client secret). */
export function plainSecretsIn(text: string, emulator: Emulator): string[] {
  const all = [...Object.values(SECRETS), emulator.client.clientSecret];
  // The SQL password is written into the connection string with ADO.NET quoting; look for its distinctive part too.
  return all.filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
}

/** Fails when `text` holds a line of a Node.js stack trace (`    at fn (file:line:col)`). */
export function assertNoStackTrace(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, text);
}

/** Collects a child's output and resolves when it exits. */
export function collect(child: ChildProcess): { output: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const chunks: string[] = [];
  child.stdout?.setEncoding("utf8").on("data", (c: string) => chunks.push(c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => chunks.push(c));
  return {
    output: () => chunks.join(""),
    exited: new Promise((resolve) => child.once("close", (code, signal) => resolve({ code, signal }))),
  };
}

/** Waits until `predicate` holds (polling), or throws after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `npm run demo`: the main job on the embedded default.
 *
 * Starts the Flow Service emulator and runs examples/all-sources (Azure resources mocked, AEP connections real
 * against the emulator) through the test engine: preview, up, an idle up, a rename + password rotation,
 * refresh after a connection is deleted behind Pulumi's back, and destroy. With `--cli` and a Pulumi CLI (one
 * on the PATH, or .tools/bin/pulumi from `npm run pulumi:install`), it runs examples/quickstart through that CLI with
 * a local file backend instead, since the all-sources program would create real Azure resources there.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { azureInvokes, azureResourceOutputs, tenantId } from "../harness/azure-mocks";
import { aepConfigEntries } from "../harness/aep-config";
import { TestEngine, type EngineResult } from "../harness/test-engine";
import { locate, type PulumiTools } from "../tools/pulumi/install";

const root = path.resolve(__dirname, "..");
const CONNECTION = "pulumi-nodejs:dynamic/aep:BaseConnection";

function line(text = ""): void {
  process.stdout.write(`${text}\n`);
}

function step(title: string, detail: string): void {
  line(`▸ ${title.padEnd(34)} ${detail}`);
}

function count(result: EngineResult, op: string): number {
  return result.steps.filter((s) => s.type === CONNECTION && s.op === op).length;
}

function flowWrites(emulator: Emulator): number {
  return emulator.requests.filter((r) => r.kind === "flow" && r.method !== "GET").length;
}

function check(result: EngineResult, what: string): void {
  if (!result.succeeded) {
    line(result.stderr);
    line(result.diagnostics.map((d) => d.message).join("\n"));
    throw new Error(`${what} failed`);
  }
}

function printConnections(emulator: Emulator): void {
  for (const c of emulator.store.list().sort((a, b) => a.name.localeCompare(b.name))) {
    line(`    ${c.name.padEnd(44)} ${c.id}  (spec ${c.connectionSpec.id.slice(0, 8)}…, sandbox ${c.sandboxName})`);
  }
}

async function timed<T>(run: () => Promise<T>): Promise<[T, string]> {
  const started = Date.now();
  const result = await run();
  return [result, `${((Date.now() - started) / 1000).toFixed(1)} s`];
}

async function demoWithTestEngine(emulator: Emulator, stateDir: string): Promise<void> {
  const engine = new TestEngine({
    programDir: path.join(root, "examples", "all-sources"),
    stateFile: path.join(stateDir, "state.json"),
    mocks: azureResourceOutputs,
    invokes: azureInvokes,
    config: {
      ...aepConfigEntries(emulator),
      "aep-all-sources:databricksClusterId": { value: "0923-164208-abcd1234" },
      "aep-all-sources:databricksToken": { value: "dapi-demo-token-0123456789abcdef", secret: true },
    },
  });
  line("Program: examples/all-sources (Azure, Entra ID and random resources mocked; AEP connections real)");
  line();

  let [result, took] = await timed(() => engine.preview());
  check(result, "preview");
  step("pulumi preview", `${count(result, "create")} connections to create, ${flowWrites(emulator)} writes sent to AEP (${took})`);

  [result, took] = await timed(() => engine.up());
  check(result, "up");
  step("pulumi up", `created ${count(result, "create")} base connections (${took}):`);
  printConnections(emulator);

  emulator.clearRequests();
  [result, took] = await timed(() => engine.up());
  check(result, "second up");
  step("pulumi up (nothing changed)", `${count(result, "same")} unchanged, ${flowWrites(emulator)} writes sent to AEP (${took})`);

  const idsBefore = emulator.store.list().map((c) => c.id).sort().join();
  engine.setConfig("aep-all-sources:namePrefix", { value: "Contoso" });
  engine.setConfig("aep-all-sources:passwordRotation", { value: "2" });
  [result, took] = await timed(() => engine.up());
  check(result, "rename + rotation");
  const sameIds = emulator.store.list().map((c) => c.id).sort().join() === idsBefore;
  step("rename + rotate SQL passwords", `${count(result, "update")} updated in place, connection ids ${sameIds ? "unchanged" : "CHANGED"} (${took})`);

  const victim = emulator.store.list().find((c) => c.connectionSpec.id === "b3ba5556-48be-44b7-8b85-ff2b69b46dc4")!;
  emulator.store.remove(victim.id);
  [result, took] = await timed(() => engine.refresh());
  check(result, "refresh");
  step("delete in AEP UI, pulumi refresh", `"${victim.name}" ${count(result, "refresh-delete") === 1 ? "dropped from state" : "NOT noticed"} (${took})`);
  [result, took] = await timed(() => engine.up());
  check(result, "up after refresh");
  step("pulumi up", `recreated ${count(result, "create")} connection (${took})`);

  const stateText = fs.readFileSync(path.join(stateDir, "state.json"), "utf8");
  const plain = ["dapi-demo-token-0123456789abcdef", emulator.env()["AEP_CLIENT_SECRET"]!].filter((s) => stateText.includes(s));
  step("state file", `${(stateText.length / 1024).toFixed(1)} KB, ${plain.length === 0 ? "no secret in plain text" : "PLAIN-TEXT SECRET FOUND"}`);

  [result, took] = await timed(() => engine.destroy());
  check(result, "destroy");
  step("pulumi destroy", `deleted ${count(result, "delete")} connections, ${emulator.store.list().length} left in AEP (${took})`);
  if (!sameIds || plain.length > 0 || emulator.store.list().length > 0) {
    throw new Error("the demo observed an unexpected result (see above)");
  }
}

/**
 * Runs the CLI as a child without blocking: the emulator answers from this process, so a spawnSync here would
 * leave every request of the CLI's provider unanswered until it times out.
 */
async function pulumiCli(pulumi: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(pulumi, [...args, "--non-interactive"], { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
  const status = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  if (status !== 0) {
    throw new Error(`pulumi ${args.join(" ")} exited with ${status}`);
  }
}

function npm(args: string[], cwd: string): string {
  const result = spawnSync("npm", args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout.trim();
}

/**
 * examples/quickstart copied into `dir`, with this package installed from `npm pack` (as a user installs it), since
 * the real CLI resolves `pulumi-aep-azure` from the program's node_modules and the checkout has no such folder.
 */
function quickstartProgram(dir: string): string {
  const program = path.join(dir, "program");
  fs.mkdirSync(program);
  for (const file of ["Pulumi.yaml", "index.ts"]) fs.copyFileSync(path.join(root, "examples", "quickstart", file), path.join(program, file));
  const tarball = path.join(dir, npm(["pack", "--silent", "--pack-destination", dir], root).split("\n").pop()!);
  const version = (name: string): string => (JSON.parse(fs.readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  const dependencies = { "@pulumi/pulumi": version("@pulumi/pulumi"), typescript: version("typescript"), "pulumi-aep-azure": `file:${tarball}` };
  fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "aep-quickstart", private: true, main: "index.ts", dependencies }, null, 2));
  npm(["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], program);
  return program;
}

async function demoWithPulumiCli(tools: PulumiTools, emulator: Emulator, stateDir: string): Promise<void> {
  line(`Program: examples/quickstart through ${tools.pulumi} ${tools.version} (local file backend, AEP settings from AEP_* variables)`);
  const cwd = quickstartProgram(stateDir);
  const home = path.join(stateDir, "pulumi-home");
  const backend = path.join(stateDir, "backend");
  fs.mkdirSync(backend);
  const env = {
    ...process.env,
    ...emulator.env(),
    PATH: [...tools.binDirs, process.env["PATH"] ?? ""].join(path.delimiter),
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  const cli = (args: string[]): Promise<void> => pulumiCli(tools.pulumi, args, cwd, env);
  await cli(["stack", "init", "demo"]);
  await cli(["config", "set", "storageAccountName", "acmelake"]);
  await cli(["config", "set", "tenantId", tenantId]);
  await cli(["config", "set", "servicePrincipalId", "e7b8c1f2-1234-4c9a-9f3e-abcdef123456"]);
  await cli(["config", "set", "--secret", "servicePrincipalSecret", "demo-secret-value"]);
  await cli(["up", "--yes"]);
  printConnections(emulator);
  await cli(["up", "--yes"]);
  await cli(["config", "set", "displayName", "Quickstart data lake (renamed)"]);
  await cli(["up", "--yes", "--diff"]);
  printConnections(emulator);
  await cli(["refresh", "--yes"]);
  await cli(["destroy", "--yes"]);
  await cli(["stack", "rm", "demo", "--yes"]);
  step("pulumi destroy", `${emulator.store.list().length} connections left in AEP`);
  if (emulator.store.list().length > 0) throw new Error("the demo observed an unexpected result (see above)");
}

async function main(): Promise<void> {
  const tools = process.argv.includes("--cli") ? locate() : undefined;
  if (process.argv.includes("--cli") && tools === undefined) {
    line("No Pulumi CLI (none on the PATH, none in .tools/bin: run `npm run pulumi:install`); running the test engine demo instead.");
  }
  const emulator = await startEmulator();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-demo-"));
  line(`Flow Service emulator on ${emulator.url}; state in ${stateDir}`);
  try {
    await (tools !== undefined ? demoWithPulumiCli(tools, emulator, stateDir) : demoWithTestEngine(emulator, stateDir));
    line();
    line("Demo finished: every step behaved as expected.");
  } finally {
    await emulator.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * `npm run demo`: the main job on the embedded default.
 *
 * Starts the Flow Service emulator and runs examples/all-sources (Azure resources mocked, AEP connections real
 * against the emulator) through the test engine: preview, up, an idle up, a rename + password rotation,
 * refresh after a connection is deleted behind Pulumi's back, and destroy. With a `pulumi` CLI on the PATH
 * (and `--cli`), it runs examples/quickstart through that CLI with a local file backend instead, since the
 * all-sources program would create real Azure resources there.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { azureInvokes, azureResourceOutputs, tenantId } from "../harness/azure-mocks";
import { aepConfigEntries } from "../harness/aep-config";
import { TestEngine, type EngineResult } from "../harness/test-engine";

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

function pulumiCli(args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync("pulumi", args, { cwd, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    throw new Error(`pulumi ${args.join(" ")} exited with ${result.status}`);
  }
}

async function demoWithPulumiCli(emulator: Emulator, stateDir: string): Promise<void> {
  const cwd = path.join(root, "examples", "quickstart");
  const env = { ...process.env, ...emulator.env(), PULUMI_BACKEND_URL: `file://${stateDir}`, PULUMI_CONFIG_PASSPHRASE: "demo", PULUMI_SKIP_UPDATE_CHECK: "true" };
  line("Program: examples/quickstart through the pulumi CLI (local file backend, AEP settings from AEP_* variables)");
  pulumiCli(["stack", "init", "demo", "--non-interactive"], cwd, env);
  pulumiCli(["config", "set", "storageAccountName", "acmelake"], cwd, env);
  pulumiCli(["config", "set", "tenantId", tenantId], cwd, env);
  pulumiCli(["config", "set", "servicePrincipalId", "e7b8c1f2-1234-4c9a-9f3e-abcdef123456"], cwd, env);
  pulumiCli(["config", "set", "--secret", "servicePrincipalSecret", "demo-secret-value"], cwd, env);
  pulumiCli(["up", "--yes", "--non-interactive"], cwd, env);
  printConnections(emulator);
  pulumiCli(["refresh", "--yes", "--non-interactive"], cwd, env);
  pulumiCli(["destroy", "--yes", "--non-interactive"], cwd, env);
  pulumiCli(["stack", "rm", "demo", "--yes", "--non-interactive"], cwd, env);
}

async function main(): Promise<void> {
  const useCli = process.argv.includes("--cli") && spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
  const emulator = await startEmulator();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-demo-"));
  line(`Flow Service emulator on ${emulator.url}; state in ${stateDir}`);
  try {
    await (useCli ? demoWithPulumiCli(emulator, stateDir) : demoWithTestEngine(emulator, stateDir));
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

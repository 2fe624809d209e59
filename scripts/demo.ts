/**
 * `npm run demo`: the main job on the embedded default.
 *
 * Starts the Flow Service emulator and runs examples/all-sources (Azure resources mocked; AEP base connections,
 * dataset and dataflows real, against the emulator) through the test engine: preview, up, an idle up, a rename and a
 * password rotation, a schedule change and a mapping change applied in place, a change of table that replaces a
 * dataflow, refresh after a dataflow is disabled and a connection deleted behind Pulumi's back, and destroy.
 *
 * With `--cli` and a Pulumi CLI (one on the PATH, or .tools/bin/pulumi from `npm run pulumi:install`), it runs
 * examples/quickstart with its dataflow through that CLI with a local file backend instead (the all-sources program
 * would create real Azure resources there), editing the program's copy between steps as a user would.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_IN_SCHEMAS, startEmulator, type Emulator } from "../emulator";
import { azureInvokes, azureResourceOutputs, tenantId } from "../harness/azure-mocks";
import { aepConfigEntries } from "../harness/aep-config";
import { aepObjectCounts, pinnedMapping } from "../harness/aep-objects";
import type { StepOp } from "../harness/engine-model";
import { TestEngine, type EngineResult } from "../harness/test-engine";
import { locate, type PulumiTools } from "../tools/pulumi/install";

const root = path.resolve(__dirname, "..");
const DYNAMIC = "pulumi-nodejs:dynamic/aep:";
const SCHEMA_ID = BUILT_IN_SCHEMAS[0]!.id;

/** The AEP object types, in the order a user thinks of them, with their plural for the summaries. */
const OBJECT_TYPES: readonly [string, string][] = [
  ["BaseConnection", "base connections"],
  ["Dataset", "dataset"],
  ["SourceConnection", "source connections"],
  ["TargetConnection", "target connections"],
  ["MappingSet", "mapping sets"],
  ["Dataflow", "dataflows"],
];

/** What a newcomer needs to read the rest. */
const GLOSSARY = [
  "An AEP dataflow is made of four objects, each a Pulumi resource: a source connection (what to read, through a base",
  "connection), a target connection (the dataset to write), a mapping set (source columns to XDM fields, versioned) and",
  "the flow itself (its schedule). A source component's ingest() declares all four.",
];

function line(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** A step's title, then its results indented below it. */
function step(title: string, ...details: string[]): void {
  line();
  line(`▸ ${title}`);
  for (const detail of details) line(`    ${detail}`);
}

/** "6 base connections, 1 dataset, 5 dataflows": the AEP objects of `result`'s steps with one of `ops`. */
function tally(result: EngineResult, ...ops: StepOp[]): string {
  const parts = OBJECT_TYPES.flatMap(([type, plural]) => {
    const n = result.steps.filter((s) => s.type === `${DYNAMIC}${type}` && ops.includes(s.op)).length;
    return n === 0 ? [] : [`${n} ${n === 1 ? plural.replace(/s$/, "") : plural}`];
  });
  return parts.length === 0 ? "nothing" : parts.join(", ");
}

function count(result: EngineResult, type: string, op: StepOp): number {
  return result.steps.filter((s) => s.type === `${DYNAMIC}${type}` && s.op === op).length;
}

function flowWrites(emulator: Emulator): number {
  return emulator.requests.filter((r) => r.kind === "flow" && r.method !== "GET").length;
}

/** Every AEP object the emulator holds: base connections and what dataflows are made of. */
function objectsInAep(emulator: Emulator): number {
  return Object.values(aepObjectCounts(emulator)).reduce((sum, n) => sum + n, 0);
}

function check(result: EngineResult, what: string): void {
  if (!result.succeeded) {
    line(result.stderr);
    line(result.diagnostics.map((d) => d.message).join("\n"));
    throw new Error(`${what} failed`);
  }
}

/** Throws when the demo saw something other than what it shows. */
function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`the demo observed an unexpected result: ${what}`);
}

function short(id: string): string {
  return `${id.slice(0, 8)}…`;
}

function printConnections(emulator: Emulator): void {
  line("    Base connections in AEP:");
  for (const c of emulator.store.list().sort((a, b) => a.name.localeCompare(b.name))) {
    line(`      ${c.name.padEnd(44)} ${short(c.id)}  sandbox ${c.sandboxName}`);
  }
}

/** One line per dataflow: what it reads, through which connection, when, and into which dataset. */
function printDataflows(emulator: Emulator): void {
  const d = emulator.dataflows;
  line("    Dataflows in AEP:");
  for (const flow of d.flows().sort((a, b) => a.name.localeCompare(b.name))) {
    const source = d.sourceConnections().find((c) => c.id === flow.sourceConnectionIds[0]);
    const target = d.targetConnections().find((c) => c.id === flow.targetConnectionIds[0]);
    const connection = emulator.store.get(source?.baseConnectionId ?? "");
    const dataset = d.datasets().find((x) => x.id === target?.params["dataSetId"]);
    const reads = String(source?.params["tableName"] ?? source?.params["path"] ?? "?");
    const schedule = flow.scheduleParams ?? {};
    const every = `every ${String(schedule["interval"])} ${String(schedule["frequency"])}${Number(schedule["interval"]) === 1 ? "" : "s"}`;
    line(`      ${flow.name.padEnd(26)} ${short(flow.id)}  ${flow.state.padEnd(8)} ${every.padEnd(14)} ${reads} via "${connection?.name ?? "?"}" → "${dataset?.name ?? "?"}" (mapping v${pinnedMapping(flow).mappingVersion})`);
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
      // The emulator's built-in XDM schema and its tenant namespace.
      "aep-all-sources:schemaId": { value: SCHEMA_ID },
      "aep-all-sources:tenantNamespace": { value: "_acmeemulator" },
    },
  });
  line("Program: examples/all-sources (Azure, Entra ID and random resources mocked; the AEP objects are real, in the emulator)");
  for (const text of GLOSSARY) line(text);
  const flows = () => emulator.dataflows.flows().map((f) => f.id).sort().join();
  const connections = () => emulator.store.list().map((c) => c.id).sort().join();

  let [result, took] = await timed(() => engine.preview());
  check(result, "preview");
  step("pulumi preview", `to create: ${tally(result, "create")}`, `${flowWrites(emulator)} writes sent to AEP (${took})`);

  [result, took] = await timed(() => engine.up());
  check(result, "up");
  step("pulumi up", `created ${tally(result, "create")} (${took})`);
  expect(count(result, "BaseConnection", "create") === 6 && count(result, "Dataflow", "create") === 5, "up created 6 connections and 5 dataflows");
  printConnections(emulator);
  printDataflows(emulator);

  emulator.clearRequests();
  [result, took] = await timed(() => engine.up());
  check(result, "second up");
  const unchanged = result.steps.filter((s) => s.type.startsWith(DYNAMIC) && s.op === "same").length;
  step("pulumi up (nothing changed)", `${unchanged} AEP objects unchanged, ${flowWrites(emulator)} writes sent to AEP (${took})`);
  expect(flowWrites(emulator) === 0, "an idle up wrote nothing");

  let connectionsBefore = connections();
  let flowsBefore = flows();
  engine.setConfig("aep-all-sources:namePrefix", { value: "Contoso" });
  engine.setConfig("aep-all-sources:passwordRotation", { value: "2" });
  [result, took] = await timed(() => engine.up());
  check(result, "rename + rotation");
  const sameIds = connections() === connectionsBefore && flows() === flowsBefore;
  step(
    "rename (namePrefix Acme → Contoso) + rotate the SQL passwords, pulumi up",
    `updated in place: ${tally(result, "update")} (${took})`,
    `connection and dataflow ids ${sameIds ? "unchanged" : "CHANGED"}`,
  );
  expect(sameIds && count(result, "BaseConnection", "update") === 6, "the rename updated every connection in place");

  flowsBefore = flows();
  engine.setConfig("aep-all-sources:ingestEveryHours", { value: "6" });
  engine.setConfig("aep-all-sources:mapOrderDetails", { value: "true" });
  [result, took] = await timed(() => engine.up());
  check(result, "schedule and mapping change");
  const pinsCurrent = emulator.dataflows.flows().every((f) => {
    const { mappingId, mappingVersion } = pinnedMapping(f);
    const set = emulator.dataflows.mappingSets().find((m) => m.id === mappingId);
    return set !== undefined && set.versions[set.versions.length - 1]!.version === mappingVersion;
  });
  step(
    "every 6 hours instead of 1 (ingestEveryHours) + map is_gift and updated_at (mapOrderDetails), pulumi up",
    `updated in place: ${tally(result, "update")} (${took})`,
    `dataflow ids ${flows() === flowsBefore ? "unchanged" : "CHANGED"}; each flow ${pinsCurrent ? "pins its mapping set's new version" : "DOES NOT PIN the new version"}:`,
  );
  printDataflows(emulator);
  expect(flows() === flowsBefore && pinsCurrent && count(result, "Dataflow", "replace") === 0, "the schedule and mappings changed in place");

  const ordersFlow = (): string => emulator.dataflows.flows().find((f) => f.name === "Contoso orders")!.id;
  const oldFlow = ordersFlow();
  const oldSource = emulator.dataflows.flows().find((f) => f.id === oldFlow)!.sourceConnectionIds[0]!;
  engine.setConfig("aep-all-sources:ordersTable", { value: "dbo.orders_2027" });
  [result, took] = await timed(() => engine.up());
  check(result, "table change");
  const newFlow = ordersFlow();
  const oldGone = !emulator.dataflows.flows().some((f) => f.id === oldFlow) && !emulator.dataflows.sourceConnections().some((c) => c.id === oldSource);
  step(
    "read dbo.orders_2027 instead of dbo.orders (ordersTable), pulumi up",
    `replaced: ${tally(result, "replace")}: the new ones were made first, then the old ones deleted (${took})`,
    `"Contoso orders" is now flow ${short(newFlow)} (was ${short(oldFlow)}); old flow and source connection ${oldGone ? "gone from AEP" : "STILL IN AEP"}`,
  );
  expect(newFlow !== oldFlow && oldGone, "the table change replaced the flow and left nothing behind");

  const customers = emulator.dataflows.flows().find((f) => f.name === "Contoso customers")!;
  emulator.dataflows.modifyFlow(customers.id, { state: "disabled" });
  [result, took] = await timed(() => engine.refresh());
  check(result, "refresh after disable");
  const recorded = engine.state()!.resources.find((r) => r.id === customers.id)?.outputs["state"];
  step(`disable "${customers.name}" in the AEP UI, pulumi refresh`, `the state now records it as "${String(recorded)}" (${took})`);
  [result, took] = await timed(() => engine.up());
  check(result, "up after disable");
  const enabledAgain = emulator.dataflows.flows().find((f) => f.id === customers.id)?.state;
  step("pulumi up", `updated ${tally(result, "update")}: "${customers.name}" is ${enabledAgain} again (${took})`);
  expect(recorded === "disabled" && enabledAgain === "enabled", "refresh saw the disable and up undid it");

  const victim = emulator.store.list().find((c) => c.name === "Contoso data lake")!;
  emulator.store.remove(victim.id);
  [result, took] = await timed(() => engine.refresh());
  check(result, "refresh");
  step(`delete "${victim.name}" in the AEP UI, pulumi refresh`, `"${victim.name}" ${count(result, "BaseConnection", "refresh-delete") === 1 ? "dropped from state" : "NOT noticed"} (${took})`);
  connectionsBefore = connections();
  [result, took] = await timed(() => engine.up());
  check(result, "up after refresh");
  step("pulumi up", `created ${tally(result, "create")}; replaced ${tally(result, "replace")}, which read through it (${took})`);

  const stateText = fs.readFileSync(path.join(stateDir, "state.json"), "utf8");
  const plain = ["dapi-demo-token-0123456789abcdef", emulator.env()["AEP_CLIENT_SECRET"]!].filter((s) => stateText.includes(s));
  step("state file", `${(stateText.length / 1024).toFixed(1)} KB, ${plain.length === 0 ? "no secret in plain text" : "PLAIN-TEXT SECRET FOUND"}`);

  [result, took] = await timed(() => engine.destroy());
  check(result, "destroy");
  step("pulumi destroy", `deleted ${tally(result, "delete")} (${took})`, `${objectsInAep(emulator)} objects left in AEP`);
  expect(plain.length === 0 && objectsInAep(emulator) === 0, "destroy left nothing and the state holds no plain secret");
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

/** Edits the program's index.ts as a user would, showing the change; `from` must occur exactly once. */
function editProgram(program: string, from: string, to: string): void {
  const file = path.join(program, "index.ts");
  const text = fs.readFileSync(file, "utf8");
  if (text.split(from).length !== 2) throw new Error(`examples/quickstart/index.ts no longer holds ${JSON.stringify(from)} exactly once: update scripts/demo.ts`);
  fs.writeFileSync(file, text.replace(from, to));
  for (const removed of from.split("\n")) line(`    - ${removed.trim()}`);
  for (const added of to.split("\n")) line(`    + ${added.trim()}`);
}

async function demoWithPulumiCli(tools: PulumiTools, emulator: Emulator, stateDir: string): Promise<void> {
  line(`Program: examples/quickstart with its dataflow, through ${tools.pulumi} ${tools.version} (local file backend, AEP settings from AEP_* variables)`);
  for (const text of GLOSSARY) line(text);
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
  const flow = () => emulator.dataflows.flows()[0]!;

  step("pulumi stack init demo; pulumi config set … (the lake, the service principal, and schemaId: the emulator's XDM schema)");
  await cli(["stack", "init", "demo"]);
  await cli(["config", "set", "storageAccountName", "acmelake"]);
  await cli(["config", "set", "tenantId", tenantId]);
  await cli(["config", "set", "servicePrincipalId", "e7b8c1f2-1234-4c9a-9f3e-abcdef123456"]);
  await cli(["config", "set", "--secret", "servicePrincipalSecret", "demo-secret-value"]);
  await cli(["config", "set", "schemaId", SCHEMA_ID]);

  step("pulumi preview");
  emulator.clearRequests();
  await cli(["preview"]);
  line(`    ${flowWrites(emulator)} writes sent to AEP`);

  step("pulumi up (--skip-preview: the plan was just shown)");
  await cli(["up", "--yes", "--skip-preview"]);
  printConnections(emulator);
  printDataflows(emulator);

  const flowBefore = flow().id;
  step("edit index.ts: every 6 hours instead of 1, and map last_name too");
  editProgram(cwd, "interval: 1,", "interval: 6,");
  editProgram(
    cwd,
    `{ source: "first_name", destination: "person.name.firstName" },`,
    `{ source: "first_name", destination: "person.name.firstName" },\n      { source: "last_name", destination: "person.name.lastName" },`,
  );
  step("pulumi preview --diff");
  await cli(["preview", "--diff"]);
  step("pulumi up");
  await cli(["up", "--yes", "--skip-preview"]);
  const pinned = pinnedMapping(flow());
  line(`    flow ${short(flow().id)} ${flow().id === flowBefore ? "kept (changed in place)" : "REPLACED"}; it pins mapping set ${short(pinned.mappingId)} version ${pinned.mappingVersion}`);
  printDataflows(emulator);
  expect(flow().id === flowBefore && pinned.mappingVersion === 1, "the schedule and mapping changed in place");

  step("edit index.ts: read another file");
  editProgram(cwd, `path: "/acme-customers/customers.csv",`, `path: "/acme-customers/2027/customers.csv",`);
  step("pulumi up --diff (a new source connection and dataflow are made first, then the old ones deleted)");
  await cli(["up", "--yes", "--skip-preview", "--diff"]);
  const replaced = emulator.dataflows.flows().length === 1 && flow().id !== flowBefore;
  line(`    flow ${short(flowBefore)} → ${short(flow().id)}; ${emulator.dataflows.flows().length} flow and ${emulator.dataflows.sourceConnections().length} source connection in AEP`);
  expect(replaced && emulator.dataflows.sourceConnections().length === 1, "the path change replaced the flow and left nothing behind");

  step(`disable "${flow().name}" in the AEP UI, then pulumi refresh --diff`);
  emulator.dataflows.modifyFlow(flow().id, { state: "disabled" });
  await cli(["refresh", "--yes", "--skip-preview", "--diff"]);
  step("pulumi up (the program declares it enabled: it is enabled again)");
  await cli(["up", "--yes", "--skip-preview"]);
  line(`    "${flow().name}" is ${flow().state}`);
  expect(flow().state === "enabled", "up enabled the flow again");

  step("pulumi destroy");
  await cli(["destroy", "--yes", "--skip-preview"]);
  await cli(["stack", "rm", "demo", "--yes"]);
  line(`    ${objectsInAep(emulator)} objects left in AEP`);
  expect(objectsInAep(emulator) === 0, "destroy left nothing in AEP");
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

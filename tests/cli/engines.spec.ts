/**
 * The test engine held against the real one (issue 10, item 6): the same program (installed from `npm pack`), the
 * same config and the same steps, each engine against its own emulator. Compared, step by step:
 *
 * - ops (create, same, update, replace and its order, refresh, delete and its order) and the Flow Service writes;
 * - diff display: the property paths `pulumi preview --diff` marks and the keys that force a replacement, against
 *   the test engine's `step.diff`;
 * - secrets: which state properties are secrets, before and after a refresh;
 * - refresh: an out-of-band delete and an out-of-band rename, and what each engine stores afterwards;
 * - errors with ids: a create that fails after AEP made the connection, an update that fails, a delete that fails:
 *   the message (resource, Adobe's code, no stack trace, no secret), what the state keeps, what the next run does.
 *
 * The differences that are the test engine's by design are normalised below, each with its reason (the list is
 * printed after the suite); any other difference fails. The program is two components, `orders` depending on
 * `lake`, so that both engines have one order to follow even though the real engine runs steps in parallel.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import type { FaultSpec } from "../../emulator/faults";
import { aepConfigEntries } from "../../harness/aep-config";
import { TestEngine, type EngineResult, type Step } from "../../harness/test-engine";
import { cliStack, cliTools, makeProgram, plainSecretsIn, PROJECT, SECRETS, type CliStack } from "./support";

const CONNECTION = "pulumi-nodejs:dynamic/aep:BaseConnection";
const PROVIDER = "pulumi:providers:pulumi-nodejs";
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/**
 * Two components, `orders` after `lake`, and a raw `BaseConnection` after `orders` that asks for delete-before-replace;
 * every setting the steps below change comes from stack config.
 */
const COMPARE_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AdlsGen2Connection, BaseConnection, SqlServerConnection } from "pulumi-aep-azure";

const config = new pulumi.Config();
const prefix = config.get("prefix") ?? "Acme";
const lake = new AdlsGen2Connection("lake", {
  displayName: \`\${prefix} data lake\`,
  sandboxName: config.get("sandbox"),
  verify: config.getBoolean("verifyLake"),
  accountName: "contosolake",
  tenant: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  servicePrincipalId: "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f",
  servicePrincipalSecret: config.requireSecret("spSecret"),
});
const orders = new SqlServerConnection("orders", {
  displayName: \`\${prefix} orders\`,
  sqlLogin: { server: "sql01.contoso.com", database: "Orders", user: "aep_reader", password: config.requireSecret("sqlPassword") },
}, { dependsOn: [lake] });
new BaseConnection("raw", {
  source: "sql-server",
  name: \`\${prefix} raw orders\`,
  sandboxName: config.get("sandbox"),
  auth: { specName: "Connection String Based Authentication", params: { connectionString: config.requireSecret("ordersConnectionString") } },
}, { dependsOn: [orders], deleteBeforeReplace: true });
`;

const LAKE_URN = `urn:pulumi:compare::${PROJECT}::aep:azure:AdlsGen2Connection$${CONNECTION}::lake`;
const ORDERS_URN = `urn:pulumi:compare::${PROJECT}::aep:azure:SqlServerConnection$${CONNECTION}::orders`;
const RAW_URN = `urn:pulumi:compare::${PROJECT}::${CONNECTION}::raw`;

/** Flow Service writes since the last clear, as "METHOD route-shape". */
function writes(emulator: Emulator): string[] {
  return emulator.requests
    .filter((r) => r.kind === "flow" && r.method !== "GET")
    .map((r) => `${r.method} ${r.route.replace(/\/connections\/[^/]+/, "/connections/{id}")}`);
}

/** `op name` of the connections, in the order the real engine began them. */
function realOps(events: EngineEvent[]): string[] {
  return events.flatMap((e) => {
    const meta = e.resourcePreEvent?.metadata;
    return meta?.type === CONNECTION ? [`${meta.op} ${meta.urn.split("::").pop() ?? ""}`] : [];
  });
}

function connectionSteps(result: EngineResult): Step[] {
  return result.steps.filter((s) => s.type === CONNECTION);
}

function testOps(result: EngineResult): string[] {
  return connectionSteps(result).map((s) => `${s.op} ${s.name}`);
}

/** Paths of every secret in a property bag (`{ sig, ciphertext }` in both engines' state). */
function secretPaths(value: unknown, at = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  if (record[SIG] === SECRET_SIG) return [at];
  return Object.entries(record).flatMap(([key, child]) => secretPaths(child, at === "" ? key : `${at}.${key}`));
}

/** A property bag with every secret as `[secret]` and `__provider` left out: comparable across engines. */
function comparable(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(comparable);
  const record = value as Record<string, unknown>;
  if (record[SIG] === SECRET_SIG) return "[secret]";
  return Object.fromEntries(Object.entries(record).filter(([key]) => key !== "__provider").map(([key, child]) => [key, comparable(child)]));
}

interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

/** A diagnostic the engine attributes to a resource, as a user reads it. */
interface Attributed {
  urn: string;
  message: string;
}

/** What one run of an engine showed: its ops, its error diagnostics per resource, everything it printed. */
interface Run {
  ops: string[];
  /** The real engine's events (none for the test engine). */
  events: EngineEvent[];
  errors: Attributed[];
  output: string;
  failed: boolean;
}

/**
 * The property paths a `pulumi preview --diff` block marks (`~`, `+`, `-`), for the resource of `urn`: nested
 * objects are followed (`auth.params.user`), a whole added or removed object is one path.
 */
function markedPaths(display: string, urn: string): string[] {
  const lines = display.split("\n");
  const start = lines.findIndex((line) => line.trim() === `[urn=${urn}]`);
  assert.ok(start >= 0, `no block for ${urn} in:\n${display}`);
  const paths: string[] = [];
  const stack: string[] = [];
  let skipDepth = 0;
  for (const line of lines.slice(start + 1)) {
    if (/^\s*\[(id|urn|provider)=/.test(line)) continue;
    if (line.trim() === "" || /^\s*(?:[~+-]+ )?\S+: \([\w-]+\)$/.test(line) || /^\S/.test(line)) break;
    const marked = /^\s*([~+-]) (.*)$/.exec(line);
    const content = (marked?.[2] ?? line).trim();
    if (/^[}\]]$/.test(content)) {
      if (skipDepth > 0) skipDepth -= 1;
      else stack.pop();
      continue;
    }
    const entry = /^("?)([^":]+)\1\s*: ?(.*)$/.exec(content);
    if (entry === null) continue;
    const key = entry[2]!.trim();
    const opens = /[{[]$/.test(entry[3]!.trim());
    if (skipDepth > 0) {
      if (opens) skipDepth += 1;
      continue;
    }
    const at = key.startsWith("[") ? `${stack.join(".")}${key}` : [...stack, key].join(".");
    if (opens && marked?.[1] !== "~") {
      if (marked) {
        paths.push(at);
        skipDepth = 1;
      } else stack.push(key);
    } else if (opens) {
      stack.push(key);
    } else if (marked) {
      paths.push(at);
    }
  }
  return paths.sort();
}

/** No line of a Node.js stack trace (`    at fn (file:line:col)`). */
function assertNoStackTrace(text: string, what: string): void {
  assert.doesNotMatch(text, /^\s+at .+:\d+:\d+\)?$/m, `${what}:\n${text}`);
}

describe("real Pulumi CLI vs the test engine, same program and steps", function () {
  this.timeout(420_000);
  let real: Emulator;
  let fake: Emulator;
  let s: CliStack | undefined;
  let engine: TestEngine;
  let stateDir: string;
  const differences: string[] = [];

  before(async function () {
    const tools = cliTools();
    if (tools === undefined) return this.skip();
    real = await startEmulator();
    fake = await startEmulator();
    const programDir = makeProgram(COMPARE_PROGRAM);
    s = await cliStack(tools, programDir, "compare", real, {});
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-compare-"));
    engine = new TestEngine({
      programDir,
      stack: "compare",
      stateFile: path.join(stateDir, "state.json"),
      config: {
        ...aepConfigEntries(fake),
        [`${PROJECT}:spSecret`]: { value: SECRETS.spSecret, secret: true },
        [`${PROJECT}:sqlPassword`]: { value: SECRETS.sqlPassword, secret: true },
        [`${PROJECT}:ordersConnectionString`]: { value: SECRETS.ordersConnectionString, secret: true },
      },
    });
  });

  after(async () => {
    if (differences.length > 0) console.log(`      differences (normalised):\n        ${[...new Set(differences)].join("\n        ")}`);
    await s?.remove();
    await real?.close();
    await fake?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  function setConfig(key: string, value: string, secret = false): Promise<void> {
    engine.setConfig(`${PROJECT}:${key}`, { value, secret });
    return s!.stack.setConfig(`${PROJECT}:${key}`, { value, secret });
  }

  function inject(fault: FaultSpec): void {
    real.inject(fault);
    fake.inject(fault);
  }

  /** Connection ids of both emulators as `{id}`, so that messages compare across engines. */
  function withoutIds(text: string): string {
    let result = text;
    for (const c of [...real.store.list(), ...fake.store.list()]) result = result.split(c.id).join("{id}");
    return result.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "{id}");
  }

  /** One `up`/`refresh`/`destroy` under the real CLI; a failure is returned, not thrown. */
  async function runReal(action: (onEvent: (e: EngineEvent) => void) => Promise<{ stdout: string; stderr: string }>): Promise<Run> {
    const events: EngineEvent[] = [];
    let output = "";
    let failed = false;
    try {
      const result = await action((e) => events.push(e));
      output = result.stdout + result.stderr;
    } catch (error) {
      failed = true;
      output = error instanceof Error ? error.message : String(error);
    }
    const errors = events.flatMap((e) => {
      const d = e.diagnosticEvent;
      return d?.severity === "error" && d.urn ? [{ urn: d.urn, message: d.message }] : [];
    });
    return { ops: realOps(events), events, errors, output: output + JSON.stringify(events), failed };
  }

  function runTest(result: EngineResult): Run {
    const errors = result.diagnostics.flatMap((d) => (d.severity === "error" && d.urn ? [{ urn: d.urn, message: d.message }] : []));
    // What a user of the test engine reads: the program's output, the host's, the diagnostics (the provider's wire
    // responses carry secret outputs to the engine by design, as they do under the real engine).
    const output = [result.stdout, result.stderr, result.providerOutput, ...result.diagnostics.map((d) => d.message)].join("\n");
    return { ops: testOps(result), events: [], errors, output, failed: !result.succeeded };
  }

  /** The same step on both engines, after clearing both emulators' request logs; the writes must be the same. */
  async function both(step: string, onReal: Parameters<typeof runReal>[0], onTest: () => Promise<EngineResult>): Promise<{ real: Run; test: Run; result: EngineResult }> {
    real.clearRequests();
    fake.clearRequests();
    const realRun = await runReal(onReal);
    const result = await onTest();
    const testRun = runTest(result);
    assert.deepEqual(writes(fake), writes(real), `${step}: Flow Service writes`);
    assert.equal(testRun.failed, realRun.failed, `${step}: failed? test engine ${JSON.stringify(testRun.errors)}, real ${realRun.output.slice(0, 2000)}`);
    assert.deepEqual(plainSecretsIn(realRun.output, real), [], `${step}: a secret in the real engine's output`);
    assert.deepEqual(plainSecretsIn(testRun.output, fake), [], `${step}: a secret in the test engine's result`);
    return { real: realRun, test: testRun, result };
  }

  const up = (step: string) => both(step, (onEvent) => s!.stack.up({ onEvent }), () => engine.up());

  function realState(): Promise<StateResource[]> {
    return s!.cli(["stack", "export"]).then((exported) => {
      assert.equal(exported.status, 0, exported.stderr);
      return (JSON.parse(exported.stdout) as { deployment: { resources?: StateResource[] } }).deployment.resources ?? [];
    });
  }

  function testState(): StateResource[] {
    return (JSON.parse(fs.readFileSync(path.join(stateDir, "state.json"), "utf8")) as { resources: StateResource[] }).resources;
  }

  /** The same failure in both: an error on `urn` naming `code`, no stack trace, the same provider text. */
  function assertSameError(step: string, run: { real: Run; test: Run }, urn: string, code: RegExp): void {
    const realErrors = run.real.errors.filter((e) => e.urn === urn);
    const testErrors = run.test.errors.filter((e) => e.urn === urn);
    assert.ok(realErrors.length > 0, `${step}: the real engine reports no error on ${urn}: ${JSON.stringify(run.real.errors)}`);
    assert.ok(testErrors.length > 0, `${step}: the test engine reports no error on ${urn}: ${JSON.stringify(run.test.errors)}`);
    for (const e of [...realErrors, ...testErrors]) {
      assert.match(e.message, code, `${step}: ${e.message}`);
      assertNoStackTrace(e.message, step);
    }
    // The test engine's message is "<what> <urn>: <provider's message>"; the real one must carry the same text.
    const providerText = withoutIds(testErrors[0]!.message.replace(/^\w+ urn:\S+: /, "").trim());
    assert.ok(
      realErrors.some((e) => withoutIds(e.message).includes(providerText)),
      `${step}: the real engine's message differs:\n  real: ${realErrors.map((e) => e.message).join("\n        ")}\n  test: ${testErrors[0]!.message}`,
    );
  }

  it("up, idle up: same ops, same writes", async () => {
    let run = await up("up");
    assert.deepEqual(run.real.ops, ["create lake", "create orders", "create raw"]);
    assert.deepEqual(run.test.ops, run.real.ops);
    run = await up("idle up");
    assert.deepEqual(run.real.ops, ["same lake", "same orders", "same raw"]);
    assert.deepEqual(run.test.ops, run.real.ops);
  });

  it("preview --diff of a rename and a password rotation: the same paths marked, secrets as [secret]", async () => {
    await setConfig("prefix", "Contoso");
    await setConfig("sqlPassword", SECRETS.sqlPasswordRotated, true);
    const run = await both("preview --diff", (onEvent) => s!.stack.preview({ diff: true, onEvent }), () => engine.preview());
    assert.deepEqual(run.real.ops, ["update lake", "update orders", "update raw"]);
    assert.deepEqual(run.test.ops, run.real.ops);
    const display = run.real.output;
    assert.match(display, /\[secret\]/);
    for (const step of connectionSteps(run.result)) {
      const shown = markedPaths(display, step.urn);
      assert.ok(shown.includes("name"), `${step.name}: ${shown.join()}`);
      assert.deepEqual(step.diff?.paths, shown, `${step.name}: test engine paths vs preview --diff`);
      assert.deepEqual(step.diff?.replaces, [], step.name);
    }
    differences.push("diff display: the test engine renders none; it reports the paths `preview --diff` marks (step.diff), compared here");
  });

  it("up applies the rename in place", async () => {
    const run = await up("rename");
    assert.deepEqual(run.real.ops, ["update lake", "update orders", "update raw"]);
    assert.deepEqual(run.test.ops, run.real.ops);
  });

  it("replace (a new sandbox): same replace keys; lake created before its old one is deleted, raw (deleteBeforeReplace) deleted first", async () => {
    await setConfig("sandbox", "dev");
    const preview = await both("preview of the replace", (onEvent) => s!.stack.preview({ diff: true, onEvent }), () => engine.preview());
    assert.deepEqual(preview.test.ops, ["replace lake", "same orders", "replace raw"]);
    for (const step of connectionSteps(preview.result).filter((one) => one.op === "replace")) {
      const keys = preview.real.events.flatMap((e) => {
        const meta = e.resourcePreEvent?.metadata;
        return meta?.op === "replace" && meta.urn === step.urn ? (meta.keys ?? []) : [];
      });
      assert.deepEqual(step.diff?.replaces, keys, `${step.name}: keys forcing the replacement`);
      assert.ok(keys.includes("sandboxName"), keys.join());
      // For a replace the display can diff the old outputs against the planned ones (it does for lake, not for raw,
      // which is deleted first): it marks at least the input paths that changed.
      const shown = markedPaths(preview.real.output, step.urn);
      assert.ok(step.diff?.paths.every((p) => shown.includes(p)), `${step.name}: ${step.diff?.paths.join()} not all in ${shown.join()}`);
      assert.ok(keys.every((key) => shown.includes(key)), `${step.name}: replace keys marked`);
    }
    differences.push("diff display of a replace: the real engine may diff the old outputs against the planned outputs (connectionId, etag… marked as removed); step.diff.paths are the changed inputs, all of which it marks");

    const run = await up("replace");
    assert.deepEqual(run.real.ops, [
      "create-replacement lake", "replace lake", "same orders",
      "delete-replaced raw", "replace raw", "create-replacement raw",
      "delete-replaced lake",
    ]);
    // One "replace" step in the test engine for the three the real engine shows; the writes are compared by
    // both() and are the same: lake's POST, raw's DELETE and POST, lake's old connection's DELETE last.
    assert.deepEqual(run.test.ops, ["replace lake", "same orders", "replace raw"]);
    assert.deepEqual(writes(real), ["POST /connections", "DELETE /connections/{id}", "POST /connections", "DELETE /connections/{id}"]);
    differences.push("replace: the real engine shows three steps (create-replacement, replace, delete-replaced; delete-replaced first for deleteBeforeReplace); the test engine one \"replace\" step, with the same writes in the same order");
  });

  it("secrets in the state: the same properties are secrets", async () => {
    const realResources = await realState();
    const testResources = testState();
    for (const urn of [LAKE_URN, ORDERS_URN, RAW_URN]) {
      const realOne = realResources.find((r) => r.urn === urn);
      const testOne = testResources.find((r) => r.urn === urn);
      const realSecrets = [...secretPaths(realOne?.inputs).map((p) => `inputs.${p}`), ...secretPaths(realOne?.outputs).map((p) => `outputs.${p}`)].sort();
      const testSecrets = [...secretPaths(testOne?.inputs).map((p) => `inputs.${p}`), ...secretPaths(testOne?.outputs).map((p) => `outputs.${p}`)].sort();
      assert.ok(realSecrets.includes("outputs.secretAuthParams"), realSecrets.join());
      assert.deepEqual(testSecrets, realSecrets, urn);
      assert.deepEqual(comparable(testOne?.inputs), comparable(realOne?.inputs), `${urn}: stored inputs`);
    }
  });

  it("refresh after an out-of-band delete and rename: the same ops, the same state", async () => {
    for (const emulator of [real, fake]) {
      const lake = emulator.store.list().find((c) => c.name === "Contoso data lake")!;
      const orders = emulator.store.list().find((c) => c.name === "Contoso orders")!;
      emulator.store.remove(lake.id);
      emulator.store.modify(orders.id, { name: "Renamed in the AEP UI" });
    }
    const refresh = await both("refresh", (onEvent) => s!.stack.refresh({ onEvent }), () => engine.refresh());
    // The real engine refreshes every resource at once (dependencies order no refresh step): any order.
    assert.deepEqual([...refresh.real.ops].sort(), ["refresh lake", "refresh orders", "refresh raw"]);
    assert.deepEqual(refresh.test.ops, ["refresh-delete lake", "refresh-update orders", "same raw"]);
    differences.push('refresh: real engine op "refresh" for every resource (the summary counts a gone one as a delete, a changed one as an update); test engine "refresh-delete" / "refresh-update" / "same"');
    const realResources = await realState();
    const testResources = testState();
    assert.equal(realResources.some((r) => r.urn === LAKE_URN), false);
    assert.equal(testResources.some((r) => r.urn === LAKE_URN), false);
    const realOrders = realResources.find((r) => r.urn === ORDERS_URN)!;
    const testOrders = testResources.find((r) => r.urn === ORDERS_URN)!;
    assert.equal(realOrders.outputs?.["name"], "Renamed in the AEP UI");
    assert.equal(testOrders.outputs?.["name"], realOrders.outputs?.["name"]);
    assert.deepEqual(comparable(testOrders.inputs), comparable(realOrders.inputs), "inputs after refresh");
    assert.deepEqual(Object.keys(testOrders.outputs ?? {}).sort(), Object.keys(realOrders.outputs ?? {}).sort(), "output keys after refresh");
    assert.deepEqual(secretPaths(testOrders.outputs).sort(), secretPaths(realOrders.outputs).sort(), "secrets after refresh");
  });

  it("the next up re-creates lake, whose connection test fails after AEP made it: same message, the id recorded", async () => {
    await s!.stack.setConfig(`${PROJECT}:verifyLake`, { value: "true" });
    engine.setConfig(`${PROJECT}:verifyLake`, { value: "true" });
    // Adobe's answer echoes the service principal secret and the client secret: both engines must show it redacted.
    for (const emulator of [real, fake]) {
      emulator.inject({
        kind: "status", status: 400, method: "GET", route: /^\/connections\/[^/]+\/test$/,
        body: { type: "https://ns.adobe.com/aep/errors/FLOW-1100-400", title: "Bad Request", report: { "detailed-message": `rejected ${SECRETS.spSecret} for ${emulator.client.clientSecret}` } },
      });
    }
    const failed = await up("up with a failing connection test");
    assert.equal(failed.real.failed, true);
    // orders depends on lake: neither engine gets to it.
    assert.deepEqual(failed.real.ops, ["create lake"]);
    assert.deepEqual(failed.test.ops, failed.real.ops);
    assertSameError("failing create", failed, LAKE_URN, /FLOW-1100.*\[REDACTED\]/s);
    const realLake = (await realState()).find((r) => r.urn === LAKE_URN);
    const testLake = testState().find((r) => r.urn === LAKE_URN);
    assert.equal(realLake?.id, real.store.list().find((c) => c.name === "Contoso data lake")?.id, "the real engine recorded the id AEP gave");
    assert.equal(testLake?.id, fake.store.list().find((c) => c.name === "Contoso data lake")?.id, "the test engine recorded the id AEP gave");
    assert.equal(realLake?.initErrors?.length, 1);
    assert.deepEqual(testLake?.initErrors?.map(withoutIds), realLake?.initErrors?.map(withoutIds));
  });

  it("the up after: the initialization error alone makes both engines update lake; orders is restored", async () => {
    const retried = await up("up after the failed create");
    assert.deepEqual(retried.real.ops, ["update lake", "update orders", "same raw"]);
    assert.deepEqual(retried.test.ops, retried.real.ops);
    assert.equal((await realState()).find((r) => r.urn === LAKE_URN)?.initErrors, undefined);
    assert.equal(testState().find((r) => r.urn === LAKE_URN)?.initErrors, undefined);
    assert.deepEqual(real.store.list().map((c) => c.name).sort(), ["Contoso data lake", "Contoso orders", "Contoso raw orders"]);
    assert.deepEqual(fake.store.list().map((c) => c.name).sort(), ["Contoso data lake", "Contoso orders", "Contoso raw orders"]);
  });

  it("an update that keeps meeting a stale etag: same message; the state keeps the old name", async () => {
    await setConfig("prefix", "Fabrikam");
    inject({ kind: "stale-etag", method: "PATCH", times: 2 });
    const failed = await up("up with a 412 on update");
    assert.deepEqual(failed.real.ops, ["update lake"]);
    assert.deepEqual(failed.test.ops, failed.real.ops);
    assertSameError("failing update", failed, LAKE_URN, /FLOW-1404/);
    assert.equal((await realState()).find((r) => r.urn === LAKE_URN)?.outputs?.["name"], "Contoso data lake");
    assert.equal(testState().find((r) => r.urn === LAKE_URN)?.outputs?.["name"], "Contoso data lake");
  });

  it("destroy: a refused delete keeps the same resources in both; then dependents first, one DELETE each", async () => {
    for (const emulator of [real, fake]) emulator.store.markInUse(emulator.store.list().find((c) => c.name === "Contoso data lake")!.id);
    const refused = await both("destroy refused by FLOW-1418", (onEvent) => s!.stack.destroy({ onEvent }), () => engine.destroy());
    assert.equal(refused.real.failed, true);
    // The SDK's dynamic-provider host console.errors a failed delete with its stack: the real engine shows that
    // under the stack resource (not in the resource's message); the test engine keeps it in providerOutput.
    const hostStack = /at BaseConnectionProvider\.delete \(/;
    assert.match(refused.real.output, hostStack);
    assert.match(refused.result.providerOutput, hostStack);
    assert.ok(!refused.result.diagnostics.some((d) => hostStack.test(d.message)));
    differences.push("the host's stderr (a failed delete's stack trace): shown by the real engine under the stack resource; in result.providerOutput for the test engine");
    assertSameError("failing delete", refused, LAKE_URN, /FLOW-1418/);
    const left = (resources: StateResource[]) => resources.filter((r) => r.type !== PROVIDER).map((r) => r.urn).sort();
    assert.deepEqual(left(testState()), left(await realState()), "what the failed destroy left");
    assert.ok(left(testState()).includes(LAKE_URN));
    assert.equal(left(testState()).includes(ORDERS_URN), false, "orders, which depends on lake, went first");

    for (const emulator of [real, fake]) emulator.store.markInUse(emulator.store.list()[0]!.id, false);
    real.clearRequests();
    fake.clearRequests();
    const events: EngineEvent[] = [];
    await s!.stack.destroy({ onEvent: (e) => events.push(e) });
    const test = await engine.destroy();
    assert.deepEqual(writes(fake), writes(real));
    const realOrder = events.flatMap((e) => (e.resOutputsEvent?.metadata.op === "delete" ? [e.resOutputsEvent.metadata.urn] : []));
    const testOrder = test.steps.filter((step) => step.op === "delete").map((step) => step.urn);
    // The real engine records the default provider as a resource (pulumi:providers:pulumi-nodejs) and deletes it
    // last; the test engine does not model providers.
    assert.match(realOrder.at(-1) ?? "", /::pulumi:providers:pulumi-nodejs::default/);
    assert.deepEqual(testOrder, realOrder.slice(0, -1));
    differences.push("destroy: the real engine deletes its default provider resource last; the test engine has none");
    assert.equal(real.store.list().length + fake.store.list().length, 0);
  });
});

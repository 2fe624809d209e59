/**
 * The test engine held against the real one (issue 10, item 6): the same program (installed from `npm pack`), the
 * same config and the same steps, each engine against its own emulator. Compared: the ops per step (create, same,
 * update, replace and its order, refresh of an out-of-band delete, delete order), the writes each sent to Flow
 * Service, and which state properties are secrets. The differences that are the test engine's by design are
 * normalised below, each with its reason; any other difference fails.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import { aepConfigEntries } from "../../harness/aep-config";
import { TestEngine, type EngineResult } from "../../harness/test-engine";
import { cliStack, cliTools, makeProgram, PROJECT, SECRETS, type CliStack } from "./support";

const CONNECTION = "pulumi-nodejs:dynamic/aep:BaseConnection";

/** Flow Service writes since the last clear, as "METHOD route-shape". */
function writes(emulator: Emulator): string[] {
  return emulator.requests.filter((r) => r.kind === "flow" && r.method !== "GET").map((r) => `${r.method} ${r.route.replace(/\/connections\/[^/]+/, "/connections/{id}")}`);
}

/** The real engine's ops for the connection, in the order the engine began them. */
function realOps(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (e.resourcePreEvent?.metadata.type === CONNECTION ? [e.resourcePreEvent.metadata.op] : []));
}

function testOps(result: EngineResult): string[] {
  assert.ok(result.succeeded, JSON.stringify(result.diagnostics));
  return result.steps.filter((s) => s.type === CONNECTION).map((s) => s.op);
}

/** Paths of every secret in a resource's outputs (`{ sig, ciphertext }` in both engines' state). */
function secretPaths(value: unknown, at = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  const record = value as Record<string, unknown>;
  if (record["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return [at];
  return Object.entries(record).flatMap(([key, child]) => secretPaths(child, at === "" ? key : `${at}.${key}`));
}

interface StateResource {
  type: string;
  outputs?: Record<string, unknown>;
}

describe("real Pulumi CLI vs the test engine, same program and steps", function () {
  this.timeout(300_000);
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
    const programDir = makeProgram();
    s = await cliStack(tools, programDir, "compare", real, { scenario: "one" });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-cli-compare-"));
    engine = new TestEngine({
      programDir,
      stack: "compare",
      stateFile: path.join(stateDir, "state.json"),
      config: {
        ...aepConfigEntries(fake),
        [`${PROJECT}:scenario`]: { value: "one" },
        [`${PROJECT}:spSecret`]: { value: SECRETS.spSecret, secret: true },
      },
    });
  });

  after(async () => {
    if (differences.length > 0) console.log(`      differences (normalised):\n        ${differences.join("\n        ")}`);
    await s?.remove();
    await real?.close();
    await fake?.close();
    if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function both(step: string, runReal: (events: EngineEvent[]) => Promise<unknown>, runTest: () => Promise<EngineResult>): Promise<{ real: string[]; test: string[] }> {
    real.clearRequests();
    fake.clearRequests();
    const events: EngineEvent[] = [];
    await runReal(events);
    const test = testOps(await runTest());
    assert.deepEqual(writes(fake), writes(real), `${step}: Flow Service writes`);
    return { real: realOps(events), test };
  }

  it("up, idle up and rename: same ops, same writes", async () => {
    let ops = await both("up", (events) => s!.stack.up({ onEvent: (e) => events.push(e) }), () => engine.up());
    assert.deepEqual(ops.real, ["create"]);
    assert.deepEqual(ops.test, ops.real);
    ops = await both("idle up", (events) => s!.stack.up({ onEvent: (e) => events.push(e) }), () => engine.up());
    assert.deepEqual(ops.real, ["same"]);
    assert.deepEqual(ops.test, ops.real);
    await s!.stack.setConfig(`${PROJECT}:prefix`, { value: "Contoso" });
    engine.setConfig(`${PROJECT}:prefix`, { value: "Contoso" });
    ops = await both("rename", (events) => s!.stack.up({ onEvent: (e) => events.push(e) }), () => engine.up());
    assert.deepEqual(ops.real, ["update"]);
    assert.deepEqual(ops.test, ops.real);
  });

  it("replace (a new sandbox): create the new connection first, then delete the old one", async () => {
    await s!.stack.setConfig(`${PROJECT}:sandbox`, { value: "dev" });
    engine.setConfig(`${PROJECT}:sandbox`, { value: "dev" });
    const ops = await both("replace", (events) => s!.stack.up({ onEvent: (e) => events.push(e) }), () => engine.up());
    assert.deepEqual(ops.real, ["create-replacement", "replace", "delete-replaced"]);
    // The test engine reports one "replace" step for the three the real engine shows; the writes (POST, then
    // DELETE) are compared above and are the same.
    assert.deepEqual(ops.test, ["replace"]);
    differences.push(`replace: real engine steps ${ops.real.join(" → ")}; test engine one "replace" step (same POST then DELETE)`);
  });

  it("secrets in the state: the same properties are secrets", async () => {
    const exported = await s!.cli(["stack", "export"]);
    const realResources = (JSON.parse(exported.stdout) as { deployment: { resources: StateResource[] } }).deployment.resources;
    const testResources = JSON.parse(fs.readFileSync(path.join(stateDir, "state.json"), "utf8")) as { resources: StateResource[] };
    const realSecrets = secretPaths(realResources.find((r) => r.type === CONNECTION)?.outputs).sort();
    const testSecrets = secretPaths(testResources.resources.find((r) => r.type === CONNECTION)?.outputs).sort();
    assert.ok(realSecrets.includes("secretAuthParams"), realSecrets.join());
    assert.deepEqual(testSecrets, realSecrets);
  });

  it("refresh after an out-of-band delete drops the resource in both", async () => {
    for (const emulator of [real, fake]) emulator.store.remove(emulator.store.list()[0]!.id);
    const events: EngineEvent[] = [];
    const refreshed = await s!.stack.refresh({ onEvent: (e) => events.push(e) });
    const test = await engine.refresh();
    assert.equal(refreshed.summary.resourceChanges?.["delete"], 1);
    assert.deepEqual(testOps(test), ["refresh-delete"]);
    differences.push(`refresh of a deleted connection: real engine op ${JSON.stringify(realOps(events))} counted as "delete" in the summary; test engine "refresh-delete"`);
    const ops = await both("up after refresh", (e) => s!.stack.up({ onEvent: (x) => e.push(x) }), () => engine.up());
    assert.deepEqual(ops.real, ["create"]);
    assert.deepEqual(ops.test, ops.real);
  });

  it("destroy: the connection before its component, one DELETE each", async () => {
    real.clearRequests();
    fake.clearRequests();
    const events: EngineEvent[] = [];
    await s!.stack.destroy({ onEvent: (e) => events.push(e) });
    const test = await engine.destroy();
    assert.deepEqual(writes(fake), writes(real));
    const realOrder = events.flatMap((e) => (e.resOutputsEvent?.metadata.op === "delete" ? [e.resOutputsEvent.metadata.type] : []));
    const testOrder = test.steps.filter((step) => step.op === "delete").map((step) => step.type);
    // The real engine records the default provider as a resource (pulumi:providers:pulumi-nodejs) and deletes it
    // last; the test engine does not model providers as resources.
    assert.equal(realOrder.at(-1), "pulumi:providers:pulumi-nodejs");
    assert.deepEqual(testOrder, realOrder.slice(0, -1));
    differences.push(`destroy order: real ${realOrder.join(" → ")}; test engine the same without the provider resource`);
    assert.equal(real.store.list().length + fake.store.list().length, 0);
  });
});

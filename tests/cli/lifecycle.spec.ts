/**
 * The whole lifecycle under the real Pulumi CLI (issue 10, items 2 and 3): a program in a temp dir with this package
 * installed from `npm pack`, AEP settings from `pulumi config set [--secret] aep:*`, the emulator as Flow Service.
 * Assertions rest on what a user can see: the CLI's summaries and output, `pulumi stack export`, and the emulator.
 */
import * as assert from "node:assert/strict";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import { assertNoStackTrace, cliStack, cliTools, flowRequests, makeProgram, plainSecretsIn, SECRETS, type CliStack } from "./support";

const CONNECTION = "pulumi-nodejs:dynamic/aep:BaseConnection";
const COMPONENTS = 6;
const CONNECTIONS = 7;

/** Ops per resource name for the dynamic BaseConnection resources, from the engine's own event stream. */
function connectionOps(events: EngineEvent[]): Map<string, string> {
  const ops = new Map<string, string>();
  for (const event of events) {
    const meta = event.resOutputsEvent?.metadata ?? event.resOpFailedEvent?.metadata;
    if (meta === undefined || meta.type !== CONNECTION) continue;
    ops.set(meta.urn.split("::").pop()!, meta.op);
  }
  return ops;
}

function ids(emulator: Emulator): string {
  return emulator.store.list().map((c) => `${c.id}`).sort().join(",");
}

describe("real Pulumi CLI: lifecycle of all five components and a raw BaseConnection", function () {
  this.timeout(240_000);
  let emulator: Emulator;
  let s: CliStack;
  let stack: Stack;
  const transcript: string[] = [];

  before(async function () {
    const tools = cliTools();
    if (tools === undefined) return this.skip();
    emulator = await startEmulator();
    s = await cliStack(tools, makeProgram(), "dev", emulator, { scenario: "all" });
    stack = s.stack;
  });

  after(async () => {
    await s?.remove();
    await emulator?.close();
  });

  it("preview sends no Flow Service request", async () => {
    emulator.clearRequests();
    const result = await stack.preview();
    assert.equal(result.changeSummary["create"], 1 + COMPONENTS + CONNECTIONS, result.stdout);
    assert.equal(flowRequests(emulator), 0);
    assert.deepEqual(plainSecretsIn(result.stdout + result.stderr, emulator), []);
  });

  it("up creates all seven connections (five components, six auth specs, one raw BaseConnection)", async () => {
    const events: EngineEvent[] = [];
    const result = await stack.up({ onEvent: (e) => events.push(e) });
    assert.equal(result.summary.result, "succeeded");
    assert.equal(result.summary.resourceChanges?.["create"], 1 + COMPONENTS + CONNECTIONS);
    assert.equal(emulator.store.list().length, CONNECTIONS);
    assert.deepEqual(
      [...new Set(emulator.store.list().map((c) => c.auth.specName))].sort(),
      ["Access Token Authentication", "Basic Authentication for adls-gen2", "Connection String Based Authentication", "Service Principal Key Based Authentication"],
    );
    assert.equal(new Set(emulator.store.list().map((c) => `${c.connectionSpec.id}/${c.auth.specName}`)).size, 6, "six auth variants");
    assert.equal([...connectionOps(events).values()].filter((op) => op === "create").length, CONNECTIONS);
    assert.deepEqual(plainSecretsIn(result.stdout + result.stderr, emulator), []);
  });

  it("a second up changes nothing and sends no write", async () => {
    emulator.clearRequests();
    const result = await stack.up();
    assert.deepEqual(result.summary.resourceChanges, { same: 1 + COMPONENTS + CONNECTIONS });
    assert.equal(flowRequests(emulator, true), 0);
  });

  it("preview --diff of a rename and a password rotation shows updates in place, secrets as [secret]", async () => {
    await stack.setConfig("aep-cli-suite:prefix", { value: "Contoso" });
    await stack.setConfig("aep-cli-suite:sqlPassword", { value: SECRETS.sqlPasswordRotated, secret: true });
    emulator.clearRequests();
    const result = await stack.preview({ diff: true });
    transcript.push(result.stdout);
    assert.equal(flowRequests(emulator), 0);
    assert.equal(result.changeSummary["update"], CONNECTIONS, result.stdout);
    assert.equal(result.changeSummary["replace"], undefined, result.stdout);
    assert.match(result.stdout, /~ name\s*: "Acme orders" => "Contoso orders"/);
    assert.match(result.stdout, /\[secret\]/);
    assert.deepEqual(plainSecretsIn(result.stdout + result.stderr, emulator), []);
  });

  it("up applies them in place: same ids, new names, rotated password; engine logs hold no secret", async () => {
    const before = ids(emulator);
    const events: EngineEvent[] = [];
    const result = await stack.up({ onEvent: (e) => events.push(e), logToStdErr: true, logVerbosity: 9, logFlow: true });
    assert.equal(result.summary.resourceChanges?.["update"], CONNECTIONS);
    assert.equal(ids(emulator), before);
    assert.ok(emulator.store.list().every((c) => c.name.startsWith("Contoso ")));
    const orders = emulator.store.list().find((c) => c.name === "Contoso orders")!;
    assert.ok(String(orders.auth.params["connectionString"]).includes(SECRETS.sqlPasswordRotated));
    assert.ok([...connectionOps(events).values()].every((op) => op === "update"));
    assert.ok(result.stderr.length > 10_000, "verbose engine logs were captured");
    assert.deepEqual(plainSecretsIn(result.stdout + result.stderr + JSON.stringify(events), emulator), []);
  });

  it("refresh notices an out-of-band delete and rename; the next up recreates and reverts", async () => {
    const lake = emulator.store.list().find((c) => c.name === "Contoso data lake")!;
    const orders = emulator.store.list().find((c) => c.name === "Contoso orders")!;
    emulator.store.remove(lake.id);
    emulator.store.modify(orders.id, { name: "Renamed in the AEP UI" });
    const events: EngineEvent[] = [];
    const refreshed = await stack.refresh({ onEvent: (e) => events.push(e) });
    assert.equal(refreshed.summary.resourceChanges?.["delete"], 1, refreshed.stdout);
    assert.equal(refreshed.summary.resourceChanges?.["update"], 1, refreshed.stdout);
    const up = await stack.up();
    assert.equal(up.summary.resourceChanges?.["create"], 1, up.stdout);
    assert.equal(up.summary.resourceChanges?.["update"], 1, up.stdout);
    assert.equal(emulator.store.list().length, CONNECTIONS);
    assert.equal(emulator.store.get(orders.id)?.name, "Contoso orders");
  });

  it("pulumi stack export holds secrets only as ciphertext", async () => {
    const exported = await s.cli(["stack", "export", "--show-secrets=false"]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.deepEqual(plainSecretsIn(exported.stdout, emulator), []);
    const deployment = JSON.parse(exported.stdout) as { deployment: { resources: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }[] } };
    const connections = deployment.deployment.resources.filter((r) => r.type === CONNECTION);
    assert.equal(connections.length, CONNECTIONS);
    for (const c of connections) {
      const secretOutputs = c.outputs?.["secretAuthParams"] as { "4dabf18193072939515e22adb298388d"?: string; ciphertext?: string };
      assert.equal(secretOutputs["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270", "secretAuthParams is a secret");
      assert.ok(typeof secretOutputs.ciphertext === "string" && secretOutputs.ciphertext.length > 0);
    }
  });

  it("destroy leaves nothing in AEP or in the state", async () => {
    const result = await stack.destroy();
    assert.equal(result.summary.resourceChanges?.["delete"], 1 + COMPONENTS + CONNECTIONS);
    assert.equal(emulator.store.list().length, 0);
    const exported = await s.cli(["stack", "export"]);
    const resources = (JSON.parse(exported.stdout) as { deployment: { resources?: unknown[] } }).deployment.resources ?? [];
    assert.equal(resources.length, 0);
  });

  after(() => {
    if (process.env["AEP_CLI_TRANSCRIPT"]) console.log(transcript.join("\n"));
  });
});

describe("real Pulumi CLI: what a user sees for a bad input", function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let s: CliStack | undefined;

  before(async function () {
    const tools = cliTools();
    if (tools === undefined) return this.skip();
    emulator = await startEmulator();
    s = await cliStack(tools, makeProgram(), "bad", emulator, { scenario: "bad-account" });
  });

  after(async () => {
    await s?.remove();
    await emulator?.close();
  });

  async function failingPreview(scenario: string): Promise<string> {
    await s!.stack.setConfig("aep-cli-suite:scenario", { value: scenario });
    const result = await s!.cli(["preview"]);
    assert.notEqual(result.status, 0, result.stdout);
    if (process.env["AEP_CLI_TRANSCRIPT"]) console.log(result.stdout + result.stderr);
    return result.stdout + result.stderr;
  }

  it("a bad ADLS account name names the property, with no stack trace", async () => {
    const output = await failingPreview("bad-account");
    assert.match(output, /aep:azure:AdlsGen2Connection \(lake\)/);
    assert.match(output, /accountName: is not a storage account name/);
    assertNoStackTrace(output);
    assert.deepEqual(plainSecretsIn(output, emulator), []);
    assert.equal(flowRequests(emulator), 0);
  });

  it("a secret password known only at run time (an Output) with a newline: names sqlLogin.password, no secret, no stack trace", async () => {
    const output = await failingPreview("bad-password-output");
    assert.match(output, /aep:azure:SynapseConnection \(warehouse\)/);
    assert.match(output, /sqlLogin\.password: contains a control character/);
    assertNoStackTrace(output);
    assert.deepEqual(plainSecretsIn(output, emulator), []);
  });

  it("both auth modes at once names both, shows secrets as [secret], no stack trace", async () => {
    const output = await failingPreview("both-auth");
    assert.match(output, /aep:azure:SynapseConnection \(warehouse\)/);
    assert.match(output, /sqlLogin/);
    assert.match(output, /connectionString/);
    assertNoStackTrace(output);
    assert.deepEqual(plainSecretsIn(output, emulator), []);
  });
});

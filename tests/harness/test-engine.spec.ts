import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TestEngine, unknown, type ConfigJson, type EngineResult, type TestEngineOptions } from "../../harness/test-engine";
import { isEncryptedSecret } from "../../harness/state";

const harnessFixturesDir = path.join(__dirname, "fixtures");
const programDir = path.join(harnessFixturesDir, "program");
const fileType = "pulumi-nodejs:dynamic/files:ManagedFile";
const stackUrn = "urn:pulumi:dev::dynh::pulumi:pulumi:Stack::dynh-dev";
const bundleUrn = "urn:pulumi:dev::dynh::dynh:index:FileBundle::bundle";
const bundleFileUrn = (file: string) => `urn:pulumi:dev::dynh::dynh:index:FileBundle$${fileType}::bundle-${file}`;
const soloUrn = `urn:pulumi:dev::dynh::${fileType}::solo`;
const indexUrn = `urn:pulumi:dev::dynh::${fileType}::index`;
const passwordUrn = "urn:pulumi:dev::dynh::random:index/randomPassword:RandomPassword::password";

const token = "tok-7Hq2-stack-secret";
const secretContent = "s3cr3t-content-41f";

/** `op name` of every step of a given resource type (or every custom step when omitted), in order. */
function ops(result: EngineResult, type?: string): string[] {
  return result.steps.filter((step) => (type ? step.type === type : true)).map((step) => `${step.op} ${step.name}`);
}

function providerMethods(result: EngineResult): string[] {
  return result.providerResponses.map((response) => response.method);
}

function assertSucceeded(result: EngineResult): void {
  assert.ok(result.succeeded, `operation failed (exit ${result.exitCode}):\n${JSON.stringify(result.diagnostics, null, 2)}\n${result.stderr}`);
}

describe("TestEngine (fake engine + real cmd/run + real dynamic-provider host)", function () {
  this.timeout(120_000);

  const workDirs: string[] = [];

  /** A fresh stack: temp dir for files and state, config `dynh:spec` = `spec`. */
  function newStack(
    spec: ConfigJson,
    extra: Partial<TestEngineOptions> = {},
    config: TestEngineOptions["config"] = {},
  ): { engine: TestEngine; dir: string; stateFile: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "test-engine-"));
    workDirs.push(dir);
    const stateFile = path.join(dir, "state", "dev.json");
    const engine = new TestEngine({
      programDir,
      stateFile,
      config: { "dynh:baseDir": { value: dir }, "dynh:spec": { value: spec }, ...config },
      ...extra,
    });
    return { engine, dir, stateFile };
  }

  after(() => {
    for (const dir of workDirs) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("preview plans creates through check only, with unknown outputs, and writes nothing", async () => {
    const { engine, dir, stateFile } = newStack({ bundle: { "a.txt": "A", "b.txt": "B" }, index: true });
    const preview = await engine.preview();
    assertSucceeded(preview);
    assert.deepStrictEqual(ops(preview), [
      "create dynh-dev",
      "create bundle",
      "create bundle-a.txt",
      "create bundle-b.txt",
      "create index",
    ]);
    assert.deepStrictEqual([...new Set(providerMethods(preview))].sort(), ["check", "configure"]);
    assert.strictEqual(preview.outputs["paths"], unknown);
    assert.strictEqual(preview.outputs["indexPath"], unknown);
    const indexCheck = preview.providerResponses.filter((response) => response.method === "check").pop();
    assert.ok(indexCheck?.json.includes(`"content":"${unknown}"`), "check saw the unknown content as the sentinel");
    assert.deepStrictEqual(fs.readdirSync(dir), [], "no file and no state written");
    assert.strictEqual(engine.state(), undefined);
    assert.ok(!fs.existsSync(stateFile));
  });

  it("up creates every resource; a second up changes nothing", async () => {
    const { engine, dir } = newStack({ bundle: { "a.txt": "A", "b.txt": "B" }, index: true });
    const first = await engine.up();
    assertSucceeded(first);
    assert.deepStrictEqual(ops(first, fileType), ["create bundle-a.txt", "create bundle-b.txt", "create index"]);
    assert.deepStrictEqual(first.outputs["paths"], [path.join(dir, "a.txt"), path.join(dir, "b.txt")]);
    assert.strictEqual(fs.readFileSync(path.join(dir, "index.txt"), "utf8"), `${path.join(dir, "a.txt")}\n${path.join(dir, "b.txt")}`);
    assert.match(first.providerOutput, /file provider: creating a\.txt/);
    assert.deepStrictEqual(first.diagnostics, [], "the SDK's DEBUG log messages are filtered");

    const state = engine.state();
    assert.ok(state);
    assert.deepStrictEqual(
      state.resources.map((resource) => resource.urn),
      [stackUrn, bundleUrn, bundleFileUrn("a.txt"), bundleFileUrn("b.txt"), indexUrn],
    );
    const index = state.resources.find((resource) => resource.urn === indexUrn);
    assert.strictEqual(index?.id, path.join(dir, "index.txt"));
    assert.deepStrictEqual(index?.dependencies, [bundleFileUrn("a.txt"), bundleFileUrn("b.txt")]);
    assert.strictEqual(typeof index?.inputs["__provider"], "string", "the serialized provider is stored with the inputs");
    assert.strictEqual(typeof index?.outputs["__provider"], "string", "…and with the outputs");
    assert.deepStrictEqual(state.resources[0]?.outputs["paths"], first.outputs["paths"], "stack outputs are stored");

    const second = await engine.up();
    assertSucceeded(second);
    assert.ok(second.steps.every((step) => step.op === "same"), ops(second).join(", "));
    assert.deepStrictEqual([...new Set(providerMethods(second))].sort(), ["check", "configure", "diff"]);
  });

  it("a changed program updates, replaces (create before delete), creates and deletes", async () => {
    const { engine, dir } = newStack({ bundle: { "a.txt": "A", "b.txt": "B" }, solo: { name: "solo.txt", content: "S" } });
    assertSucceeded(await engine.up());
    engine.setConfig("dynh:spec", { value: { bundle: { "a.txt": "A2", "c.txt": "C" }, solo: { name: "solo2.txt", content: "S" } } });

    const preview = await engine.preview();
    assertSucceeded(preview);
    const planned = ["update bundle-a.txt", "create bundle-c.txt", "replace solo", "delete bundle-b.txt"];
    assert.deepStrictEqual(ops(preview, fileType).sort(), [...planned].sort());
    const diffOf = (name: string) => preview.steps.find((step) => step.name === name)?.diff;
    assert.deepStrictEqual(diffOf("bundle-a.txt"), { paths: ["content"], replaces: [] }, "what preview --diff marks for the update");
    assert.deepStrictEqual(diffOf("solo"), { paths: ["name"], replaces: ["name"] }, "…and for the replace, with the key forcing it");
    assert.strictEqual(diffOf("bundle-c.txt"), undefined, "a create has no diff");
    assert.ok(!providerMethods(preview).some((method) => ["create", "update", "delete"].includes(method)));
    assert.strictEqual(fs.readFileSync(path.join(dir, "a.txt"), "utf8"), "A", "preview changed nothing");

    const up = await engine.up();
    assertSucceeded(up);
    assert.deepStrictEqual(ops(up, fileType).sort(), [...planned].sort());
    assert.deepStrictEqual(fs.readdirSync(dir).filter((file) => file.endsWith(".txt")).sort(), ["a.txt", "c.txt", "solo2.txt"]);
    assert.strictEqual(fs.readFileSync(path.join(dir, "a.txt"), "utf8"), "A2");
    const log = up.providerOutput;
    assert.ok(log.indexOf("creating solo2.txt") < log.indexOf(`deleting ${path.join(dir, "solo.txt")}`), log);
    const urns = engine.resources().map((resource) => resource.urn);
    assert.ok(!urns.includes(bundleFileUrn("b.txt")));
    assert.strictEqual(urns.filter((urn) => urn === soloUrn).length, 1, "the replaced resource left the state");
  });

  it("deleteBeforeReplace deletes the old resource before creating its replacement", async () => {
    const { engine, dir } = newStack({ solo: { name: "one.txt", content: "1", deleteBeforeReplace: true } });
    assertSucceeded(await engine.up());
    engine.setConfig("dynh:spec", { value: { solo: { name: "two.txt", content: "1", deleteBeforeReplace: true } } });
    const up = await engine.up();
    assertSucceeded(up);
    assert.deepStrictEqual(ops(up, fileType), ["replace solo"]);
    const log = up.providerOutput;
    assert.ok(log.indexOf(`deleting ${path.join(dir, "one.txt")}`) < log.indexOf("creating two.txt"), log);
    assert.strictEqual(up.outputs["soloPath"], path.join(dir, "two.txt"));
  });

  it("refresh drops resources deleted out of band and records drift; the next up repairs both", async () => {
    const { engine, dir } = newStack({ bundle: { "a.txt": "A", "b.txt": "B" } });
    assertSucceeded(await engine.up());
    fs.rmSync(path.join(dir, "b.txt"));
    fs.writeFileSync(path.join(dir, "a.txt"), "edited by hand");

    const refresh = await engine.refresh();
    assertSucceeded(refresh);
    assert.deepStrictEqual(ops(refresh), ["refresh-update bundle-a.txt", "refresh-delete bundle-b.txt"]);
    assert.strictEqual(refresh.stdout, "", "refresh does not run the program");
    const resources = engine.resources();
    assert.ok(!resources.some((resource) => resource.urn === bundleFileUrn("b.txt")));
    assert.strictEqual(resources.find((resource) => resource.urn === bundleFileUrn("a.txt"))?.outputs["content"], "edited by hand");

    const up = await engine.up();
    assertSucceeded(up);
    assert.deepStrictEqual(ops(up, fileType), ["update bundle-a.txt", "create bundle-b.txt"]);
    assert.strictEqual(fs.readFileSync(path.join(dir, "a.txt"), "utf8"), "A");
    assert.strictEqual(fs.readFileSync(path.join(dir, "b.txt"), "utf8"), "B");
  });

  it("removing resources from the program deletes them; destroy deletes the rest, dependents first", async () => {
    const { engine, dir } = newStack({ bundle: { "a.txt": "A", "b.txt": "B" }, index: true, solo: { name: "solo.txt", content: "S" } });
    assertSucceeded(await engine.up());
    engine.setConfig("dynh:spec", { value: { bundle: { "a.txt": "A", "b.txt": "B" }, index: true } });
    const up = await engine.up();
    assertSucceeded(up);
    assert.deepStrictEqual(ops(up, fileType), ["same bundle-a.txt", "same bundle-b.txt", "same index", "delete solo"]);
    assert.ok(!fs.existsSync(path.join(dir, "solo.txt")));

    const destroy = await engine.destroy();
    assertSucceeded(destroy);
    assert.deepStrictEqual(ops(destroy), [
      "delete index",
      "delete bundle-b.txt",
      "delete bundle-a.txt",
      "delete bundle",
      "delete dynh-dev",
    ]);
    assert.deepStrictEqual(fs.readdirSync(dir), ["state"]);
    assert.deepStrictEqual(engine.state()?.resources, []);
  });

  it("secret config and secret inputs never reach the state file in plain text", async () => {
    const { engine, dir, stateFile } = newStack(
      { solo: { name: "solo.txt", content: secretContent, secretContent: true } },
      {},
      { "dynh:token": { value: token, secret: true } },
    );
    const up = await engine.up();
    assertSucceeded(up);

    assert.deepStrictEqual(up.outputs["token"], { secret: true, value: token });
    assert.deepStrictEqual(up.outputs["soloContent"], { secret: true, value: secretContent });
    const digest = crypto.createHash("sha256").update(`${token}:${secretContent}`).digest("hex");
    assert.strictEqual(up.outputs["soloDigest"], digest, "the provider's configure received the secret config");
    assert.strictEqual(fs.readFileSync(path.join(dir, "solo.txt"), "utf8"), secretContent);

    const stateText = fs.readFileSync(stateFile, "utf8");
    assert.ok(!stateText.includes(token), "secret config leaked into the state file");
    assert.ok(!stateText.includes(secretContent), "secret input leaked into the state file");
    const stored = engine.state()?.resources.find((resource) => resource.urn === soloUrn);
    assert.ok(isEncryptedSecret(stored?.inputs["content"]), "input stored as a secret");
    assert.ok(isEncryptedSecret(stored?.outputs["content"]), "output re-marked secret (annotateSecrets)");
    assert.ok(!isEncryptedSecret(stored?.outputs["path"]), "other outputs stay plain");
    const stack = engine.state()?.resources.find((resource) => resource.urn === stackUrn);
    assert.ok(isEncryptedSecret(stack?.outputs["token"]));
    const revealed = engine.resources().find((resource) => resource.urn === soloUrn);
    assert.deepStrictEqual(revealed?.outputs["content"], { secret: true, value: secretContent });

    const responses = up.providerResponses.map((response) => response.json).join("\n");
    assert.ok(!responses.includes(token) && !up.providerOutput.includes(token), "secret config leaked from the provider");
    assert.ok(!up.stdout.includes(token) && !up.stderr.includes(token));
  });

  it("runs a TypeScript entry point named by Pulumi.yaml `main`, or given directly as a file", async () => {
    const mainProgramDir = path.join(harnessFixturesDir, "main-program");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "test-engine-"));
    workDirs.push(dir);
    const viaMain = new TestEngine({ programDir: mainProgramDir, stateFile: path.join(dir, "main.json") });
    const preview = await viaMain.preview();
    assertSucceeded(preview);
    assert.deepStrictEqual(preview.outputs, { greeting: "hello", project: "mainprog" }, "project name taken from Pulumi.yaml");
    assert.match(preview.stdout, /hello from mainprog\/dev/);
    assert.deepStrictEqual(ops(preview), ["create mainprog-dev"]);

    const direct = new TestEngine({
      programDir: path.join(mainProgramDir, "src", "app.ts"),
      project: "direct",
      stack: "qa",
      stateFile: path.join(dir, "direct.json"),
      config: { "direct:greeting": { value: "hi" } },
    });
    const up = await direct.up();
    assertSucceeded(up);
    assert.deepStrictEqual(up.outputs, { greeting: "hi", project: "direct" });
    assert.deepStrictEqual(direct.state()?.resources.map((resource) => resource.urn), ["urn:pulumi:qa::direct::pulumi:pulumi:Stack::direct-qa"]);
  });

  it("records components and their children under the parent type chain", async () => {
    const { engine } = newStack({ bundle: { "a.txt": "A" } });
    const up = await engine.up();
    assertSucceeded(up);
    const resources = engine.resources();
    const child = resources.find((resource) => resource.urn === bundleFileUrn("a.txt"));
    assert.strictEqual(child?.parent, bundleUrn);
    assert.strictEqual(child?.type, fileType);
    const bundle = resources.find((resource) => resource.urn === bundleUrn);
    assert.strictEqual(bundle?.parent, stackUrn);
    assert.strictEqual(bundle?.custom, false);
    assert.strictEqual(bundle?.id, undefined);
    assert.deepStrictEqual(bundle?.outputs["paths"], up.outputs["paths"], "registerOutputs recorded on the component");
    assert.strictEqual(resources.find((resource) => resource.urn === stackUrn)?.parent, undefined);
  });

  it("answers non-dynamic custom resources from mocks, never from a provider", async () => {
    const seen: { type: string; name: string; inputs: Record<string, unknown> }[] = [];
    const { engine, stateFile } = newStack(
      { password: { length: 12 } },
      {
        mocks: (type, name, inputs) => {
          seen.push({ type, name, inputs });
          return { ...inputs, id: `passwords/${name}`, result: `pw-${name}-${String(inputs["length"])}` };
        },
      },
    );
    const up = await engine.up();
    assertSucceeded(up);
    assert.deepStrictEqual(ops(up), ["create dynh-dev", "create password"]);
    assert.deepStrictEqual(seen, [{ type: "random:index/randomPassword:RandomPassword", name: "password", inputs: { length: 12 } }]);
    assert.deepStrictEqual(up.outputs["password"], { secret: true, value: "pw-password-12" }, "additionalSecretOutputs honoured");
    assert.deepStrictEqual(up.providerResponses, [], "no provider host was needed");
    assert.ok(!fs.readFileSync(stateFile, "utf8").includes("pw-password-12"));
    const stored = engine.resources().find((resource) => resource.urn === passwordUrn);
    assert.strictEqual(stored?.id, "passwords/password", "a mocked `id` becomes the resource id");
    assert.strictEqual(stored?.outputs["id"], undefined);

    const again = await engine.up();
    assert.deepStrictEqual(ops(again), ["same dynh-dev", "same password"]);
    assert.strictEqual(seen.length, 1, "unchanged inputs reuse the stored outputs");
  });

  it("echoes inputs for unmocked resources, reads existing ones (ReadResource) and answers invokes", async () => {
    const { engine } = newStack(
      { password: { length: 8 }, existingPasswordId: "pw-123", lookupKey: "colour" },
      { invokes: (tokenName, args) => (tokenName === "fake:index:lookup" ? { value: `found-${String(args["key"])}` } : undefined) },
    );
    const up = await engine.up();
    assertSucceeded(up);
    assert.deepStrictEqual(ops(up).sort(), ["create dynh-dev", "create password", "read existing"].sort());
    assert.strictEqual(up.outputs["lookup"], "found-colour");
    const existing = engine.resources().find((resource) => resource.urn.endsWith("::existing"));
    assert.strictEqual(existing?.id, "pw-123");
    assert.strictEqual(existing?.external, true);
    const password = engine.resources().find((resource) => resource.urn === passwordUrn);
    assert.deepStrictEqual(password?.outputs, { length: 8 }, "inputs echoed (result stays absent)");
    assert.strictEqual(password?.id, "password-id");

    const destroy = await engine.destroy();
    assertSucceeded(destroy);
    assert.deepStrictEqual(engine.state()?.resources, []);
  });

  it("check failures fail the registration with the provider's reasons and leave the state alone", async () => {
    const { engine, dir } = newStack({ bundle: { "a.txt": "A" } });
    assertSucceeded(await engine.up());
    const before = engine.state();
    engine.setConfig("dynh:spec", { value: { solo: { name: "bad/name", content: "x" } } });
    const up = await engine.up();
    assert.notStrictEqual(up.exitCode, 0);
    assert.ok(!up.succeeded);
    const messages = up.diagnostics.filter((entry) => entry.severity === "error").map((entry) => entry.message);
    assert.ok(messages.some((message) => message.includes('invalid file name "bad/name"')), messages.join("\n"));
    assert.ok(
      messages.some((message) => message.includes("failed to register new resource solo")),
      "the program saw the registration fail",
    );
    assert.deepStrictEqual(
      engine.state()?.resources.map((resource) => resource.urn),
      before?.resources.map((resource) => resource.urn),
      "a failed update deletes nothing",
    );
    assert.ok(fs.existsSync(path.join(dir, "a.txt")));
  });

  it("a create that fails after creating (error with id) is recorded, and the next up updates it", async () => {
    const { engine, dir } = newStack({ solo: { name: "half.txt", content: "H", failAfterWrite: true } });
    const failed = await engine.up();
    assert.ok(!failed.succeeded);
    assert.notStrictEqual(failed.exitCode, 0);
    assert.deepStrictEqual(
      failed.steps.filter((step) => step.type === fileType),
      [{ op: "create", urn: soloUrn, type: fileType, name: "solo", failed: true }],
    );
    assert.ok(failed.diagnostics.some((entry) => entry.message.includes("file half.txt was written but failed to initialize")));
    const partial = engine.resources().find((resource) => resource.urn === soloUrn);
    assert.strictEqual(partial?.id, path.join(dir, "half.txt"));
    assert.deepStrictEqual(partial?.initErrors, ["simulated initialization failure"]);

    engine.setConfig("dynh:spec", { value: { solo: { name: "half.txt", content: "H", failAfterWrite: false } } });
    const retried = await engine.up();
    assertSucceeded(retried);
    assert.deepStrictEqual(ops(retried, fileType), ["update solo"]);
    assert.strictEqual(engine.resources().find((resource) => resource.urn === soloUrn)?.initErrors, undefined);
  });
});

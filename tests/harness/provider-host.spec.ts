import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fileProvider } from "./fixtures/file-provider";
import { HostCallError, ProviderHost, providerKey, serializeProvider, unknown, type PropertyBag } from "../../harness/provider-host";

const urnOf = (name: string) => `urn:pulumi:dev::dynh::pulumi-nodejs:dynamic/files:ManagedFile::${name}`;
const token = "tok-Zq81-very-secret";

describe("ProviderHost (real @pulumi/pulumi dynamic-provider host over gRPC)", function () {
  this.timeout(60_000);

  let workDir: string;
  let provider: string;
  let host: ProviderHost;

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-host-"));
    provider = await serializeProvider(fileProvider);
    host = await ProviderHost.start({ project: "dynh", provider });
    const configured = await host.configure({ "dynh:baseDir": workDir, "dynh:token": token }, ["dynh:token"]);
    assert.deepStrictEqual(configured, { acceptSecrets: false, supportsPreview: false, acceptResources: false });
  });

  after(async () => {
    await host?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("serializes the provider to the CommonJS module text the host loads", () => {
    assert.match(provider, /^exports\.handler = __f0;/);
    assert.match(provider, /require\("fs"\)/);
    assert.ok(!provider.includes(token), "the provider closure must not capture the token");
  });

  it("check returns the checked inputs (with __provider re-added) and no failures for a valid name", async () => {
    const checked = await host.check(urnOf("a"), {}, { name: "a.txt" });
    assert.deepStrictEqual(checked.failures, []);
    assert.strictEqual(checked.inputs["name"], "a.txt");
    assert.strictEqual(checked.inputs["content"], "", "check defaults content");
    assert.strictEqual(checked.inputs[providerKey], provider);
  });

  it("check reports the provider's failures as {property, reason}", async () => {
    const checked = await host.check(urnOf("bad"), {}, { name: "bad/name", content: "x" });
    assert.deepStrictEqual(checked.failures, [{ property: "name", reason: 'invalid file name "bad/name"' }]);
  });

  it("check during preview receives unknown values as the SDK sentinel string", async () => {
    const checked = await host.check(urnOf("later"), {}, { name: unknown, content: "x" });
    assert.deepStrictEqual(checked.failures, []);
    assert.strictEqual(checked.inputs["name"], "04da6b54-80e4-46f7-96ec-b56ff0331ba9");
  });

  it("runs create → diff → update → read → delete against real files", async () => {
    const urn = urnOf("life");
    const { inputs } = await host.check(urn, {}, { name: "life.txt", content: "v1" });
    const created = await host.create(urn, inputs);
    const filePath = path.join(workDir, "life.txt");
    assert.strictEqual(created.id, filePath);
    assert.strictEqual(fs.readFileSync(filePath, "utf8"), "v1");
    assert.deepStrictEqual(Object.keys(created.outs).sort(), ["__provider", "content", "digest", "name", "path", "size"]);
    const expectedDigest = crypto.createHash("sha256").update(`${token}:v1`).digest("hex");
    assert.strictEqual(created.outs["digest"], expectedDigest, "configure received the secret token unwrapped");

    assert.deepStrictEqual(await host.diff(urn, created.id, created.outs, inputs, inputs), {
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const changedContent: PropertyBag = { ...inputs, content: "v2" };
    assert.deepStrictEqual(await host.diff(urn, created.id, created.outs, changedContent, inputs), {
      changes: "some",
      replaces: [],
      deleteBeforeReplace: false,
    });
    const renamed = await host.diff(urn, created.id, created.outs, { ...inputs, name: "other.txt" }, inputs);
    assert.deepStrictEqual(renamed, { changes: "some", replaces: ["name"], deleteBeforeReplace: false });

    const updated = await host.update(urn, created.id, created.outs, changedContent, inputs);
    assert.strictEqual(updated.outs["content"], "v2");
    assert.strictEqual(updated.outs["size"], 2);
    assert.strictEqual(updated.outs[providerKey], provider);
    assert.strictEqual(fs.readFileSync(filePath, "utf8"), "v2");

    fs.writeFileSync(filePath, "drifted");
    const read = await host.read(urn, created.id, updated.outs, changedContent);
    assert.strictEqual(read.id, created.id);
    assert.strictEqual(read.props["content"], "drifted");
    assert.strictEqual(read.inputs, undefined, "the provider returned no inputs");

    await host.delete(urn, created.id, read.props, changedContent);
    assert.ok(!fs.existsSync(filePath));
    const gone = await host.read(urn, created.id, read.props);
    assert.strictEqual(gone.id, "", "an empty id tells the engine the resource is gone");
  });

  it("turns an error thrown with an id into a HostCallError carrying the partially created resource", async () => {
    const urn = urnOf("partial");
    const { inputs } = await host.check(urn, {}, { name: "partial.txt", content: "p", failAfterWrite: true });
    const failure = await host.create(urn, inputs).then(
      () => assert.fail("create should fail"),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof HostCallError);
    assert.strictEqual(failure.method, "create");
    assert.strictEqual(failure.code, 2, "create errors are UNKNOWN");
    assert.strictEqual(failure.details, "file partial.txt was written but failed to initialize");
    assert.strictEqual(failure.id, path.join(workDir, "partial.txt"));
    assert.strictEqual(failure.properties?.["content"], "p");
    assert.deepStrictEqual(failure.initFailure?.reasons, ["simulated initialization failure"]);
    assert.ok(fs.existsSync(path.join(workDir, "partial.txt")));
  });

  it("reports an import-style read without __provider as the host's error (pulumi/pulumi#16175)", async () => {
    const failure = await host.read(urnOf("imported"), "/nowhere", { [providerKey]: undefined }).then(
      () => assert.fail("read should fail"),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof HostCallError);
    assert.match(failure.details, /code must be a string/);
    assert.strictEqual(failure.initFailure, undefined);
  });

  it("records every response, and the secret config never appears in responses or host output", async () => {
    const methods = new Set(host.responses.map((response) => response.method));
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
      assert.ok(methods.has(method), `a ${method} response was recorded`);
    }
    const everything = host.responses.map((response) => response.json).join("\n");
    assert.ok(everything.includes("drifted"), "responses carry plain values (scan is meaningful)");
    assert.ok(host.output.includes("file provider: creating life.txt"), "provider console output is kept");
    assert.ok(!everything.includes(token), "secret config must not leak into responses");
    assert.ok(!host.output.includes(token), "secret config must not leak into host output");
  });

  it("stop() terminates the host process", async () => {
    const other = await ProviderHost.start({ project: "dynh", provider });
    assert.ok(other.running);
    await other.stop();
    await other.stop();
    assert.ok(!other.running);
    await assert.rejects(other.check(urnOf("x"), {}, { name: "x" }), /the host was stopped/);
  });
});

import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deletionOrder } from "../../harness/deletion";
import { isDynamicType, makeUrn } from "../../harness/engine-model";
import { locateProgram } from "../../harness/program-runner";
import { annotateSecrets, displayedDiffPaths, makeSecret, revealSecrets, unwrapSecrets, type PropertyBag } from "../../harness/property-values";
import { decryptSecrets, encryptSecrets, isEncryptedSecret, type ResourceState } from "../../harness/state";

describe("test engine semantics (pure helpers)", () => {
  describe("annotateSecrets (the engine's re-marking of outputs)", () => {
    it("marks a same-named output secret when its input contained a secret anywhere", () => {
      const outs: PropertyBag = { password: "p", list: ["a", "b"], plain: "x", derived: "p" };
      annotateSecrets(outs, { password: makeSecret("p"), list: ["a", makeSecret("b")], plain: "x" });
      assert.deepStrictEqual(revealSecrets(outs), {
        password: { secret: true, value: "p" },
        list: { secret: true, value: ["a", "b"] },
        plain: "x",
        derived: "p",
      });
    });

    it("recurses when both values are objects, so only the secret leaf is marked", () => {
      const outs: PropertyBag = { auth: { user: "u", key: "k" } };
      annotateSecrets(outs, { auth: { user: "u", key: makeSecret("k") } });
      assert.deepStrictEqual(revealSecrets(outs), { auth: { user: "u", key: { secret: true, value: "k" } } });
    });

    it("marks a whole output object secret when the input object was one secret", () => {
      const outs: PropertyBag = { auth: { user: "u" } };
      annotateSecrets(outs, { auth: makeSecret({ user: "u" }) });
      assert.deepStrictEqual(revealSecrets(outs), { auth: { secret: true, value: { user: "u" } } });
      assert.deepStrictEqual(unwrapSecrets(outs), { auth: { user: "u" } });
    });
  });

  describe("displayedDiffPaths (what `preview --diff` marks; held against the real display in tests/cli/engines.spec.ts)", () => {
    it("walks objects and arrays present on both sides, one path per differing leaf", () => {
      const olds = { name: "Acme", auth: { specName: "Basic", params: { user: "a", port: 1 } }, tags: ["x", "y"] };
      const news = { name: "Contoso", auth: { specName: "Basic", params: { user: "b", port: 1 } }, tags: ["x", "z", "w"] };
      assert.deepStrictEqual(displayedDiffPaths(olds, news), ["auth.params.user", "name", "tags[1]", "tags[2]"]);
    });

    it("an added or removed key is one path, however deep its value", () => {
      assert.deepStrictEqual(displayedDiffPaths({ a: 1, gone: { deep: { x: 1 } } }, { a: 1, added: { deep: true } }), ["added", "gone"]);
    });

    it("a secret whose value alone changed marks nothing (the display compares [secret] with [secret])", () => {
      const olds = { auth: { params: { password: makeSecret("one") } } };
      assert.deepStrictEqual(displayedDiffPaths(olds, { auth: { params: { password: makeSecret("two") } } }), []);
      assert.deepStrictEqual(displayedDiffPaths(olds, { auth: { params: { password: "plain" } } }), ["auth.params.password"]);
    });

    it("ignores internal keys (__provider) and undefined entries", () => {
      assert.deepStrictEqual(displayedDiffPaths({ __provider: "old", a: 1, b: undefined }, { __provider: "new", a: 1 }), []);
    });
  });

  describe("state-file secrets", () => {
    it("stores secrets as {sig, ciphertext} without the plaintext and reads them back", () => {
      const value = { name: "n", nested: { secret: makeSecret("hunter2-plaintext") }, list: [makeSecret(42)] };
      const stored = encryptSecrets(value);
      const text = JSON.stringify(stored);
      assert.ok(!text.includes("hunter2-plaintext"));
      assert.ok(isEncryptedSecret((stored as { nested: { secret: unknown } }).nested.secret));
      assert.deepStrictEqual(decryptSecrets(stored), value);
    });
  });

  describe("URNs and resource kinds", () => {
    it("chains parent types except the stack's", () => {
      const stack = makeUrn("dev", "p", "", "pulumi:pulumi:Stack", "p-dev");
      assert.strictEqual(stack, "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev");
      const component = makeUrn("dev", "p", stack, "acme:index:Bundle", "b");
      assert.strictEqual(component, "urn:pulumi:dev::p::acme:index:Bundle::b");
      const child = makeUrn("dev", "p", component, "pulumi-nodejs:dynamic:Resource", "b-1");
      assert.strictEqual(child, "urn:pulumi:dev::p::acme:index:Bundle$pulumi-nodejs:dynamic:Resource::b-1");
      const grandChild = makeUrn("dev", "p", child, "x:y:Z", "g");
      assert.strictEqual(grandChild, "urn:pulumi:dev::p::acme:index:Bundle$pulumi-nodejs:dynamic:Resource$x:y:Z::g");
    });

    it("recognizes dynamic resource tokens with and without a module", () => {
      assert.ok(isDynamicType("pulumi-nodejs:dynamic:Resource"));
      assert.ok(isDynamicType("pulumi-nodejs:dynamic/aep:BaseConnection"));
      assert.ok(!isDynamicType("pulumi-nodejs:dynamicish:Resource"));
      assert.ok(!isDynamicType("random:index/randomPassword:RandomPassword"));
    });
  });

  describe("deletion order", () => {
    const resource = (urn: string, parent?: string, dependencies: string[] = []): ResourceState => ({
      urn,
      type: "t",
      custom: true,
      inputs: {},
      outputs: {},
      dependencies,
      ...(parent ? { parent } : {}),
    });

    it("deletes newest first, but dependents and children before what they need", () => {
      const order = deletionOrder([
        resource("stack"),
        resource("component", "stack"),
        resource("child", "component", ["late-dependency"]),
        resource("late-dependency", "stack"),
        resource("newest", "stack"),
      ]);
      assert.deepStrictEqual(
        order.map((entry) => entry.urn),
        ["newest", "child", "late-dependency", "component", "stack"],
      );
    });
  });

  describe("locating the program", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "locate-program-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("uses Pulumi.yaml's name and main", () => {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: 'demo'\nruntime:\n  name: nodejs\nmain: src/index.ts # entry\n");
      assert.deepStrictEqual(locateProgram(dir), { directory: dir, program: path.join(dir, "src", "index.ts"), projectName: "demo" });
    });

    it("lets the SDK read a program directory's own package.json, and runs other directories as is", () => {
      assert.deepStrictEqual(locateProgram(dir), { directory: dir, program: dir, projectName: undefined });
      fs.writeFileSync(path.join(dir, "package.json"), "{}");
      assert.strictEqual(locateProgram(dir).program, ".");
      fs.writeFileSync(path.join(dir, "main.ts"), "");
      assert.deepStrictEqual(locateProgram(path.join(dir, "main.ts")), {
        directory: dir,
        program: path.join(dir, "main.ts"),
        projectName: undefined,
      });
    });
  });
});

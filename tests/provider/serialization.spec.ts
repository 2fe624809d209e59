/**
 * The serialized provider is what Pulumi stores twice per resource: it must stay small, hold no credentials,
 * and load the implementation through the package's own `exports` map.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HostCallError, ProviderHost, serializeProvider } from "../../harness/provider-host";
import { cleanEnv, urnOf } from "../../harness/rig";
import { IMPLEMENTATION_MODULE, serializedProvider } from "../../provider/serialized-provider";

describe("serialized BaseConnection provider", () => {
  it("is at most 2 KB and names the implementation by package subpath, not by a local path", async () => {
    const text = await serializeProvider(serializedProvider("BaseConnection"));
    assert.ok(text.length <= 2048, `serialized provider is ${text.length} bytes`);
    assert.ok(text.includes(JSON.stringify(IMPLEMENTATION_MODULE)));
    assert.ok(!text.includes(path.resolve(__dirname, "..", "..")), "no absolute path of this checkout");
  });

  it("captures no credential even when AEP_* variables are set in the program's environment", async () => {
    const saved = process.env["AEP_CLIENT_SECRET"];
    process.env["AEP_CLIENT_SECRET"] = "program-side-secret-value";
    try {
      const text = await serializeProvider(serializedProvider("BaseConnection"));
      assert.ok(!text.includes("program-side-secret-value"));
    } finally {
      if (saved === undefined) delete process.env["AEP_CLIENT_SECRET"];
      else process.env["AEP_CLIENT_SECRET"] = saved;
    }
  });

  it("matches the package.json exports entry that the host resolves", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pkg = require("../../package.json") as { name: string; exports: Record<string, unknown> };
    const subpath = IMPLEMENTATION_MODULE.slice(pkg.name.length);
    assert.ok(IMPLEMENTATION_MODULE.startsWith(`${pkg.name}/`));
    assert.equal(pkg.exports[`.${subpath}`], "./dist/provider/install.js");
  });

  it("resolves, from the repository root, to the built implementation that installs each object type's provider", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const requireFromRoot = require("node:module").createRequire(path.resolve(__dirname, "..", "..", "noop.js")) as NodeRequire;
    const implementation = requireFromRoot(IMPLEMENTATION_MODULE) as {
      install(shim: object, request: { config: { get(key: string): string | undefined } }, type?: unknown): void;
    };
    const methods = ["check", "diff", "create", "read", "update", "delete"];
    const config = { get: () => undefined };
    // A shim of this version names its type; state written before that holds base connections only.
    for (const type of ["BaseConnection", undefined]) {
      const shim: Record<string, unknown> = {};
      implementation.install(shim, { config }, type);
      for (const method of methods) assert.equal(typeof shim[method], "function", `${String(type)}: ${method}`);
    }
    assert.throws(() => implementation.install({}, { config }, "Spaceship"), /no provider for the object type "Spaceship"; upgrade the package/);
  });

  it("serves every object type with one shim text that differs only by the type it names", async () => {
    const text = await serializeProvider(serializedProvider("BaseConnection"));
    assert.ok(text.includes('"BaseConnection"'), "the type is captured by value");
    assert.equal(serializedProvider("BaseConnection"), serializedProvider("BaseConnection"), "one object per type, serialized once");
  });

  it("tells the user to install the package when the program's directory does not have it", async function () {
    this.timeout(60_000);
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "aep-no-package-"));
    const host = await ProviderHost.start({ provider: await serializeProvider(serializedProvider("BaseConnection")), env: cleanEnv(), cwd: directory });
    try {
      await host.configure({}, []);
      const error = await host.check(urnOf("c"), {}, { source: "synapse" }).then(
        () => assert.fail("check should fail"),
        (e: unknown) => e as HostCallError,
      );
      assert.ok(error instanceof HostCallError);
      assert.match(error.details, /pulumi-aep-azure not found in .*aep-no-package-.*: npm install it there \(in its own checkout: npm run build\)\. Error: Cannot find module 'pulumi-aep-azure\/provider-implementation'/);
      assert.ok(!error.details.includes("Require stack"), "one line, without the require stack");
    } finally {
      await host.stop();
      fs.rmSync(directory, { recursive: true, force: true });
    }
  });
});

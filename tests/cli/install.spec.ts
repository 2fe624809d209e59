/**
 * Issue 15 items 1, 2, 7 and 8 under the real Pulumi CLI: the packed tarball installed into fresh program
 * directories the way the README's Install section says, each program run with `up` and `destroy` against the
 * emulator.
 *
 * - a CommonJS TypeScript program, `npm install @pulumi/pulumi typescript <tarball>` (so the newest SDK and the
 *   TypeScript that npm gives a new program here), the README's tsconfig, type-checked by Pulumi's ts-node as a
 *   user's run is; driven by the README's offline try-out sequence as a shell script (the emulator `--detach`ed
 *   from the checkout, `pulumi login --local`, `pulumi stack init`, `up`, `destroy`, `kill`);
 * - an ESM program (`"type": "module"`, with ts-node as the README says);
 * - the lowest SDK of the declared range, `@pulumi/pulumi@3.139.0`.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { cliEnv, cliStack, cliTools, makeProgramAsync, PROJECT, repositoryRoot, runAsync, SECRETS, type CliStack, type ProgramOptions } from "./support";
import type { PulumiTools } from "../../tools/pulumi/install";

/** The smallest useful program: one connection, its secret from the program's own config. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { AdlsGen2Connection } from "pulumi-aep-azure";

const config = new pulumi.Config();
const lake = new AdlsGen2Connection("lake", {
  displayName: "Fresh program data lake",
  accountName: "contosolake",
  tenant: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
  servicePrincipalId: "3f2b9c1e-7a4d-4e8b-9c0f-1a2b3c4d5e6f",
  servicePrincipalSecret: config.requireSecret("spSecret"),
});

export const connectionId = lake.connectionId;
`;

const README = fs.readFileSync(path.join(repositoryRoot, "README.md"), "utf8");

/** The tsconfig.json of the README's Install section. */
function readmeTsconfig(): object {
  const block = /```json\n([\s\S]*?)```/.exec(README.slice(README.indexOf("\n## Install")));
  assert.ok(block?.[1] !== undefined, "the README's Install section shows a tsconfig.json");
  return JSON.parse(block[1]) as object;
}

function versionIn(programDir: string, name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(programDir, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

/** One copy of the SDK, the program's: npm shared it with the package instead of nesting a second one. */
function assertOneSdk(programDir: string): void {
  assert.ok(!fs.existsSync(path.join(programDir, "node_modules/pulumi-aep-azure/node_modules/@pulumi/pulumi")), "no nested @pulumi/pulumi");
}

describe("real Pulumi CLI: the packed package in fresh programs", function () {
  this.timeout(600_000);
  let tools: PulumiTools;
  const dirs: string[] = [];

  /** The three programs, installed at once (npm waits on the network and the disk more than on the CPU). */
  let programs: Promise<{ cjs: string; esm: string; lowest: string }> | undefined;

  before(function () {
    const found = cliTools();
    if (found === undefined) return this.skip();
    tools = found;
    const tsconfig = readmeTsconfig();
    const made = (options: ProgramOptions): Promise<string> =>
      makeProgramAsync(PROGRAM, PROJECT, options).then((dir) => {
        dirs.push(dir);
        return dir;
      });
    // The Install section's command; ts-node too for ESM; the lowest SDK of the range, pinned.
    const all = Promise.all([
      made({ packages: ["@pulumi/pulumi", "typescript"], tsconfig }),
      made({ packages: ["@pulumi/pulumi", "typescript", "ts-node"], packageJson: { type: "module" }, tsconfig }),
      made({ packages: ["@pulumi/pulumi@3.139.0", "typescript"], tsconfig }),
    ]);
    programs = all.then(([cjs, esm, lowest]) => ({ cjs, esm, lowest }));
    programs.catch(() => undefined); // reported by the test that awaits it
  });

  async function program(kind: "cjs" | "esm" | "lowest"): Promise<string> {
    assert.ok(programs !== undefined, "before() started the installs");
    return (await programs)[kind];
  }

  after(async () => {
    await programs?.catch(() => undefined);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("CommonJS TypeScript program, newest SDK, the README's offline sequence: emulator --detach, pulumi login, stack init, up, destroy", async () => {
    const programDir = await program("cjs");
    assertOneSdk(programDir);
    console.log(`      @pulumi/pulumi ${versionIn(programDir, "@pulumi/pulumi")}, TypeScript ${versionIn(programDir, "typescript")}`);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "aep-install-home-"));
    dirs.push(home);
    fs.mkdirSync(path.join(home, "state"));

    // The README's sequence, with --yes (and no second preview) for a non-interactive run and a passphrase for the local backend's secrets.
    // `pulumi login --local` is file://~, which the CLI resolves to the OS user's home directory whatever $HOME says,
    // so the script logs in to a file:// backend in the temp home instead, to leave no state behind.
    const list = `node -e 'const { FlowServiceClient, resolveSettings } = require("pulumi-aep-azure");
      (async () => { const ids = []; for await (const c of new FlowServiceClient(resolveSettings()).listConnections()) ids.push(c.name + "=" + c.id);
      console.log("CONNECTIONS " + JSON.stringify(ids)); process.exit(0); })()'`;
    const script = [
      "set -euo pipefail",
      `cd ${JSON.stringify(repositoryRoot)}`,
      'eval "$(npm run -s emulator -- --port 0 --detach)"',
      'trap \'kill "$AEP_EMULATOR_PID" 2>/dev/null || true\' EXIT',
      `cd ${JSON.stringify(programDir)}`,
      `pulumi login ${JSON.stringify(`file://${path.join(home, "state")}`)} && pulumi stack init dev`,
      `pulumi config set --secret spSecret ${JSON.stringify(SECRETS.spSecret)}`,
      // From here each command is echoed with the script's elapsed seconds, so a failure shows which step it was.
      "PS4='+ [${SECONDS}s] ' && set -x",
      "pulumi up --yes --skip-preview",
      'echo "OUTPUT $(pulumi stack output connectionId)"',
      list,
      'pulumi destroy --yes && kill "$AEP_EMULATOR_PID"',
      'for i in $(seq 50); do kill -0 "$AEP_EMULATOR_PID" 2>/dev/null || { echo "EMULATOR STOPPED"; exit 0; }; sleep 0.1; done',
      'echo "emulator still running"; exit 1',
    ].join("\n");
    const { PULUMI_BACKEND_URL: _backend, PULUMI_NODEJS_TRANSPILE_ONLY: _transpileOnly, ...env } = cliEnv(tools, path.join(home, ".pulumi-home"), home);
    const run = await runAsync("bash", ["-c", script], programDir, { ...process.env, ...env, HOME: home });
    const result = { status: run.status, output: `${run.stdout}${run.stderr}` };
    assert.equal(result.status, 0, result.output);
    const id = /^OUTPUT (\S+)$/m.exec(result.output)?.[1];
    assert.ok(id !== undefined, result.output);
    assert.equal(/^CONNECTIONS (.*)$/m.exec(result.output)?.[1], JSON.stringify([`Fresh program data lake=${id}`]), "exactly the stack's connection in AEP");
    assert.match(result.output, /Resources:\s+(\S+ )?\d+ deleted/);
    assert.match(result.output, /EMULATOR STOPPED/);
    assert.ok(!result.output.includes(SECRETS.spSecret), "the secret is never printed");
  });

  describe("through LocalWorkspace against an emulator in this process", () => {
    let emulator: Emulator;
    let s: CliStack | undefined;

    before(async () => {
      emulator = await startEmulator();
    });

    afterEach(async () => {
      await s?.remove();
      s = undefined;
    });

    after(async () => {
      await emulator?.close();
    });

    async function upAndDestroy(programDir: string): Promise<void> {
      s = await cliStack(tools, programDir, "dev", emulator, {});
      const up = await s.stack.up();
      assert.equal(up.summary.result, "succeeded", up.stderr);
      const connections = emulator.store.list();
      assert.equal(connections.length, 1);
      assert.equal(up.outputs["connectionId"]?.value, connections[0]!.id);
      assert.equal(connections[0]!.name, "Fresh program data lake");
      const destroy = await s.stack.destroy();
      assert.equal(destroy.summary.result, "succeeded", destroy.stderr);
      assert.equal(emulator.store.list().length, 0);
    }

    it('ESM program ("type": "module"), newest SDK, with ts-node: up and destroy', async () => {
      const programDir = await program("esm");
      assertOneSdk(programDir);
      await upAndDestroy(programDir);
    });

    it("the range's lower bound, @pulumi/pulumi 3.139.0: up and destroy", async () => {
      const programDir = await program("lowest");
      assertOneSdk(programDir);
      assert.equal(versionIn(programDir, "@pulumi/pulumi"), "3.139.0");
      console.log(`      TypeScript ${versionIn(programDir, "typescript")} (the SDK's peer range)`);
      await upAndDestroy(programDir);
    });
  });
});

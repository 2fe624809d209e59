/**
 * Issue 10 item 7: without a `pulumi` on the PATH and without Go, the real-CLI suite skips with one visible line
 * saying how to enable it; under CI=true the same situation fails, so CI cannot go green without the suite.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function runDemoSpec(ci: boolean): { status: number | null; output: string } {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
  try {
    const env: Record<string, string> = {
      HOME: process.env["HOME"] ?? empty,
      // Node only: no go, no pulumi.
      PATH: path.dirname(process.execPath),
      PULUMI_TOOLS_BIN: empty,
      ...(ci ? { CI: "true" } : {}),
    };
    const mocha = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
    const result = spawnSync(process.execPath, [mocha, "tests/cli/demo.spec.ts"], { cwd: ROOT, env, encoding: "utf8", timeout: 120_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
}

describe("real Pulumi CLI suite without a CLI or Go", function () {
  this.timeout(240_000);

  it("skips with one line saying how to enable it", () => {
    const { status, output } = runDemoSpec(false);
    assert.equal(status, 0, output);
    assert.equal(output.match(/SKIPPED the real Pulumi CLI suite/g)?.length, 1, output);
    assert.match(output, /npm run pulumi:install/);
  });

  it("fails under CI=true", () => {
    const { status, output } = runDemoSpec(true);
    assert.notEqual(status, 0, output);
    assert.match(output, /CI=true but the Pulumi CLI suite cannot run/);
  });
});

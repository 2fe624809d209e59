/**
 * `npm run demo` is the README's first command: it must keep working from a fresh checkout (after build).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("npm run demo", function () {
  this.timeout(300_000);

  it("runs the all-sources program through every step and reports success", () => {
    const root = path.resolve(__dirname, "..", "..");
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("AEP_")) delete env[key];
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/demo.ts"], { cwd: root, env, encoding: "utf8" });
    assert.equal(run.status, 0, `demo failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /created 6 base connections/);
    assert.match(run.stdout, /6 unchanged, 0 writes sent to AEP/);
    assert.match(run.stdout, /6 updated in place, connection ids unchanged/);
    assert.match(run.stdout, /dropped from state/);
    assert.match(run.stdout, /deleted 6 connections, 0 left in AEP/);
    assert.match(run.stdout, /Demo finished/);
  });
});

/**
 * `npm run demo` is the README's first command: it must keep working from a fresh checkout (after build).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("npm run demo", function () {
  this.timeout(300_000);

  it("runs the all-sources program through every step, dataflows included, and reports success", () => {
    const root = path.resolve(__dirname, "..", "..");
    const env = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith("AEP_")) delete env[key];
    const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/demo.ts"], { cwd: root, env, encoding: "utf8" });
    assert.equal(run.status, 0, `demo failed:\n${run.stdout}\n${run.stderr}`);
    const stdout = run.stdout;
    assert.match(stdout, /to create: 6 base connections, 1 dataset, 5 source connections, 5 target connections, 5 mapping sets, 5 dataflows\n {4}0 writes sent to AEP/);
    assert.match(stdout, /created 6 base connections, 1 dataset, 5 source connections, 5 target connections, 5 mapping sets, 5 dataflows/);
    assert.match(stdout, /Acme orders +\S+ +enabled +every 1 hour +dbo\.orders via "Acme orders" → "Orders and customers" \(mapping v0\)/);
    assert.match(stdout, /27 AEP objects unchanged, 0 writes sent to AEP/);
    assert.match(stdout, /updated in place: 6 base connections, 5 source connections, 5 target connections, 5 mapping sets, 5 dataflows .*\n {4}connection and dataflow ids unchanged/);
    assert.match(stdout, /updated in place: 4 mapping sets, 5 dataflows .*\n {4}dataflow ids unchanged; each flow pins its mapping set's new version/);
    assert.match(stdout, /Contoso orders +\S+ +enabled +every 6 hours +dbo\.orders via "Contoso orders" → "Orders and customers" \(mapping v2\)/);
    assert.match(stdout, /replaced: 1 source connection, 1 dataflow: the new ones were made first, then the old ones deleted/);
    assert.match(stdout, /old flow and source connection gone from AEP/);
    assert.match(stdout, /the state now records it as "disabled"/);
    assert.match(stdout, /updated 1 dataflow: "Contoso customers" is enabled again/);
    assert.match(stdout, /"Contoso data lake" dropped from state/);
    assert.match(stdout, /created 1 base connection; replaced 1 source connection, 1 dataflow, which read through it/);
    assert.match(stdout, /no secret in plain text/);
    assert.match(stdout, /deleted 6 base connections, 1 dataset, 5 source connections, 5 target connections, 5 mapping sets, 5 dataflows .*\n {4}0 objects left in AEP/);
    assert.match(run.stdout, /Demo finished/);
  });
});

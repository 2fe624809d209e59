/**
 * `npm run demo -- --cli` (issue 10, item 5): the quickstart through the real CLI, from the README's command line.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cliTools, repositoryRoot } from "./support";

describe("real Pulumi CLI: npm run demo -- --cli", function () {
  this.timeout(300_000);

  before(function () {
    if (cliTools() === undefined) this.skip();
  });

  it("runs examples/quickstart with its dataflow through the CLI: preview, up, in-place changes, a replacement, refresh after a disable, destroy", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    for (const key of Object.keys(env)) if (key.startsWith("AEP_")) delete env[key];
    const run = spawnSync("npm", ["run", "--silent", "demo", "--", "--cli"], { cwd: repositoryRoot, env, encoding: "utf8" });
    const output = run.stdout + run.stderr;
    assert.equal(run.status, 0, output);
    assert.match(output, /Program: examples\/quickstart with its dataflow, through \S+pulumi v3\./);
    assert.match(output, /▸ pulumi preview\n[\s\S]*\+ 9 to create\n[\s\S]*0 writes sent to AEP/);
    assert.match(output, /\+ 9 created/);
    // The schedule and mapping change: preview --diff marks both updates, up applies them in place.
    assert.match(output, /~ interval\s*: 1 => 6/);
    assert.match(output, /~ mappingVersion\s*: 0 => \[unknown\]/);
    assert.match(output, /~ 2 updated/);
    assert.match(output, /kept \(changed in place\); it pins mapping set \S+ version 1/);
    assert.match(output, /Quickstart customers +\S+ +enabled +every 6 hours +\/acme-customers\/customers\.csv/);
    // Another file: the source connection and the dataflow are replaced, nothing old is left.
    assert.match(output, /~ path\s*: "\/acme-customers\/customers\.csv" => "\/acme-customers\/2027\/customers\.csv"/);
    assert.match(output, /\+-2 replaced/);
    assert.match(output, /1 flow and 1 source connection in AEP/);
    // Refresh after the out-of-band disable, and the up that enables it again.
    assert.match(output, /~ state\s*: "enabled" => "disabled"/);
    assert.match(output, /"Quickstart customers" is enabled/);
    assert.match(output, /- 9 deleted/);
    assert.match(output, /0 objects left in AEP/);
    assert.match(output, /Demo finished/);
    assert.doesNotMatch(output, /demo-secret-value/);
  });
});

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

  it("runs examples/quickstart through the CLI: up, idle up, rename, refresh, destroy", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    for (const key of Object.keys(env)) if (key.startsWith("AEP_")) delete env[key];
    const run = spawnSync("npm", ["run", "--silent", "demo", "--", "--cli"], { cwd: repositoryRoot, env, encoding: "utf8" });
    const output = run.stdout + run.stderr;
    assert.equal(run.status, 0, output);
    assert.match(output, /Program: examples\/quickstart through \S+pulumi v3\./);
    assert.match(output, /\+ 3 created/);
    assert.match(output, /Quickstart data lake \(renamed\)/);
    assert.match(output, /0 connections left in AEP/);
    assert.match(output, /Demo finished/);
    assert.doesNotMatch(output, /demo-secret-value/);
  });
});

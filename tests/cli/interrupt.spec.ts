/**
 * An interrupted `pulumi up` (issue 10, item 4): SIGINT, then SIGKILL, sent to the real CLI while the create's POST
 * is in flight. The emulator holds that POST (a latency fault) and applies it after the CLI is gone, so AEP has the
 * connection while Pulumi never saw the answer. Then the next `pulumi up` and `pulumi refresh` run, and exactly one
 * connection must exist: the create identity (`[pulumi:<16 hex>]` in the description) finds the earlier attempt.
 */
import * as assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { cliStack, cliTools, collect, makeProgram, plainSecretsIn, waitFor, type CliStack } from "./support";

const HOLD_MS = 6_000;

interface Exported {
  deployment: { resources?: { type: string; id?: string }[]; pending_operations?: { type: string; resource: { urn: string } }[] };
}

async function exported(s: CliStack): Promise<Exported> {
  const result = await s.cli(["stack", "export"]);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Exported;
}

async function connectionIdsInState(s: CliStack): Promise<string[]> {
  return ((await exported(s)).deployment.resources ?? []).filter((r) => r.type === "pulumi-nodejs:dynamic/aep:BaseConnection").map((r) => r.id ?? "");
}

/** What happened, for the report and the README (printed with AEP_CLI_TRANSCRIPT=1). */
const notes: string[] = [];

describe("real Pulumi CLI: interrupted up", () => {
  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    describe(`real Pulumi CLI: ${signal} during a create's POST`, function () {
      this.timeout(180_000);
      let emulator: Emulator;
      let s: CliStack | undefined;
      let programDir: string;

      before(async function () {
        const tools = cliTools();
        if (tools === undefined) return this.skip();
        emulator = await startEmulator();
        programDir = makeProgram();
        s = await cliStack(tools, programDir, `interrupt-${signal.toLowerCase()}`, emulator, { scenario: "one" });
      });

      after(async () => {
        await s?.remove();
        await emulator?.close();
      });

      it("loses nothing: the next up and refresh leave exactly one connection, recorded in the state", async () => {
        emulator.inject({ kind: "latency", ms: HOLD_MS, method: "POST", route: "/connections" });
        const child = s!.spawnCli(["up", "--yes", "--skip-preview"]);
        const run = collect(child);
        await waitFor("the create's POST", () => emulator.requests.some((r) => r.method === "POST" && r.route === "/connections"));
        child.kill(signal);
        const exit = await run.exited;
        const pendingAfterKill = (await exported(s!)).deployment.pending_operations ?? [];
        notes.push(`${signal}: pulumi exited ${exit.code ?? exit.signal}; pending operations in the state: ${JSON.stringify(pendingAfterKill.map((p) => p.type))}`);
        // The held POST is applied once its hold ends, whether or not anyone still waits for the answer.
        await waitFor("the held create to be applied", () => emulator.store.list().length === 1, HOLD_MS + 10_000);
        assert.deepEqual(plainSecretsIn(run.output(), emulator), []);

        if (signal === "SIGKILL") {
        // A killed CLI leaves its lock file behind (the file backend has no lease): the user must run `pulumi cancel`.
        const locked = await s!.cli(["up", "--yes", "--skip-preview"]);
        assert.notEqual(locked.status, 0);
        assert.match(locked.stdout + locked.stderr, /the stack is currently locked/);
        const cancel = await s!.cli(["cancel", "--yes"]);
        notes.push(`${signal}: up refused (stack locked); pulumi cancel exited ${cancel.status}: ${(cancel.stdout + cancel.stderr).trim()}`);
        assert.equal(cancel.status, 0, cancel.stdout + cancel.stderr);
      }
      const up = await s!.cli(["up", "--yes", "--skip-preview"]);
        notes.push(`${signal}: next up exited ${up.status}:\n${(up.stdout + up.stderr).trim()}`);
        assert.equal(up.status, 0, up.stdout + up.stderr);
        assert.equal(emulator.store.list().length, 1, "the next up found the earlier attempt instead of creating again");

        const refresh = await s!.cli(["refresh", "--yes", "--skip-preview"]);
        notes.push(`${signal}: refresh exited ${refresh.status}:\n${(refresh.stdout + refresh.stderr).trim()}`);
        assert.equal(refresh.status, 0, refresh.stdout + refresh.stderr);
        assert.equal(emulator.store.list().length, 1);
        assert.deepEqual(await connectionIdsInState(s!), [emulator.store.list()[0]!.id]);
        if (signal === "SIGKILL") {
        // The real engine keeps the pending CREATE through `up` and a non-interactive `refresh` (it asks for it
        // interactively); the resource the next up created is the same connection, so clearing it drops nothing.
        assert.deepEqual(((await exported(s!)).deployment.pending_operations ?? []).map((p) => p.type), ["creating"]);
        const clear = await s!.cli(["refresh", "--yes", "--skip-preview", "--clear-pending-creates"]);
        notes.push(`${signal}: refresh --clear-pending-creates exited ${clear.status}`);
        assert.equal(clear.status, 0, clear.stdout + clear.stderr);
        assert.equal(emulator.store.list().length, 1);
        assert.deepEqual(await connectionIdsInState(s!), [emulator.store.list()[0]!.id]);
      }
      assert.deepEqual((await exported(s!)).deployment.pending_operations ?? [], []);

        const destroy = await s!.cli(["destroy", "--yes", "--skip-preview"]);
        assert.equal(destroy.status, 0, destroy.stdout + destroy.stderr);
        assert.equal(emulator.store.list().length, 0);
      });
    });
  }

  after(() => {
    if (process.env["AEP_CLI_TRANSCRIPT"]) console.log(notes.join("\n\n"));
  });
});

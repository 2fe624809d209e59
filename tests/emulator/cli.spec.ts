import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { shellQuote } from "../../emulator/main";
import { AEP_SCOPE, BASE_PATH, formBody, http, sqlServerBody } from "./support";

const repoRoot = path.resolve(__dirname, "../..");
const EXPECTED_NAMES = ["AEP_PLATFORM_URL", "AEP_IMS_URL", "AEP_CLIENT_ID", "AEP_CLIENT_SECRET", "AEP_ORG_ID", "AEP_SANDBOX_NAME"];

/** Undoes {@link shellQuote} for the values this CLI prints. */
function shellUnquote(value: string): string {
  return value.startsWith("'") ? value.slice(1, -1).replace(/'\\''/g, "'") : value;
}

interface RunningCli {
  child: ChildProcess;
  env: Record<string, string>;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/main.ts", ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not print its settings in time. stderr: ${stderr}`)), 20_000);
    // Ready once every export line and the human line on stderr have arrived (two pipes, no ordering between them).
    const checkReady = (): void => {
      const lines = stdout.split("\n").filter((line) => line.startsWith("export "));
      if (lines.length < EXPECTED_NAMES.length || !stderr.includes("\n")) return;
      clearTimeout(timer);
      const env: Record<string, string> = {};
      for (const line of lines) {
        const match = /^export ([A-Z_]+)=(.*)$/.exec(line);
        if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = shellUnquote(match[2]);
      }
      resolve({ child, env, stderr: () => stderr, exit });
    };
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      checkReady();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      checkReady();
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited early with ${code}: ${stderr}`));
    });
  });
}

describe("emulator CLI (emulator/main.ts)", function () {
  this.timeout(60_000);
  const started: ChildProcess[] = [];

  after(() => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`prints export lines that work for a token request and a POST, then exits 0 on ${signal}`, async () => {
      const cli = await startCli(["--port", "0"]);
      started.push(cli.child);
      assert.deepEqual(Object.keys(cli.env), EXPECTED_NAMES);
      const { AEP_PLATFORM_URL, AEP_IMS_URL, AEP_CLIENT_ID = "", AEP_CLIENT_SECRET = "", AEP_ORG_ID = "", AEP_SANDBOX_NAME = "" } = cli.env;
      assert.match(AEP_PLATFORM_URL ?? "", /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(AEP_SANDBOX_NAME, "prod");
      assert.match(cli.stderr(), /listening on http:\/\/127\.0\.0\.1:\d+/);

      const tokenResult = await http(`${AEP_IMS_URL}/ims/token/v3`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: formBody({ grant_type: "client_credentials", client_id: AEP_CLIENT_ID, client_secret: AEP_CLIENT_SECRET, scope: AEP_SCOPE }),
      });
      assert.equal(tokenResult.status, 200);
      const token = (tokenResult.json as { access_token: string }).access_token;
      const created = await http(`${AEP_PLATFORM_URL}${BASE_PATH}/connections`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "x-api-key": AEP_CLIENT_ID,
          "x-gw-ims-org-id": AEP_ORG_ID,
          "x-sandbox-name": AEP_SANDBOX_NAME,
          "content-type": "application/json",
        },
        body: JSON.stringify(sqlServerBody("from-cli")),
      });
      assert.equal(created.status, 201, created.text);

      cli.child.kill(signal);
      assert.equal(await cli.exit, 0);
    });
  }

  it("takes --latency and refuses unknown options with exit code 2", async () => {
    const cli = await startCli(["--port", "0", "--latency", "5"]);
    started.push(cli.child);
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exit, 0);

    const bad = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "emulator/main.ts", "--nope"], { cwd: repoRoot, stdio: "ignore" });
    started.push(bad);
    const code = await new Promise<number | null>((resolve) => bad.once("exit", resolve));
    assert.equal(code, 2);
  });
});

describe("shellQuote", () => {
  it("leaves safe values alone and single-quotes the rest", () => {
    assert.equal(shellQuote("http://127.0.0.1:1234"), "http://127.0.0.1:1234");
    assert.equal(shellQuote("0A1B@AdobeOrg"), "0A1B@AdobeOrg");
    assert.equal(shellQuote("a b"), "'a b'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
    assert.equal(shellQuote(""), "''");
    assert.equal(shellQuote("$HOME;rm"), "'$HOME;rm'");
  });
});

describe("the emulator command as the README shows it", function () {
  this.timeout(90_000);

  it('eval "$(npm run -s emulator -- --port 0 --latency 5 --detach)" sets the AEP_* settings of a running emulator, and kill $AEP_EMULATOR_PID stops it', () => {
    const script = [
      "set -e",
      'eval "$(npm run -s emulator -- --port 0 --latency 5 --detach)"',
      'test -n "$AEP_CLIENT_SECRET" && test -n "$AEP_ORG_ID"',
      'code=$(node -e "fetch(process.env.AEP_PLATFORM_URL + \'/data/foundation/flowservice/connections\').then(r => console.log(r.status))")',
      'echo "status=$code"',
      'kill "$AEP_EMULATOR_PID"',
      'for i in $(seq 50); do kill -0 "$AEP_EMULATOR_PID" 2>/dev/null || { echo stopped; exit 0; }; sleep 0.1; done',
      "echo still-running; exit 1",
    ].join("\n");
    const result = spawnSync("bash", ["-c", script], { cwd: path.resolve(__dirname, "../.."), encoding: "utf8", timeout: 80_000 });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /status=403/, "the gateway answers (no token sent)");
    assert.match(result.stdout, /stopped/);
  });
});

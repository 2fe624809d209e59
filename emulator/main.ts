/**
 * `npm run emulator [-- --port N] [--latency MS] [--detach]`: runs the Flow Service + IMS emulator.
 *
 * In the foreground it prints one `export NAME=value` line per AEP_* setting on stdout, a human line on stderr, and
 * exits 0 on SIGINT or SIGTERM, or when its parent process goes away. With `--detach` it starts the emulator in the
 * background, prints only the export lines (plus `AEP_EMULATOR_PID`, to stop it) and exits, so that
 * `eval "$(npm run -s emulator -- --port 4010 --latency 50 --detach)"` sets up a shell. Never reads stdin.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { startEmulator } from "./index";

const USAGE = "usage: npm run -s emulator -- [--port N] [--latency MS] [--detach]";
const PID_VARIABLE = "AEP_EMULATOR_PID";

/** Starts this program again in the background and passes on its export lines once it listens. */
async function detach(argv: readonly string[]): Promise<void> {
  const args = [...process.execArgv, "-r", "ts-node/register/transpile-only", __filename, ...argv.filter((a) => a !== "--detach"), "--background"];
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  const lines = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("the emulator did not start within 30 s")), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes(`export ${PID_VARIABLE}=`) && text.endsWith("\n")) {
        clearTimeout(timer);
        resolve(text);
      }
    });
    child.once("exit", (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
  });
  child.stdout.destroy();
  child.unref();
  process.stdout.write(lines);
}

/** Quotes a value for POSIX shells when it contains anything beyond a conservative safe set. */
export function shellQuote(value: string): string {
  if (value !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function parseNonNegativeInteger(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${flag} must be a non-negative integer, got '${raw}'`);
  return Number(raw);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      latency: { type: "string" },
      detach: { type: "boolean" },
      background: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.detach === true) {
    await detach(argv);
    return;
  }
  const emulator = await startEmulator({
    port: parseNonNegativeInteger(values.port, "--port", 0),
    latencyMs: parseNonNegativeInteger(values.latency, "--latency", 0),
  });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // `npm run` starts us under `sh -c`, and dash does not pass on a SIGTERM that npm forwards to it: killing npm would
  // leave us orphaned and listening forever. Losing our parent is treated like SIGTERM.
  // A detached emulator (`--background`) outlives its starter on purpose.
  const parentPid = process.ppid;
  if (values.background !== true) {
    setInterval(() => {
      if (process.ppid !== parentPid) stop();
    }, 1000).unref();
  }

  // Printed last: whoever reads these lines may signal us at once, so the handlers must already be in place.
  for (const [name, value] of Object.entries(emulator.env())) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
  if (values.background === true) process.stdout.write(`export ${PID_VARIABLE}=${process.pid}\n`);
  process.stderr.write(`AEP Flow Service + IMS emulator listening on ${emulator.url} (sandbox "prod"); Ctrl+C to stop.\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  });
}

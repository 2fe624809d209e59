/**
 * `npm run emulator [-- --port N] [--latency MS]`: runs the Flow Service + IMS emulator in the foreground.
 *
 * Prints one `export NAME=value` line per AEP_* setting on stdout (a script can save them and `source` the file),
 * a human line on stderr, and exits 0 on SIGINT or SIGTERM, or when its parent process goes away. Never reads stdin.
 */
import { parseArgs } from "node:util";
import { startEmulator } from "./index";

const USAGE = "usage: npm run emulator [-- --port N] [--latency MS]";

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
    options: { port: { type: "string" }, latency: { type: "string" }, help: { type: "boolean", short: "h" } },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
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
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid !== parentPid) stop();
  }, 1000).unref();

  // Printed last: whoever reads these lines may signal us at once, so the handlers must already be in place.
  for (const [name, value] of Object.entries(emulator.env())) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
  process.stderr.write(`AEP Flow Service + IMS emulator listening on ${emulator.url} (sandbox "prod"); Ctrl+C to stop.\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  });
}

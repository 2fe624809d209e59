/**
 * Runs one example program in this process under `pulumi.runtime.setMocks` and prints what it registered as
 * JSON on the last stdout line. Used by mocks.spec.ts in a child process, since mocks are process-global.
 *
 * Usage: node -r ts-node/register/transpile-only run-under-mocks.ts <example dir> <config JSON>
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { azureInvokes, azureResourceOutputs } from "../../harness/azure-mocks";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

async function main(): Promise<void> {
  const [programDir, configJson] = process.argv.slice(2);
  const registered: Registered[] = [];
  const project = path.basename(programDir!) === "quickstart" ? "aep-quickstart" : "aep-all-sources";
  pulumi.runtime.setAllConfig(JSON.parse(configJson ?? "{}") as Record<string, string>);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        const outputs = azureResourceOutputs(args.type, args.name, args.inputs as Record<string, unknown>) ?? args.inputs;
        const id = typeof outputs["id"] === "string" ? (outputs["id"] as string) : `${args.name}-id`;
        return { id, state: { ...outputs, connectionId: `${args.name}-connection-id` } };
      },
      call(args) {
        return azureInvokes(args.token, args.inputs as Record<string, unknown>) ?? {};
      },
    },
    project,
    "dev",
    false,
  );
  const program = require(path.resolve(programDir!, "index.ts")) as Record<string, unknown>;
  // Wait for every output the program exports, then for all registrations.
  await new Promise<void>((resolve) => pulumi.output(program).apply(() => resolve()));
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
  process.stdout.write(`${JSON.stringify({ registered, exports: Object.keys(program) })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

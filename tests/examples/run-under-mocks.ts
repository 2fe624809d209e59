/**
 * Runs one example program in this process under `pulumi.runtime.setMocks` and prints what it registered as
 * JSON on the last stdout line. Used by mocks.spec.ts in a child process, since mocks are process-global.
 *
 * Usage: node -r ts-node/register/transpile-only run-under-mocks.ts <example dir> <config JSON>
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { azureInvokes, azureResourceOutputs } from "../../harness/azure-mocks";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** An id of the shape AEP gives each object type (the pipeline component checks a dataset's), from the resource name. */
export function aepIdOf(type: string, name: string): string | undefined {
  const hex = createHash("sha256").update(`${type}::${name}`).digest("hex");
  switch (type) {
    case "pulumi-nodejs:dynamic/aep:Dataset":
      return hex.slice(0, 24);
    case "pulumi-nodejs:dynamic/aep:MappingSet":
      return hex.slice(0, 32);
    case "pulumi-nodejs:dynamic/aep:BaseConnection":
    case "pulumi-nodejs:dynamic/aep:SourceConnection":
    case "pulumi-nodejs:dynamic/aep:TargetConnection":
    case "pulumi-nodejs:dynamic/aep:Dataflow":
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    default:
      return undefined;
  }
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
        const id = aepIdOf(args.type, args.name) ?? (typeof outputs["id"] === "string" ? (outputs["id"] as string) : `${args.name}-id`);
        const version = args.type === "pulumi-nodejs:dynamic/aep:MappingSet" ? { version: 0 } : {};
        return { id, state: { ...outputs, ...version, connectionId: `${args.name}-connection-id` } };
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

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * State cost: `up` of a program with N base connections through the test engine (harness/test-engine.ts:
 * the SDK's program runner, the real dynamic-provider host, a JSON state file with secrets as ciphertext), then the
 * size of what it stored per connection — both `__provider` copies (inputs and outputs) included.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { TestEngine, type ConfigEntry, type ResourceState } from "../../harness/test-engine";

type EngineState = NonNullable<ReturnType<TestEngine["state"]>>;
import { aepConfigEntries } from "../../harness/aep-config";
import { allVariants } from "../../harness/rig";
import { futureStart, SCHEMA_ID } from "../../harness/pipeline-rig";
import { sourceKeys } from "../../provider/sources";
import { pipelineFixtures } from "../../tests/fixtures/pipelines";

const PROGRAM_DIR = path.join(__dirname, "state-program");
const PIPELINE_PROGRAM_DIR = path.join(__dirname, "pipeline-state-program");
const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/aep:BaseConnection";

export interface StateCostResult {
  connections: number;
  /** Size of the whole state file as the test engine writes it (JSON, 2-space indentation), bytes. */
  fileBytes: number;
  /** Average size of one BaseConnection entry of that file, with the file's indentation, bytes. */
  perConnectionBytes: number;
  /** Same entry as compact JSON, bytes. */
  perConnectionCompactBytes: number;
  /** Average compact size of the parts of one entry, bytes. */
  parts: { providerCopies: number; inputsWithoutProvider: number; outputsWithoutProvider: number; rest: number };
  /** Length of the serialized provider text (`__provider`), characters. */
  providerTextLength: number;
  /** The same text as a JSON string value (quotes, escaped newlines and quotes), bytes. */
  providerJsonBytes: number;
  /** The serialized provider text, to show in the report. */
  providerText: string;
}

function bytes(value: unknown, indent?: number): number {
  return Buffer.byteLength(JSON.stringify(value, null, indent), "utf8");
}

function withoutProvider(bag: Record<string, unknown>): Record<string, unknown> {
  const { __provider: _provider, ...rest } = bag;
  return rest;
}

/** Indentation of one resource inside the state file: `resources` items sit at depth 2. */
function indentedEntryBytes(resource: ResourceState): number {
  const text = JSON.stringify(resource, null, 2)
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  return Buffer.byteLength(`${text},\n`, "utf8");
}

/** `up` of the program in `programDir` through the test engine against `emulator`, with `config`; the state it wrote. */
async function upState(programDir: string, config: Record<string, ConfigEntry>, emulator: Emulator, directory: string): Promise<EngineState> {
  const engine = new TestEngine({
    programDir,
    stateFile: path.join(directory, "state.json"),
    config: { ...aepConfigEntries(emulator), ...config },
    providerEnv: Object.fromEntries(Object.keys(process.env).filter((key) => key.startsWith("AEP_")).map((key) => [key, ""])),
    timeoutMs: 600_000,
  });
  const result = await engine.up();
  if (!result.succeeded) {
    const problems = result.diagnostics.map((diagnostic) => diagnostic.message).join("; ");
    throw new Error(`state-cost program failed: ${problems || result.stderr || result.providerOutput}`);
  }
  const state = engine.state();
  assert.ok(state, "the engine wrote a state file");
  return state;
}

/** Runs `up` on a fresh emulator (no latency: size does not depend on it) and measures the state file. */
export async function measureStateCost(connections: number): Promise<StateCostResult> {
  const emulator = await startEmulator();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "aep-bench-state-"));
  try {
    const variants = allVariants();
    const declared = Array.from({ length: connections }, (_, index) => {
      const variant = variants[index % variants.length]!;
      return {
        resourceName: `connection-${index}`,
        source: variant.source,
        name: `Benchmark connection ${index}`,
        specName: variant.specName,
        params: Object.fromEntries(Object.entries(variant.params).map(([key, value]) => [key, String(value)])),
      };
    });
    const state = await upState(PROGRAM_DIR, { "bench:connections": { value: declared as unknown as ConfigEntry["value"] } }, emulator, directory);
    assert.equal(emulator.store.list().length, connections, "the program created every connection");
    const entries = state.resources.filter((resource) => resource.type === DYNAMIC_TYPE);
    assert.equal(entries.length, connections, "the state holds every connection");

    // What the program stored (it loaded the package's built shim, as a user's program does).
    const providerText = String(entries[0]?.inputs["__provider"] ?? "");
    assert.ok(providerText.includes("provider-implementation"), "the stored provider is the shim");
    let compact = 0;
    let indented = 0;
    const parts = { providerCopies: 0, inputsWithoutProvider: 0, outputsWithoutProvider: 0, rest: 0 };
    for (const entry of entries) {
      assert.equal(entry.inputs["__provider"], providerText, "inputs carry the same serialized provider");
      assert.equal(entry.outputs["__provider"], providerText, "outputs carry the same serialized provider");
      const size = bytes(entry);
      compact += size;
      indented += indentedEntryBytes(entry);
      const providerCopies = 2 * bytes(providerText);
      const inputs = bytes(withoutProvider(entry.inputs));
      const outputs = bytes(withoutProvider(entry.outputs));
      parts.providerCopies += providerCopies;
      parts.inputsWithoutProvider += inputs;
      parts.outputsWithoutProvider += outputs;
      parts.rest += size - providerCopies - inputs - outputs;
    }
    const average = (total: number): number => Math.round(total / entries.length);
    return {
      connections,
      fileBytes: fs.statSync(path.join(directory, "state.json")).size,
      perConnectionBytes: average(indented),
      perConnectionCompactBytes: average(compact),
      parts: {
        providerCopies: average(parts.providerCopies),
        inputsWithoutProvider: average(parts.inputsWithoutProvider),
        outputsWithoutProvider: average(parts.outputsWithoutProvider),
        rest: average(parts.rest),
      },
      providerTextLength: providerText.length,
      providerJsonBytes: bytes(providerText),
      providerText,
    };
  } finally {
    await emulator.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

/** State per pipeline: every entry a pipeline adds to the state file (its base connection and dataset included). */
export interface PipelineStateCostResult {
  pipelines: number;
  /** Average bytes of all the entries of one pipeline, with the file's indentation. */
  perPipelineBytes: number;
  /** Average bytes of one entry of each type, with the file's indentation (types as in the state file). */
  perType: Record<string, number>;
}

/** `up` of N pipelines (one per source in turn) through the test engine; the state bytes each pipeline costs. */
export async function measurePipelineStateCost(pipelines: number): Promise<PipelineStateCostResult> {
  const emulator = await startEmulator();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "aep-bench-pipeline-state-"));
  try {
    const variants = allVariants();
    const declared = Array.from({ length: pipelines }, (_, index) => {
      const source = sourceKeys[index % sourceKeys.length]!;
      const variant = variants.find((v) => v.source === source)!;
      const fixture = pipelineFixtures[source];
      const reads = "table" in fixture.reads ? { table: fixture.reads.table["tableName"], deltaColumn: fixture.deltaColumn } : fixture.reads.file;
      return {
        resourceName: `pipeline-${index}`,
        source,
        specName: variant.specName,
        params: Object.fromEntries(Object.entries(variant.params).map(([key, value]) => [key, String(value)])),
        schemaId: SCHEMA_ID,
        reads: { ...reads, mappings: fixture.mappings, schedule: { frequency: "hour", interval: 1, startTime: futureStart() } },
      };
    });
    const state = await upState(PIPELINE_PROGRAM_DIR, { "bench:pipelines": { value: declared as unknown as ConfigEntry["value"] } }, emulator, directory);
    assert.equal(emulator.dataflows.flows().length, pipelines, "the program created every dataflow");
    const entries = state.resources.filter((resource) => resource.type !== "pulumi:pulumi:Stack" && !resource.type.startsWith("pulumi:providers:"));
    const total = entries.reduce((sum, entry) => sum + indentedEntryBytes(entry), 0);
    const byType = new Map<string, { bytes: number; count: number }>();
    for (const entry of entries) {
      const seen = byType.get(entry.type) ?? { bytes: 0, count: 0 };
      byType.set(entry.type, { bytes: seen.bytes + indentedEntryBytes(entry), count: seen.count + 1 });
    }
    return {
      pipelines,
      perPipelineBytes: Math.round(total / pipelines),
      perType: Object.fromEntries([...byType].map(([type, { bytes, count }]) => [type, Math.round(bytes / count)])),
    };
  } finally {
    await emulator.close();
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

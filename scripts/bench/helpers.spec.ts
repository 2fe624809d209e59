/**
 * Correctness of the benchmark's helpers (no timing is asserted). Part of `npm test`: .mocharc.json includes the
 * spec files under scripts/.
 */
import { strict as assert } from "node:assert";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { idealMs, median, pidListeningOn, processCpuMs, processMemory, runPool } from "./measure";
import { BenchUsageError, commandLine, DEFAULT_OPTIONS, parseOptions } from "./options";
import { runLifecycle } from "./lifecycle";
import { graphDepth, pipelineIdealMs, runGraph, runPipelines } from "./pipelines";
import { minimalProviderShim } from "./minimal-provider";
import { variantCount, workload } from "./rig";
import { serializeProvider } from "../../harness/provider-host";
import { sourceKeys } from "../../provider/sources";

describe("bench options", () => {
  it("defaults to 100 ms latency, 3 runs, 100 connections, P = 10, and IMS latency equal to the Flow Service latency", () => {
    assert.deepEqual(parseOptions([]), { ...DEFAULT_OPTIONS, imsLatencyMs: 100 });
    assert.equal(parseOptions(["--latency", "40"]).imsLatencyMs, 40);
    assert.equal(parseOptions(["--latency=40", "--ims-latency=0"]).imsLatencyMs, 0);
  });

  it("rejects unknown flags, missing values and out-of-range numbers", () => {
    assert.throws(() => parseOptions(["--fast"]), BenchUsageError);
    assert.throws(() => parseOptions(["--runs"]), /needs a value/);
    assert.throws(() => parseOptions(["--runs", "0"]), /--runs must be an integer ≥ 1/);
    assert.throws(() => parseOptions(["--latency", "1.5"]), BenchUsageError);
  });

  it("spells out every option in the reproducing command, which parses back to the same options", () => {
    const options = parseOptions(["--runs", "5", "--connections", "50", "--out", "x.md"]);
    const line = commandLine(options);
    assert.match(line, /^npm run bench -- /);
    const reparsed = parseOptions(line.replace("npm run bench -- ", "").split(" "));
    assert.deepEqual({ ...reparsed, output: options.output }, options);
  });
});

describe("bench measuring helpers", () => {
  it("median of odd and even counts", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]), RangeError);
  });

  it("ideal = ceil(N / P) × round trips × latency", () => {
    assert.equal(idealMs(100, 10, 2, 100), 2000);
    assert.equal(idealMs(101, 10, 1, 100), 1100);
    assert.equal(idealMs(5, 1, 3, 10), 150);
  });

  it("runPool keeps at most P tasks in flight, runs every item once and keeps the order of results", async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    const results = await runPool([...Array(23).keys()], 4, async (item) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(item);
      inFlight -= 1;
      return item * 2;
    });
    assert.equal(peak, 4);
    assert.deepEqual([...seen].sort((a, b) => a - b), [...Array(23).keys()]);
    assert.deepEqual(results, [...Array(23).keys()].map((item) => item * 2));
  });

  it("runPool rejects with the first failure and starts nothing after it", async () => {
    const started: number[] = [];
    await assert.rejects(
      runPool([0, 1, 2, 3, 4, 5], 2, async (item) => {
        started.push(item);
        if (item === 1) throw new Error("boom");
      }),
      /boom/,
    );
    assert.ok(started.length < 6, `started ${started.join(",")}`);
  });

  it("finds the pid listening on a port, and reads its memory and CPU from /proc", async function () {
    if (process.platform !== "linux") this.skip();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(pidListeningOn(port), process.pid);
      const memory = processMemory(process.pid);
      assert.ok(memory.peakRssKiB >= memory.rssKiB && memory.rssKiB > 0);
      assert.ok(processCpuMs(process.pid) > 0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.equal(pidListeningOn(1), undefined, "nobody listens on port 1");
  });
});

describe("bench workload", () => {
  it("mixes every source, and renames keep source and credentials", () => {
    const items = workload(12);
    assert.deepEqual(new Set(items.map((item) => item.source)), new Set(sourceKeys));
    for (const item of items) {
      assert.deepEqual(item.renamed["auth"], item.inputs["auth"]);
      assert.equal(item.renamed["source"], item.inputs["source"]);
      assert.notEqual(item.renamed["name"], item.inputs["name"]);
    }
    assert.equal(new Set(items.map((item) => item.urn)).size, 12, "distinct URNs");
  });
});

describe("bench minimal provider (the rig's floor)", () => {
  it("sends the writes the provider sends, per phase, and really creates, renames and deletes", async function () {
    this.timeout(120_000);
    const settings = { latencyMs: 0, imsLatencyMs: 0, connections: variantCount(), parallelism: 3, withPreview: false };
    const provider = await runLifecycle(settings);
    const minimal = await runLifecycle({ ...settings, providerText: await serializeProvider(minimalProviderShim) });
    const writes = (flow: Record<string, number>): Record<string, number> =>
      Object.fromEntries(Object.entries(flow).filter(([method]) => method !== "GET"));
    for (const phase of ["create", "update", "delete"] as const) {
      assert.deepEqual(writes(minimal[phase].flowByMethod), writes(provider[phase].flowByMethod), `${phase}: same writes`);
    }
    // One request per write; the provider adds one shared listing of the sandbox for all its creates.
    assert.deepEqual(minimal.create.flowByMethod, { POST: settings.connections });
    assert.deepEqual(provider.create.flowByMethod, { POST: settings.connections, GET: 1 });
    assert.deepEqual(provider.update.flowByMethod, { PATCH: settings.connections });
    assert.deepEqual(provider.delete.flowByMethod, { DELETE: settings.connections });
    assert.equal(minimal.totals.tokenRequests, 1, "one token, like the provider");
    assert.ok(minimal.totals.tcpConnections <= settings.parallelism, `keep-alive, like the provider: ${minimal.totals.tcpConnections} vs ${provider.totals.tcpConnections}`);
  });
});

describe("bench pipeline scenario", () => {
  it("runGraph starts a task only after the tasks it waits for, keeps at most P in flight, and runs each once", async () => {
    const log: string[] = [];
    let inFlight = 0;
    let most = 0;
    const task = (key: string, after: string[]) => ({
      key,
      type: "Dataflow" as const,
      after,
      run: async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        log.push(`start ${key}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push(`end ${key}`);
        inFlight -= 1;
      },
    });
    const tasks = [task("flow", ["source", "target"]), task("source", ["base"]), task("base", []), task("target", ["dataset"]), task("dataset", []), task("other", [])];
    await runGraph(tasks, 2);
    assert.equal(most, 2, "at most P in flight");
    for (const key of ["flow", "source", "base", "target", "dataset", "other"]) assert.equal(log.filter((line) => line === `start ${key}`).length, 1);
    const at = (line: string) => log.indexOf(line);
    assert.ok(at("start flow") > at("end source") && at("start flow") > at("end target"), "the flow waits for both connections");
    assert.ok(at("start source") > at("end base"));
    assert.equal(graphDepth(tasks), 3);
  });

  it("runGraph rejects with the first failure", async () => {
    const failing = { key: "a", type: "Dataset" as const, after: [], run: () => Promise.reject(new Error("boom")) };
    await assert.rejects(runGraph([failing], 1), /boom/);
  });

  it("the ideal is the larger of the dependency depth and the waves of P, one round trip each", () => {
    assert.equal(pipelineIdealMs({ operations: 300, depth: 3 }, 10, 100), 3000);
    assert.equal(pipelineIdealMs({ operations: 6, depth: 3 }, 10, 100), 300);
  });

  it("a small run creates, updates and deletes whole pipelines with one request per write of every object type", async function () {
    this.timeout(120_000);
    const result = await runPipelines({ pipelines: 5, parallelism: 10, latencyMs: 0, imsLatencyMs: 0 });
    for (const type of Object.keys(result.create.requests) as (keyof typeof result.create.requests)[]) {
      assert.equal(result.create.requests[type]["POST"], 5, `${type}: one POST per create`);
      assert.ok((result.create.requests[type]["GET"] ?? 0) <= 1, `${type}: at most the one shared listing`);
      assert.equal(result.delete.requests[type]["DELETE"], 5, `${type}: one DELETE per delete`);
    }
    assert.deepEqual(result.update.requests.SourceConnection, { PATCH: 5 });
    assert.deepEqual(result.update.requests.MappingSet, { PUT: 5 });
    assert.deepEqual(result.update.requests.Dataflow, { PATCH: 5 });
    assert.deepEqual([result.create.depth, result.delete.depth], [3, 3]);
  });
});

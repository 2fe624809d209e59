import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/index";
import { baseConnection, chain, dataset, flow, flowBody, mappingSet, readItem, targetConnection, type Chain } from "./dataflow-support";
import { FlowApi, flowCode } from "./support";

interface Run {
  id: string;
  flowId: string;
  etag?: string;
  eTag?: string;
  metrics: { durationSummary: { startedAtUTC: number; completedAtUTC?: number }; statusSummary: { status: string; errors?: { code: string }[] }; recordSummary: { outputRecordCount: number } };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("emulated /runs on the emulator clock", () => {
  let emulator: Emulator;
  let api: FlowApi;

  before(async () => {
    emulator = await startEmulator({ runDurationMs: MINUTE });
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());
  afterEach(() => {
    emulator.store.clear();
    emulator.dataflows.clear();
    emulator.clock.set(Date.now());
  });

  async function runsOf(flowId: string): Promise<Run[]> {
    const result = await api.call("GET", `/runs?property=flowId==${flowId}&orderby=metrics.durationSummary.startedAtUTC`);
    assert.equal(result.status, 200, result.text);
    return (result.json as { items: Run[] }).items;
  }

  /** An hourly flow whose first slot is `inMs` from now (epoch seconds, as the schedule wants). */
  async function hourlyFlow(c: Chain, inMs: number): Promise<{ id: string; startMs: number }> {
    const startMs = Math.ceil((emulator.clock.now() + inMs) / 1000) * 1000;
    const { id } = await flow(api, c, "sql-server", { startTime: startMs / 1000, frequency: "hour", interval: 1 });
    return { id, startMs };
  }

  it("generates runs on the schedule: scheduled slots only, inProgress, then success, summarised on the flow", async () => {
    const c = await chain(api);
    const { id, startMs } = await hourlyFlow(c, 10 * MINUTE);
    assert.deepEqual(await runsOf(id), []);
    emulator.clock.advance(9 * MINUTE);
    assert.deepEqual(await runsOf(id), [], "nothing before the start time");
    emulator.clock.advance(2 * MINUTE);
    const [first] = await runsOf(id);
    assert.equal(first?.metrics.statusSummary.status, "inProgress");
    assert.equal(first?.metrics.durationSummary.startedAtUTC, startMs);
    assert.equal(((await readItem(api, `/flows/${id}`))["lastRunDetails"] as { state: string }).state, "inProgress");
    emulator.clock.advance(MINUTE);
    const [done] = await runsOf(id);
    assert.equal(done?.metrics.statusSummary.status, "success");
    assert.equal(done?.metrics.durationSummary.completedAtUTC, startMs + MINUTE);
    assert.equal(done?.metrics.recordSummary.outputRecordCount, 2, "the sample rows of dbo.orders");
    assert.deepEqual((await readItem(api, `/flows/${id}`))["lastRunDetails"], { id: done?.id, state: "success", startedAtUTC: startMs, completedAtUTC: startMs + MINUTE });
    emulator.clock.advance(3 * HOUR);
    const runs = await runsOf(id);
    assert.deepEqual(runs.map((r) => r.metrics.durationSummary.startedAtUTC), [startMs, startMs + HOUR, startMs + 2 * HOUR, startMs + 3 * HOUR]);
    const single = await api.call("GET", `/runs/${runs[0]?.id}`);
    assert.equal((single.json as { items: Run[] }).items[0]?.flowId, id);
    const firstPage = (await api.call("GET", `/runs?property=flowId==${id}&limit=1`)).json as { items: unknown[]; _links: { next?: { href: string } } };
    assert.equal(firstPage.items.length, 1);
    assert.match(firstPage._links.next?.href ?? "", /^\/runs\?continuationToken=/);
    const lastPage = (await api.call("GET", `/runs?property=flowId==${id}`)).json as { _links: unknown };
    assert.deepEqual(lastPage._links, {}, "MON's empty _links on the last page");
    const failed = (await api.call("GET", `/runs?property=metrics.statusSummary.status==failed`)).json as { items: unknown[] };
    assert.equal(failed.items.length, 0);
  });

  it("skips the slots of a disabled flow and schedules from the enable on", async () => {
    const c = await chain(api);
    const { id, startMs } = await hourlyFlow(c, MINUTE);
    emulator.clock.advance(2 * MINUTE);
    assert.equal((await runsOf(id)).length, 1);
    await api.call("POST", `/flows/${id}/action?op=disable`, { omit: ["content-type"] });
    emulator.clock.advance(5 * HOUR);
    assert.equal((await runsOf(id)).length, 1, "no runs while disabled");
    await api.call("POST", `/flows/${id}/action?op=enable`, { omit: ["content-type"] });
    emulator.clock.advance(HOUR);
    const starts = (await runsOf(id)).map((r) => r.metrics.durationSummary.startedAtUTC);
    assert.equal(starts.length, 2);
    assert.equal(((starts[1] ?? 0) - startMs) % HOUR, 0, "back on the schedule's slots");
  });

  it("runs a flow whose start time has passed once at creation, then on its slots", async () => {
    const c = await chain(api);
    const startMs = Math.floor((emulator.clock.now() - 90 * MINUTE) / 1000) * 1000;
    const { id } = await flow(api, c, "sql-server", { startTime: startMs / 1000, frequency: "hour", interval: 1 });
    const runs = await runsOf(id);
    assert.equal(runs.length, 1);
    emulator.clock.advance(HOUR);
    assert.equal((await runsOf(id)).length, 2);
  });

  it("fails runs as a test says, and when the source table is not in the source", async () => {
    const c = await chain(api);
    const { id } = await hourlyFlow(c, MINUTE);
    emulator.dataflows.setRunOutcome(id, "failed", [{ code: "CONNECTOR-2001-500", message: "boom" }]);
    emulator.clock.advance(3 * MINUTE);
    const [run] = await runsOf(id);
    assert.equal(run?.metrics.statusSummary.status, "failed");
    assert.deepEqual(run?.metrics.statusSummary.errors, [{ code: "CONNECTOR-2001-500", message: "boom" }]);
    assert.equal(((await readItem(api, `/flows/${id}`))["lastRunDetails"] as { state: string }).state, "failed");

    const base = await baseConnection(api, "sql-server");
    const missing = await api.call("POST", "/sourceConnections", {
      body: { name: "m", baseConnectionId: base, connectionSpec: { id: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec", version: "1.0" }, data: { format: "tabular" }, params: { tableName: "dbo.missing" } },
    });
    const other: Chain = { ...c, base, source: (missing.json as { id: string }).id, target: await targetConnection(api, await dataset(api)), mapping: await mappingSet(api) };
    const { id: otherId } = await hourlyFlow(other, MINUTE);
    emulator.clock.advance(3 * MINUTE);
    const [failed] = await runsOf(otherId);
    assert.equal(failed?.metrics.statusSummary.errors?.[0]?.code, "CONNECTOR-2001-500");
  });

  it("POST /runs: on-demand runs of once flows only; deltaColumn kept; FLOW-1446/1430/1444-400", async () => {
    const c = await chain(api);
    const { id: once } = await flow(api, c, "sql-server", { startTime: 1_900_000_000, frequency: "once" });
    const created = await api.call("POST", "/runs", { body: { flowId: once, params: { startTime: "1663735590", windowStartTime: "1651584000", windowEndTime: "1651585000", deltaColumn: { name: "updated_at" } } } });
    assert.equal(created.status, 201, created.text);
    const [run] = (created.json as { items: Run[] }).items;
    assert.equal(run?.flowId, once);
    assert.ok(typeof run?.etag === "string");
    assert.equal(run?.metrics.statusSummary.status, "inProgress");
    const changed = await api.call("POST", "/runs", { body: { flowId: once, params: { deltaColumn: { name: "created_at" } } } });
    assert.equal(flowCode(changed.json), "FLOW-1100-400");
    assert.equal(flowCode((await api.call("POST", "/runs", { body: { params: {} } })).json), "FLOW-1446-400");
    assert.equal(flowCode((await api.call("POST", "/runs", { body: { flowId: "00000000-0000-4000-8000-000000000000" } })).json), "FLOW-1430-400");
    const { id: hourly } = await flow(api, c);
    assert.equal(flowCode((await api.call("POST", "/runs", { body: { flowId: hourly } })).json), "FLOW-1444-400");
    assert.equal(flowCode((await api.call("POST", "/runs", { body: { flowId: once, params: { startTime: 1_663_735_590_000 } } })).json), "FLOW-1100-400");
  });

  it("patches a first run's deltaColumn into a flow that had none", async () => {
    const c = await chain(api);
    const body = flowBody(c, "sql-server", { startTime: 1_900_000_000, frequency: "once" });
    const { id } = (await api.call("POST", "/flows?mode=draft", { body: { ...body, transformations: (body["transformations"] as unknown[]).slice(1) } })).json as { id: string };
    // A draft without Copy: publish would refuse it, so make it enabled out of band as a UI-made flow would be.
    emulator.dataflows.modifyFlow(id, { state: "enabled" });
    assert.equal(flowCode((await api.call("POST", "/runs", { body: { flowId: id } })).json), "FLOW-1100-400", "the first run needs a delta column");
    assert.equal((await api.call("POST", "/runs", { body: { flowId: id, params: { deltaColumn: { name: "updated_at" } } } })).status, 201);
    const transformations = (await readItem(api, `/flows/${id}`))["transformations"] as { name: string; params: { deltaColumn?: { name: string } } }[];
    assert.equal(transformations.find((t) => t.name === "Copy")?.params.deltaColumn?.name, "updated_at");
  });

  it("answers POST /runs with {id, etag} and spells eTag under the readings that say so", async () => {
    const other = await startEmulator({ readings: { runCreateResponse: "id-etag", runEtagKey: "both" } });
    try {
      const otherApi = await FlowApi.connect(other);
      const c = await chain(otherApi);
      const { id } = await flow(otherApi, c, "sql-server", { startTime: 1_900_000_000, frequency: "once" });
      const created = await otherApi.call("POST", "/runs", { body: { flowId: id } });
      const { id: runId, etag } = created.json as { id: string; etag: string };
      assert.equal(created.status, 201);
      const [run] = ((await otherApi.call("GET", `/runs/${runId}`)).json as { items: Run[] }).items;
      assert.equal(run?.eTag, etag);
      assert.equal(run?.etag, etag);
    } finally {
      await other.close();
    }
  });
});

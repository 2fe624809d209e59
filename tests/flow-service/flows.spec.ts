import assert from "node:assert/strict";
import {
  AmbiguousCreateError,
  CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID,
  CRM_TO_AEP_FLOW_SPEC_ID,
  FLOW_SPEC_BY_CONNECTION_SPEC,
  FlowServiceClient,
  FlowServiceError,
  mappingTransformationPatch,
  NotFoundError,
  ResponseTooLargeError,
  StaleEtagError,
  type NewFlow,
} from "../../provider/flow-service";
import { startEmulator, type EmulatorOptions } from "../../emulator";
import {
  CLOUD_STORAGE_TO_AEP,
  CRM_TO_AEP,
  OTHER_STACK_KEY,
  SPEC_IDS,
  chain,
  flowBody,
  mappingSetBody,
  marked,
  rejection,
  requestsTo,
  sharedDataflowClient,
} from "./dataflow-harness";
import { FAST_RETRY, collect, settingsFor } from "./harness";

/** A client on an emulator of its own (another reading of the docs), closed after `body`. */
async function withEmulator(options: EmulatorOptions, body: (client: FlowServiceClient, emulator: Awaited<ReturnType<typeof startEmulator>>) => Promise<void>): Promise<void> {
  const emulator = await startEmulator(options);
  try {
    await body(new FlowServiceClient(settingsFor(emulator), { retry: FAST_RETRY }), emulator);
  } finally {
    await emulator.close();
  }
}

describe("flow-service client: flows and runs", () => {
  const suite = sharedDataflowClient();
  const nowSeconds = () => Math.floor(suite.emulator.clock.now() / 1000);

  it("knows each source's flow spec", () => {
    assert.deepEqual([CRM_TO_AEP_FLOW_SPEC_ID, CLOUD_STORAGE_TO_AEP_FLOW_SPEC_ID], [CRM_TO_AEP, CLOUD_STORAGE_TO_AEP]);
    for (const source of ["synapse", "sql-server", "table-storage", "databricks"] as const) assert.equal(FLOW_SPEC_BY_CONNECTION_SPEC[SPEC_IDS[source]], CRM_TO_AEP);
    assert.equal(FLOW_SPEC_BY_CONNECTION_SPEC[SPEC_IDS["adls-gen2"]], CLOUD_STORAGE_TO_AEP);
  });

  it("creates a CRMToAEP flow (Copy + Mapping) and reads every field back; lists it by source connection", async () => {
    const c = await chain(suite.client);
    const created = await suite.client.createFlow(flowBody(c));
    assert.equal(created.recovered, false);
    const [post] = requestsTo(suite.emulator, "POST", "/flows");
    assert.deepEqual((post?.body as { scheduleParams: unknown }).scheduleParams, { startTime: 1_900_000_000, frequency: "hour", interval: 1 }, "numbers, epoch seconds");

    const flow = await suite.client.getFlow(created.id);
    assert.ok(flow);
    assert.deepEqual([flow.name, flow.state, flow.etag], ["sql-server flow", "enabled", created.etag]);
    assert.deepEqual(flow.flowSpec, { id: CRM_TO_AEP, version: "1.0" });
    assert.deepEqual([flow.sourceConnectionIds, flow.targetConnectionIds], [[c.sourceConnectionId], [c.targetConnectionId]]);
    assert.deepEqual(flow.transformations.map((t) => t.name), ["Copy", "Mapping"]);
    assert.deepEqual(flow.scheduleParams, { startTime: 1_900_000_000, frequency: "hour", interval: 1 });
    assert.equal(flow.lastRunDetails, undefined, "no run yet");
    assert.equal(flow.lastOperation?.operation, "create");
    assert.deepEqual((await collect(suite.client.listFlows({ property: `sourceConnectionIds[]==${c.sourceConnectionId}` }))).map((f) => f.id), [created.id]);
  });

  it("creates a CloudStorageToAEP flow for ADLS Gen2 with the Mapping transformation only", async () => {
    const c = await chain(suite.client, "adls-gen2");
    const { id } = await suite.client.createFlow(flowBody(c, { startTime: 1_900_000_000, frequency: "once" }));
    const flow = await suite.client.getFlow(id);
    assert.deepEqual([flow?.flowSpec.id, flow?.transformations.map((t) => t.name), flow?.scheduleParams?.frequency], [CLOUD_STORAGE_TO_AEP, ["Mapping"], "once"]);
  });

  it("reads schedule values the server echoes as the docs' strings as numbers and booleans", async () => {
    await withEmulator({ readings: { scheduleEcho: "strings" } }, async (client) => {
      const c = await chain(client);
      const { id } = await client.createFlow(flowBody(c, { startTime: 1_900_000_000, frequency: "minute", interval: 15, backfill: false }));
      assert.deepEqual((await client.getFlow(id))?.scheduleParams, { startTime: 1_900_000_000, frequency: "minute", interval: 15, backfill: false });
    });
  });

  it("refuses bad flows with Adobe's codes, and a state in the body before sending anything", async () => {
    const c = await chain(suite.client);
    const badVersion = await rejection(
      suite.client.createFlow({ ...flowBody(c), transformations: [flowBody(c).transformations[0]!, { name: "Mapping", params: { mappingId: c.mapping.id, mappingVersion: 9 } }] }),
      FlowServiceError,
    );
    assert.equal(badVersion.adobeCode, "1412");
    const badSchedule = await rejection(suite.client.createFlow(flowBody(c, { startTime: 1_900_000_000, frequency: "minute", interval: 5 })), FlowServiceError);
    assert.deepEqual([badSchedule.status, badSchedule.adobeCode], [400, "1100"]);
    const withState = { ...flowBody(c), state: "enabled" } as unknown as NewFlow;
    await assert.rejects(suite.client.createFlow(withState), /must not carry a state/);
    suite.emulator.inject({ kind: "dependency-failure", service: "dataprep", route: "/flows" });
    const dataPrepDown = await rejection(suite.client.createFlow(flowBody(c)), FlowServiceError);
    assert.deepEqual([dataPrepDown.status, dataPrepDown.adobeCode], [500, "2250"]);
    assert.equal(suite.emulator.dataflows.flows().length, 0);
  });

  it("patches the schedule and repoints the Mapping transformation at its index after a mapping-set PUT", async () => {
    const c = await chain(suite.client);
    const created = await suite.client.createFlow(flowBody(c));
    const scheduled = await suite.client.updateFlow(created.id, created.etag, [{ op: "replace", path: "/scheduleParams/frequency", value: "day" }]);
    assert.notEqual(scheduled.etag, created.etag);
    const [patch] = requestsTo(suite.emulator, "PATCH", `/flows/${created.id}`);
    assert.equal(patch?.headers["if-match"], created.etag);

    const v1 = await suite.client.updateMappingSet(c.mapping.id, { ...mappingSetBody(), mappings: [...mappingSetBody().mappings, { sourceType: "ATTRIBUTE", source: "amount", destination: "_acmeemulator.amount" }] });
    const flow = (await suite.client.getFlow(created.id))!;
    const operation = mappingTransformationPatch(flow, c.mapping.id, v1.version);
    assert.deepEqual(operation, { op: "replace", path: "/transformations/1", value: { name: "Mapping", params: { mappingId: c.mapping.id, mappingVersion: 1 } } }, "Copy is at 0");
    await suite.client.updateFlow(created.id, flow.etag, [operation]);
    const after = (await suite.client.getFlow(created.id))!;
    assert.deepEqual([after.scheduleParams?.frequency, after.transformations[0]?.name, String(after.transformations[1]?.params["mappingVersion"])], ["day", "Copy", "1"]);
    assert.throws(() => mappingTransformationPatch({ id: "f", transformations: [] }, "m", 0), TypeError);
  });

  it("a stale etag is a StaleEtagError (412); patching the connections is refused (FLOW-1455)", async () => {
    const c = await chain(suite.client);
    const { id, etag } = await suite.client.createFlow(flowBody(c));
    suite.emulator.inject({ kind: "stale-etag", route: `/flows/${id}` });
    const stale = await rejection(suite.client.updateFlow(id, etag, [{ op: "replace", path: "/name", value: "x" }]), StaleEtagError);
    assert.deepEqual([stale.status, stale.adobeCode], [412, "1404"]);
    const current = (await suite.client.getFlow(id))!;
    const fixed = await rejection(suite.client.updateFlow(id, current.etag, [{ op: "replace", path: "/sourceConnectionIds", value: ["x"] }]), FlowServiceError);
    assert.equal(fixed.adobeCode, "1455");
  });

  it("disables and enables; the same action twice is FLOW-1422; a lost answer is read back, and sent again only when the read-back proves a transient failure left it unapplied", async () => {
    const c = await chain(suite.client);
    const { id } = await suite.client.createFlow(flowBody(c));
    const disabled = await suite.client.disableFlow(id);
    assert.equal(disabled.recovered, false);
    assert.equal((await suite.client.getFlow(id))?.state, "disabled");
    const [action] = requestsTo(suite.emulator, "POST", `/flows/${id}/action`);
    assert.deepEqual([action?.query["op"], action?.query["subOp"]], [["disable"], undefined], "lower-case op, no subOp");
    const twice = await rejection(suite.client.disableFlow(id), FlowServiceError);
    assert.equal(twice.adobeCode, "1422");

    suite.emulator.clearRequests();
    suite.emulator.inject({ kind: "commit-then-reset", route: `/flows/${id}/action` });
    const enabled = await suite.client.enableFlow(id);
    assert.equal(enabled.recovered, true);
    assert.equal(enabled.etag, (await suite.client.getFlow(id))?.etag);
    assert.equal(requestsTo(suite.emulator, "POST", `/flows/${id}/action`).length, 1, "not sent twice");

    // A 502 the read-back proves unapplied: the action goes again.
    suite.emulator.clearRequests();
    suite.emulator.inject({ kind: "status", status: 502, route: `/flows/${id}/action` });
    const disabledAgain = await suite.client.disableFlow(id);
    assert.equal(disabledAgain.recovered, false);
    assert.equal((await suite.client.getFlow(id))?.state, "disabled");
    assert.equal(requestsTo(suite.emulator, "POST", `/flows/${id}/action`).length, 2);

    // A 500 is not transient: read back, unapplied, and reported so.
    suite.emulator.inject({ kind: "status", status: 500, route: `/flows/${id}/action` });
    const unapplied = await rejection(suite.client.enableFlow(id), FlowServiceError);
    assert.match(unapplied.message, /failed: 500 .*read back, is in state disabled, so the enable was not applied/);
  });

  it("deletes: 'deleted', then 'not-found' and undefined; FLOW-1439 at 400 (ERR's reading) is gone too", async () => {
    const c = await chain(suite.client);
    const { id } = await suite.client.createFlow(flowBody(c));
    assert.equal(await suite.client.deleteFlow(id), "deleted");
    assert.equal(await suite.client.deleteFlow(id), "not-found");
    assert.equal(await suite.client.getFlow(id), undefined);
    await withEmulator({ readings: { flowNotFoundStatus: 400 } }, async (client) => {
      const gone = "00000000-0000-4000-8000-000000000000";
      assert.equal(await client.getFlow(gone), undefined);
      assert.equal(await client.deleteFlow(gone), "not-found");
      // A PATCH or an action on a flow that is gone says so with the same error class as a 404, whatever the status.
      await rejection(client.updateFlow(gone, '"1"', [{ op: "replace", path: "/name", value: "x" }]), NotFoundError);
      await rejection(client.enableFlow(gone), NotFoundError);
    });
  });

  describe("crash-safe create", () => {
    it("a lost answer: finds the flow by its marker, one flow, one POST", async () => {
      const c = await chain(suite.client);
      const { text, options } = marked("nightly");
      suite.emulator.inject({ kind: "commit-then-reset", route: "/flows" });
      const created = await suite.client.createFlow({ ...flowBody(c), description: text }, options);
      assert.equal(created.recovered, "this-call");
      assert.deepEqual(suite.emulator.dataflows.flows().map((f) => f.id), [created.id]);
      assert.equal(requestsTo(suite.emulator, "POST", "/flows").length, 1);
    });

    it("never takes a same-named flow without our marker, with another stack's, or ours on other connections", async () => {
      const c = await chain(suite.client);
      const other = await chain(suite.client);
      const { text, options } = marked("nightly");
      const plain = await suite.client.createFlow({ ...flowBody(c), description: "by hand" });
      const otherStack = await suite.client.createFlow({ ...flowBody(c), description: marked("nightly", OTHER_STACK_KEY).text });
      const elsewhere = await suite.client.createFlow({ ...flowBody(other), name: flowBody(c).name, description: text });
      suite.emulator.inject({ kind: "commit-then-fail", route: "/flows" });
      const ours = await suite.client.createFlow({ ...flowBody(c), description: text }, options);
      assert.equal(ours.recovered, "this-call");
      assert.ok(![plain.id, otherStack.id, elsewhere.id].includes(ours.id));
      const again = await suite.client.createFlow({ ...flowBody(c), description: text }, options);
      assert.deepEqual([again.id, again.recovered], [ours.id, "earlier-run"]);
    });

    it("a POST that hangs past the per-attempt deadline is looked up, then sent again: one flow", async () => {
      await withEmulator({}, async (plain, emulator) => {
        const c = await chain(plain);
        const client = new FlowServiceClient(settingsFor(emulator), { retry: FAST_RETRY, attemptTimeoutMs: 1_000 });
        const { text, options } = marked("nightly");
        emulator.clearRequests();
        emulator.inject({ kind: "hang", route: "/flows", method: "POST" });
        const created = await client.createFlow({ ...flowBody(c), description: text }, options);
        assert.equal(created.recovered, false, "the hung POST was never applied; the second one created it");
        assert.deepEqual(emulator.dataflows.flows().map((f) => f.id), [created.id]);
        const writes = emulator.requests.filter((r) => r.method === "POST" && r.route === "/flows").length;
        const lookups = emulator.requests.filter((r) => r.method === "GET" && r.route === "/flows").length;
        assert.deepEqual([writes, lookups], [2, 2], "a lookup before each POST");
      });
    });

    it("without an identity, a lost answer fails naming the candidate", async () => {
      const c = await chain(suite.client);
      suite.emulator.inject({ kind: "commit-then-reset", route: "/flows" });
      const error = await rejection(suite.client.createFlow(flowBody(c)), AmbiguousCreateError);
      assert.deepEqual(error.candidateIds, suite.emulator.dataflows.flows().map((f) => f.id));
    });
  });

  it("a delete whose first answer was a 502 after committing reads the retry's 'not found' as deleted", async () => {
    const c = await chain(suite.client);
    const { id } = await suite.client.createFlow(flowBody(c));
    suite.emulator.inject({ kind: "commit-then-fail", route: `/flows/${id}`, method: "DELETE" });
    assert.equal(await suite.client.deleteFlow(id), "deleted");
    assert.equal(requestsTo(suite.emulator, "DELETE", `/flows/${id}`).length, 2, "DELETE is idempotent: retried");
    suite.emulator.inject({ kind: "commit-then-fail", route: `/conversion/mappingSets/${c.mapping.id}`, method: "DELETE" });
    assert.equal(await suite.client.deleteMappingSet(c.mapping.id), "deleted");
    suite.emulator.inject({ kind: "commit-then-fail", route: `/catalog/dataSets/${c.dataSetId}`, method: "DELETE" });
    assert.equal(await suite.client.deleteDataset(c.dataSetId), "deleted", "Catalog's [] after an unknown outcome");
    assert.equal(await suite.client.deleteDataset(c.dataSetId), "not-found");
  });

  describe("runs", () => {
    it("lists a flow's runs and reads the latest one as it progresses to success", async () => {
      const c = await chain(suite.client);
      const { id } = await suite.client.createFlow(flowBody(c, { startTime: nowSeconds() - 60, frequency: "hour", interval: 1 }));
      const runs = await collect(suite.client.listRuns(id));
      assert.equal(runs.length, 1, "a past start runs at once");
      assert.equal(runs[0]?.flowId, id);
      const [list] = requestsTo(suite.emulator, "GET", "/runs");
      assert.deepEqual(list?.query["property"], [`flowId==${id}`]);

      const running = await suite.client.latestRun(id);
      assert.deepEqual([running?.id, running?.status, running?.errors], [runs[0]?.id, "inProgress", []]);
      assert.notEqual(running?.etag, "");
      suite.emulator.clock.advance(61_000);
      const done = await suite.client.latestRun(id);
      assert.equal(done?.status, "success");
      assert.equal(typeof done?.completedAtUTC, "number");
      assert.ok((done?.records?.input ?? 0) > 0);
      assert.deepEqual((await suite.client.getRun(done!.id))?.status, "success");
      assert.equal(await suite.client.getRun("00000000-0000-4000-8000-000000000000"), undefined);
      assert.deepEqual((await collect(suite.client.listRuns(id, { property: "state==failed" }))).length, 0);
    });

    it("a failed run carries its errors; a flow before its first run has no latest run; an unknown flow is a NotFoundError", async () => {
      const c = await chain(suite.client);
      const future = await suite.client.createFlow(flowBody(c));
      assert.equal(await suite.client.latestRun(future.id), undefined);
      await rejection(suite.client.latestRun("00000000-0000-4000-8000-000000000000"), NotFoundError);

      const d = await chain(suite.client);
      const { id } = await suite.client.createFlow(flowBody(d, { startTime: nowSeconds() + 30, frequency: "hour", interval: 1 }));
      suite.emulator.dataflows.setRunOutcome(id, "failed", [{ code: "CONNECTOR-2001-500", message: "source unreachable" }]);
      suite.emulator.clock.advance(120_000);
      const failed = await suite.client.latestRun(id);
      assert.equal(failed?.status, "failed");
      assert.deepEqual(failed?.errors, [{ code: "CONNECTOR-2001-500", message: "source unreachable" }]);
    });

    it("reads the OAS spelling eTag as the run's etag", async () => {
      await withEmulator({ readings: { runEtagKey: "eTag" } }, async (client, emulator) => {
        const c = await chain(client);
        const { id } = await client.createFlow(flowBody(c, { startTime: Math.floor(emulator.clock.now() / 1000) - 60, frequency: "hour", interval: 1 }));
        const [run] = await collect(client.listRuns(id));
        assert.match(run?.etag ?? "", /^".+"$/);
      });
    });
  });

  it("redacts secrets from Adobe's text and caps the response size", async () => {
    const c = await chain(suite.client);
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: "/flows",
      body: { type: "https://ns.adobe.com/aep/errors/FLOW-1100-400", title: "Bad", status: 400, report: { "detailed-message": `bad ${suite.emulator.client.clientSecret}` } },
    });
    const error = await rejection(suite.client.createFlow(flowBody(c)), FlowServiceError);
    assert.ok(!error.message.includes(suite.emulator.client.clientSecret));
    assert.match(error.message, /bad \[REDACTED\]/);
    const { id } = await suite.client.createFlow(flowBody(c));
    const small = new FlowServiceClient(settingsFor(suite.emulator), { maxResponseBytes: 1024, retry: { maxAttempts: 1 } });
    await rejection(small.getFlow(id), ResponseTooLargeError);
  });
});

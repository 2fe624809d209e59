import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator/index";
import {
  CLOUD_STORAGE_TO_AEP,
  CONVERSION,
  CRM_TO_AEP,
  DATA_LAKE,
  SOURCES,
  SPEC_IDS,
  chain,
  dataset,
  flow,
  flowBody,
  mappingBody,
  platform,
  readItem,
  targetConnection,
  type Chain,
  sharedDataflowEmulator,
} from "./dataflow-support";
import { FlowApi, UUID_V4, detailedMessage, flowCode } from "./support";

describe("emulated /flows and /flowSpecs", () => {
  const suite = sharedDataflowEmulator();

  async function refused(body: unknown, query = ""): Promise<{ status: number; code: string | undefined; message: string }> {
    const result = await suite.api.call("POST", `/flows${query}`, { body });
    return { status: result.status, code: flowCode(result.json), message: detailedMessage(result.json) };
  }

  describe("flow specs", () => {
    it("lists CRMToAEP and CloudStorageToAEP with the five source specs, by name and by id", async () => {
      const all = (await suite.api.call("GET", "/flowSpecs")).json as { items: { id: string; name: string; sourceConnectionSpecIds: string[]; targetConnectionSpecIds: string[] }[] };
      assert.deepEqual(all.items.map((s) => [s.name, s.id]), [
        ["CRMToAEP", CRM_TO_AEP],
        ["CloudStorageToAEP", CLOUD_STORAGE_TO_AEP],
      ]);
      const crm = all.items[0];
      for (const source of ["synapse", "sql-server", "table-storage", "databricks"] as const) assert.ok(crm?.sourceConnectionSpecIds.includes(SPEC_IDS[source]), source);
      assert.deepEqual(all.items[1]?.sourceConnectionSpecIds, [SPEC_IDS["adls-gen2"]]);
      assert.deepEqual(crm?.targetConnectionSpecIds, [DATA_LAKE]);
      const byName = (await suite.api.call("GET", `/flowSpecs?property=name==%22CloudStorageToAEP%22`)).json as { items: { id: string; transformationSpec: { name: string }[]; scheduleSpec: unknown }[] };
      assert.deepEqual(byName.items.map((s) => s.id), [CLOUD_STORAGE_TO_AEP]);
      assert.deepEqual(byName.items[0]?.transformationSpec.map((t) => t.name), ["Mapping"]);
      const bySource = (await suite.api.call("GET", `/flowSpecs?property=sourceConnectionSpecIds==${SPEC_IDS.databricks}`)).json as { items: { name: string }[] };
      assert.deepEqual(bySource.items.map((s) => s.name), ["CRMToAEP"]);
      assert.equal(((await suite.api.call("GET", `/flowSpecs/${CRM_TO_AEP}`)).json as { items: unknown[] }).items.length, 1);
      assert.equal(flowCode((await suite.api.call("GET", "/flowSpecs/nope")).json), "FLOW-1101-404");
    });

    it("names the transformations key as TPL does under the transformationSpecs reading", async () => {
      const other = await startEmulator({ readings: { flowSpecTransformationsKey: "transformationSpecs" } });
      try {
        const spec = ((await (await FlowApi.connect(other)).call("GET", `/flowSpecs/${CRM_TO_AEP}`)).json as { items: Record<string, unknown>[] }).items[0];
        assert.ok(spec !== undefined && "transformationSpecs" in spec && !("transformationSpec" in spec));
      } finally {
        await other.close();
      }
    });
  });

  describe("create and read", () => {
    for (const source of SOURCES) {
      it(`${source}: creates a flow (201, Location, {id, etag}) that reads back with every documented field`, async () => {
        const c = await chain(suite.api, source);
        const created = await suite.api.call("POST", "/flows", { body: flowBody(c, source) });
        assert.equal(created.status, 201, created.text);
        const { id, etag } = created.json as { id: string; etag: string };
        assert.match(id, UUID_V4);
        assert.equal(created.headers["location"], `/data/foundation/flowservice/flows/${id}`);
        const item = await readItem(suite.api, `/flows/${id}`);
        assert.equal(item["etag"], etag);
        assert.equal(item["state"], "enabled");
        assert.deepEqual(item["flowSpec"], { id: source === "adls-gen2" ? CLOUD_STORAGE_TO_AEP : CRM_TO_AEP, version: "1.0" });
        assert.deepEqual(item["sourceConnectionIds"], [c.source]);
        assert.deepEqual(item["targetConnectionIds"], [c.target]);
        assert.equal(item["runs"], `/runs?property=flowId==${id}`);
        assert.equal((item["lastOperation"] as { operation: string }).operation, "create");
        assert.equal(item["lastRunDetails"], undefined, "no run before the start time");
        const inherited = item["inheritedAttributes"] as { sourceConnections: { baseConnection: { id: string } }[]; properties: unknown };
        assert.equal(inherited.sourceConnections[0]?.baseConnection.id, c.base);
        assert.deepEqual(inherited.properties, { isSourceFlow: true });
      });
    }

    it("refuses a flow spec that does not take the source (FLOW-1413-400) and a table flow without Copy", async () => {
      const c = await chain(suite.api, "sql-server");
      assert.equal((await refused({ ...flowBody(c), flowSpec: { id: CLOUD_STORAGE_TO_AEP, version: "1.0" } })).code, "FLOW-1100-400", "Copy is not a CloudStorageToAEP transformation");
      const mappingOnly = (flowBody(c)["transformations"] as unknown[]).slice(1);
      const wrongSpec = await refused({ ...flowBody(c), flowSpec: { id: CLOUD_STORAGE_TO_AEP }, transformations: mappingOnly });
      assert.equal(wrongSpec.code, "FLOW-1413-400");
      const noCopy = await refused({ ...flowBody(c), transformations: (flowBody(c).transformations as unknown[]).slice(1) });
      assert.equal(noCopy.code, "FLOW-1100-400");
      assert.match(noCopy.message, /Copy transformation/);
      assert.equal((await refused({ ...flowBody(c), flowSpec: { id: "00000000-0000-4000-8000-000000000000" } })).code, "FLOW-1413-400");
    });

    it("refuses state in the body (FLOW-1410-400), unknown mapping sets (FLOW-1419-400), versions (FLOW-1412-400), other schemas (FLOW-1425-400)", async () => {
      const c = await chain(suite.api);
      assert.equal((await refused({ ...flowBody(c), state: "enabled" })).code, "FLOW-1410-400");
      const withMapping = (mappingId: string, mappingVersion: unknown): Record<string, unknown> => ({
        ...flowBody(c),
        transformations: [(flowBody(c).transformations as unknown[])[0], { name: "Mapping", params: { mappingId, mappingVersion } }],
      });
      assert.equal((await refused(withMapping("0".repeat(32), 0))).code, "FLOW-1419-400");
      assert.equal((await refused(withMapping(c.mapping.id, 3))).code, "FLOW-1412-400");
      assert.equal((await refused(withMapping(c.mapping.id, "0"))).status, 201, "the spec's string version is accepted too");
      const otherSchema = "https://ns.adobe.com/other/schemas/9";
      suite.emulator.dataflows.registerSchema({ id: otherSchema, title: "other", fields: { _id: "string" } });
      const otherDataset = await dataset(suite.api, otherSchema);
      const otherTarget = (await suite.api.call("POST", "/targetConnections", { body: { name: "t", connectionSpec: { id: DATA_LAKE, version: "1.0" }, data: { schema: { id: otherSchema } }, params: { dataSetId: otherDataset } } })).json as { id: string };
      const mismatch = await refused({ ...flowBody(c), targetConnectionIds: [otherTarget.id] });
      assert.equal(mismatch.code, "FLOW-1425-400");
    });

    it("checks the schedule rules of the flow spec, accepting the docs' strings", async () => {
      const c = await chain(suite.api);
      const schedule = async (scheduleParams: unknown): Promise<string> => {
        const r = await refused({ ...flowBody(c), scheduleParams });
        return r.status === 201 ? "ok" : `${r.code} ${r.message}`;
      };
      assert.equal(await schedule({ startTime: 1_900_000_000, frequency: "minute", interval: 15 }), "ok");
      assert.equal(await schedule({ startTime: "1900000000", frequency: "minute", interval: "15", backfill: "true" }), "ok");
      assert.equal(await schedule({ startTime: 1_900_000_000, frequency: "hour", interval: 1, backfill: false }), "ok");
      assert.equal(await schedule({ startTime: 1_900_000_000, frequency: "once" }), "ok");
      assert.match(await schedule({ startTime: 1_900_000_000, frequency: "minute", interval: 5 }), /FLOW-1100-400 .*interval' must be at least 15/);
      assert.match(await schedule({ startTime: 1_900_000_000, frequency: "day", interval: 0 }), /at least 1/);
      assert.match(await schedule({ startTime: 1_900_000_000, frequency: "day" }), /interval' is required/);
      assert.match(await schedule({ startTime: 1_900_000_000, frequency: "once", interval: 1 }), /interval' is not allowed when frequency is once/);
      assert.match(await schedule({ startTime: 1_900_000_000, frequency: "once", backfill: true }), /backfill' is not allowed/);
      assert.match(await schedule({ frequency: "fortnight", interval: 1 }), /startTime' is required.*frequency' must be one of/);
      assert.match(await schedule({ startTime: 1_900_000_000_000, frequency: "once" }), /seconds, not milliseconds/);
      assert.match(await schedule({ startTime: 1_900_000_000, frequency: "hour", interval: 1.5 }), /must be an integer/);
      assert.match(await schedule(undefined), /scheduleParams' is required/);
    });

    it("applies the docs' prose (≥ 15 for every frequency) under the intervalMinimum=prose reading", async () => {
      const other = await startEmulator({ readings: { intervalMinimum: "prose" } });
      try {
        const otherApi = await FlowApi.connect(other);
        const c = await chain(otherApi);
        const result = await otherApi.call("POST", "/flows", { body: flowBody(c, "sql-server", { startTime: 1_900_000_000, frequency: "day", interval: 1 }) });
        assert.equal(result.status, 400);
        assert.match(detailedMessage(result.json), /at least 15 when frequency is day/);
      } finally {
        await other.close();
      }
    });

    it("creates drafts without the required fields (?mode=draft) and publishes them once complete", async () => {
      const c = await chain(suite.api);
      const created = await suite.api.call("POST", "/flows?mode=draft", { body: { flowSpec: { id: CRM_TO_AEP, version: "1.0" } } });
      assert.equal(created.status, 201, created.text);
      const { id, etag } = created.json as { id: string; etag: string };
      assert.equal((await readItem(suite.api, `/flows/${id}`))["state"], "draft");
      assert.equal(flowCode((await suite.api.call("POST", `/flows/${id}/action?op=publish`)).json), "FLOW-1100-400", "an incomplete draft cannot be published");
      const body = flowBody(c);
      const patch = [
        { op: "add", path: "/transformations", value: body["transformations"] },
        { op: "add", path: "/scheduleParams", value: body["scheduleParams"] },
      ];
      const patched = await suite.api.call("PATCH", `/flows/${id}`, { body: patch, headers: { "if-match": etag } });
      assert.equal(patched.status, 200, patched.text);
      // Connections cannot be patched in; a complete draft is made with them.
      const full = (await suite.api.call("POST", "/flows?mode=draft", { body })).json as { id: string };
      const published = await suite.api.call("POST", `/flows/${full.id}/action?op=publish`, { omit: ["content-type"] });
      assert.equal(published.status, 200, published.text);
      assert.equal((await readItem(suite.api, `/flows/${full.id}`))["state"], "enabled");
    });

    it("echoes the schedule as strings under the scheduleEcho=strings reading", async () => {
      const other = await startEmulator({ readings: { scheduleEcho: "strings" } });
      try {
        const otherApi = await FlowApi.connect(other);
        const { id } = await flow(otherApi, await chain(otherApi));
        assert.deepEqual((await readItem(otherApi, `/flows/${id}`))["scheduleParams"], { startTime: "1900000000", frequency: "hour", interval: "1" });
      } finally {
        await other.close();
      }
    });
  });

  describe("update, enable/disable, delete", () => {
    let c: Chain;
    let flowId: string;
    let etag: string;

    beforeEach(async () => {
      c = await chain(suite.api);
      ({ id: flowId, etag } = await flow(suite.api, c));
    });

    const patch = (ops: unknown, ifMatch?: string): ReturnType<FlowApi["call"]> =>
      suite.api.call("PATCH", `/flows/${flowId}`, { body: ops, headers: ifMatch === undefined ? {} : { "if-match": ifMatch } });

    it("PATCH changes name, schedule and mapping in place with If-Match; missing → FLOW-1403-400, stale → FLOW-1404-412", async () => {
      assert.equal(flowCode((await patch([{ op: "replace", path: "/name", value: "x" }])).json), "FLOW-1403-400");
      const stale = await patch([{ op: "replace", path: "/name", value: "x" }], '"00000000-0000-0200-0000-000000000000"');
      assert.equal(stale.status, 412);
      assert.equal(flowCode(stale.json), "FLOW-1404-412");

      const v1 = (await platform(suite.api, "PUT", `${CONVERSION}/mappingSets/${c.mapping.id}`, mappingBody())).json as { version: number };
      const ok = await patch(
        [
          { op: "replace", path: "/name", value: "Renamed" },
          { op: "replace", path: "/scheduleParams/frequency", value: "day" },
          { op: "replace", path: "/transformations/1", value: { name: "Mapping", params: { mappingId: c.mapping.id, mappingVersion: v1.version } } },
        ],
        etag,
      );
      assert.equal(ok.status, 200, ok.text);
      const item = await readItem(suite.api, `/flows/${flowId}`);
      assert.equal(item["name"], "Renamed");
      assert.equal((item["scheduleParams"] as { frequency: string }).frequency, "day");
      assert.equal(((item["transformations"] as { params: { mappingVersion: number } }[])[1])?.params.mappingVersion, 1);
      const last = item["lastOperation"] as { operation: string; ops: unknown[] };
      assert.equal(last.operation, "update");
      assert.equal(last.ops.length, 3);
      assert.notEqual(item["etag"], etag);
    });

    it("PATCH refuses the flow spec and connections, unknown paths, bad ops, a clobbered Copy and a bad mapping version", async () => {
      const code = async (ops: unknown): Promise<string | undefined> => flowCode((await patch(ops, String((await readItem(suite.api, `/flows/${flowId}`))["etag"]))).json);
      assert.equal(await code([{ op: "replace", path: "/sourceConnectionIds/0", value: c.source }]), "FLOW-1455-400");
      assert.equal(await code([{ op: "replace", path: "/flowSpec/id", value: CLOUD_STORAGE_TO_AEP }]), "FLOW-1455-400");
      assert.equal(await code([{ op: "replace", path: "/state", value: "disabled" }]), "FLOW-1455-400");
      assert.equal(await code([{ op: "replace", path: "/scheduleParams/nope", value: 1 }]), "FLOW-1455-400");
      assert.equal(await code([{ op: "copy", path: "/name", from: "/description" }]), "FLOW-1434-400");
      assert.equal(await code([]), "FLOW-1405-400");
      // UPDF's example replaces /transformations/0, which in a CRMToAEP flow is Copy (dataflows.md §0 item 9).
      assert.equal(await code([{ op: "replace", path: "/transformations/0", value: { name: "Mapping", params: { mappingId: c.mapping.id, mappingVersion: 0 } } }]), "FLOW-1100-400");
      assert.equal(await code([{ op: "replace", path: "/transformations/1/params/mappingVersion", value: 9 }]), "FLOW-1412-400");
      assert.equal(await code([{ op: "replace", path: "/scheduleParams/interval", value: 0 }]), "FLOW-1100-400");
    });

    it("PATCH refuses a new start time once the start has passed", async () => {
      const move = (startTime: number): Promise<string | undefined> =>
        readItem(suite.api, `/flows/${flowId}`).then(async (item) => flowCode((await patch([{ op: "replace", path: "/scheduleParams/startTime", value: startTime }], String(item["etag"]))).json));
      assert.equal(await move(1_900_000_100), undefined, "before the start it can move");
      suite.emulator.clock.set(1_900_000_200_000);
      assert.equal(await move(1_900_000_300), "FLOW-1455-400");
    });

    it("PATCH and actions are refused in the transitional states (FLOW-1420/1421/1457-400)", async () => {
      const codeIn = async (state: "disabling" | "updating" | "delete-finalizing"): Promise<[string | undefined, string | undefined]> => {
        const current = suite.emulator.dataflows.modifyFlow(flowId, { state });
        const patched = flowCode((await patch([{ op: "replace", path: "/name", value: "x" }], current.etag)).json);
        const action = flowCode((await suite.api.call("POST", `/flows/${flowId}/action?op=enable`)).json);
        return [patched, action];
      };
      assert.deepEqual(await codeIn("disabling"), ["FLOW-1420-400", "FLOW-1422-400"]);
      assert.deepEqual(await codeIn("updating"), ["FLOW-1421-400", "FLOW-1421-400"]);
      assert.deepEqual(await codeIn("delete-finalizing"), ["FLOW-1457-400", "FLOW-1457-400"]);
      assert.equal(flowCode((await suite.api.call("DELETE", `/flows/${flowId}`)).json), "FLOW-1458-400");
    });

    it("disables and enables through the action endpoint, in either case, with or without subOp and If-Match", async () => {
      const action = (query: string, headers: Record<string, string> = {}): ReturnType<FlowApi["call"]> =>
        suite.api.call("POST", `/flows/${flowId}/action?${query}`, { omit: ["content-type"], headers });
      const disabled = await action("op=disable");
      assert.equal(disabled.status, 200, disabled.text);
      const { etag: afterDisable } = disabled.json as { etag: string };
      assert.equal((await readItem(suite.api, `/flows/${flowId}`))["state"], "disabled");
      assert.equal(flowCode((await action("op=disable")).json), "FLOW-1422-400");
      assert.equal(flowCode((await action("op=ENABLE&subOp=SHRINK")).json), "FLOW-1436-400");
      assert.equal((await action("op=ENABLE&subOp=APPLY", { "if-match": '"00000000-0000-0200-0000-000000000000"' })).status, 412);
      assert.equal((await action("op=ENABLE&subOp=APPLY", { "if-match": afterDisable })).status, 200);
      assert.equal((await readItem(suite.api, `/flows/${flowId}`))["state"], "enabled");
      assert.equal(flowCode((await action("op=finalize")).json), "FLOW-1422-400");
      assert.equal(flowCode((await action("")).json), "FLOW-2119-400");
    });

    it("deletes with 204, then FLOW-1439-404; FLOW-1439-400 under the flowNotFoundStatus=400 reading", async () => {
      assert.equal((await suite.api.call("DELETE", `/flows/${flowId}`)).status, 204);
      const gone = await suite.api.call("GET", `/flows/${flowId}`);
      assert.equal(gone.status, 404);
      assert.equal(flowCode(gone.json), "FLOW-1439-404");
      assert.match(detailedMessage(gone.json), /The requested flows resource .* is not found/);
      assert.equal((await suite.api.call("DELETE", `/flows/${flowId}`)).status, 404);
      const other = await startEmulator({ readings: { flowNotFoundStatus: 400 } });
      try {
        assert.equal(flowCode((await (await FlowApi.connect(other)).call("GET", `/flows/${flowId}`)).json), "FLOW-1439-400");
      } finally {
        await other.close();
      }
    });

    it("lists with the documented filters and keeps flows in their sandbox", async () => {
      const second = await flow(suite.api, { ...c, target: await targetConnection(suite.api, c.dataSetId) });
      const byTarget = (await suite.api.call("GET", `/flows?property=targetConnectionIds==${c.target}`)).json as { items: { id: string }[] };
      assert.deepEqual(byTarget.items.map((f) => f.id), [flowId]);
      const bySource = (await suite.api.call("GET", `/flows?property=sourceConnectionIds[]==${c.source}&orderby=-createdAt`)).json as { items: { id: string }[] };
      assert.deepEqual(bySource.items.map((f) => f.id), [second.id, flowId]);
      const paged = (await suite.api.call("GET", "/flows?limit=1")).json as { items: unknown[]; _links: { next: { href: string } } };
      assert.equal(paged.items.length, 1);
      assert.match(paged._links.next.href, /^\/flows\?continuationToken=/);
      assert.equal(((await suite.api.call("GET", `/flows?property=flowSpec.id==${CRM_TO_AEP}&count=true`)).json as { count: number }).count, 2);
      assert.equal((await suite.api.inSandbox("dev").call("GET", `/flows/${flowId}`)).status, 404);
    });

    it("meets the stale-etag, commit-then-fail and permission-denied faults on its routes", async () => {
      suite.emulator.inject({ kind: "stale-etag", route: `/flows/${flowId}` });
      assert.equal((await patch([{ op: "replace", path: "/name", value: "x" }], etag)).status, 412);
      suite.emulator.inject({ kind: "commit-then-fail", route: "/flows", status: 500 });
      const lost = await suite.api.call("POST", "/flows", { body: flowBody(c) });
      assert.equal(lost.status, 500);
      assert.equal(suite.emulator.dataflows.flows().length, 2, "the write was applied");
      suite.emulator.inject({ kind: "permission-denied", route: /^\/flows\/[^/]+$/ });
      const denied = await suite.api.call("DELETE", `/flows/${flowId}`);
      assert.equal(denied.status, 403);
      assert.equal(flowCode(denied.json), "FLOW-2120-403");
      suite.emulator.inject({ kind: "dependency-failure", service: "dataprep", route: "/flows" });
      assert.equal(flowCode((await suite.api.call("POST", "/flows", { body: flowBody(c) })).json), "FLOW-2250-500");
      suite.emulator.inject({ kind: "dependency-failure", service: "catalog", route: "/targetConnections" });
      assert.equal(flowCode((await suite.api.call("POST", "/targetConnections", { body: { name: "t" } })).json), "FLOW-2200-500");
      suite.emulator.inject({ kind: "status", status: 503, route: "/conversion/mappingSets" });
      assert.equal((await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, mappingBody())).status, 503);
      assert.equal(suite.emulator.dataflows.mappingSets().length, 1);
    });
  });
});

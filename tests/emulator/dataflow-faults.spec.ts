import { strict as assert } from "node:assert";
import { CATALOG, CONVERSION, SCHEMA_ID, baseConnection, chain, dataset, flowBody, mappingBody, platform, sourceBody, targetBody, sharedDataflowEmulator } from "./dataflow-support";
import { FlowApi, flowCode } from "./support";

/** The fault kinds apply to the dataflow routes exactly as to /connections (emulator/faults.ts FAULT_KINDS). */
describe("emulated faults on the dataflow routes", () => {
  const suite = sharedDataflowEmulator();

  /** Each create route, how to post a valid body to it, and how many objects of its kind exist. */
  async function creates(): Promise<{ route: string; post: () => Promise<number>; count: () => number }[]> {
    const base = await baseConnection(suite.api, "sql-server");
    const dataSetId = await dataset(suite.api);
    const c = await chain(suite.api);
    return [
      { route: "/sourceConnections", post: async () => (await suite.api.call("POST", "/sourceConnections", { body: sourceBody("sql-server", base) })).status, count: () => suite.emulator.dataflows.sourceConnections().length },
      { route: "/targetConnections", post: async () => (await suite.api.call("POST", "/targetConnections", { body: targetBody(dataSetId) })).status, count: () => suite.emulator.dataflows.targetConnections().length },
      { route: "/flows", post: async () => (await suite.api.call("POST", "/flows", { body: flowBody(c) })).status, count: () => suite.emulator.dataflows.flows().length },
      {
        route: "/catalog/dataSets",
        post: async () => (await platform(suite.api, "POST", `${CATALOG}/dataSets`, { name: "d", schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed+json;version=1" } })).status,
        count: () => suite.emulator.dataflows.datasets().length,
      },
      { route: "/conversion/mappingSets", post: async () => (await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, mappingBody())).status, count: () => suite.emulator.dataflows.mappingSets().length },
    ];
  }

  it("commit-then-fail applies the write then answers 5xx; status and reset apply nothing", async () => {
    for (const target of await creates()) {
      const before = target.count();
      suite.emulator.inject({ kind: "commit-then-fail", route: target.route });
      assert.equal(await target.post(), 502, target.route);
      assert.equal(target.count(), before + 1, `${target.route}: committed`);
      suite.emulator.inject({ kind: "status", status: 503, route: target.route });
      assert.equal(await target.post(), 503, target.route);
      assert.equal(target.count(), before + 1, `${target.route}: not applied`);
      suite.emulator.inject({ kind: "reset", route: target.route });
      await assert.rejects(target.post(), target.route);
      assert.equal(target.count(), before + 1, `${target.route}: not applied on reset`);
      suite.emulator.inject({ kind: "commit-then-reset", route: target.route });
      await assert.rejects(target.post(), target.route);
      assert.equal(target.count(), before + 2, `${target.route}: committed before the reset`);
    }
  });

  it("stale-etag makes a source or target connection PATCH meet a real 412", async () => {
    const c = await chain(suite.api);
    for (const route of [`/sourceConnections/${c.source}`, `/targetConnections/${c.target}`]) {
      const etag = String(((await suite.api.call("GET", route)).json as { items: { etag: string }[] }).items[0]?.etag);
      suite.emulator.inject({ kind: "stale-etag", route });
      const result = await suite.api.call("PATCH", route, { body: [{ op: "replace", path: "/name", value: "x" }], headers: { "if-match": etag } });
      assert.equal(result.status, 412, route);
      assert.equal(flowCode(result.json), "FLOW-1404-412");
    }
  });

  it("expired-token and 429 answer in the gateway dialect on Catalog and Data Prep routes too", async () => {
    suite.emulator.clearRequests();
    suite.emulator.inject({ kind: "expired-token", route: /^\/catalog\// });
    const expired = await platform(suite.api, "GET", `${CATALOG}/dataSets/0123456789abcdef01234567`);
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, { error_code: "401013", message: "Oauth token is not valid" });
    suite.emulator.inject({ kind: "status", status: 429, retryAfter: "1", route: "/conversion/mappingSets" });
    const limited = await platform(suite.api, "GET", `${CONVERSION}/mappingSets?limit=1&start=0`);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers["retry-after"], "1");
    const recorded = suite.emulator.requests.filter((r) => r.fault !== undefined).map((r) => [r.route, r.fault]);
    assert.deepEqual(recorded, [
      ["/catalog/dataSets/0123456789abcdef01234567", "expired-token"],
      ["/conversion/mappingSets", "status"],
    ]);
  });

  it("refuses a bad dependency-failure option when injected", () => {
    assert.throws(() => suite.emulator.inject({ kind: "dependency-failure", service: "schema" as "catalog" }), RangeError);
  });
});

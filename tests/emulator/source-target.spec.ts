import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator/index";
import { DATA_LAKE, SCHEMA_ID, SOURCES, SPEC_IDS, baseConnection, chain, dataset, flow, readItem, sourceBody, sourceConnection, targetBody, targetConnection, sharedDataflowEmulator } from "./dataflow-support";
import { ETAG_SHAPE, FlowApi, UUID_V4, detailedMessage, flowCode } from "./support";

describe("emulated /sourceConnections and /targetConnections", () => {
  const suite = sharedDataflowEmulator();

  for (const source of SOURCES) {
    it(`${source}: creates a source connection (201 {id, etag}) that reads back with its base connection`, async () => {
      const base = await baseConnection(suite.api, source);
      const created = await suite.api.call("POST", "/sourceConnections", { body: sourceBody(source, base) });
      assert.equal(created.status, 201, created.text);
      const { id, etag } = created.json as { id: string; etag: string };
      assert.match(id, UUID_V4);
      assert.match(etag, ETAG_SHAPE);
      const item = await readItem(suite.api, `/sourceConnections/${id}`);
      assert.equal(item["baseConnectionId"], base);
      assert.equal(item["state"], "enabled");
      assert.equal(item["etag"], etag);
      assert.deepEqual(item["connectionSpec"], { id: SPEC_IDS[source], version: "1.0" });
      assert.deepEqual(item["inheritedAttributes"], { baseConnection: { id: base, connectionSpec: { id: SPEC_IDS[source], version: "1.0" } } });
      assert.equal((item["lastOperation"] as { operation: string }).operation, "create");
    });
  }

  it("refuses source connections that do not fit their source, naming every problem", async () => {
    const sql = await baseConnection(suite.api, "sql-server");
    const adls = await baseConnection(suite.api, "adls-gen2");
    const refused = async (body: unknown): Promise<{ code: string | undefined; message: string }> => {
      const result = await suite.api.call("POST", "/sourceConnections", { body });
      assert.equal(result.status, 400, result.text);
      return { code: flowCode(result.json), message: detailedMessage(result.json) };
    };
    const tabular = sourceBody("sql-server", sql);
    assert.match((await refused({ ...tabular, data: { format: "delimited" }, params: {} })).message, /data\.format.*tabular.*params\.tableName/);
    assert.match((await refused({ ...tabular, params: { tableName: "dbo.orders", cdcEnabled: true } })).message, /cdcEnabled.*Databricks/);
    assert.equal((await refused({ ...tabular, connectionSpec: { id: SPEC_IDS["adls-gen2"], version: "1.0" } })).code, "FLOW-1413-400");
    assert.equal((await refused({ ...tabular, connectionSpec: { id: "00000000-0000-4000-8000-000000000000", version: "1.0" } })).code, "FLOW-1413-400");
    assert.match((await refused({ ...tabular, baseConnectionId: "00000000-0000-4000-8000-000000000000" })).message, /does not exist/);
    assert.equal((await refused({ ...tabular, name: undefined })).code, "FLOW-1100-400");
    const files = sourceBody("adls-gen2", adls);
    assert.match((await refused({ ...files, data: { format: "parquet", properties: { columnDelimiter: ";" } } })).message, /delimited format only/);
    assert.match((await refused({ ...files, params: { path: "/a/CON/b.csv", type: "file" } })).message, /reserved name/);
    assert.match((await refused({ ...files, params: { path: "/a/b?.csv", type: "blob" } })).message, /must not contain.*params\.type/);
    assert.equal(suite.emulator.dataflows.sourceConnections().length, 0);
  });

  it("accepts ADLS Gen2 folders, patterns, recursion and the legacy delimiter location", async () => {
    const adls = await baseConnection(suite.api, "adls-gen2");
    const body = { ...sourceBody("adls-gen2", adls), data: { format: "delimited", columnDelimiter: "|" }, params: { path: "/acme-customers/*.csv", type: "file", recursive: true } };
    assert.equal((await suite.api.call("POST", "/sourceConnections", { body })).status, 201);
    const json = { ...sourceBody("adls-gen2", adls), data: { format: "json", properties: { compressionType: "gzip" } }, params: { path: "/acme-customers/orders", type: "folder" } };
    assert.equal((await suite.api.call("POST", "/sourceConnections", { body: json })).status, 201);
  });

  it("PATCH needs If-Match (FLOW-1403-400), a current etag (FLOW-1404-412), and keeps the spec and base connection", async () => {
    const id = await sourceConnection(suite.api, "sql-server");
    const item = await readItem(suite.api, `/sourceConnections/${id}`);
    const ops = [{ op: "replace", path: "/name", value: "Renamed" }];
    assert.equal(flowCode((await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: ops })).json), "FLOW-1403-400");
    const stale = await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: ops, headers: { "if-match": '"00000000-0000-0200-0000-000000000000"' } });
    assert.equal(stale.status, 412);
    assert.equal(flowCode(stale.json), "FLOW-1404-412");
    const ok = await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: ops, headers: { "if-match": String(item["etag"]) } });
    assert.equal(ok.status, 200, ok.text);
    const patched = await readItem(suite.api, `/sourceConnections/${id}`);
    assert.equal(patched["name"], "Renamed");
    assert.notEqual(patched["etag"], item["etag"]);
    const etag = String(patched["etag"]);
    assert.equal(flowCode((await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: [{ op: "replace", path: "/connectionSpec/id", value: "x" }], headers: { "if-match": etag } })).json), "FLOW-1414-400");
    assert.equal(flowCode((await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: [{ op: "replace", path: "/baseConnectionId", value: "x" }], headers: { "if-match": etag } })).json), "FLOW-1455-400");
    assert.equal(flowCode((await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: [{ op: "remove", path: "/params/tableName" }], headers: { "if-match": etag } })).json), "FLOW-1100-400");
    assert.equal(flowCode((await suite.api.call("PATCH", `/sourceConnections/${id}`, { body: [{ op: "move", path: "/name", from: "/x" }], headers: { "if-match": etag } })).json), "FLOW-1434-400");
  });

  it("creates drafts with ?mode=draft and publishes them once (FLOW-1422-400 afterwards)", async () => {
    const base = await baseConnection(suite.api, "sql-server");
    const created = await suite.api.call("POST", "/sourceConnections?mode=draft", { body: sourceBody("sql-server", base) });
    const { id } = created.json as { id: string };
    assert.equal((await readItem(suite.api, `/sourceConnections/${id}`))["state"], "draft");
    const published = await suite.api.call("POST", `/sourceConnections/${id}/action?op=PUBLISH`, { omit: ["content-type"] });
    assert.equal(published.status, 200, published.text);
    assert.equal((await readItem(suite.api, `/sourceConnections/${id}`))["state"], "enabled");
    assert.equal(flowCode((await suite.api.call("POST", `/sourceConnections/${id}/action?op=publish`)).json), "FLOW-1422-400");
  });

  it("lists with filters on baseConnectionId and params.tableName", async () => {
    const base = await baseConnection(suite.api, "sql-server");
    await sourceConnection(suite.api, "sql-server", base);
    await sourceConnection(suite.api, "synapse");
    const list = (await suite.api.call("GET", `/sourceConnections?property=baseConnectionId==${base}`)).json as { items: { baseConnectionId: string }[] };
    assert.deepEqual(list.items.map((i) => i.baseConnectionId), [base]);
    const byTable = (await suite.api.call("GET", `/sourceConnections?property=params.tableName==sales.orders`)).json as { items: unknown[] };
    assert.equal(byTable.items.length, 1);
    assert.equal(((await suite.api.call("GET", "/sourceConnections?count=true")).json as { count: number }).count, 2);
  });

  it("creates a Data Lake target connection for a dataset, and refuses a wrong spec, a missing or foreign dataset", async () => {
    const dataSetId = await dataset(suite.api);
    const id = await targetConnection(suite.api, dataSetId);
    const item = await readItem(suite.api, `/targetConnections/${id}`);
    assert.deepEqual(item["connectionSpec"], { id: DATA_LAKE, version: "1.0" });
    assert.deepEqual(item["params"], { dataSetId });
    assert.equal((item["data"] as { schema: { id: string } }).schema.id, SCHEMA_ID);

    const refused = async (body: unknown): Promise<string> => {
      const result = await suite.api.call("POST", "/targetConnections", { body });
      assert.equal(result.status, 400, result.text);
      return `${flowCode(result.json)} ${detailedMessage(result.json)}`;
    };
    assert.match(await refused({ ...targetBody(dataSetId), connectionSpec: { id: SPEC_IDS["sql-server"], version: "1.0" } }), /FLOW-1413-400/);
    assert.match(await refused(targetBody("0123456789abcdef01234567")), /FLOW-1100-400 .*dataset ID/);
    assert.match(await refused({ ...targetBody(dataSetId), params: {} }), /params\.dataSetId/);
    assert.match(await refused(targetBody(dataSetId, "https://ns.adobe.com/other/schemas/1")), /is for the schema/);
    const inDev = suite.api.inSandbox("dev");
    assert.match(
      flowCode((await inDev.call("POST", "/targetConnections", { body: targetBody(dataSetId) })).json) ?? "",
      /FLOW-1100-400/,
      "a dataset of another sandbox is not found",
    );
  });

  it("deletes (204, then 404), but refuses while a flow uses the connection (FLOW-1447-400), like base connections (FLOW-1418-400)", async () => {
    const c = await chain(suite.api);
    const { id: flowId } = await flow(suite.api, c);
    for (const [route, code] of [
      [`/sourceConnections/${c.source}`, "FLOW-1447-400"],
      [`/targetConnections/${c.target}`, "FLOW-1447-400"],
      [`/connections/${c.base}`, "FLOW-1418-400"],
    ] as const) {
      const refused = await suite.api.call("DELETE", route);
      assert.equal(refused.status, 400, route);
      assert.equal(flowCode(refused.json), code);
    }
    assert.match(detailedMessage((await suite.api.call("DELETE", `/sourceConnections/${c.source}`)).json), new RegExp(flowId));
    assert.equal((await suite.api.call("DELETE", `/flows/${flowId}`)).status, 204);
    for (const route of [`/sourceConnections/${c.source}`, `/targetConnections/${c.target}`, `/connections/${c.base}`]) {
      assert.equal((await suite.api.call("DELETE", route)).status, 204, route);
      assert.equal((await suite.api.call("GET", route)).status, 404, route);
    }
  });

  it("lets in-use source and target connections go under the connectionInUseDelete=allow reading", async () => {
    const other = await startEmulator({ readings: { connectionInUseDelete: "allow" } });
    try {
      const otherApi = await FlowApi.connect(other);
      const c = await chain(otherApi);
      await flow(otherApi, c);
      assert.equal((await otherApi.call("DELETE", `/sourceConnections/${c.source}`)).status, 204);
      assert.equal((await otherApi.call("DELETE", `/targetConnections/${c.target}`)).status, 204);
    } finally {
      await other.close();
    }
  });
});

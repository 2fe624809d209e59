import { strict as assert } from "node:assert";
import { seedBody } from "../fixtures/seed-requests";
import { startEmulator, type Emulator } from "../../emulator/index";
import { ETAG_SHAPE, FlowApi, UUID_V4, detailedMessage, flowCode, sqlServerBody } from "./support";

const SYNAPSE = "a49bcc7d-8038-43af-b1e4-5a7a089a7d79";
const DATABRICKS = "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b";

describe("emulated POST /connections validation", () => {
  let emulator: Emulator;
  let api: FlowApi;

  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());
  afterEach(() => emulator.store.clear());

  async function refused(options: Parameters<FlowApi["call"]>[2]): Promise<{ code: string | undefined; message: string }> {
    const result = await api.call("POST", "/connections", options);
    assert.equal(result.status, 400, result.text);
    assert.equal(emulator.store.list().length, 0, "nothing was created");
    return { code: flowCode(result.json), message: detailedMessage(result.json) };
  }

  it("refuses an empty body, a JSON null and malformed JSON with FLOW-1405-400", async () => {
    assert.equal((await refused({ rawBody: "" , headers: { "content-type": "application/json" } })).code, "FLOW-1405-400");
    assert.equal((await refused({ rawBody: "null" })).code, "FLOW-1405-400");
    assert.equal((await refused({ rawBody: '{"name": ' })).code, "FLOW-1405-400");
  });

  it("requires a name", async () => {
    const { name: _name, ...noName } = seedBody("sql-server");
    const missing = await refused({ body: noName });
    assert.equal(missing.code, "FLOW-1100-400");
    assert.match(missing.message, /'name'/);
    assert.equal((await refused({ body: { ...noName, name: "  " } })).code, "FLOW-1100-400");
    assert.equal((await refused({ body: { ...noName, name: 42 } })).code, "FLOW-1100-400");
  });

  it("refuses a body that is not an object, and a non-string description", async () => {
    assert.equal((await refused({ body: [seedBody("sql-server")] })).code, "FLOW-1100-400");
    assert.match((await refused({ body: { ...seedBody("sql-server"), description: 1 } })).message, /'description'/);
  });

  it("requires auth and auth.specName", async () => {
    const { auth: _auth, ...noAuth } = seedBody("sql-server");
    assert.match((await refused({ body: noAuth })).message, /'auth'/);
    assert.match((await refused({ body: { ...noAuth, auth: { params: {} } } })).message, /'auth.specName'/);
  });

  it("requires connectionSpec.id and refuses an unknown version with FLOW-1413-400", async () => {
    const { connectionSpec: _spec, ...noSpec } = seedBody("sql-server");
    assert.match((await refused({ body: noSpec })).message, /'connectionSpec.id'/);
    const body = seedBody("sql-server");
    body.connectionSpec.version = "2.0";
    assert.equal((await refused({ body })).code, "FLOW-1413-400");
  });

  it("defaults an omitted connectionSpec.version to 1.0", async () => {
    const body = seedBody("table-storage");
    const { id } = await api.create({ ...body, connectionSpec: { id: body.connectionSpec.id } });
    assert.deepEqual((await api.read(id))["connectionSpec"], { id: body.connectionSpec.id, version: "1.0" });
  });

  it("refuses params that are not strings, not an object, or empty when required", async () => {
    const body = seedBody("adls-gen2");
    body.auth.params["tenant"] = 7 as unknown as string;
    assert.match((await refused({ body })).message, /'tenant' must be a string/);
    const notObject = seedBody("adls-gen2");
    assert.equal((await refused({ body: { ...notObject, auth: { specName: notObject.auth.specName, params: "url=x" } } })).code, "FLOW-1409-400");
    const empty = seedBody("adls-gen2");
    empty.auth.params["url"] = "";
    assert.match((await refused({ body: empty })).message, /'url' must not be empty/);
  });

  it("accepts Databricks' optional catalog, as a string only", async () => {
    const body = seedBody("databricks");
    body.auth.params["catalog"] = "main";
    const { id } = await api.create(body);
    assert.equal(emulator.store.get(id)?.auth.params["catalog"], "main");
    emulator.store.clear();
    const nullCatalog = seedBody("databricks");
    (nullCatalog.auth.params as Record<string, unknown>)["catalog"] = null;
    assert.match((await refused({ body: nullCatalog })).message, /'catalog' must be a string/);
  });

  it("names every problem at once without echoing values", async () => {
    const body = seedBody("synapse-service-principal");
    delete body.auth.params["server"];
    delete body.auth.params["servicePrincipalKey"];
    body.auth.params["password"] = "hunter2-very-secret";
    const { message } = await refused({ body });
    assert.match(message, /'server' is missing/);
    assert.match(message, /'servicePrincipalKey' is missing/);
    assert.match(message, /'password' is not defined/);
    assert.ok(!message.includes("hunter2"));
  });

  it("checks the auth spec name against the given connection spec only", async () => {
    const body = seedBody("databricks");
    body.connectionSpec.id = SYNAPSE;
    const { code, message } = await refused({ body });
    assert.equal(code, "FLOW-1415-400");
    assert.equal(message, `The auth spec 'Access Token Authentication' could not be found for the connection spec ID ${SYNAPSE}.`);
  });
});

describe("emulated GET, DELETE and test of a connection", () => {
  let emulator: Emulator;
  let api: FlowApi;

  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());

  it("returns {items: [item]} with every ConnectionItem field, secrets masked", async () => {
    const body = seedBody("synapse-service-principal");
    const before = Date.now();
    const { id, etag } = await api.create(body);
    const item = await api.read(id);
    assert.deepEqual(Object.keys(item).sort(), [
      "auth", "connectionSpec", "createdAt", "createdBy", "createdClient", "description", "etag", "id", "imsOrgId",
      "name", "sandboxId", "sandboxName", "state", "updatedAt", "updatedBy", "updatedClient", "version",
    ]);
    assert.equal(item["id"], id);
    assert.equal(item["state"], "enabled");
    assert.equal(item["etag"], etag);
    assert.equal(item["version"], etag);
    assert.match(etag, ETAG_SHAPE);
    const createdAt = item["createdAt"] as number;
    assert.ok(createdAt >= before && createdAt <= Date.now(), "epoch milliseconds");
    assert.equal(item["updatedAt"], createdAt);
    const etagSeconds = parseInt(etag.slice(25, 33), 16);
    assert.equal(etagSeconds, Math.floor(createdAt / 1000), "etag carries the write time in seconds");
    assert.equal(item["createdBy"], `${emulator.client.clientId}@AdobeID`);
    assert.equal(item["createdClient"], emulator.client.clientId);
    assert.equal(item["updatedBy"], item["createdBy"]);
    assert.equal(item["updatedClient"], item["createdClient"]);
    assert.equal(item["sandboxName"], "prod");
    assert.match(String(item["sandboxId"]), UUID_V4);
    assert.equal(item["imsOrgId"], emulator.client.orgId);
    assert.deepEqual(item["auth"], {
      specName: "Service Principal Key Based Authentication",
      params: { ...body.auth.params, servicePrincipalKey: "********" },
    });
    assert.equal(emulator.store.get(id)?.auth.params["servicePrincipalKey"], body.auth.params["servicePrincipalKey"], "stored unmasked");
  });

  it("masks only format:password params (Databricks accessToken, not domain)", async () => {
    const { id } = await api.create(seedBody("databricks"));
    const params = ((await api.read(id))["auth"] as { params: Record<string, string> }).params;
    assert.equal(params["accessToken"], "********");
    assert.equal(params["domain"], "https://adb-1234567890123456.7.azuredatabricks.net");
  });

  it("answers an unknown id with FLOW-1101-404 naming it", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    const result = await api.call("GET", `/connections/${id}`);
    assert.equal(result.status, 404);
    assert.equal(flowCode(result.json), "FLOW-1101-404");
    assert.equal((result.json as { report: { id: string } }).report.id, id);
  });

  it("deletes with 204 and an empty body, then answers 404 to GET, DELETE and test", async () => {
    const { id } = await api.create(seedBody("table-storage"));
    const deleted = await api.call("DELETE", `/connections/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, "");
    assert.equal((await api.call("GET", `/connections/${id}`)).status, 404);
    assert.equal((await api.call("DELETE", `/connections/${id}`)).status, 404);
    assert.equal((await api.call("GET", `/connections/${id}/test`)).status, 404);
    assert.equal(emulator.store.get(id), undefined);
  });

  it("refuses to delete a connection used by dataflows (FLOW-1418-400), then deletes once released", async () => {
    const { id } = await api.create(seedBody("adls-gen2"));
    emulator.store.markInUse(id);
    const refused = await api.call("DELETE", `/connections/${id}`);
    assert.equal(refused.status, 400);
    assert.equal(flowCode(refused.json), "FLOW-1418-400");
    assert.equal(
      detailedMessage(refused.json),
      `The base connection with the ID ${id} cannot be deleted because the base connection is being used in one or more flows. Please ensure that corresponding flows are deleted before deleting a base connection.`,
    );
    assert.ok(emulator.store.get(id) !== undefined);
    emulator.store.markInUse(id, false);
    assert.equal((await api.call("DELETE", `/connections/${id}`)).status, 204);
  });

  it("reports GET /connections/{id}/test as {result}, switchable per connection", async () => {
    const { id } = await api.create(seedBody("sql-server"));
    assert.deepEqual((await api.call("GET", `/connections/${id}/test`)).json, { result: true });
    emulator.store.setTestResult(id, false);
    assert.deepEqual((await api.call("GET", `/connections/${id}/test`)).json, { result: false });
  });

  it("explores folders for ADLS Gen2 and tables for tabular sources", async () => {
    const adls = await api.create(seedBody("adls-gen2"));
    const sql = await api.create(seedBody("sql-server"));
    const folders = (await api.call("GET", `/connections/${adls.id}/explore?objectType=root`)).json as { type: string }[];
    assert.equal(folders[0]?.type, "folder");
    const tables = (await api.call("GET", `/connections/${sql.id}/explore?objectType=root`)).json as { type: string }[];
    assert.equal(tables[0]?.type, "table");
    assert.equal((await api.call("GET", `/connections/${sql.id}/explore`)).status, 400);
  });
});

describe("emulated GET of a connection with maskSecrets: false", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ maskSecrets: false });
  });
  after(() => emulator.close());

  it("returns secrets in clear", async () => {
    const api = await FlowApi.connect(emulator);
    const body = sqlServerBody("clear");
    const { id } = await api.create(body);
    const params = ((await api.read(id))["auth"] as { params: Record<string, string> }).params;
    assert.equal(params["connectionString"], body.auth.params["connectionString"]);
  });
});

describe("emulated GET /connectionSpecs", () => {
  let emulator: Emulator;
  let api: FlowApi;
  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());

  interface SpecItem {
    id: string;
    name: string;
    providerId: string;
    version: string;
    authSpec: { name: string; spec: { $schema: string; type: string; properties: Record<string, { type: string; format?: string }>; required: string[] } }[];
    attributes: Record<string, unknown>;
  }

  it("lists the five Azure specs with draft-07 auth schemas and password-format secrets", async () => {
    const result = await api.call("GET", "/connectionSpecs");
    assert.equal(result.status, 200);
    const items = (result.json as { items: SpecItem[] }).items;
    assert.deepEqual(items.map((s) => s.id), [
      "a49bcc7d-8038-43af-b1e4-5a7a089a7d79",
      "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
      "b3ba5556-48be-44b7-8b85-ff2b69b46dc4",
      "ecde33f2-c56f-46cc-bdea-ad151c16cd69",
      DATABRICKS,
    ]);
    const summary = Object.fromEntries(
      items.flatMap((s) =>
        s.authSpec.map((a) => [
          `${s.id} ${a.name}`,
          Object.entries(a.spec.properties).map(([name, p]) => `${name}${a.spec.required.includes(name) ? "*" : "?"}${p.format === "password" ? "S" : ""}`),
        ]),
      ),
    );
    assert.deepEqual(summary, {
      [`${SYNAPSE} Connection String Based Authentication`]: ["connectionString*S"],
      [`${SYNAPSE} Service Principal Key Based Authentication`]: ["server*", "database*", "tenant*", "servicePrincipalId*", "servicePrincipalKey*S"],
      "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec Connection String Based Authentication": ["connectionString*S"],
      "b3ba5556-48be-44b7-8b85-ff2b69b46dc4 Basic Authentication for adls-gen2": ["url*", "servicePrincipalId*", "servicePrincipalKey*S", "tenant*"],
      "ecde33f2-c56f-46cc-bdea-ad151c16cd69 Connection String Based Authentication": ["connectionString*S"],
      [`${DATABRICKS} Access Token Authentication`]: ["domain*", "clusterId*", "accessToken*S", "database*", "catalog?"],
    });
    for (const spec of items) {
      assert.equal(spec.version, "1.0");
      assert.equal(typeof spec.name, "string");
      assert.equal(typeof spec.providerId, "string");
      assert.equal(spec.attributes["isSource"], true);
      for (const auth of spec.authSpec) {
        assert.equal(auth.spec.$schema, "http://json-schema.org/draft-07/schema#");
        assert.equal(auth.spec.type, "object");
        for (const property of Object.values(auth.spec.properties)) assert.equal(property.type, "string");
      }
    }
  });

  it("returns one spec as {items: [spec]}, filters by property, and 404s an unknown id", async () => {
    const one = await api.call("GET", `/connectionSpecs/${DATABRICKS}`);
    assert.deepEqual((one.json as { items: SpecItem[] }).items.map((s) => s.id), [DATABRICKS]);
    const filtered = await api.call("GET", '/connectionSpecs?property=name=="adls-gen2"');
    assert.deepEqual((filtered.json as { items: SpecItem[] }).items.map((s) => s.name), ["adls-gen2"]);
    const missing = await api.call("GET", "/connectionSpecs/b3ba5556-48be-44b7-8b85-ff2b69b46dc41");
    assert.equal(missing.status, 404);
    assert.equal(flowCode(missing.json), "FLOW-1101-404");
  });
});

describe("emulator store (test-facing API)", () => {
  let emulator: Emulator;
  let api: FlowApi;
  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());

  it("seeds a hand-made connection in the first client's org and prod, visible through the API", async () => {
    const seeded = emulator.store.seed({
      name: "made in the UI",
      connectionSpecId: SYNAPSE,
      specName: "Connection String Based Authentication",
      params: { connectionString: "Server=tcp:x.database.windows.net,1433;Password=p;" },
    });
    assert.equal(seeded.orgId, emulator.client.orgId);
    assert.equal(seeded.sandboxName, "prod");
    assert.equal(seeded.createdClient, "exc_app");
    const item = await api.read(seeded.id);
    assert.equal(item["name"], "made in the UI");
    assert.equal(item["etag"], seeded.etag);
  });

  it("modifies out of band with a new etag and updatedAt", async () => {
    const { id, etag } = await api.create(sqlServerBody("before"));
    const modified = emulator.store.modify(id, { name: "after", description: "changed" });
    assert.notEqual(modified.etag, etag);
    assert.match(modified.etag, ETAG_SHAPE);
    const item = await api.read(id);
    assert.equal(item["name"], "after");
    assert.equal(item["description"], "changed");
    assert.equal(item["etag"], modified.etag);
    assert.ok((item["updatedAt"] as number) >= (item["createdAt"] as number));
  });

  it("returns copies, lists by partition, removes and clears", async () => {
    const { id } = await api.create(sqlServerBody("copy"));
    const copy = emulator.store.get(id);
    assert.ok(copy !== undefined);
    copy.name = "mutated";
    assert.equal(emulator.store.get(id)?.name, "copy");
    emulator.store.seed({ name: "dev one", connectionSpecId: SYNAPSE, specName: "x", params: {}, sandboxName: "dev" });
    assert.deepEqual(emulator.store.list({ sandboxName: "dev" }).map((c) => c.name), ["dev one"]);
    assert.equal(emulator.store.remove(id), true);
    assert.equal(emulator.store.remove(id), false);
    emulator.store.clear();
    assert.deepEqual(emulator.store.list(), []);
    assert.throws(() => emulator.store.markInUse(id), /No connection/);
  });
});

import assert from "node:assert/strict";
import { FlowServiceClient, InUseError, StaleEtagError } from "../../provider/flow-service";
import { sharedAgent } from "../../provider/flow-service/http";
import type { Emulator } from "../../emulator";
import {
  ADLS_SPEC_ID,
  FAST_RETRY,
  SQL_SERVER_SPEC_ID,
  collect,
  flowRequests,
  flowServiceError,
  settingsFor,
  sqlServerConnection,
  sharedEmulatorAndClient,
  startWithClient,
} from "./harness";

describe("flow-service client operations against the emulator", () => {
  const suite = sharedEmulatorAndClient();

  it("creates a connection with POST /connections and reads it back with GET", async () => {
    const created = await suite.client.createConnection(sqlServerConnection("Sales DB"));

    assert.equal(created.recovered, false);
    const stored = suite.emulator.store.get(created.id);
    assert.equal(stored?.etag, created.etag);
    assert.match(created.etag, /^".+"$/, "the etag keeps its double quotes");

    const read = await suite.client.getConnection(created.id);
    assert.ok(read);
    assert.equal(read.id, created.id);
    assert.equal(read.name, "Sales DB");
    assert.equal(read.description, "Sales DB (test)");
    assert.deepEqual(read.connectionSpec, { id: SQL_SERVER_SPEC_ID, version: "1.0" });
    assert.equal(read.auth?.specName, "Connection String Based Authentication");
    assert.equal(read.etag, created.etag);
    assert.equal(read.createdClient, suite.emulator.client.clientId);
    assert.equal(read.sandboxName, "prod");
    assert.equal(typeof read.createdAt, "number");
  });

  it("sends the AEP headers on every call, Content-Type on writes, and never x-sandbox-id", async () => {
    const { id } = await suite.client.createConnection(sqlServerConnection("Headers"));
    await suite.client.getConnection(id);

    const [post, get] = flowRequests(suite.emulator);
    assert.ok(post && get);
    for (const request of [post, get]) {
      assert.match(request.headers["authorization"] ?? "", /^Bearer \S+$/);
      assert.equal(request.headers["x-api-key"], suite.emulator.client.clientId);
      assert.equal(request.headers["x-gw-ims-org-id"], suite.emulator.client.orgId);
      assert.equal(request.headers["x-sandbox-name"], "prod");
      assert.equal(request.headers["accept"], "application/json");
      assert.equal(request.headers["x-sandbox-id"], undefined);
    }
    assert.equal(post.path, "/data/foundation/flowservice/connections");
    assert.equal(post.headers["content-type"], "application/json");
    assert.deepEqual(post.body, sqlServerConnection("Headers"));
  });

  it("returns undefined for an unknown id, but throws when the sandbox itself does not exist", async () => {
    assert.equal(await suite.client.getConnection("00000000-0000-0000-0000-000000000000"), undefined);

    const strict = await startWithClient({ sandboxes: ["prod"] });
    try {
      const error = await flowServiceError(strict.client.getConnection("any-id", { sandboxName: "nope" }));
      assert.equal(error.status, 404);
      assert.equal(error.adobeCode, "2101");
    } finally {
      await strict.close();
    }
  });

  it("uses the sandbox of each call for x-sandbox-name and keeps sandboxes apart", async () => {
    const inDev = await suite.client.createConnection(sqlServerConnection("Dev only"), { sandboxName: "dev" });

    assert.equal(suite.emulator.store.get(inDev.id)?.sandboxName, "dev");
    assert.equal(await suite.client.getConnection(inDev.id), undefined, "not visible in the default sandbox (prod)");
    assert.equal((await suite.client.getConnection(inDev.id, { sandboxName: "dev" }))?.id, inDev.id);
    assert.deepEqual(
      flowRequests(suite.emulator).map((r) => r.headers["x-sandbox-name"]),
      ["dev", "prod", "dev"],
    );
    assert.ok(flowRequests(suite.emulator).every((r) => !("x-sandbox-id" in r.headers)));
  });

  it("updates with a JSON Patch array and If-Match carrying the etag verbatim, quotes included", async () => {
    const created = await suite.client.createConnection(sqlServerConnection("Before"));
    const updated = await suite.client.updateConnection(created.id, created.etag, [
      { op: "replace", path: "/name", value: "After" },
      { op: "add", path: "/description", value: "patched" },
    ]);

    assert.equal(updated.id, created.id);
    assert.notEqual(updated.etag, created.etag);
    assert.equal(suite.emulator.store.get(created.id)?.name, "After");
    const patch = flowRequests(suite.emulator, "PATCH")[0];
    assert.equal(patch?.headers["if-match"], created.etag);
    assert.ok(patch?.headers["if-match"]?.startsWith('"') && patch.headers["if-match"].endsWith('"'));
    assert.equal(patch?.headers["content-type"], "application/json");
    assert.deepEqual(patch?.body, [
      { op: "replace", path: "/name", value: "After" },
      { op: "add", path: "/description", value: "patched" },
    ]);
  });

  it("surfaces a stale etag as a 412 FlowServiceError with the FLOW code", async () => {
    const created = await suite.client.createConnection(sqlServerConnection("Contended"));
    suite.emulator.store.modify(created.id, { description: "someone else won" });

    const error = await flowServiceError(
      suite.client.updateConnection(created.id, created.etag, [{ op: "replace", path: "/name", value: "Mine" }]),
    );
    assert.equal(error.status, 412);
    assert.ok(StaleEtagError.isInstance(error), "a stale etag is a StaleEtagError");
    assert.equal(error.code, "AEP_ERR_STALE_ETAG");
    assert.equal(error.adobeCode, "1404");
    assert.equal(error.method, "PATCH");
    assert.equal(error.path, `/connections/${created.id}`);
    assert.match(error.message, new RegExp(`^PATCH /connections/${created.id} failed: 412 Precondition Failed \\[FLOW-1404\\] .+ \\(request id [^)]+\\)$`));
    assert.equal(flowRequests(suite.emulator, "PATCH").length, 1, "a 412 is not retried");
  });

  it("deletes: 'deleted' first, 'not-found' afterwards, and a typed error while the connection is in use", async () => {
    const created = await suite.client.createConnection(sqlServerConnection("Short lived"));
    assert.equal(await suite.client.deleteConnection(created.id), "deleted");
    assert.equal(suite.emulator.store.get(created.id), undefined);
    assert.equal(await suite.client.deleteConnection(created.id), "not-found");

    const busy = await suite.client.createConnection(sqlServerConnection("Busy"));
    suite.emulator.store.markInUse(busy.id);
    const error = await flowServiceError(suite.client.deleteConnection(busy.id));
    assert.equal(error.status, 400);
    assert.ok(InUseError.isInstance(error), "a connection used by dataflows is an InUseError");
    assert.equal(error.code, "AEP_ERR_IN_USE");
    assert.equal(error.adobeCode, "1418");
  });

  it("reports GET /connections/{id}/test results", async () => {
    const created = await suite.client.createConnection(sqlServerConnection("Testable"));
    assert.equal(await suite.client.testConnection(created.id), true);
    suite.emulator.store.setTestResult(created.id, false);
    assert.equal(await suite.client.testConnection(created.id), false);
    assert.equal(flowRequests(suite.emulator, "GET").at(-1)?.route, `/connections/${created.id}/test`);
  });

  it("reads a connection spec with its auth specs, and undefined for an unknown spec", async () => {
    const spec = await suite.client.getConnectionSpec(ADLS_SPEC_ID);
    assert.equal(spec?.id, ADLS_SPEC_ID);
    assert.deepEqual(spec?.authSpec?.map((auth) => auth.name), ["Basic Authentication for adls-gen2"]);
    assert.equal(await suite.client.getConnectionSpec("b3ba5556-48be-44b7-8b85-ff2b69b46dc41"), undefined);
  });

  it("lists across several pages, with one property parameter per filter", async () => {
    for (let i = 0; i < 7; i += 1) {
      suite.emulator.store.seed({
        name: `sql-${i}`,
        connectionSpecId: SQL_SERVER_SPEC_ID,
        specName: "Connection String Based Authentication",
        params: { connectionString: "Data Source=a;Initial Catalog=b;Integrated Security=False;User ID=c;Password=d;" },
      });
    }
    suite.emulator.store.seed({
      name: "adls",
      connectionSpecId: ADLS_SPEC_ID,
      specName: "Basic Authentication for adls-gen2",
      params: { url: "https://a.dfs.core.windows.net", servicePrincipalId: "p", servicePrincipalKey: "k", tenant: "t" },
    });

    const all = await collect(suite.client.listConnections({ property: `connectionSpec.id==${SQL_SERVER_SPEC_ID}`, limit: 2, orderby: "name" }));
    assert.deepEqual(all.map((c) => c.name), ["sql-0", "sql-1", "sql-2", "sql-3", "sql-4", "sql-5", "sql-6"]);
    const pages = flowRequests(suite.emulator, "GET", "/connections");
    assert.equal(pages.length, 4);
    assert.equal(pages[0]?.query["continuationToken"], undefined);
    assert.ok(pages.slice(1).every((page) => (page.query["continuationToken"]?.[0] ?? "") !== ""));

    suite.emulator.clearRequests();
    const filtered = await collect(
      suite.client.listConnections({ property: ["name==sql-3", `connectionSpec.id==${SQL_SERVER_SPEC_ID}`], limit: 1 }),
    );
    assert.deepEqual(filtered.map((c) => c.name), ["sql-3"]);
    assert.deepEqual(flowRequests(suite.emulator, "GET", "/connections")[0]?.query["property"], [
      "name==sql-3",
      `connectionSpec.id==${SQL_SERVER_SPEC_ID}`,
    ]);
  });

  it("shares one keep-alive Agent between clients: a second client opens no new TCP connection", async () => {
    const fresh = await startWithClient();
    try {
      assert.equal(sharedAgent(), sharedAgent(), "the shared Agent is created once");
      for (let i = 0; i < 3; i += 1) await fresh.client.getConnection(`warm-up-${i}`);
      const warm = fresh.emulator.stats().tcpConnections;
      assert.ok(warm >= 1 && warm <= 2, `keep-alive: ${warm} connections for 4 requests`);

      const second = new FlowServiceClient(settingsFor(fresh.emulator), { retry: FAST_RETRY });
      for (let i = 0; i < 10; i += 1) await second.getConnection(`id-${i}`);

      assert.equal(fresh.emulator.stats().tcpConnections, warm);
      assert.equal(fresh.emulator.stats().requests, 14, "one token request, shared by both clients, and 13 GETs");
    } finally {
      await fresh.close();
    }
  });
});

import { strict as assert } from "node:assert";
import { Agent } from "undici";
import { seedBody } from "../fixtures/seed-requests";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AEP_SCOPE, BASE_PATH, FlowApi, flowCode, http, requestToken, sqlServerBody } from "./support";

describe("emulator fault injection", () => {
  let emulator: Emulator;
  let api: FlowApi;

  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());
  afterEach(() => {
    emulator.clearFaults();
    emulator.setLatency(0);
    emulator.store.clear();
  });

  const names = (): string[] => emulator.store.list().map((c) => c.name);

  describe("status", () => {
    it("answers 429 with Retry-After and the gateway's body, without applying the request", async () => {
      emulator.inject({ kind: "status", status: 429, retryAfter: "3", route: "/connections", method: "POST" });
      const result = await api.call("POST", "/connections", { body: sqlServerBody("throttled") });
      assert.equal(result.status, 429);
      assert.equal(result.headers["retry-after"], "3");
      assert.deepEqual(result.json, { error_code: "429050", message: "Too many requests" });
      assert.deepEqual(names(), []);
      assert.equal((await api.call("POST", "/connections", { body: sqlServerBody("next") })).status, 201, "applies once by default");
    });

    it("renders 5xx as FLOW envelopes and accepts a custom JSON or text body", async () => {
      emulator.inject({ kind: "status", status: 503 });
      emulator.inject({ kind: "status", status: 500, body: { custom: true } });
      emulator.inject({ kind: "status", status: 502, body: "<html>bad gateway</html>" });
      const unavailable = await api.call("GET", "/connections");
      assert.equal(unavailable.status, 503);
      assert.equal(flowCode(unavailable.json), "FLOW-1103-503");
      assert.equal((unavailable.json as { report: { "request-id": string } }).report["request-id"], unavailable.headers["x-request-id"]);
      assert.deepEqual((await api.call("GET", "/connections")).json, { custom: true });
      assert.equal((await api.call("GET", "/connections")).text, "<html>bad gateway</html>");
    });

    it("honours times, skip, method and RegExp routes", async () => {
      const { id } = await api.create(sqlServerBody("target"));
      emulator.inject({ kind: "status", status: 500, method: "get", route: /^\/connections\/[^/]+$/, times: 2, skip: 1 });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await api.call("GET", `/connections/${id}`)).status);
      assert.deepEqual(statuses, [200, 500, 500, 200]);
      assert.equal((await api.call("GET", "/connections")).status, 200, "other routes unaffected");
    });

    it("answers IMS routes in the OAuth dialect", async () => {
      emulator.inject({ kind: "status", status: 500, route: "/ims/token/v3" });
      const result = await requestToken(emulator, { grant_type: "client_credentials", client_id: emulator.client.clientId, client_secret: emulator.client.clientSecret, scope: AEP_SCOPE });
      assert.equal(result.status, 500);
      assert.deepEqual(result.json, { error: "internal_error", error_description: "Please try again later" });
    });

    it("clearFaults() drops queued faults", async () => {
      emulator.inject({ kind: "status", status: 500, times: 10 });
      emulator.clearFaults();
      assert.equal((await api.call("GET", "/connections")).status, 200);
    });

    it("validates fault specs", () => {
      assert.throws(() => emulator.inject({ kind: "status", status: 42 }), RangeError);
      assert.throws(() => emulator.inject({ kind: "hang", times: 0 }), RangeError);
      assert.throws(() => emulator.inject({ kind: "commit-then-fail", status: 404 }), RangeError);
    });
  });

  describe("reset", () => {
    it("destroys the socket without applying the request", async () => {
      emulator.inject({ kind: "reset", method: "POST" });
      await assert.rejects(api.call("POST", "/connections", { body: sqlServerBody("lost") }));
      assert.deepEqual(names(), []);
      const logged = emulator.requests.at(-1);
      assert.equal(logged?.status, 0);
      assert.equal(logged?.fault, "reset");
    });
  });

  describe("commit-then-fail", () => {
    it("creates the connection, then answers 502", async () => {
      emulator.inject({ kind: "commit-then-fail", route: "/connections" });
      assert.equal((await api.call("GET", "/connections")).status, 200, "a read does not use up a write fault");
      const result = await api.call("POST", "/connections", { body: sqlServerBody("committed") });
      assert.equal(result.status, 502);
      assert.deepEqual(names(), ["committed"]);
      const listed = await api.call("GET", "/connections?property=name==committed");
      assert.equal((listed.json as { items: unknown[] }).items.length, 1);
    });

    it("applies a PATCH and a DELETE before answering the chosen 5xx", async () => {
      const { id, etag } = await api.create(seedBody("table-storage"));
      emulator.inject({ kind: "commit-then-fail", status: 503, method: "PATCH" });
      const patched = await api.call("PATCH", `/connections/${id}`, { body: [{ op: "replace", path: "/name", value: "patched" }], headers: { "if-match": etag } });
      assert.equal(patched.status, 503);
      assert.equal(emulator.store.get(id)?.name, "patched");
      emulator.inject({ kind: "commit-then-fail", method: "DELETE" });
      assert.equal((await api.call("DELETE", `/connections/${id}`)).status, 502);
      assert.equal(emulator.store.get(id), undefined);
    });
  });

  describe("commit-then-reset", () => {
    it("creates the connection, then destroys the socket", async () => {
      emulator.inject({ kind: "commit-then-reset" });
      await assert.rejects(api.call("POST", "/connections", { body: sqlServerBody("half-done") }));
      assert.deepEqual(names(), ["half-done"]);
      assert.equal(emulator.requests.at(-1)?.fault, "commit-then-reset");
      assert.equal(emulator.requests.at(-1)?.status, 0);
    });
  });

  describe("stale-etag", () => {
    it("changes the etag before a PATCH, which then gets a real 412", async () => {
      const { id, etag } = await api.create(seedBody("sql-server"));
      emulator.inject({ kind: "stale-etag" });
      assert.equal((await api.call("GET", `/connections/${id}`)).status, 200, "a GET does not use it up");
      const result = await api.call("PATCH", `/connections/${id}`, { body: [{ op: "replace", path: "/name", value: "mine" }], headers: { "if-match": etag } });
      assert.equal(result.status, 412);
      assert.equal(flowCode(result.json), "FLOW-1404-412");
      const current = emulator.store.get(id);
      assert.notEqual(current?.etag, etag);
      assert.equal(current?.name, "Base connection for sql-server");
      const retried = await api.call("PATCH", `/connections/${id}`, { body: [{ op: "replace", path: "/name", value: "mine" }], headers: { "if-match": current?.etag ?? "" } });
      assert.equal(retried.status, 200);
    });
  });

  describe("expired-token", () => {
    it("answers 401 401013 once without invalidating the token", async () => {
      emulator.inject({ kind: "expired-token" });
      const result = await api.call("GET", "/connections");
      assert.equal(result.status, 401);
      assert.deepEqual(result.json, { error_code: "401013", message: "Oauth token is not valid" });
      assert.equal((await api.call("GET", "/connections")).status, 200);
    });
  });

  describe("latency", () => {
    it("delays one request without blocking others (a later request overtakes it)", async () => {
      emulator.inject({ kind: "latency", ms: 400, route: "/connections", method: "POST" });
      const finished: string[] = [];
      const slow = api.call("POST", "/connections", { body: sqlServerBody("slow") }).then((r) => finished.push(`slow ${r.status}`));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const fast = api.call("GET", "/connections/").then((r) => finished.push(`fast ${r.status}`));
      await Promise.all([slow, fast]);
      assert.deepEqual(finished, ["fast 200", "slow 201"]);
      assert.equal(emulator.requests.filter((r) => r.method === "POST").at(-1)?.fault, "latency");
    });

    it("setLatency() delays Flow Service responses but not IMS ones", async () => {
      emulator.setLatency(400);
      const finished: string[] = [];
      const flow = api.call("GET", "/connections").then(() => finished.push("flow"));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const ims = requestToken(emulator, { grant_type: "client_credentials", client_id: emulator.client.clientId, client_secret: emulator.client.clientSecret, scope: AEP_SCOPE }).then(() => finished.push("ims"));
      await Promise.all([flow, ims]);
      assert.deepEqual(finished, ["ims", "flow"]);
    });

    it("refuses a negative latency", () => {
      assert.throws(() => emulator.setLatency(-1), RangeError);
    });
  });

  describe("hang", () => {
    it("never answers; the client's own timeout fires and the log shows status 0", async () => {
      emulator.inject({ kind: "hang", route: "/connections", method: "GET" });
      await assert.rejects(
        http(`${emulator.platformUrl}${BASE_PATH}/connections`, { headers: api.defaultHeaders(), dispatcher: new Agent({ headersTimeout: 300 }) }),
      );
      const logged = emulator.requests.at(-1);
      assert.equal(logged?.fault, "hang");
      assert.equal(logged?.status, 0);
      assert.equal((await api.call("GET", "/connections")).status, 200);
    });
  });
});

describe("emulator request log and stats", () => {
  let emulator: Emulator;
  let api: FlowApi;
  before(async () => {
    emulator = await startEmulator();
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());

  it("records every request in arrival order with route, query, lower-cased headers, body and status", async () => {
    emulator.clearRequests();
    const body = sqlServerBody("logged");
    await api.call("POST", "/connections", { body, headers: { "X-Custom-Header": "Value" } });
    await api.call("GET", "/connections?limit=5&property=name==a&property=state==enabled");
    await api.call("POST", "/connections", { rawBody: "{oops", headers: { "content-type": "application/json" } });
    const [create, list, broken] = emulator.requests;
    assert.equal(emulator.requests.length, 3);
    assert.ok(create !== undefined && list !== undefined && broken !== undefined);
    assert.ok(create.seq < list.seq && list.seq < broken.seq);
    assert.equal(create.kind, "flow");
    assert.equal(create.method, "POST");
    assert.equal(create.path, `${BASE_PATH}/connections`);
    assert.equal(create.route, "/connections");
    assert.deepEqual(create.body, body);
    assert.equal(create.status, 201);
    assert.equal(create.headers["x-custom-header"], "Value");
    assert.equal(create.headers["x-api-key"], emulator.client.clientId);
    assert.equal(create.fault, undefined);
    assert.deepEqual(list.query, { limit: ["5"], property: ["name==a", "state==enabled"] });
    assert.equal(list.body, undefined);
    assert.equal(broken.body, "{oops");
    assert.equal(broken.status, 400);
    emulator.clearRequests();
    assert.equal(emulator.requests.length, 0);
  });

  it("counts HTTP requests and token requests", async () => {
    const before = emulator.stats();
    await api.call("GET", "/connections");
    await FlowApi.connect(emulator);
    const after = emulator.stats();
    assert.equal(after.requests - before.requests, 2);
    assert.equal(after.tokenRequests - before.tokenRequests, 1);
  });

  it("counts TCP connections, so keep-alive reuse is visible", async () => {
    const agent = new Agent({ connections: 1 });
    try {
      const before = emulator.stats().tcpConnections;
      for (let i = 0; i < 5; i += 1) assert.equal((await api.call("GET", "/connections", { dispatcher: agent })).status, 200);
      assert.equal(emulator.stats().tcpConnections - before, 1);
    } finally {
      await agent.close();
    }
  });
});

describe("emulator close()", () => {
  it("closes idle keep-alive sockets and hung requests, and is idempotent", async () => {
    const emulator = await startEmulator();
    const api = await FlowApi.connect(emulator);
    const agent = new Agent();
    try {
      assert.equal((await api.call("GET", "/connections", { dispatcher: agent })).status, 200); // leaves an idle socket
      emulator.inject({ kind: "hang" });
      emulator.setLatency(60_000);
      const settle = (p: Promise<unknown>): Promise<string> => p.then(() => "answered", () => "failed");
      const hung = settle(api.call("GET", "/connections", { dispatcher: agent }));
      const delayed = settle(api.call("GET", "/connections/x", { dispatcher: agent }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await emulator.close();
      await emulator.close();
      assert.equal(await hung, "failed");
      assert.equal(await delayed, "failed");
      await assert.rejects(http(`${emulator.url}/ims/token/v3`, { method: "POST" }), "no longer listening");
    } finally {
      await agent.close();
    }
  });
});

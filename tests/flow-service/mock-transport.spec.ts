/**
 * Transport situations the emulator cannot produce (a refused connection followed by success, a 201 with an
 * unreadable body), driven through the client's `dispatcher` option with undici's MockAgent.
 */
import assert from "node:assert/strict";
import { MockAgent } from "undici";
import { FlowServiceClient, FlowServiceError, clearTokenCache, type NewConnection } from "../../provider/flow-service";
import { withMarker } from "../../provider/flow-service/identity";
import { OUR_KEY } from "./harness";

const ORIGIN = "http://127.0.0.1:9";
const BASE = "/data/foundation/flowservice";
const settings = {
  clientId: "mock-client",
  clientSecret: "mock-secret-value",
  orgId: "MOCK@AdobeOrg",
  sandboxName: "prod",
  scopes: "openid,AdobeID",
  platformUrl: ORIGIN,
  imsUrl: ORIGIN,
};
const body: NewConnection = {
  name: "Mocked SQL Server",
  auth: { specName: "Connection String Based Authentication", params: { connectionString: "Password=Pa55w0rd-mock;" } },
  connectionSpec: { id: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec", version: "1.0" },
};

function refused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
}

describe("flow-service client over a mocked transport", () => {
  let agent: MockAgent;
  let log: string[];

  beforeEach(() => {
    clearTokenCache();
    agent = new MockAgent({ enableCallHistory: true });
    agent.disableNetConnect();
    log = [];
    agent
      .get(ORIGIN)
      .intercept({ path: "/ims/token/v3", method: "POST" })
      .reply(() => {
        log.push("POST /ims/token/v3");
        return { statusCode: 200, data: { access_token: "mock-token", token_type: "bearer", expires_in: 86399 } };
      })
      .persist();
  });

  afterEach(async () => {
    await agent.close();
  });

  function client(): FlowServiceClient {
    return new FlowServiceClient(settings, { dispatcher: agent, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  }

  it("re-sends a POST that never reached the server, without looking anything up", async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: `${BASE}/connections`, method: "POST" }).replyWithError(refused());
    pool.intercept({ path: `${BASE}/connections`, method: "POST" }).reply(() => {
      log.push("POST /connections");
      return { statusCode: 201, data: { id: "new-id", etag: '"e-1"' } };
    });

    const created = await client().createConnection(body);

    assert.deepEqual(created, { id: "new-id", etag: '"e-1"', recovered: false, strays: [] });
    const calls = agent.getCallHistory()?.calls().map((call) => `${call.method} ${call.path}`) ?? [];
    assert.deepEqual(
      calls.filter((call) => call.includes("/flowservice/")),
      [`POST ${BASE}/connections`, `POST ${BASE}/connections`],
    );
  });

  it("finds the connection instead of creating it again when a 201 body is unreadable", async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: (path) => path.startsWith(`${BASE}/connections?`), method: "GET" }).reply(200, { items: [] });
    pool.intercept({ path: `${BASE}/connections`, method: "POST" }).reply(201, "{ not json");
    pool
      .intercept({ path: (path) => path.startsWith(`${BASE}/connections?`), method: "GET" })
      .reply(200, {
        items: [{ id: "found-id", name: body.name, description: withMarker(undefined, OUR_KEY), connectionSpec: body.connectionSpec, etag: '"e-2"' }],
      });

    const created = await client().createConnection({ ...body, description: withMarker(undefined, OUR_KEY) }, { identity: { key: OUR_KEY } });

    assert.deepEqual(created, { id: "found-id", etag: '"e-2"', recovered: "this-call", strays: [] });
    const posts = agent.getCallHistory()?.calls().filter((call) => call.method === "POST" && call.path.endsWith("/connections"));
    assert.equal(posts?.length, 1);
  });

  it("does not re-send a POST answered 500 when no connection was created, and names the failure", async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: `${BASE}/connections`, method: "POST" })
      .reply(500, {
        type: "https://ns.adobe.com/aep/errors/FLOW-1102-500",
        title: "Internal Error",
        status: 500,
        report: { "detailed-message": "Failed for Password=Pa55w0rd-mock; please retry", "request-id": "rid-500" },
      });
    pool.intercept({ path: (path) => path.startsWith(`${BASE}/connections?`), method: "GET" }).reply(200, { items: [] });

    const error = await client().createConnection(body).then(
      () => assert.fail("expected a failure"),
      (caught: unknown) => caught,
    );

    assert.ok(FlowServiceError.isInstance(error));
    assert.equal(error.status, 500);
    assert.equal(error.adobeCode, "1102");
    assert.equal(error.requestId, "rid-500");
    assert.ok(!error.message.includes("Pa55w0rd-mock"), error.message);
    const posts = agent.getCallHistory()?.calls().filter((call) => call.method === "POST" && call.path.endsWith("/connections"));
    assert.equal(posts?.length, 1);
  });

  it("uses the given dispatcher for IMS too, and gives up after the attempt bound when nothing answers", async () => {
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: `${BASE}/connections/abc`, method: "GET" }).replyWithError(refused()).times(3);

    const limited = new FlowServiceClient(settings, { dispatcher: agent, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    await assert.rejects(limited.getConnection("abc"), (error: unknown) => {
      assert.ok(FlowServiceError.isInstance(error));
      assert.equal(error.status, 0);
      assert.equal(error.message, "GET /connections/abc failed: no response (connection refused)");
      return true;
    });
    assert.deepEqual(log, ["POST /ims/token/v3"]);
  });
});

import { strict as assert } from "node:assert";
import { startEmulator, type Emulator } from "../../emulator/index";
import { BASE_PATH, FlowApi, flowCode, http, sqlServerBody } from "./support";

describe("emulated gateway and Flow Service request checks", () => {
  let emulator: Emulator;
  let api: FlowApi;

  before(async () => {
    emulator = await startEmulator({ sandboxes: ["prod", "dev"] });
    api = await FlowApi.connect(emulator);
  });
  after(() => emulator.close());

  const gatewayCases: [string, Parameters<FlowApi["call"]>[2], number, string, string][] = [
    ["a missing Authorization", { omit: ["authorization"] }, 403, "403010", "Oauth token is missing."],
    ["an unknown token", { headers: { authorization: "Bearer not-a-token" } }, 401, "401013", "Oauth token is not valid"],
    ["a non-bearer Authorization", { headers: { authorization: "Basic dXNlcjpwYXNz" } }, 401, "401013", "Oauth token is not valid"],
    ["a missing x-api-key", { omit: ["x-api-key"] }, 403, "403000", "Api Key is required"],
    ["an x-api-key of another client", { headers: { "x-api-key": "someone-else" } }, 403, "403003", "Api Key is invalid"],
    ["a missing x-gw-ims-org-id", { omit: ["x-gw-ims-org-id"] }, 400, "400003", "Missing header"],
    ["an org the client does not belong to", { headers: { "x-gw-ims-org-id": "FFFFFFFFFFFFFFFFFFFFFFFF@AdobeOrg" } }, 403, "403025", "Profile is not valid"],
  ];
  for (const [what, options, status, code, message] of gatewayCases) {
    it(`answers ${what} with ${status} {error_code: "${code}"}`, async () => {
      const result = await api.call("GET", "/connections", options);
      assert.equal(result.status, status);
      assert.deepEqual(result.json, { error_code: code, message });
    });
  }

  it("checks in gateway order: the token before the API key before the org", async () => {
    const noTokenNoKey = await api.call("GET", "/connections", { omit: ["authorization", "x-api-key", "x-gw-ims-org-id"] });
    assert.equal((noTokenNoKey.json as { error_code: string }).error_code, "403010");
    const noKeyNoOrg = await api.call("GET", "/connections", { omit: ["x-api-key", "x-gw-ims-org-id"] });
    assert.equal((noKeyNoOrg.json as { error_code: string }).error_code, "403000");
  });

  it("refuses a write without a JSON Content-Type with the gateway's BadRequestError body", async () => {
    const result = await api.call("POST", "/connections", { rawBody: JSON.stringify(sqlServerBody("x")), headers: { "content-type": "text/plain" } });
    assert.equal(result.status, 400);
    assert.deepEqual(result.json, {
      type: "/placeholder/type/uri",
      status: 400,
      title: "BadRequestError",
      detail: "A valid content-type must be specified",
    });
    const missing = await api.call("POST", "/connections", { rawBody: "{}", omit: ["content-type"] });
    assert.equal(missing.status, 400);
    assert.equal(emulator.store.list().length, 0);
  });

  it("accepts application/json with parameters and JSON-Patch media types", async () => {
    const result = await api.call("POST", "/connections", {
      rawBody: JSON.stringify(sqlServerBody("charset")),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    assert.equal(result.status, 201);
    const { id, etag } = result.json as { id: string; etag: string };
    const patched = await api.call("PATCH", `/connections/${id}`, {
      rawBody: JSON.stringify([{ op: "replace", path: "/name", value: "patched" }]),
      headers: { "content-type": "application/json-patch+json", "if-match": etag },
    });
    assert.equal(patched.status, 200, patched.text);
  });

  it("requires x-sandbox-name (FLOW-2105-400)", async () => {
    const result = await api.call("GET", "/connections", { omit: ["x-sandbox-name"] });
    assert.equal(result.status, 400);
    assert.equal(flowCode(result.json), "FLOW-2105-400");
  });

  it("refuses x-sandbox-id (FLOW-2110-400)", async () => {
    const result = await api.call("GET", "/connections", { headers: { "x-sandbox-id": "1bd86660-c5da-11e9-93d4-6d5fc3a66a8e" } });
    assert.equal(result.status, 400);
    assert.equal(flowCode(result.json), "FLOW-2110-400");
  });

  it("answers a sandbox outside the configured ones with FLOW-2101-404", async () => {
    const result = await api.inSandbox("staging").call("GET", "/connections");
    assert.equal(result.status, 404);
    assert.equal(flowCode(result.json), "FLOW-2101-404");
    assert.equal((await api.inSandbox("dev").call("GET", "/connections")).status, 200);
  });

  it("renders FLOW errors in Adobe's envelope with the response's x-request-id", async () => {
    const result = await api.call("GET", "/connections/7f3e2b1a-0000-4000-8000-000000000000");
    assert.equal(result.status, 404);
    const body = result.json as Record<string, unknown> & { report: Record<string, unknown> };
    assert.deepEqual(Object.keys(body), ["type", "title", "status", "report", "errorMessage", "errorDetails"]);
    assert.equal(body["type"], "https://ns.adobe.com/aep/errors/FLOW-1101-404");
    assert.equal(body["title"], "Resource not found");
    assert.equal(body["status"], 404);
    assert.equal(body.report["detailed-message"], body["errorMessage"]);
    assert.equal(body["errorDetails"], body["errorMessage"]);
    const requestId = result.headers["x-request-id"];
    assert.equal(typeof requestId, "string");
    assert.equal(body.report["request-id"], requestId);
  });

  it("puts x-request-id on every response and echoes a caller's own", async () => {
    const mine = await api.call("GET", "/connections", { headers: { "x-request-id": "trace-123" } });
    assert.equal(mine.headers["x-request-id"], "trace-123");
    const gatewayError = await api.call("GET", "/connections", { omit: ["authorization"] });
    assert.equal(typeof gatewayError.headers["x-request-id"], "string");
    const first = await api.call("GET", "/connections");
    const second = await api.call("GET", "/connections");
    assert.notEqual(first.headers["x-request-id"], second.headers["x-request-id"]);
  });

  it("accepts any header-name case and trailing slashes", async () => {
    const headers = {
      AUTHORIZATION: `Bearer ${api.token}`,
      "X-Api-Key": emulator.client.clientId,
      "X-GW-IMS-ORG-ID": emulator.client.orgId,
      "X-Sandbox-Name": "prod",
    };
    const result = await http(`${emulator.platformUrl}${BASE_PATH}/connections/`, { headers });
    assert.equal(result.status, 200);
    assert.ok(Array.isArray((result.json as { items: unknown }).items));
    const created = await api.create(sqlServerBody("slash"));
    assert.equal((await api.call("GET", `/connections/${created.id}/`)).status, 200);
    const logged = emulator.requests.at(-1);
    assert.equal(logged?.route, `/connections/${created.id}`);
    assert.equal(logged?.path, `${BASE_PATH}/connections/${created.id}/`);
  });

  it("answers unknown routes with 404 and unsupported methods with 405", async () => {
    assert.equal((await api.call("GET", "/flows-of-nowhere")).status, 404);
    const put = await api.call("PUT", "/connections", { body: {} });
    assert.equal(put.status, 405);
    assert.equal(put.headers["allow"], "GET, POST");
  });
});

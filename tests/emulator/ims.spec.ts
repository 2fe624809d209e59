import { strict as assert } from "node:assert";
import { startEmulator, type Emulator, type EmulatorClientCredentials } from "../../emulator/index";
import { AEP_SCOPE, FlowApi, fetchToken, http, requestToken } from "./support";

describe("emulated IMS token endpoint", () => {
  const other: EmulatorClientCredentials = { clientId: "0123456789abcdef0123456789abcdef", clientSecret: "p8e-other", orgId: "0000000000000000000000AB@AdobeOrg" };
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ clients: [{ clientId: "c1", clientSecret: "p8e-one", orgId: "11111111111111111111AAAA@AdobeOrg" }, other] });
  });
  after(() => emulator.close());

  function fields(overrides: Record<string, string | undefined> = {}): Record<string, string> {
    const all: Record<string, string | undefined> = {
      grant_type: "client_credentials",
      client_id: emulator.client.clientId,
      client_secret: emulator.client.clientSecret,
      scope: AEP_SCOPE,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
  }

  it("issues a bearer token with expires_in in seconds (default 86399)", async () => {
    const result = await requestToken(emulator, fields());
    assert.equal(result.status, 200);
    const body = result.json as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ["access_token", "expires_in", "token_type"]);
    assert.equal(body["token_type"], "bearer");
    assert.equal(body["expires_in"], 86399);
    assert.match(String(body["access_token"]), /^[\w-]+\.[\w-]+\.[\w-]+$/, "JWT-shaped");
    assert.equal(typeof result.headers["x-request-id"], "string");
  });

  it("accepts every configured client, and its token works for its own org only", async () => {
    const token = await fetchToken(emulator, other);
    const api = new FlowApi(emulator, token, "prod", other);
    assert.equal((await api.call("GET", "/connections")).status, 200);
    const wrongOrg = await api.call("GET", "/connections", { headers: { "x-gw-ims-org-id": emulator.client.orgId } });
    assert.equal(wrongOrg.status, 403);
  });

  it("accepts the parameters in the query string too", async () => {
    const query = new URLSearchParams(fields()).toString();
    const result = await http(`${emulator.imsUrl}/ims/token/v3?${query}`, { method: "POST" });
    assert.equal(result.status, 200);
  });

  it("accepts space-separated scopes and any subset of the AEP scopes", async () => {
    assert.equal((await requestToken(emulator, fields({ scope: "openid AdobeID" }))).status, 200);
  });

  const refusals: [string, Record<string, string | undefined>, string][] = [
    ["an unknown client id", { client_id: "nope" }, "invalid_client"],
    ["a missing client id", { client_id: undefined }, "invalid_client"],
    ["a wrong client secret", { client_secret: "p8e-wrong" }, "invalid_client"],
    ["a missing client secret", { client_secret: undefined }, "invalid_client"],
    ["another grant type", { grant_type: "authorization_code" }, "unsupported_grant_type"],
    ["a missing grant type", { grant_type: undefined }, "unsupported_grant_type"],
    ["a scope outside AEP's", { scope: "openid,AdobeID,write_everything" }, "invalid_scope"],
    ["an empty scope", { scope: "" }, "invalid_scope"],
    ["a missing scope", { scope: undefined }, "invalid_scope"],
  ];
  for (const [what, overrides, error] of refusals) {
    it(`refuses ${what}: 400 ${error}`, async () => {
      const result = await requestToken(emulator, fields(overrides));
      assert.equal(result.status, 400);
      const body = result.json as { error: string; error_description: string };
      assert.equal(body.error, error);
      assert.equal(typeof body.error_description, "string");
      assert.ok(!result.text.includes(emulator.client.clientSecret), "never echoes the secret");
    });
  }

  it("refuses GET with 405", async () => {
    assert.equal((await http(`${emulator.imsUrl}/ims/token/v3`)).status, 405);
  });

  it("counts token requests, successful or not", async () => {
    const before = emulator.stats().tokenRequests;
    await requestToken(emulator, fields());
    await requestToken(emulator, fields({ client_secret: "bad" }));
    assert.equal(emulator.stats().tokenRequests - before, 2);
  });

  it("records the form fields in the request log", async () => {
    emulator.clearRequests();
    await requestToken(emulator, fields());
    const [logged] = emulator.requests;
    assert.equal(logged?.kind, "ims");
    assert.equal(logged?.route, "/ims/token/v3");
    assert.deepEqual(logged?.body, fields());
    assert.equal(logged?.status, 200);
  });

  it("expireTokens() invalidates every token issued so far, new ones work", async () => {
    const api = await FlowApi.connect(emulator);
    assert.equal((await api.call("GET", "/connections")).status, 200);
    emulator.expireTokens();
    const expired = await api.call("GET", "/connections");
    assert.equal(expired.status, 401);
    assert.deepEqual(expired.json, { error_code: "401013", message: "Oauth token is not valid" });
    const fresh = await FlowApi.connect(emulator);
    assert.equal((await fresh.call("GET", "/connections")).status, 200);
  });
});

describe("emulated IMS token lifetime", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ tokenLifetimeSeconds: 0 });
  });
  after(() => emulator.close());

  it("reports tokenLifetimeSeconds as expires_in and rejects tokens past it", async () => {
    const result = await requestToken(emulator, {
      grant_type: "client_credentials",
      client_id: emulator.client.clientId,
      client_secret: emulator.client.clientSecret,
      scope: AEP_SCOPE,
    });
    assert.equal((result.json as { expires_in: number }).expires_in, 0);
    const api = new FlowApi(emulator, (result.json as { access_token: string }).access_token);
    const call = await api.call("GET", "/connections");
    assert.equal(call.status, 401);
    assert.equal((call.json as { error_code: string }).error_code, "401013");
  });
});

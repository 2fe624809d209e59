import assert from "node:assert/strict";
import { FlowServiceClient, ImsError, clearTokenCache } from "../../provider/flow-service";
import { refreshMarginMs, TOKEN_REFRESH_MARGIN_MS } from "../../provider/flow-service/ims";
import { startEmulator, type Emulator } from "../../emulator";
import { FAST_RETRY, flowRequests, flowServiceError, settingsFor, sqlServerConnection } from "./harness";

const DEFAULT_SCOPES = "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

describe("flow-service IMS tokens", () => {
  const started: Emulator[] = [];
  async function emulatorWith(tokenLifetimeSeconds?: number): Promise<Emulator> {
    const emulator = await startEmulator(tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds });
    started.push(emulator);
    return emulator;
  }
  function clientFor(emulator: Emulator, explicit = {}): FlowServiceClient {
    return new FlowServiceClient(settingsFor(emulator, explicit), { retry: FAST_RETRY });
  }

  beforeEach(() => clearTokenCache());
  afterEach(async () => {
    await Promise.all(started.splice(0).map((emulator) => emulator.close()));
  });

  it("requests the token with a form-encoded client_credentials grant and the AEP scopes", async () => {
    const emulator = await emulatorWith();
    await clientFor(emulator).getConnection("x");

    const [ims] = emulator.requests.filter((r) => r.kind === "ims");
    assert.equal(ims?.method, "POST");
    assert.equal(ims?.path, "/ims/token/v3");
    assert.match(ims?.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded/);
    assert.deepEqual(ims?.body, {
      grant_type: "client_credentials",
      client_id: emulator.client.clientId,
      client_secret: emulator.client.clientSecret,
      scope: DEFAULT_SCOPES,
    });
  });

  it("makes exactly one token request for 20 concurrent calls, across clients of the same credential", async () => {
    const emulator = await emulatorWith();
    const clients = [clientFor(emulator), clientFor(emulator)];

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => clients[i % 2]?.getConnection(`missing-${i}`)),
    );

    assert.deepEqual(results, Array(20).fill(undefined));
    assert.equal(emulator.stats().tokenRequests, 1);
    const tokens = new Set(flowRequests(emulator).map((r) => r.headers["authorization"]));
    assert.equal(tokens.size, 1);
  });

  it("replaces a token 5 minutes before it expires, or at half its lifetime when that is later", async () => {
    assert.equal(TOKEN_REFRESH_MARGIN_MS, 300_000);
    assert.equal(refreshMarginMs(86_399_000), 300_000, "a day-long token: 5 minutes before expiry");
    assert.equal(refreshMarginMs(300_000), 150_000, "a 5-minute token: at half its life, not at once");
    // A 2 s token is replaced after 1 s, and never sent once expired.
    const emulator = await emulatorWith(2);
    const client = clientFor(emulator);

    await client.getConnection("a").catch(() => undefined);
    await client.getConnection("b").catch(() => undefined);
    assert.equal(emulator.stats().tokenRequests, 1, "still fresh: reused");

    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await client.getConnection("c").catch(() => undefined);

    assert.equal(emulator.stats().tokenRequests, 2);
    const [first, second, third] = flowRequests(emulator).map((r) => r.headers["authorization"]);
    assert.equal(first, second);
    assert.notEqual(third, first);
    assert.ok(flowRequests(emulator).every((r) => r.status === 404), "no request was sent with an expired token");
  });

  it("short-lived tokens (expires_in 300) with IMS answering 429: every call succeeds, on very few tokens", async () => {
    const emulator = await emulatorWith(300);
    const client = clientFor(emulator);
    emulator.inject({ kind: "status", status: 429, route: "/ims/token/v3", times: 2 });
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => client.createConnection(sqlServerConnection(`short-lived ${i}`))));
    assert.deepEqual(results.filter((r) => r.status === "rejected"), [], "no create fails");
    for (let i = 0; i < 80; i++) await client.getConnection(`missing-${i}`).catch(() => undefined);
    assert.equal(emulator.stats().tokenRequests, 3, "two 429s, then one token for 100 calls");
  });

  it("fetches a fresh token once and retries when the gateway answers 401", async () => {
    const emulator = await emulatorWith();
    const client = clientFor(emulator);
    await client.getConnection("warm-up");
    emulator.expireTokens();
    emulator.clearRequests();

    const created = await client.createConnection(sqlServerConnection("After expiry"));

    assert.equal(created.recovered, false);
    assert.equal(emulator.stats().tokenRequests, 2);
    assert.deepEqual(
      emulator.requests.map((r) => `${r.method} ${r.route} ${r.status}`),
      ["POST /connections 401", "POST /ims/token/v3 200", "POST /connections 201"],
    );
    assert.equal(emulator.store.list().length, 1);
  });

  it("refreshes only once: a second 401 fails with the gateway code", async () => {
    const emulator = await emulatorWith();
    const client = clientFor(emulator);
    emulator.inject({ kind: "expired-token", route: /^\/connections\//, times: 5 });

    const error = await flowServiceError(client.getConnection("abc"));

    assert.equal(error.status, 401);
    assert.equal(error.adobeCode, "401013");
    assert.match(error.message, /^GET \/connections\/abc failed: 401 Unauthorized \[401013\] Oauth token is not valid/);
    assert.equal(flowRequests(emulator).length, 2);
    assert.equal(emulator.stats().tokenRequests, 2);
  });

  it("retries the token request on 503, and fails with ImsError on a wrong secret without revealing it", async () => {
    const emulator = await emulatorWith();
    emulator.inject({ kind: "status", status: 503, route: "/ims/token/v3" });
    assert.equal(await clientFor(emulator).getConnection("x"), undefined);
    assert.equal(emulator.stats().tokenRequests, 2);

    const wrongSecret = "definitely-wrong-secret-123";
    const error = await clientFor(emulator, { clientSecret: wrongSecret })
      .getConnection("x")
      .then(() => assert.fail("expected an ImsError"), (caught: unknown) => caught);
    assert.ok(ImsError.isInstance(error), String(error));
    assert.equal(error.status, 400);
    assert.equal(error.adobeCode, "invalid_client");
    assert.match(error.message, /^IMS token request failed: 400 Bad Request \[invalid_client\]/);
    for (const text of [error.message, String(error), error.stack ?? ""]) assert.ok(!text.includes(wrongSecret));
    assert.equal(emulator.stats().tokenRequests, 3, "a 400 from IMS is not retried");
  });

  it("surfaces an invalid scope as ImsError invalid_scope", async () => {
    const emulator = await emulatorWith();
    const error = await clientFor(emulator, { scopes: "openid,not_an_aep_scope" })
      .getConnection("x")
      .then(() => assert.fail("expected an ImsError"), (caught: unknown) => caught);
    assert.ok(ImsError.isInstance(error));
    assert.equal(error.adobeCode, "invalid_scope");
  });
});

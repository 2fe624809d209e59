import assert from "node:assert/strict";
import { inspect } from "node:util";
import { FlowServiceClient } from "../../provider/flow-service";
import { startEmulator, type Emulator } from "../../emulator";
import { FAST_RETRY, SQL_SERVER_SPEC_ID, flowRequests, flowServiceError, settingsFor, sharedEmulatorAndClient, sqlServerConnection } from "./harness";

describe("flow-service errors against the emulator", () => {
  const suite = sharedEmulatorAndClient();

  it("reads the gateway dialect, with error_code as a number", async () => {
    suite.emulator.inject({ kind: "status", status: 403, route: "/connections/abc", body: { error_code: 403025, message: "Profile is not valid" } });

    const error = await flowServiceError(suite.client.getConnection("abc"));

    assert.equal(error.status, 403);
    assert.equal(error.adobeCode, "403025");
    assert.match(error.message, /^GET \/connections\/abc failed: 403 Forbidden \[403025\] Profile is not valid \(request id [^)]+\)$/);
  });

  it("reads the FLOW envelope: code, Adobe text and the request id of the report", async () => {
    suite.emulator.inject({
      kind: "status",
      status: 403,
      route: "/connections/abc",
      body: {
        type: "https://ns.adobe.com/aep/errors/FLOW-2120-403",
        title: "Forbidden",
        status: 403,
        report: { "detailed-message": "You do not have sufficient permissions.", "request-id": "req-from-report" },
        errorMessage: "You do not have sufficient permissions.",
        errorDetails: "You do not have sufficient permissions.",
      },
    });

    const error = await flowServiceError(suite.client.getConnection("abc"));

    assert.equal(error.adobeCode, "2120");
    assert.equal(error.requestId, "req-from-report");
    assert.equal(
      error.message,
      "GET /connections/abc failed: 403 Forbidden [FLOW-2120] You do not have sufficient permissions. (request id req-from-report)",
    );
  });

  it("reads the legacy {errorMessage, errorDetails} dialect, taking the request id from the header", async () => {
    suite.emulator.inject({ kind: "status", status: 422, route: "/connections", method: "POST", body: { errorMessage: "connectionSpec.version is required" } });

    const error = await flowServiceError(suite.client.createConnection(sqlServerConnection("Legacy")));

    assert.equal(error.status, 422);
    assert.equal(error.adobeCode, undefined);
    assert.ok(error.requestId !== undefined && error.requestId !== "");
    assert.match(error.message, /^POST \/connections failed: 422 Unprocessable Entity connectionSpec\.version is required \(request id .+\)$/);
  });

  it("turns real Flow Service validation errors (1413 bad spec id, 1415 bad auth spec) into typed errors", async () => {
    const badSpec = sqlServerConnection("Bad spec");
    badSpec.connectionSpec.id = "b3ba5556-48be-44b7-8b85-ff2b69b46dc41";
    const specError = await flowServiceError(suite.client.createConnection(badSpec));
    assert.equal(specError.status, 400);
    assert.equal(specError.adobeCode, "1413");
    assert.match(specError.message, /\[FLOW-1413\]/);

    const badAuth = sqlServerConnection("Bad auth");
    badAuth.auth.specName = "Basic Authentication";
    const authError = await flowServiceError(suite.client.createConnection(badAuth));
    assert.equal(authError.adobeCode, "1415");
    assert.match(authError.requestId ?? "", /\S+/, "the request id of the FLOW report");
    assert.equal(suite.emulator.store.list().length, 0);
    assert.equal(flowRequests(suite.emulator, "POST").length, 2, "a 400 is never retried");
  });

  it("never puts the client secret, the token or an auth param value in an error, even when Adobe echoes them", async () => {
    await suite.client.getConnection("warm-up");
    const token = (flowRequests(suite.emulator)[0]?.headers["authorization"] ?? "").replace(/^Bearer /, "");
    assert.ok(token.length > 10);
    const password = "Echoed-Pa55word";
    const body = sqlServerConnection("Echo", password);
    const connectionString = String(body.auth.params["connectionString"]);
    const { clientSecret } = suite.emulator.client;
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: "/connections",
      method: "POST",
      body: {
        type: "https://ns.adobe.com/aep/errors/FLOW-1409-400",
        title: "Invalid request",
        status: 400,
        report: {
          "detailed-message": `Rejected ${connectionString} (password ${password}) for token ${token} and secret ${clientSecret}`,
        },
      },
    });

    const error = await flowServiceError(suite.client.createConnection(body));

    assert.match(error.message, /\[FLOW-1409\] Rejected \[REDACTED\] \(password \[REDACTED\]\) for token \[REDACTED\] and secret \[REDACTED\]/);
    for (const text of [error.message, String(error), inspect(error)]) {
      for (const secret of [password, connectionString, token, clientSecret]) {
        assert.ok(!text.includes(secret), `an error text contains a secret: ${text}`);
      }
    }
  });

  it("redacts values of a PATCH to /auth/params from echoed errors", async () => {
    const created = await suite.client.createConnection(sqlServerConnection("Patch echo"));
    const newString = "Data Source=s;Initial Catalog=d;Integrated Security=False;User ID=u;Password=N3w-Secret-Value;";
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: `/connections/${created.id}`,
      method: "PATCH",
      body: { errorMessage: `cannot apply ${newString}`, errorDetails: "N3w-Secret-Value is weak" },
    });

    const error = await flowServiceError(
      suite.client.updateConnection(created.id, created.etag, [
        { op: "replace", path: "/auth/params", value: { connectionString: newString } },
      ]),
    );

    assert.ok(!error.message.includes("N3w-Secret-Value"), error.message);
    assert.match(error.message, /cannot apply \[REDACTED\] \(\[REDACTED\] is weak\)/);
  });

  it("reports a success response whose body cannot be parsed", async () => {
    suite.emulator.inject({ kind: "status", status: 200, route: "/connections/abc", body: "<html>maintenance</html>" });
    const error = await flowServiceError(suite.client.getConnection("abc"));
    assert.equal(error.status, 200);
    assert.match(error.message, /^GET \/connections\/abc: status 200 but the response body could not be parsed \(the body is not JSON\)/);

    suite.emulator.inject({ kind: "status", status: 200, route: "/connections/abc/test", body: { result: "yes" } });
    const testError = await flowServiceError(suite.client.testConnection("abc"));
    assert.match(testError.message, /could not be parsed \(result: /);
  });

  it("keeps the query string out of error paths", async () => {
    suite.emulator.inject({ kind: "status", status: 400, route: "/connections", method: "GET" });
    const pages = suite.client.listConnections({ property: `connectionSpec.id==${SQL_SERVER_SPEC_ID}` });
    const error = await flowServiceError((async () => {
      for await (const connection of pages) void connection;
    })());
    assert.equal(error.path, "/connections");
    assert.ok(!error.message.includes("property"), error.message);
  });
});

import assert from "node:assert/strict";
import { FlowServiceError, ImsError, SettingsError } from "../../provider/flow-service";
import { parseAdobeError, parseImsError } from "../../provider/flow-service/adobe-errors";
import { parseConnectionPage, parseCreated } from "../../provider/flow-service/connections";
import { parseToken } from "../../provider/flow-service/ims";
import { excerpt, redact, REDACTED, secretStringsOf } from "../../provider/flow-service/redaction";

describe("flow-service wire: lenient response parsing", () => {
  it("reads a connection with unknown fields, nulls and wrongly typed optional fields", () => {
    const page = parseConnectionPage(
      JSON.stringify({
        items: [
          {
            id: "c1",
            name: "Synapse",
            connectionSpec: { id: "spec-1", version: "1.0", name: null, extra: true },
            auth: { specName: "Connection String Based Authentication", params: { connectionString: "***" } },
            etag: '"e-1"',
            description: null,
            createdAt: "not-a-number",
            updatedAt: 1700000000000,
            brandNewField: { nested: 1 },
          },
        ],
        _links: { next: { href: "/connections?continuationToken=abc" } },
      }),
    );
    assert.ok(page.ok);
    assert.deepEqual(page.value.items, [
      {
        id: "c1",
        name: "Synapse",
        connectionSpec: { id: "spec-1", version: "1.0" },
        auth: { specName: "Connection String Based Authentication", params: { connectionString: "***" } },
        etag: '"e-1"',
        updatedAt: 1700000000000,
      },
    ]);
    assert.equal(page.value.nextHref, "/connections?continuationToken=abc");
  });

  it("falls back to version when etag is absent, and fails clearly when neither is there", () => {
    const withVersion = parseConnectionPage(
      JSON.stringify({ items: [{ id: "c1", name: "n", connectionSpec: { id: "s" }, version: '"v-1"' }] }),
    );
    assert.ok(withVersion.ok);
    assert.equal(withVersion.value.items[0]?.etag, '"v-1"');

    const neither = parseConnectionPage(JSON.stringify({ items: [{ id: "c1", name: "n", connectionSpec: { id: "s" } }] }));
    assert.ok(!neither.ok);
    assert.match(neither.problem, /items\.0\.etag: neither etag nor version/);
  });

  it("reports a non-JSON or incomplete success body without echoing its values", () => {
    const notJson = parseCreated("<html>oops</html>");
    assert.deepEqual(notJson, { ok: false, problem: "the body is not JSON" });
    const incomplete = parseCreated(JSON.stringify({ id: "secret-looking-id" }));
    assert.ok(!incomplete.ok);
    assert.match(incomplete.problem, /etag/);
    assert.ok(!incomplete.problem.includes("secret-looking-id"));
  });

  it("reads expires_in as seconds, tolerating a numeric string", () => {
    assert.deepEqual(parseToken('{"access_token":"t","token_type":"bearer","expires_in":86399}'), {
      ok: true,
      value: { accessToken: "t", expiresInSeconds: 86399 },
    });
    assert.deepEqual(parseToken('{"access_token":"t","expires_in":"3600"}'), {
      ok: true,
      value: { accessToken: "t", expiresInSeconds: 3600 },
    });
    assert.ok(!parseToken('{"access_token":"t"}').ok);
  });
});

describe("flow-service wire: Adobe error dialects", () => {
  it("reads the gateway dialect with error_code as a string or a number", () => {
    assert.deepEqual(parseAdobeError('{"error_code":"401013","message":"Oauth token is not valid"}', "req-h"), {
      dialect: "gateway",
      code: "401013",
      text: "Oauth token is not valid",
      requestId: "req-h",
    });
    assert.deepEqual(parseAdobeError('{"error_code":403003,"message":"Api Key is invalid"}'), {
      dialect: "gateway",
      code: "403003",
      text: "Api Key is invalid",
    });
  });

  it("reads the FLOW envelope: code from type, text from report, request id from the body first", () => {
    const body = {
      type: "https://ns.adobe.com/aep/errors/FLOW-1404-412",
      title: "Version not matching",
      status: 412,
      report: { "detailed-message": "The supplied version does not match.", "request-id": "req-body" },
      errorMessage: "other text",
      errorDetails: "other text",
    };
    assert.deepEqual(parseAdobeError(JSON.stringify(body), "req-header"), {
      dialect: "flow",
      code: "1404",
      codeLabel: "FLOW-1404",
      text: "The supplied version does not match.",
      requestId: "req-body",
    });
  });

  it("reads the legacy {errorMessage, errorDetails} dialect and RFC 7807-like bodies", () => {
    assert.deepEqual(parseAdobeError('{"errorMessage":"connections not found","errorDetails":"id = [x]"}'), {
      dialect: "legacy",
      text: "connections not found (id = [x])",
    });
    assert.deepEqual(
      parseAdobeError('{"type":"/placeholder/type/uri","status":400,"title":"BadRequestError","detail":"A valid content-type must be specified"}'),
      { dialect: "problem", text: "BadRequestError: A valid content-type must be specified" },
    );
  });

  it("surfaces a body that is not JSON as a short, flattened excerpt, redacted before it is cut", () => {
    const secret = "tok-" + "y".repeat(600);
    const parsed = parseAdobeError(`<html>\n  <body>${"x".repeat(100)} ${secret}</body></html>`);
    assert.equal(parsed.dialect, "unknown");
    const shown = excerpt(parsed.text ?? "", [secret]);
    assert.ok(shown.length <= 501);
    assert.ok(!shown.includes("\n"));
    assert.ok(shown.includes(REDACTED), "the secret is redacted although it crosses the cut");
    assert.ok(!shown.includes("tok-yyy"));
  });

  it("reads IMS OAuth errors", () => {
    assert.deepEqual(parseImsError('{"error":"invalid_client","error_description":"bad secret"}'), {
      code: "invalid_client",
      text: "bad secret",
    });
  });
});

describe("flow-service errors: messages and redaction", () => {
  it("formats a message that stands on its own", () => {
    const error = new FlowServiceError({
      status: 412,
      method: "PATCH",
      path: "/connections/c1",
      adobeCode: "1404",
      codeLabel: "FLOW-1404",
      detail: "The supplied version does not match.",
      requestId: "req-1",
    });
    assert.equal(
      error.message,
      "PATCH /connections/c1 failed: 412 Precondition Failed [FLOW-1404] The supplied version does not match. (request id req-1)",
    );
    assert.equal(error.name, "FlowServiceError");
    assert.equal(error.adobeCode, "1404");
    assert.equal(error.code, "AEP_ERR_FLOW_SERVICE", "our own code is separate from Adobe's");
    assert.equal(
      new FlowServiceError({ status: 0, method: "GET", path: "/connections", detail: "connection reset" }).message,
      "GET /connections failed: no response (connection reset)",
    );
  });

  it("recognises its errors by brand, not by class identity", () => {
    const error = new FlowServiceError({ status: 500, method: "GET", path: "/x" });
    assert.ok(FlowServiceError.isInstance(error));
    assert.ok(!FlowServiceError.isInstance(new Error("x")));
    assert.ok(!FlowServiceError.isInstance({ status: 500 }));
    assert.ok(ImsError.isInstance(new ImsError({ status: 400, adobeCode: "invalid_client" })));
    assert.ok(SettingsError.isInstance(new SettingsError("m", [])));
    assert.ok(!ImsError.isInstance(error));
  });

  it("redacts secrets also in their JSON-escaped and URL-encoded forms, longest first", () => {
    const secret = 'Server=tcp:x;Password=p"a\\ss word;';
    const text = `raw ${secret} json ${JSON.stringify(secret)} url ${encodeURIComponent(secret)}`;
    const redacted = redact(text, [secret, "abc"]);
    assert.ok(!redacted.includes("p\"a\\ss"));
    assert.ok(!redacted.includes("ss%20word"));
    assert.equal(redacted.split(REDACTED).length - 1, 3);
    assert.equal(redact("abc is too short to hunt", ["abc"]), "abc is too short to hunt");
  });

  it("collects nested param values and the secret segments of connection strings", () => {
    const found = secretStringsOf({
      connectionString: "Data Source=srv;User ID=bob;Password=Pa55word!;",
      nested: { accessToken: "dapi-123" },
      list: ["https://acct.blob.core.windows.net/c?sv=1&sig=SIGNATURE123"],
    });
    assert.ok(found.includes("Pa55word!"));
    assert.ok(found.includes("dapi-123"));
    assert.ok(found.includes("SIGNATURE123"));
    assert.ok(!found.includes("bob"), "non-secret segments are not hunted on their own");
  });
});

import assert from "node:assert/strict";
import { FlowServiceClient, SettingsError, resolveSettings } from "../../provider/flow-service";

const required = { clientId: "client-1", clientSecret: "s3cr3t-value", orgId: "ORG1@AdobeOrg" };

function configError(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (error) {
    assert.ok(SettingsError.isInstance(error), `expected SettingsError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a SettingsError");
}

describe("flow-service settings: resolveSettings", () => {
  it("applies the documented defaults when only the credential is given", () => {
    const settings = resolveSettings(required, {});
    assert.deepEqual(settings, {
      ...required,
      sandboxName: "prod",
      scopes: "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext",
      platformUrl: "https://platform.adobe.io",
      imsUrl: "https://ims-na1.adobelogin.com",
    });
  });

  it("reads every AEP_* variable when nothing explicit is given", () => {
    const settings = resolveSettings(
      {},
      {
        AEP_CLIENT_ID: "env-client",
        AEP_CLIENT_SECRET: "env-secret",
        AEP_ORG_ID: "ENV@AdobeOrg",
        AEP_SANDBOX_NAME: "dev",
        AEP_SCOPES: "openid, AdobeID",
        AEP_PLATFORM_URL: "https://platform-stage.adobe.io/",
        AEP_IMS_URL: "https://ims-na1-stg1.adobelogin.com//",
      },
    );
    assert.deepEqual(settings, {
      clientId: "env-client",
      clientSecret: "env-secret",
      orgId: "ENV@AdobeOrg",
      sandboxName: "dev",
      scopes: "openid,AdobeID",
      platformUrl: "https://platform-stage.adobe.io",
      imsUrl: "https://ims-na1-stg1.adobelogin.com",
    });
  });

  it("lets explicit values win over the environment, and treats empty explicit values as missing", () => {
    const settings = resolveSettings(
      { clientId: "explicit-client", clientSecret: "", orgId: "EXPLICIT@AdobeOrg", sandboxName: "qa" },
      { AEP_CLIENT_ID: "env-client", AEP_CLIENT_SECRET: "env-secret", AEP_ORG_ID: "ENV@AdobeOrg", AEP_SANDBOX_NAME: "dev" },
    );
    assert.equal(settings.clientId, "explicit-client");
    assert.equal(settings.clientSecret, "env-secret");
    assert.equal(settings.orgId, "EXPLICIT@AdobeOrg");
    assert.equal(settings.sandboxName, "qa");
  });

  it("names every missing setting at once, with its environment variable", () => {
    const error = configError(() => resolveSettings({ clientId: "  " }, { AEP_ORG_ID: "" }));
    assert.deepEqual(error.missing, ["clientId", "clientSecret", "orgId"]);
    for (const name of ["clientId", "AEP_CLIENT_ID", "clientSecret", "AEP_CLIENT_SECRET", "orgId", "AEP_ORG_ID"]) {
      assert.ok(error.message.includes(name), `message should name ${name}: ${error.message}`);
    }
  });

  it("refuses plain http to a non-loopback host, naming the env variable it came from", () => {
    const error = configError(() =>
      resolveSettings({}, { ...envOf(required), AEP_PLATFORM_URL: "http://platform.example.com" }),
    );
    assert.deepEqual(error.missing, []);
    assert.match(error.message, /AEP_PLATFORM_URL uses plain http:\/\/ \(http:\/\/platform\.example\.com\)/);
    assert.match(error.message, /loopback/);
  });

  it("refuses plain http for the IMS URL given explicitly, naming the explicit key", () => {
    const error = configError(() => resolveSettings({ ...required, imsUrl: "http://ims.example.com" }, {}));
    assert.match(error.message, /imsUrl uses plain http:\/\//);
    assert.doesNotMatch(error.message, /AEP_IMS_URL uses/);
  });

  it("reports missing credentials and bad URLs in one error", () => {
    const error = configError(() => resolveSettings({ platformUrl: "http://10.0.0.1", imsUrl: "ftp://ims" }, {}));
    assert.deepEqual(error.missing, ["clientId", "clientSecret", "orgId"]);
    assert.match(error.message, /platformUrl uses plain http/);
    assert.match(error.message, /imsUrl must use https/);
  });

  it("allows plain http to loopback hosts only", () => {
    for (const url of ["http://127.0.0.1:8080", "http://127.9.9.9", "http://localhost:3000/", "http://[::1]:9000"]) {
      const settings = resolveSettings({ ...required, platformUrl: url, imsUrl: url }, {});
      assert.equal(settings.platformUrl, url.replace(/\/$/, ""));
    }
    for (const url of ["http://128.0.0.1", "http://localhost.example.com", "http://[::2]"]) {
      configError(() => resolveSettings({ ...required, platformUrl: url }, {}));
    }
  });

  it("refuses URLs that are not absolute or carry credentials, without echoing the credentials", () => {
    configError(() => resolveSettings({ ...required, platformUrl: "platform.adobe.io" }, {}));
    const error = configError(() => resolveSettings({ ...required, imsUrl: "https://user:hunter22@ims.example" }, {}));
    assert.ok(!error.message.includes("hunter22"));
  });

  it("is applied again by the client constructor, so raw settings cannot bypass the http refusal", () => {
    const raw = { ...resolveSettings(required, {}), platformUrl: "http://platform.example.com" };
    configError(() => new FlowServiceClient(raw));
  });
});

function envOf(values: typeof required): NodeJS.ProcessEnv {
  return { AEP_CLIENT_ID: values.clientId, AEP_CLIENT_SECRET: values.clientSecret, AEP_ORG_ID: values.orgId };
}

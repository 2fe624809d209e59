/**
 * Security properties of the provider, checked through the real dynamic-provider host where it matters:
 * plain http only to loopback hosts, TLS verification never disabled, access tokens in memory only, and Adobe error
 * texts that echo request content redacted before they surface.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { SettingsError, resolveSettings } from "../../provider/flow-service";
import { HostCallError, repositoryRoot } from "../../harness/provider-host";
import { allVariants, inputsFor, scannableResponses, urnOf, type Variant } from "../../harness/rig";
import { bearerTokens, startReliabilityRig, stopReliabilityRig, type ReliabilityRig } from "../../harness/reliability-rig";
import { findSecrets, findSecretsInFiles, listFiles, type Secret } from "./scan";
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from "./tls-fixture";

const variants = allVariants();
const credentials = { clientId: "client", clientSecret: "not-a-real-secret", orgId: "ORG@AdobeOrg" };

async function failure(promise: Promise<unknown>): Promise<HostCallError> {
  return promise.then(
    () => assert.fail("expected the call to fail"),
    (error: unknown) => {
      assert.ok(error instanceof HostCallError, String(error));
      return error;
    },
  );
}

async function createFrom(rig: ReliabilityRig, variant: Variant, name: string, extra = {}) {
  const host = rig.hosts[0]!;
  const checked = await host.check(urnOf(name), {}, inputsFor(variant, name, extra));
  assert.deepEqual(checked.failures, []);
  return { checked: checked.inputs, send: () => host.create(urnOf(name), checked.inputs) };
}

describe("security", function () {
  this.timeout(60_000);
  let rig: ReliabilityRig | undefined;
  afterEach(async () => {
    await stopReliabilityRig(rig);
    rig = undefined;
  });

  describe("plain http", () => {
    const refused = ["http://platform.adobe.io", "http://10.0.0.5:8080", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "http://[::ffff:10.0.0.5]"];
    const loopback = ["http://127.0.0.1:8080", "http://127.8.9.10", "http://[::1]:8080", "http://localhost:8080"];

    it("is refused for every non-loopback platform or IMS URL, and allowed for loopback only", () => {
      for (const url of refused) {
        for (const key of ["platformUrl", "imsUrl"] as const) {
          assert.throws(() => resolveSettings({ ...credentials, [key]: url }, {}), (e: unknown) => {
            assert.ok(SettingsError.isInstance(e), `${key}=${url} is refused with a config error`);
            assert.match((e as Error).message, /plain http:\/\/.*use https:\/\//);
            return true;
          });
        }
      }
      for (const url of loopback) assert.equal(resolveSettings({ ...credentials, platformUrl: url }, {}).platformUrl, url);
      assert.throws(() => resolveSettings({ ...credentials, imsUrl: "ftp://ims-na1.adobelogin.com" }, {}), /must use https:\/\//);
    });

    it("through the provider host: create fails before any request, from stack config or environment", async () => {
      rig = await startReliabilityRig({ config: { "aep:platformUrl": "http://platform.adobe.io" } });
      const { send } = await createFrom(rig, variants[0]!, "plain-http");
      const error = await failure(send());
      assert.match(error.details, /platformUrl uses plain http:\/\/ \(http:\/\/platform\.adobe\.io\); use https:\/\//);
      assert.ok(!error.details.includes(rig.emulator.client.clientSecret));
      assert.deepEqual(rig.emulator.requests, [], "not even IMS was asked for a token");
      await stopReliabilityRig(rig);

      rig = await startReliabilityRig({ env: { AEP_IMS_URL: "http://ims.example.com" }, config: { "aep:imsUrl": "" } });
      const viaEnv = await createFrom(rig, variants[0]!, "plain-http-env");
      assert.match((await failure(viaEnv.send())).details, /AEP_IMS_URL uses plain http:\/\//);
      assert.deepEqual(rig.emulator.requests, []);
    });
  });

  describe("TLS verification", () => {
    const forbidden = /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|checkServerIdentity/;

    it("is never disabled in the provider's sources or build", () => {
      assert.ok(forbidden.test("agent({ connect: { rejectUnauthorized: false } })"), "the pattern catches the usual switch");
      const files = listFiles(["provider", "components", "dist/provider", "dist/components", "index.ts"].map((p) => path.join(repositoryRoot, p)))
        .filter((file) => /\.(ts|js)$/.test(file));
      assert.ok(files.length >= 20, `scanned the provider's files (${files.length})`);
      const offenders = files.filter((file) => forbidden.test(fs.readFileSync(file, "utf8")));
      assert.deepEqual(offenders, []);
    });

    it("a server with an untrusted certificate never receives a request (the client secret stays home)", async () => {
      let requests = 0;
      let connections = 0;
      const server: Server = createServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, (_req, res) => {
        requests += 1;
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "invalid_client", error_description: "test server" }));
      });
      // Counted on TCP accept, which precedes the certificate: no race with the client's reaction to it.
      server.on("connection", () => (connections += 1));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const caFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aep-tls-")), "ca.pem");
      fs.writeFileSync(caFile, SELF_SIGNED_CERT);
      try {
        rig = await startReliabilityRig({ config: { "aep:platformUrl": url, "aep:imsUrl": url }, retryBaseMs: 1 });
        const { send } = await createFrom(rig, variants[0]!, "untrusted");
        const error = await failure(send());
        assert.match(error.details, /IMS token request failed: no response .*(SELF_SIGNED|certificate)/i);
        assert.equal(requests, 0, "no HTTP request crossed the failed handshake");
        assert.ok(connections > 0, "the client did reach the server, and refused its certificate");
        await stopReliabilityRig(rig);

        // Control: trusting the certificate is all it takes to reach the server, so the refusal above was the check.
        rig = await startReliabilityRig({ config: { "aep:platformUrl": url, "aep:imsUrl": url }, env: { NODE_EXTRA_CA_CERTS: caFile } });
        const trusted = await createFrom(rig, variants[0]!, "trusted");
        assert.match((await failure(trusted.send())).details, /IMS token request failed: 400 Bad Request \[invalid_client\]/);
        assert.ok(requests > 0, "with the certificate trusted, the request arrives");
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        fs.rmSync(path.dirname(caFile), { recursive: true, force: true });
      }
    });
  });

  it("access tokens live in memory only: no file the provider could write holds one", async () => {
    const startedAt = Date.now() - 1000;
    const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), "aep-home-"));
    try {
      const home = { HOME: sandbox, TMPDIR: sandbox, TMP: sandbox, TEMP: sandbox, PULUMI_HOME: path.join(sandbox, ".pulumi"), XDG_CACHE_HOME: sandbox };
      rig = await startReliabilityRig({ env: home });
      const host = rig.hosts[0]!;
      const variant = variants[3]!;
      const created = await createFrom(rig, variant, "tokens");
      const { id, outs } = await created.send();
      rig.emulator.expireTokens(); // a second token, fetched mid-run
      const read = await host.read(urnOf("tokens"), id, outs);
      const rotated = await host.check(urnOf("tokens"), {}, inputsFor({ ...variant, params: variant.rotated }, "tokens"));
      const updated = await host.update(urnOf("tokens"), id, read.props, rotated.inputs);
      await host.delete(urnOf("tokens"), id, updated.outs);
      const tokens = bearerTokens(rig.emulator);
      assert.ok(tokens.length >= 2, "two tokens were issued and used");
      await stopReliabilityRig(rig);
      rig = undefined;

      const secrets: Secret[] = tokens.map((value, i) => ({ label: `access token ${i + 1}`, value }));
      const canary = path.join(sandbox, "canary", "file.txt");
      fs.mkdirSync(path.dirname(canary));
      fs.writeFileSync(canary, `cache: ${tokens[0]}`);
      assert.deepEqual(findSecretsInFiles(listFiles([sandbox]), secrets), [`${canary}: access token 1`], "the scan finds a token on disk");
      fs.rmSync(canary);

      const files = [
        ...listFiles([sandbox]),
        ...listFiles([os.tmpdir()], { since: startedAt, maxDepth: 3 }),
        ...listFiles([repositoryRoot], { since: startedAt, maxDepth: 0 }),
      ];
      assert.deepEqual(findSecretsInFiles(files, secrets), [], "no token in the host's home, temp dirs or working directory");
    } finally {
      fs.rmSync(sandbox, { recursive: true, force: true });
    }
  });

  describe("Adobe error texts that echo request content", () => {
    const variant = variants.find((v) => v.source === "synapse" && v.specName === "Connection String Based Authentication")!;
    const connectionString = String(variant.params["connectionString"]);
    const password = /Password=([^;]+)/.exec(connectionString)![1]!;

    function leakCheck(current: ReliabilityRig, text: string, extra: Secret[] = []): void {
      const secrets: Secret[] = [
        { label: "connection string", value: connectionString },
        { label: "password", value: password },
        { label: "rotated connection string", value: String(variant.rotated["connectionString"]) },
        { label: "client secret", value: current.emulator.client.clientSecret },
        ...bearerTokens(current.emulator).map((value) => ({ label: "access token", value })),
        ...extra,
      ];
      const host = current.hosts[0]!;
      const responses = scannableResponses(host.responses);
      assert.deepEqual(findSecrets({ "error message": text, "host output": host.output, "gRPC responses": responses }, secrets), []);
    }

    it("are redacted in create, update and delete errors, whatever the body's form", async () => {
      rig = await startReliabilityRig({ retryBaseMs: 1 });
      const current = rig;
      const host = current.hosts[0]!;
      const first = await createFrom(current, variant, "echo");
      const { id, outs } = await first.send();
      const token = bearerTokens(current.emulator)[0]!;
      const secret = current.emulator.client.clientSecret;

      const echoes = `auth.params.connectionString=${connectionString}; escaped=${JSON.stringify(connectionString)}; ` +
        `encoded=${encodeURIComponent(connectionString)}; fragment Password=${password}; client_secret=${secret}; Authorization: Bearer ${token}`;
      current.emulator.inject({
        kind: "status", status: 400, method: "POST", route: "/connections",
        body: { type: "https://ns.adobe.com/aep/errors/FLOW-1100-400", title: "Bad Request", status: 400, report: { "detailed-message": `Invalid request: ${echoes}` } },
      });
      const second = await createFrom(current, variant, "echo-2");
      const created = await failure(second.send());
      assert.match(created.details, /POST \/connections failed: 400 Bad Request \[FLOW-1100\] Invalid request: .*\[REDACTED\]/);
      leakCheck(current, created.details);

      const rotated = String(variant.rotated["connectionString"]);
      current.emulator.inject({ kind: "status", status: 422, method: "PATCH", body: `Unprocessable: the value ${rotated} is not accepted` });
      const news = await host.check(urnOf("echo"), {}, inputsFor({ ...variant, params: variant.rotated }, "echo"));
      const updated = await failure(host.update(urnOf("echo"), id, outs, news.inputs));
      assert.match(updated.details, /failed: 422 Unprocessable Entity Unprocessable: the value \[REDACTED\] is not accepted/);
      leakCheck(current, updated.details);

      current.emulator.inject({ kind: "status", status: 403, method: "DELETE", body: { error_code: "403003", message: `Api Key is invalid for ${secret} with Bearer ${token}` } });
      const deleted = await failure(host.delete(urnOf("echo"), id, outs));
      assert.match(deleted.details, /DELETE .* failed: 403 Forbidden \[403003\] Api Key is invalid for \[REDACTED\] with Bearer \[REDACTED\]/);
      leakCheck(current, deleted.details);
    });

    it("are redacted in IMS errors", async () => {
      rig = await startReliabilityRig({ retryBaseMs: 1 });
      const secret = rig.emulator.client.clientSecret;
      rig.emulator.inject({
        kind: "status", status: 400, route: "/ims/token/v3", times: 10,
        body: { error: "invalid_client", error_description: `client_secret ${secret} (${encodeURIComponent(secret)}) is not valid` },
      });
      const { send } = await createFrom(rig, variant, "ims-echo");
      const error = await failure(send());
      assert.match(error.details, /IMS token request failed: 400 Bad Request \[invalid_client\] client_secret \[REDACTED\] \(\[REDACTED\]\) is not valid/);
      leakCheck(rig, error.details);
    });
  });
});

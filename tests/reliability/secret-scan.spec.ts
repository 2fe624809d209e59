/**
 * Secret scan over a full run of the unmodified example programs through the test engine (the SDK's program runner
 * and the real dynamic-provider host, Azure resources mocked, AEP connections real against the emulator): preview,
 * up, a failing create whose error echoes the request, an update meeting 412s, a delete refused with FLOW-1418, bad
 * inputs (one of them a secret), refresh and destroy. Everything the project emits is collected (state file after
 * every operation, program stdout/stderr, provider host output, engine diagnostics with every error message, gRPC
 * responses) and no secret may appear in plain text: connection strings, passwords, account keys, client secrets,
 * access tokens, the AEP client secret or the IMS bearer tokens the emulator issued.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findAuthVariant, sourceKeys, sources } from "../../provider/sources";
import { BUILT_IN_SCHEMAS, startEmulator, type Emulator } from "../../emulator";
import { azureInvokes, azureResourceOutputs, mockSecrets, tenantId } from "../../harness/azure-mocks";
import { repositoryRoot } from "../../harness/provider-host";
import { TestEngine, type ConfigEntry, type EngineResult } from "../../harness/test-engine";
import { aepConfigEntries } from "../../harness/aep-config";
import { scannableResponses } from "../../harness/rig";
import { bearerTokens } from "../../harness/reliability-rig";
import { findSecrets, findSecretsInFiles, listFiles, type Secret } from "./scan";

const examplesDir = path.join(repositoryRoot, "examples");

/** Every secret auth param AEP received, plus the password and key fragments inside connection strings. */
function storedSecrets(emulator: Emulator): Secret[] {
  const secrets: Secret[] = [];
  for (const connection of emulator.store.list()) {
    const definition = sourceKeys.map((key) => sources[key]).find((s) => s.connectionSpec.id === connection.connectionSpec.id);
    assert.ok(definition, `a registry source for connection spec ${connection.connectionSpec.id}`);
    const variant = findAuthVariant(definition, connection.auth.specName);
    for (const name of variant?.secretParams ?? []) {
      const value = String(connection.auth.params[name]);
      secrets.push({ label: `${connection.name}: ${name}`, value });
      for (const [, key, raw] of value.matchAll(/(Password|AccountKey)=("(?:[^"]|"")*"|[^;]*)/g)) {
        const unquoted = raw!.startsWith('"') ? raw!.slice(1, -1).replace(/""/g, '"') : raw!;
        secrets.push({ label: `${connection.name}: ${key} inside the connection string`, value: unquoted });
      }
    }
  }
  return secrets;
}

function errorsOf(result: EngineResult): string {
  return result.diagnostics.filter((d) => d.severity === "error").map((d) => d.message).join("\n");
}

describe("secret scan of a full run of the example programs", function () {
  this.timeout(300_000);
  let emulator: Emulator;
  let dir: string;

  before(async () => {
    emulator = await startEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-secret-scan-"));
  });
  after(async () => {
    await emulator.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("no secret appears in plain text in anything the project emits", async () => {
    const startedAt = Date.now() - 1000;
    const emitted: Record<string, string> = {};
    const secrets: Secret[] = [];
    let step = 0;
    const collect = (label: string, result: EngineResult, stateFile: string): EngineResult => {
      step += 1;
      const at = `${step} ${label}`;
      emitted[`${at}: program stdout`] = result.stdout;
      emitted[`${at}: program stderr`] = result.stderr;
      emitted[`${at}: provider host output`] = result.providerOutput;
      emitted[`${at}: engine diagnostics and errors`] = result.diagnostics.map((d) => `${d.severity}: ${d.message}`).join("\n");
      emitted[`${at}: stack outputs`] = JSON.stringify(result.outputs);
      // Check returns the inputs it was given, secrets included: that is the protocol (CheckResponse.inputs), and
      // the engine marks them secret again as they were when sent (annotateSecrets in the engine's provider plugin).
      // Results carry the secret params in `secretAuthParams`, which the engine marks secret (additionalSecretOutputs);
      // the state file scanned below proves both reach the state encrypted. Everything else in every response
      // (diff, create, read, update, delete, errors and their partial outputs) must hold no secret.
      emitted[`${at}: gRPC responses outside Check inputs and secretAuthParams`] = scannableResponses(result.providerResponses);
      if (fs.existsSync(stateFile)) emitted[`${at}: state file`] = fs.readFileSync(stateFile, "utf8");
      secrets.push(...storedSecrets(emulator));
      return result;
    };

    // --- examples/quickstart: preview, up, destroy.
    const quickstartSecret = "Qs~sp-secret-1f0d2c9e8b7a";
    const quickstartState = path.join(dir, "quickstart.json");
    const quickstart = new TestEngine({
      programDir: path.join(examplesDir, "quickstart"),
      stateFile: quickstartState,
      providerEnv: { AEP_RETRY_BASE_MS: "1" },
      config: {
        ...aepConfigEntries(emulator),
        "aep-quickstart:storageAccountName": { value: "acmelake" },
        "aep-quickstart:tenantId": { value: tenantId },
        "aep-quickstart:servicePrincipalId": { value: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456" },
        "aep-quickstart:servicePrincipalSecret": { value: quickstartSecret, secret: true },
      },
    });
    collect("quickstart preview", await quickstart.preview(), quickstartState);
    assert.ok(collect("quickstart up", await quickstart.up(), quickstartState).succeeded, "quickstart up");
    assert.ok(collect("quickstart destroy", await quickstart.destroy(), quickstartState).succeeded, "quickstart destroy");

    // --- examples/all-sources: every source, secrets from mocked Azure resources and from config.
    const databricksToken = "dapi5c0ffee0123456789abcdef012345";
    const badToken = "dapi-bad token-9f8e7d6c5b4a";
    const stateFile = path.join(dir, "all-sources.json");
    const engine = new TestEngine({
      programDir: path.join(examplesDir, "all-sources"),
      stateFile,
      mocks: azureResourceOutputs,
      invokes: azureInvokes,
      providerEnv: { AEP_RETRY_BASE_MS: "1" },
      config: {
        ...aepConfigEntries(emulator),
        "aep-all-sources:databricksClusterId": { value: "0923-164208-abcd1234" },
        "aep-all-sources:databricksToken": { value: databricksToken, secret: true },
        "aep-all-sources:schemaId": { value: BUILT_IN_SCHEMAS[0]!.id },
        "aep-all-sources:tenantNamespace": { value: "_acmeemulator" },
      },
    });
    collect("preview", await engine.preview(), stateFile);
    assert.ok(collect("up", await engine.up(), stateFile).succeeded, "up creates all six connections");
    const byName = new Map(emulator.store.list().map((c) => [c.name, c]));
    assert.equal(byName.size, 6);

    // A failing create whose error echoes the request (the connection string) and the client secret.
    const orders = byName.get("Acme orders")!;
    const ordersConnectionString = String(orders.auth.params["connectionString"]);
    emulator.store.remove(orders.id);
    collect("refresh after an out-of-band delete", await engine.refresh(), stateFile);
    emulator.inject({
      kind: "status", status: 400, method: "POST", route: "/connections",
      body: { type: "https://ns.adobe.com/aep/errors/FLOW-1100-400", title: "Bad Request", report: { "detailed-message": `rejected ${ordersConnectionString} for ${emulator.client.clientSecret}` } },
    });
    const failedCreate = collect("up with a failing create", await engine.up(), stateFile);
    assert.match(errorsOf(failedCreate), /POST \/connections failed: 400 Bad Request \[FLOW-1100\] rejected \[REDACTED\] for \[REDACTED\]/);
    assert.ok(collect("up again", await engine.up(), stateFile).succeeded, "the next up creates it");

    // An update meeting a stale etag twice (412, FLOW-1404), with a rename and a password rotation.
    engine.setConfig("aep-all-sources:namePrefix", { value: "Contoso" });
    engine.setConfig("aep-all-sources:passwordRotation", { value: "2" });
    emulator.inject({ kind: "stale-etag", method: "PATCH", times: 2 });
    const failedUpdate = collect("up with a 412 on update", await engine.up(), stateFile);
    assert.match(errorsOf(failedUpdate), /keeps changing while Pulumi updates it .*FLOW-1404-412/);
    assert.ok(collect("up again", await engine.up(), stateFile).succeeded, "the next up applies the update");

    // Bad inputs at preview, named as the program wrote them: a malformed cluster id, then a secret (the Databricks
    // token) with a space in it.
    engine.setConfig("aep-all-sources:databricksClusterId", { value: "bad cluster id" });
    const badInput = collect("preview with a bad cluster id", await engine.preview(), stateFile);
    assert.match(errorsOf(badInput), /clusterId: is not a cluster ID/);
    engine.setConfig("aep-all-sources:databricksClusterId", { value: "0923-164208-abcd1234" });
    engine.setConfig("aep-all-sources:databricksToken", { value: badToken, secret: true });
    const badSecret = collect("preview with a bad token", await engine.preview(), stateFile);
    assert.match(errorsOf(badSecret), /accessToken: contains whitespace/);
    engine.setConfig("aep-all-sources:databricksToken", { value: databricksToken, secret: true });

    // A delete refused because dataflows use the connection (FLOW-1418), then the real destroy.
    const lake = emulator.store.list().find((c) => c.name === "Contoso data lake")!;
    emulator.store.markInUse(lake.id);
    const refused = collect("destroy refused by FLOW-1418", await engine.destroy(), stateFile);
    assert.match(errorsOf(refused), /used by one or more dataflows \(AEP refused the delete, FLOW-1418\)/);
    emulator.store.markInUse(lake.id, false);
    assert.ok(collect("destroy", await engine.destroy(), stateFile).succeeded, "destroy");
    assert.equal(emulator.store.list().length, 0);

    // Everything that must stay secret, as values (findings name them by label only).
    secrets.push(
      { label: "AEP client secret", value: emulator.client.clientSecret },
      { label: "quickstart service principal secret", value: quickstartSecret },
      { label: "Databricks token", value: databricksToken },
      { label: "malformed Databricks token", value: badToken },
      { label: "orders connection string (echoed in an error)", value: ordersConnectionString },
      ...mockSecrets(["1", "2"]).map((value, i) => ({ label: `mocked Azure secret ${i + 1}`, value })),
      ...bearerTokens(emulator).map((value, i) => ({ label: `IMS access token ${i + 1}`, value })),
    );
    const unique = [...new Map(secrets.filter((s) => s.value.length >= 8).map((s) => [s.value, s])).values()];
    assert.ok(unique.length >= 15, `a meaningful set of secrets (${unique.length})`);
    assert.ok(Object.keys(emitted).filter((place) => place.endsWith("state file")).length >= 10, "the state file was scanned after every operation");
    assert.ok(Object.values(emitted).some((text) => text.includes("[REDACTED]")), "echoed secrets were seen, redacted");

    const files = [...listFiles([dir]), ...listFiles([examplesDir], { since: startedAt, maxDepth: 2 })];
    const findings = [...findSecrets(emitted, unique), ...findSecretsInFiles(files, unique)];
    console.log(
      `      secret scan: ${unique.length} secret values (each as is, JSON-escaped and URL-encoded) in ` +
        `${Object.keys(emitted).length} emitted texts over ${step} operations and ${files.length} files: ${findings.length} found`,
    );
    assert.deepEqual(findings, [], "no secret in plain text");
  });
});

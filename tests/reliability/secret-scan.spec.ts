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
import { allVariants, scannableResponses, secretValues } from "../../harness/rig";
import { bearerTokens, startReliabilityRig, stopReliabilityRig, type ReliabilityRig } from "../../harness/reliability-rig";
import { HostCallError, type PropertyBag } from "../../harness/provider-host";
import { createObjects, destroyPipeline, ObjectHost, objectInputs, pipelineSources, type HostObject, type Pipeline } from "../../harness/pipeline-rig";
import { SECRET_OUTPUT } from "../../provider/base-connection/outputs";
import { pipelineFixtures } from "../fixtures/pipelines";
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

/** The stored outputs of an object as the engine keeps them in clear: `secretAuthParams` is stored encrypted. */
function clearOutputs(outs: PropertyBag): string {
  const { [SECRET_OUTPUT]: _encrypted, ...rest } = outs;
  return JSON.stringify(rest);
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

describe("secret scan of a full run of pipelines through the provider host", function () {
  this.timeout(120_000);
  let rig: ReliabilityRig;

  before(async () => {
    rig = await startReliabilityRig({ httpTimeoutMs: 2_000, retryBaseMs: 5 });
  });
  after(async () => {
    await stopReliabilityRig(rig);
  });

  it("no secret in host responses, host output, errors, stored outputs or what AEP stores of the dataflow objects", async () => {
    const { emulator } = rig;
    const objects = await ObjectHost.on(rig.hosts[0]!);
    const emitted: Record<string, string> = {};
    const secrets: Secret[] = [];
    let step = 0;
    /** Runs one engine call; what it returns (stored outputs) or throws (the error and what the engine records) is kept. */
    const run = async <T>(label: string, call: () => Promise<T>, expectFailure?: RegExp): Promise<T | undefined> => {
      step += 1;
      try {
        const result = await call();
        if (expectFailure !== undefined) assert.fail(`${label}: expected a failure matching ${expectFailure}`);
        const outs = (result as { outs?: PropertyBag; props?: PropertyBag } | undefined)?.outs ?? (result as { props?: PropertyBag } | undefined)?.props;
        if (outs !== undefined) emitted[`${step} ${label}: stored outputs`] = clearOutputs(outs);
        return result;
      } catch (error) {
        if (!(error instanceof HostCallError) || expectFailure === undefined) throw error;
        assert.match(error.details, expectFailure, label);
        emitted[`${step} ${label}: error`] = error.details;
        // What the engine stores of a partially created object: its outputs and the reasons.
        if (error.initFailure !== undefined) emitted[`${step} ${label}: recorded outputs and reasons`] = `${clearOutputs(error.initFailure.properties)}\n${error.initFailure.reasons.join("\n")}`;
        return undefined;
      }
    };
    const echo = (text: string) => ({ type: "https://ns.adobe.com/aep/errors/FLOW-1100-400", title: "Bad Request", report: { "detailed-message": text } });

    // --- create a pipeline from every source; runs start at once (a start time in the past).
    const startTime = Math.floor(emulator.clock.now() / 1000) - 60;
    const pipelines = new Map<string, Partial<Pipeline>>();
    for (const { source } of pipelineSources) {
      const made = await run(`create the ${source} pipeline`, () =>
        createObjects(objects, source, `scan ${source}`, ["BaseConnection", "SourceConnection", "Dataset", "TargetConnection", "MappingSet", "Dataflow"], { schedule: { frequency: "hour", interval: 1, startTime } }),
      );
      pipelines.set(source, made!);
      for (const object of Object.values(made!)) emitted[`${step} create ${object.type} ${source}: stored outputs`] = clearOutputs(object.outs);
    }
    // One pipeline reads a table the source does not have: its runs fail, with AEP's run errors.
    const failing = pipelines.get("sql-server")!;
    const missingTable = await run("replace the sql-server source connection with one reading a missing table", async () => {
      const sourceConnection = failing.SourceConnection!;
      const inputs = { ...sourceConnection.inputs, table: { tableName: "dbo.missing" } };
      const diff = await objects.diff(sourceConnection, inputs);
      assert.deepEqual(diff.replaces, ["table.tableName"]);
      return objects.create("SourceConnection", sourceConnection.name, inputs);
    });
    const flow = failing.Dataflow!;
    const newFlow = await run("replace the sql-server dataflow with one reading it", async () => {
      const inputs = { ...flow.inputs, sourceConnectionId: missingTable!.id };
      assert.deepEqual((await objects.diff(flow, inputs)).replaces, ["sourceConnectionId"]);
      return objects.create("Dataflow", flow.name, inputs);
    });
    await run("delete the replaced dataflow", () => objects.delete(flow));
    await run("delete the replaced source connection", () => objects.delete(failing.SourceConnection!));
    failing.SourceConnection = missingTable!;
    failing.Dataflow = newFlow!;
    emulator.clock.advance(3 * 3600_000);
    assert.ok(emulator.dataflows.runs().some((r) => r.outcome === "failed" && r.errors.length > 0), "a run failed, with errors");

    // --- refresh every object (a dataflow's refresh reads its last run).
    for (const [source, pipeline] of pipelines) {
      for (const object of Object.values(pipeline)) await run(`refresh ${object.type} ${source}`, () => objects.read(object));
    }

    // --- update: rotate the base connections' secrets, rename, new mappings, a new schedule, disable.
    for (const { source } of pipelineSources) {
      const pipeline = pipelines.get(source)!;
      const variant = allVariants().find((v) => v.source === source)!;
      const base = pipeline.BaseConnection!;
      pipeline.BaseConnection = await run(`rotate the ${source} base connection's secrets`, () =>
        objects.update(base, { ...base.inputs, auth: { specName: variant.specName, params: variant.rotated } }),
      );
      for (const type of ["SourceConnection", "TargetConnection"] as const) {
        const object = pipeline[type]!;
        pipeline[type] = await run(`rename the ${source} ${type}`, () => objects.update(object, { ...object.inputs, name: `${String(object.inputs["name"])} v2` }));
      }
      const mappingSet = pipeline.MappingSet!;
      pipeline.MappingSet = await run(`new mappings for ${source}`, () => objects.update(mappingSet, { ...mappingSet.inputs, mappings: pipelineFixtures[source].otherMappings }));
      const dataflow = pipeline.Dataflow!;
      pipeline.Dataflow = await run(`new schedule, mapping version and disable for ${source}`, () =>
        objects.update(dataflow, { ...dataflow.inputs, mappingVersion: pipeline.MappingSet!.outs["version"], schedule: { frequency: "day", interval: 1, startTime }, enabled: false }),
      );
    }
    secrets.push(...storedSecrets(emulator), ...allVariants().flatMap((v) => secretValues(v).map((value, i) => ({ label: `${v.source} ${v.specName} secret ${i + 1}`, value }))));

    // --- failing cases.
    const synapse = pipelines.get("synapse")!;
    const connectionString = secrets.find((secret) => secret.label.startsWith("scan synapse connection: "))!.value;
    emulator.inject({ kind: "status", status: 400, method: "POST", route: "/sourceConnections", body: echo(`cannot reach the source with ${connectionString} (client ${emulator.client.clientSecret})`) });
    await run("a source connection create refused, echoing the base connection's connection string and the client secret", () =>
      objects.create("SourceConnection", "scan echo", objects.withIdentity("SourceConnection", "scan echo", objectInputs("SourceConnection", "synapse", "scan echo", synapse))),
    /POST \/sourceConnections failed: 400/);
    emulator.inject({ kind: "status", status: 400, method: "POST", route: "/flows", body: echo(`connection test failed: ${connectionString}`) });
    await run("a dataflow create refused, echoing the connection string", () =>
      objects.create("Dataflow", "scan echo", objects.withIdentity("Dataflow", "scan echo", { ...objectInputs("Dataflow", "synapse", "scan echo", synapse) })),
    /POST \/flows failed: 400/);
    emulator.inject({ kind: "status", status: 500, method: "POST", route: /^\/flows\/[^/]+\/action$/, times: 50, body: echo(`could not disable: ${emulator.client.clientSecret}`) });
    const recorded = await run("a dataflow created disabled whose disable fails (recorded by id)", () =>
      objects.create("Dataflow", "scan disabled", objects.withIdentity("Dataflow", "scan disabled", { ...objectInputs("Dataflow", "synapse", "scan disabled", synapse), enabled: false })),
    /was created, but bringing it to the declared state failed/);
    assert.equal(recorded, undefined);
    const partial = emulator.dataflows.flows().find((f) => f.name === "scan disabled flow")!;
    emulator.clearFaults();
    await run("delete the recorded dataflow", () => objects.delete({ type: "Dataflow", name: "scan disabled", id: partial.id, outs: { flowId: partial.id } }));
    emulator.inject({ kind: "stale-etag", method: "PATCH", times: 2 });
    const target = synapse.TargetConnection!;
    await run("a rename meeting a 412 twice", () => objects.update(target, { ...target.inputs, name: "scan 412" }), /keeps changing/);
    await run("a source connection delete refused while its dataflow uses it", () => objects.delete(synapse.SourceConnection!), /Cannot delete source connection .* it is used by dataflow/);
    emulator.inject({ kind: "dependency-failure", service: "catalog", method: "POST", route: "/targetConnections" });
    await run("a target connection create meeting Catalog unavailable", () =>
      objects.create("TargetConnection", "scan dependency", objects.withIdentity("TargetConnection", "scan dependency", objectInputs("TargetConnection", "synapse", "scan dependency", synapse))),
    /POST \/targetConnections failed: 500/);

    // --- destroy everything.
    for (const [source, pipeline] of pipelines) await run(`destroy the ${source} pipeline`, () => destroyPipeline(objects, pipeline));
    assert.deepEqual(
      [emulator.store.list().length, emulator.dataflows.flows().length, emulator.dataflows.sourceConnections().length, emulator.dataflows.targetConnections().length, emulator.dataflows.datasets().length, emulator.dataflows.mappingSets().length],
      [0, 0, 0, 0, 0, 0],
      "destroy leaves nothing",
    );

    // Everything the host answered (Check echoes its inputs and secretAuthParams is stored encrypted, as the protocol
    // requires), printed, and everything AEP keeps of the dataflow objects, their runs' errors included.
    const host = rig.hosts[0]!;
    emitted["host responses outside Check inputs and secretAuthParams"] = scannableResponses(host.responses);
    emitted["host output"] = host.output;
    emitted["AEP: source connections, target connections, flows, runs, datasets, mapping sets"] = JSON.stringify([
      emulator.dataflows.sourceConnections(),
      emulator.dataflows.targetConnections(),
      emulator.dataflows.flows(),
      emulator.dataflows.runs(),
      emulator.dataflows.datasets(),
      emulator.dataflows.mappingSets(),
    ]);
    emitted["AEP: run errors"] = emulator.dataflows.runs().flatMap((r) => r.errors.map((e) => `${e.code}: ${e.message}`)).join("\n");
    secrets.push({ label: "AEP client secret", value: emulator.client.clientSecret }, ...bearerTokens(emulator).map((value, i) => ({ label: `IMS access token ${i + 1}`, value })));
    const unique = [...new Map(secrets.filter((s) => s.value.length >= 8).map((s) => [s.value, s])).values()];
    assert.ok(unique.length >= 15, `a meaningful set of secrets (${unique.length})`);
    assert.ok(emitted["AEP: run errors"]!.length > 0, "runs failed with errors");
    assert.ok(Object.values(emitted).some((text) => text.includes("[REDACTED]")), "echoed secrets were seen, redacted");
    const findings = findSecrets(emitted, unique);
    console.log(`      secret scan (pipelines): ${unique.length} secret values (each as is, JSON-escaped and URL-encoded) in ${Object.keys(emitted).length} emitted texts over ${step} operations: ${findings.length} found`);
    assert.deepEqual(findings, [], "no secret in plain text");
  });
});

/**
 * BaseConnection through Pulumi's real dynamic-provider host, driven over gRPC exactly as the engine drives it
 * (Configure, Check, Diff, Create, Read, Update, Delete with the serialized `__provider`), against the emulator.
 */
import { strict as assert } from "node:assert";
import { HostCallError, unknown, type PropertyBag } from "../../harness/provider-host";
import { splitMarker, withMarker } from "../../provider/flow-service/identity";
import { sourceKeys } from "../../provider/sources";
import { allVariants, inputsFor, scannableResponses, secretValues, startRig, stopRig, urnOf, type Rig, type Variant } from "../../harness/rig";

const variants = allVariants();

describe("BaseConnection lifecycle through the dynamic-provider host", function () {
  this.timeout(60_000);
  let rig: Rig;

  before(async () => {
    rig = await startRig();
  });
  after(async () => {
    await stopRig(rig);
  });
  beforeEach(() => {
    rig.emulator.store.clear();
    rig.emulator.clearFaults();
    rig.emulator.clearRequests();
  });

  async function createFrom(inputs: PropertyBag, name: string): Promise<{ id: string; outs: PropertyBag; checked: PropertyBag }> {
    const checked = await rig.host.check(urnOf(name), {}, inputs);
    assert.deepEqual(checked.failures, []);
    const created = await rig.host.create(urnOf(name), checked.inputs);
    return { ...created, checked: checked.inputs };
  }

  for (const variant of variants) {
    describe(`${variant.source} / ${variant.specName}`, () => {
      it("creates, reads, rotates credentials in place, renames in place, and deletes", async () => {
        const name = `${variant.source}-conn`;
        const { id, outs, checked } = await createFrom(inputsFor(variant, "Display name"), name);

        const stored = rig.emulator.store.get(id);
        assert.ok(stored, "the connection exists in AEP");
        assert.equal(stored.name, "Display name");
        assert.equal(stored.description, `[pulumi:${String(checked["identity"])}]`, "the create marker, alone when there is no description");
        assert.equal(stored.auth.specName, variant.specName);
        assert.deepEqual(stored.auth.params, variant.params, "AEP received exactly the declared params");
        assert.equal(outs["connectionId"], id);
        assert.equal(outs["sandboxName"], "prod");
        assert.equal(outs["state"], "enabled");
        assert.equal(outs["etag"], stored.etag);
        assert.equal(outs["connectionSpecId"], stored.connectionSpec.id);
        assert.ok(!("auth" in outs), "outputs never carry the auth input as such");
        const secretNames = new Set(variant.secretParams);
        const pick = (params: Record<string, unknown>, secret: boolean) =>
          Object.fromEntries(Object.entries(params).filter(([key]) => secretNames.has(key) === secret));
        assert.deepEqual(outs["authParams"], pick(variant.params, false), "non-secret params in clear");
        assert.deepEqual(outs["secretAuthParams"], pick(variant.params, true), "secret params only in the output the engine encrypts");

        const read = await rig.host.read(urnOf(name), id, outs);
        assert.equal(read.id, id);
        assert.equal((await rig.host.diff(urnOf(name), id, read.props, checked)).changes, "none", "refresh then preview shows no change");

        // Credential rotation: an in-place update, same id, all params sent.
        const rotatedInputs = inputsFor({ ...variant, params: variant.rotated } as Variant, "Display name");
        const rotation = await rig.host.diff(urnOf(name), id, read.props, rotatedInputs);
        assert.deepEqual({ changes: rotation.changes, replaces: rotation.replaces }, { changes: "some", replaces: [] });
        const updated = await rig.host.update(urnOf(name), id, read.props, rotatedInputs);
        assert.deepEqual(rig.emulator.store.get(id)?.auth.params, variant.rotated);
        assert.notEqual(updated.outs["etag"], outs["etag"]);
        assert.equal((await rig.host.diff(urnOf(name), id, updated.outs, rotatedInputs)).changes, "none");
        assert.deepEqual(updated.outs["secretAuthParams"], pick(variant.rotated, true), "the rotated secrets are stored");

        // Rename: also in place.
        const renamed = { ...rotatedInputs, name: "New display name", description: "now with a description" };
        assert.deepEqual((await rig.host.diff(urnOf(name), id, updated.outs, renamed)).replaces, []);
        const afterRename = await rig.host.update(urnOf(name), id, updated.outs, renamed);
        assert.equal(rig.emulator.store.get(id)?.name, "New display name");
        assert.equal(
          rig.emulator.store.get(id)?.description,
          `now with a description [pulumi:${String(checked["identity"])}]`,
          "AEP holds the description with the resource's create marker at its end",
        );
        assert.equal(afterRename.outs["description"], "now with a description", "state holds it as declared");
        assert.equal(rig.emulator.store.list().length, 1, "no duplicate");

        await rig.host.delete(urnOf(name), id, afterRename.outs);
        assert.equal(rig.emulator.store.list().length, 0);

        // Check necessarily echoes the inputs and results carry `secretAuthParams` (the engine marks both secret);
        // everything else the host returned or printed must be free of secrets.
        const responses = scannableResponses(rig.host.responses);
        for (const secret of secretValues(variant)) {
          assert.ok(!responses.includes(secret), `no ${variant.source} secret in responses outside secretAuthParams`);
          assert.ok(!rig.host.output.includes(secret), "the host printed no secret");
        }
      });
    });
  }

  it("preview: unknown params pass check, diff reports a change, and nothing is sent to AEP", async () => {
    const variant = variants.find((v) => v.source === "adls-gen2")!;
    const { id, outs } = await createFrom(inputsFor(variant, "lake"), "lake");
    rig.emulator.clearRequests();
    const previewInputs = inputsFor(variant, "lake", { auth: { specName: variant.specName, params: { ...variant.params, url: unknown } } });
    const checked = await rig.host.check(urnOf("lake-new"), {}, previewInputs);
    assert.deepEqual(checked.failures, []);
    const diff = await rig.host.diff(urnOf("lake"), id, outs, previewInputs);
    assert.equal(diff.changes, "some");
    assert.deepEqual(diff.replaces, []);
    assert.equal(rig.emulator.requests.length, 0, "check and diff send no HTTP request");
  });

  it("replaces the connection when the auth spec, the source or the sandbox changes", async () => {
    const byString = variants.find((v) => v.source === "synapse" && v.specName === "Connection String Based Authentication")!;
    const bySp = variants.find((v) => v.source === "synapse" && v.specName === "Service Principal Key Based Authentication")!;
    const sql = variants.find((v) => v.source === "sql-server")!;
    const { id, outs } = await createFrom(inputsFor(byString, "dw"), "dw");
    assert.deepEqual((await rig.host.diff(urnOf("dw"), id, outs, inputsFor(bySp, "dw"))).replaces, ["auth.specName"]);
    assert.deepEqual((await rig.host.diff(urnOf("dw"), id, outs, inputsFor(sql, "dw"))).replaces, ["source"]);
    const moved = await rig.host.diff(urnOf("dw"), id, outs, inputsFor(byString, "dw", { sandboxName: "dev" }));
    assert.deepEqual({ changes: moved.changes, replaces: moved.replaces }, { changes: "some", replaces: ["sandboxName"] });
  });

  it("diff reports no change when only the serialized provider differs", async () => {
    const variant = variants[0]!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "same"), "same");
    const diff = await rig.host.diff(urnOf("same"), id, { ...outs, __provider: `${String(outs["__provider"])}\n// older build` }, checked);
    assert.equal(diff.changes, "none");
  });

  it("refresh: reports a connection deleted outside Pulumi as gone, and name drift as changed outputs", async () => {
    const variant = variants.find((v) => v.source === "databricks")!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "bricks"), "bricks");
    rig.emulator.store.modify(id, { name: "renamed in the AEP UI" });
    const drifted = await rig.host.read(urnOf("bricks"), id, outs);
    assert.equal(drifted.props["name"], "renamed in the AEP UI");
    assert.equal((await rig.host.diff(urnOf("bricks"), id, drifted.props, checked)).changes, "some", "the next up renames it back");
    const restored = await rig.host.update(urnOf("bricks"), id, drifted.props, checked);
    assert.equal(rig.emulator.store.get(id)?.name, "bricks");

    rig.emulator.store.remove(id);
    const gone = await rig.host.read(urnOf("bricks"), id, restored.outs);
    assert.equal(gone.id, "", "an empty id tells the engine the resource is gone");
  });

  it("refresh keeps secrets from state (the API masks them) and detects drift of non-secret params", async () => {
    const variant = variants.find((v) => v.source === "adls-gen2")!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "lake"), "lake");
    const read = await rig.host.read(urnOf("lake"), id, outs);
    assert.deepEqual(read.props["secretAuthParams"], outs["secretAuthParams"], "masked secrets are kept from state");
    assert.equal((await rig.host.diff(urnOf("lake"), id, read.props, checked)).changes, "none", "masked secrets are not drift");
    rig.emulator.store.modify(id, { params: { ...variant.params, tenant: "00000000-1111-2222-3333-444444444444" } });
    const drifted = await rig.host.read(urnOf("lake"), id, read.props);
    assert.equal((drifted.props["authParams"] as Record<string, unknown>)["tenant"], "00000000-1111-2222-3333-444444444444");
    assert.equal((await rig.host.diff(urnOf("lake"), id, drifted.props, checked)).changes, "some");
    await rig.host.update(urnOf("lake"), id, drifted.props, checked);
    assert.deepEqual(rig.emulator.store.get(id)?.auth.params, variant.params, "the update restores every param, the secret included");
  });

  it("state written with a salted fingerprint instead of secretAuthParams: one update re-sends the params, then no change", async () => {
    const variant = variants.find((v) => v.source === "sql-server")!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "orders"), "orders");
    const { secretAuthParams: _secrets, ...older } = outs;
    const legacy = { ...older, authFingerprint: "scrypt$c2FsdHNhbHRzYWx0c2FsdA$ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0ZGlnZXN0" };
    assert.equal((await rig.host.diff(urnOf("orders"), id, legacy, checked)).changes, "some", "unknown secrets count as changed");
    rig.emulator.clearRequests();
    const updated = await rig.host.update(urnOf("orders"), id, legacy, checked);
    const patch = rig.emulator.requests.find((r) => r.method === "PATCH");
    const body = patch?.body as { path: string; value?: unknown }[];
    assert.deepEqual(body.find((op) => op.path === "/auth/params")?.value, variant.params, "the same params, sent whole");
    assert.equal(rig.emulator.store.list().length, 1, "same connection");
    assert.ok(!("authFingerprint" in updated.outs), "the fingerprint is not carried forward");
    assert.equal((await rig.host.diff(urnOf("orders"), id, updated.outs, checked)).changes, "none");
  });

  it("an update writes the whole declared state: an earlier update AEP applied without Pulumi hearing back is not left behind", async () => {
    const variant = variants.find((v) => v.source === "databricks")!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "lakehouse"), "lakehouse");
    // What a killed host leaves: AEP applied a new description and rotated params; state still holds the old ones.
    const marker = splitMarker(rig.emulator.store.get(id)?.description).key!;
    rig.emulator.store.modify(id, { description: withMarker("written by a lost update", marker), params: variant.rotated });
    const renamed = await rig.host.check(urnOf("lakehouse"), checked, inputsFor(variant, "lakehouse renamed"));
    await rig.host.update(urnOf("lakehouse"), id, outs, renamed.inputs, checked);
    const stored = rig.emulator.store.get(id)!;
    assert.equal(stored.name, "lakehouse renamed");
    assert.equal(splitMarker(stored.description).text, undefined, "the declared description (none), not the lost update's");
    assert.deepEqual(stored.auth.params, variant.params, "the declared params, not the lost update's");
  });

  it("adopt: takes over an existing connection instead of creating one", async () => {
    const variant = variants.find((v) => v.source === "table-storage")!;
    const existing = rig.emulator.store.seed({
      name: "made by hand",
      connectionSpecId: rig.emulator.store.list().length === 0 ? "ecde33f2-c56f-46cc-bdea-ad151c16cd69" : "",
      specName: variant.specName,
      params: { connectionString: "DefaultEndpointsProtocol=https;AccountName=old;AccountKey=b2xk" },
    });
    const { id, outs } = await createFrom(inputsFor(variant, "tables", { adopt: existing.id }), "tables");
    assert.equal(id, existing.id);
    assert.equal(rig.emulator.store.list().length, 1, "nothing new was created");
    assert.equal(rig.emulator.store.get(id)?.name, "tables");
    assert.deepEqual(rig.emulator.store.get(id)?.auth.params, variant.params);
    assert.equal(outs["connectionId"], existing.id);
  });

  it("adopt: refuses a connection of another source or one that does not exist, creating nothing", async () => {
    const variant = variants.find((v) => v.source === "table-storage")!;
    const other = rig.emulator.store.seed({
      name: "a SQL Server connection",
      connectionSpecId: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
      specName: "Connection String Based Authentication",
      params: { connectionString: "Data Source=x;Initial Catalog=y;Integrated Security=False;User ID=u;Password=p;" },
    });
    await assert.rejects(rig.host.create(urnOf("t"), inputsFor(variant, "t", { adopt: other.id })), /adopt: .*1f372ff9.*table-storage/s);
    await assert.rejects(
      rig.host.create(urnOf("t"), inputsFor(variant, "t", { adopt: "0b8224e4-0de8-4293-8224-e40de80293c6" })),
      /adopt: base connection 0b8224e4-0de8-4293-8224-e40de80293c6 does not exist in sandbox "prod"/,
    );
    assert.equal(rig.emulator.store.list().length, 1);
  });

  it("update after someone else changed the connection (412): re-reads and applies the change", async () => {
    const variant = variants.find((v) => v.source === "sql-server")!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "orders"), "orders");
    rig.emulator.store.modify(id, { description: "edited elsewhere" });
    const renamed = { ...checked, name: "orders v2" };
    const updated = await rig.host.update(urnOf("orders"), id, outs, renamed);
    assert.equal(rig.emulator.store.get(id)?.name, "orders v2");
    assert.equal(updated.outs["etag"], rig.emulator.store.get(id)?.etag);
    const patches = rig.emulator.requests.filter((r) => r.method === "PATCH");
    assert.deepEqual(patches.map((r) => r.status), [412, 200]);
  });

  it("update that keeps meeting a stale etag fails clearly, leaving the connection as it was", async () => {
    const variant = variants.find((v) => v.source === "sql-server")!;
    const { id, outs, checked } = await createFrom(inputsFor(variant, "orders"), "orders");
    rig.emulator.inject({ kind: "stale-etag", method: "PATCH", times: 2 });
    await assert.rejects(rig.host.update(urnOf("orders"), id, outs, { ...checked, name: "orders v3" }), /keeps changing.*FLOW-1404-412/s);
    assert.equal(rig.emulator.store.get(id)?.name, "orders");
  });

  it("delete of a connection that is already gone succeeds", async () => {
    const variant = variants[0]!;
    const { id, outs } = await createFrom(inputsFor(variant, "gone"), "gone");
    rig.emulator.store.remove(id);
    await rig.host.delete(urnOf("gone"), id, outs);
  });

  it("delete of a connection used by dataflows fails and says what to do", async () => {
    const variant = variants[0]!;
    const { id, outs } = await createFrom(inputsFor(variant, "busy"), "busy");
    rig.emulator.store.markInUse(id);
    await assert.rejects(rig.host.delete(urnOf("busy"), id, outs), /used by one or more dataflows.*Delete those dataflows first/s);
    assert.ok(rig.emulator.store.get(id), "the connection is still there");
  });

  it("a failure after AEP created the connection reports its id so the engine records it (no orphan)", async () => {
    const variant = variants[0]!;
    rig.emulator.inject({ kind: "status", status: 500, method: "GET", route: /\/test$/, times: 10 });
    const checked = await rig.host.check(urnOf("half"), {}, inputsFor(variant, "half", { verify: true }));
    const error = await rig.host.create(urnOf("half"), checked.inputs).then(
      () => assert.fail("create should fail"),
      (e: unknown) => e as HostCallError,
    );
    assert.ok(error instanceof HostCallError);
    const stored = rig.emulator.store.list();
    assert.equal(stored.length, 1);
    assert.equal(error.initFailure?.id, stored[0]!.id);
    assert.equal(error.initFailure?.properties["connectionId"], stored[0]!.id);
    assert.equal(typeof error.initFailure?.properties["__provider"], "string", "the engine can delete or refresh it later");
    assert.match(error.details, /verify: testing base connection .* failed/);
  });

  it("verify: a failing connection test fails the create, keeping the connection on record", async () => {
    const variant = variants.find((v) => v.source === "databricks")!;
    rig.emulator.inject({ kind: "status", status: 200, method: "GET", route: /\/test$/, body: { result: false } });
    const checked = await rig.host.check(urnOf("v"), {}, inputsFor(variant, "v", { verify: true }));
    const error = await rig.host.create(urnOf("v"), checked.inputs).then(
      () => assert.fail("create should fail"),
      (e: unknown) => e as HostCallError,
    );
    assert.match(error.details, /verify: AEP's connection test reported .* cannot reach Azure Databricks/);
    assert.equal(error.initFailure?.id, rig.emulator.store.list()[0]?.id);
    assert.equal(error.initFailure?.properties["name"], "v");
    assert.ok(!("secretAuthParams" in (error.initFailure?.properties ?? {})), "a failure's partial outputs carry no secret");
    const publicParams = Object.fromEntries(Object.entries(variant.params).filter(([key]) => !variant.secretParams.includes(key)));
    assert.deepEqual(error.initFailure?.properties["authParams"], publicParams, "non-secret params are kept");
  });

  it("bad input: check names each property, lists allowed values, and sends no request", async () => {
    const result = await rig.host.check(urnOf("bad"), {}, {
      source: "snowflake",
      name: "",
      auth: { specName: "Basic", params: {} },
    });
    const properties = result.failures.map((f) => f.property);
    assert.ok(properties.includes("source"));
    assert.match(result.failures.find((f) => f.property === "source")!.reason, new RegExp(sourceKeys.join(", ")));
    assert.ok(properties.includes("name"));
    const adls = await rig.host.check(urnOf("bad2"), {}, {
      source: "adls-gen2",
      name: "x",
      auth: { specName: "Basic Authentication for adls-gen2", params: { url: "http://x.blob.core.windows.net", servicePrincipalId: "nope", servicePrincipalKey: "", tenant: "1234" } },
    });
    assert.deepEqual(adls.failures.map((f) => f.property).sort(), [
      "auth.params.servicePrincipalId",
      "auth.params.servicePrincipalKey",
      "auth.params.tenant",
      "auth.params.url",
    ]);
    assert.equal(rig.emulator.requests.length, 0);
  });
});

describe("BaseConnection provider settings", function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await stopRig(rig);
    rig = undefined;
  });

  it("without AEP credentials, check still works and create names every missing setting", async () => {
    rig = await startRig({ configure: false });
    await rig.host.configure({}, []);
    const variant = variants[0]!;
    const checked = await rig.host.check(urnOf("c"), {}, inputsFor(variant, "c"));
    assert.deepEqual(checked.failures, []);
    await assert.rejects(rig.host.create(urnOf("c"), checked.inputs), (e: Error) => {
      for (const key of ["aep:clientId (or AEP_CLIENT_ID)", "aep:clientSecret (or AEP_CLIENT_SECRET)", "aep:orgId (or AEP_ORG_ID)"]) {
        assert.ok(e.message.includes(key), `${e.message} names ${key}`);
      }
      return true;
    });
    assert.equal(rig.emulator.requests.length, 0);
  });

  it("the default sandbox comes from aep:sandboxName, and a per-resource sandboxName overrides it", async () => {
    rig = await startRig({ config: { "aep:sandboxName": "dev" } });
    const variant = variants[0]!;
    const inDev = await rig.host.create(urnOf("a"), (await rig.host.check(urnOf("a"), {}, inputsFor(variant, "a"))).inputs);
    const inStage = await rig.host.create(urnOf("b"), (await rig.host.check(urnOf("b"), {}, inputsFor(variant, "b", { sandboxName: "stage" }))).inputs);
    assert.equal(rig.emulator.store.get(inDev.id)?.sandboxName, "dev");
    assert.equal(rig.emulator.store.get(inStage.id)?.sandboxName, "stage");
    assert.equal(inStage.outs["sandboxName"], "stage");
    await rig.host.delete(urnOf("b"), inStage.id, inStage.outs);
    assert.equal(rig.emulator.store.get(inStage.id), undefined, "delete went to the connection's own sandbox");
  });
});

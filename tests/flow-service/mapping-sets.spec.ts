import assert from "node:assert/strict";
import {
  AmbiguousCreateError,
  FlowServiceClient,
  FlowServiceError,
  InUseError,
  ResponseTooLargeError,
  sameMappings,
  withMarker,
  XDM_FULL_SCHEMA_CONTENT_TYPE,
  type NewMappingSet,
} from "../../provider/flow-service";
import { startEmulator } from "../../emulator";
import { OTHER_STACK_KEY, OUR_KEY, SCHEMA_ID, chain, flowBody, mappingSetBody, rejection, requestsTo, sharedDataflowClient } from "./dataflow-harness";
import { FAST_RETRY, collect, settingsFor } from "./harness";

const withFirstName = (body: NewMappingSet): NewMappingSet => ({
  ...body,
  mappings: [...body.mappings, { sourceType: "ATTRIBUTE", source: "first_name", destination: "person.name.firstName" }],
});

describe("flow-service client: Data Prep mapping sets", () => {
  const suite = sharedDataflowClient();

  it("creates (200, version 0) under Data Prep's base path and reads it back with sourceType normalised", async () => {
    assert.equal(XDM_FULL_SCHEMA_CONTENT_TYPE, "application/vnd.adobe.xed-full+json;version=1");
    const created = await suite.client.createMappingSet(mappingSetBody("sql-server", "orders mapping"));
    assert.match(created.id, /^[0-9a-f]{32}$/);
    assert.deepEqual([created.version, created.recovered], [0, false]);
    const [post] = requestsTo(suite.emulator, "POST", "/conversion/mappingSets");
    assert.equal(post?.path, "/data/foundation/conversion/mappingSets");

    const read = await suite.client.getMappingSet(created.id);
    assert.ok(read);
    assert.deepEqual([read.id, read.version, read.name, read.outputSchemaId], [created.id, 0, "orders mapping", SCHEMA_ID]);
    assert.deepEqual(
      read.mappings.map((m) => [m.sourceType, m.source, m.destination]),
      [["ATTRIBUTE", "id", "_id"], ["ATTRIBUTE", "updated_at", "_acmeemulator.updatedAt"]],
      "the server's text/x.schema-path reads as ATTRIBUTE",
    );
    assert.ok(sameMappings(mappingSetBody().mappings, read.mappings));
    assert.ok(!sameMappings(withFirstName(mappingSetBody()).mappings, read.mappings));
    assert.deepEqual((await collect(suite.client.listMappingSets({ name: "orders mapping" }))).map((s) => s.id), [created.id]);
  });

  it("a full PUT makes a new version; the old one stays readable; an unknown set or version reads as undefined", async () => {
    const { id } = await suite.client.createMappingSet(mappingSetBody());
    const before = await suite.client.getMappingSet(id);
    const updated = await suite.client.updateMappingSet(id, withFirstName(mappingSetBody()));
    assert.deepEqual([updated.id, updated.version, updated.recovered], [id, 1, false]);
    assert.equal(updated.mappings.length, 3);
    const [put] = requestsTo(suite.emulator, "PUT", `/conversion/mappingSets/${id}`);
    assert.equal(put?.headers["if-match"], undefined, "Data Prep has no If-Match");
    const v0 = await suite.client.getMappingSet(id, { version: 0 });
    assert.equal(v0?.mappings.length, 2);
    assert.notDeepEqual(updated.mappings.map((m) => m.id), before?.mappings.map((m) => m.id));
    assert.equal(await suite.client.getMappingSet(id, { version: 7 }), undefined);
    assert.equal(await suite.client.getMappingSet("0".repeat(32)), undefined);
    await assert.rejects(suite.client.getMappingSet(id, { version: -1 }), RangeError);
  });

  it("maps Data Prep's refusals with its own codes: invalid mappings, unknown schema, unknown set on PUT", async () => {
    const bad = await rejection(
      suite.client.createMappingSet({ ...mappingSetBody(), mappings: [{ sourceType: "ATTRIBUTE", source: "id", destination: "nope.nothing" }] }),
      FlowServiceError,
    );
    assert.deepEqual([bad.status, bad.adobeCode], [400, "DATAPREP-1002"]);
    assert.match(bad.message, /\[DATAPREP-1002\] .*mappings\[0\]\.destination nope\.nothing/);
    const schema = await rejection(
      suite.client.createMappingSet({ ...mappingSetBody(), outputSchema: { schemaRef: { id: "https://ns.adobe.com/x/schemas/none", contentType: XDM_FULL_SCHEMA_CONTENT_TYPE } } }),
      FlowServiceError,
    );
    assert.equal(schema.adobeCode, "DATAPREP-1003");
    const missing = await rejection(suite.client.updateMappingSet("0".repeat(32), mappingSetBody()), FlowServiceError);
    assert.deepEqual([missing.status, missing.adobeCode], [404, "DATAPREP-1010"]);
    await assert.rejects(suite.client.createMappingSet({ ...mappingSetBody(), mappings: [] }), TypeError);
  });

  it("a PUT whose answer is lost is read back, and done only if the set holds what was sent; sent again only when the read-back proves a transient failure left it unapplied", async () => {
    const { id } = await suite.client.createMappingSet(mappingSetBody());
    suite.emulator.inject({ kind: "commit-then-reset", route: `/conversion/mappingSets/${id}`, method: "PUT" });
    const applied = await suite.client.updateMappingSet(id, withFirstName(mappingSetBody()));
    assert.deepEqual([applied.version, applied.recovered], [1, true]);
    assert.equal(requestsTo(suite.emulator, "PUT", `/conversion/mappingSets/${id}`).length, 1, "one PUT, one new version");
    assert.equal(suite.emulator.dataflows.mappingSets()[0]?.versions.length, 2);

    // A 502 the read-back proves unapplied: the PUT goes again, once, and makes one version.
    suite.emulator.clearRequests();
    suite.emulator.inject({ kind: "status", status: 502, route: `/conversion/mappingSets/${id}`, method: "PUT" });
    const retried = await suite.client.updateMappingSet(id, mappingSetBody());
    assert.deepEqual([retried.version, retried.recovered], [2, false]);
    assert.equal(requestsTo(suite.emulator, "PUT", `/conversion/mappingSets/${id}`).length, 2);
    assert.equal(suite.emulator.dataflows.mappingSets()[0]?.versions.length, 3, "one new version");

    // A 500 is not transient: read back, unapplied, and reported so.
    suite.emulator.inject({ kind: "status", status: 500, route: `/conversion/mappingSets/${id}`, method: "PUT" });
    const notApplied = await rejection(suite.client.updateMappingSet(id, withFirstName(mappingSetBody())), FlowServiceError);
    assert.match(notApplied.message, /failed: 500 .*does not hold the name and mappings sent, so the update was not applied/);
    assert.equal(suite.emulator.dataflows.mappingSets()[0]?.versions.length, 3, "not sent again");
  });

  it("a rename whose PUT fails without being applied is not taken for applied because the mappings are the same", async () => {
    const { id } = await suite.client.createMappingSet(mappingSetBody("sql-server", "orders mapping"));
    suite.emulator.inject({ kind: "status", status: 503, route: `/conversion/mappingSets/${id}`, method: "PUT", times: 50 });
    const notApplied = await rejection(suite.client.updateMappingSet(id, { ...mappingSetBody("sql-server", "orders mapping v2") }), FlowServiceError);
    assert.match(notApplied.message, /does not hold the name and mappings sent, so the update was not applied/);
    assert.equal((await suite.client.getMappingSet(id))?.name, "orders mapping");
  });

  it("refuses to delete a set a flow pins, naming the flow; deletes it once the flow is gone", async () => {
    const c = await chain(suite.client);
    const { id: flowId } = await suite.client.createFlow(flowBody(c));
    const inUse = await rejection(suite.client.deleteMappingSet(c.mapping.id), InUseError);
    assert.deepEqual([inUse.adobeCode, inUse.blockingFlowIds], ["DATAPREP-1006", [flowId]]);
    await suite.client.deleteFlow(flowId);
    assert.equal(await suite.client.deleteMappingSet(c.mapping.id), "deleted");
    assert.equal(await suite.client.deleteMappingSet(c.mapping.id), "not-found");
  });

  describe("crash-safe create (marker at the end of name: a mapping set keeps no description)", () => {
    for (const kind of ["commit-then-reset", "commit-then-fail"] as const) {
      it(`${kind}: finds the set by its marked name, one set, one POST`, async () => {
        const name = withMarker("orders", OUR_KEY);
        suite.emulator.inject({ kind, route: "/conversion/mappingSets", method: "POST" });
        const created = await suite.client.createMappingSet(mappingSetBody("sql-server", name), { identity: { key: OUR_KEY } });
        assert.deepEqual([created.recovered, created.version], ["this-call", 0]);
        assert.deepEqual(suite.emulator.dataflows.mappingSets().map((s) => s.id), [created.id]);
        assert.equal(requestsTo(suite.emulator, "POST", "/conversion/mappingSets").length, 1);
        assert.equal((await suite.client.getMappingSet(created.id))?.name, "orders [pulumi:0123456789abcdef]");
      });
    }

    it("takes an earlier run's set (its current version); never a set named without the marker or with another's", async () => {
      const plain = await suite.client.createMappingSet(mappingSetBody("sql-server", "orders"));
      const other = await suite.client.createMappingSet(mappingSetBody("sql-server", withMarker("orders", OTHER_STACK_KEY)));
      const name = withMarker("orders", OUR_KEY);
      const first = await suite.client.createMappingSet(mappingSetBody("sql-server", name), { identity: { key: OUR_KEY } });
      assert.ok(![plain.id, other.id].includes(first.id));
      await suite.client.updateMappingSet(first.id, withFirstName(mappingSetBody("sql-server", name)));
      const again = await suite.client.createMappingSet(mappingSetBody("sql-server", name), { identity: { key: OUR_KEY } });
      assert.deepEqual([again.id, again.version, again.recovered], [first.id, 1, "earlier-run"]);
    });

    it("requires the marker in the name; of several marked sets one is kept and the other is a stray; no identity plus a lost answer fails", async () => {
      await assert.rejects(suite.client.createMappingSet(mappingSetBody("sql-server", "orders"), { identity: { key: OUR_KEY } }), /name must end with the identity's marker/);
      const name = withMarker("orders", OUR_KEY);
      await suite.client.createMappingSet(mappingSetBody("sql-server", name));
      await suite.client.createMappingSet(mappingSetBody("sql-server", name));
      const kept = await suite.client.createMappingSet(mappingSetBody("sql-server", name), { identity: { key: OUR_KEY } });
      assert.equal(kept.recovered, "earlier-run");
      assert.equal(kept.strays.length, 1);
      assert.deepEqual([kept.id, ...kept.strays].sort(), suite.emulator.dataflows.mappingSets().map((m) => m.id).sort());
      suite.emulator.inject({ kind: "commit-then-reset", route: "/conversion/mappingSets", method: "POST" });
      const blind = await rejection(suite.client.createMappingSet(mappingSetBody("sql-server", "plain")), AmbiguousCreateError);
      assert.equal(blind.candidateIds.length, 1);
      assert.equal(suite.emulator.dataflows.mappingSets().length, 3);
    });
  });

  it("pages through more than one page of mapping sets with limit and start", async () => {
    const emulator = await startEmulator();
    try {
      const client = new FlowServiceClient(settingsFor(emulator), { retry: FAST_RETRY });
      for (let i = 0; i < 101; i += 1) await client.createMappingSet(mappingSetBody("sql-server", `set ${i}`));
      const all = await collect(client.listMappingSets());
      assert.equal(all.length, 101);
      assert.equal(new Set(all.map((s) => s.id)).size, 101);
      const lists = emulator.requests.filter((r) => r.method === "GET" && r.route === "/conversion/mappingSets");
      assert.deepEqual(lists.map((r) => [r.query["limit"], r.query["start"]]), [[["100"], ["0"]], [["100"], ["100"]]]);
    } finally {
      await emulator.close();
    }
  });

  it("redacts secrets from Data Prep's text and caps the response size", async () => {
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: "/conversion/mappingSets",
      method: "POST",
      body: { type: "https://ns.adobe.com/aep/errors/DATAPREP-1001-400", title: "Bad", status: 400, detail: `echo ${suite.emulator.client.clientSecret}` },
    });
    const error = await rejection(suite.client.createMappingSet(mappingSetBody()), FlowServiceError);
    assert.ok(!error.message.includes(suite.emulator.client.clientSecret));
    assert.match(error.message, /echo \[REDACTED\]/);
    const { id } = await suite.client.createMappingSet(mappingSetBody());
    const small = new FlowServiceClient(settingsFor(suite.emulator), { maxResponseBytes: 512, retry: { maxAttempts: 1 } });
    await rejection(small.getMappingSet(id), ResponseTooLargeError);
  });
});

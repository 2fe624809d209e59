import assert from "node:assert/strict";
import {
  AmbiguousCreateError,
  FlowServiceClient,
  FlowServiceError,
  ResponseTooLargeError,
  XDM_SCHEMA_CONTENT_TYPE,
  type NewDataset,
} from "../../provider/flow-service";
import { OTHER_STACK_KEY, SCHEMA_ID, datasetBody, marked, rejection, requestsTo, sharedDataflowClient } from "./dataflow-harness";
import { settingsFor } from "./harness";

describe("flow-service client: Catalog datasets", () => {
  const suite = sharedDataflowClient();

  it("creates a dataset for a schema id under Catalog's base path, reads the keyed object, deletes it", async () => {
    assert.equal(XDM_SCHEMA_CONTENT_TYPE, "application/vnd.adobe.xed+json;version=1");
    const created = await suite.client.createDataset({ ...datasetBody("Orders", "orders"), tags: { unifiedProfile: ["enabled:true"] } }, { requestDataSource: true });
    assert.match(created.id, /^[0-9a-f]{24}$/);
    assert.equal(created.recovered, false);
    const [post] = requestsTo(suite.emulator, "POST", "/catalog/dataSets");
    assert.equal(post?.path, "/data/foundation/catalog/dataSets", "Catalog's base path, /dataSets spelt as in the examples");
    assert.deepEqual(post?.query["requestDataSource"], ["true"]);
    assert.equal(post?.headers["x-sandbox-name"], "prod");

    const read = await suite.client.getDataset(created.id);
    assert.ok(read);
    assert.deepEqual([read.id, read.name, read.description, read.state], [created.id, "Orders", "orders", "DRAFT"]);
    assert.deepEqual(read.schemaRef, { id: SCHEMA_ID, contentType: XDM_SCHEMA_CONTENT_TYPE });
    assert.deepEqual(read.tags, { unifiedProfile: ["enabled:true"] });
    assert.equal(typeof read.created, "number");

    assert.equal(await suite.client.deleteDataset(created.id), "deleted");
    assert.equal(await suite.client.deleteDataset(created.id), "not-found", "Catalog's 200 [] reads as not-found");
    assert.equal(await suite.client.getDataset(created.id), undefined, "CATALOG-1010-404 reads as gone");
  });

  it("maps Catalog's errors with their own codes, never mistaken for FLOW codes", async () => {
    const noSchema = await rejection(suite.client.createDataset({ name: "x", schemaRef: { id: SCHEMA_ID, contentType: "text/plain" } }), FlowServiceError);
    assert.deepEqual([noSchema.status, noSchema.adobeCode], [400, "CATALOG-1001"]);
    assert.match(noSchema.message, /POST \/dataSets failed: 400 Bad Request \[CATALOG-1001\] .*contentType/);
    const unknown = await rejection(
      suite.client.createDataset({ name: "x", schemaRef: { id: "https://ns.adobe.com/acme/schemas/none", contentType: XDM_SCHEMA_CONTENT_TYPE } }),
      FlowServiceError,
    );
    assert.equal(unknown.adobeCode, "CATALOG-1002");
    await assert.rejects(suite.client.createDataset({ name: "x" } as unknown as NewDataset), TypeError);
    suite.emulator.inject({ kind: "status", status: 404, route: /^\/catalog\/dataSets\//, method: "DELETE" });
    // A bare 404 (no body) on delete is "not-found" too.
    assert.equal(await suite.client.deleteDataset("0123456789abcdef01234567"), "not-found");
  });

  it("reads a dataset only under its own id: a keyed answer for another id is an error, never 'gone'", async () => {
    const { id } = await suite.client.createDataset(datasetBody());
    suite.emulator.inject({ kind: "status", status: 200, route: `/catalog/dataSets/${id}`, body: { "ffffffffffffffffffffffff": { name: "Other" } } });
    const error = await rejection(suite.client.getDataset(id), FlowServiceError);
    assert.equal(error.code, "AEP_ERR_UNPARSEABLE_RESPONSE");
  });

  describe("crash-safe create (marker in description, lookup by GET /dataSets?name=)", () => {
    for (const kind of ["commit-then-reset", "commit-then-fail"] as const) {
      it(`${kind}: finds the dataset by its marker, one dataset, one POST`, async () => {
        const { text, options } = marked("orders");
        suite.emulator.inject({ kind, route: "/catalog/dataSets" });
        const created = await suite.client.createDataset(datasetBody("Orders", text), options);
        assert.equal(created.recovered, "this-call");
        assert.deepEqual(suite.emulator.dataflows.datasets().map((d) => d.id), [created.id]);
        assert.equal(requestsTo(suite.emulator, "POST", "/catalog/dataSets").length, 1);
        const [lookup] = requestsTo(suite.emulator, "GET", "/catalog/dataSets");
        assert.deepEqual(lookup?.query["name"], ["Orders"]);
      });
    }

    it("takes an earlier run's dataset without a POST; never a marker-less or another stack's same-named one", async () => {
      const foreign = await suite.client.createDataset(datasetBody("Orders", "made by hand"));
      const otherStack = await suite.client.createDataset(datasetBody("Orders", marked("orders", OTHER_STACK_KEY).text));
      const { text, options } = marked("orders");
      const first = await suite.client.createDataset(datasetBody("Orders", text), options);
      assert.equal(first.recovered, false);
      assert.ok(![foreign.id, otherStack.id].includes(first.id));
      suite.emulator.clearRequests();
      const again = await suite.client.createDataset(datasetBody("Orders", text), options);
      assert.deepEqual([again.id, again.recovered], [first.id, "earlier-run"]);
      assert.equal(requestsTo(suite.emulator, "POST", "/catalog/dataSets").length, 0);
      const replacement = await suite.client.createDataset(datasetBody("Orders", text), { identity: { key: options.identity!.key, excludeIds: [first.id] } });
      assert.notEqual(replacement.id, first.id, "excludeIds keeps the replaced dataset from passing for the new one");
    });

    it("several marked datasets: the oldest is kept and the others are strays; no identity and a lost answer: fails naming the candidates", async () => {
      const { text, options } = marked("orders");
      const a = await suite.client.createDataset(datasetBody("Orders", text));
      const b = await suite.client.createDataset(datasetBody("Orders", text));
      const kept = await suite.client.createDataset(datasetBody("Orders", text), options);
      const older = suite.emulator.dataflows.datasets().sort((x, y) => x.created - y.created || (x.id < y.id ? -1 : 1))[0]!.id;
      assert.equal(kept.id, older);
      assert.deepEqual(kept.strays, [a.id, b.id].filter((id) => id !== older));
      assert.equal(suite.emulator.dataflows.datasets().length, 2, "nothing created");

      suite.emulator.dataflows.clear();
      suite.emulator.inject({ kind: "commit-then-reset", route: "/catalog/dataSets" });
      const blind = await rejection(suite.client.createDataset(datasetBody("Plain")), AmbiguousCreateError);
      assert.deepEqual(blind.candidateIds, suite.emulator.dataflows.datasets().map((d) => d.id));
    });

    it("a lookup that fails after a lost answer says the dataset may exist, and creates nothing more", async () => {
      const { text, options } = marked("orders");
      suite.emulator.inject({ kind: "commit-then-reset", route: "/catalog/dataSets" });
      suite.emulator.inject({ kind: "status", status: 403, route: "/catalog/dataSets", method: "GET", skip: 1, times: 10 });
      const error = await rejection(suite.client.createDataset(datasetBody("Orders", text), options), FlowServiceError);
      assert.match(error.message, /the create may have succeeded, and looking for the dataset named "Orders" failed/);
      assert.equal(suite.emulator.dataflows.datasets().length, 1);
    });
  });

  it("redacts secrets from Catalog's text and caps the response size", async () => {
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: "/catalog/dataSets",
      body: { type: "https://ns.adobe.com/aep/errors/CATALOG-1001-400", title: "Bad", status: 400, detail: `token ${suite.emulator.client.clientSecret}` },
    });
    const error = await rejection(suite.client.createDataset(datasetBody()), FlowServiceError);
    assert.ok(!error.message.includes(suite.emulator.client.clientSecret), error.message);
    assert.match(error.message, /token \[REDACTED\]/);

    const { id } = await suite.client.createDataset(datasetBody());
    const small = new FlowServiceClient(settingsFor(suite.emulator), { maxResponseBytes: 128, retry: { maxAttempts: 1 } });
    await rejection(small.getDataset(id), ResponseTooLargeError);
  });
});

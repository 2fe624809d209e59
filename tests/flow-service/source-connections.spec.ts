import assert from "node:assert/strict";
import {
  AmbiguousCreateError,
  FlowServiceClient,
  FlowServiceError,
  InUseError,
  NotFoundError,
  ResponseTooLargeError,
  StaleEtagError,
} from "../../provider/flow-service";
import {
  OTHER_STACK_KEY,
  SPEC_IDS,
  baseConnection,
  chain,
  flowBody,
  marked,
  rejection,
  requestsTo,
  sharedDataflowClient,
  sourceBody,
} from "./dataflow-harness";
import { collect, settingsFor } from "./harness";

describe("flow-service client: source connections", () => {
  const suite = sharedDataflowClient();

  it("creates a table source, reads it back, lists it by base connection, patches it with If-Match and deletes it", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    const created = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", "orders table"));
    assert.equal(created.recovered, false);
    assert.match(created.etag, /^".+"$/);
    const [post] = requestsTo(suite.emulator, "POST", "/sourceConnections");
    assert.deepEqual(post?.body, sourceBody("sql-server", base, "Orders", "orders table"));

    const read = await suite.client.getSourceConnection(created.id);
    assert.ok(read);
    assert.equal(read.name, "Orders");
    assert.equal(read.description, "orders table");
    assert.equal(read.baseConnectionId, base);
    assert.deepEqual(read.connectionSpec, { id: SPEC_IDS["sql-server"], version: "1.0" });
    assert.equal(read.data.format, "tabular");
    assert.equal(read.params.tableName, "dbo.orders");
    assert.equal(read.state, "enabled");
    assert.equal(read.etag, created.etag);
    assert.equal(typeof read.createdAt, "number");

    const listed = await collect(suite.client.listSourceConnections({ property: `baseConnectionId==${base}` }));
    assert.deepEqual(listed.map((s) => s.id), [created.id]);

    const patched = await suite.client.updateSourceConnection(created.id, created.etag, [{ op: "replace", path: "/name", value: "Orders 2" }]);
    assert.equal(patched.id, created.id);
    assert.notEqual(patched.etag, created.etag);
    const [patch] = requestsTo(suite.emulator, "PATCH", `/sourceConnections/${created.id}`);
    assert.equal(patch?.headers["if-match"], created.etag, "If-Match carries the etag verbatim, quotes included");
    assert.equal((await suite.client.getSourceConnection(created.id))?.name, "Orders 2");

    assert.equal(await suite.client.deleteSourceConnection(created.id), "deleted");
    assert.equal(await suite.client.deleteSourceConnection(created.id), "not-found");
    assert.equal(await suite.client.getSourceConnection(created.id), undefined);
  });

  it("reads an ADLS Gen2 file source's format, delimiter and path", async () => {
    const base = await baseConnection(suite.client, "adls-gen2");
    const { id } = await suite.client.createSourceConnection(sourceBody("adls-gen2", base));
    const read = await suite.client.getSourceConnection(id);
    assert.equal(read?.data.format, "delimited");
    assert.equal(read?.data.properties?.["columnDelimiter"], ",");
    assert.deepEqual([read?.params.path, read?.params.type], ["/acme-customers/customers.csv", "file"]);
  });

  it("maps Adobe's refusals to typed errors with Adobe's code kept apart", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    const invalid = await rejection(
      suite.client.createSourceConnection({ ...sourceBody("sql-server", base), data: { format: "json" } }),
      FlowServiceError,
    );
    assert.equal(invalid.code, "AEP_ERR_FLOW_SERVICE");
    assert.equal(invalid.status, 400);
    assert.equal(invalid.adobeCode, "1100");
    assert.match(invalid.message, /POST \/sourceConnections failed: 400 Bad Request \[FLOW-1100\]/);

    const wrongSpec = await rejection(
      suite.client.createSourceConnection({ ...sourceBody("sql-server", base), connectionSpec: { id: SPEC_IDS.synapse, version: "1.0" } }),
      FlowServiceError,
    );
    assert.equal(wrongSpec.adobeCode, "1413");

    const { id, etag } = await suite.client.createSourceConnection(sourceBody("sql-server", base));
    suite.emulator.inject({ kind: "stale-etag", route: `/sourceConnections/${id}` });
    const stale = await rejection(suite.client.updateSourceConnection(id, etag, [{ op: "replace", path: "/name", value: "x" }]), StaleEtagError);
    assert.equal(stale.status, 412);
    assert.equal(stale.adobeCode, "1404");
    assert.equal(stale.code, "AEP_ERR_STALE_ETAG");

    const missing = await rejection(
      suite.client.updateSourceConnection("00000000-0000-4000-8000-000000000000", etag, [{ op: "replace", path: "/name", value: "x" }]),
      NotFoundError,
    );
    assert.equal(missing.adobeCode, "1101");
    assert.equal(await suite.client.getSourceConnection("00000000-0000-4000-8000-000000000000"), undefined);
  });

  it("refuses to delete a source connection a flow uses, naming the flow (FLOW-1447), and deletes it once the flow is gone", async () => {
    const c = await chain(suite.client);
    const { id: flowId } = await suite.client.createFlow(flowBody(c));
    const inUse = await rejection(suite.client.deleteSourceConnection(c.sourceConnectionId), InUseError);
    assert.equal(inUse.code, "AEP_ERR_IN_USE");
    assert.equal(inUse.adobeCode, "1447");
    assert.deepEqual(inUse.blockingFlowIds, [flowId]);
    assert.ok(suite.emulator.dataflows.sourceConnections().some((s) => s.id === c.sourceConnectionId), "not deleted");

    // The base connection is in use through the source connection: FLOW-1418, which names no flow.
    const baseInUse = await rejection(suite.client.deleteConnection(c.base), InUseError);
    assert.equal(baseInUse.adobeCode, "1418");
    assert.deepEqual(baseInUse.blockingFlowIds, []);
    // …so the client finds them: the flows of the base connection's source connections.
    const other = await chain(suite.client);
    await suite.client.createFlow(flowBody(other));
    assert.deepEqual((await suite.client.flowsUsingBaseConnection(c.base)).map((f) => f.id), [flowId]);
    const [lookup] = requestsTo(suite.emulator, "GET", "/flows");
    assert.deepEqual(lookup?.query["property"], [`sourceConnectionIds[]==${c.sourceConnectionId}`], "SORT's array syntax");
    assert.deepEqual(await suite.client.flowsUsingBaseConnection(other.base).then((flows) => flows.length), 1);

    assert.equal(await suite.client.deleteFlow(flowId), "deleted");
    assert.equal(await suite.client.deleteSourceConnection(c.sourceConnectionId), "deleted");
  });

  describe("crash-safe create", () => {
    for (const kind of ["commit-then-reset", "commit-then-fail"] as const) {
      it(`${kind}: finds the source connection by its marker instead of creating a second one`, async () => {
        const base = await baseConnection(suite.client, "sql-server");
        const { text, options } = marked("orders");
        suite.emulator.inject({ kind, route: "/sourceConnections" });
        const created = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text), options);
        assert.equal(created.recovered, "this-call");
        const stored = suite.emulator.dataflows.sourceConnections();
        assert.equal(stored.length, 1, "exactly one source connection exists");
        assert.equal(stored[0]?.id, created.id);
        assert.equal(stored[0]?.etag, created.etag);
        assert.equal(requestsTo(suite.emulator, "POST", "/sourceConnections").length, 1, "the POST was sent once");
      });
    }

    it("takes what an interrupted earlier run created (marker, name, base connection, spec), sending no POST", async () => {
      const base = await baseConnection(suite.client, "sql-server");
      const { text, options } = marked("orders");
      const earlier = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text));
      suite.emulator.clearRequests();
      const again = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text), options);
      assert.deepEqual([again.id, again.recovered], [earlier.id, "earlier-run"]);
      assert.equal(requestsTo(suite.emulator, "POST", "/sourceConnections").length, 0);
    });

    it("never takes a same-named source connection without our marker, nor one with another stack's", async () => {
      const base = await baseConnection(suite.client, "sql-server");
      const foreign = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", "made in the UI"));
      const otherStack = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", marked("orders", OTHER_STACK_KEY).text));
      const { text, options } = marked("orders");
      suite.emulator.inject({ kind: "commit-then-reset", route: "/sourceConnections" });
      const ours = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text), options);
      assert.equal(ours.recovered, "this-call");
      assert.ok(![foreign.id, otherStack.id].includes(ours.id), "a new one, not the marker-less or the other stack's");
      assert.equal(suite.emulator.dataflows.sourceConnections().length, 3);
    });

    it("does not take our marked source connection for another base connection, or one listed in excludeIds", async () => {
      const base = await baseConnection(suite.client, "sql-server");
      const otherBase = await baseConnection(suite.client, "sql-server");
      const { text, options } = marked("orders");
      const old = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text));
      const moved = await suite.client.createSourceConnection(sourceBody("sql-server", otherBase, "Orders", text), options);
      assert.equal(moved.recovered, false);
      assert.notEqual(moved.id, old.id);
      const replacement = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text), { identity: { key: options.identity!.key, excludeIds: [old.id] } });
      assert.equal(replacement.recovered, false);
      assert.notEqual(replacement.id, old.id);
    });

    it("keeps the oldest when several source connections carry the marker, and returns the others as strays", async () => {
      const base = await baseConnection(suite.client, "sql-server");
      const { text, options } = marked("orders");
      const a = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text));
      const b = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text));
      const kept = await suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", text), options);
      const [older, newer] = suite.emulator.dataflows.sourceConnections().sort((x, y) => x.createdAt - y.createdAt || (x.id < y.id ? -1 : 1));
      assert.deepEqual({ id: kept.id, strays: kept.strays }, { id: older!.id, strays: [newer!.id] });
      assert.deepEqual([a.id, b.id].sort(), [older!.id, newer!.id].sort());
      assert.equal(suite.emulator.dataflows.sourceConnections().length, 2, "nothing created");
    });

    it("without an identity, a lost answer takes nothing: it fails naming the same-named candidates", async () => {
      const base = await baseConnection(suite.client, "sql-server");
      suite.emulator.inject({ kind: "commit-then-reset", route: "/sourceConnections" });
      const error = await rejection(suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders")), AmbiguousCreateError);
      const stored = suite.emulator.dataflows.sourceConnections();
      assert.equal(stored.length, 1);
      assert.deepEqual(error.candidateIds, [stored[0]?.id]);
    });

    it("refuses an identity whose marker is not in the description", async () => {
      const base = await baseConnection(suite.client, "sql-server");
      await assert.rejects(suite.client.createSourceConnection(sourceBody("sql-server", base, "Orders", "no marker"), marked("x").options), TypeError);
      assert.equal(requestsTo(suite.emulator, "POST", "/sourceConnections").length, 0);
    });
  });

  it("names the blocking flows of a FLOW-1418 whose body gives them, never the connection itself or the request id", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    const flowA = "11111111-2222-4333-8444-555555555555";
    const flowB = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const requestId = "99999999-8888-4777-8666-555555555555";
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: `/connections/${base}`,
      method: "DELETE",
      body: {
        type: "https://ns.adobe.com/aep/errors/FLOW-1418-400",
        title: "Bad Request",
        status: 400,
        report: { "detailed-message": `The base connection ${base} is used by flows ${flowA}, ${flowB.toUpperCase()} and ${flowA}.`, "request-id": requestId },
      },
    });
    const error = await rejection(suite.client.deleteConnection(base), InUseError);
    assert.deepEqual(error.blockingFlowIds, [flowA, flowB]);
    assert.equal(error.requestId, requestId);
  });

  it("keeps the client secret and the call's secrets out of its errors", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    const secret = "Pa55-w0rd-in-params";
    const echo = `rejected ${suite.emulator.client.clientSecret} and ${secret} and ${encodeURIComponent(secret)}`;
    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: "/sourceConnections",
      body: { type: "https://ns.adobe.com/aep/errors/FLOW-1100-400", title: "Bad", status: 400, report: { "detailed-message": echo } },
    });
    const error = await rejection(suite.client.createSourceConnection(sourceBody("sql-server", base), { secrets: [secret] }), FlowServiceError);
    assert.equal(error.adobeCode, "1100");
    assert.ok(!error.message.includes(suite.emulator.client.clientSecret), error.message);
    assert.ok(!error.message.includes(secret) && !error.message.includes(encodeURIComponent(secret)), error.message);
    assert.match(error.message, /rejected \[REDACTED\] and \[REDACTED\] and \[REDACTED\]/);
  });

  it("refuses a response larger than maxResponseBytes", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    for (let i = 0; i < 5; i += 1) await suite.client.createSourceConnection(sourceBody("sql-server", base, `Orders ${i}`));
    const small = new FlowServiceClient(settingsFor(suite.emulator), { maxResponseBytes: 2048, retry: { maxAttempts: 1 } });
    const error = await rejection(collect(small.listSourceConnections()), ResponseTooLargeError);
    assert.equal(error.code, "AEP_ERR_RESPONSE_TOO_LARGE");
    assert.equal(error.status, 200);
    assert.equal((await collect(suite.client.listSourceConnections())).length, 5, "the default limit reads it");
  });
});

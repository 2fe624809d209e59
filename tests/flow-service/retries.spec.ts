import assert from "node:assert/strict";
import type { Dispatcher } from "undici";
import { AmbiguousCreateError, FlowServiceClient, type FlowServiceClientOptions } from "../../provider/flow-service";
import {
  FAST_RETRY,
  flowRequests,
  flowServiceError,
  identified,
  OTHER_STACK_KEY,
  sharedEmulatorAndClient,
  settingsFor,
  sqlServerConnection,
  timelineAgent,
  type TimedRequest,
} from "./harness";

describe("flow-service retries of idempotent requests", () => {
  const suite = sharedEmulatorAndClient();

  it("waits as long as Retry-After asks before retrying a 429", async () => {
    const timeline: TimedRequest[] = [];
    const dispatcher: Dispatcher = timelineAgent(timeline);
    try {
      const timed = new FlowServiceClient(settingsFor(suite.emulator), { dispatcher, retry: FAST_RETRY });
      const { id } = await timed.createConnection(sqlServerConnection("Throttled read"));
      suite.emulator.inject({ kind: "status", status: 429, retryAfter: "1", route: `/connections/${id}`, method: "GET" });

      const read = await timed.getConnection(id);

      assert.equal(read?.id, id);
      const gets = timeline.filter((r) => r.method === "GET" && r.path.endsWith(`/connections/${id}`));
      assert.equal(gets.length, 2);
      const waited = (gets[1]?.at ?? 0) - (gets[0]?.at ?? 0);
      // Behaviour check (the client honoured the header), not a performance bound; 50 ms covers timer granularity.
      assert.ok(waited >= 950, `retried after ${waited} ms although Retry-After asked for 1 s`);
      assert.deepEqual(flowRequests(suite.emulator, "GET").map((r) => r.status), [429, 200]);
    } finally {
      await dispatcher.close();
    }
  });

  it("gives up after maxAttempts when the service stays unavailable", async () => {
    const limited = new FlowServiceClient(settingsFor(suite.emulator), { retry: { ...FAST_RETRY, maxAttempts: 3 } });
    suite.emulator.inject({ kind: "status", status: 503, route: "/connections/abc", times: 10 });

    const error = await flowServiceError(limited.getConnection("abc"));

    assert.equal(error.status, 503);
    assert.equal(error.adobeCode, "1103");
    assert.equal(flowRequests(suite.emulator, "GET", "/connections/abc").length, 3);
  });

  it("gives up when the total time budget is spent, even with attempts left", async () => {
    const limited = new FlowServiceClient(settingsFor(suite.emulator), {
      retry: { maxAttempts: 10, baseDelayMs: 5, maxDelayMs: 5, maxElapsedMs: 500 },
    });
    suite.emulator.inject({ kind: "status", status: 429, retryAfter: "2", route: "/connections/abc", times: 10 });

    const error = await flowServiceError(limited.getConnection("abc"));

    assert.equal(error.status, 429);
    assert.equal(flowRequests(suite.emulator, "GET", "/connections/abc").length, 1, "a 2 s wait does not fit in 500 ms");
  });

  it("retries 502/503/504 and resets on GET and DELETE", async () => {
    const { id } = await suite.client.createConnection(sqlServerConnection("Flaky"));
    suite.emulator.inject({ kind: "status", status: 502, route: `/connections/${id}`, method: "GET" });
    suite.emulator.inject({ kind: "reset", route: `/connections/${id}`, method: "GET" });
    assert.equal((await suite.client.getConnection(id))?.id, id);

    suite.emulator.inject({ kind: "status", status: 504, route: `/connections/${id}`, method: "DELETE" });
    assert.equal(await suite.client.deleteConnection(id), "deleted");
    assert.deepEqual(
      flowRequests(suite.emulator).slice(1).map((r) => `${r.method} ${r.status}`),
      ["GET 502", "GET 0", "GET 200", "DELETE 504", "DELETE 204"],
    );
  });

  it("counts a DELETE as done when its first attempt was applied but the answer was lost", async () => {
    const { id } = await suite.client.createConnection(sqlServerConnection("Deleted once"));
    suite.emulator.inject({ kind: "commit-then-fail", route: `/connections/${id}`, method: "DELETE" });

    assert.equal(await suite.client.deleteConnection(id), "deleted");
    assert.equal(suite.emulator.store.get(id), undefined);
  });

  it("retries a GET whose response never comes, after the headers timeout", async () => {
    const impatient = new FlowServiceClient(settingsFor(suite.emulator), { retry: FAST_RETRY, headersTimeoutMs: 300 });
    const { id } = await impatient.createConnection(sqlServerConnection("Slow read"));
    suite.emulator.inject({ kind: "hang", route: `/connections/${id}`, method: "GET" });

    assert.equal((await impatient.getConnection(id))?.id, id);
    assert.equal(flowRequests(suite.emulator, "GET").length, 2);
  });

  it("stops at once when the caller aborts, even while waiting to retry", async () => {
    suite.emulator.inject({ kind: "status", status: 429, retryAfter: "5", route: "/connections/abc" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("caller gave up")), 100);

    await assert.rejects(suite.client.getConnection("abc", { signal: controller.signal }), /caller gave up/);
    assert.equal(flowRequests(suite.emulator, "GET").length, 1);
  });

  it("explains a 412 after a PATCH whose first attempt was applied but answered 502", async () => {
    const { id, etag } = await suite.client.createConnection(sqlServerConnection("Patched once"));
    suite.emulator.inject({ kind: "commit-then-fail", route: `/connections/${id}`, method: "PATCH" });

    const error = await flowServiceError(suite.client.updateConnection(id, etag, [{ op: "replace", path: "/name", value: "New" }]));

    assert.equal(error.status, 412);
    assert.match(error.message, /may have been applied; re-read the connection/);
    assert.equal(suite.emulator.store.get(id)?.name, "New");
    assert.deepEqual(flowRequests(suite.emulator, "PATCH").map((r) => r.status), [502, 412]);
  });
});

describe("flow-service create never duplicates a connection", () => {
  const options: FlowServiceClientOptions = { retry: FAST_RETRY, headersTimeoutMs: 500 };
  const suite = sharedEmulatorAndClient({}, options);

  const postFaults = [
    { kind: "commit-then-reset" as const, label: "the connection is reset after the create was applied" },
    { kind: "commit-then-fail" as const, label: "a 502 answers a create that was applied" },
  ];
  for (const fault of postFaults) {
    it(`recovers the connection by its marker when ${fault.label}`, async () => {
      suite.emulator.inject({ kind: fault.kind, route: "/connections", method: "POST" });
      const { body, options } = identified(sqlServerConnection("Lost answer"));

      const created = await suite.client.createConnection(body, options);

      const stored = suite.emulator.store.list();
      assert.equal(stored.length, 1);
      assert.deepEqual(created, { id: stored[0]?.id, etag: stored[0]?.etag, recovered: "this-call", strays: [] });
      assert.equal(flowRequests(suite.emulator, "POST").length, 1, "not sent again");
      assert.deepEqual(
        flowRequests(suite.emulator).map((r) => `${r.method} ${r.route}`),
        ["GET /connections", "POST /connections", "GET /connections"],
        "one lookup before the POST, one after the lost answer",
      );
      assert.deepEqual(flowRequests(suite.emulator, "GET", "/connections")[0]?.query["property"], [
        "name==Lost answer",
        "connectionSpec.id==1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
      ]);
    });
  }

  it("with the run's shared listing: never takes a connection the listing shows but this run has deleted since", async () => {
    const { body, options } = identified(sqlServerConnection("Deleted first"));
    const old = await suite.client.createConnection(body, options);
    const snapshot = suite.client.connectionSnapshot();
    await snapshot.load();
    // A replacement that deletes first: the listing still shows the old connection.
    await suite.client.deleteConnection(old.id);
    suite.emulator.clearRequests();

    const created = await suite.client.createConnection(body, { ...options, snapshot });

    assert.equal(created.recovered, false);
    assert.notEqual(created.id, old.id);
    assert.deepEqual(suite.emulator.store.list().map((c) => c.id), [created.id]);
    assert.deepEqual(flowRequests(suite.emulator).map((r) => r.method), ["GET", "POST"], "a fresh look, because the listing showed the marker");
  });

  it("with the run's shared listing loaded and without its marker: the POST alone, no lookup", async () => {
    const snapshot = suite.client.connectionSnapshot();
    await snapshot.load();
    suite.emulator.clearRequests();
    const { body, options } = identified(sqlServerConnection("Listed clean"));

    await suite.client.createConnection(body, { ...options, snapshot });

    assert.deepEqual(flowRequests(suite.emulator).map((r) => r.method), ["POST"]);
  });

  it("takes the connection an earlier, interrupted run created, instead of creating a second one", async () => {
    const { body, options } = identified(sqlServerConnection("Killed run"));
    const earlier = await suite.client.createConnection(body, options);
    suite.emulator.clearRequests();

    const again = await suite.client.createConnection(body, options);

    assert.deepEqual(again, { id: earlier.id, etag: earlier.etag, recovered: "earlier-run", strays: [] });
    assert.equal(suite.emulator.store.list().length, 1);
    assert.deepEqual(flowRequests(suite.emulator).map((r) => r.method), ["GET"], "one extra request, no POST");
  });

  it("creates exactly one connection when the first POST was reset before being applied", async () => {
    suite.emulator.inject({ kind: "reset", route: "/connections", method: "POST" });
    const { body, options } = identified(sqlServerConnection("Reset early"));

    const created = await suite.client.createConnection(body, options);

    assert.equal(created.recovered, false);
    assert.deepEqual(suite.emulator.store.list().map((c) => c.id), [created.id]);
    assert.deepEqual(
      flowRequests(suite.emulator).map((r) => `${r.method} ${r.route} ${r.status}`),
      ["GET /connections 200", "POST /connections 0", "GET /connections 200", "POST /connections 201"],
    );
  });

  it("creates exactly one connection when a POST gets no answer before the headers timeout", async () => {
    suite.emulator.inject({ kind: "hang", route: "/connections", method: "POST" });
    const { body, options } = identified(sqlServerConnection("Timed out"));

    const created = await suite.client.createConnection(body, options);

    assert.deepEqual(suite.emulator.store.list().map((c) => c.id), [created.id]);
    assert.equal(flowRequests(suite.emulator, "POST").length, 2);
  });

  it("re-sends a POST rejected with 429 after waiting", async () => {
    suite.emulator.inject({ kind: "status", status: 429, retryAfter: "0", route: "/connections", method: "POST" });
    const { body, options } = identified(sqlServerConnection("Throttled create"));

    const created = await suite.client.createConnection(body, options);

    assert.equal(created.recovered, false);
    assert.equal(suite.emulator.store.list().length, 1);
    assert.deepEqual(flowRequests(suite.emulator).map((r) => `${r.method} ${r.status}`), ["GET 200", "POST 429", "POST 201"]);
  });

  it("never takes another stack's same-named connection (another marker) or a hand-made one (no marker)", async () => {
    const other = identified(sqlServerConnection("Shared name"), OTHER_STACK_KEY);
    const theirs = await suite.client.createConnection(other.body, other.options);
    suite.emulator.store.seed({
      name: "Shared name",
      connectionSpecId: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec",
      specName: "Connection String Based Authentication",
      params: { connectionString: "Data Source=a;Initial Catalog=b;Integrated Security=False;User ID=c;Password=d;" },
    });
    suite.emulator.inject({ kind: "commit-then-fail", route: "/connections", method: "POST" });
    const { body, options } = identified(sqlServerConnection("Shared name"));

    const created = await suite.client.createConnection(body, options);

    assert.equal(created.recovered, "this-call");
    assert.notEqual(created.id, theirs.id);
    assert.equal(suite.emulator.store.list().length, 3);
  });

  it("fails, without taking the other stack's connection, when its POST fails unapplied with a 500", async () => {
    const other = identified(sqlServerConnection("Shared 500"), OTHER_STACK_KEY);
    const theirs = await suite.client.createConnection(other.body, other.options);
    suite.emulator.inject({ kind: "status", status: 500, route: "/connections", method: "POST" });
    const { body, options } = identified(sqlServerConnection("Shared 500"));

    const error = await flowServiceError(suite.client.createConnection(body, options));

    assert.match(error.message, /no connection carries this create.s marker, so AEP did not create it/);
    assert.ok(!error.message.includes(theirs.id));
    assert.deepEqual(suite.emulator.store.list().map((c) => c.id), [theirs.id]);
  });

  it("keeps the oldest of two connections that carry the marker, reports the other as a stray, and creates nothing more", async () => {
    const { body, options } = identified(sqlServerConnection("Twice"));
    for (let i = 0; i < 2; i++) suite.emulator.store.seed({ name: "Twice", description: body.description, connectionSpecId: body.connectionSpec.id, specName: body.auth.specName, params: body.auth.params });
    const [older, newer] = [...suite.emulator.store.list()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));

    const created = await suite.client.createConnection(body, options);

    assert.deepEqual(created, { id: older!.id, etag: older!.etag, recovered: "earlier-run", strays: [newer!.id] });
    assert.equal(flowRequests(suite.emulator, "POST").length, 0);
  });

  it("without an identity, never takes an existing connection for its own after a lost answer", async () => {
    suite.emulator.inject({ kind: "commit-then-fail", route: "/connections", method: "POST" });

    const error = await flowServiceError(suite.client.createConnection(sqlServerConnection("Anonymous")));

    assert.ok(AmbiguousCreateError.isInstance(error));
    assert.deepEqual([...error.candidateIds], suite.emulator.store.list().map((c) => c.id));
    assert.match(error.message, /cannot be proven which connection .* adopt the right one/);
  });

  it("looks the connection up in the sandbox it was created in", async () => {
    suite.emulator.inject({ kind: "commit-then-reset", route: "/connections", method: "POST" });

    const { body, options } = identified(sqlServerConnection("Dev create"));
    const created = await suite.client.createConnection(body, { ...options, sandboxName: "dev" });

    assert.equal(created.recovered, "this-call");
    assert.equal(suite.emulator.store.get(created.id)?.sandboxName, "dev");
    assert.ok(flowRequests(suite.emulator).every((r) => r.headers["x-sandbox-name"] === "dev"));
  });

  it("stays bounded when every POST fails before being applied", async () => {
    const limited = new FlowServiceClient(settingsFor(suite.emulator), { retry: { ...FAST_RETRY, maxAttempts: 3 } });
    suite.emulator.inject({ kind: "status", status: 503, route: "/connections", method: "POST", times: 10 });

    const error = await flowServiceError(limited.createConnection(sqlServerConnection("Never")));

    assert.equal(error.status, 503);
    assert.equal(suite.emulator.store.list().length, 0);
    assert.equal(flowRequests(suite.emulator, "POST").length, 3);
  });
});

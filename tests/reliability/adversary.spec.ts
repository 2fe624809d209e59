/**
 * The provider tried as an adversary would (issue "Nothing lost under crashes, parallel stacks and hostile
 * answers"), through Pulumi's real dynamic-provider host and the emulator, with a hostile server in between where
 * the emulator cannot misbehave enough. Each test is named after what must never happen.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { HostCallError, ProviderHost, type PropertyBag } from "../../harness/provider-host";
import { allVariants, inputsFor, urnOf, type Variant } from "../../harness/rig";
import { startReliabilityRig, startRigHost, stopReliabilityRig, waitFor, type ReliabilityRig } from "../../harness/reliability-rig";
import { startHostileProxy, type HostileProxy } from "../../harness/hostile-proxy";
import { splitMarker } from "../../provider/flow-service/identity";
import { createObjects, ObjectHost, objectInputs, PIPELINE_TYPES } from "../../harness/pipeline-rig";

const variants = allVariants();
const sqlServer = variants.find((v) => v.source === "sql-server")!;
const databricks = variants.find((v) => v.source === "databricks")!;
const CONNECTION = /^\/data\/foundation\/flowservice\/connections\/[^/?]+$/;
const CONNECTIONS = /^\/data\/foundation\/flowservice\/connections$/;
const CLOCK_OFFSET = path.resolve(__dirname, "../../harness/clock-offset.js");

async function failure(promise: Promise<unknown>): Promise<HostCallError> {
  return promise.then(
    () => assert.fail("the call should fail"),
    (error: unknown) => {
      assert.ok(error instanceof HostCallError, String(error));
      return error;
    },
  );
}

async function created(host: ProviderHost, variant: Variant, name: string, stack = "dev", extra: PropertyBag = {}) {
  const urn = urnOf(name);
  const checked = await host.check(urn, {}, inputsFor(variant, name, extra, stack));
  assert.deepEqual(checked.failures, []);
  return { urn, checked: checked.inputs, ...(await host.create(urn, checked.inputs)) };
}

/** Stack config that sends every IMS and Flow Service request through `proxy`. */
function throughProxy(proxy: HostileProxy): Record<string, string> {
  return { "aep:platformUrl": proxy.url, "aep:imsUrl": proxy.url };
}

/** Peak resident memory of a process, MiB (Linux). */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1]) / 1024;
}

describe("adversary: another stack's connection is never taken as ours", function () {
  this.timeout(60_000);
  let rig: ReliabilityRig;
  beforeEach(async () => (rig = await startReliabilityRig({ hosts: 2, httpTimeoutMs: 1_000, retryBaseMs: 10 })));
  afterEach(() => stopReliabilityRig(rig));

  it("stacks dev and staging, same names, same sandbox: staging's failed POST does not return dev's id, and destroying staging leaves dev's", async () => {
    const [dev, staging] = rig.hosts as [ProviderHost, ProviderHost];
    const ofDev = await created(dev, sqlServer, "orders", "dev");
    for (const fault of [{ kind: "status", status: 500 }, { kind: "reset" }] as const) {
      rig.emulator.inject({ ...fault, method: "POST", route: "/connections" });
      const attempt = await created(staging, sqlServer, "orders", "staging").catch((error: unknown) => error);
      if (attempt instanceof HostCallError) {
        assert.doesNotMatch(attempt.details, new RegExp(ofDev.id), "no claim on dev's connection");
        assert.equal(attempt.id, undefined, "no id recorded for staging");
      } else {
        const ofStaging = attempt as Awaited<ReturnType<typeof created>>;
        assert.notEqual(ofStaging.id, ofDev.id, `after ${fault.kind}: staging has a connection of its own`);
        await staging.delete(ofStaging.urn, ofStaging.id, ofStaging.outs);
      }
      assert.ok(rig.emulator.store.get(ofDev.id), `after ${fault.kind}: dev's connection is still there`);
    }
    assert.deepEqual(rig.emulator.store.list().map((c) => c.id), [ofDev.id], "dev's connection alone is left");
  });

  it("an interrupted create of one stack is found by that stack only", async () => {
    const [dev, staging] = rig.hosts as [ProviderHost, ProviderHost];
    rig.emulator.inject({ kind: "commit-then-reset", method: "POST", route: "/connections", times: 1 });
    rig.emulator.inject({ kind: "status", status: 503, method: "GET", route: "/connections", skip: 1, times: 5_000 });
    await failure(created(dev, sqlServer, "orders", "dev", { timeouts: { create: "2s" } }));
    rig.emulator.clearFaults();
    const lostOfDev = rig.emulator.store.list()[0]!;

    const ofStaging = await created(staging, sqlServer, "orders", "staging");
    assert.notEqual(ofStaging.id, lostOfDev.id, "staging does not take dev's interrupted create");
    const ofDev = await created(dev, sqlServer, "orders", "dev");
    assert.equal(ofDev.id, lostOfDev.id, "dev's next run finds its own");
    assert.equal(rig.emulator.store.list().length, 2);
  });
});

describe("adversary: a replaced object the engine is still to delete is never taken by the next replacement", function () {
  this.timeout(60_000);
  let rig: ReliabilityRig;
  beforeEach(async () => (rig = await startReliabilityRig({ hosts: 2, httpTimeoutMs: 1_000, retryBaseMs: 5 })));
  afterEach(() => stopReliabilityRig(rig));

  it("a source connection replaced, its delete refused (kept as a pending delete), then replaced back in the next run: a new object, and the pending delete removes only the old one", async () => {
    const [first, next] = rig.hosts as [ProviderHost, ProviderHost];
    const run1 = await ObjectHost.on(first);
    const made = await createObjects(run1, "sql-server", "orders", PIPELINE_TYPES);
    const old = made.SourceConnection!;
    // Run 1: another table replaces the source connection and its dataflow, create before delete.
    const otherTable = { ...old.inputs, table: { tableName: "dbo.customers" } };
    assert.deepEqual((await run1.diff(old, otherTable)).replaces, ["table.tableName"]);
    const replacement = await run1.create("SourceConnection", "orders", otherTable);
    const flowInputs = { ...made.Dataflow!.inputs, sourceConnectionId: replacement.id };
    assert.deepEqual((await run1.diff(made.Dataflow!, flowInputs)).replaces, ["sourceConnectionId"]);
    const flow = await run1.create("Dataflow", "orders", flowInputs);
    await run1.delete(made.Dataflow!);
    rig.emulator.inject({ kind: "status", status: 500, method: "DELETE", route: `/sourceConnections/${old.id}`, times: 50 });
    await failure(run1.delete(old));
    rig.emulator.clearFaults();

    // Run 2, a new host: the first table again replaces the source connection; the old one is still a pending delete.
    // Another pipeline's source connection is created first, so the run's listing of the sandbox is loaded.
    const run2 = await ObjectHost.on(next);
    await createObjects(run2, "sql-server", "customers", ["SourceConnection"], {}, { BaseConnection: made.BaseConnection! });
    assert.deepEqual((await run2.diff(replacement, old.inputs)).replaces, ["table.tableName"]);
    const back = await run2.create("SourceConnection", "orders", old.inputs);
    assert.notEqual(back.id, old.id, "the pending delete is not taken for the new source connection");
    const backFlow = { ...flow.inputs, sourceConnectionId: back.id };
    await run2.diff(flow, backFlow);
    const newFlow = await run2.create("Dataflow", "orders", backFlow);
    await run2.delete(flow);
    await run2.delete(replacement);
    await run2.delete(old);
    assert.ok(rig.emulator.dataflows.sourceConnections().some((s) => s.id === back.id), "the source connection in state is still in AEP");
    assert.deepEqual(rig.emulator.dataflows.flows().map((f) => f.sourceConnectionIds), [[back.id]]);
    assert.equal(newFlow.inputs["sourceConnectionId"], back.id);
  });
});

describe("adversary: a provider host killed mid-create leaves exactly one connection", function () {
  this.timeout(90_000);
  let rig: ReliabilityRig;
  let proxy: HostileProxy;
  let hosts: ProviderHost[] = [];

  async function hostThroughProxy(env: Record<string, string> = {}): Promise<ProviderHost> {
    const host = await startRigHost(rig, { httpTimeoutMs: 1_000, retryBaseMs: 10, env, config: throughProxy(proxy) });
    hosts.push(host);
    return host;
  }

  beforeEach(async () => {
    rig = await startReliabilityRig({ hosts: 0 });
    proxy = await startHostileProxy(rig.emulator.url);
    hosts = [];
  });
  afterEach(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    await proxy.close();
    await stopReliabilityRig(rig);
  });

  for (const later of [{ label: "1 second later", offsetMs: 0 }, { label: "10 minutes later (and on a clock 6 minutes off)", offsetMs: 16 * 60_000 }]) {
    it(`SIGKILL after AEP committed the POST, next run ${later.label}: the next create finds it`, async () => {
      // The POST reaches AEP; its answer then trickles so slowly that the host is killed before it hears back.
      proxy.add({ method: "POST", route: CONNECTIONS, answer: (upstream) => ({ kind: "reply", status: upstream.status, body: upstream.body, trickleMs: 60_000 }) });
      const first = await hostThroughProxy();
      const urn = urnOf("killed");
      const checked = await first.check(urn, {}, inputsFor(sqlServer, "killed"));
      const pending = first.create(urn, checked.inputs).catch((error: unknown) => error);
      await waitFor(() => rig.emulator.store.list().length === 1, "AEP to commit the create");
      await first.kill("SIGKILL");
      assert.ok((await pending) instanceof Error, "the engine never heard back");
      const committed = rig.emulator.store.list()[0]!;

      const next = await hostThroughProxy({ NODE_OPTIONS: `--require ${CLOCK_OFFSET}`, CLOCK_OFFSET_MS: String(later.offsetMs) });
      rig.emulator.clearRequests();
      const again = await next.create(urn, checked.inputs);

      // The next run's first create goes out alongside the shared listing: it either finds the committed connection
      // first, or creates its own, then keeps the older one the killed run left and deletes its own. Either way the
      // committed connection is the one left.
      const left = rig.emulator.store.list();
      assert.deepEqual(left.map((c) => c.id), [again.id], "no duplicate, no orphan: only the connection in state");
      assert.equal(again.id, committed.id, "the connection the killed run committed is kept");
      const posts = rig.emulator.requests.filter((r) => r.method === "POST" && r.route === "/connections").length;
      const deletes = rig.emulator.requests.filter((r) => r.method === "DELETE" && r.route.startsWith("/connections/")).length;
      assert.ok(posts === deletes && posts <= 1, `${posts} POST, ${deletes} DELETE of its own connection`);
      assert.equal(again.outs["name"], "killed");
      assert.equal(splitMarker(left[0]?.description).text, undefined, "the user sees no description of ours");
    });
  }

  it("two runs each SIGKILLed after AEP committed their POST: the third run keeps one connection and deletes the other", async () => {
    // The second run's POST goes out alongside its listing, so it does not see the first run's connection in time:
    // both commit, both hosts die before hearing back, and two connections carry the resource's marker.
    proxy.add({ method: "POST", route: CONNECTIONS, times: 2, answer: (upstream) => ({ kind: "reply", status: upstream.status, body: upstream.body, trickleMs: 60_000 }) });
    const urn = urnOf("killed twice");
    let checked: PropertyBag = {};
    for (let run = 1; run <= 2; run++) {
      const host = await hostThroughProxy();
      checked = (await host.check(urn, {}, inputsFor(sqlServer, "killed twice"))).inputs;
      const pending = host.create(urn, checked).catch((error: unknown) => error);
      await waitFor(() => rig.emulator.store.list().length === run, `AEP to commit run ${run}'s create`);
      await host.kill("SIGKILL");
      assert.ok((await pending) instanceof Error, `run ${run} never heard back`);
    }
    const [older, newer] = [...rig.emulator.store.list()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    assert.equal(splitMarker(older!.description).key, splitMarker(newer!.description).key, "both carry the same marker");

    // The third run creates another resource first, so the shared listing is loaded when this create looks.
    const third = await hostThroughProxy();
    const other = await created(third, sqlServer, "created first");
    rig.emulator.clearRequests();
    const again = await third.create(urn, checked);

    const left = rig.emulator.store.list().filter((c) => c.id !== other.id);
    assert.deepEqual(left.map((c) => c.id), [again.id], "no duplicate, no orphan: only the connection in state");
    assert.equal(again.id, older!.id, "the oldest is kept");
    const posts = rig.emulator.requests.filter((r) => r.method === "POST" && r.route === "/connections").length;
    const deleted = rig.emulator.requests.filter((r) => r.method === "DELETE" && r.status < 300).map((r) => r.route.split("/").pop());
    assert.equal(posts, 0, "nothing created again");
    assert.deepEqual(deleted, [newer!.id], "the other one deleted");
    assert.equal(again.outs["name"], "killed twice");
  });

  it("a create whose answer is lost on a host whose clock is 10 minutes slow or fast finds its connection", async () => {
    for (const offsetMs of [-10 * 60_000, 10 * 60_000]) {
      const host = await hostThroughProxy({ NODE_OPTIONS: `--require ${CLOCK_OFFSET}`, CLOCK_OFFSET_MS: String(offsetMs) });
      rig.emulator.inject({ kind: "commit-then-reset", method: "POST", route: "/connections" });
      const made = await created(host, databricks, `skewed ${offsetMs}`);
      assert.equal(rig.emulator.store.list().filter((c) => c.name === `skewed ${offsetMs}`).length, 1, `clock ${offsetMs / 60_000} min: one connection`);
      assert.equal(made.id, rig.emulator.store.list().find((c) => c.name === `skewed ${offsetMs}`)?.id);
    }
  });
});

describe("adversary: hostile answers", function () {
  this.timeout(60_000);
  let rig: ReliabilityRig;
  let proxy: HostileProxy;
  let host: ProviderHost;

  beforeEach(async () => {
    rig = await startReliabilityRig({ hosts: 0 });
    proxy = await startHostileProxy(rig.emulator.url);
    host = await startRigHost(rig, { httpTimeoutMs: 2_000, retryBaseMs: 10, config: throughProxy(proxy) });
  });
  afterEach(async () => {
    await host.stop();
    await proxy.close();
    await stopReliabilityRig(rig);
  });

  const trickle = (trickleMs: number) => (upstream: { status: number; body: Buffer }) => ({ kind: "reply" as const, status: upstream.status, body: upstream.body, trickleMs });

  it("a GET trickled one byte every 1.5 s fails at its read deadline, not minutes later", async () => {
    const made = await created(host, sqlServer, "slow read", "dev", { timeouts: { read: "5s" } });
    proxy.add({ method: "GET", route: CONNECTION, times: 100, answer: trickle(1_500) });
    const started = Date.now();
    const error = await failure(host.read(made.urn, made.id, made.outs));
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 8_000, `gave up after ${elapsed} ms`);
    assert.match(error.details, /read .*did not finish within 5s|timeouts\.read/);
  });

  it("a committed POST whose answer trickles: the attempt deadline ends it and the create finds its connection", async () => {
    proxy.add({ method: "POST", route: CONNECTIONS, answer: trickle(1_500) });
    const started = Date.now();
    const made = await created(host, sqlServer, "slow create");
    assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
    assert.equal(rig.emulator.store.list().length, 1);
    assert.equal(made.id, rig.emulator.store.list()[0]!.id);
  });

  it("an IMS token answer trickled one byte every 1.5 s fails within the create deadline", async () => {
    proxy.add({ method: "POST", route: /^\/ims\/token\/v3/, times: 100, answer: trickle(1_500) });
    const started = Date.now();
    const error = await failure(created(host, sqlServer, "slow token", "dev", { timeouts: { create: "6s" } }));
    assert.ok(Date.now() - started < 9_000, `gave up after ${Date.now() - started} ms`);
    assert.match(error.details, /within 6s|timed out|deadline/i);
    assert.equal(rig.emulator.store.list().length, 0);
  });

  for (const [label, body] of [
    ['{"items":[]}', '{"items":[]}'],
    ["an unparseable 200", "<html>gateway</html>"],
  ] as const) {
    it(`GET answering ${label} is an error, not "gone" (the engine keeps the resource)`, async () => {
      const made = await created(host, databricks, `empty ${label}`);
      proxy.add({ method: "GET", route: CONNECTION, times: 10, answer: () => ({ kind: "reply", status: 200, body }) });
      const error = await failure(host.read(made.urn, made.id, made.outs));
      assert.doesNotMatch(error.details, /gone/);
      assert.ok(rig.emulator.store.get(made.id));
    });
  }

  it("GET answering another connection's id is an error, and connectionId never changes", async () => {
    const mine = await created(host, databricks, "mine");
    const other = await created(host, databricks, "other");
    proxy.add({
      method: "GET",
      route: CONNECTION,
      times: 10,
      answer: (upstream) => ({ kind: "reply", status: 200, body: upstream.body.toString().split(mine.id).join(other.id) }),
    });
    const error = await failure(host.read(mine.urn, mine.id, mine.outs));
    assert.match(error.details, new RegExp(`${mine.id}`));
  });

  it("a 201 without an id, or an unparseable 201: the create finds the connection it made", async () => {
    for (const [label, body] of [["without id", '{"etag":"\\"1\\""}'], ["unparseable", "{not json"]] as const) {
      proxy.add({ method: "POST", route: CONNECTIONS, answer: () => ({ kind: "reply", status: 201, body }) });
      const made = await created(host, sqlServer, `created ${label}`);
      const stored = rig.emulator.store.list().filter((c) => c.name === `created ${label}`);
      assert.equal(stored.length, 1, `${label}: one connection`);
      assert.equal(made.id, stored[0]!.id, `${label}: its id is recorded`);
    }
  });

  it("a 200 MB body is cut off at the response cap with a clear error, and the host stays small", async () => {
    const made = await created(host, databricks, "huge");
    const before = peakRssMiB(host.pid!);
    proxy.add({ method: "GET", route: CONNECTION, times: 10, answer: () => ({ kind: "huge", bytes: 200 * 1024 * 1024 }) });
    const error = await failure(host.read(made.urn, made.id, made.outs));
    assert.match(error.details, /the 200 response was not read: its body is larger than 16 MiB, the response size limit \(AEP_MAX_RESPONSE_BYTES raises it\)/);
    const after = peakRssMiB(host.pid!);
    assert.ok(after - before < 100, `peak RSS grew from ${before.toFixed(0)} to ${after.toFixed(0)} MiB`);
  });
});

/** Every form in which a server might echo `secret`. */
function echoesOf(secret: string): string[] {
  const base64 = Buffer.from(secret).toString("base64");
  return [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    base64,
    base64.replace(/=+$/, ""),
    base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""),
  ];
}

/** Fails if any form of any secret, or any fragment a connection-string tokenizer could cut out of it, is in `text`. */
function assertNoSecret(text: string, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    for (const form of echoesOf(secret)) assert.ok(!text.includes(form), `${where} contains a form of a secret: ${form}`);
  }
}

describe("adversary: no secret in any error or stored failure reason, whatever the server echoes", function () {
  this.timeout(60_000);
  const password = `Gx7;Pq"Wm2=Lk9`;
  const rotatedPassword = `R0t;at"ed=Pw-2026`;
  const withPassword = (pw: string) => `Data Source=sql01.contoso.com;Initial Catalog=Orders;Integrated Security=False;User ID=aep_reader;Password='${pw}';`;
  const quoted: Variant = { ...sqlServer, params: { connectionString: withPassword(password) }, rotated: { connectionString: withPassword(rotatedPassword) } };
  const imsSecret = "p8~Q!x(7) Zk-secret";
  let rig: ReliabilityRig;
  beforeEach(async () => {
    rig = await startReliabilityRig({
      hosts: 1,
      httpTimeoutMs: 1_000,
      retryBaseMs: 10,
      emulator: { clients: [{ clientId: "adversary-client", clientSecret: imsSecret, orgId: "0A1B2C3D4E5F60718293A4B5@AdobeOrg" }] },
    });
  });
  afterEach(() => stopReliabilityRig(rig));

  /** A Flow Service error body quoting `texts` in each echo form. */
  const echoBody = (texts: readonly string[]) => ({
    type: "https://ns.adobe.com/aep/errors/FLOW-1416-400",
    title: "Invalid request",
    status: 400,
    detail: texts.flatMap(echoesOf).join(" | "),
  });

  it(`a password with ; " and = (${password}) echoed by a 400 on POST, in every form, never shows`, async () => {
    const host = rig.hosts[0]!;
    rig.emulator.inject({ kind: "status", status: 400, method: "POST", route: "/connections", body: echoBody([String(quoted.params["connectionString"]), password, "Pq\"Wm2=Lk9"]) });
    const error = await failure(created(host, quoted, "echoed"));
    assertNoSecret(error.details + JSON.stringify(error.initFailure ?? {}) + host.output, [password, "Pq\"Wm2=Lk9", String(quoted.params["connectionString"])], "the create error");
    assert.match(error.details, /FLOW-1416|400/);
  });

  it("a rotated password echoed by a 422 on PATCH never shows", async () => {
    const host = rig.hosts[0]!;
    const made = await created(host, quoted, "rotating");
    const news = inputsFor(quoted, "rotating");
    news["auth"] = { specName: quoted.specName, params: quoted.rotated };
    const checked = await host.check(made.urn, made.checked, news);
    rig.emulator.inject({ kind: "status", status: 422, method: "PATCH", route: `/connections/${made.id}`, body: echoBody([String(quoted.rotated["connectionString"]), rotatedPassword]) });
    const error = await failure(host.update(made.urn, made.id, made.outs, checked.inputs));
    assertNoSecret(error.details + JSON.stringify(error.initFailure ?? {}) + host.output, [rotatedPassword, password], "the update error");
  });

  it("a whole connection string echoed by /test (verify) never shows, in the error or in the reasons the engine stores", async () => {
    const host = rig.hosts[0]!;
    rig.emulator.inject({ kind: "status", status: 400, method: "GET", route: /\/test$/, body: echoBody([String(quoted.params["connectionString"]), password]) });
    const error = await failure(created(host, quoted, "tested", "dev", { verify: true }));
    assert.ok(error.initFailure !== undefined, "the connection exists: its id is recorded");
    assertNoSecret(error.details + JSON.stringify(error.initFailure) + host.output, [password, String(quoted.params["connectionString"])], "the verify failure");
  });

  it("a base connection's password echoed by an error about a source connection that reads through it never shows", async () => {
    const host = rig.hosts[0]!;
    const base = await created(host, quoted, "lake");
    const objects = await ObjectHost.on(host);
    rig.emulator.inject({ kind: "status", status: 400, method: "POST", route: "/sourceConnections", body: echoBody([String(quoted.params["connectionString"]), password]) });
    const inputs = objects.withIdentity("SourceConnection", "orders", objectInputs("SourceConnection", "sql-server", "orders", { BaseConnection: { type: "BaseConnection", name: "lake", id: base.id, outs: base.outs, inputs: base.checked } }));
    const error = await failure(objects.create("SourceConnection", "orders", inputs));
    assert.match(error.details, /POST \/sourceConnections failed: 400/);
    assertNoSecret(error.details + JSON.stringify(error.initFailure ?? {}) + host.output, [password, "Pq\"Wm2=Lk9", String(quoted.params["connectionString"])], "the source connection's error");
  });

  it(`an IMS answer echoing the client secret (${imsSecret}) never shows`, async () => {
    const host = rig.hosts[0]!;
    rig.emulator.inject({ kind: "status", status: 400, method: "POST", route: "/ims/token/v3", body: { error: "invalid_client", error_description: echoesOf(imsSecret).join(" ") } });
    const error = await failure(created(host, databricks, "ims echo"));
    assertNoSecret(error.details + host.output, [imsSecret], "the IMS error");
    assert.match(error.details, /invalid_client/);
  });
});

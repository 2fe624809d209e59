import assert from "node:assert/strict";
import { isOwnConnection, lookupFilters } from "../../provider/flow-service/connections";
import { MARKER_LENGTH, splitMarker, withMarker } from "../../provider/flow-service/identity";
import { FlowServiceError } from "../../provider/flow-service";
import { firstPage, nextPage } from "../../provider/flow-service/paging";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  resolveRetryPolicy,
  RetryBudget,
  sleep,
} from "../../provider/flow-service/retry";
import type { Connection, NewConnection } from "../../provider/flow-service";

describe("flow-service retry policy", () => {
  it("reads Retry-After as delta-seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("38", now), 38_000);
    assert.equal(parseRetryAfter(["2"], now), 2_000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5_000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it("draws full-jitter backoff below an exponentially growing, capped ceiling", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    assert.equal(backoffDelay(1, policy, () => 0.999), 99);
    assert.equal(backoffDelay(3, policy, () => 0.999), 399);
    assert.equal(backoffDelay(10, policy, () => 0.999), 999);
    assert.equal(backoffDelay(10, policy, () => 0), 0);
  });

  it("bounds a budget by attempts and by total time", () => {
    let clock = 0;
    const budget = new RetryBudget({ maxAttempts: 3, maxElapsedMs: 1_000, baseDelayMs: 10, maxDelayMs: 10 }, () => clock);
    budget.spend();
    assert.equal(budget.nextDelay(200), 200);
    budget.spend();
    clock = 900;
    assert.equal(budget.nextDelay(200), undefined, "a wait ending after maxElapsedMs is not started");
    assert.equal(budget.nextDelay(50), 50);
    budget.spend();
    assert.equal(budget.nextDelay(0), undefined, "no attempt left");
    budget.refund();
    assert.equal(budget.used, 2);
  });

  it("rejects retry options that would be unbounded or nonsensical", () => {
    assert.throws(() => resolveRetryPolicy({ maxAttempts: 0 }), RangeError);
    assert.throws(() => resolveRetryPolicy({ maxElapsedMs: Number.POSITIVE_INFINITY }), RangeError);
    assert.deepEqual(resolveRetryPolicy({ maxAttempts: 2 }), { ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
  });

  it("stops waiting as soon as the caller aborts", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await assert.rejects(waiting, /stop/);
  });
});

describe("flow-service paging: next-page links", () => {
  const base = "https://platform.adobe.io/data/foundation/flowservice";

  it("repeats the property parameter once per filter", () => {
    assert.deepEqual(firstPage("/connections", { property: ["name==A", "connectionSpec.id==s"], limit: 2, orderby: "-name" }), {
      path: "/connections",
      query: [
        ["property", "name==A"],
        ["property", "connectionSpec.id==s"],
        ["limit", "2"],
        ["orderby", "-name"],
      ],
    });
    assert.throws(() => firstPage("/connections", { limit: 0 }), RangeError);
  });

  it("follows a link relative to the Flow Service base path, keeping a token that contains '='", () => {
    assert.deepEqual(nextPage("/connections?continuationToken=YWJj%3D%3D&property=name%3D%3DA&limit=2", base, "/connections"), {
      path: "/connections",
      query: [
        ["continuationToken", "YWJj=="],
        ["property", "name==A"],
        ["limit", "2"],
      ],
    });
  });

  it("accepts the full path and an absolute URL on the same service", () => {
    assert.deepEqual(nextPage("/data/foundation/flowservice/connections?continuationToken=t", base, "/connections"), {
      path: "/connections",
      query: [["continuationToken", "t"]],
    });
    assert.deepEqual(nextPage(`${base}/connections?continuationToken=t`, base, "/connections"), {
      path: "/connections",
      query: [["continuationToken", "t"]],
    });
  });

  it("refuses to send the token to another origin or API", () => {
    assert.throws(() => nextPage("https://evil.example/connections?continuationToken=t", base, "/connections"), (error: unknown) => {
      assert.ok(FlowServiceError.isInstance(error));
      assert.match(error.message, /refusing to follow a next-page link outside https:\/\/platform\.adobe\.io/);
      return true;
    });
    assert.throws(() => nextPage("https://platform.adobe.io/data/foundation/catalog/x", base, "/connections"));
  });
});

describe("flow-service create: what a create may take for its own", () => {
  const key = "0123456789abcdef";
  const body: NewConnection = {
    name: "Synapse prod",
    description: withMarker("Sales", key),
    auth: { specName: "Connection String Based Authentication", params: { connectionString: "x" } },
    connectionSpec: { id: "spec-1", version: "1.0" },
  };
  const identity = { key };
  const base: Connection = { id: "c1", name: "Synapse prod", description: "Sales [pulumi:0123456789abcdef]", connectionSpec: { id: "spec-1" }, etag: '"e"' };

  it("only a connection carrying this resource's marker, whenever and by whomever it was made", () => {
    assert.ok(isOwnConnection(base, body, identity));
    assert.ok(isOwnConnection({ ...base, createdAt: 0, createdClient: "someone-else" }, body, identity), "no clock, no client: the marker proves it");
    assert.ok(!isOwnConnection({ ...base, description: "Sales [pulumi:fedcba9876543210]" }, body, identity), "another stack's marker");
    assert.ok(!isOwnConnection({ ...base, description: "Sales" }, body, identity), "no marker: a hand-made or another tool's connection");
    assert.ok(!isOwnConnection({ ...base, description: undefined }, body, identity));
  });

  it("rules out other names, other specs and other auth specs; counts the live connection of a replacement, whatever its name", () => {
    assert.ok(!isOwnConnection({ ...base, name: "Synapse prod 2" }, body, identity));
    assert.ok(
      !isOwnConnection({ ...base, auth: { specName: "Service Principal Key Based Authentication" } }, body, identity),
      "the connection being replaced (same name, spec and marker, other auth spec) is not the new one",
    );
    assert.ok(isOwnConnection({ ...base, auth: { specName: body.auth.specName } }, body, identity));
    assert.ok(!isOwnConnection({ ...base, connectionSpec: { id: "spec-2" } }, body, identity));
    // A live connection of the resource is its own whatever its name: createSafely never takes it for the result, nor
    // any older one of the resource (a generation a replacement replaced), and needs its creation time to know.
    assert.ok(isOwnConnection({ ...base, name: "Synapse prod (renamed)" }, body, { key, excludeIds: ["C1"] }), "a live connection counts, to date the others");
  });

  it("reads and writes the marker at the end of the description", () => {
    assert.equal(withMarker(undefined, key), "[pulumi:0123456789abcdef]");
    assert.deepEqual(splitMarker("Sales [pulumi:0123456789abcdef]"), { text: "Sales", key });
    assert.deepEqual(splitMarker("[pulumi:0123456789abcdef]"), { text: undefined, key });
    assert.deepEqual(splitMarker("Sales [pulumi:0123]"), { text: "Sales [pulumi:0123]", key: undefined });
    assert.equal(withMarker("Sales", key).length - "Sales".length, MARKER_LENGTH);
  });

  it("filters on name only when the name cannot change the filter's meaning", () => {
    assert.deepEqual(lookupFilters(body), ["name==Synapse prod", "connectionSpec.id==spec-1"]);
    assert.deepEqual(lookupFilters({ ...body, name: "a,b" }), ["connectionSpec.id==spec-1"]);
  });
});

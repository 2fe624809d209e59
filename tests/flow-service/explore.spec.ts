import assert from "node:assert/strict";
import { FlowServiceClient, FlowServiceError, NotFoundError, ResponseTooLargeError } from "../../provider/flow-service";
import { startEmulator } from "../../emulator";
import { baseConnection, rejection, requestsTo, sharedDataflowClient } from "./dataflow-harness";
import { FAST_RETRY, settingsFor } from "./harness";

describe("flow-service client: explore", () => {
  const suite = sharedDataflowClient();

  it("lists a table source's tables and reads a table's columns, with sample rows on request", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    const tables = await suite.client.exploreRoot(base);
    assert.deepEqual(
      tables.map((t) => [t.type, t.path]),
      [["table", "dbo.orders"], ["table", "dbo.customers"]],
    );
    assert.equal(tables[0]?.canFetchSchema, true);
    const [root] = requestsTo(suite.emulator, "GET", `/connections/${base}/explore`);
    assert.deepEqual(root?.query["objectType"], ["root"], "lower-case objectType, as the docs send it");

    const schema = await suite.client.exploreTable(base, "dbo.orders");
    assert.equal(schema.format, "flat");
    assert.equal(schema.data, undefined, "no rows without preview");
    const updatedAt = schema.columns.find((c) => c.name === "updated_at");
    assert.deepEqual(updatedAt, { name: "updated_at", type: "string", "meta:xdmType": "date-time", xdm: { type: "string", format: "date-time" } });
    assert.deepEqual(schema.columns.map((c) => c.name), ["id", "customer_id", "amount", "is_gift", "updated_at"]);

    const preview = await suite.client.exploreTable(base, "dbo.orders", { preview: true });
    assert.equal(preview.data?.length, 2);
    assert.ok(preview.data?.every((row) => "id" in row));
  });

  it("walks ADLS Gen2 folders and reads a file's inferred schema, with rows and detected properties", async () => {
    const base = await baseConnection(suite.client, "adls-gen2");
    const root = await suite.client.exploreRoot(base);
    assert.deepEqual(root.map((i) => [i.type, i.path]), [["folder", "/acme-customers/"]]);
    const inside = await suite.client.exploreFolder(base, "/acme-customers/");
    assert.deepEqual(inside.map((i) => [i.type, i.path]), [["folder", "/acme-customers/orders/"], ["file", "/acme-customers/customers.csv"]]);

    const file = await suite.client.exploreFile(base, "/acme-customers/customers.csv", { fileType: "delimited", columnDelimiter: ",", preview: true });
    assert.deepEqual(file.columns.map((c) => c.name), ["id", "email", "first_name", "last_name", "updated_at"]);
    assert.equal(file.data?.length, 2);
    const [request] = requestsTo(suite.emulator, "GET", `/connections/${base}/explore`).slice(-1);
    assert.deepEqual(
      ["objectType", "object", "fileType", "columnDelimiter", "preview"].map((name) => request?.query[name]),
      [["file"], ["/acme-customers/customers.csv"], ["delimited"], [","], ["true"]],
    );

    const detected = await suite.client.exploreFile(base, "/acme-customers/orders/2026-01.json", { determineProperties: true });
    assert.equal(detected.properties?.fileType, "json");
    await assert.rejects(suite.client.exploreFile(base, "/x.csv", { determineProperties: true, fileType: "delimited" }), TypeError);
    await assert.rejects(suite.client.exploreFile(base, "/x.csv", { columnDelimiter: ";;" }), TypeError);
  });

  it("reads XC's older bare-array file preview too (the filePreview reading)", async () => {
    const emulator = await startEmulator({ readings: { filePreview: "columns" } });
    try {
      const client = new FlowServiceClient(settingsFor(emulator), { retry: FAST_RETRY });
      const base = await baseConnection(client, "adls-gen2");
      const file = await client.exploreFile(base, "/acme-customers/customers.csv", { preview: true });
      assert.equal(file.format, undefined);
      assert.equal(file.data, undefined);
      assert.deepEqual(file.columns.find((c) => c.name === "email"), { name: "email", type: "string" });
    } finally {
      await emulator.close();
    }
  });

  it("an unknown connection or table is a NotFoundError; a bad parameter a FlowServiceError with Adobe's code", async () => {
    const missing = await rejection(suite.client.exploreRoot("00000000-0000-4000-8000-000000000000"), NotFoundError);
    assert.equal(missing.code, "AEP_ERR_NOT_FOUND");
    const base = await baseConnection(suite.client, "sql-server");
    const table = await rejection(suite.client.exploreTable(base, "dbo.nope"), NotFoundError);
    assert.equal(table.adobeCode, "1101");
    const folder = await rejection(suite.client.exploreFolder(base, "/x"), FlowServiceError);
    assert.deepEqual([folder.status, folder.adobeCode], [400, "1453"], "a table source has no folders");
    await assert.rejects(suite.client.exploreTable(base, ""), TypeError);
  });

  it("retries a 502 (explore is a GET) and redacts the secret from a failure", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    suite.emulator.inject({ kind: "status", status: 502, route: `/connections/${base}/explore` });
    assert.equal((await suite.client.exploreRoot(base)).length, 2);
    assert.equal(requestsTo(suite.emulator, "GET", `/connections/${base}/explore`).length, 2);

    suite.emulator.inject({
      kind: "status",
      status: 400,
      route: `/connections/${base}/explore`,
      body: { type: "https://ns.adobe.com/aep/errors/FLOW-1453-400", title: "Bad", status: 400, report: { "detailed-message": `secret=${suite.emulator.client.clientSecret}` } },
    });
    const error = await rejection(suite.client.exploreRoot(base), FlowServiceError);
    assert.ok(!error.message.includes(suite.emulator.client.clientSecret));
    assert.match(error.message, /secret=\[REDACTED\]/);
  });

  it("refuses a preview larger than maxResponseBytes", async () => {
    const base = await baseConnection(suite.client, "sql-server");
    const small = new FlowServiceClient(settingsFor(suite.emulator), { maxResponseBytes: 512, retry: { maxAttempts: 1 } });
    const error = await rejection(small.exploreTable(base, "dbo.orders", { preview: true }), ResponseTooLargeError);
    assert.equal(error.status, 200);
  });
});

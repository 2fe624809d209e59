import { strict as assert } from "node:assert";
import { startEmulator } from "../../emulator/index";
import { SOURCES, SOURCE_OBJECT, baseConnection, sharedDataflowEmulator } from "./dataflow-support";
import { FlowApi, flowCode } from "./support";

describe("emulated GET /connections/{id}/explore", () => {
  const suite = sharedDataflowEmulator();

  const explore = (id: string, query: string): ReturnType<FlowApi["call"]> => suite.api.call("GET", `/connections/${id}/explore?${query}`);

  for (const source of SOURCES.filter((s) => s !== "adls-gen2")) {
    it(`${source}: lists tables at root, columns of a table, and sample rows with preview=true`, async () => {
      const id = await baseConnection(suite.api, source);
      const root = (await explore(id, "objectType=root")).json as { type: string; path: string; canPreview: boolean }[];
      assert.ok(root.length > 0);
      assert.ok(root.every((item) => item.type === "table" && item.canPreview));
      const path = SOURCE_OBJECT[source];
      assert.ok(root.some((item) => item.path === path), `root lists ${path}`);

      const table = (await explore(id, `objectType=table&object=${encodeURIComponent(path)}`)).json as {
        format: string;
        schema: { columns: { name: string; type: string; xdm: { type: string } }[] };
        data?: unknown;
      };
      assert.equal(table.format, "flat");
      assert.ok(table.schema.columns.some((c) => c.name === "updated_at" && c.xdm.type === "string"));
      assert.equal(table.data, undefined);
      const preview = (await explore(id, `objectType=TABLE&object=${encodeURIComponent(path)}&preview=true`)).json as { data: Record<string, unknown>[] };
      assert.ok(preview.data.length > 0);
    });
  }

  it("adls-gen2: folders and files, a file's schema, preview, determineProperties", async () => {
    const id = await baseConnection(suite.api, "adls-gen2");
    const root = (await explore(id, "objectType=root")).json as { type: string; path: string; canPreview: boolean; canFetchSchema: boolean }[];
    assert.deepEqual(root, [{ type: "folder", name: "acme-customers", path: "/acme-customers/", canPreview: false, canFetchSchema: false }]);
    const folder = (await explore(id, "objectType=folder&object=/acme-customers/")).json as { type: string; path: string }[];
    assert.deepEqual(
      folder.map((i) => [i.type, i.path]),
      [
        ["folder", "/acme-customers/orders/"],
        ["file", "/acme-customers/customers.csv"],
      ],
    );
    const file = `/acme-customers/customers.csv`;
    const schema = (await explore(id, `objectType=file&object=${file}&fileType=delimited`)).json as { format: string; schema: { columns: unknown[] }; data?: unknown };
    assert.equal(schema.format, "flat");
    assert.ok(schema.schema.columns.length > 0);
    assert.equal(schema.data, undefined);
    const preview = (await explore(id, `objectType=file&object=${file}&FileType=DELIMITED&preview=true`)).json as { data: unknown[] };
    assert.equal(preview.data.length, 2);
    const props = (await explore(id, `objectType=file&object=${file}&determineProperties=true`)).json as { properties: unknown };
    assert.deepEqual(props.properties, { fileType: "delimited", columnDelimiter: "," });
  });

  it("refuses what the catalogue does not hold and parameters that do not fit", async () => {
    const sql = await baseConnection(suite.api, "sql-server");
    const adls = await baseConnection(suite.api, "adls-gen2");
    const status = async (id: string, query: string): Promise<[number, string | undefined]> => {
      const result = await explore(id, query);
      return [result.status, flowCode(result.json)];
    };
    assert.deepEqual(await status(sql, "objectType=table&object=dbo.nope"), [404, "FLOW-1101-404"]);
    assert.deepEqual(await status(sql, "objectType=table"), [400, "FLOW-2119-400"]);
    assert.deepEqual(await status(sql, "objectType=file&object=x"), [400, "FLOW-1453-400"]);
    assert.deepEqual(await status(adls, "objectType=file&object=/acme-customers/missing.csv"), [404, "FLOW-1101-404"]);
    assert.deepEqual(await status(adls, "objectType=folder&object=/nowhere/"), [404, "FLOW-1101-404"]);
    assert.deepEqual(await status(adls, "objectType=file&object=/acme-customers/customers.csv&fileType=json"), [400, "FLOW-1453-400"]);
    assert.deepEqual(await status(adls, "objectType=file&object=/acme-customers/customers.csv&determineProperties=true&fileType=delimited"), [400, "FLOW-1453-400"]);
    assert.deepEqual(await status(adls, "objectType=file&object=/acme-customers/customers.csv&compressionType=zip"), [400, "FLOW-1453-400"]);
    assert.deepEqual(await status(adls, "objectType=table&object=x"), [400, "FLOW-1453-400"]);
  });

  it("serves a catalogue a test sets for one connection", async () => {
    const id = await baseConnection(suite.api, "sql-server");
    suite.emulator.dataflows.setExploreCatalogue(id, {
      kind: "tables",
      tables: [{ kind: "table", name: "t", path: "s.t", columns: [{ name: "c", type: "string", xdm: { type: "string" } }], rows: [{ c: "v" }] }],
    });
    const root = (await explore(id, "objectType=root")).json as { path: string }[];
    assert.deepEqual(root.map((r) => r.path), ["s.t"]);
  });

  it("serves XC's bare column list for a file preview under the filePreview=columns reading", async () => {
    const other = await startEmulator({ readings: { filePreview: "columns" } });
    try {
      const otherApi = await FlowApi.connect(other);
      const id = await baseConnection(otherApi, "adls-gen2");
      const result = await otherApi.call("GET", `/connections/${id}/explore?objectType=file&object=/acme-customers/customers.csv&preview=true`);
      assert.ok(Array.isArray(result.json));
      assert.deepEqual((result.json as { name: string; type: string }[])[0], { name: "id", type: "String" });
    } finally {
      await other.close();
    }
  });
});

import { strict as assert } from "node:assert";
import { CATALOG, CONVERSION, SCHEMA_ID, chain, dataset, flow, mappingBody, mappingSet, platform, sharedDataflowEmulator } from "./dataflow-support";
import { FlowApi } from "./support";

function errorType(json: unknown): string {
  return String((json as { type?: unknown } | undefined)?.type ?? "");
}

describe("emulated Catalog datasets and Data Prep mapping sets", () => {
  const suite = sharedDataflowEmulator();

  describe("POST/GET/DELETE /catalog/dataSets", () => {
    it("creates (201, bare array), reads a keyed object with ?properties=, deletes (200 array, then [] and 404)", async () => {
      const body = { name: "Orders", description: "d", schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed+json;version=1" } };
      const created = await platform(suite.api, "POST", `${CATALOG}/dataSets?requestDataSource=true`, body);
      assert.equal(created.status, 201, created.text);
      const [ref] = created.json as string[];
      assert.match(String(ref), /^@\/dataSets\/[0-9a-f]{24}$/);
      const id = String(ref).slice("@/dataSets/".length);
      const read = await platform(suite.api, "GET", `${CATALOG}/dataSets/${id}`);
      const keyed = read.json as Record<string, { name: string; schemaRef: { id: string } }>;
      assert.deepEqual(Object.keys(keyed), [id]);
      assert.equal(keyed[id]?.schemaRef.id, SCHEMA_ID);
      const projected = (await platform(suite.api, "GET", `${CATALOG}/dataSets/${id}?properties=name`)).json as Record<string, Record<string, unknown>>;
      assert.deepEqual(projected[id], { name: "Orders" });
      assert.deepEqual((await platform(suite.api, "DELETE", `${CATALOG}/dataSets/${id}`)).json, [`@/dataSets/${id}`]);
      const again = await platform(suite.api, "DELETE", `${CATALOG}/dataSets/${id}`);
      assert.equal(again.status, 200);
      assert.deepEqual(again.json, []);
      const gone = await platform(suite.api, "GET", `${CATALOG}/dataSets/${id}`);
      assert.equal(gone.status, 404);
      assert.match(errorType(gone.json), /CATALOG-1010-404$/);
    });

    it("refuses a missing name or schemaRef and an unknown schema, in the Catalog dialect", async () => {
      const bad = await platform(suite.api, "POST", `${CATALOG}/dataSets`, { schemaRef: { id: SCHEMA_ID } });
      assert.equal(bad.status, 400);
      assert.match(errorType(bad.json), /CATALOG-1001-400$/);
      assert.match(String((bad.json as { detail: string }).detail), /'name'.*contentType/);
      const unknown = await platform(suite.api, "POST", `${CATALOG}/dataSets`, { name: "x", schemaRef: { id: "https://ns.adobe.com/x/schemas/1", contentType: "application/vnd.adobe.xed+json;version=1" } });
      assert.match(errorType(unknown.json), /CATALOG-1002-400$/);
      suite.emulator.dataflows.registerSchema({ id: "https://ns.adobe.com/x/schemas/1", title: "x", fields: { _id: "string" } });
      assert.equal((await platform(suite.api, "POST", `${CATALOG}/dataSets`, { name: "x", schemaRef: { id: "https://ns.adobe.com/x/schemas/1", contentType: "application/vnd.adobe.xed+json;version=1" } })).status, 201);
    });

    it("lists datasets as a keyed object filtered by exact name, paged by limit and start, projected by properties", async () => {
      const body = (name: string) => ({ name, schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed+json;version=1" } });
      const ids: string[] = [];
      for (const name of ["Orders", "Orders", "Orders 2"]) {
        const [ref] = (await platform(suite.api, "POST", `${CATALOG}/dataSets`, body(name))).json as string[];
        ids.push(String(ref).slice("@/dataSets/".length));
      }
      const named = (await platform(suite.api, "GET", `${CATALOG}/dataSets?name=Orders&properties=name`)).json as Record<string, unknown>;
      assert.deepEqual(Object.keys(named), ids.slice(0, 2));
      assert.deepEqual(named[ids[0]!], { name: "Orders" });
      const second = (await platform(suite.api, "GET", `${CATALOG}/dataSets?limit=1&start=1`)).json as Record<string, unknown>;
      assert.deepEqual(Object.keys(second), [ids[1]]);
      const bad = await platform(suite.api, "GET", `${CATALOG}/dataSets?limit=0`);
      assert.equal(bad.status, 400);
      assert.match(errorType(bad.json), /CATALOG-1003-400$/);
      assert.equal((await platform(suite.api, "GET", `${CATALOG}/dataSets?orderBy=name`)).status, 400, "an unmodelled filter is refused, not ignored");
    });

    it("keeps datasets in their sandbox", async () => {
      const id = await dataset(suite.api);
      assert.equal((await platform(suite.api.inSandbox("dev"), "GET", `${CATALOG}/dataSets/${id}`)).status, 404);
    });
  });

  describe("/conversion/mappingSets", () => {
    it("creates with 200 {id, version: 0} and reads the merged representation", async () => {
      const created = await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, mappingBody());
      assert.equal(created.status, 200, created.text);
      const { id, version } = created.json as { id: string; version: number };
      assert.match(id, /^[0-9a-f]{32}$/);
      assert.equal(version, 0);
      const read = (await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}`)).json as {
        version: number;
        xdmSchema: string;
        outputSchema: { schemaRef: { id: string } };
        mappings: { id: string; sourceType: string; source: string; destination: string; sourceAttribute: string; destinationXdmPath: string }[];
      };
      assert.equal(read.xdmSchema, SCHEMA_ID);
      assert.equal(read.outputSchema.schemaRef.id, SCHEMA_ID);
      const [first] = read.mappings;
      assert.equal(first?.sourceType, "text/x.schema-path");
      assert.equal(first?.sourceAttribute, "id");
      assert.equal(first?.destinationXdmPath, "_id");
      assert.match(first?.id ?? "", /^[0-9a-f]{32}$/);
    });

    it("accepts the legacy dialect (xdmSchema, sourceAttribute, destinationXdmPath)", async () => {
      const legacy = { version: 0, xdmSchema: SCHEMA_ID, xdmVersion: "1.0", id: null, mappings: [{ sourceAttribute: "email", destinationXdmPath: "personalEmail.address", identity: false, version: 0 }] };
      const created = await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, legacy);
      assert.equal(created.status, 200, created.text);
    });

    it("validates mappings against the XDM schema, naming each bad mapping", async () => {
      const body = {
        outputSchema: { schemaRef: { id: SCHEMA_ID, contentType: "application/vnd.adobe.xed-full+json;version=1" } },
        mappings: [
          { sourceType: "ATTRIBUTE", source: "id", destination: "_id" },
          { sourceType: "ATTRIBUTE", source: "x", destination: "person.nickname" },
          { sourceType: "ATTRIBUTE", source: "y", destination: "person.name" },
          { sourceType: "LOOKUP", source: "z", destination: "timestamp" },
          { sourceType: "ATTRIBUTE", source: "id", destination: "_id" },
        ],
      };
      const refused = await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, body);
      assert.equal(refused.status, 400);
      assert.match(errorType(refused.json), /DATAPREP-1002-400$/);
      const detail = String((refused.json as { detail: string }).detail);
      assert.match(detail, /mappings\[1\].*person\.nickname is not a field/);
      assert.match(detail, /mappings\[2\].*is an object/);
      assert.match(detail, /mappings\[3\]\.sourceType/);
      assert.match(detail, /mappings\[4\].*already written by mappings\[0\]/);
      const empty = await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, { ...body, mappings: [] });
      assert.match(errorType(empty.json), /DATAPREP-1001-400$/);
      const unknownSchema = await platform(suite.api, "POST", `${CONVERSION}/mappingSets`, { xdmSchema: "https://ns.adobe.com/x/schemas/2", mappings: body.mappings.slice(0, 1) });
      assert.match(errorType(unknownSchema.json), /DATAPREP-1003-400$/);
      assert.equal((await platform(suite.api, "POST", `${CONVERSION}/mappingSets/validate`, body)).status, 400);
      assert.equal((await platform(suite.api, "POST", `${CONVERSION}/mappingSets/validate`, mappingBody())).status, 200);
      assert.equal(suite.emulator.dataflows.mappingSets().length, 0);
    });

    it("PUT replaces the whole set, bumps the version, renews mapping ids, and keeps old versions readable", async () => {
      const { id } = await mappingSet(suite.api);
      const v0 = (await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}`)).json as { mappings: { id: string }[] };
      const replaced = await platform(suite.api, "PUT", `${CONVERSION}/mappingSets/${id}`, {
        ...mappingBody(),
        mappings: [{ sourceType: "EXPRESSION", source: "concat(first_name, ' ', last_name)", destination: "person.name.fullName" }],
      });
      assert.equal(replaced.status, 200, replaced.text);
      const v1 = replaced.json as { version: number; mappings: { id: string; sourceType: string }[] };
      assert.equal(v1.version, 1);
      assert.equal(v1.mappings.length, 1);
      assert.equal(v1.mappings[0]?.sourceType, "text/x.aep-xl");
      assert.ok(!v0.mappings.some((m) => m.id === v1.mappings[0]?.id));
      const old = (await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}?version=0`)).json as { version: number; mappings: unknown[] };
      assert.equal(old.version, 0);
      assert.equal(old.mappings.length, 2);
      assert.equal((await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}?version=7`)).status, 404);
      const mappings = (await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}/mappings`)).json as { id: string }[];
      assert.equal(mappings.length, 1);
      assert.equal((await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}/mappings/${mappings[0]?.id}`)).status, 200);
      const invalid = await platform(suite.api, "PUT", `${CONVERSION}/mappingSets/${id}`, { ...mappingBody(), mappings: [{ source: "a", destination: "nope" }] });
      assert.equal(invalid.status, 400);
      assert.equal(((await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${id}`)).json as { version: number }).version, 1, "a refused PUT adds no version");
    });

    it("lists with the required limit and start ({data, _page})", async () => {
      await mappingSet(suite.api);
      await mappingSet(suite.api);
      await mappingSet(suite.api);
      const missing = await platform(suite.api, "GET", `${CONVERSION}/mappingSets?limit=2`);
      assert.equal(missing.status, 400);
      assert.match(errorType(missing.json), /DATAPREP-1004-400$/);
      const page = (await platform(suite.api, "GET", `${CONVERSION}/mappingSets?limit=2&start=0`)).json as { data: unknown[]; _page: { limit: number; count: number }; _links: { next?: unknown } };
      assert.equal(page.data.length, 2);
      assert.equal(page._page.limit, 2);
      assert.ok(page._links.next !== undefined);
      const last = (await platform(suite.api, "GET", `${CONVERSION}/mappingSets?limit=2&start=2&orderBy=-createdDate`)).json as { data: unknown[]; _links: Record<string, unknown> };
      assert.equal(last.data.length, 1);
      assert.deepEqual(last._links, {});
    });

    it("deletes a mapping set (200) unless a flow pins it", async () => {
      const c = await chain(suite.api);
      const { id: flowId } = await flow(suite.api, c);
      const refused = await platform(suite.api, "DELETE", `${CONVERSION}/mappingSets/${c.mapping.id}`);
      assert.equal(refused.status, 400);
      assert.match(String((refused.json as { detail: string }).detail), new RegExp(flowId));
      await suite.api.call("DELETE", `/flows/${flowId}`);
      assert.equal((await platform(suite.api, "DELETE", `${CONVERSION}/mappingSets/${c.mapping.id}`)).status, 200);
      assert.equal((await platform(suite.api, "GET", `${CONVERSION}/mappingSets/${c.mapping.id}`)).status, 404);
    });
  });
});

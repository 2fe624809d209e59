/**
 * The dataflow objects' response parsers on bodies written by hand from the docs' examples (dataflows.md), including
 * the shapes the emulator does not serve by default: UPDF's string schedule and mappingVersion, the legacy mapping
 * dialect, OAS's `eTag`, a malformed Catalog answer.
 */
import assert from "node:assert/strict";
import { parseAdobeError } from "../../provider/flow-service/adobe-errors";
import { parseDatasetCreated, parseDatasetMap } from "../../provider/flow-service/datasets";
import { flowIdsNamedIn } from "../../provider/flow-service/errors";
import { parseExploreListing, parseExploreSchema } from "../../provider/flow-service/explore";
import { parseFlowPage, parseRunPage } from "../../provider/flow-service/flows";
import { parseMappingSet } from "../../provider/flow-service/mapping-sets";
import { parseSourceConnectionPage } from "../../provider/flow-service/source-connections";

function ok<T>(parsed: { ok: true; value: T } | { ok: false; problem: string }): T {
  if (!parsed.ok) assert.fail(parsed.problem);
  return parsed.value;
}

describe("dataflow wire shapes", () => {
  it("reads UPDF's flow with schedule values and mappingVersion as strings", () => {
    const page = ok(
      parseFlowPage(
        JSON.stringify({
          items: [
            {
              id: "2edc08ac-4df5-4fe6-936f-81a19ce92f5c",
              name: "Database dataflow",
              flowSpec: { id: "14518937-270c-4525-bdec-c2ba7cce3860", version: "1.0" },
              state: "enabled",
              version: '"1a0037e4-0000-0200-0000-602e09f40000"',
              etag: '"1a0037e4-0000-0200-0000-602e09f40000"',
              sourceConnectionIds: ["b7581b59-c603-4df1-a689-d23d7ac440f3"],
              targetConnectionIds: ["320f119a-5ac1-4ab1-88ea-eb19e674ea2e"],
              transformations: [{ name: "Mapping", params: { mappingId: "c5f22f04e09f44498e528901546a83b1", mappingVersion: "0" } }],
              scheduleParams: { startTime: "1612310466", frequency: "minute", interval: "15", backfill: "true" },
              lastRunDetails: { id: "3dfd2a35-1ca6-4f4b-9a7c-a55d8e0d2c4a", state: "success", startedAtUTC: 1613502000000, completedAtUTC: 1613502062000 },
              createdAt: 1612310475051,
            },
          ],
        }),
      ),
    );
    const [flow] = page.items;
    assert.deepEqual(flow?.scheduleParams, { startTime: 1612310466, frequency: "minute", interval: 15, backfill: true });
    assert.equal(flow?.transformations[0]?.params["mappingVersion"], "0");
    assert.equal(flow?.lastRunDetails?.state, "success");
    assert.equal(flow?.createdAt, 1612310475051);
  });

  it("refuses a flow item with neither etag nor version, and reads an unreadable schedule field as absent", () => {
    assert.equal(parseFlowPage(JSON.stringify({ items: [{ id: "x", name: "n", flowSpec: { id: "s" } }] })).ok, false);
    const [flow] = ok(parseFlowPage(JSON.stringify({ items: [{ id: "x", name: "n", flowSpec: { id: "s" }, etag: '"e"', scheduleParams: { startTime: "soon", frequency: "once" } }] }))).items;
    assert.deepEqual(flow?.scheduleParams, { frequency: "once" });
  });

  it("reads a run with OAS's eTag and the docs' metrics", () => {
    const [run] = ok(
      parseRunPage(
        JSON.stringify({
          items: [
            {
              id: "r1",
              flowId: "f1",
              eTag: '"run-etag"',
              metrics: {
                durationSummary: { startedAtUTC: 1, completedAtUTC: 2 },
                recordSummary: { inputRecordCount: 10, outputRecordCount: 9, failedRecordCount: 1 },
                statusSummary: { status: "failed", errors: [{ code: "INGEST-1212-400", message: "bad row" }] },
              },
            },
          ],
        }),
      ),
    ).items;
    assert.deepEqual([run?.etag, run?.status, run?.records, run?.errors], ['"run-etag"', "failed", { input: 10, output: 9, failed: 1 }, [{ code: "INGEST-1212-400", message: "bad row" }]]);
  });

  it("reads the legacy mapping dialect and normalises sourceType", () => {
    const set = ok(
      parseMappingSet(
        JSON.stringify({
          id: "0b090130b58b4819afc78b6dc98b484d",
          version: "2",
          xdmSchema: "https://ns.adobe.com/acme/schemas/1",
          mappings: [
            { sourceAttribute: "email", destinationXdmPath: "personalEmail.address", sourceType: "text/x.schema-path" },
            { source: "concat(a, b)", destination: "person.name.fullName", sourceType: "text/x.aep-xl" },
            { source: "x", destination: "_id" },
          ],
        }),
      ),
    );
    assert.deepEqual([set.version, set.outputSchemaId], [2, "https://ns.adobe.com/acme/schemas/1"]);
    assert.deepEqual(set.mappings.map((m) => [m.sourceType, m.source, m.destination]), [
      ["ATTRIBUTE", "email", "personalEmail.address"],
      ["EXPRESSION", "concat(a, b)", "person.name.fullName"],
      ["ATTRIBUTE", "x", "_id"],
    ]);
    assert.equal(parseMappingSet(JSON.stringify({ id: "x", version: 0, mappings: [{ sourceType: "ATTRIBUTE" }] })).ok, false, "a mapping without source or destination");
  });

  it("reads Catalog's bare-array create and keyed look-up, refusing anything else", () => {
    assert.deepEqual(ok(parseDatasetCreated('["@/dataSets/5c8c3c555033b814b69f947f"]')), { id: "5c8c3c555033b814b69f947f" });
    assert.equal(parseDatasetCreated("[]").ok, false);
    assert.equal(parseDatasetCreated('["@/dataSets/a","@/dataSets/b"]').ok, false);
    assert.equal(parseDatasetCreated('{"id":"a"}').ok, false);
    const [dataset] = ok(parseDatasetMap(JSON.stringify({ "5c8c3c555033b814b69f947f": { name: "Orders", description: "d", schemaRef: { id: "s" }, created: 1 } })));
    assert.deepEqual(dataset, { id: "5c8c3c555033b814b69f947f", name: "Orders", description: "d", schemaRef: { id: "s" }, created: 1 });
  });

  it("reads both explore preview shapes and lower-cases item types", () => {
    assert.deepEqual(ok(parseExploreListing('[{"type":"Folder","name":"a","path":"/a/","canPreview":false,"canFetchSchema":false}]')), [
      { type: "folder", name: "a", path: "/a/", canPreview: false, canFetchSchema: false },
    ]);
    assert.deepEqual(ok(parseExploreSchema('[{"name":"id","type":"String"}]')), { columns: [{ name: "id", type: "string" }] });
    const flat = ok(parseExploreSchema('{"format":"flat","schema":{"columns":[{"name":"id","type":"string","xdm":{"type":"string"}}]},"data":[{"id":"1"}]}'));
    assert.deepEqual(flat, { format: "flat", columns: [{ name: "id", type: "string", xdm: { type: "string" } }], data: [{ id: "1" }] });
    assert.equal(parseExploreSchema('{"format":"flat"}').ok, false);
  });

  it("reads an older source connection's recursive: \"true\" as a boolean", () => {
    const [source] = ok(
      parseSourceConnectionPage(JSON.stringify({ items: [{ id: "s", name: "n", etag: '"e"', connectionSpec: { id: "b3ba5556-48be-44b7-8b85-ff2b69b46dc4" }, params: { path: "/a", type: "folder", recursive: "true" } }] })),
    ).items;
    assert.deepEqual(source?.params, { path: "/a", type: "folder", recursive: true });
  });

  it("keeps other services' codes prefixed, and takes flow ids from an in-use text without the object's own id", () => {
    const catalog = parseAdobeError(JSON.stringify({ type: "https://ns.adobe.com/aep/errors/CATALOG-1010-404", title: "Not Found", detail: "No dataSets found" }));
    assert.deepEqual([catalog.dialect, catalog.code, catalog.codeLabel, catalog.text], ["flow", "CATALOG-1010", "CATALOG-1010", "No dataSets found"]);
    const flow = parseAdobeError(JSON.stringify({ type: "https://ns.adobe.com/aep/errors/FLOW-1447-400", title: "Bad" }));
    assert.deepEqual([flow.code, flow.codeLabel], ["1447", "FLOW-1447"]);
    const self = "b7581b59-c603-4df1-a689-d23d7ac440f3";
    const used = "2edc08ac-4df5-4fe6-936f-81a19ce92f5c";
    assert.deepEqual(flowIdsNamedIn(`Found active flows containing id ${self}: ${used}.`, `/sourceConnections/${self}`), [used]);
    assert.deepEqual(flowIdsNamedIn(undefined, "/x"), []);
  });
});

import { strict as assert } from "node:assert";
import { seedBody } from "../fixtures/seed-requests";
import { startEmulator, type Emulator } from "../../emulator/index";
import { ETAG_SHAPE, FlowApi, detailedMessage, flowCode } from "./support";

describe("emulated PATCH /connections/{id}", () => {
  let emulator: Emulator;
  let api: FlowApi;
  let otherApi: FlowApi;

  before(async () => {
    emulator = await startEmulator({
      clients: [
        { clientId: "first-client", clientSecret: "p8e-1", orgId: "AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg" },
        { clientId: "second-client", clientSecret: "p8e-2", orgId: "AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg" },
      ],
    });
    api = await FlowApi.connect(emulator);
    // Same org, another client: proves updatedBy follows the writer.
    otherApi = await FlowApi.connect(emulator, "prod", { clientId: "second-client", clientSecret: "p8e-2", orgId: "AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg" });
  });
  after(() => emulator.close());

  function patch(id: string, etag: string | undefined, body: unknown, caller: FlowApi = api): ReturnType<FlowApi["call"]> {
    return caller.call("PATCH", `/connections/${id}`, { body, headers: etag === undefined ? {} : { "If-Match": etag } });
  }

  async function adls(): Promise<{ id: string; etag: string }> {
    return api.create(seedBody("adls-gen2"));
  }

  it("requires If-Match (FLOW-1403-400)", async () => {
    const { id } = await adls();
    const result = await patch(id, undefined, [{ op: "replace", path: "/name", value: "x" }]);
    assert.equal(result.status, 400);
    assert.equal(flowCode(result.json), "FLOW-1403-400");
  });

  it("compares If-Match verbatim: an unquoted etag is stale (412 FLOW-1404-412)", async () => {
    const { id, etag } = await adls();
    const unquoted = etag.slice(1, -1);
    const result = await patch(id, unquoted, [{ op: "replace", path: "/name", value: "x" }]);
    assert.equal(result.status, 412);
    assert.equal(flowCode(result.json), "FLOW-1404-412");
    assert.equal(
      detailedMessage(result.json),
      `The supplied version '${unquoted}' does not match the current version on entity '${etag}'. Please ensure that the supplied version matches the current version on entity and try again.`,
    );
    assert.equal(emulator.store.get(id)?.name, "adls-gen2", "unchanged");
  });

  it("refuses an etag that another writer superseded with 412", async () => {
    const { id, etag } = await adls();
    emulator.store.modify(id, { description: "someone else" });
    const result = await patch(id, etag, [{ op: "replace", path: "/name", value: "mine" }]);
    assert.equal(result.status, 412);
    assert.equal(emulator.store.get(id)?.name, "adls-gen2");
  });

  it("applies name, description and params with the current etag: 200 {id, etag}, new etag, updatedBy", async () => {
    const { id, etag } = await adls();
    const created = emulator.store.get(id);
    const newParams = { url: "https://acct.dfs.core.windows.net", servicePrincipalId: "sp", servicePrincipalKey: "new-key", tenant: "t" };
    const result = await patch(
      id,
      etag,
      [
        { op: "replace", path: "/auth/params", value: newParams },
        { op: "replace", path: "/name", value: "renamed" },
        { op: "add", path: "/description", value: "described" },
      ],
      otherApi,
    );
    assert.equal(result.status, 200, result.text);
    const body = result.json as { id: string; etag: string };
    assert.deepEqual(Object.keys(body), ["id", "etag"]);
    assert.equal(body.id, id);
    assert.notEqual(body.etag, etag);
    assert.match(body.etag, ETAG_SHAPE);
    const stored = emulator.store.get(id);
    assert.equal(stored?.name, "renamed");
    assert.equal(stored?.description, "described");
    assert.deepEqual(stored?.auth.params, newParams);
    assert.equal(stored?.etag, body.etag);
    assert.ok((stored?.updatedAt ?? 0) >= (created?.updatedAt ?? Infinity));
    assert.equal(stored?.createdBy, "first-client@AdobeID");
    assert.equal(stored?.updatedBy, "second-client@AdobeID");
    assert.equal(stored?.updatedClient, "second-client");
    const item = await api.read(id);
    assert.equal(item["version"], body.etag);
  });

  it("replaces /auth/params as a whole and validates it like POST", async () => {
    const { id, etag } = await adls();
    const partial = await patch(id, etag, [{ op: "add", path: "/auth/params", value: { servicePrincipalKey: "only-the-key" } }]);
    assert.equal(partial.status, 400);
    assert.equal(flowCode(partial.json), "FLOW-1409-400");
    assert.match(detailedMessage(partial.json), /'url' is missing/);
    assert.ok(!partial.text.includes("only-the-key"));
    const extra = await patch(id, etag, [{ op: "replace", path: "/auth/params", value: { ...seedBody("adls-gen2").auth.params, sasToken: "x" } }]);
    assert.match(detailedMessage(extra.json), /'sasToken' is not defined/);
    assert.equal(emulator.store.get(id)?.etag, etag, "a refused patch changes nothing");
  });

  it("patches a single param with /auth/params/<key>, keeping the others", async () => {
    const { id, etag } = await adls();
    const result = await patch(id, etag, [{ op: "replace", path: "/auth/params/servicePrincipalKey", value: "rotated" }]);
    assert.equal(result.status, 200, result.text);
    assert.deepEqual(emulator.store.get(id)?.auth.params, { ...seedBody("adls-gen2").auth.params, servicePrincipalKey: "rotated" });
    const missing = await patch(id, (result.json as { etag: string }).etag, [{ op: "replace", path: "/auth/params/nothere", value: "x" }]);
    assert.equal(flowCode(missing.json), "FLOW-1455-400");
  });

  it("accepts a single operation object and upper-case ops", async () => {
    const { id, etag } = await adls();
    const result = await patch(id, etag, { op: "REPLACE", path: "/name", value: "from-object" });
    assert.equal(result.status, 200, result.text);
    assert.equal(emulator.store.get(id)?.name, "from-object");
  });

  it("removes the description, and refuses to replace or remove one that is absent", async () => {
    const body = seedBody("table-storage");
    const { id, etag } = await api.create(body);
    const removed = await patch(id, etag, [{ op: "remove", path: "/description" }]);
    assert.equal(removed.status, 200);
    assert.equal("description" in ((await api.read(id)) as object), false);
    const again = await patch(id, (removed.json as { etag: string }).etag, [{ op: "replace", path: "/description", value: "x" }]);
    assert.equal(flowCode(again.json), "FLOW-1455-400");
    assert.match(detailedMessage(again.json), /Missing field "description"/);
  });

  const refusals: [string, unknown, string][] = [
    ["a connectionSpec change", [{ op: "replace", path: "/connectionSpec/id", value: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec" }], "FLOW-1414-400"],
    ["a whole connectionSpec", [{ op: "replace", path: "/connectionSpec", value: {} }], "FLOW-1414-400"],
    ["an auth spec name change", [{ op: "replace", path: "/auth/specName", value: "Other" }], "FLOW-1455-400"],
    ["an unknown path", [{ op: "replace", path: "/keyWhichDoesNotExist", value: 1 }], "FLOW-1455-400"],
    ["a move", [{ op: "move", from: "/name", path: "/description" }], "FLOW-1434-400"],
    ["a copy", [{ op: "copy", from: "/name", path: "/description" }], "FLOW-1434-400"],
    ["a missing value", [{ op: "replace", path: "/name" }], "FLOW-1455-400"],
    ["a name removal", [{ op: "remove", path: "/name" }], "FLOW-1455-400"],
    ["a non-string name", [{ op: "replace", path: "/name", value: 3 }], "FLOW-1455-400"],
    ["an empty array", [], "FLOW-1405-400"],
    ["a valid op followed by an invalid one", [{ op: "replace", path: "/name", value: "half" }, { op: "move", path: "/x" }], "FLOW-1434-400"],
  ];
  for (const [what, body, code] of refusals) {
    it(`refuses ${what} with ${code} and changes nothing`, async () => {
      const { id, etag } = await adls();
      const result = await patch(id, etag, body);
      assert.equal(result.status, 400, result.text);
      assert.equal(flowCode(result.json), code);
      const stored = emulator.store.get(id);
      assert.equal(stored?.etag, etag);
      assert.equal(stored?.name, "adls-gen2");
    });
  }

  it("answers 404 for an unknown id, after checking If-Match is present", async () => {
    const id = "00000000-0000-4000-8000-000000000001";
    assert.equal((await patch(id, '"x"', [{ op: "replace", path: "/name", value: "x" }])).status, 404);
    assert.equal((await patch(id, undefined, [{ op: "replace", path: "/name", value: "x" }])).status, 400);
  });
});

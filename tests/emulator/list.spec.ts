import { strict as assert } from "node:assert";
import { seedBody } from "../fixtures/seed-requests";
import { startEmulator, type Emulator, type EmulatorClientCredentials } from "../../emulator/index";
import { FlowApi, flowCode, type HttpResult, sqlServerBody } from "./support";

const SQL_SERVER = "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec";

interface ListBody {
  items?: { id: string; name: string; createdAt: number; auth: { params: Record<string, string> } }[];
  _links?: { next?: { href: string } };
  count?: number;
}

function list(api: FlowApi, params: [string, string][] = []): Promise<HttpResult> {
  const query = new URLSearchParams(params).toString();
  return api.call("GET", `/connections${query === "" ? "" : `?${query}`}`);
}

/** Follows `_links.next.href` (relative to the base path) until the last page; returns the pages' names. */
async function allPages(api: FlowApi, params: [string, string][]): Promise<{ pages: string[][]; hrefs: string[] }> {
  const pages: string[][] = [];
  const hrefs: string[] = [];
  let result = await list(api, params);
  for (let guard = 0; guard < 50; guard += 1) {
    assert.equal(result.status, 200, result.text);
    const body = result.json as ListBody;
    pages.push((body.items ?? []).map((i) => i.name));
    const href = body._links?.next?.href;
    if (href === undefined) return { pages, hrefs };
    hrefs.push(href);
    result = await api.call("GET", href);
  }
  throw new Error("pagination did not end");
}

describe("emulated GET /connections", () => {
  const otherOrg: EmulatorClientCredentials = { clientId: "other-org-client", clientSecret: "p8e-x", orgId: "BBBBBBBBBBBBBBBBBBBBBBBB@AdobeOrg" };
  let emulator: Emulator;
  let api: FlowApi;
  const sqlNames = ["delta", "alpha", "echo", "charlie", "bravo"];

  before(async () => {
    emulator = await startEmulator({ clients: [{ clientId: "main-client", clientSecret: "p8e-m", orgId: "AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg" }, otherOrg] });
    api = await FlowApi.connect(emulator);
    for (const name of sqlNames) await api.create(sqlServerBody(name, name === "alpha" ? "the first letter" : undefined));
    await api.create(seedBody("synapse-connection-string"));
    await api.create(seedBody("synapse-service-principal"));
    await api.create({ ...seedBody("adls-gen2"), name: "lake, with comma" });
    await api.inSandbox("dev").create(sqlServerBody("dev-only"));
    await (await FlowApi.connect(emulator, "prod", otherOrg)).create(sqlServerBody("other-org"));
  });
  after(() => emulator.close());

  it("pages through filtered, ordered results with _links.next.href relative to the base path", async () => {
    const { pages, hrefs } = await allPages(api, [["limit", "2"], ["property", `connectionSpec.id==${SQL_SERVER}`], ["orderby", "-name"]]);
    assert.deepEqual(pages, [["echo", "delta"], ["charlie", "bravo"], ["alpha"]]);
    assert.equal(hrefs.length, 2);
    for (const href of hrefs) {
      assert.match(href, /^\/connections\?continuationToken=[\w-]+&limit=2&property=connectionSpec.id%3D%3D1f372ff9-38a4-4492-96f5-b9a4e4bd00ec&orderby=-name$/);
    }
  });

  it("continues with just the token (and limit): the token remembers filters and order", async () => {
    const first = (await list(api, [["limit", "2"], ["property", `connectionSpec.id==${SQL_SERVER}`], ["orderby", "name"]])).json as ListBody;
    const token = new URLSearchParams(first._links?.next?.href.split("?")[1]).get("continuationToken") ?? "";
    const second = (await list(api, [["continuationToken", token], ["limit", "2"]])).json as ListBody;
    assert.deepEqual(second.items?.map((i) => i.name), ["charlie", "delta"]);
  });

  it("does not skip or repeat items when one is deleted between pages", async () => {
    const scratch = await FlowApi.connect(emulator, "scratch");
    const ids = [];
    for (const name of ["s1", "s2", "s3", "s4"]) ids.push((await scratch.create(sqlServerBody(name))).id);
    const first = (await list(scratch, [["limit", "2"]])).json as ListBody;
    assert.deepEqual(first.items?.map((i) => i.name), ["s1", "s2"]);
    assert.equal((await scratch.call("DELETE", `/connections/${ids[1] ?? ""}`)).status, 204);
    const second = (await scratch.call("GET", first._links?.next?.href ?? "")).json as ListBody;
    assert.deepEqual(second.items?.map((i) => i.name), ["s3", "s4"]);
    assert.equal(second._links, undefined, "no next link on the last page");
  });

  it("lists in creation order by default and omits _links when everything fits", async () => {
    const body = (await list(api)).json as ListBody;
    assert.deepEqual(body.items?.map((i) => i.name), [...sqlNames, "Connection for Azure Synapse Analytics", "Connection for Azure Synapse Analytics", "lake, with comma"]);
    assert.equal(body._links, undefined);
  });

  it("masks secrets in list items too", async () => {
    const body = (await list(api, [["property", "name==alpha"]])).json as ListBody;
    assert.equal(body.items?.[0]?.auth.params["connectionString"], "********");
  });

  const filterCases: [string, string[], string[]][] = [
    ["OR within one filter", ["name==alpha,bravo"], ["alpha", "bravo"]],
    ["AND across filters", [`connectionSpec.id==${SQL_SERVER}`, "name!=alpha,bravo"], ["delta", "echo", "charlie"]],
    ["double-quoted values with a comma", ['name=="lake, with comma"'], ["lake, with comma"]],
    ["description", ["description==the first letter"], ["alpha"]],
    ["auth.specName", ["auth.specName==Service Principal Key Based Authentication"], ["Connection for Azure Synapse Analytics"]],
    ["state", ["state==enabled", "name==echo"], ["echo"]],
    ["state mismatch", ["state==disabled"], []],
  ];
  for (const [what, filters, expected] of filterCases) {
    it(`filters by ${what}`, async () => {
      const result = await list(api, filters.map((f): [string, string] => ["property", f]));
      assert.equal(result.status, 200, result.text);
      assert.deepEqual((result.json as ListBody).items?.map((i) => i.name), expected);
    });
  }

  it("filters by id and by createdAt with comparison operators", async () => {
    const all = ((await list(api)).json as ListBody).items ?? [];
    const third = all[2];
    assert.ok(third !== undefined);
    const byId = (await list(api, [["property", `id==${third.id}`]])).json as ListBody;
    assert.deepEqual(byId.items?.map((i) => i.id), [third.id]);
    const since = (await list(api, [["property", `createdAt>=${third.createdAt}`]])).json as ListBody;
    assert.ok((since.items ?? []).every((i) => i.createdAt >= third.createdAt));
    assert.ok((since.items ?? []).some((i) => i.id === third.id));
  });

  const orderCases: [string, string[]][] = [
    ["name", ["alpha", "bravo", "charlie", "delta", "echo"]],
    ["+name", ["alpha", "bravo", "charlie", "delta", "echo"]],
    ["-name", ["echo", "delta", "charlie", "bravo", "alpha"]],
    ["createdAt", sqlNames],
    ["-createdAt", [...sqlNames].reverse()],
    ["-updatedAt", [...sqlNames].reverse()],
  ];
  for (const [orderby, expected] of orderCases) {
    it(`orders by ${orderby}`, async () => {
      const result = await list(api, [["property", `connectionSpec.id==${SQL_SERVER}`], ["orderby", orderby]]);
      assert.deepEqual((result.json as ListBody).items?.map((i) => i.name), expected);
    });
  }

  it("treats an unencoded + in orderby (decoded as a space) as ascending", async () => {
    const result = await api.call("GET", `/connections?orderby=+name&property=connectionSpec.id==${SQL_SERVER}`);
    assert.deepEqual((result.json as ListBody).items?.map((i) => i.name), ["alpha", "bravo", "charlie", "delta", "echo"]);
  });

  it("counts with count=true", async () => {
    assert.deepEqual((await list(api, [["count", "true"], ["property", `connectionSpec.id==${SQL_SERVER}`]])).json, { count: 5 });
    assert.deepEqual((await list(api, [["count", "true"]])).json, { count: 8 });
  });

  const errorCases: [string, [string, string][], string][] = [
    ["count with limit", [["count", "true"], ["limit", "2"]], "FLOW-1401-400"],
    ["limit 0", [["limit", "0"]], "FLOW-1453-400"],
    ["limit 101", [["limit", "101"]], "FLOW-1453-400"],
    ["a non-numeric limit", [["limit", "ten"]], "FLOW-1453-400"],
    ["an unknown continuation token", [["continuationToken", "bm90LWEtdG9rZW4"]], "FLOW-1453-400"],
    ["an unknown filter field", [["property", "connections==x"]], "FLOW-1449-400"],
    ["a filter without operator", [["property", "name"]], "FLOW-1453-400"],
    ["an empty filter value", [["property", "createdAt=="]], "FLOW-1453-400"],
    ["the ~ operator", [["property", "name~al"]], "FLOW-1440-400"],
    ["an invalid operator", [["property", "createdAt!>5"]], "FLOW-1450-400"],
    ["a comparison on a string field", [["property", "id>=a"]], "FLOW-1448-400"],
    ["a comparison with several values", [["property", "createdAt<=1,2"]], "FLOW-1443-400"],
    ["a non-numeric createdAt", [["property", "createdAt==yesterday"]], "FLOW-1452-400"],
    ["an unknown orderby field", [["orderby", "id"]], "FLOW-1433-400"],
    ["a bad sort prefix", [["orderby", "*name"]], "FLOW-1432-400"],
    ["an unknown query parameter", [["testParam", "1"]], "FLOW-1451-400"],
  ];
  for (const [what, params, code] of errorCases) {
    it(`refuses ${what} with ${code}`, async () => {
      const result = await list(api, params);
      assert.equal(result.status, 400, result.text);
      assert.equal(flowCode(result.json), code);
    });
  }

  it("refuses a continuation token minted for another sandbox", async () => {
    const dev = api.inSandbox("dev");
    await dev.create(sqlServerBody("dev-two"));
    const page = (await list(dev, [["limit", "1"]])).json as ListBody;
    const href = page._links?.next?.href;
    assert.ok(href !== undefined);
    assert.equal((await dev.call("GET", href)).status, 200);
    assert.equal((await api.call("GET", href)).status, 400);
  });

  describe("sandbox and org isolation", () => {
    it("lists only the caller's sandbox and org", async () => {
      const prodNames = ((await list(api)).json as ListBody).items?.map((i) => i.name) ?? [];
      assert.ok(!prodNames.includes("dev-only"));
      assert.ok(!prodNames.includes("other-org"));
      const devNames = ((await list(api.inSandbox("dev"))).json as ListBody).items?.map((i) => i.name);
      assert.deepEqual(devNames?.slice(0, 1), ["dev-only"]);
      const other = await FlowApi.connect(emulator, "prod", otherOrg);
      assert.deepEqual(((await list(other)).json as ListBody).items?.map((i) => i.name), ["other-org"]);
    });

    it("answers 404 to GET, PATCH, DELETE and test of another sandbox's connection", async () => {
      const devId = emulator.store.list({ sandboxName: "dev" })[0]?.id ?? "";
      const devEtag = emulator.store.get(devId)?.etag ?? "";
      assert.equal((await api.call("GET", `/connections/${devId}`)).status, 404);
      assert.equal((await api.call("GET", `/connections/${devId}/test`)).status, 404);
      const patch = await api.call("PATCH", `/connections/${devId}`, { body: [{ op: "replace", path: "/name", value: "x" }], headers: { "if-match": devEtag } });
      assert.equal(patch.status, 404);
      assert.equal((await api.call("DELETE", `/connections/${devId}`)).status, 404);
      assert.equal((await api.inSandbox("dev").call("GET", `/connections/${devId}`)).status, 200);
    });

    it("answers 404 to another org's client asking for this org's connection", async () => {
      const prodId = emulator.store.list({ orgId: emulator.client.orgId, sandboxName: "prod" })[0]?.id ?? "";
      const other = await FlowApi.connect(emulator, "prod", otherOrg);
      const result = await other.call("GET", `/connections/${prodId}`);
      assert.equal(result.status, 404);
      assert.equal(flowCode(result.json), "FLOW-1101-404");
      assert.equal((await api.call("GET", `/connections/${prodId}`)).status, 200);
    });

    it("gives each sandbox its own sandboxId", async () => {
      const prod = emulator.store.list({ sandboxName: "prod", orgId: emulator.client.orgId })[0];
      const dev = emulator.store.list({ sandboxName: "dev" })[0];
      assert.ok(prod !== undefined && dev !== undefined);
      assert.notEqual(prod.sandboxId, dev.sandboxId);
    });
  });
});

describe("emulated GET /connections default page size", () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ defaultPageSize: 3 });
  });
  after(() => emulator.close());

  it("pages by defaultPageSize when no limit is given, without adding a limit to the next link", async () => {
    const api = await FlowApi.connect(emulator);
    for (let i = 1; i <= 7; i += 1) await api.create(sqlServerBody(`n${i}`));
    const { pages, hrefs } = await allPages(api, []);
    assert.deepEqual(pages, [["n1", "n2", "n3"], ["n4", "n5", "n6"], ["n7"]]);
    assert.ok(hrefs.every((href) => !href.includes("limit=")));
  });
});

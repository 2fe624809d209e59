/**
 * Catalog Service datasets (`/data/foundation/catalog/dataSets`), the three calls a dataflow needs (dataflows.md §4):
 * create → 201 with a bare array `["@/dataSets/{id}"]`, look-up → an object keyed by the id (`?properties=`
 * projects), delete → 200 with the array, `[]` when nothing matched. Errors use the Catalog dialect
 * (service-errors.ts).
 */
import type { FlowCall } from "./context";
import { isObject } from "./flow-connections";
import { jsonReply, type Reply } from "./http";
import { randomHex } from "./ids";
import { catalogErrors } from "./service-errors";
import { clientActor } from "./store";
import type { StoredDataset } from "./types";

/** `application/vnd.adobe.xed+json;version=1` as documented; the `-full` form and minor versions are tolerated. */
const SCHEMA_CONTENT_TYPE = /^application\/vnd\.adobe\.xed(-full)?\+json(;\s*version=\d+(\.\d+)?)?$/;

function parseBody(call: FlowCall): Record<string, unknown> {
  if (call.body.kind === "empty") throw catalogErrors.invalidBody("The request body is required.");
  if (call.body.kind === "invalid") throw catalogErrors.invalidBody("The request body is not valid JSON.");
  if (!isObject(call.body.value)) throw catalogErrors.invalidBody("The request body must be a JSON object.");
  return call.body.value;
}

export function createDataset(call: FlowCall): Reply {
  const body = parseBody(call);
  const problems: string[] = [];
  const { name, description, schemaRef, tags } = body;
  if (typeof name !== "string" || name.trim() === "") problems.push("'name' is required and must be a non-empty string");
  if (description !== undefined && typeof description !== "string") problems.push("'description' must be a string");
  if (tags !== undefined && !isObject(tags)) problems.push("'tags' must be an object");
  if (!isObject(schemaRef)) problems.push("'schemaRef' is required ({id, contentType})");
  else {
    if (typeof schemaRef["id"] !== "string" || schemaRef["id"] === "") problems.push("'schemaRef.id' is required (the XDM schema $id)");
    if (typeof schemaRef["contentType"] !== "string" || !SCHEMA_CONTENT_TYPE.test(schemaRef["contentType"])) {
      problems.push("'schemaRef.contentType' must be application/vnd.adobe.xed+json;version=1");
    }
  }
  if (problems.length > 0 || typeof name !== "string" || !isObject(schemaRef)) throw catalogErrors.invalidBody(`${problems.join("; ")}.`);
  const schemaId = String(schemaRef["id"]);
  if (call.runtime.dataflows.findSchema(schemaId) === undefined) throw catalogErrors.unknownSchema(schemaId);
  const now = call.runtime.clock.now();
  const actor = clientActor(call.clientId);
  const dataset: StoredDataset = {
    id: randomHex(12),
    orgId: call.orgId,
    sandboxName: call.sandboxName,
    name,
    schemaRef: { id: schemaId, contentType: String(schemaRef["contentType"]) },
    tags: isObject(tags) ? structuredClone(tags) : {},
    created: now,
    updated: now,
    createdUser: actor.by,
    createdClient: actor.client,
    updatedUser: actor.by,
  };
  if (typeof description === "string") dataset.description = description;
  call.runtime.dataflows.datasetTable.add(dataset);
  return jsonReply(201, [`@/dataSets/${dataset.id}`]);
}

export function renderDataset(d: StoredDataset, sandboxId: string): Record<string, unknown> {
  return {
    name: d.name,
    ...(d.description === undefined ? {} : { description: d.description }),
    imsOrg: d.orgId,
    sandboxId,
    tags: structuredClone(d.tags),
    version: "1.0.0",
    created: d.created,
    updated: d.updated,
    createdClient: d.createdClient,
    createdUser: d.createdUser,
    updatedUser: d.updatedUser,
    state: "DRAFT",
    schemaRef: { ...d.schemaRef },
    files: `@/dataSetFiles?dataSetId=${d.id}`,
  };
}

export function getDataset(call: FlowCall, id: string): Reply {
  const dataset = call.runtime.dataflows.datasetTable.find(id, call.orgId, call.sandboxName);
  if (dataset === undefined) throw catalogErrors.notFound(id);
  let rendered = renderDataset(dataset, call.runtime.store.sandboxId(call.orgId, call.sandboxName));
  const properties = call.query.get("properties");
  if (properties !== null && properties !== "") {
    const wanted = properties.split(",").map((p) => p.trim());
    rendered = Object.fromEntries(Object.entries(rendered).filter(([key]) => wanted.includes(key)));
  }
  return jsonReply(200, { [dataset.id]: rendered });
}

const LIST_PARAMS = ["name", "properties", "limit", "start"];

/**
 * `GET /dataSets?name=&properties=&limit=&start=` (Catalog's "filter data" page): an object keyed by id, in creation
 * order; `name` matches exactly; `limit` 1..100 (default 20, the documented default); `start` an offset. Other
 * filters are not modelled: an unknown parameter is a 400 rather than silently ignored.
 */
export function listDatasets(call: FlowCall): Reply {
  for (const name of call.query.keys()) if (!LIST_PARAMS.includes(name)) throw catalogErrors.invalidQuery(name, "this parameter is not supported.");
  const limitText = call.query.get("limit") ?? "20";
  const startText = call.query.get("start") ?? "0";
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) throw catalogErrors.invalidQuery("limit", "an integer from 1 to 100 is expected.");
  if (!/^\d+$/.test(startText)) throw catalogErrors.invalidQuery("start", "a non-negative integer is expected.");
  const name = call.query.get("name");
  const properties = call.query.get("properties");
  const wanted = properties === null || properties === "" ? undefined : properties.split(",").map((p) => p.trim());
  const sandboxId = call.runtime.store.sandboxId(call.orgId, call.sandboxName);
  const matching = call.runtime.dataflows.datasetTable
    .partition(call.orgId, call.sandboxName)
    .filter((d) => name === null || d.name === name)
    .slice(Number(startText), Number(startText) + Number(limitText));
  const body: Record<string, unknown> = {};
  for (const dataset of matching) {
    const rendered = renderDataset(dataset, sandboxId);
    body[dataset.id] = wanted === undefined ? rendered : Object.fromEntries(Object.entries(rendered).filter(([key]) => wanted.includes(key)));
  }
  return jsonReply(200, body);
}

export function deleteDataset(call: FlowCall, id: string): Reply {
  const table = call.runtime.dataflows.datasetTable;
  if (table.find(id, call.orgId, call.sandboxName) === undefined) return jsonReply(200, []);
  table.delete(id);
  return jsonReply(200, [`@/dataSets/${id}`]);
}

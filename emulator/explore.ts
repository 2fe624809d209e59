/**
 * GET /connections/{id}/explore over the connection's explore catalogue (dataflow-catalogue.ts, or what a test set
 * with `dataflows.setExploreCatalogue`). Shapes follow dataflows.md §2: listings are bare arrays, a table or file is
 * `{format:"flat", schema:{columns}}` plus `data` with `preview=true`. Query parameter names and enum values are
 * case-insensitive, since the docs write `fileType`/`delimited` and the OpenAPI spec `FileType`/`Delimited` (§12 #12).
 */
import { findOrFail } from "./connections";
import type { FlowCall } from "./context";
import type { ExploreCatalogue, ExploreFile, ExploreTable } from "./dataflow-catalogue";
import { flowErrors } from "./errors";
import { jsonReply, type Reply } from "./http";

/** Query parameters by lower-cased name (first value wins). */
function lowerQuery(query: URLSearchParams): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of query) if (!map.has(name.toLowerCase())) map.set(name.toLowerCase(), value);
  return map;
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === "true";
}

export function exploreConnection(call: FlowCall, id: string): Reply {
  const connection = findOrFail(call, id);
  const query = lowerQuery(call.query);
  const objectType = query.get("objecttype")?.toLowerCase();
  if (objectType === undefined) throw flowErrors.missingQueryParam("objectType");
  const catalogue = call.runtime.dataflows.catalogueFor(connection.id, connection.connectionSpec.id);
  const object = query.get("object");
  return catalogue.kind === "tables"
    ? exploreTables(catalogue.tables, objectType, object, query)
    : exploreFiles(call, catalogue, objectType, object, query);
}

function exploreTables(tables: readonly ExploreTable[], objectType: string, object: string | undefined, query: Map<string, string>): Reply {
  if (objectType === "root") {
    return jsonReply(
      200,
      tables.map((t) => ({ type: "table", name: t.name, path: t.path, canPreview: true, canFetchSchema: true })),
    );
  }
  if (objectType !== "table") throw flowErrors.invalidQueryValue(`objectType=${objectType}`, "Tabular sources explore objectType root or table.");
  if (object === undefined) throw flowErrors.missingQueryParam("object");
  const table = tables.find((t) => t.path === object);
  if (table === undefined) throw flowErrors.notFound(object, "tables");
  const body: Record<string, unknown> = { format: "flat", schema: { columns: structuredClone(table.columns) } };
  if (isTrue(query.get("preview"))) body["data"] = structuredClone(table.rows);
  return jsonReply(200, body);
}

const FILE_PARAMS = ["filetype", "columndelimiter", "compressiontype", "encoding"];
const COMPRESSION_TYPES = ["bzip2", "gzip", "deflate", "zipdeflate", "targzip", "tar"];
const ENCODINGS = ["utf-8", "iso-8859-1"];

/** Folder path with one trailing slash; "/" for the root. */
function folderPath(path: string): string {
  const withLead = path.startsWith("/") ? path : `/${path}`;
  return withLead.endsWith("/") ? withLead : `${withLead}/`;
}

/** The files and folders directly under `folder` (which ends with "/"). */
function children(files: readonly ExploreFile[], folder: string): Record<string, unknown>[] {
  const folders = new Set<string>();
  const items: Record<string, unknown>[] = [];
  for (const file of files) {
    if (!file.path.startsWith(folder)) continue;
    const rest = file.path.slice(folder.length);
    const slash = rest.indexOf("/");
    if (slash === -1) {
      items.push({ type: "file", name: rest, path: file.path, canPreview: true, canFetchSchema: true });
    } else {
      const name = rest.slice(0, slash);
      if (folders.has(name)) continue;
      folders.add(name);
      items.push({ type: "folder", name, path: `${folder}${name}/`, canPreview: false, canFetchSchema: false });
    }
  }
  return items.sort((a, b) => (a["type"] === b["type"] ? 0 : a["type"] === "folder" ? -1 : 1));
}

function exploreFiles(call: FlowCall, catalogue: Extract<ExploreCatalogue, { kind: "files" }>, objectType: string, object: string | undefined, query: Map<string, string>): Reply {
  if (objectType === "root") return jsonReply(200, children(catalogue.files, "/"));
  if (objectType === "folder") {
    if (object === undefined) throw flowErrors.missingQueryParam("object");
    const folder = folderPath(object);
    if (folder !== "/" && !catalogue.files.some((f) => f.path.startsWith(folder))) throw flowErrors.notFound(object, "folders");
    return jsonReply(200, children(catalogue.files, folder));
  }
  if (objectType !== "file") throw flowErrors.invalidQueryValue(`objectType=${objectType}`, "Cloud storage sources explore objectType root, folder or file.");
  if (object === undefined) throw flowErrors.missingQueryParam("object");
  const path = object.startsWith("/") ? object : `/${object}`;
  const file = catalogue.files.find((f) => f.path === path);
  if (file === undefined) throw flowErrors.notFound(object, "files");
  checkFileParams(file, query);

  const body: Record<string, unknown> = { format: "flat", schema: { columns: structuredClone(file.columns) } };
  if (isTrue(query.get("determineproperties"))) {
    body["properties"] = { fileType: file.format, ...(file.columnDelimiter === undefined ? {} : { columnDelimiter: file.columnDelimiter }) };
  }
  if (isTrue(query.get("preview"))) {
    if (call.runtime.dataflows.readings.filePreview === "columns") return jsonReply(200, file.columns.map((c) => ({ name: c.name, type: c.type === "string" ? "String" : c.type })));
    body["data"] = structuredClone(file.rows);
  }
  return jsonReply(200, body);
}

/**
 * The file-format parameters: values from XC's lists, `fileType` must be the file's format (the service could not
 * parse it otherwise), and `determineProperties=true` excludes them all (DLZ).
 */
function checkFileParams(file: ExploreFile, query: Map<string, string>): void {
  const given = FILE_PARAMS.filter((name) => query.has(name));
  if (isTrue(query.get("determineproperties")) && given.length > 0) {
    throw flowErrors.invalidQueryValue("determineProperties=true", `It cannot be combined with ${given.join(", ")}.`);
  }
  const fileType = query.get("filetype");
  if (fileType !== undefined && fileType.toLowerCase() !== file.format) {
    throw flowErrors.invalidQueryValue(`fileType=${fileType}`, `The file ${file.path} is ${file.format}.`);
  }
  const delimiter = query.get("columndelimiter");
  if (delimiter !== undefined && [...delimiter].length !== 1) throw flowErrors.invalidQueryValue(`columnDelimiter=${delimiter}`, "The delimiter is one character.");
  const compression = query.get("compressiontype");
  if (compression !== undefined && !COMPRESSION_TYPES.includes(compression.toLowerCase())) {
    throw flowErrors.invalidQueryValue(`compressionType=${compression}`, "Expected bzip2, gzip, deflate, zipDeflate, tarGzip or tar.");
  }
  const encoding = query.get("encoding");
  if (encoding !== undefined && !ENCODINGS.includes(encoding.toLowerCase())) {
    throw flowErrors.invalidQueryValue(`encoding=${encoding}`, "Expected UTF-8 or ISO-8859-1.");
  }
}

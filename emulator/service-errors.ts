/**
 * Error bodies of the two services that are not Flow Service. Neither is documented (dataflows.md §10: Data Prep
 * errors are given as status codes only, Catalog's were not researched), so both bodies are emulator choices in the
 * problem-details shape Adobe's newer APIs use, with a service prefix in `type` that a client can tell apart from
 * FLOW codes: `CATALOG-<code>-<status>` and `DATAPREP-<code>-<status>`. The codes are the emulator's own.
 */
import { FlowFailure } from "./http";

export type Service = "catalog" | "dataprep";

function serviceFailure(service: Service, status: number, code: number, title: string, detail: string): FlowFailure {
  const prefix = service === "catalog" ? "CATALOG" : "DATAPREP";
  return new FlowFailure({
    status,
    body: { type: `https://ns.adobe.com/aep/errors/${prefix}-${code}-${status}`, title, status, detail, report: { "detailed-message": detail } },
  });
}

export const catalogErrors = {
  invalidBody: (detail: string): FlowFailure => serviceFailure("catalog", 400, 1001, "Bad Request", detail),
  unknownSchema: (schemaId: string): FlowFailure =>
    serviceFailure("catalog", 400, 1002, "Bad Request", `The schema ${schemaId} does not exist in this sandbox.`),
  notFound: (id: string): FlowFailure => serviceFailure("catalog", 404, 1010, "Not Found", `No dataSets found with id ${id}.`),
  invalidQuery: (name: string, detail: string): FlowFailure =>
    serviceFailure("catalog", 400, 1003, "Bad Request", `Invalid query parameter '${name}': ${detail}`),
};

export const dataPrepErrors = {
  invalidBody: (detail: string): FlowFailure => serviceFailure("dataprep", 400, 1001, "Bad Request", detail),
  /** Mappings that do not fit the output schema: one sentence per mapping, naming it by index. */
  invalidMappings: (problems: string[]): FlowFailure =>
    serviceFailure("dataprep", 400, 1002, "Invalid mapping", `The mapping set is not valid: ${problems.join("; ")}.`),
  unknownSchema: (schemaId: string): FlowFailure =>
    serviceFailure("dataprep", 400, 1003, "Bad Request", `The output schema ${schemaId} does not exist in this sandbox.`),
  missingQueryParam: (name: string): FlowFailure =>
    serviceFailure("dataprep", 400, 1004, "Bad Request", `The query parameter '${name}' is required.`),
  invalidQueryValue: (name: string, detail: string): FlowFailure =>
    serviceFailure("dataprep", 400, 1005, "Bad Request", `Invalid value for the query parameter '${name}': ${detail}`),
  inUse: (id: string, flowIds: string[]): FlowFailure =>
    serviceFailure("dataprep", 400, 1006, "Bad Request", `The mapping set ${id} is used by the flows ${flowIds.join(", ")}; delete or repoint them first.`),
  notFound: (id: string, version?: number): FlowFailure =>
    serviceFailure("dataprep", 404, 1010, "Not Found", version === undefined ? `Mapping set ${id} not found.` : `Mapping set ${id} has no version ${version}.`),
};

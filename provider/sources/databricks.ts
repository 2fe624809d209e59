/**
 * Azure Databricks (beta). Transcribed from Adobe's tutorial (`docsUrl` below;
 * the captured copy the project is specified from: ../shared/seeds/004_d9fed334d3de80f2.txt); Real-Time CDP Ultimate only. The optional
 * `catalog` param appeared on the page after the seed was captured ("You do not need to specify a value for a
 * default catalog"). The cluster must be running when the connection is created.
 */
import { z } from "zod";
import { httpsOriginProblems, stringParam, writtenHost } from "./formats";
import type { SourceDefinition } from "./types";

function domainProblems(value: string): readonly string[] {
  const problems = httpsOriginProblems(value).map((problem) =>
    problem.startsWith("must not contain a query") && /[?&]o=\d/.test(value)
      ? "must not contain a query (drop the ?o=… workspace selector copied from the browser)"
      : problem,
  );
  if (problems.includes("is not a URL")) return problems;
  const host = writtenHost(value).toLowerCase();
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+azuredatabricks\.net$/.test(host)) {
    problems.push("must be an Azure Databricks workspace URL (host ending in .azuredatabricks.net)");
  }
  return problems;
}

/** Unity Catalog names: up to 255 characters, no period, space or forward slash (hyphens allowed: "acme-db"). */
function catalogNameProblem(value: string): string | undefined {
  if (value.length > 255) return "is longer than 255 characters";
  if (/[. /]/.test(value)) return "contains a period, space or forward slash";
  return undefined;
}

export const databricks = {
  key: "databricks",
  title: "Azure Databricks",
  docsUrl:
    "https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/databricks",
  connectionSpec: { id: "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", version: "1.0" },
  dataflow: { flowSpec: "CRMToAEP", reads: "tables", changeDataCapture: true },
  auth: {
    "Access Token Authentication": {
      specName: "Access Token Authentication",
      description: "A Databricks access token for an existing interactive cluster.",
      params: z.strictObject({
        domain: stringParam({
          expected: "the workspace URL, e.g. https://adb-1234567890123456.7.azuredatabricks.net",
          check: domainProblems,
        }),
        clusterId: stringParam({
          expected: "the ID of an existing interactive cluster, e.g. 0123-456789-abcdefgh",
          check: (value) =>
            /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value)
              ? undefined
              : "is not a cluster ID (letters, digits, '-', '_' and '.', up to 128 characters)",
        }),
        accessToken: stringParam({
          expected: "a Databricks access token (e.g. a personal access token starting with dapi)",
          secret: true,
          check: (value) => (/\s/.test(value) ? "contains whitespace" : undefined),
        }),
        database: stringParam({
          expected: "the name of the database (schema) in the delta lake, e.g. acme-db",
          check: catalogNameProblem,
        }),
        catalog: stringParam({
          expected: "the name of the catalog in the delta lake; omit it for the default catalog",
          check: catalogNameProblem,
        }).optional(),
      }),
      secretParams: ["accessToken"],
    },
  },
} as const satisfies SourceDefinition;

/**
 * The workspace URL as the `DatabricksConnection` component takes it (a bare host, as a Workspace's `workspaceUrl`
 * output reports it, or an https URL) in the form the `domain` param requires: `https://` is added to a bare host
 * and one trailing `/` dropped. Nothing else is changed: the `domain` rule judges the result as written.
 */
export function normalizeWorkspaceUrl(workspaceUrl: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(workspaceUrl) ? workspaceUrl : `https://${workspaceUrl}`;
  return withScheme.endsWith("/") ? withScheme.slice(0, -1) : withScheme;
}

import * as pulumi from "@pulumi/pulumi";
import { ConnectionArgumentError } from "./connection-string";
import { SourceConnection, type ConnectionCommonArgs, type SourceAuth } from "./source-connection";

/** Arguments of a {@link DatabricksConnection}. */
export interface DatabricksConnectionArgs extends ConnectionCommonArgs {
  /**
   * Workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`. A bare host (as a Workspace's
   * `workspaceUrl` output reports it) gets `https://` added.
   */
  workspaceUrl: pulumi.Input<string>;
  /** Id of an existing interactive cluster, e.g. `0923-164208-abcd1234`. It must be running when AEP connects. */
  clusterId: pulumi.Input<string>;
  /** Databricks personal access token. Stored as a secret. */
  accessToken: pulumi.Input<string>;
  /** Database (schema) in the delta lake. */
  database: pulumi.Input<string>;
  /** Unity Catalog catalog. @default the workspace's default catalog */
  catalog?: pulumi.Input<string>;
}

/** The workspace URL in the form Adobe expects: `https://<host>`, no path, no trailing `/`. */
export function databricksDomain(workspaceUrl: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(workspaceUrl) ? workspaceUrl : `https://${workspaceUrl}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConnectionArgumentError("workspaceUrl", `expected a workspace URL such as https://adb-1234567890123456.7.azuredatabricks.net; got "${workspaceUrl}"`);
  }
  if (url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "") || url.search || url.username) {
    throw new ConnectionArgumentError("workspaceUrl", `expected https://<workspace host> with no path; got "${workspaceUrl}"`);
  }
  return `https://${url.host}`;
}

/**
 * An AEP base connection to Azure Databricks (connection spec `e9d7ec6b-0873-4e57-ad21-b3a7c65e310b`, beta).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/databricks
 */
export class DatabricksConnection extends SourceConnection {
  constructor(name: string, args: DatabricksConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aep:azure:DatabricksConnection", name, "databricks", args, databricksAuth(args), opts);
  }
}

function databricksAuth(args: DatabricksConnectionArgs): SourceAuth {
  const params: SourceAuth["params"] = {
    domain: pulumi.output(args.workspaceUrl).apply(databricksDomain),
    clusterId: args.clusterId,
    accessToken: args.accessToken,
    database: args.database,
  };
  if (args.catalog !== undefined) {
    params["catalog"] = args.catalog;
  }
  return { specName: "Access Token Authentication", params };
}

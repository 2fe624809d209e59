import * as pulumi from "@pulumi/pulumi";
import { databricks, normalizeWorkspaceUrl } from "../provider/sources/databricks";
import type { ArgumentChecks } from "./arguments";
import { BaseConnectionComponent, type ConnectionCommonArgs } from "./base-connection-component";

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

const ARGUMENTS = ["workspaceUrl", "clusterId", "accessToken", "database", "catalog"] as const;
const auth = databricks.auth["Access Token Authentication"];

/**
 * An AEP base connection to Azure Databricks (connection spec `e9d7ec6b-0873-4e57-ad21-b3a7c65e310b`, beta).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/databricks
 */
export class DatabricksConnection extends BaseConnectionComponent<"databricks", DatabricksConnectionArgs> {
  constructor(name: string, args: DatabricksConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      { type: "aep:azure:DatabricksConnection", className: "DatabricksConnection", source: "databricks", arguments: ARGUMENTS, auth: databricksAuth },
      name,
      args,
      opts,
    );
  }
}

function databricksAuth(args: DatabricksConnectionArgs, checks: ArgumentChecks) {
  const { shape } = auth.params;
  const domain = pulumi.output(args.workspaceUrl).apply((value) => (typeof value === "string" ? normalizeWorkspaceUrl(value) : value));
  return {
    specName: auth.specName,
    params: {
      domain: checks.value<string>("workspaceUrl", domain, shape.domain),
      clusterId: checks.value<string>("clusterId", args.clusterId, shape.clusterId),
      accessToken: checks.value<string>("accessToken", args.accessToken, shape.accessToken),
      database: checks.value<string>("database", args.database, shape.database),
      ...(args.catalog !== undefined ? { catalog: checks.value<string>("catalog", args.catalog, shape.catalog) } : {}),
    },
  };
}

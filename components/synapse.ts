import * as pulumi from "@pulumi/pulumi";
import { adoNetConnectionString, hostName, port } from "./connection-string";
import { chooseMode, field, SourceConnection, type ConnectionCommonArgs, type SourceAuth } from "./source-connection";

/** SQL authentication to a Synapse SQL endpoint. */
export interface SynapseSqlLoginArgs {
  /** Fully qualified SQL endpoint host, e.g. `myworkspace.sql.azuresynapse.net` (a Workspace's `connectivityEndpoints.sql`). */
  server: pulumi.Input<string>;
  /** TCP port of the endpoint. @default 1433 */
  port?: pulumi.Input<number>;
  /** Database (dedicated SQL pool) name, e.g. `SalesDW`. */
  database: pulumi.Input<string>;
  /** SQL login, e.g. the workspace's `sqlAdministratorLogin`. */
  user: pulumi.Input<string>;
  /** Password of the login. Stored as a secret. */
  password: pulumi.Input<string>;
}

/** Service principal (Entra ID application) authentication to Synapse. */
export interface SynapseServicePrincipalArgs {
  /** Fully qualified SQL endpoint host, e.g. `myworkspace.sql.azuresynapse.net`. */
  server: pulumi.Input<string>;
  /** Database (dedicated SQL pool) name. */
  database: pulumi.Input<string>;
  /** Entra ID tenant id (GUID). */
  tenant: pulumi.Input<string>;
  /** Application (client) id of the service principal. */
  clientId: pulumi.Input<string>;
  /** Client secret of the service principal. Stored as a secret. */
  clientSecret: pulumi.Input<string>;
}

/** Arguments of a {@link SynapseConnection}: exactly one of `sqlLogin`, `connectionString`, `servicePrincipal`. */
export interface SynapseConnectionArgs extends ConnectionCommonArgs {
  /** SQL login; the component builds Adobe's connection string from it. */
  sqlLogin?: pulumi.Input<SynapseSqlLoginArgs>;
  /**
   * A complete connection string in Adobe's pattern
   * `Server=tcp:{SERVER},1433;Database={DATABASE};User ID={USER};Password={PASSWORD};Trusted_Connection=False;Encrypt=True;Connection Timeout=30`.
   * Stored as a secret.
   */
  connectionString?: pulumi.Input<string>;
  /** Service principal; uses the `Service Principal Key Based Authentication` auth spec. */
  servicePrincipal?: pulumi.Input<SynapseServicePrincipalArgs>;
}

/** Builds Adobe's Synapse connection string, quoting values as ADO.NET requires. */
export function synapseConnectionString(login: pulumi.Unwrap<SynapseSqlLoginArgs>): string {
  return adoNetConnectionString(
    [
      ["Server", `tcp:${hostName("sqlLogin.server", login.server)},${port("sqlLogin.port", login.port ?? 1433)}`, "sqlLogin.server"],
      ["Database", login.database, "sqlLogin.database"],
      ["User ID", login.user, "sqlLogin.user"],
      ["Password", login.password, "sqlLogin.password"],
      ["Trusted_Connection", "False", "Trusted_Connection"],
      ["Encrypt", "True", "Encrypt"],
      ["Connection Timeout", "30", "Connection Timeout"],
    ],
    false,
  );
}

/**
 * An AEP base connection to Azure Synapse Analytics (connection spec `a49bcc7d-8038-43af-b1e4-5a7a089a7d79`).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/synapse-analytics
 */
export class SynapseConnection extends SourceConnection {
  constructor(name: string, args: SynapseConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aep:azure:SynapseConnection", name, "synapse", args, synapseAuth(args), opts);
  }
}

function synapseAuth(args: SynapseConnectionArgs): SourceAuth {
  switch (chooseMode("SynapseConnection", args, ["sqlLogin", "connectionString", "servicePrincipal"] as const)) {
    case "sqlLogin":
      return {
        specName: "Connection String Based Authentication",
        params: { connectionString: pulumi.output(args.sqlLogin!).apply(synapseConnectionString) },
      };
    case "connectionString":
      return { specName: "Connection String Based Authentication", params: { connectionString: args.connectionString! } };
    case "servicePrincipal": {
      const principal = args.servicePrincipal!;
      return {
        specName: "Service Principal Key Based Authentication",
        params: {
          server: field(principal, "server"),
          database: field(principal, "database"),
          tenant: field(principal, "tenant"),
          servicePrincipalId: field(principal, "clientId"),
          servicePrincipalKey: field(principal, "clientSecret"),
        },
      };
    }
  }
}

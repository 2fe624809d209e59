import * as pulumi from "@pulumi/pulumi";
import { synapse, synapseConnectionString, synapseSqlLoginParts } from "../provider/sources/synapse";
import { renamedShape, type ArgumentChecks } from "./arguments";
import { BaseConnectionComponent, type ConnectionCommonArgs, type Exclusive } from "./base-connection-component";

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

/** Service principal (Microsoft Entra application) authentication to Synapse. */
export interface SynapseServicePrincipalArgs {
  /** Fully qualified SQL endpoint host, e.g. `myworkspace.sql.azuresynapse.net`. */
  server: pulumi.Input<string>;
  /** Database (dedicated SQL pool) name. */
  database: pulumi.Input<string>;
  /** Microsoft Entra tenant id (GUID) or verified domain. */
  tenant: pulumi.Input<string>;
  /** Application (client) id of the service principal, a GUID. */
  servicePrincipalId: pulumi.Input<string>;
  /** Client secret of the service principal. Stored as a secret. */
  servicePrincipalSecret: pulumi.Input<string>;
}

/** The ways to authenticate to Synapse; a {@link SynapseConnection} takes exactly one. */
export interface SynapseAuthArgs {
  /** SQL login; the component builds Adobe's connection string from it. */
  sqlLogin: pulumi.Input<SynapseSqlLoginArgs>;
  /**
   * A complete connection string in Adobe's pattern
   * `Server=tcp:{SERVER},1433;Database={DATABASE};User ID={USER};Password={PASSWORD};Trusted_Connection=False;Encrypt=True;Connection Timeout=30`.
   * Stored as a secret.
   */
  connectionString: pulumi.Input<string>;
  /** Service principal; uses the `Service Principal Key Based Authentication` auth spec. */
  servicePrincipal: pulumi.Input<SynapseServicePrincipalArgs>;
}

/** Arguments of a {@link SynapseConnection}: exactly one of `sqlLogin`, `connectionString`, `servicePrincipal`. */
export type SynapseConnectionArgs = ConnectionCommonArgs & Exclusive<SynapseAuthArgs>;

const MODES = ["sqlLogin", "connectionString", "servicePrincipal"] as const;

const connectionStringAuth = synapse.auth["Connection String Based Authentication"];
const servicePrincipalAuth = synapse.auth["Service Principal Key Based Authentication"];

/** The service principal's arguments, by the Adobe param each one becomes. */
const SERVICE_PRINCIPAL_PARAMS = {
  server: "server",
  database: "database",
  tenant: "tenant",
  servicePrincipalId: "servicePrincipalId",
  servicePrincipalSecret: "servicePrincipalKey",
} as const;

/**
 * An AEP base connection to Azure Synapse Analytics (connection spec `a49bcc7d-8038-43af-b1e4-5a7a089a7d79`).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/synapse-analytics
 */
export class SynapseConnection extends BaseConnectionComponent<"synapse", SynapseConnectionArgs> {
  constructor(name: string, args: SynapseConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      { type: "aep:azure:SynapseConnection", className: "SynapseConnection", source: "synapse", arguments: MODES, auth: synapseAuth },
      name,
      args,
      opts,
    );
  }
}

function synapseAuth(args: SynapseConnectionArgs, checks: ArgumentChecks) {
  switch (checks.exactlyOne(args, MODES)) {
    case "sqlLogin":
      return {
        specName: connectionStringAuth.specName,
        params: {
          connectionString: checks
            .group<pulumi.Unwrap<SynapseSqlLoginArgs>>("sqlLogin", args.sqlLogin!, synapseSqlLoginParts)
            .apply(synapseConnectionString),
        },
      };
    case "connectionString":
      return {
        specName: connectionStringAuth.specName,
        params: {
          connectionString: checks.value<string>("connectionString", args.connectionString, connectionStringAuth.params.shape.connectionString),
        },
      };
    case "servicePrincipal": {
      const principal = checks.groupFields<pulumi.Unwrap<SynapseServicePrincipalArgs>>(
        "servicePrincipal",
        args.servicePrincipal!,
        { shape: renamedShape(servicePrincipalAuth.params.shape, SERVICE_PRINCIPAL_PARAMS) },
        { clientId: "servicePrincipalId", clientSecret: "servicePrincipalSecret" },
      );
      return {
        specName: servicePrincipalAuth.specName,
        params: {
          server: principal.server,
          database: principal.database,
          tenant: principal.tenant,
          servicePrincipalId: principal.servicePrincipalId,
          servicePrincipalKey: principal.servicePrincipalSecret,
        },
      };
    }
  }
}

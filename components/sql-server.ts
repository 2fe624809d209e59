import * as pulumi from "@pulumi/pulumi";
import { sqlServer, sqlServerConnectionString, sqlServerLoginParts } from "../provider/sources/sql-server";
import type { ArgumentChecks } from "./arguments";
import { BaseConnectionComponent, type ConnectionCommonArgs, type Exclusive } from "./base-connection-component";

/** SQL authentication to a Microsoft SQL Server (or Azure SQL) database. */
export interface SqlServerLoginArgs {
  /** Server host, e.g. `myserver.database.windows.net` (an Azure SQL Server's `fullyQualifiedDomainName`). */
  server: pulumi.Input<string>;
  /** TCP port, appended as `server,port`. @default none (the driver's default, 1433) */
  port?: pulumi.Input<number>;
  /** Named instance, appended as `server\instance`. @default none */
  instance?: pulumi.Input<string>;
  /** Database name. */
  database: pulumi.Input<string>;
  /** SQL login. */
  user: pulumi.Input<string>;
  /** Password of the login. Stored as a secret. */
  password: pulumi.Input<string>;
}

/** The ways to authenticate to SQL Server; a {@link SqlServerConnection} takes exactly one. */
export interface SqlServerAuthArgs {
  /** SQL login; the component builds Adobe's connection string from it. */
  sqlLogin: pulumi.Input<SqlServerLoginArgs>;
  /**
   * A complete connection string in Adobe's pattern (keys in this order, trailing `;`):
   * `Data Source={SERVER};Initial Catalog={DATABASE};Integrated Security=False;User ID={USER};Password={PASSWORD};`.
   * Stored as a secret.
   */
  connectionString: pulumi.Input<string>;
}

/** Arguments of a {@link SqlServerConnection}: exactly one of `sqlLogin`, `connectionString`. */
export type SqlServerConnectionArgs = ConnectionCommonArgs & Exclusive<SqlServerAuthArgs>;

const MODES = ["sqlLogin", "connectionString"] as const;
const auth = sqlServer.auth["Connection String Based Authentication"];

/**
 * An AEP base connection to Microsoft SQL Server (connection spec `1f372ff9-38a4-4492-96f5-b9a4e4bd00ec`).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/sql-server
 */
export class SqlServerConnection extends BaseConnectionComponent<"sql-server", SqlServerConnectionArgs> {
  constructor(name: string, args: SqlServerConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      { type: "aep:azure:SqlServerConnection", className: "SqlServerConnection", source: "sql-server", arguments: MODES, auth: sqlServerAuth },
      name,
      args,
      opts,
    );
  }
}

function sqlServerAuth(args: SqlServerConnectionArgs, checks: ArgumentChecks) {
  const connectionString =
    checks.exactlyOne(args, MODES) === "sqlLogin"
      ? checks.group<pulumi.Unwrap<SqlServerLoginArgs>>("sqlLogin", args.sqlLogin!, sqlServerLoginParts).apply(sqlServerConnectionString)
      : checks.value<string>("connectionString", args.connectionString, auth.params.shape.connectionString);
  return { specName: auth.specName, params: { connectionString } };
}

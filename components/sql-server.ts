import * as pulumi from "@pulumi/pulumi";
import { adoNetConnectionString, ConnectionArgumentError, hostName, port } from "./connection-string";
import { chooseMode, SourceConnection, type ConnectionCommonArgs, type SourceAuth } from "./source-connection";

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

/** Arguments of a {@link SqlServerConnection}: exactly one of `sqlLogin`, `connectionString`. */
export interface SqlServerConnectionArgs extends ConnectionCommonArgs {
  /** SQL login; the component builds Adobe's connection string from it. */
  sqlLogin?: pulumi.Input<SqlServerLoginArgs>;
  /**
   * A complete connection string in Adobe's pattern (keys in this order, trailing `;`):
   * `Data Source={SERVER};Initial Catalog={DATABASE};Integrated Security=False;User ID={USER};Password={PASSWORD};`.
   * Stored as a secret.
   */
  connectionString?: pulumi.Input<string>;
}

/** Builds Adobe's SQL Server connection string (its documented key order and trailing `;`). */
export function sqlServerConnectionString(login: pulumi.Unwrap<SqlServerLoginArgs>): string {
  let dataSource = hostName("sqlLogin.server", login.server);
  if (login.instance !== undefined) {
    if (!/^[A-Za-z0-9_$#-]{1,16}$/.test(login.instance)) {
      throw new ConnectionArgumentError(
        "sqlLogin.instance",
        `expected a SQL Server instance name (letters, digits, _ $ # -, at most 16 characters); got "${login.instance}"`,
      );
    }
    dataSource += `\\${login.instance}`;
  }
  if (login.port !== undefined) {
    dataSource += `,${port("sqlLogin.port", login.port)}`;
  }
  return adoNetConnectionString(
    [
      ["Data Source", dataSource, "sqlLogin.server"],
      ["Initial Catalog", login.database, "sqlLogin.database"],
      ["Integrated Security", "False", "Integrated Security"],
      ["User ID", login.user, "sqlLogin.user"],
      ["Password", login.password, "sqlLogin.password"],
    ],
    true,
  );
}

/**
 * An AEP base connection to Microsoft SQL Server (connection spec `1f372ff9-38a4-4492-96f5-b9a4e4bd00ec`).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/sql-server
 */
export class SqlServerConnection extends SourceConnection {
  constructor(name: string, args: SqlServerConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aep:azure:SqlServerConnection", name, "sql-server", args, sqlServerAuth(args), opts);
  }
}

function sqlServerAuth(args: SqlServerConnectionArgs): SourceAuth {
  const connectionString =
    chooseMode("SqlServerConnection", args, ["sqlLogin", "connectionString"] as const) === "sqlLogin"
      ? pulumi.output(args.sqlLogin!).apply(sqlServerConnectionString)
      : args.connectionString!;
  return { specName: "Connection String Based Authentication", params: { connectionString } };
}

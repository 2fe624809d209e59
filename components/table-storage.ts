import * as pulumi from "@pulumi/pulumi";
import { ConnectionArgumentError, storageValue } from "./connection-string";
import { chooseMode, SourceConnection, type ConnectionCommonArgs, type SourceAuth } from "./source-connection";

/** A storage account and one of its access keys. */
export interface TableStorageAccountKeyArgs {
  /** Storage account name (3-24 lowercase letters and digits). */
  accountName: pulumi.Input<string>;
  /** One of the account's access keys (base64), e.g. from `listStorageAccountKeysOutput`. Stored as a secret. */
  accountKey: pulumi.Input<string>;
  /** DNS suffix of the cloud, added as `EndpointSuffix`. @default none (public Azure, core.windows.net) */
  endpointSuffix?: pulumi.Input<string>;
}

/** Arguments of a {@link TableStorageConnection}: exactly one of `accountKey`, `connectionString`. */
export interface TableStorageConnectionArgs extends ConnectionCommonArgs {
  /** Account name and key; the component builds Adobe's connection string from them. */
  accountKey?: pulumi.Input<TableStorageAccountKeyArgs>;
  /** A complete connection string `DefaultEndpointsProtocol=https;AccountName={NAME};AccountKey={KEY}`. Stored as a secret. */
  connectionString?: pulumi.Input<string>;
}

/** Builds `DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…[;EndpointSuffix=…]`. */
export function tableStorageConnectionString(account: pulumi.Unwrap<TableStorageAccountKeyArgs>): string {
  if (!/^[a-z0-9]{3,24}$/.test(account.accountName)) {
    throw new ConnectionArgumentError(
      "accountKey.accountName",
      `expected a storage account name of 3-24 lowercase letters and digits; got "${account.accountName}"`,
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(account.accountKey)) {
    throw new ConnectionArgumentError("accountKey.accountKey", "expected a base64 storage account key");
  }
  const parts = [
    "DefaultEndpointsProtocol=https",
    `AccountName=${storageValue("accountKey.accountName", account.accountName)}`,
    `AccountKey=${storageValue("accountKey.accountKey", account.accountKey)}`,
  ];
  if (account.endpointSuffix !== undefined) {
    parts.push(`EndpointSuffix=${storageValue("accountKey.endpointSuffix", account.endpointSuffix)}`);
  }
  return parts.join(";");
}

/**
 * An AEP base connection to Azure Table Storage (connection spec `ecde33f2-c56f-46cc-bdea-ad151c16cd69`, beta).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/ats
 */
export class TableStorageConnection extends SourceConnection {
  constructor(name: string, args: TableStorageConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aep:azure:TableStorageConnection", name, "table-storage", args, tableStorageAuth(args), opts);
  }
}

function tableStorageAuth(args: TableStorageConnectionArgs): SourceAuth {
  const connectionString =
    chooseMode("TableStorageConnection", args, ["accountKey", "connectionString"] as const) === "accountKey"
      ? pulumi.output(args.accountKey!).apply(tableStorageConnectionString)
      : args.connectionString!;
  return { specName: "Connection String Based Authentication", params: { connectionString } };
}

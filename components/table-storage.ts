import * as pulumi from "@pulumi/pulumi";
import { tableStorage, tableStorageAccountKeyParts, tableStorageConnectionString } from "../provider/sources/table-storage";
import type { ArgumentChecks } from "./arguments";
import { BaseConnectionComponent, type ConnectionCommonArgs, type Exclusive } from "./base-connection-component";

/** A storage account and one of its access keys. */
export interface TableStorageAccountKeyArgs {
  /** Storage account name (3-24 lowercase letters and digits). */
  accountName: pulumi.Input<string>;
  /** One of the account's access keys (base64), e.g. from `listStorageAccountKeysOutput`. Stored as a secret. */
  accountKey: pulumi.Input<string>;
  /** DNS suffix of the cloud, added as `EndpointSuffix`. @default none (public Azure, core.windows.net) */
  endpointSuffix?: pulumi.Input<string>;
}

/** The ways to authenticate to Table Storage; a {@link TableStorageConnection} takes exactly one. */
export interface TableStorageAuthArgs {
  /** Account name and key; the component builds Adobe's connection string from them. */
  accountKey: pulumi.Input<TableStorageAccountKeyArgs>;
  /** A complete connection string `DefaultEndpointsProtocol=https;AccountName={NAME};AccountKey={KEY}`. Stored as a secret. */
  connectionString: pulumi.Input<string>;
}

/** Arguments of a {@link TableStorageConnection}: exactly one of `accountKey`, `connectionString`. */
export type TableStorageConnectionArgs = ConnectionCommonArgs & Exclusive<TableStorageAuthArgs>;

const MODES = ["accountKey", "connectionString"] as const;
const auth = tableStorage.auth["Connection String Based Authentication"];

/**
 * An AEP base connection to Azure Table Storage (connection spec `ecde33f2-c56f-46cc-bdea-ad151c16cd69`, beta).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/ats
 */
export class TableStorageConnection extends BaseConnectionComponent<"table-storage", TableStorageConnectionArgs> {
  constructor(name: string, args: TableStorageConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      { type: "aep:azure:TableStorageConnection", className: "TableStorageConnection", source: "table-storage", arguments: MODES, auth: tableStorageAuth },
      name,
      args,
      opts,
    );
  }
}

function tableStorageAuth(args: TableStorageConnectionArgs, checks: ArgumentChecks) {
  const connectionString =
    checks.exactlyOne(args, MODES) === "accountKey"
      ? checks
          .group<pulumi.Unwrap<TableStorageAccountKeyArgs>>("accountKey", args.accountKey!, tableStorageAccountKeyParts)
          .apply(tableStorageConnectionString)
      : checks.value<string>("connectionString", args.connectionString, auth.params.shape.connectionString);
  return { specName: auth.specName, params: { connectionString } };
}

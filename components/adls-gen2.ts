import * as pulumi from "@pulumi/pulumi";
import { ConnectionArgumentError } from "./connection-string";
import { SourceConnection, type ConnectionCommonArgs, type SourceAuth } from "./source-connection";

/** Arguments of an {@link AdlsGen2Connection}: the account as `accountName` or `url`, and a service principal. */
export interface AdlsGen2ConnectionArgs extends ConnectionCommonArgs {
  /** Storage account name (3-24 lowercase letters and digits); the URL becomes `https://<name>.dfs.core.windows.net`. */
  accountName?: pulumi.Input<string>;
  /** The account's DFS endpoint, e.g. `https://acme.dfs.core.windows.net` (a StorageAccount's `primaryEndpoints.dfs`). */
  url?: pulumi.Input<string>;
  /** Entra ID tenant id (GUID) or verified domain of the service principal. */
  tenant: pulumi.Input<string>;
  /** Application (client) id of the service principal. */
  clientId: pulumi.Input<string>;
  /** Client secret of the service principal. Stored as a secret. */
  clientSecret: pulumi.Input<string>;
}

/** The DFS endpoint of a storage account; a trailing `/` (as Azure reports `primaryEndpoints.dfs`) is dropped. */
export function adlsGen2Url(accountName: string | undefined, url: string | undefined): string {
  if (url !== undefined) {
    return url.endsWith("/") ? url.slice(0, -1) : url;
  }
  if (accountName === undefined || !/^[a-z0-9]{3,24}$/.test(accountName)) {
    throw new ConnectionArgumentError("accountName", `expected a storage account name of 3-24 lowercase letters and digits; got "${accountName}"`);
  }
  return `https://${accountName}.dfs.core.windows.net`;
}

/**
 * An AEP base connection to Azure Data Lake Storage Gen2 (connection spec `b3ba5556-48be-44b7-8b85-ff2b69b46dc4`).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/cloud-storage/adls-gen2
 */
export class AdlsGen2Connection extends SourceConnection {
  constructor(name: string, args: AdlsGen2ConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("aep:azure:AdlsGen2Connection", name, "adls-gen2", args, adlsGen2Auth(args), opts);
  }
}

function adlsGen2Auth(args: AdlsGen2ConnectionArgs): SourceAuth {
  if ((args.accountName === undefined) === (args.url === undefined)) {
    throw new ConnectionArgumentError("accountName, url", "AdlsGen2Connection needs exactly one of accountName, url");
  }
  return {
    specName: "Basic Authentication for adls-gen2",
    params: {
      url: pulumi.all([args.accountName, args.url]).apply(([accountName, url]) => adlsGen2Url(accountName, url)),
      servicePrincipalId: args.clientId,
      servicePrincipalKey: args.clientSecret,
      tenant: args.tenant,
    },
  };
}

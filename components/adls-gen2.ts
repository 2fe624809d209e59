import * as pulumi from "@pulumi/pulumi";
import { adlsGen2, adlsGen2AccountName, adlsGen2AccountUrl } from "../provider/sources/adls-gen2";
import type { ArgumentChecks } from "./arguments";
import { BaseConnectionComponent, type ConnectionCommonArgs, type Exclusive } from "./base-connection-component";

/** The two ways to name the storage account; an {@link AdlsGen2Connection} takes exactly one. */
export interface AdlsGen2AccountArgs {
  /** Storage account name (3-24 lowercase letters and digits); the URL becomes `https://<name>.dfs.core.windows.net`. */
  accountName: pulumi.Input<string>;
  /**
   * The account's Data Lake endpoint, e.g. `https://acme.dfs.core.windows.net` (a StorageAccount's
   * `primaryEndpoints.dfs`; its trailing `/` is dropped).
   */
  url: pulumi.Input<string>;
}

/** Service principal arguments of an {@link AdlsGen2Connection}. */
export interface AdlsGen2ServicePrincipalArgs {
  /** Microsoft Entra tenant id (GUID) or verified domain of the service principal. */
  tenant: pulumi.Input<string>;
  /** Application (client) id of the service principal, a GUID. */
  servicePrincipalId: pulumi.Input<string>;
  /** Client secret of the service principal. Stored as a secret. */
  servicePrincipalSecret: pulumi.Input<string>;
}

/** Arguments of an {@link AdlsGen2Connection}: the account as `accountName` or `url`, and a service principal. */
export type AdlsGen2ConnectionArgs = ConnectionCommonArgs & AdlsGen2ServicePrincipalArgs & Exclusive<AdlsGen2AccountArgs>;

const ACCOUNT = ["accountName", "url"] as const;
const ARGUMENTS = [...ACCOUNT, "tenant", "servicePrincipalId", "servicePrincipalSecret"] as const;
const auth = adlsGen2.auth["Basic Authentication for adls-gen2"];

// Azure reports `primaryEndpoints.dfs` with a trailing `/`, which the `url` param does not take.
function withoutTrailingSlash(url: string): string {
  return typeof url === "string" && url.endsWith("/") ? url.slice(0, -1) : url;
}

/**
 * An AEP base connection to Azure Data Lake Storage Gen2 (connection spec `b3ba5556-48be-44b7-8b85-ff2b69b46dc4`).
 * @see https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/cloud-storage/adls-gen2
 */
export class AdlsGen2Connection extends BaseConnectionComponent<"adls-gen2", AdlsGen2ConnectionArgs> {
  constructor(name: string, args: AdlsGen2ConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super(
      {
        type: "aep:azure:AdlsGen2Connection",
        className: "AdlsGen2Connection",
        source: "adls-gen2",
        arguments: ARGUMENTS,
        renamed: { clientId: "servicePrincipalId", clientSecret: "servicePrincipalSecret" },
        auth: adlsGen2Auth,
      },
      name,
      args,
      opts,
    );
  }
}

function adlsGen2Auth(args: AdlsGen2ConnectionArgs, checks: ArgumentChecks) {
  const url =
    checks.exactlyOne(args, ACCOUNT) === "accountName"
      ? checks.value<string>("accountName", args.accountName, adlsGen2AccountName).apply(adlsGen2AccountUrl)
      : checks.value<string>("url", pulumi.output(args.url!).apply(withoutTrailingSlash), auth.params.shape.url);
  const { shape } = auth.params;
  return {
    specName: auth.specName,
    params: {
      url,
      servicePrincipalId: checks.value<string>("servicePrincipalId", args.servicePrincipalId, shape.servicePrincipalId),
      servicePrincipalKey: checks.value<string>("servicePrincipalSecret", args.servicePrincipalSecret, shape.servicePrincipalKey),
      tenant: checks.value<string>("tenant", args.tenant, shape.tenant),
    },
  };
}

/**
 * Azure Data Lake Storage Gen2. Transcribed from Adobe's tutorial (`docsUrl` below;
 * the captured copy the project is specified from: ../shared/seeds/002_f6f3e99715260022.txt). The page's parameter table gives the
 * spec id with a stray trailing "1" (`…ff2b69b46dc41`); the request example's `…ff2b69b46dc4` is the right one.
 * "Basic Authentication" is Adobe's name for service-principal auth here.
 */
import { z } from "zod";
import {
  guidProblem,
  httpsOriginProblems,
  storageAccountNameProblem,
  STORAGE_ACCOUNT_NAME_RULE,
  stringParam,
  tenantProblem,
  writtenHost,
} from "./formats";
import type { SourceDefinition } from "./types";

// Public cloud plus the sovereign clouds' Data Lake endpoints.
const DFS_SUFFIXES = ["dfs.core.windows.net", "dfs.core.chinacloudapi.cn", "dfs.core.usgovcloudapi.net"] as const;

function urlProblems(value: string): readonly string[] {
  const problems = httpsOriginProblems(value);
  if (problems.includes("is not a URL")) return problems;
  const host = writtenHost(value).toLowerCase();
  const suffix = DFS_SUFFIXES.find((s) => host.endsWith(`.${s}`));
  if (!suffix) {
    problems.push(
      /\.(blob|file|queue|table)\.core\./.test(host)
        ? "points at another storage service (use the Data Lake endpoint <account>.dfs.core.windows.net)"
        : `must have the host <account>.${DFS_SUFFIXES[0]} (or .${DFS_SUFFIXES[1]}, .${DFS_SUFFIXES[2]})`,
    );
  } else if (storageAccountNameProblem(host.slice(0, -suffix.length - 1)) !== undefined) {
    problems.push(`has an invalid storage account name (${STORAGE_ACCOUNT_NAME_RULE})`);
  }
  return problems;
}

export const adlsGen2 = {
  key: "adls-gen2",
  title: "Azure Data Lake Storage Gen2",
  docsUrl:
    "https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/cloud-storage/adls-gen2",
  connectionSpec: { id: "b3ba5556-48be-44b7-8b85-ff2b69b46dc4", version: "1.0" },
  dataflow: { flowSpec: "CloudStorageToAEP", reads: "files", changeDataCapture: false },
  auth: {
    "Basic Authentication for adls-gen2": {
      specName: "Basic Authentication for adls-gen2",
      description: "A Microsoft Entra application (service principal) with access to the storage account.",
      params: z.strictObject({
        url: stringParam({
          expected: "the account endpoint https://<account>.dfs.core.windows.net",
          check: urlProblems,
        }),
        servicePrincipalId: stringParam({ expected: "the application (client) ID, a GUID", check: guidProblem }),
        servicePrincipalKey: stringParam({ expected: "the application's client secret", secret: true }),
        tenant: stringParam({
          expected: "the Microsoft Entra tenant ID (a GUID) or a verified domain such as contoso.onmicrosoft.com",
          check: tenantProblem,
        }),
      }),
      secretParams: ["servicePrincipalKey"],
    },
  },
} as const satisfies SourceDefinition;

/** The storage account name a component may take instead of the URL (same rule as the URL's host). */
export const adlsGen2AccountName = stringParam({
  expected: `a storage account name (${STORAGE_ACCOUNT_NAME_RULE})`,
  check: storageAccountNameProblem,
});

/** The Data Lake endpoint of a storage account in the public cloud. */
export function adlsGen2AccountUrl(accountName: string): string {
  return `https://${accountName}.dfs.core.windows.net`;
}

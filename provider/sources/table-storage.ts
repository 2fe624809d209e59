/**
 * Azure Table Storage (beta). Transcribed from Adobe's tutorial (seed 003). Adobe documents the pattern
 * `DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…`; the Azure portal appends `EndpointSuffix=…`, so
 * other Azure Storage keys are accepted after the three required ones.
 */
import { z } from "zod";
import { type KnownKey, missingKeysProblem, parseConnectionString } from "./connection-string";
import { hostNameProblem, httpsOriginProblems, LIMITS, stringParam } from "./formats";
import type { SourceDefinition } from "./types";

const vocabulary: readonly KnownKey[] = [
  { name: "DefaultEndpointsProtocol" },
  { name: "AccountName" },
  { name: "AccountKey" },
  { name: "EndpointSuffix" },
  { name: "TableEndpoint" },
  { name: "TableSecondaryEndpoint" },
  { name: "BlobEndpoint" },
  { name: "QueueEndpoint" },
  { name: "FileEndpoint" },
  { name: "SharedAccessSignature" },
];

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function connectionStringProblems(value: string): readonly string[] {
  const result = parseConnectionString(value, vocabulary);
  if (!result.ok) return result.problems;
  const { parsed } = result;
  const missing = missingKeysProblem(parsed, ["DefaultEndpointsProtocol", "AccountName", "AccountKey"]);
  if (missing) return [missing];
  const problems: string[] = [];
  const protocol = parsed.get("DefaultEndpointsProtocol")!.value;
  if (protocol.toLowerCase() === "http") {
    problems.push("DefaultEndpointsProtocol must be https: Adobe does not accept unencrypted http connections");
  } else if (protocol.toLowerCase() !== "https") {
    problems.push("DefaultEndpointsProtocol must be https");
  }
  if (!/^[a-z0-9]{3,24}$/.test(parsed.get("AccountName")!.value)) {
    problems.push("AccountName must be a storage account name: 3-24 lowercase letters and digits");
  }
  const key = parsed.get("AccountKey")!.value;
  if (key === "" || !BASE64.test(key)) {
    problems.push("AccountKey must be the base64 access key shown under Access keys in the Azure portal");
  }
  const suffix = parsed.get("EndpointSuffix");
  if (suffix && hostNameProblem(suffix.value, 2)) {
    problems.push("EndpointSuffix must be a DNS suffix such as core.windows.net");
  }
  const tableEndpoint = parsed.get("TableEndpoint");
  if (tableEndpoint && httpsOriginProblems(tableEndpoint.value).length > 0) {
    problems.push("TableEndpoint must be an https URL such as https://<account>.table.core.windows.net");
  }
  return problems;
}

export const tableStorage = {
  key: "table-storage",
  title: "Azure Table Storage",
  docsUrl:
    "https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/ats",
  connectionSpec: { id: "ecde33f2-c56f-46cc-bdea-ad151c16cd69", version: "1.0" },
  auth: {
    "Connection String Based Authentication": {
      specName: "Connection String Based Authentication",
      description: "The storage account's connection string with an account key.",
      params: z.strictObject({
        connectionString: stringParam({
          expected: "a connection string like DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>",
          secret: true,
          maxLength: LIMITS.connectionString,
          check: connectionStringProblems,
        }),
      }),
      secretParams: ["connectionString"],
    },
  },
} as const satisfies SourceDefinition;

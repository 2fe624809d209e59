/**
 * Azure Table Storage (beta). Transcribed from Adobe's tutorial (`docsUrl` below;
 * the captured copy the project is specified from: ../shared/seeds/003_bd21e76901516e18.txt). Adobe documents the pattern
 * `DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…`; the Azure portal appends `EndpointSuffix=…`, so
 * other Azure Storage keys are accepted after the three required ones.
 */
import { z } from "zod";
import { type KnownKey, missingKeysProblem, parseConnectionString } from "./connection-string";
import {
  hostNameProblem,
  httpsOriginProblems,
  LIMITS,
  storageAccountNameProblem,
  STORAGE_ACCOUNT_NAME_RULE,
  stringParam,
} from "./formats";
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

const ACCOUNT_KEY = "the base64 access key shown under Access keys in the Azure portal";
const ENDPOINT_SUFFIX = "a DNS suffix such as core.windows.net";

function accountKeyProblem(value: string): string | undefined {
  return value !== "" && BASE64.test(value) ? undefined : "is not a base64 access key";
}

function endpointSuffixProblem(value: string): string | undefined {
  return hostNameProblem(value, 2) === undefined ? undefined : "is not a DNS suffix";
}

function connectionStringProblems(value: string): readonly string[] {
  const result = parseConnectionString(value, vocabulary, { quoting: false });
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
  if (storageAccountNameProblem(parsed.get("AccountName")!.value) !== undefined) {
    problems.push(`AccountName must be a storage account name: ${STORAGE_ACCOUNT_NAME_RULE}`);
  }
  if (accountKeyProblem(parsed.get("AccountKey")!.value) !== undefined) {
    problems.push(`AccountKey must be ${ACCOUNT_KEY}`);
  }
  const suffix = parsed.get("EndpointSuffix");
  if (suffix && endpointSuffixProblem(suffix.value) !== undefined) {
    problems.push(`EndpointSuffix must be ${ENDPOINT_SUFFIX}`);
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
  dataflow: { flowSpec: "CRMToAEP", reads: "tables", changeDataCapture: false },
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

/**
 * A storage account and one of its keys, as the `TableStorageConnection` component takes them instead of a
 * connection string: the same rules the connection string check applies to AccountName, AccountKey and
 * EndpointSuffix. Azure Storage connection strings cannot quote values, and these rules leave nothing to quote.
 */
export const tableStorageAccountKeyParts = z.strictObject({
  accountName: stringParam({ expected: `a storage account name (${STORAGE_ACCOUNT_NAME_RULE})`, check: storageAccountNameProblem }),
  accountKey: stringParam({ expected: ACCOUNT_KEY, secret: true, check: accountKeyProblem }),
  endpointSuffix: stringParam({ expected: ENDPOINT_SUFFIX, check: endpointSuffixProblem }).optional(),
});

/** `DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…[;EndpointSuffix=…]` from parts that passed the rules. */
export function tableStorageConnectionString(parts: z.output<typeof tableStorageAccountKeyParts>): string {
  const pairs = ["DefaultEndpointsProtocol=https", `AccountName=${parts.accountName}`, `AccountKey=${parts.accountKey}`];
  if (parts.endpointSuffix !== undefined) pairs.push(`EndpointSuffix=${parts.endpointSuffix}`);
  return pairs.join(";");
}

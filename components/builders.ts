/**
 * The components' value builders as plain functions, for scripts and tests: each checks its parts with the
 * registry's rules and throws an {@link ArgumentError} naming the part (`sqlLogin.password`) instead of building a
 * value the provider would refuse.
 */
import type { z } from "zod";
import { ArgumentError } from "../provider/shared/errors";
import { adlsGen2, adlsGen2AccountName, adlsGen2AccountUrl } from "../provider/sources/adls-gen2";
import { databricks, normalizeWorkspaceUrl } from "../provider/sources/databricks";
import { sqlServerConnectionString as buildSqlServer, sqlServerLoginParts } from "../provider/sources/sql-server";
import { synapseConnectionString as buildSynapse, synapseSqlLoginParts } from "../provider/sources/synapse";
import { tableStorageAccountKeyParts, tableStorageConnectionString as buildTableStorage } from "../provider/sources/table-storage";

/** `value` checked against `schema`; the first failure names `argument` plus the field at fault. */
function parsed<S extends z.ZodType>(argument: string, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.map(String).join(".");
  const where = [argument, field].filter((part) => part !== undefined && part !== "").join(".");
  throw new ArgumentError(where, issue.code === "unrecognized_keys" ? "is not an argument" : issue.message);
}

/** Adobe's SQL Server connection string from a SQL login (key order and trailing `;` as Adobe requires). */
export function sqlServerConnectionString(login: z.input<typeof sqlServerLoginParts>): string {
  return buildSqlServer(parsed("sqlLogin", sqlServerLoginParts, login));
}

/** Adobe's Synapse connection string from a SQL login, values quoted as ADO.NET requires. */
export function synapseConnectionString(login: z.input<typeof synapseSqlLoginParts>): string {
  return buildSynapse(parsed("sqlLogin", synapseSqlLoginParts, login));
}

/** `DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…[;EndpointSuffix=…]`. */
export function tableStorageConnectionString(account: z.input<typeof tableStorageAccountKeyParts>): string {
  return buildTableStorage(parsed("accountKey", tableStorageAccountKeyParts, account));
}

/** The Data Lake endpoint from an account name, or the given `url` without its trailing `/`. */
export function adlsGen2Url(accountName: string | undefined, url: string | undefined): string {
  if (url !== undefined) return parsed("url", adlsGen2.auth["Basic Authentication for adls-gen2"].params.shape.url, url.endsWith("/") ? url.slice(0, -1) : url);
  return adlsGen2AccountUrl(parsed("accountName", adlsGen2AccountName, accountName));
}

/** The workspace URL in the form Adobe expects: `https://<host>`, no path, no trailing `/`. */
export function databricksDomain(workspaceUrl: string): string {
  return parsed("workspaceUrl", databricks.auth["Access Token Authentication"].params.shape.domain, normalizeWorkspaceUrl(workspaceUrl));
}

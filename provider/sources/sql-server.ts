/**
 * Microsoft SQL Server. Transcribed from Adobe's tutorial (`docsUrl` below;
 * the captured copy the project is specified from: ../shared/seeds/001_1ce100aa38ee5764.txt; its example body lacks a closing brace).
 *
 * Adobe's auth spec checks the connection string with the case-sensitive pattern
 * `^(Data Source=)(.*)(;Initial Catalog=)(.*)(;Integrated Security=)(.*)(;User ID=)(.*)(;Password=)(.*)(;)`:
 * the five keys in this order, spelled exactly so, and a `;` after the password. We require the same (with the
 * trailing `;` at the very end) and explain which part is off instead of reporting a bare pattern mismatch.
 */
import { z } from "zod";
import { adoNetConnectionString, describeKey, missingKeysProblem, parseConnectionString, plainValueProblem } from "./connection-string";
import { LIMITS, portNumber, stringParam } from "./formats";
import {
  instanceNameProblem,
  integratedSecurityProblem,
  serverHostProblem,
  serverValueProblems,
  sqlClientVocabulary,
} from "./sql-connection-string";
import type { SourceDefinition } from "./types";

const CONNECTION_STRING_PATTERN =
  "Data Source=<server>[\\<instance>];Initial Catalog=<database>;Integrated Security=False;" +
  "User ID=<user>;Password=<password>;";

/** Adobe's server-side pattern, verbatim (it is not anchored at the end). */
export const ADOBE_SQL_SERVER_PATTERN =
  /^(Data Source=)(.*)(;Initial Catalog=)(.*)(;Integrated Security=)(.*)(;User ID=)(.*)(;Password=)(.*)(;)/;

const ORDER = ["Data Source", "Initial Catalog", "Integrated Security", "User ID", "Password"] as const;

const keys = sqlClientVocabulary("Data Source", "Initial Catalog");

function connectionStringProblems(value: string): readonly string[] {
  const result = parseConnectionString(value, keys.vocabulary);
  if (!result.ok) return result.problems;
  const { parsed } = result;
  const missing = missingKeysProblem(parsed, ORDER);
  if (missing) return [missing];

  const problems: string[] = [];
  const orderProblem = ORDER.map((name, i) => {
    const pair = parsed.pairs[i]!;
    if (pair.known?.name !== name) return `pair ${i + 1} must be ${name}, found ${describeKey(pair)}`;
    const written = `pair ${i + 1} must be written`;
    if (pair.knownSpelling !== name) return `${written} "${name}", not its synonym "${pair.knownSpelling}"`;
    if (pair.rawKey !== name) return `${written} exactly "${name}" (mind upper/lower case and spaces)`;
    return undefined;
  }).find((problem) => problem !== undefined);
  if (orderProblem) {
    problems.push(`${orderProblem}: Adobe requires the keys in the order ${ORDER.join(", ")}`);
  }
  if (!parsed.endsWithSemicolon) problems.push('must end with ";" (Adobe requires one after the password)');

  problems.push(...serverValueProblems(parsed.get("Data Source")!, { instance: true, minLabels: 1 }));
  for (const name of ["Initial Catalog", "User ID"]) {
    const problem = plainValueProblem(parsed.get(name)!);
    if (problem) problems.push(problem);
  }
  const integrated = integratedSecurityProblem(parsed.get("Integrated Security"));
  if (integrated) problems.push(integrated);
  if (parsed.get("Password")!.value === "") problems.push("the value of Password is empty");

  // Our checks imply Adobe's pattern; this guards the two from drifting apart.
  const match = problems.length === 0 ? ADOBE_SQL_SERVER_PATTERN.exec(value) : null;
  if (problems.length === 0 && match === null) {
    problems.push("does not match Adobe's SQL Server connection string pattern");
  } else if (match !== null) {
    // The pattern's groups are greedy: a value holding ";User ID=" or ";Password=" (a password such as
    // x;Password=y, even quoted) moves the split, so AEP would read other credentials than the ones written.
    const misread = ORDER.find((_, i) => {
      const group = (match[2 + 2 * i] ?? "").trim();
      const written = parsed.pairs[i]!.raw.trim();
      return i === ORDER.length - 1 ? !group.startsWith(written) : group !== written;
    });
    if (misread !== undefined) {
      const what = misread === "Password" || misread === "User ID" ? "the User ID or the Password" : `the value of ${misread} or a later one`;
      problems.push(`${what} contains a key of Adobe's pattern (such as ";Password="), so AEP would split the string at the wrong place`);
    }
  }
  return problems;
}

export const sqlServer = {
  key: "sql-server",
  title: "Microsoft SQL Server",
  docsUrl:
    "https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/sql-server",
  connectionSpec: { id: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec", version: "1.0" },
  dataflow: { flowSpec: "CRMToAEP", reads: "tables", changeDataCapture: false },
  auth: {
    "Connection String Based Authentication": {
      specName: "Connection String Based Authentication",
      description: "SQL sign-in with an ADO.NET connection string in the key order Adobe's auth spec requires.",
      params: z.strictObject({
        connectionString: stringParam({
          expected: `a connection string like ${CONNECTION_STRING_PATTERN}`,
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
 * A SQL login, as the `SqlServerConnection` component takes it instead of a connection string: each part follows
 * the rule the connection string check applies to it (the `Data Source` host, instance and port), so the string
 * built from valid parts passes the check and Adobe's pattern.
 */
export const sqlServerLoginParts = z.strictObject({
  server: stringParam({
    expected: "the server host, e.g. myserver.database.windows.net (an Azure SQL Server's fullyQualifiedDomainName)",
    check: (value) => serverHostProblem(value, 1),
  }),
  instance: stringParam({ expected: "a named instance such as SQLEXPRESS", check: instanceNameProblem }).optional(),
  port: portNumber().optional(),
  database: stringParam({ expected: "the database name" }),
  user: stringParam({ expected: "the SQL login" }),
  password: stringParam({ expected: "the password of the login", secret: true }),
});

/** Adobe's SQL Server connection string (its key order and trailing `;`) from a login that passed the parts. */
export function sqlServerConnectionString(login: z.output<typeof sqlServerLoginParts>): string {
  let dataSource = login.server;
  if (login.instance !== undefined) dataSource += `\\${login.instance}`;
  if (login.port !== undefined) dataSource += `,${login.port}`;
  return adoNetConnectionString(
    [
      ["Data Source", dataSource],
      ["Initial Catalog", login.database],
      ["Integrated Security", "False"],
      ["User ID", login.user],
      ["Password", login.password],
    ],
    true,
  );
}

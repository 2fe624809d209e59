/**
 * Azure Synapse Analytics. Transcribed from Adobe's tutorial (`docsUrl` below;
 * the captured copy the project is specified from: ../shared/seeds/000_cefeb6b91c99305d.txt); Real-Time CDP Ultimate only.
 * The page's service-principal table says `connectSpec.id`; it means `connectionSpec.id`.
 */
import { z } from "zod";
import { adoNetConnectionString, missingKeysProblem, parseConnectionString, plainValueProblem } from "./connection-string";
import { guidProblem, hostNameProblem, isPort, LIMITS, portNumber, stringParam, tenantProblem } from "./formats";
import { integratedSecurityProblem, serverHostProblem, serverValueProblems, sqlClientVocabulary } from "./sql-connection-string";
import type { SourceDefinition } from "./types";

const CONNECTION_STRING_PATTERN =
  "Server=tcp:<server>.database.windows.net,1433;Database=<database>;User ID=<user>@<server>;Password=<password>;" +
  "Trusted_Connection=False;Encrypt=True;Connection Timeout=30";

const keys = sqlClientVocabulary("Server", "Database");

function connectionStringProblems(value: string): readonly string[] {
  const result = parseConnectionString(value, keys.vocabulary);
  if (!result.ok) return result.problems;
  const { parsed } = result;
  const missing = missingKeysProblem(parsed, ["Server", "Database", "User ID", "Password"]);
  if (missing) return [missing];
  const problems: string[] = [];
  problems.push(...serverValueProblems(parsed.get("Server")!, { instance: false, minLabels: 2 }));
  for (const name of ["Database", "User ID"]) {
    const problem = plainValueProblem(parsed.get(name)!);
    if (problem) problems.push(problem);
  }
  const database = databaseProblem(parsed.get("Database")!.value);
  if (database && !plainValueProblem(parsed.get("Database")!)) problems.push(`the value of Database ${database}`);
  if (parsed.get("Password")!.value === "") problems.push("the value of Password is empty");
  const integrated = integratedSecurityProblem(parsed.get("Integrated Security"));
  if (integrated) problems.push(integrated);
  return problems;
}

/** `<host>[,<port>]`: the SQL endpoint as Azure shows it, e.g. myworkspace.sql.azuresynapse.net. */
function serverProblem(value: string): string | undefined {
  const comma = value.lastIndexOf(",");
  const host = comma === -1 ? value : value.slice(0, comma);
  if (comma !== -1 && !isPort(value.slice(comma + 1))) return "has a port that is not 1-65535 after the comma";
  if (/^tcp:/i.test(host)) return 'must be a host name only, without "tcp:"';
  if (/:\d+$/.test(host)) return 'gives the port after ":" (SQL endpoints take it after a comma: host,1433)';
  return hostNameProblem(host, 2);
}

// Azure SQL and Synapse database names: up to 128 characters, none of <>*%&:\/? and not ending in "." or space.
function databaseProblem(value: string): string | undefined {
  if (value.length > 128) return "is longer than 128 characters";
  if (/[<>*%&:\\/?]/.test(value)) return "contains one of the characters < > * % & : \\ / ? that database names cannot";
  if (value.endsWith(".")) return 'ends with "."';
  return undefined;
}

export const synapse = {
  key: "synapse",
  title: "Azure Synapse Analytics",
  docsUrl:
    "https://experienceleague.adobe.com/en/docs/experience-platform/sources/api-tutorials/create/databases/synapse-analytics",
  connectionSpec: { id: "a49bcc7d-8038-43af-b1e4-5a7a089a7d79", version: "1.0" },
  dataflow: { flowSpec: "CRMToAEP", reads: "tables", changeDataCapture: false },
  auth: {
    "Connection String Based Authentication": {
      specName: "Connection String Based Authentication",
      description: "SQL sign-in with an ADO.NET connection string (Server, Database, User ID, Password).",
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
    "Service Principal Key Based Authentication": {
      specName: "Service Principal Key Based Authentication",
      description: "A Microsoft Entra application (service principal) and its client secret.",
      params: z.strictObject({
        server: stringParam({
          expected: "the SQL endpoint host name, e.g. myworkspace.sql.azuresynapse.net (optionally ,1433)",
          check: serverProblem,
        }),
        database: stringParam({ expected: "the database (SQL pool) name, e.g. SalesDW", check: databaseProblem }),
        tenant: stringParam({
          expected: "the Microsoft Entra tenant ID (a GUID) or a verified domain such as contoso.onmicrosoft.com",
          check: tenantProblem,
        }),
        servicePrincipalId: stringParam({
          expected: "the application (client) ID, a GUID",
          check: guidProblem,
        }),
        servicePrincipalKey: stringParam({ expected: "the application's client secret", secret: true }),
      }),
      secretParams: ["servicePrincipalKey"],
    },
  },
} as const satisfies SourceDefinition;

/**
 * A SQL login, as the `SynapseConnection` component takes it instead of a connection string: each part follows
 * the rule the connection string check applies to it (a fully qualified host, a port 1-65535, a non-empty
 * password), so the string built from valid parts passes the check.
 */
export const synapseSqlLoginParts = z.strictObject({
  server: stringParam({
    expected: "the SQL endpoint host name, e.g. myworkspace.sql.azuresynapse.net",
    check: (value) => serverHostProblem(value, 2),
  }),
  port: portNumber().optional(),
  database: stringParam({ expected: "the database (SQL pool) name, e.g. SalesDW", check: databaseProblem }),
  user: stringParam({ expected: "the SQL login, e.g. the workspace's sqlAdministratorLogin" }),
  password: stringParam({ expected: "the password of the login", secret: true }),
});

/** Adobe's Synapse connection string from a login that passed {@link synapseSqlLoginParts}. Default port 1433. */
export function synapseConnectionString(login: z.output<typeof synapseSqlLoginParts>): string {
  return adoNetConnectionString(
    [
      ["Server", `tcp:${login.server},${login.port ?? 1433}`],
      ["Database", login.database],
      ["User ID", login.user],
      ["Password", login.password],
      ["Trusted_Connection", "False"],
      ["Encrypt", "True"],
      ["Connection Timeout", "30"],
    ],
    false,
  );
}

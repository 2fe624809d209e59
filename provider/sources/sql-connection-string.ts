/**
 * Pieces shared by the SQL Server and Azure Synapse connection string checks: the SqlClient key vocabulary
 * (with its synonyms) and the server value rules.
 */
import { type ConnectionStringPair, describeKey, type KnownKey, plainValueProblem } from "./connection-string";
import { hostNameProblem, isIPv4, isPort } from "./formats";

/** SqlClient keywords whose synonyms matter for duplicate detection and messages (Microsoft.Data.SqlClient). */
export function sqlClientVocabulary(
  serverName: "Server" | "Data Source",
  databaseName: "Database" | "Initial Catalog",
) {
  const server: KnownKey = {
    name: serverName,
    synonyms: ["Server", "Data Source", "Address", "Addr", "Network Address"].filter((s) => s !== serverName),
  };
  const database: KnownKey = {
    name: databaseName,
    synonyms: ["Database", "Initial Catalog"].filter((s) => s !== databaseName),
  };
  const vocabulary: readonly KnownKey[] = [
    server,
    database,
    { name: "User ID", synonyms: ["UID", "User"] },
    { name: "Password", synonyms: ["PWD"] },
    { name: "Integrated Security", synonyms: ["Trusted_Connection"] },
    { name: "Encrypt" },
    { name: "TrustServerCertificate", synonyms: ["Trust Server Certificate"] },
    { name: "Connect Timeout", synonyms: ["Connection Timeout", "Timeout"] },
    { name: "Authentication" },
    { name: "Application Name", synonyms: ["App"] },
    { name: "Persist Security Info", synonyms: ["PersistSecurityInfo"] },
    { name: "MultipleActiveResultSets", synonyms: ["Multiple Active Result Sets"] },
    { name: "MultiSubnetFailover", synonyms: ["Multi Subnet Failover"] },
    { name: "ApplicationIntent", synonyms: ["Application Intent"] },
    { name: "Connect Retry Count", synonyms: ["ConnectRetryCount"] },
    { name: "Connect Retry Interval", synonyms: ["ConnectRetryInterval"] },
    { name: "HostNameInCertificate", synonyms: ["Host Name In Certificate"] },
    { name: "Pooling" },
    { name: "Max Pool Size" },
    { name: "Min Pool Size" },
    { name: "Packet Size" },
    { name: "Workstation ID", synonyms: ["WSID"] },
    { name: "Command Timeout" },
    { name: "Column Encryption Setting" },
    { name: "Failover Partner" },
    { name: "Current Language", synonyms: ["Language"] },
    { name: "Load Balance Timeout", synonyms: ["Connection Lifetime"] },
    { name: "Network Library", synonyms: ["Net", "Network"] },
  ];
  return { vocabulary, server: server.name, database: database.name } as const;
}

// SQL Server instance names: up to 16 characters, starting with a letter, & or _, then letters, digits, $ or _.
const INSTANCE_NAME = /^[a-z&_][a-z0-9$_]{0,15}$/i;

const INSTANCE_NAME_RULE = "(up to 16 letters, digits, $ or _, starting with a letter, & or _)";

/** A SQL Server named instance (`server\\instance`), e.g. `SQLEXPRESS`. */
export function instanceNameProblem(instance: string): string | undefined {
  return INSTANCE_NAME.test(instance) ? undefined : `is not a valid instance name ${INSTANCE_NAME_RULE}`;
}

/** The host part of a server value: an IPv4 address or a DNS name with at least `minLabels` labels. */
export function serverHostProblem(host: string, minLabels: number): string | undefined {
  return isIPv4(host) ? undefined : hostNameProblem(host, minLabels);
}

/**
 * `[tcp:]host[\instance][,port]`, the forms SqlClient accepts that can be reached over the internet.
 * `minLabels: 2` requires a fully qualified host (Azure endpoints always are).
 */
export function serverValueProblems(pair: ConnectionStringPair, options: { instance: boolean; minLabels: number }) {
  const plain = plainValueProblem(pair);
  if (plain) return [plain];
  const name = describeKey(pair);
  let rest = pair.value;
  const protocol = /^([a-z]+):/i.exec(rest);
  if (protocol) {
    if (protocol[1]!.toLowerCase() !== "tcp") {
      return [`the value of ${name} uses a protocol prefix other than "tcp:" (Adobe connects over TCP only)`];
    }
    rest = rest.slice(protocol[0].length);
  }
  const problems: string[] = [];
  const comma = rest.lastIndexOf(",");
  if (comma !== -1) {
    if (!isPort(rest.slice(comma + 1).trim())) problems.push(`the port in the value of ${name} is not 1-65535`);
    rest = rest.slice(0, comma).trim();
  }
  const backslash = rest.indexOf("\\");
  if (backslash !== -1) {
    const instance = rest.slice(backslash + 1);
    rest = rest.slice(0, backslash);
    if (!options.instance) {
      problems.push(`the value of ${name} names an instance ("\\") where only a host name is accepted`);
    } else if (instance.startsWith("\\")) {
      problems.push(
        `the value of ${name} has "\\\\" before the instance name (use a single backslash: ` +
          `the "\\\\" in Adobe's JSON example is one escaped backslash)`,
      );
    } else if (instanceNameProblem(instance) !== undefined) {
      problems.push(`the instance name in the value of ${name} is not valid ${INSTANCE_NAME_RULE}`);
    }
  }
  const host = serverHostProblem(rest, options.minLabels);
  if (host) problems.push(`the value of ${name} ${host}`);
  return problems;
}

/** `Integrated Security`/`Trusted_Connection` other than false: Windows sign-in cannot work from Adobe's cloud. */
export function integratedSecurityProblem(pair: ConnectionStringPair | undefined): string | undefined {
  if (!pair) return undefined;
  return /^(false|no)$/i.test(pair.value)
    ? undefined
    : `${pair.knownSpelling ?? describeKey(pair)} must be False ` +
        "(Adobe signs in with User ID and Password: Windows authentication cannot work)";
}

/**
 * The emulator's own catalogue of the five Azure connection specs, transcribed from the seed pages in
 * ../shared/seeds/ (ids, auth spec names and parameter names exactly as the request examples show them).
 * Deliberately independent of `provider/`: the provider's tests must fail if its registry drifts from Adobe's docs.
 *
 * Spec `name`s other than "adls-gen2" and "sql-server" (confirmed by old doc revisions) are emulator choices.
 */

/** One auth parameter in an authSpec JSON schema. */
export interface AuthParamSchema {
  type: "string";
  description: string;
  /** Secret parameters are marked like Adobe's specs; the emulator masks them on GET. */
  format?: "password";
}

/** The JSON Schema (draft-07) that an authSpec entry carries in `spec`. */
export interface AuthSpecSchema {
  $schema: "http://json-schema.org/draft-07/schema#";
  type: "object";
  description: string;
  properties: Record<string, AuthParamSchema>;
  required: string[];
  /** The emulator rejects undeclared params; the schema says so. */
  additionalProperties: false;
}

export interface AuthSpec {
  name: string;
  type?: string;
  spec: AuthSpecSchema;
}

/** Shape of a `ConnectionSpecItemDTO` (Adobe OpenAPI), reduced to what base connections need. */
export interface ConnectionSpec {
  id: string;
  name: string;
  providerId: string;
  version: string;
  authSpec: AuthSpec[];
  attributes: {
    category: string;
    connectorName: string;
    isSource: boolean;
    isBeta: boolean;
    uiAttributes: { apiFeatures: { explorePaginationSupported: boolean } };
  };
  permissionsInfo: {
    manage: { "@type": string; name: string; permissions: string[] }[];
    view: { "@type": string; name: string; permissions: string[] }[];
  };
}

/** Provider id shared by Adobe's database and cloud-storage sources (old ADLS Gen2 and SQL Server spec examples). */
const AZURE_SOURCES_PROVIDER_ID = "0ed90a81-07f4-4586-8190-b40eccef1c5a";
const JSON_SCHEMA_DRAFT_07 = "http://json-schema.org/draft-07/schema#";

function text(description: string): AuthParamSchema {
  return { type: "string", description };
}

function secret(description: string): AuthParamSchema {
  return { type: "string", description, format: "password" };
}

function authSpec(
  name: string,
  description: string,
  properties: Record<string, AuthParamSchema>,
  optional: readonly string[] = [],
  type?: string,
): AuthSpec {
  const spec: AuthSpecSchema = {
    $schema: JSON_SCHEMA_DRAFT_07,
    type: "object",
    description,
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  };
  return type === undefined ? { name, spec } : { name, type, spec };
}

function connectionSpec(
  id: string,
  name: string,
  connectorName: string,
  category: "Databases" | "Cloud Storage",
  isBeta: boolean,
  authSpecs: AuthSpec[],
): ConnectionSpec {
  return {
    id,
    name,
    providerId: AZURE_SOURCES_PROVIDER_ID,
    version: "1.0",
    authSpec: authSpecs,
    attributes: {
      category,
      connectorName,
      isSource: true,
      isBeta,
      uiAttributes: { apiFeatures: { explorePaginationSupported: false } },
    },
    permissionsInfo: {
      manage: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["write"] }],
      view: [{ "@type": "lowLevel", name: "EnterpriseSource", permissions: ["read"] }],
    },
  };
}

const CONNECTION_STRING_AUTH = "Connection String Based Authentication";

/** The five connection specs, in seed order (000 Synapse ... 004 Databricks). */
export const CONNECTION_SPECS: readonly ConnectionSpec[] = [
  connectionSpec("a49bcc7d-8038-43af-b1e4-5a7a089a7d79", "azure-synapse-analytics", "Azure Synapse Analytics", "Databases", false, [
    authSpec(
      CONNECTION_STRING_AUTH,
      "defines auth params required for connecting to Azure Synapse Analytics using a connection string",
      { connectionString: secret("connection string to connect to Azure Synapse Analytics.") },
      [],
      "connectionString",
    ),
    authSpec(
      "Service Principal Key Based Authentication",
      "defines auth params required for connecting to Azure Synapse Analytics using a service principal",
      {
        server: text("The fully qualified domain name of the Azure Synapse Analytics SQL endpoint."),
        database: text("The name of the database within the Azure Synapse Analytics workspace."),
        tenant: text("The Azure Active Directory tenant ID."),
        servicePrincipalId: text("The client ID of an Azure Active Directory application."),
        servicePrincipalKey: secret("The client secret or password associated with the service principal."),
      },
    ),
  ]),
  connectionSpec("1f372ff9-38a4-4492-96f5-b9a4e4bd00ec", "sql-server", "Microsoft SQL Server", "Databases", false, [
    authSpec(
      CONNECTION_STRING_AUTH,
      "defines auth params required for connecting to SQL Server database",
      { connectionString: secret("connection string to connect to any SQL Server database.") },
      [],
      "connectionString",
    ),
  ]),
  connectionSpec("b3ba5556-48be-44b7-8b85-ff2b69b46dc4", "adls-gen2", "Azure Data Lake Storage Gen2", "Cloud Storage", false, [
    authSpec(
      "Basic Authentication for adls-gen2",
      "defines auth params required for connecting to adlsgen2 using service principal",
      {
        url: text("Endpoint for Azure Data Lake Storage Gen2."),
        servicePrincipalId: text("Service Principal Id to connect to ADLSGen2."),
        servicePrincipalKey: secret("Service Principal Key to connect to ADLSGen2."),
        tenant: text("Tenant information(domain name or tenant ID)."),
      },
    ),
  ]),
  connectionSpec("ecde33f2-c56f-46cc-bdea-ad151c16cd69", "azure-tables", "Azure Table Storage", "Databases", true, [
    authSpec(
      CONNECTION_STRING_AUTH,
      "defines auth params required for connecting to Azure Table Storage",
      { connectionString: secret("connection string to connect to an Azure Table Storage account.") },
      [],
      "connectionString",
    ),
  ]),
  connectionSpec("e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "databricks", "Azure Databricks", "Databases", true, [
    authSpec(
      "Access Token Authentication",
      "defines auth params required for connecting to Azure Databricks using a personal access token",
      {
        domain: text("The URL of the Databricks workspace, e.g. https://adb-1234567890123456.7.azuredatabricks.net."),
        clusterId: text("The ID of an existing interactive cluster."),
        accessToken: secret("The access token that authenticates the Databricks account."),
        database: text("The name of the database in the delta lake."),
        catalog: text("The name of the catalog in the delta lake. Not needed for the default catalog."),
      },
      ["catalog"],
    ),
  ]),
];

export function findConnectionSpec(id: string): ConnectionSpec | undefined {
  return CONNECTION_SPECS.find((spec) => spec.id === id);
}

export function findAuthSpec(spec: ConnectionSpec, specName: string): AuthSpec | undefined {
  return spec.authSpec.find((auth) => auth.name === specName);
}

/** Names of the `format: password` params of an auth spec, or none when the spec is unknown. */
export function secretParamNames(connectionSpecId: string, specName: string): string[] {
  const spec = findConnectionSpec(connectionSpecId);
  const auth = spec === undefined ? undefined : findAuthSpec(spec, specName);
  if (auth === undefined) return [];
  return Object.entries(auth.spec.properties)
    .filter(([, schema]) => schema.format === "password")
    .map(([name]) => name);
}

/**
 * Checks `params` against the auth spec's JSON schema (object of strings, required present and non-empty,
 * nothing undeclared). Returns one sentence per problem, naming the parameter but never echoing a value.
 */
export function authParamProblems(auth: AuthSpec, params: unknown): string[] {
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    return ["'auth.params' must be a JSON object"];
  }
  const schema = auth.spec;
  const values = params as Record<string, unknown>;
  const problems: string[] = [];
  for (const name of schema.required) {
    if (!(name in values) || values[name] === undefined || values[name] === null) {
      problems.push(`the required parameter '${name}' is missing`);
    }
  }
  for (const [name, value] of Object.entries(values)) {
    const required = schema.required.includes(name);
    if (!(name in schema.properties)) {
      problems.push(`the parameter '${name}' is not defined (allowed: ${Object.keys(schema.properties).join(", ")})`);
    } else if (value === undefined || value === null) {
      if (!required) problems.push(`the parameter '${name}' must be a string`);
    } else if (typeof value !== "string") {
      problems.push(`the parameter '${name}' must be a string`);
    } else if (value === "" && required) {
      problems.push(`the required parameter '${name}' must not be empty`);
    }
  }
  return problems;
}

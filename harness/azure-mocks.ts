/**
 * Stand-ins for the Azure, Entra ID and random providers when the examples run in the test engine: the
 * outputs those providers would report (auto-named resources, endpoints, keys, generated passwords), made
 * deterministic so repeated runs of a program see the same values, and secret where the real providers
 * mark them secret.
 */
import { createHash } from "node:crypto";
import { makeSecret } from "./property-values";

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function guid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A generated password of the shape random.RandomPassword gives with `special: true`: it needs quoting. */
function password(seed: string): string {
  return `Pw;${hex(seed, 10)}="x'${hex(`${seed}!`, 6)}`;
}

export const tenantId = guid("tenant");
export const subscriptionId = guid("subscription");

/** Outputs of non-dynamic resources by type token; `undefined` echoes the inputs. */
export function azureResourceOutputs(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
  const id = (kind: string, resourceName: string) =>
    `/subscriptions/${subscriptionId}/resourceGroups/aep-sources/providers/${kind}/${resourceName}`;
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return { ...inputs, name: `${name}${hex(name, 8)}`, location: "westeurope" };
    case "azure-native:storage:StorageAccount": {
      const account = `${name}${hex(name, 8)}`.replace(/[^a-z0-9]/g, "").slice(0, 24);
      return {
        ...inputs,
        id: id("Microsoft.Storage/storageAccounts", account),
        name: account,
        primaryEndpoints: {
          dfs: `https://${account}.dfs.core.windows.net/`,
          table: `https://${account}.table.core.windows.net/`,
          blob: `https://${account}.blob.core.windows.net/`,
        },
      };
    }
    case "azuread:index/application:Application":
      return { ...inputs, id: `/applications/${guid(`${name}-object`)}`, clientId: guid(`${name}-client`), objectId: guid(`${name}-object`) };
    case "azuread:index/servicePrincipal:ServicePrincipal":
      return { ...inputs, id: guid(`${name}-sp`), objectId: guid(`${name}-sp`) };
    case "azuread:index/applicationPassword:ApplicationPassword":
      return { ...inputs, id: guid(`${name}-key`), keyId: guid(`${name}-key`), value: makeSecret(`Ap~${hex(`${name}-secret`, 30)}`) };
    case "random:index/randomPassword:RandomPassword": {
      const keepers = JSON.stringify(inputs["keepers"] ?? {});
      return { ...inputs, id: "none", result: makeSecret(password(`${name}:${keepers}`)) };
    }
    case "azure-native:sql:Server": {
      const server = `${name}${hex(name, 8)}`;
      return { ...inputs, id: id("Microsoft.Sql/servers", server), name: server, fullyQualifiedDomainName: `${server}.database.windows.net` };
    }
    case "azure-native:sql:Database":
      return { ...inputs, name: `${name}${hex(name, 6)}` };
    case "azure-native:synapse:Workspace": {
      const workspace = `${name}${hex(name, 8)}`;
      return {
        ...inputs,
        name: workspace,
        connectivityEndpoints: {
          sql: `${workspace}.sql.azuresynapse.net`,
          sqlOnDemand: `${workspace}-ondemand.sql.azuresynapse.net`,
          dev: `https://${workspace}.dev.azuresynapse.net`,
        },
      };
    }
    case "azure-native:synapse:SqlPool":
      return { ...inputs, name: `${name}${hex(name, 4)}` };
    case "azure-native:databricks:Workspace":
      return { ...inputs, name: `${name}${hex(name, 8)}`, workspaceUrl: `adb-${BigInt(`0x${hex(name, 13)}`).toString().slice(0, 16)}.7.azuredatabricks.net` };
    default:
      return undefined;
  }
}

/** Results of the provider functions the examples call. */
export function azureInvokes(token: string, args: Record<string, unknown>): Record<string, unknown> | undefined {
  switch (token) {
    case "azure-native:authorization:getClientConfig":
      return { tenantId, subscriptionId, clientId: guid("deployer"), objectId: guid("deployer-object") };
    case "azure-native:storage:listStorageAccountKeys": {
      const account = String(args["accountName"]);
      const key = (n: number) => Buffer.from(createHash("sha512").update(`${account}-${n}`).digest()).toString("base64");
      return { keys: [{ keyName: "key1", value: key(1), permissions: "FULL" }, { keyName: "key2", value: key(2), permissions: "FULL" }] };
    }
    default:
      return undefined;
  }
}

/** Every secret value the mocks can hand out for the all-sources program with `rotation`, for leak scans. */
export function mockSecrets(rotations: readonly string[]): string[] {
  const secrets = [`Ap~${hex("aep-reader-secret", 30)}`];
  for (const rotation of rotations) {
    for (const name of ["sql-admin", "synapse-admin"]) {
      secrets.push(password(`${name}:${JSON.stringify({ rotation })}`));
    }
  }
  return secrets;
}

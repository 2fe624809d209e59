/**
 * The five source components under `pulumi.runtime.setMocks`: each registers exactly one BaseConnection child
 * named after the component, with the auth params built in Adobe's format and secrets marked secret.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registrations: Registration[] = [];
/**
 * The inputs as the SDK puts them on the wire. The mocks' `newResource` sees them after the SDK's deserializer,
 * which lifts a nested secret to the whole top-level value; the engine keeps it nested, so assert on this.
 */
const wireInputs = new Map<string, Record<string, unknown>>();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
  MockMonitor: { prototype: { registerResource(req: WireRequest, callback: unknown): Promise<void> } };
};
interface WireRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): Record<string, unknown> };
}
const registerResource = MockMonitor.prototype.registerResource;
MockMonitor.prototype.registerResource = function (this: unknown, req: WireRequest, callback: unknown) {
  wireInputs.set(`${req.getType()}::${req.getName()}`, req.getObject().toJavaScript());
  return registerResource.call(this, req, callback);
};
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

const mocks: pulumi.runtime.Mocks = {
  newResource(args) {
    registrations.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
    return { id: `${args.name}-id`, state: { ...args.inputs, connectionId: `${args.name}-connection-id`, state: "enabled" } };
  },
  call(args) {
    return args.inputs;
  },
};
pulumi.runtime.setMocks(mocks, "components-test", "dev", false);

// Import after setMocks, as Pulumi's testing guide requires.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const components = require("../../components") as typeof import("../../components");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BaseConnection } = require("../../provider") as typeof import("../../provider");

function isSecret(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

function reveal(value: unknown): unknown {
  return isSecret(value) ? value.value : value;
}

async function settle(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

async function childOf(component: pulumi.ComponentResource & { connectionId: pulumi.Output<string> }, name: string): Promise<Registration> {
  await new Promise<void>((resolve) => component.connectionId.apply(() => resolve()));
  await settle();
  const children = registrations.filter((r) => r.type === "pulumi-nodejs:dynamic/aep:BaseConnection" && r.name === name);
  assert.equal(children.length, 1, `exactly one BaseConnection named ${name}`);
  return children[0]!;
}

/** The child's `auth` input as sent to the engine: only secret params are wrapped as secrets. */
function authOf(child: Registration): { specName: string; params: Record<string, unknown> } {
  const wire = wireInputs.get(`${child.type}::${child.name}`);
  assert.ok(wire, `wire inputs of ${child.name}`);
  const auth = wire["auth"] as { specName: string; params: Record<string, unknown> };
  assert.ok(!isSecret(auth), "auth itself stays plain so specName is known at preview");
  assert.ok(!isSecret(auth.params), "params stay plain so each one is checked on its own");
  return auth;
}

describe("source components (setMocks)", () => {
  // Again here: another spec file of the same mocha run (pipeline.spec.ts) may have installed its own mocks since.
  before(() => pulumi.runtime.setMocks(mocks, "components-test", "dev", false));

  it("SynapseConnection builds Adobe's connection string from a SQL login and keeps it secret", async () => {
    const c = new components.SynapseConnection("warehouse", {
      sqlLogin: { server: "acme.sql.azuresynapse.net", database: "SalesDW", user: "loader", password: pulumi.secret("p;w=\"d'") },
      description: "Sales warehouse",
    });
    const child = await childOf(c, "warehouse");
    assert.equal(registrations.find((r) => r.name === "warehouse" && r.type === "aep:azure:SynapseConnection")?.type, "aep:azure:SynapseConnection");
    assert.equal(child.inputs["source"], "synapse");
    assert.equal(child.inputs["name"], "warehouse", "displayName defaults to the resource name");
    assert.equal(child.inputs["description"], "Sales warehouse");
    const auth = authOf(child);
    assert.equal(auth.specName, "Connection String Based Authentication");
    assert.ok(isSecret(auth.params["connectionString"]));
    assert.equal(
      reveal(auth.params["connectionString"]),
      "Server=tcp:acme.sql.azuresynapse.net,1433;Database=SalesDW;User ID=loader;Password=\"p;w=\"\"d'\";" +
        "Trusted_Connection=False;Encrypt=True;Connection Timeout=30",
    );
  });

  it("SynapseConnection with a service principal maps servicePrincipalId/servicePrincipalSecret to Adobe's param names", async () => {
    const c = new components.SynapseConnection("warehouse-sp", {
      displayName: "Warehouse (SP)",
      servicePrincipal: {
        server: "acme.sql.azuresynapse.net",
        database: "SalesDW",
        tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        servicePrincipalId: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456",
        servicePrincipalSecret: "sp-secret-value",
      },
    });
    const child = await childOf(c, "warehouse-sp");
    assert.equal(child.inputs["name"], "Warehouse (SP)");
    const auth = authOf(child);
    assert.equal(auth.specName, "Service Principal Key Based Authentication");
    assert.deepEqual(Object.keys(auth.params).sort(), ["database", "server", "servicePrincipalId", "servicePrincipalKey", "tenant"]);
    assert.ok(isSecret(auth.params["servicePrincipalKey"]), "the key is a secret even when given as a plain string");
    assert.equal(reveal(auth.params["servicePrincipalKey"]), "sp-secret-value");
    assert.equal(auth.params["servicePrincipalId"], "e7b8c1f2-1234-4c9a-9f3e-abcdef123456");
    assert.ok(!isSecret(auth.params["server"]));
  });

  it("SynapseConnection: a service principal secret given as a Pulumi secret leaves the other params plain (preview --diff shows them)", async () => {
    const c = new components.SynapseConnection("warehouse-sp-secret", {
      servicePrincipal: {
        server: "acme.sql.azuresynapse.net",
        database: "SalesDW",
        tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        servicePrincipalId: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456",
        servicePrincipalSecret: pulumi.secret("sp-secret-value"),
      },
    });
    const auth = authOf(await childOf(c, "warehouse-sp-secret"));
    assert.ok(isSecret(auth.params["servicePrincipalKey"]));
    for (const plainParam of ["server", "database", "tenant", "servicePrincipalId"]) {
      assert.ok(!isSecret(auth.params[plainParam]), `${plainParam} is not a secret`);
    }
  });

  it("SqlServerConnection builds the five keys in Adobe's order with the trailing ';' and a named instance", async () => {
    const c = new components.SqlServerConnection("orders", {
      sqlLogin: { server: "db.contoso.com", instance: "SQLEXPRESS", database: "Orders", user: "aep", password: "s3cret" },
    });
    const auth = authOf(await childOf(c, "orders"));
    assert.equal(
      reveal(auth.params["connectionString"]),
      "Data Source=db.contoso.com\\SQLEXPRESS;Initial Catalog=Orders;Integrated Security=False;User ID=aep;Password=s3cret;",
    );
    assert.ok(isSecret(auth.params["connectionString"]));
  });

  it("AdlsGen2Connection derives the DFS URL from the account name and keeps only the key secret", async () => {
    const c = new components.AdlsGen2Connection("lake", {
      accountName: "acmelake",
      tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      servicePrincipalId: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456",
      servicePrincipalSecret: "lake-secret",
    });
    const auth = authOf(await childOf(c, "lake"));
    assert.equal(auth.specName, "Basic Authentication for adls-gen2");
    assert.equal(auth.params["url"], "https://acmelake.dfs.core.windows.net");
    assert.ok(isSecret(auth.params["servicePrincipalKey"]));
    assert.ok(!isSecret(auth.params["tenant"]));
  });

  it("AdlsGen2Connection accepts the endpoint Azure reports (trailing slash dropped)", () => {
    assert.equal(components.adlsGen2Url(undefined, "https://acmelake.dfs.core.windows.net/"), "https://acmelake.dfs.core.windows.net");
  });

  it("TableStorageConnection builds DefaultEndpointsProtocol=https;AccountName;AccountKey", async () => {
    // 88 base64 characters, like the keys Azure shows (the provider's own rule: a component cannot build a value it refuses).
    const key = "EfvHzs8M73UZ1rmzprXcE97xFZv6aVo0AeL+dOo1Sw9xhDCLG4F+IaInX8fkSX0TnjAWgo0OwR0UlFSImWi0+w==";
    const c = new components.TableStorageConnection("tables", { accountKey: { accountName: "acmetables", accountKey: key } });
    const auth = authOf(await childOf(c, "tables"));
    assert.equal(reveal(auth.params["connectionString"]), `DefaultEndpointsProtocol=https;AccountName=acmetables;AccountKey=${key}`);
    assert.ok(isSecret(auth.params["connectionString"]));
  });

  it("DatabricksConnection adds https:// to a bare workspace host and passes catalog only when given", async () => {
    const c = new components.DatabricksConnection("bricks", {
      workspaceUrl: "adb-1234567890123456.7.azuredatabricks.net",
      clusterId: "0923-164208-abcd1234",
      accessToken: "dapi0123456789abcdef0123456789abcdef",
      database: "acme_db",
    });
    const auth = authOf(await childOf(c, "bricks"));
    assert.equal(auth.specName, "Access Token Authentication");
    assert.equal(auth.params["domain"], "https://adb-1234567890123456.7.azuredatabricks.net");
    assert.ok(!("catalog" in auth.params));
    assert.ok(isSecret(auth.params["accessToken"]));
  });

  it("refuses a component without exactly one auth mode, naming the arguments, as a ResourceError without stack", () => {
    // What untyped JavaScript can pass; TypeScript refuses both (see the @ts-expect-error lines below).
    const untyped = <T>(args: object) => args as unknown as T;
    assert.throws(
      () => new components.SynapseConnection("none", untyped({})),
      (e: Error) =>
        pulumi.ResourceError.isInstance(e) &&
        (e as pulumi.ResourceError).hideStack === true &&
        e.message === "sqlLogin, connectionString, servicePrincipal: SynapseConnection needs exactly one of sqlLogin, connectionString, servicePrincipal; none was given",
    );
    assert.throws(
      () => new components.TableStorageConnection("two", untyped({ connectionString: "x", accountKey: { accountName: "a", accountKey: "b" } })),
      /^Error: accountKey, connectionString: TableStorageConnection needs exactly one of accountKey, connectionString; got 2$/,
    );
  });

  it("rules out two auth modes at once in the types", () => {
    const login = { server: "s.database.windows.net", database: "d", user: "u", password: "p" };
    const typeOnly = (build: () => unknown) => build;
    // @ts-expect-error sqlLogin and connectionString are exclusive
    typeOnly(() => new components.SqlServerConnection("x", { sqlLogin: login, connectionString: "Data Source=s;" }));
    // @ts-expect-error accountName and url are exclusive
    typeOnly(() => new components.AdlsGen2Connection("x", { accountName: "a", url: "https://a.dfs.core.windows.net", tenant: "t", servicePrincipalId: "i", servicePrincipalSecret: "s" }));
    // @ts-expect-error an auth spec name is one of the source's, not any string
    typeOnly(() => new BaseConnection("x", { source: "sql-server", name: "n", auth: { specName: "Connection String Authentication", params: { connectionString: "x" } } }));
  });

  it("names the argument the user wrote: a misspelling, a renamed argument, a bad part of a login", () => {
    const untyped = <T>(args: object) => args as unknown as T;
    const principal = { tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47", servicePrincipalId: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456" };
    assert.throws(
      () => new components.AdlsGen2Connection("typo", untyped({ accountName: "acmelake", ...principal, servicePrincipalSecert: "s" })),
      // One line: "servicePrincipalSecret: required" would only repeat the misspelling.
      (e: Error) => e.message.startsWith('servicePrincipalSecert: unknown argument of AdlsGen2Connection (did you mean "servicePrincipalSecret"?)') && !e.message.includes("\n"),
    );
    assert.throws(
      () => new components.AdlsGen2Connection("old", untyped({ accountName: "acmelake", ...principal, clientSecret: "s" })),
      (e: Error) =>
        e.message === 'clientSecret: was renamed "servicePrincipalSecret" in pulumi-aep-azure 0.2.0\nservicePrincipalSecret: required; expected the application\'s client secret',
    );
    assert.throws(
      () => new components.AdlsGen2Connection("missing", untyped({ accountName: "acmelake", ...principal })),
      (e: Error) => e.message.startsWith("servicePrincipalSecret: required; expected"),
    );
    assert.throws(
      () => new components.AdlsGen2Connection("caps", { accountName: "AcmeLake", ...principal, servicePrincipalSecret: "s" }),
      (e: Error) => e.message.startsWith("accountName: is not a storage account name (3-24 lowercase letters and digits)"),
    );
    // The provider's rule for instance names, not a looser one of the component's own.
    assert.throws(
      () => new components.SqlServerConnection("inst", { sqlLogin: { server: "db.contoso.com", instance: "my-inst", database: "d", user: "u", password: "p" } }),
      (e: Error) => e.message.startsWith("sqlLogin.instance: is not a valid instance name"),
    );
    assert.throws(
      () => new components.SynapseConnection("pw", { sqlLogin: { server: "acme.sql.azuresynapse.net", database: "d", user: "u", password: "bad\npassword" } }),
      (e: Error) => e.message.startsWith("sqlLogin.password: contains a control character") && !e.message.includes("bad"),
    );
  });
});

describe("connection string builders", () => {
  it("quote ADO.NET values that hold ';', '=' or quotes, and refuse control characters naming the field", () => {
    assert.equal(
      components.sqlServerConnectionString({ server: "s", database: "d", user: "u", password: "a;b" }),
      'Data Source=s;Initial Catalog=d;Integrated Security=False;User ID=u;Password="a;b";',
    );
    assert.equal(
      components.sqlServerConnectionString({ server: "s", database: "d", user: "u", password: `x"y'z` }),
      'Data Source=s;Initial Catalog=d;Integrated Security=False;User ID=u;Password="x""y\'z";',
    );
    assert.throws(
      () => components.sqlServerConnectionString({ server: "s", database: "d", user: "u", password: "a\nb" }),
      (e: Error) => e.message.startsWith("sqlLogin.password:") && !e.message.includes("a\nb"),
    );
    assert.throws(
      () => components.synapseConnectionString({ server: "https://x.sql.azuresynapse.net", database: "d", user: "u", password: "p" }),
      /sqlLogin\.server: must be a host name only, without a scheme such as https:\/\/; expected the SQL endpoint host name/,
    );
  });

  it("refuse Azure Storage values that cannot be written unquoted", () => {
    assert.throws(() => components.tableStorageConnectionString({ accountName: "Bad_Name", accountKey: "abc=" }), /accountKey\.accountName/);
    assert.throws(
      () => components.tableStorageConnectionString({ accountName: "good", accountKey: "ab;c" }),
      (e: Error) => e.message.startsWith("accountKey.accountKey: is not a base64 access key") && !e.message.includes("ab;c"),
    );
  });

  it("refuse a Databricks URL with a path or plain http", () => {
    assert.throws(() => components.databricksDomain("http://adb-1.2.azuredatabricks.net"), /workspaceUrl/);
    assert.throws(() => components.databricksDomain("https://adb-1.2.azuredatabricks.net/o/1"), /workspaceUrl/);
    assert.equal(components.databricksDomain("https://adb-1.2.azuredatabricks.net/"), "https://adb-1.2.azuredatabricks.net");
  });
});

describe("what the components build passes the provider's own validation", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validateBaseConnectionInputs } = require("../../provider/base-connection/inputs") as typeof import("../../provider/base-connection/inputs");
  const cases: [string, string, Record<string, unknown>][] = [
    ["synapse", "Connection String Based Authentication", {
      connectionString: components.synapseConnectionString({ server: "acme.sql.azuresynapse.net", database: "SalesDW", user: "loader", password: `p;w="d'=x` }),
    }],
    ["sql-server", "Connection String Based Authentication", {
      connectionString: components.sqlServerConnectionString({ server: "acme.database.windows.net", port: 1433, database: "Orders", user: "aep", password: "a;b=c\"d" }),
    }],
    ["table-storage", "Connection String Based Authentication", {
      connectionString: components.tableStorageConnectionString({ accountName: "acmetables", accountKey: "EfvHzs8M73UZ1rmzprXcE97xFZv6aVo0AeL+dOo1Sw9xhDCLG4F+IaInX8fkSX0TnjAWgo0OwR0UlFSImWi0+w==" }),
    }],
    ["adls-gen2", "Basic Authentication for adls-gen2", {
      url: components.adlsGen2Url("acmelake", undefined),
      servicePrincipalId: "e7b8c1f2-1234-4c9a-9f3e-abcdef123456",
      servicePrincipalKey: "k",
      tenant: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    }],
    ["databricks", "Access Token Authentication", {
      domain: components.databricksDomain("adb-1234567890123456.7.azuredatabricks.net"),
      clusterId: "0923-164208-abcd1234",
      accessToken: "dapi0123456789abcdef0123456789abcdef",
      database: "acme_db",
    }],
  ];
  for (const [source, specName, params] of cases) {
    it(`${source}: ${specName}`, () => {
      const { failures } = validateBaseConnectionInputs({ source, name: "n", auth: { specName, params } });
      assert.deepEqual(failures, []);
    });
  }
});

/**
 * Explore, for a Pulumi program: what a base connection can read (`GET /connections/{id}/explore`), called while the
 * program runs. Pulumi's "get" functions (invokes) are not available to dynamic providers, so these are plain
 * functions that return Outputs. They call AEP only once the connection id is known: a preview of a new stack, where
 * the connection does not exist yet, sends nothing and needs no AEP settings; the values are unknown there, as any
 * output of a resource not yet created is.
 *
 * Settings are the provider's (`aep:clientId`, `aep:clientSecret`, `aep:orgId`, … or the `AEP_*` variables), read
 * from the program's stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProviderSession } from "../provider/shared/session";
import { runOperation } from "../provider/shared/operation";
import type { ExploreColumn, ExploreFileOptions, ExploreItem, MappingInput } from "../provider/flow-service";

/** Which connection to explore. */
export interface ExploreTarget {
  /** Id of the base connection, e.g. a component's `connectionId` output. */
  connectionId: pulumi.Input<string>;
  /** Sandbox of the connection. @default config `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod` */
  sandboxName?: pulumi.Input<string>;
  /** Deadline of the whole call, retries included, as a duration such as `"90s"`. @default "2m" */
  timeout?: pulumi.Input<string>;
}

let session: ProviderSession | undefined;

/** One session per program process: the token and sockets are shared by every explore call of the run. */
function programSession(): ProviderSession {
  if (session === undefined) {
    session = new ProviderSession();
    // The raw accessor: `new pulumi.Config().get` warns on every read of a secret key such as aep:clientSecret.
    session.configure({ get: (key) => pulumi.runtime.getConfig(key) });
  }
  return session;
}

/** Runs one explore call once every input is known, within its deadline; secrets stay out of its errors. */
function explore<A extends Record<string, unknown>, T>(
  target: ExploreTarget,
  extra: A,
  what: (connectionId: string, args: pulumi.Unwrap<A>) => string,
  call: (connectionId: string, args: pulumi.Unwrap<A>, options: { sandboxName: string; signal?: AbortSignal }) => Promise<T>,
): pulumi.Output<T> {
  return pulumi.all([target.connectionId, target.sandboxName, target.timeout, extra]).apply(([connectionId, sandboxName, timeout, args]) => {
    const current = programSession();
    const sandbox = sandboxName ?? current.defaultSandbox();
    const timeouts = timeout === undefined ? undefined : { read: timeout };
    return runOperation("read", timeouts, what(connectionId, args as pulumi.Unwrap<A>), "Nothing was changed; run the command again.", sandbox, [], (options) =>
      call(connectionId, args as pulumi.Unwrap<A>, options),
    ) as Promise<pulumi.Unwrap<T>>;
  }) as pulumi.Output<T>;
}

/**
 * The tables a table source's connection (Synapse, SQL Server, Table Storage, Databricks) can read. An item's `path`
 * is what a pipeline's `table` takes.
 */
export function exploreTables(target: ExploreTarget): pulumi.Output<ExploreItem[]> {
  return explore(target, {}, (id) => `explore tables of base connection ${id}`, (id, _args, options) => programSession().flowService().exploreRoot(id, options));
}

/** The files and folders of an ADLS Gen2 connection at `path` (its root when absent). */
export function exploreFolder(target: ExploreTarget & { path?: pulumi.Input<string> }): pulumi.Output<ExploreItem[]> {
  return explore(
    target,
    { path: target.path },
    (id, args) => `explore folder ${args.path ?? "/"} of base connection ${id}`,
    (id, args, options) =>
      args.path === undefined || args.path === "/" ? programSession().flowService().exploreRoot(id, options) : programSession().flowService().exploreFolder(id, args.path, options),
  );
}

/** The columns of a table (its explore `path`), in the shape a source connection's columns take. */
export function exploreTableColumns(target: ExploreTarget & { table: pulumi.Input<string> }): pulumi.Output<ExploreColumn[]> {
  return explore(
    target,
    { table: target.table },
    (id, args) => `explore table ${args.table} of base connection ${id}`,
    async (id, args, options) => (await programSession().flowService().exploreTable(id, args.table, {}, options)).columns,
  );
}

/** The columns AEP infers for a file of an ADLS Gen2 connection. */
export function exploreFileColumns(
  target: ExploreTarget & { path: pulumi.Input<string>; format?: pulumi.Input<Omit<ExploreFileOptions, "preview" | "determineProperties">> },
): pulumi.Output<ExploreColumn[]> {
  return explore(
    target,
    { path: target.path, format: target.format },
    (id, args) => `explore file ${args.path} of base connection ${id}`,
    async (id, args, options) => (await programSession().flowService().exploreFile(id, args.path, { ...(args.format ?? {}), preview: true }, options)).columns,
  );
}

/** How {@link defaultMappings} names the XDM destinations. */
export interface DefaultMappingOptions {
  /**
   * XDM path under which every column lands, usually the tenant's field group, e.g. `"_acme"`: column `customer_id`
   * maps to `_acme.customerId`.
   */
  destinationPrefix: string;
  /** Explicit destinations by column name (full XDM paths); they win over the derived ones. @default none */
  destinations?: Record<string, string>;
  /** Columns to leave unmapped. @default none */
  exclude?: readonly string[];
}

/** `customer_id`, `customer-id`, `Customer ID` → `customerId`. */
function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  return words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
}

/**
 * A mapping of every column to `<destinationPrefix>.<camelCased column>`, for a MappingSet or a pipeline. Works on
 * known columns (a list written out) and on an explore Output alike.
 */
export function defaultMappings(columns: pulumi.Input<readonly Pick<ExploreColumn, "name">[]>, options: DefaultMappingOptions): pulumi.Output<MappingInput[]> {
  return pulumi.output(columns).apply((known) =>
    known
      .filter((c) => !(options.exclude ?? []).includes(c.name))
      .map((c) => ({
        sourceType: "ATTRIBUTE" as const,
        source: c.name,
        destination: options.destinations?.[c.name] ?? `${options.destinationPrefix}.${camelCase(c.name)}`,
      })),
  ) as pulumi.Output<MappingInput[]>;
}

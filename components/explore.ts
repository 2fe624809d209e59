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
import { suggestion } from "../provider/shared/check";
import { errorText, runOperation } from "../provider/shared/operation";
import { timeoutsFailures } from "../provider/shared/timeouts";
import { withFixedMessage } from "./arguments";
import type { ExploreColumn, ExploreFileOptions, ExploreItem, MappingInput } from "../provider/flow-service";
import type { CompressionType, FileEncoding, FileFormat } from "../provider/sources";

/** Which connection to explore. */
export interface ExploreTarget {
  /**
   * Id of the base connection, e.g. a component's `connectionId` output. Nothing is called until it is known: in a
   * preview of a connection not created yet, the result is unknown.
   */
  connectionId: pulumi.Input<string>;
  /** Sandbox of the connection. @default config `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod` */
  sandboxName?: pulumi.Input<string>;
  /** Deadline of the whole call, retries included, as a duration such as `"90s"`. @default "2m" */
  timeout?: pulumi.Input<string>;
}

/** A folder of an ADLS Gen2 connection, for {@link exploreFolder}. */
export interface ExploreFolderTarget extends ExploreTarget {
  /** The folder, as explore lists it, e.g. `/acme-customers`. @default the root: the containers of the account */
  path?: pulumi.Input<string>;
}

/** A table of a table source's connection, for {@link exploreTableColumns}. */
export interface ExploreTableTarget extends ExploreTarget {
  /** The table's path as {@link exploreTables} lists it, e.g. `dbo.orders`. */
  table: pulumi.Input<string>;
}

/**
 * A file of an ADLS Gen2 connection and how it is written, for {@link exploreFileColumns}: the same arguments as a
 * pipeline of it takes, so one object can serve both.
 */
export interface ExploreFileTarget extends ExploreTarget {
  /** The file, as explore lists it, e.g. `/acme-customers/customers.csv`. */
  path: pulumi.Input<string>;
  /** How the file is written (explore's `fileType`). */
  format: pulumi.Input<FileFormat>;
  /** One character between the columns of a delimited file. @default "," */
  columnDelimiter?: pulumi.Input<string>;
  /** Encoding of a delimited file. @default "UTF-8" */
  encoding?: pulumi.Input<FileEncoding>;
  /** Compression of a delimited or JSON file; required to read a compressed one. @default none */
  compressionType?: pulumi.Input<CompressionType>;
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

/**
 * A failure of one of these functions as the program reports it: `<function>: <why>`, once, without a stack trace and
 * without the SDK's `error serializing property "…"` prefixes of the resources that were waiting for the result.
 */
function functionFailure(fn: string, reason: string): pulumi.RunError {
  return withFixedMessage(new pulumi.RunError(`${fn}: ${reason}`));
}

/**
 * Runs explore call `fn` once every input is known, within its deadline; secrets stay out of its errors, and a
 * failure (a bad `timeout`, missing AEP settings, an object the connection does not have) fails the program with one
 * message naming `fn`.
 */
function explore<A extends Record<string, unknown>, T>(
  fn: string,
  target: ExploreTarget,
  extra: A,
  what: (connectionId: string, args: pulumi.Unwrap<A>) => string,
  call: (connectionId: string, args: pulumi.Unwrap<A>, options: { sandboxName: string; signal?: AbortSignal }) => Promise<T>,
): pulumi.Output<T> {
  return pulumi.all([target.connectionId, target.sandboxName, target.timeout, extra]).apply(async ([connectionId, sandboxName, timeout, args]) => {
    const timeouts = timeout === undefined ? undefined : { read: timeout };
    const [badTimeout] = timeoutsFailures(timeouts);
    if (badTimeout !== undefined) throw functionFailure(fn, `timeout: ${badTimeout.reason}`);
    try {
      const current = programSession();
      const sandbox = sandboxName ?? current.defaultSandbox();
      return (await runOperation("read", timeouts, what(connectionId, args as pulumi.Unwrap<A>), "Nothing was changed; run the command again.", sandbox, [], (options) =>
        call(connectionId, args as pulumi.Unwrap<A>, options),
      )) as pulumi.Unwrap<T>;
    } catch (error) {
      throw functionFailure(fn, errorText(error));
    }
  }) as pulumi.Output<T>;
}

/**
 * The tables a table source's connection (Synapse, SQL Server, Table Storage, Databricks) can read. An item's `path`
 * is what a pipeline's `table` takes. Unknown until the connection exists (a preview of a new stack); a failure
 * fails the program with one message naming the function.
 *
 * ```ts
 * export const tables = exploreTables({ connectionId: sqlServer.connectionId }).apply((items) => items.map((t) => t.path));
 * ```
 */
export function exploreTables(target: ExploreTarget): pulumi.Output<ExploreItem[]> {
  return explore("exploreTables", target, {}, (id) => `explore tables of base connection ${id}`, (id, _args, options) => programSession().flowService().exploreRoot(id, options));
}

/**
 * The files and folders of an ADLS Gen2 connection directly inside `path` (the root when absent): items of type
 * `file` or `folder`, whose `path` a pipeline's `path` takes. Unknown until the connection exists.
 */
export function exploreFolder(target: ExploreFolderTarget): pulumi.Output<ExploreItem[]> {
  return explore(
    "exploreFolder",
    target,
    { path: target.path },
    (id, args) => `explore folder ${args.path ?? "/"} of base connection ${id}`,
    (id, args, options) =>
      args.path === undefined || args.path === "/" ? programSession().flowService().exploreRoot(id, options) : programSession().flowService().exploreFolder(id, args.path, options),
  );
}

/**
 * The columns of a table (its path as {@link exploreTables} lists it), in the shape a pipeline's `columns` and
 * {@link defaultMappings} take. Unknown until the connection exists.
 */
export function exploreTableColumns(target: ExploreTableTarget): pulumi.Output<ExploreColumn[]> {
  return explore(
    "exploreTableColumns",
    target,
    { table: target.table },
    (id, args) => `explore table ${args.table} of base connection ${id}`,
    async (id, args, options) => (await programSession().flowService().exploreTable(id, args.table, {}, options)).columns,
  );
}

/**
 * The columns AEP infers for a file of an ADLS Gen2 connection, read with the format options given, in the shape
 * {@link defaultMappings} takes. Unknown until the connection exists.
 */
export function exploreFileColumns(target: ExploreFileTarget): pulumi.Output<ExploreColumn[]> {
  const file = { path: target.path, format: target.format, columnDelimiter: target.columnDelimiter, encoding: target.encoding, compressionType: target.compressionType };
  return explore(
    "exploreFileColumns",
    target,
    file,
    (id, args) => `explore file ${args.path} of base connection ${id}`,
    async (id, args, options) => {
      const read: ExploreFileOptions = { fileType: args.format, preview: true };
      if (args.columnDelimiter !== undefined) read.columnDelimiter = args.columnDelimiter;
      if (args.encoding !== undefined) read.encoding = args.encoding;
      if (args.compressionType !== undefined) read.compressionType = args.compressionType;
      return (await programSession().flowService().exploreFile(id, args.path, read, options)).columns;
    },
  );
}

/** How {@link defaultMappings} names the XDM destinations. */
export interface DefaultMappingOptions {
  /**
   * XDM path under which every column lands, usually the tenant's field group, e.g. `"_acme"`: column `customer_id`
   * maps to `_acme.customerId`.
   */
  destinationPrefix: string;
  /**
   * Explicit destinations by column name (full XDM paths); they win over the derived ones. Each must name one of the
   * columns. @default none
   */
  destinations?: Readonly<Record<string, string>>;
  /** Columns to leave unmapped; each must name one of the columns. @default none */
  exclude?: readonly string[];
}

/** A column name's words: `customer_id`, `customer-id`, `Customer ID` are `customer`, `id`. */
function camelCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== "");
  // An all-capitals word is an acronym written as a word: `Customer ID` → `customerId`, `ID` → `id`.
  const plain = words.map((word) => (/^[A-Z0-9]+$/.test(word) ? word.toLowerCase() : word));
  return plain.map((word, i) => (i === 0 ? word.charAt(0).toLowerCase() : word.charAt(0).toUpperCase()) + word.slice(1)).join("");
}

/**
 * A mapping of every column to `<destinationPrefix>.<camelCased column>` (`customer_id`, `customer-id` and
 * `Customer ID` all map to `<destinationPrefix>.customerId`), for a MappingSet or a pipeline. Works on known columns
 * (a list written out) and on an explore Output alike. A column named in `destinations` or `exclude` that is not
 * among the columns fails the program, naming it: a misspelt exclusion would otherwise map the column silently.
 */
export function defaultMappings(columns: pulumi.Input<readonly Pick<ExploreColumn, "name">[]>, options: DefaultMappingOptions): pulumi.Output<MappingInput[]> {
  return pulumi.output(columns).apply((known) => {
    const names = known.map((column) => column.name);
    const named = [...Object.keys(options.destinations ?? {}).map((name) => ["destinations", name]), ...(options.exclude ?? []).map((name) => ["exclude", name])];
    for (const [option, name] of named) {
      if (!names.includes(name!)) {
        throw functionFailure("defaultMappings", `${option}: names no column: ${JSON.stringify(name)}${suggestion(name!, names)}; the columns are ${names.join(", ")}`);
      }
    }
    return known
      .filter((column) => !(options.exclude ?? []).includes(column.name))
      .map((column) => ({
        sourceType: "ATTRIBUTE" as const,
        source: column.name,
        destination: options.destinations?.[column.name] ?? `${options.destinationPrefix}.${camelCase(column.name)}`,
      }));
  }) as pulumi.Output<MappingInput[]>;
}

/**
 * The base connection provider that runs inside Pulumi's dynamic-provider host process.
 *
 * The program never serializes this module: the engine stores only the small shim of
 * serialized-provider.ts, which loads this file by package name (`pulumi-aep-azure/provider-implementation`)
 * when the host starts. So the HTTP client, token cache and keep-alive sockets live here, once per host
 * process, and refresh or destroy of old state runs the installed version of this code.
 *
 * Engine call → Flow Service:
 * - check, diff: validation and comparison only, never an HTTP request;
 * - create: POST /connections (or, with `adopt`, GET + PATCH an existing one), then GET;
 * - read (refresh): GET; 404 reports the resource gone;
 * - update: PATCH with If-Match (412: re-read and retry once), then GET;
 * - delete: DELETE; 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  FlowServiceClient,
  FlowServiceConfigError,
  FlowServiceError,
  resolveSettings,
  type Connection,
  type FlowServiceClientOptions,
  type FlowServiceSettings,
  type JsonPatchOperation,
} from "./flow-service";
import { isSourceKey, sources } from "./sources";
import {
  parseStoredOutputs,
  SECRET_OUTPUT,
  splitParams,
  toOutputs,
  type BaseConnectionOutputs,
  type KnownBaseConnectionInputs,
  type StoredOutputs,
} from "./state";
import { secretParamNames, UNKNOWN, validateBaseConnectionInputs, type BaseConnectionInputs } from "./validation";

/** The part of the host's config object the provider uses (`req.config` in configure). */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/** Where each client setting comes from: stack config key first, then environment variable. */
export const SETTING_SOURCES: Record<keyof FlowServiceSettings, { config: string; env: string }> = {
  clientId: { config: "aep:clientId", env: "AEP_CLIENT_ID" },
  clientSecret: { config: "aep:clientSecret", env: "AEP_CLIENT_SECRET" },
  orgId: { config: "aep:orgId", env: "AEP_ORG_ID" },
  sandboxName: { config: "aep:sandboxName", env: "AEP_SANDBOX_NAME" },
  scopes: { config: "aep:scopes", env: "AEP_SCOPES" },
  platformUrl: { config: "aep:platformUrl", env: "AEP_PLATFORM_URL" },
  imsUrl: { config: "aep:imsUrl", env: "AEP_IMS_URL" },
};

const DEFAULT_SANDBOX = "prod";

/**
 * Transport tuning, read from the provider host's environment; unset or empty keeps the client's defaults.
 * - `AEP_HTTP_TIMEOUT_MS`: how long one request may wait for response headers, and between body chunks
 *   (client options `headersTimeoutMs`/`bodyTimeoutMs`, default 30 000). A timed-out request counts as a lost
 *   response: retried if idempotent, looked up by name before a create is sent again.
 * - `AEP_RETRY_BASE_MS`: backoff cap of the first retry, doubling on each further one (client `retry.baseDelayMs`,
 *   default 500). `Retry-After` is honoured whatever its value.
 * Meant for tests and unusual networks; the defaults suit Adobe's API.
 */
export function transportOptionsFromEnv(env: NodeJS.ProcessEnv): FlowServiceClientOptions {
  const read = (name: string, min: number): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === "") return undefined;
    if (!/^\d+$/.test(raw) || Number(raw) < min) {
      throw new Error(`${name} must be a whole number of milliseconds, at least ${min} (got ${JSON.stringify(raw)}).`);
    }
    return Number(raw);
  };
  const options: FlowServiceClientOptions = {};
  const timeoutMs = read("AEP_HTTP_TIMEOUT_MS", 1);
  if (timeoutMs !== undefined) {
    options.headersTimeoutMs = timeoutMs;
    options.bodyTimeoutMs = timeoutMs;
  }
  const retryBaseMs = read("AEP_RETRY_BASE_MS", 0);
  if (retryBaseMs !== undefined) options.retry = { baseDelayMs: retryBaseMs };
  return options;
}

/**
 * Thrown when AEP holds a connection but the operation could not finish (the follow-up GET failed, or the
 * connection test reported false). The host turns an error with an `id` into `ErrorResourceInitFailed`, so
 * the engine records the connection instead of forgetting it; the next `pulumi up` updates it in place.
 */
export class ConnectionInitError extends Error {
  override readonly name = "ConnectionInitError";
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Record<string, unknown>,
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}

/** Thrown by create/update when inputs that passed `check` are invalid after all (e.g. once unknowns resolved). */
export class InvalidInputsError extends Error {
  override readonly name = "InvalidInputsError";
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Drops `undefined` values: the host cannot marshal them (pulumi/pulumi#3012). */
function plain<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Same keys with the same values. A missing stored record never equals: `undefined` is "not recorded". */
function sameRecord(stored: Record<string, unknown> | undefined, declared: Record<string, unknown>): boolean {
  if (stored === undefined) return false;
  const keys = new Set([...Object.keys(stored), ...Object.keys(declared)]);
  return [...keys].every((key) => stored[key] === declared[key]);
}

function hasUnknown(value: unknown): boolean {
  if (value === UNKNOWN) {
    return true;
  }
  if (value !== null && typeof value === "object") {
    return Object.values(value as Record<string, unknown>).some(hasUnknown);
  }
  return false;
}

/**
 * Whether the declared auth differs from state: params not known yet (preview) count as changed; otherwise both the
 * non-secret params (as AEP last reported them) and the secret ones (as last declared) must be equal.
 */
function authChanged(olds: StoredOutputs, inputs: BaseConnectionInputs): boolean {
  const params = inputs.auth.params;
  if (typeof params !== "object" || hasUnknown(params)) {
    return true;
  }
  const { publicParams, secretParams } = splitParams({ source: inputs.source, auth: { specName: inputs.auth.specName, params } });
  return !sameRecord(olds.authParams, publicParams) || !sameRecord(olds.secretAuthParams, secretParams);
}

/** The JSON Patch operations that take the stored connection to the declared inputs. */
function patchOperations(olds: StoredOutputs, inputs: KnownBaseConnectionInputs): JsonPatchOperation[] {
  const operations: JsonPatchOperation[] = [];
  if (inputs.name !== olds.name) {
    operations.push({ op: "replace", path: "/name", value: inputs.name });
  }
  if ((inputs.description || undefined) !== (olds.description || undefined)) {
    operations.push(
      !inputs.description
        ? { op: "remove", path: "/description" }
        : { op: "add", path: "/description", value: inputs.description },
    );
  }
  if (authChanged(olds, inputs)) {
    // `/auth/params` is replaced whole, so every param is sent, unchanged secrets included.
    operations.push({ op: "replace", path: "/auth/params", value: inputs.auth.params });
  }
  return operations;
}

/** Implements `pulumi.dynamic.ResourceProvider` for `BaseConnection`. One instance per host process. */
export class BaseConnectionProvider {
  private config: ProviderConfig | undefined;
  private client: FlowServiceClient | undefined;

  /** Called by the host once per distinct serialized provider, with the whole (namespaced) stack config. */
  configure(request: { config: ProviderConfig }): void {
    this.config = request.config;
    this.client = undefined;
  }

  async check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
    const { failures, inputs } = validateBaseConnectionInputs(news);
    if (failures.length > 0 || !inputs) {
      return { inputs: news, failures };
    }
    return { inputs: plain(inputs) };
  }

  async diff(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult> {
    const olds = parseStoredOutputs(oldOutputs, id);
    const { inputs } = validateBaseConnectionInputs(news);
    if (!inputs) {
      // check reports the failures; an update would refuse these inputs before any request.
      return { changes: true };
    }
    const replaces: string[] = [];
    if (olds.source !== undefined && inputs.source !== olds.source) {
      replaces.push("source");
    }
    if (olds.authSpecName !== undefined && inputs.auth.specName !== olds.authSpecName) {
      replaces.push("auth.specName");
    }
    if (olds.sandboxName !== undefined && this.sandboxOf(inputs) !== olds.sandboxName) {
      replaces.push("sandboxName");
    }
    const changes =
      replaces.length > 0 ||
      inputs.name !== olds.name ||
      (inputs.description || undefined) !== (olds.description || undefined) ||
      inputs.verify !== (olds.verify ?? false) ||
      authChanged(olds, inputs);
    return { changes, replaces, deleteBeforeReplace: false };
  }

  async create(news: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult> {
    const inputs = this.validInputs(news);
    const client = this.connect();
    const sandboxName = this.sandboxOf(inputs);
    if (inputs.adopt) {
      return this.adopt(client, inputs.adopt, inputs, sandboxName, news);
    }
    const source = sources[inputs.source];
    const created = await client.createConnection(
      {
        name: inputs.name,
        ...(inputs.description !== undefined ? { description: inputs.description } : {}),
        auth: { specName: inputs.auth.specName, params: inputs.auth.params },
        connectionSpec: { id: source.connectionSpec.id, version: source.connectionSpec.version },
      },
      { sandboxName },
    );
    // From here on AEP holds the connection: every failure must carry its id.
    const fallback: Connection = {
      id: created.id,
      etag: created.etag,
      name: inputs.name,
      description: inputs.description,
      connectionSpec: { id: source.connectionSpec.id },
    };
    const outs = await this.finish(client, created.id, inputs, sandboxName, fallback, news);
    return { id: created.id, outs };
  }

  async read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult> {
    const olds = parseStoredOutputs(props, id);
    const sandboxName = olds.sandboxName ?? this.defaultSandbox();
    const connection = await this.connect().getConnection(id, { sandboxName });
    if (!connection) {
      // An empty id tells the engine the connection is gone; the next `pulumi up` creates it again.
      return { id: "", props: {} };
    }
    return { id, props: plain(this.refreshedOutputs(olds, connection, sandboxName)) };
  }

  async update(id: string, oldOutputs: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult> {
    const olds = parseStoredOutputs(oldOutputs, id);
    const inputs = this.validInputs(news);
    const client = this.connect();
    const sandboxName = olds.sandboxName ?? this.sandboxOf(inputs);
    const operations = patchOperations(olds, inputs);
    let etag = olds.etag ?? "";
    if (operations.length > 0) {
      etag = (await this.patch(client, id, etag, operations, sandboxName)).etag;
    }
    const fallback: Connection = {
      id,
      etag,
      name: inputs.name,
      description: inputs.description,
      connectionSpec: { id: olds.connectionSpecId ?? sources[inputs.source].connectionSpec.id },
    };
    const outs = await this.finish(client, id, inputs, sandboxName, fallback, news);
    return { outs };
  }

  async delete(id: string, props: Record<string, unknown>): Promise<void> {
    const olds = parseStoredOutputs(props, id);
    const sandboxName = olds.sandboxName ?? this.defaultSandbox();
    try {
      await this.connect().deleteConnection(id, { sandboxName });
    } catch (error) {
      if (FlowServiceError.isInstance(error) && error.code === "1418") {
        throw new Error(
          `Cannot delete base connection ${id} ("${olds.name ?? id}") in sandbox "${sandboxName}": ` +
            `it is used by one or more dataflows (Flow Service FLOW-1418-400). Delete those dataflows ` +
            `first, then run this command again.` +
            (error.requestId ? ` (request id ${error.requestId})` : ""),
        );
      }
      throw error;
    }
  }

  /** Take over an existing connection: check it, then PATCH it to the declared state. */
  private async adopt(
    client: FlowServiceClient,
    connectionId: string,
    inputs: KnownBaseConnectionInputs,
    sandboxName: string,
    news: Record<string, unknown>,
  ): Promise<pulumi.dynamic.CreateResult> {
    const existing = await client.getConnection(connectionId, { sandboxName });
    const source = sources[inputs.source];
    if (!existing) {
      throw new Error(
        `adopt: base connection ${connectionId} does not exist in sandbox "${sandboxName}". ` +
          `Check the id and the sandbox, or remove adopt to create a new connection.`,
      );
    }
    if (existing.connectionSpec.id !== source.connectionSpec.id) {
      throw new Error(
        `adopt: base connection ${connectionId} uses connection spec ${existing.connectionSpec.id}, ` +
          `but source "${inputs.source}" (${source.title}) is ${source.connectionSpec.id}.`,
      );
    }
    if (existing.auth?.specName !== undefined && existing.auth.specName !== inputs.auth.specName) {
      throw new Error(
        `adopt: base connection ${connectionId} uses auth spec "${existing.auth.specName}", but ` +
          `auth.specName is "${inputs.auth.specName}". The auth spec of a connection cannot be changed.`,
      );
    }
    const operations: JsonPatchOperation[] = [
      { op: "replace", path: "/name", value: inputs.name },
      ...(inputs.description ? [{ op: "add" as const, path: "/description", value: inputs.description }] : []),
      { op: "replace", path: "/auth/params", value: inputs.auth.params },
    ];
    const patched = await this.patch(client, connectionId, existing.etag, operations, sandboxName);
    const fallback: Connection = { ...existing, etag: patched.etag, name: inputs.name, description: inputs.description };
    const outs = await this.finish(client, connectionId, inputs, sandboxName, fallback, news);
    return { id: connectionId, outs };
  }

  /**
   * PATCH with If-Match. A 412 means someone changed the connection since we read it: re-read once and
   * apply the same operations on the fresh etag; a second 412 becomes a clear error.
   */
  private async patch(
    client: FlowServiceClient,
    id: string,
    etag: string,
    operations: JsonPatchOperation[],
    sandboxName: string,
  ): Promise<{ etag: string }> {
    try {
      return await client.updateConnection(id, etag, operations, { sandboxName });
    } catch (error) {
      if (!FlowServiceError.isInstance(error)) {
        throw error;
      }
      if (error.status === 404) {
        throw new Error(
          `Base connection ${id} no longer exists in sandbox "${sandboxName}" (deleted outside Pulumi). ` +
            `Run \`pulumi refresh\` so that the next \`pulumi up\` creates it again.`,
        );
      }
      if (error.status !== 412) {
        throw error;
      }
    }
    const current = await client.getConnection(id, { sandboxName });
    if (!current) {
      throw new Error(
        `Base connection ${id} was deleted while it was being updated. Run \`pulumi refresh\`, then \`pulumi up\`.`,
      );
    }
    // Removing a description that is already gone (our lost first attempt, or an edit in AEP) fails with FLOW-1455.
    const pending = operations.filter((op) => !(op.op === "remove" && op.path === "/description" && !current.description));
    if (pending.length === 0) return { etag: current.etag };
    try {
      return await client.updateConnection(id, current.etag, pending, { sandboxName });
    } catch (error) {
      if (FlowServiceError.isInstance(error) && error.status === 412) {
        throw new Error(
          `Base connection ${id} keeps changing while Pulumi updates it (etag mismatch twice, FLOW-1404-412). ` +
            `Another tool or person is editing it; stop them and run \`pulumi up\` again.`,
        );
      }
      throw error;
    }
  }

  /**
   * Read the connection back and, if asked, test it. Any failure here happens after AEP changed: it is
   * reported with the connection id and the best outputs known, so the engine keeps track of it. Those outputs
   * leave the secret params out (an error's properties take another path through the engine than a result's);
   * without them the next `pulumi up` sees the auth as changed and sends it again, which is harmless.
   */
  private async finish(
    client: FlowServiceClient,
    id: string,
    inputs: KnownBaseConnectionInputs,
    sandboxName: string,
    fallback: Connection,
    news: Record<string, unknown>,
  ): Promise<BaseConnectionOutputs> {
    let outputs = toOutputs(inputs, fallback, sandboxName);
    const partial = (message: string) => {
      const { [SECRET_OUTPUT]: _secrets, ...withoutSecrets } = outputs;
      return new ConnectionInitError(message, id, plain({ ...withoutSecrets, __provider: news["__provider"] }));
    };
    try {
      const connection = await client.getConnection(id, { sandboxName });
      if (!connection) {
        throw new Error(`base connection ${id} was not found right after it was written`);
      }
      outputs = toOutputs(inputs, connection, sandboxName);
    } catch (error) {
      throw partial(`Base connection ${id} was written, but reading it back failed: ${errorText(error)}`);
    }
    if (inputs.verify) {
      let result: boolean;
      try {
        result = await client.testConnection(id, { sandboxName });
      } catch (error) {
        throw partial(`verify: testing base connection ${id} failed: ${errorText(error)}`);
      }
      if (!result) {
        throw partial(
          `verify: AEP's connection test reported that base connection ${id} ("${inputs.name}") cannot ` +
            `reach ${sources[inputs.source].title} with the given auth params (${inputs.auth.specName}). ` +
            `Check the credentials and the source's network access, then run \`pulumi up\` again.`,
        );
      }
    }
    return plain(outputs);
  }

  private refreshedOutputs(olds: StoredOutputs, connection: Connection, sandboxName: string): StoredOutputs {
    // An unknown auth spec gives every secret param of the source, so nothing secret is taken for public.
    const secret = new Set<string>(
      olds.source !== undefined && isSourceKey(olds.source) ? secretParamNames(olds.source, olds.authSpecName ?? "") : [],
    );
    // Secrets come back masked, so they are kept from state; non-secret params are compared for drift.
    const reported = connection.auth?.params ?? {};
    const authParams = { ...(olds.authParams ?? {}) };
    for (const [key, value] of Object.entries(reported)) {
      if (!secret.has(key) && key in authParams) {
        authParams[key] = value;
      }
    }
    return {
      connectionId: connection.id,
      etag: connection.etag,
      connectionSpecId: connection.connectionSpec.id,
      state: connection.state ?? olds.state ?? "",
      createdAt: connection.createdAt !== undefined ? new Date(connection.createdAt).toISOString() : olds.createdAt,
      updatedAt: connection.updatedAt !== undefined ? new Date(connection.updatedAt).toISOString() : olds.updatedAt,
      sandboxName,
      source: olds.source,
      name: connection.name,
      description: connection.description === "" ? undefined : connection.description,
      authSpecName: connection.auth?.specName ?? olds.authSpecName,
      authParams,
      secretAuthParams: olds.secretAuthParams,
      verify: olds.verify ?? false,
    };
  }

  private validInputs(news: Record<string, unknown>): KnownBaseConnectionInputs {
    const { failures, inputs } = validateBaseConnectionInputs(news);
    if (!inputs || failures.length > 0) {
      throw new InvalidInputsError(
        `Invalid base connection inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
      );
    }
    if (hasUnknown(inputs) || typeof inputs.auth.params !== "object" || typeof inputs.verify !== "boolean") {
      throw new InvalidInputsError("Base connection inputs are still unknown; they must be known before the connection is written.");
    }
    return inputs as KnownBaseConnectionInputs;
  }

  private explicitSettings(): Partial<FlowServiceSettings> {
    const explicit: Partial<FlowServiceSettings> = {};
    for (const [setting, from] of Object.entries(SETTING_SOURCES) as [keyof FlowServiceSettings, { config: string }][]) {
      const value = this.config?.get(from.config);
      if (value !== undefined && value !== "") {
        explicit[setting] = value;
      }
    }
    return explicit;
  }

  private defaultSandbox(): string {
    return this.explicitSettings().sandboxName || process.env["AEP_SANDBOX_NAME"] || DEFAULT_SANDBOX;
  }

  private sandboxOf(inputs: BaseConnectionInputs): string {
    return inputs.sandboxName ?? this.defaultSandbox();
  }

  /** The client, built on first use so that check and diff work without credentials. */
  private connect(): FlowServiceClient {
    if (!this.client) {
      let settings: FlowServiceSettings;
      try {
        settings = resolveSettings(this.explicitSettings(), process.env);
      } catch (error) {
        if (error instanceof FlowServiceConfigError) {
          throw new Error(describeMissingSettings(error));
        }
        throw error;
      }
      this.client = new FlowServiceClient(settings, transportOptionsFromEnv(process.env));
    }
    return this.client;
  }
}

function describeMissingSettings(error: FlowServiceConfigError): string {
  const named = error.missing.map((missing) => {
    const entry = Object.entries(SETTING_SOURCES).find(([setting, from]) => setting === missing || from.env === missing);
    return entry ? `${entry[1].config} (or ${entry[1].env})` : missing;
  });
  const hint =
    named.length === 0
      ? ""
      : ` Missing: ${named.join(", ")}. Set them with \`pulumi config set aep:clientId <id>\`, ` +
        "`pulumi config set --secret aep:clientSecret <secret>` and `pulumi config set aep:orgId <org>@AdobeOrg`, " +
        "or export the AEP_* environment variables.";
  return `AEP provider settings are incomplete or invalid: ${error.message}${hint}`;
}

/** The instance the serialized shim loads in the host process. */
export const baseConnectionProvider = new BaseConnectionProvider();

/**
 * Called by the serialized shim (serialized-provider.ts) on the host's first `configure`: puts the provider's
 * methods on the shim object the host holds, then configures the provider. Living here rather than in the shim
 * keeps the text stored twice per connection in state short.
 */
export function install(shim: object, request: { config: ProviderConfig }): void {
  const target = shim as Record<string, unknown>;
  for (const method of ["check", "diff", "create", "read", "update", "delete"] as const) {
    target[method] = baseConnectionProvider[method].bind(baseConnectionProvider);
  }
  baseConnectionProvider.configure(request);
}

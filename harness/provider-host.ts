/**
 * Drives the SDK's real Node.js dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, sending
 * exactly the requests the Pulumi engine sends (see ../shared/reference/pulumi-dynamic-providers.md §1.2-§1.5, §2).
 */
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import type * as ProviderGrpcModule from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
  dynamicProviderHostEntry,
  grpc,
  providerGrpc,
  providerProto,
  statusProto,
  structProto,
  type GrpcServiceError,
} from "./sdk";
import { makeSecret, unknown as unknownSentinel, withoutUndefined, type PropertyBag } from "./property-values";

export { type PropertyBag } from "./property-values";

/** The SDK's unknown-value sentinel (`rpc.unknownValue`), as the engine sends it for values unknown in preview. */
export const unknown: string = unknownSentinel;

/** Repository root, computed from this file's location. */
export const repositoryRoot: string = path.resolve(__dirname, "..");

/** Reserved property carrying the serialized provider code in every dynamic resource's property bags. */
export const providerKey = "__provider";

/** Options of {@link ProviderHost.start}. */
export interface ProviderHostOptions {
  /**
   * Working directory of the host process; the provider's `require()`s resolve `node_modules` from here (the engine
   * uses the program directory). Default: the repository root.
   */
  readonly cwd?: string;
  /** Project name exported as `PULUMI_NODEJS_PROJECT` (un-namespaced `config.get` keys use it). Default `"project"`. */
  readonly project?: string;
  /** Extra environment variables for the host process (added to the parent's environment and the project variable). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Serialized provider (see {@link serializeProvider}) added as `__provider` to every property bag that lacks the
   * key. A bag whose `__provider` is explicitly `undefined` is sent without it (e.g. to reproduce an import-style read).
   */
  readonly provider?: string;
  /** Time allowed for the host to print its port. Default 30 000 ms. */
  readonly startTimeoutMs?: number;
  /** gRPC deadline of every call. Default 60 000 ms. */
  readonly callTimeoutMs?: number;
}

/** Result of `configure`. */
export interface ConfigureResult {
  readonly acceptSecrets: boolean;
  readonly supportsPreview: boolean;
  readonly acceptResources: boolean;
}

/** One check failure as returned by the provider's `check`. */
export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/** Result of `check`. */
export interface CheckResult {
  readonly inputs: PropertyBag;
  readonly failures: CheckFailure[];
}

/** Result of `diff`; `changes` maps `DIFF_SOME` / `DIFF_NONE` / `DIFF_UNKNOWN`. */
export interface DiffResult {
  readonly changes: "some" | "none" | "unknown";
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
}

/** Result of `create`. */
export interface CreateResult {
  readonly id: string;
  readonly outs: PropertyBag;
}

/** Result of `read`; `id === ""` means "the resource no longer exists"; `inputs` is undefined unless returned. */
export interface ReadResult {
  readonly id: string;
  readonly props: PropertyBag;
  readonly inputs: PropertyBag | undefined;
}

/** Result of `update`. */
export interface UpdateResult {
  readonly outs: PropertyBag;
}

/** Names of the RPCs the harness sends. */
export type HostMethod = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/** One recorded response (or error) of the host, as JSON text. */
export interface HostResponseRecord {
  readonly method: HostMethod;
  readonly json: string;
}

/** Partially created/updated resource carried by an `ErrorResourceInitFailed` status detail. */
export interface ResourceInitFailure {
  readonly id: string;
  readonly properties: PropertyBag;
  readonly reasons: string[];
}

/**
 * A failed host RPC. `code` is the gRPC status code (2 = UNKNOWN for create/update errors), `details` the message the
 * provider's error carried. For create/update errors thrown with an `id`, `initFailure` holds the partially created
 * resource exactly as the engine would record it.
 */
export class HostCallError extends Error {
  override readonly name = "HostCallError";

  constructor(
    readonly method: HostMethod,
    readonly code: number,
    readonly details: string,
    readonly initFailure: ResourceInitFailure | undefined,
  ) {
    super(`provider host ${method} failed (${grpc.status[code] ?? code}): ${details}`);
  }

  /** Id of the partially created resource, when the provider reported one. */
  get id(): string | undefined {
    return this.initFailure?.id;
  }

  /** Properties of the partially created resource, when the provider reported one. */
  get properties(): PropertyBag | undefined {
    return this.initFailure?.properties;
  }
}

type ProviderClient = InstanceType<typeof ProviderGrpcModule.ResourceProviderClient>;

interface UnaryCall<Request, Response> {
  (
    request: Request,
    metadata: InstanceType<typeof grpc.Metadata>,
    options: { deadline: Date },
    callback: (error: GrpcServiceError | null, response: Response) => void,
  ): unknown;
}

/** Converts a property bag to a `Struct`, as the engine marshals requests. */
function toStruct(bag: PropertyBag): InstanceType<typeof structProto.Struct> {
  return structProto.Struct.fromJavaScript(withoutUndefined(bag) as Record<string, never>);
}

function fromStruct(struct: InstanceType<typeof structProto.Struct> | undefined): PropertyBag {
  return struct === undefined ? {} : (struct.toJavaScript() as PropertyBag);
}

/** Splits `urn:pulumi:<stack>::<project>::<qualified type>::<name>` into the type token and name the engine sends. */
function urnTypeAndName(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  const type = qualifiedType.split("$").pop() ?? "";
  return { type, name: parts.slice(3).join("::") };
}

function decodeInitFailure(error: GrpcServiceError): ResourceInitFailure | undefined {
  const raw = error.metadata?.get("grpc-status-details-bin") ?? [];
  for (const entry of raw) {
    const bytes = typeof entry === "string" ? Buffer.from(entry, "base64") : entry;
    const status = statusProto.Status.deserializeBinary(new Uint8Array(bytes));
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") {
        continue;
      }
      const failure = detail.unpack(
        (data: Uint8Array) => providerProto.ErrorResourceInitFailed.deserializeBinary(data),
        "pulumirpc.ErrorResourceInitFailed",
      );
      if (failure) {
        return {
          id: failure.getId(),
          properties: fromStruct(failure.getProperties()),
          reasons: failure.getReasonsList(),
        };
      }
    }
  }
  return undefined;
}

/**
 * A running dynamic-provider host process and a gRPC client for it.
 *
 * ```ts
 * const host = await ProviderHost.start({ provider: await serializeProvider(myProvider) });
 * await host.configure({ "proj:token": "t" }, ["proj:token"]);
 * const { inputs } = await host.check(urn, {}, { name: "a" });
 * const { id, outs } = await host.create(urn, inputs);
 * await host.stop();
 * ```
 */
export class ProviderHost {
  /** Every response (and error) received, as JSON text in arrival order: scan it for leaked secrets. */
  readonly responses: HostResponseRecord[] = [];

  private readonly outputChunks: string[];
  private readonly onParentExit: () => void;
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    /** Port the host listens on (127.0.0.1). */
    readonly port: number,
    private readonly client: ProviderClient,
    outputChunks: string[],
    private readonly options: ProviderHostOptions,
  ) {
    this.outputChunks = outputChunks;
    this.onParentExit = () => {
      child.kill("SIGKILL");
    };
    process.on("exit", this.onParentExit);
  }

  /** Spawns the host, waits for its port and connects. Rejects with the host's stderr if it exits first. */
  static async start(options: ProviderHostOptions = {}): Promise<ProviderHost> {
    const child = spawn(process.execPath, [dynamicProviderHostEntry, "127.0.0.1:0"], {
      cwd: options.cwd ?? repositoryRoot,
      env: { ...process.env, PULUMI_NODEJS_PROJECT: options.project ?? "project", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const outputChunks: string[] = [];
    const port = await readPort(child, outputChunks, options.startTimeoutMs ?? 30_000);
    const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, port, client, outputChunks, options);
  }

  /** The host's process id, e.g. to read its peak memory from /proc. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the host process is alive. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the host printed on stdout (after the port line) and stderr, in arrival order. */
  get output(): string {
    return this.outputChunks.join("");
  }

  /**
   * Sends `Configure` like the engine does for dynamic providers: `args` holds every namespaced stack config key
   * (e.g. `"aep:clientId"`), the keys in `secretKeys` sig-wrapped as secrets; `acceptSecrets`/`acceptResources` true.
   */
  async configure(config: Readonly<Record<string, string>>, secretKeys: readonly string[] = []): Promise<ConfigureResult> {
    const args: PropertyBag = {};
    for (const [key, value] of Object.entries(config)) {
      args[key] = secretKeys.includes(key) ? makeSecret(value) : value;
    }
    const request = new providerProto.ConfigureRequest();
    request.setArgs(toStruct(args));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    const response = await this.call("configure", this.client.configure, request);
    return this.record("configure", {
      acceptSecrets: response.getAcceptsecrets(),
      supportsPreview: response.getSupportspreview(),
      acceptResources: response.getAcceptresources(),
    });
  }

  /** Sends `Check(olds, news)`; `olds` are the previously stored inputs (`{}` for a new resource). */
  async check(urn: string, olds: PropertyBag, news: PropertyBag): Promise<CheckResult> {
    const request = new providerProto.CheckRequest();
    const { type, name } = urnTypeAndName(urn);
    request.setUrn(urn).setName(name).setType(type);
    request.setOlds(toStruct(this.withProvider(olds)));
    request.setNews(toStruct(this.withProvider(news)));
    const response = await this.call("check", this.client.check, request);
    return this.record("check", {
      inputs: fromStruct(response.getInputs()),
      failures: response.getFailuresList().map((failure) => ({
        property: failure.getProperty(),
        reason: failure.getReason(),
      })),
    });
  }

  /** Sends `Diff`; like the engine, `olds` are the previous OUTPUTS and `oldInputs` the previous inputs. */
  async diff(urn: string, id: string, olds: PropertyBag, news: PropertyBag, oldInputs: PropertyBag = {}): Promise<DiffResult> {
    const request = new providerProto.DiffRequest();
    const { type, name } = urnTypeAndName(urn);
    request.setUrn(urn).setId(id).setName(name).setType(type);
    request.setOlds(toStruct(this.withProvider(olds)));
    request.setNews(toStruct(this.withProvider(news)));
    request.setOldInputs(toStruct(this.withProvider(oldInputs)));
    const response = await this.call("diff", this.client.diff, request);
    const changes = response.getChanges();
    const kinds = providerProto.DiffResponse.DiffChanges;
    return this.record("diff", {
      changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    });
  }

  /** Sends `Create(props)` (never in preview: the host does not support provider previews). */
  async create(urn: string, props: PropertyBag): Promise<CreateResult> {
    const request = new providerProto.CreateRequest();
    const { type, name } = urnTypeAndName(urn);
    request.setUrn(urn).setName(name).setType(type).setPreview(false);
    request.setProperties(toStruct(this.withProvider(props)));
    const response = await this.call("create", this.client.create, request);
    return this.record("create", { id: response.getId(), outs: fromStruct(response.getProperties()) });
  }

  /** Sends `Read(id, props = stored outputs, inputs = stored inputs)`, as a refresh does. */
  async read(urn: string, id: string, props: PropertyBag, inputs?: PropertyBag): Promise<ReadResult> {
    const request = new providerProto.ReadRequest();
    const { type, name } = urnTypeAndName(urn);
    request.setUrn(urn).setId(id).setName(name).setType(type);
    request.setProperties(toStruct(this.withProvider(props)));
    if (inputs !== undefined) {
      request.setInputs(toStruct(this.withProvider(inputs)));
    }
    const response = await this.call("read", this.client.read, request);
    return this.record("read", {
      id: response.getId(),
      props: fromStruct(response.getProperties()),
      inputs: response.hasInputs() ? fromStruct(response.getInputs()) : undefined,
    });
  }

  /** Sends `Update(id, olds = old outputs, news = checked inputs, oldInputs)`. */
  async update(
    urn: string,
    id: string,
    olds: PropertyBag,
    news: PropertyBag,
    oldInputs: PropertyBag = {},
  ): Promise<UpdateResult> {
    const request = new providerProto.UpdateRequest();
    const { type, name } = urnTypeAndName(urn);
    request.setUrn(urn).setId(id).setName(name).setType(type).setPreview(false);
    request.setOlds(toStruct(this.withProvider(olds)));
    request.setNews(toStruct(this.withProvider(news)));
    request.setOldInputs(toStruct(this.withProvider(oldInputs)));
    const response = await this.call("update", this.client.update, request);
    return this.record("update", { outs: fromStruct(response.getProperties()) });
  }

  /** Sends `Delete(id, props = stored outputs)`; the stored `__provider` decides which code runs. */
  async delete(urn: string, id: string, props: PropertyBag, oldInputs: PropertyBag = {}): Promise<void> {
    const request = new providerProto.DeleteRequest();
    const { type, name } = urnTypeAndName(urn);
    request.setUrn(urn).setId(id).setName(name).setType(type);
    request.setProperties(toStruct(this.withProvider(props)));
    request.setOldInputs(toStruct(this.withProvider(oldInputs)));
    await this.call("delete", this.client.delete, request);
    this.record("delete", {});
  }

  /** Kills the host at once, as a CI runner or a second Ctrl-C does: no clean-up runs in it. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
      this.child.kill(signal);
      await exited;
    }
    await this.stop();
  }

  /** Closes the client and terminates the host (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) {
      return;
    }
    this.stopped = true;
    process.removeListener("exit", this.onParentExit);
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      const forceKill = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
      this.child.once("exit", () => {
        clearTimeout(forceKill);
        resolve();
      });
      this.child.kill("SIGTERM");
    });
  }

  private withProvider(bag: PropertyBag): PropertyBag {
    if (this.options.provider === undefined || Object.prototype.hasOwnProperty.call(bag, providerKey)) {
      return bag;
    }
    return { ...bag, [providerKey]: this.options.provider };
  }

  private record<T>(method: HostMethod, result: T): T {
    this.responses.push({ method, json: JSON.stringify(result) });
    return result;
  }

  private call<Request, Response>(
    method: HostMethod,
    rpcMethod: UnaryCall<Request, Response>,
    request: Request,
  ): Promise<Response> {
    if (this.stopped) {
      return Promise.reject(new Error(`provider host ${method}: the host was stopped`));
    }
    const deadline = new Date(Date.now() + (this.options.callTimeoutMs ?? 60_000));
    return new Promise<Response>((resolve, reject) => {
      rpcMethod.call(this.client, request, new grpc.Metadata(), { deadline }, (error, response) => {
        if (error) {
          const failure = new HostCallError(method, error.code, error.details, decodeInitFailure(error));
          this.responses.push({
            method,
            json: JSON.stringify({ error: { code: failure.code, details: failure.details, initFailure: failure.initFailure } }),
          });
          reject(failure);
        } else {
          resolve(response);
        }
      });
    });
  }
}

/** Reads the first stdout line (the port) and keeps collecting later output into `outputChunks`. */
function readPort(child: ChildProcess, outputChunks: string[], timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let firstLine = "";
    let havePort = false;
    let stderrBeforePort = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`dynamic provider host printed no port within ${timeoutMs} ms: ${stderrBeforePort}`));
    }, timeoutMs);
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      if (havePort) {
        outputChunks.push(chunk);
        return;
      }
      firstLine += chunk;
      const newline = firstLine.indexOf("\n");
      if (newline < 0) {
        return;
      }
      const port = Number.parseInt(firstLine.slice(0, newline).trim(), 10);
      const rest = firstLine.slice(newline + 1);
      if (rest) {
        outputChunks.push(rest);
      }
      havePort = true;
      clearTimeout(timer);
      if (Number.isInteger(port) && port > 0) {
        resolve(port);
      } else {
        child.kill("SIGKILL");
        reject(new Error(`dynamic provider host printed an invalid port line: ${firstLine.slice(0, newline)}`));
      }
    });
    child.stderr?.on("data", (chunk: string) => {
      outputChunks.push(chunk);
      if (!havePort) {
        stderrBeforePort += chunk;
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      if (!havePort) {
        clearTimeout(timer);
        reject(new Error(`dynamic provider host exited (${code ?? signal}) before printing a port: ${stderrBeforePort}`));
      }
    });
  });
}

/**
 * Serializes `provider` exactly as `dynamic.Resource` does
 * (`pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })`) and returns the module text that
 * belongs in `__provider`.
 */
export async function serializeProvider(provider: object): Promise<string> {
  const pulumi = await import("@pulumi/pulumi");
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

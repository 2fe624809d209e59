/**
 * A small Pulumi test engine ("variant B" of ../shared/reference/pulumi-dynamic-providers.md §3.4): runs an
 * unmodified Pulumi program through the SDK's own program runner against a fake ResourceMonitor/Engine, sends dynamic
 * resources to the SDK's real dynamic-provider host, answers every other custom resource with mocks, and keeps a JSON
 * state file between operations — `preview`, `up`, `refresh` and `destroy` without the `pulumi` CLI.
 *
 * ```ts
 * const engine = new TestEngine({ programDir, stateFile, config: { "aep:clientSecret": { value: "s", secret: true } } });
 * const result = await engine.up();
 * assert.deepStrictEqual(result.steps.map((step) => step.op), ["create", "create"]);
 * ```
 */
import * as path from "path";
import { deleteResources, errorDetails } from "./deletion";
import { Deployment } from "./deployment";
import { isDynamicType, urnName, type Diagnostic, type MockInvoke, type MockResourceOutputs, type Step } from "./engine-model";
import { EngineServer } from "./monitor";
import { locateProgram, runProgram, type ProgramLocation, type ProgramRunResult } from "./program-runner";
import { ProviderHost, type HostResponseRecord } from "./provider-host";
import { annotateSecrets, deepEqual, markSecretOutputs, revealSecrets, unwrapBag, type PropertyBag } from "./property-values";
import { stackType } from "./sdk";
import { loadResources, readStateFile, writeStateFile, type ResourceState, type StateFile } from "./state";

export type { Diagnostic, MockInvoke, MockResourceOutputs, Step, StepDiff, StepOp } from "./engine-model";
export type { ResourceState, StateFile } from "./state";
export { unknown, type RevealedSecret } from "./property-values";

/** A JSON value usable as structured config (sent to the program as JSON text, like `pulumi config set --path`). */
export type ConfigJson = string | number | boolean | null | readonly ConfigJson[] | { readonly [key: string]: ConfigJson };

/** One stack config entry. Non-string values are passed as JSON text, which `config.requireObject` parses. */
export interface ConfigEntry {
  readonly value: ConfigJson;
  readonly secret?: boolean;
}

/** Options of {@link TestEngine}. */
export interface TestEngineOptions {
  /** Program directory (with or without Pulumi.yaml; `main` honoured) or program file (`.ts` or `.js`). */
  readonly programDir: string;
  /** Project name. Default: `name` from Pulumi.yaml, else `"project"`. */
  readonly project?: string;
  /** Stack name. Default `"dev"`. */
  readonly stack?: string;
  /** Path of the JSON state file (created on the first `up`). */
  readonly stateFile: string;
  /** Stack config, keys namespaced (`"aep:clientId"`). Default none. */
  readonly config?: Readonly<Record<string, ConfigEntry>>;
  /** Working directory of the provider host. Default: the program directory (as the engine does). */
  readonly providerCwd?: string;
  /** Extra environment variables for the provider host. */
  readonly providerEnv?: Readonly<Record<string, string>>;
  /** Extra environment variables for the program. */
  readonly programEnv?: Readonly<Record<string, string>>;
  /** Outputs of non-dynamic custom resources (default: inputs echoed, id `<name>-id`). */
  readonly mocks?: MockResourceOutputs;
  /** Results of provider function invokes (default: every invoke fails with "unknown function"). */
  readonly invokes?: MockInvoke;
  /** Type-check TypeScript programs with ts-node. Default false (transpile only, like `noCheck`). */
  readonly typeCheck?: boolean;
  /** Time limit of one program run. Default 120 000 ms. */
  readonly timeoutMs?: number;
}

/** Result of one engine operation. */
export interface EngineResult {
  /** Steps performed (up/refresh/destroy) or planned (preview), in order. */
  readonly steps: Step[];
  /**
   * Stack outputs: secrets as `{ secret: true, value }`, values unknown during preview as the `unknown` sentinel.
   * For refresh: the stored outputs; for destroy: `{}`.
   */
  readonly outputs: Record<string, unknown>;
  /** Program stdout/stderr (empty for refresh/destroy). */
  readonly stdout: string;
  readonly stderr: string;
  /** Everything the provider host printed (provider `console.log`, errors). */
  readonly providerOutput: string;
  /** Every provider host response as JSON, for secret scans. */
  readonly providerResponses: HostResponseRecord[];
  /** Program exit code (0 for refresh/destroy). */
  readonly exitCode: number;
  /** Program log messages (DEBUG filtered) and engine errors (failed steps, check failures). */
  readonly diagnostics: Diagnostic[];
  /** True when the program exited 0, did not time out and no step failed. */
  readonly succeeded: boolean;
}

interface ProviderSessionOutput {
  readonly output: string;
  readonly responses: HostResponseRecord[];
}

const noProviderOutput: ProviderSessionOutput = { output: "", responses: [] };

interface ProviderSession {
  readonly get: () => Promise<ProviderHost>;
  readonly close: () => Promise<ProviderSessionOutput>;
}

/** A stack under test: its program, config and state file. Operations run one at a time. */
export class TestEngine {
  private readonly location: ProgramLocation;
  private readonly project: string;
  private readonly stack: string;
  private configEntries: Record<string, ConfigEntry>;

  constructor(private readonly options: TestEngineOptions) {
    this.location = locateProgram(options.programDir);
    this.project = options.project ?? this.location.projectName ?? "project";
    this.stack = options.stack ?? "dev";
    this.configEntries = { ...options.config };
  }

  /** Sets one stack config value (like `pulumi config set [--secret]`). */
  setConfig(key: string, entry: ConfigEntry): void {
    this.configEntries = { ...this.configEntries, [key]: entry };
  }

  /** Removes one stack config value. */
  removeConfig(key: string): void {
    const { [key]: _removed, ...rest } = this.configEntries;
    this.configEntries = rest;
  }

  /** Runs the program with `--dry-run`: check/diff only, nothing created/updated/deleted, state untouched. */
  preview(): Promise<EngineResult> {
    return this.deploy(true);
  }

  /** Runs the program and applies the changes; writes the state file. */
  up(): Promise<EngineResult> {
    return this.deploy(false);
  }

  /** Reads every dynamic resource through the provider host and updates or drops it in the state. No program run. */
  async refresh(): Promise<EngineResult> {
    const session = this.providerSession();
    const steps: Step[] = [];
    const diagnostics: Diagnostic[] = [];
    const refreshed: ResourceState[] = [];
    let provider: ProviderSessionOutput = noProviderOutput;
    try {
      for (const resource of loadResources(this.options.stateFile)) {
        if (!resource.custom || resource.external || resource.pendingDelete || !isDynamicType(resource.type) || !resource.id) {
          refreshed.push(resource);
          continue;
        }
        try {
          const host = await session.get();
          const read = await host.read(resource.urn, resource.id, unwrapBag(resource.outputs), unwrapBag(resource.inputs));
          if (!read.id) {
            steps.push(step("refresh-delete", resource));
            continue;
          }
          const outputs = read.props;
          annotateSecrets(outputs, resource.outputs);
          markSecretOutputs(outputs, resource.additionalSecretOutputs ?? []);
          const inputs = read.inputs ?? resource.inputs;
          annotateSecrets(inputs, resource.inputs);
          const changed = !deepEqual(outputs, resource.outputs) || !deepEqual(inputs, resource.inputs);
          refreshed.push({ ...resource, id: read.id, inputs, outputs });
          steps.push(step(changed ? "refresh-update" : "same", resource));
        } catch (error) {
          diagnostics.push({ severity: "error", urn: resource.urn, message: `refreshing ${resource.urn}: ${errorDetails(error)}` });
          refreshed.push(resource);
        }
      }
      writeStateFile(this.options.stateFile, this.project, this.stack, refreshed);
    } finally {
      provider = await session.close();
    }
    const stack = refreshed.find((resource) => resource.type === stackType);
    return this.result({ steps, diagnostics, provider, stackOutputs: stack?.outputs ?? {} });
  }

  /** Deletes every resource in the state (dependents first) and writes the remaining (failed) ones back. */
  async destroy(): Promise<EngineResult> {
    const session = this.providerSession();
    const steps: Step[] = [];
    const diagnostics: Diagnostic[] = [];
    let provider: ProviderSessionOutput = noProviderOutput;
    try {
      const remaining = await deleteResources(
        loadResources(this.options.stateFile),
        session.get,
        (resource) => steps.push(step("delete", resource)),
        diagnostics,
      );
      writeStateFile(this.options.stateFile, this.project, this.stack, remaining);
    } finally {
      provider = await session.close();
    }
    return this.result({ steps, diagnostics, provider, stackOutputs: {} });
  }

  /** The state file as stored (secrets in ciphertext form), or undefined before the first `up`. */
  state(): StateFile | undefined {
    return readStateFile(this.options.stateFile);
  }

  /** The state's resources with secrets decrypted to `{ secret: true, value }`. */
  resources(): ResourceState[] {
    return revealSecrets(loadResources(this.options.stateFile)) as ResourceState[];
  }

  private async deploy(preview: boolean): Promise<EngineResult> {
    const session = this.providerSession();
    const logs: Diagnostic[] = [];
    const deployment = new Deployment({
      project: this.project,
      stack: this.stack,
      preview,
      oldResources: loadResources(this.options.stateFile),
      providerHost: session.get,
      mocks: this.options.mocks,
    });
    let server: EngineServer | undefined;
    let run: ProgramRunResult | undefined;
    let provider: ProviderSessionOutput = noProviderOutput;
    try {
      server = await EngineServer.start(deployment, { invoke: this.options.invokes, onLog: (entry) => logs.push(entry) });
      const { config, secretKeys } = this.configStrings();
      run = await runProgram({
        location: this.location,
        engineAddress: server.address,
        project: this.project,
        stack: this.stack,
        organization: "organization",
        preview,
        config,
        secretKeys,
        typeCheck: this.options.typeCheck ?? false,
        env: this.options.programEnv ?? {},
        timeoutMs: this.options.timeoutMs ?? 120_000,
      });
      if (run.timedOut) {
        logs.push({ severity: "error", message: `program did not finish within ${this.options.timeoutMs ?? 120_000} ms` });
      }
      const resources = await deployment.finish(run.exitCode === 0 && !run.timedOut);
      if (!preview) {
        writeStateFile(this.options.stateFile, this.project, this.stack, resources);
      }
    } finally {
      await server?.stop();
      provider = await session.close();
    }
    return this.result({
      steps: deployment.steps,
      diagnostics: [...logs, ...deployment.diagnostics],
      provider,
      stackOutputs: deployment.stackOutputs(),
      run,
    });
  }

  private result(parts: {
    steps: Step[];
    diagnostics: Diagnostic[];
    provider: ProviderSessionOutput;
    stackOutputs: PropertyBag;
    run?: ProgramRunResult | undefined;
  }): EngineResult {
    const exitCode = parts.run?.exitCode ?? 0;
    return {
      steps: parts.steps,
      outputs: revealSecrets(parts.stackOutputs) as Record<string, unknown>,
      stdout: parts.run?.stdout ?? "",
      stderr: parts.run?.stderr ?? "",
      providerOutput: parts.provider.output,
      providerResponses: [...parts.provider.responses],
      exitCode,
      diagnostics: parts.diagnostics,
      succeeded:
        exitCode === 0 &&
        !(parts.run?.timedOut ?? false) &&
        !parts.steps.some((entry) => entry.failed) &&
        !parts.diagnostics.some((entry) => entry.severity === "error"),
    };
  }

  /** Config as the program sees it (`PULUMI_CONFIG` strings) and the list of secret keys. */
  private configStrings(): { config: Record<string, string>; secretKeys: string[] } {
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, entry] of Object.entries(this.configEntries)) {
      config[key] = typeof entry.value === "string" ? entry.value : JSON.stringify(entry.value);
      if (entry.secret) {
        secretKeys.push(key);
      }
    }
    return { config, secretKeys };
  }

  /** One lazily started provider host per operation, configured with the full namespaced stack config. */
  private providerSession(): ProviderSession {
    let started: Promise<ProviderHost> | undefined;
    const get = (): Promise<ProviderHost> => {
      started ??= (async () => {
        const { config, secretKeys } = this.configStrings();
        const dynamicConfig: Record<string, string> = {};
        for (const [key, value] of Object.entries(config)) {
          if (key.startsWith("pulumi-nodejs:")) {
            dynamicConfig[key.slice("pulumi-nodejs:".length)] = value;
          }
        }
        const host = await ProviderHost.start({
          cwd: this.options.providerCwd ?? this.location.directory,
          project: this.project,
          env: { PULUMI_PROJECT: this.project, PULUMI_CONFIG: JSON.stringify(dynamicConfig), ...this.options.providerEnv },
        });
        try {
          await host.configure(config, secretKeys);
        } catch (error) {
          await host.stop();
          throw error;
        }
        return host;
      })();
      return started;
    };
    const close = async () => {
      const host = await started?.catch(() => undefined);
      if (host === undefined) {
        return noProviderOutput;
      }
      await host.stop();
      return { output: host.output, responses: [...host.responses] };
    };
    return { get, close };
  }
}

function step(op: Step["op"], resource: ResourceState): Step {
  return { op, urn: resource.urn, type: resource.type, name: urnName(resource.urn) };
}

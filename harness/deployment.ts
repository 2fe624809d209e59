/**
 * The step logic of the test engine: what the Pulumi engine does for each resource registration and for the
 * deletions after a program run. Dynamic resources go to one real provider host ({@link ProviderHost}); every other
 * custom resource is answered by mocks; components and the stack are recorded.
 */
import { deleteResources, deletionOrder, errorDetails } from "./deletion";
import {
  isDynamicType,
  makeUrn,
  urnName,
  type Diagnostic,
  type MockResourceOutputs,
  type Step,
  type StepDiff,
  type StepOp,
} from "./engine-model";
import { HostCallError, type ProviderHost } from "./provider-host";
import {
  annotateSecrets,
  changedKeys,
  cloneValue,
  containsSecrets,
  deepEqual,
  displayedDiffPaths,
  markSecretOutputs,
  unwrapBag,
  withoutUndefined,
  type PropertyBag,
} from "./property-values";
import { stackType } from "./sdk";
import type { ResourceState } from "./state";

/** A `RegisterResource` request, decoded. `object` is in wire form (secrets sig-wrapped, unknowns as the sentinel). */
export interface RegistrationRequest {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly custom: boolean;
  readonly object: PropertyBag;
  readonly dependencies: readonly string[];
  readonly provider: string;
  readonly additionalSecretOutputs: readonly string[];
  readonly deleteBeforeReplace: boolean | undefined;
  readonly ignoreChanges: readonly string[];
  readonly replaceOnChanges: readonly string[];
}

/** What `RegisterResource`/`ReadResource` answer: the URN, the id (`""` when unknown) and the outputs in wire form. */
export interface RegistrationResult {
  readonly urn: string;
  readonly id: string;
  readonly object: PropertyBag;
}

/** Everything a deployment needs from its surroundings. */
export interface DeploymentContext {
  readonly project: string;
  readonly stack: string;
  readonly preview: boolean;
  readonly oldResources: readonly ResourceState[];
  /** The shared provider host, started and configured on first use. */
  readonly providerHost: () => Promise<ProviderHost>;
  readonly mocks: MockResourceOutputs | undefined;
}

/** Thrown for a failed step; its message becomes the gRPC error the program sees. Never contains secret values. */
export class StepError extends Error {
  override readonly name = "StepError";
}

/** A string `id` in mocked outputs is the resource id (ids are not outputs in the engine's state). */
function splitMockedId(mocked: PropertyBag): { id: string | undefined; outputs: PropertyBag } {
  const { id, ...outputs } = mocked;
  return typeof id === "string" && id !== "" ? { id, outputs } : { id: undefined, outputs: mocked };
}

/** One `up` or `preview`: processes registrations as the program sends them, then the deletions. */
export class Deployment {
  readonly steps: Step[] = [];
  readonly diagnostics: Diagnostic[] = [];

  private readonly oldByUrn = new Map<string, ResourceState>();
  private readonly pendingFromOld: ResourceState[] = [];
  private readonly registered: ResourceState[] = [];
  private readonly replacedOld: ResourceState[] = [];
  private readonly goneOldUrns = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly context: DeploymentContext) {
    for (const resource of context.oldResources) {
      if (resource.pendingDelete) {
        this.pendingFromOld.push(resource);
      } else {
        this.oldByUrn.set(resource.urn, resource);
      }
    }
  }

  /** Handles one `RegisterResource`. Registrations run one at a time, in arrival order. */
  register(request: RegistrationRequest): Promise<RegistrationResult> {
    const result = this.queue.then(() => this.registerNow(request));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Handles `ReadResource` (`Resource.get`): dynamic types are read through the host, others through the mocks. */
  read(type: string, name: string, parent: string, id: string, properties: PropertyBag): Promise<RegistrationResult> {
    const result = this.queue.then(() => this.readNow(type, name, parent, id, properties));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Handles `RegisterResourceOutputs`: the outputs of a component, or the stack outputs. */
  registerOutputs(urn: string, outputs: PropertyBag): void {
    const index = this.registered.findIndex((resource) => resource.urn === urn);
    const current = this.registered[index];
    if (current === undefined) {
      throw new StepError(`RegisterResourceOutputs for unknown resource ${urn}`);
    }
    this.registered[index] = { ...current, outputs };
  }

  /** Outputs of the stack resource (wire form), `{}` until the program registered them. */
  stackOutputs(): PropertyBag {
    return this.registered.find((resource) => resource.type === stackType)?.outputs ?? {};
  }

  /**
   * Runs after the program exited. Preview: plans deletions of resources the program no longer declares. Up after
   * success: deletes replaced and no-longer-declared resources (newest first). Up after failure: deletes nothing and
   * keeps every untouched old resource. Returns the new state's resources.
   */
  async finish(programSucceeded: boolean): Promise<ResourceState[]> {
    await this.queue;
    const registeredUrns = new Set(this.registered.map((resource) => resource.urn));
    const undeclared = [...this.oldByUrn.values()].filter(
      (resource) => !registeredUrns.has(resource.urn) && !this.goneOldUrns.has(resource.urn),
    );
    if (this.context.preview) {
      for (const resource of deletionOrder([...this.pendingFromOld, ...undeclared])) {
        this.addStep("delete", resource.urn, resource.type);
      }
      return [...this.registered, ...undeclared, ...this.pendingFromOld];
    }
    if (!programSucceeded) {
      const replaced = this.replacedOld.map((resource) => ({ ...resource, pendingDelete: true }));
      return [...this.registered, ...undeclared, ...this.pendingFromOld, ...replaced];
    }
    const silent = new Set<ResourceState>(this.replacedOld);
    const remaining = await deleteResources(
      [...this.pendingFromOld, ...this.replacedOld, ...undeclared],
      this.context.providerHost,
      (resource) => {
        if (!silent.has(resource)) {
          this.addStep("delete", resource.urn, resource.type);
        }
      },
      this.diagnostics,
    );
    const stillPending = remaining.map((resource) => (silent.has(resource) ? { ...resource, pendingDelete: true } : resource));
    return [...this.registered, ...stillPending];
  }

  private addStep(op: StepOp, urn: string, type: string, failed = false, diff?: StepDiff): void {
    this.steps.push({ op, urn, type, name: urnName(urn), ...(failed ? { failed: true as const } : {}), ...(diff ? { diff } : {}) });
  }

  private fail(urn: string, message: string): never {
    this.diagnostics.push({ severity: "error", urn, message });
    throw new StepError(message);
  }

  private async registerNow(request: RegistrationRequest): Promise<RegistrationResult> {
    const { stack, project } = this.context;
    const urn = makeUrn(stack, project, request.parent, request.type, request.name);
    if (this.registered.some((resource) => resource.urn === urn)) {
      this.fail(urn, `Duplicate resource URN '${urn}'; try giving it a unique name`);
    }
    const old = this.oldByUrn.get(urn);
    if (!request.custom) {
      return this.recordComponent(urn, request, old);
    }
    if (isDynamicType(request.type)) {
      return this.registerDynamic(urn, request, old);
    }
    return this.registerMocked(urn, request, old);
  }

  private baseState(urn: string, request: RegistrationRequest): Omit<ResourceState, "inputs" | "outputs"> {
    return {
      urn,
      type: request.type,
      custom: request.custom,
      ...(request.parent ? { parent: request.parent } : {}),
      dependencies: [...request.dependencies],
      ...(request.provider ? { provider: request.provider } : {}),
      ...(request.additionalSecretOutputs.length > 0 ? { additionalSecretOutputs: [...request.additionalSecretOutputs] } : {}),
      ...(request.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: request.deleteBeforeReplace } : {}),
    };
  }

  private recordComponent(urn: string, request: RegistrationRequest, old: ResourceState | undefined): RegistrationResult {
    const inputs = cloneValue(request.object);
    this.registered.push({ ...this.baseState(urn, request), inputs, outputs: old?.outputs ?? {} });
    this.addStep(old === undefined ? "create" : deepEqual(old.inputs, inputs) ? "same" : "update", urn, request.type);
    return { urn, id: "", object: {} };
  }

  private registerMocked(urn: string, request: RegistrationRequest, old: ResourceState | undefined): RegistrationResult {
    const inputs = cloneValue(request.object);
    const plainInputs = unwrapBag(inputs);
    if (old !== undefined && old.id !== undefined && deepEqual(unwrapBag(old.inputs), plainInputs)) {
      this.registered.push({ ...this.baseState(urn, request), id: old.id, inputs, outputs: old.outputs });
      this.addStep("same", urn, request.type);
      return { urn, id: old.id, object: old.outputs };
    }
    const mocked = this.context.mocks?.(request.type, request.name, cloneValue(plainInputs));
    const { id: mockedId, outputs } = splitMockedId(withoutUndefined(mocked ?? plainInputs) as PropertyBag);
    annotateSecrets(outputs, inputs);
    markSecretOutputs(outputs, request.additionalSecretOutputs);
    const id = mockedId ?? old?.id ?? (this.context.preview ? "" : `${request.name}-id`);
    this.registered.push({ ...this.baseState(urn, request), ...(id ? { id } : {}), inputs, outputs });
    this.addStep(old === undefined ? "create" : "update", urn, request.type);
    return { urn, id, object: outputs };
  }

  private async registerDynamic(urn: string, request: RegistrationRequest, old: ResourceState | undefined): Promise<RegistrationResult> {
    const host = await this.context.providerHost();
    const news = cloneValue(request.object);
    if (old !== undefined) {
      for (const key of request.ignoreChanges) {
        if (Object.prototype.hasOwnProperty.call(old.inputs, key)) {
          news[key] = cloneValue(old.inputs[key]);
        } else {
          delete news[key];
        }
      }
    }
    const checked = await this.call(urn, "check", () => host.check(urn, old ? unwrapBag(old.inputs) : {}, unwrapBag(news)));
    if (checked.failures.length > 0) {
      const problems = checked.failures.map((failure) => {
        const value = containsSecrets(news[failure.property]) ? "[secret]" : JSON.stringify(news[failure.property]);
        return failure.property
          ? `${request.type} resource '${request.name}': property ${failure.property} value ${value} has a problem: ${failure.reason}`
          : `${request.type} resource '${request.name}' has a problem: ${failure.reason}`;
      });
      this.fail(urn, problems.join("\n"));
    }
    const inputs = checked.inputs;
    annotateSecrets(inputs, news);

    if (old === undefined || old.id === undefined) {
      return this.createDynamic(urn, request, inputs, "create");
    }
    const diff = await this.call(urn, "diff", () =>
      host.diff(urn, old.id ?? "", unwrapBag(old.outputs), unwrapBag(inputs), unwrapBag(old.inputs)),
    );
    const changed = diff.changes === "unknown" ? !deepEqual(unwrapBag(old.inputs), unwrapBag(inputs)) : diff.changes === "some";
    const replaceByOption =
      request.replaceOnChanges.length > 0 &&
      changedKeys(old.inputs, inputs).some((key) => request.replaceOnChanges.includes(key) || request.replaceOnChanges.includes("*"));
    // Like the engine (step_generator.go, `hasInitErrors`): a resource recorded with initialization errors gets an
    // update even when its inputs did not change, so the provider can finish what the failed create began.
    const hasInitErrors = (old.initErrors ?? []).length > 0;
    const stepDiff: StepDiff = { paths: displayedDiffPaths(old.inputs, inputs), replaces: [...diff.replaces] };
    if (!changed && !hasInitErrors) {
      this.registered.push({ ...this.baseState(urn, request), id: old.id, inputs, outputs: old.outputs });
      this.addStep("same", urn, request.type);
      return { urn, id: old.id, object: old.outputs };
    }
    if (changed && (diff.replaces.length > 0 || replaceByOption)) {
      const deleteFirst = request.deleteBeforeReplace ?? diff.deleteBeforeReplace;
      if (deleteFirst && !this.context.preview) {
        await this.call(urn, "delete", () => host.delete(urn, old.id ?? "", unwrapBag(old.outputs), unwrapBag(old.inputs)));
        this.goneOldUrns.add(urn);
      }
      // Create-before-delete: the old resource is deleted after the program, once its replacement exists.
      return this.createDynamic(urn, request, inputs, "replace", deleteFirst ? undefined : old, stepDiff);
    }
    return this.updateDynamic(urn, request, inputs, old, stepDiff);
  }

  private async createDynamic(
    urn: string,
    request: RegistrationRequest,
    inputs: PropertyBag,
    op: "create" | "replace",
    replacedLater?: ResourceState,
    diff?: StepDiff,
  ): Promise<RegistrationResult> {
    if (this.context.preview) {
      const outputs = cloneValue(inputs);
      markSecretOutputs(outputs, request.additionalSecretOutputs);
      this.registered.push({ ...this.baseState(urn, request), inputs, outputs });
      this.addStep(op, urn, request.type, false, diff);
      return { urn, id: "", object: outputs };
    }
    const host = await this.context.providerHost();
    try {
      const created = await host.create(urn, unwrapBag(inputs));
      const outputs = created.outs;
      annotateSecrets(outputs, inputs);
      markSecretOutputs(outputs, request.additionalSecretOutputs);
      this.registered.push({ ...this.baseState(urn, request), id: created.id, inputs, outputs });
      this.addStep(op, urn, request.type, false, diff);
      if (replacedLater !== undefined) {
        this.replacedOld.push(replacedLater);
      }
      return { urn, id: created.id, object: outputs };
    } catch (error) {
      if (this.recordPartial(urn, request, inputs, error, op, diff) && replacedLater !== undefined) {
        this.replacedOld.push(replacedLater);
      }
      return this.fail(urn, `creating ${urn}: ${errorDetails(error)}`);
    }
  }

  private async updateDynamic(
    urn: string,
    request: RegistrationRequest,
    inputs: PropertyBag,
    old: ResourceState,
    diff: StepDiff,
  ): Promise<RegistrationResult> {
    const id = old.id ?? "";
    if (this.context.preview) {
      const outputs = cloneValue(inputs);
      markSecretOutputs(outputs, request.additionalSecretOutputs);
      this.registered.push({ ...this.baseState(urn, request), id, inputs, outputs });
      this.addStep("update", urn, request.type, false, diff);
      return { urn, id, object: outputs };
    }
    const host = await this.context.providerHost();
    try {
      const updated = await host.update(urn, id, unwrapBag(old.outputs), unwrapBag(inputs), unwrapBag(old.inputs));
      const outputs = updated.outs;
      annotateSecrets(outputs, inputs);
      markSecretOutputs(outputs, request.additionalSecretOutputs);
      this.registered.push({ ...this.baseState(urn, request), id, inputs, outputs });
      this.addStep("update", urn, request.type, false, diff);
      return { urn, id, object: outputs };
    } catch (error) {
      if (!this.recordPartial(urn, request, inputs, error, "update", diff)) {
        // The update did not happen: the resource keeps its previous state.
        this.registered.push(old);
      }
      return this.fail(urn, `updating ${urn}: ${errorDetails(error)}`);
    }
  }

  /** Records a resource the provider reported as created/updated but not initialized. True when it did. */
  private recordPartial(urn: string, request: RegistrationRequest, inputs: PropertyBag, error: unknown, op: StepOp, diff?: StepDiff): boolean {
    const failure = error instanceof HostCallError ? error.initFailure : undefined;
    if (failure === undefined || !failure.id) {
      this.addStep(op, urn, request.type, true, diff);
      return false;
    }
    const outputs = failure.properties;
    annotateSecrets(outputs, inputs);
    markSecretOutputs(outputs, request.additionalSecretOutputs);
    this.registered.push({ ...this.baseState(urn, request), id: failure.id, inputs, outputs, initErrors: failure.reasons });
    this.addStep(op, urn, request.type, true, diff);
    return true;
  }

  private async readNow(type: string, name: string, parent: string, id: string, properties: PropertyBag): Promise<RegistrationResult> {
    const urn = makeUrn(this.context.stack, this.context.project, parent, type, name);
    let outputs: PropertyBag;
    if (isDynamicType(type)) {
      const host = await this.context.providerHost();
      const read = await this.call(urn, "read", () => host.read(urn, id, unwrapBag(properties)));
      if (!read.id) {
        this.fail(urn, `reading ${urn}: resource '${id}' does not exist`);
      }
      outputs = read.props;
    } else {
      const plain = unwrapBag(properties);
      outputs = splitMockedId(withoutUndefined(this.context.mocks?.(type, name, cloneValue(plain)) ?? plain) as PropertyBag).outputs;
    }
    annotateSecrets(outputs, properties);
    const resource: ResourceState = {
      urn,
      type,
      custom: true,
      id,
      ...(parent ? { parent } : {}),
      inputs: {},
      outputs,
      dependencies: [],
      external: true,
    };
    this.registered.push(resource);
    this.addStep("read", urn, type);
    return { urn, id, object: outputs };
  }

  private async call<T>(urn: string, what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof StepError) {
        throw error;
      }
      return this.fail(urn, `${what} ${urn}: ${errorDetails(error)}`);
    }
  }
}

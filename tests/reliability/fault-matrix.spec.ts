/**
 * Fault matrix: every provider operation × every fault the emulator injects, through Pulumi's real dynamic-provider
 * host, asserting the outcome declared in fault-cases.ts and, for every cell, what must never happen: a duplicate, an
 * orphan (an object in AEP the engine would not know about), a half-applied change, or a secret in an error message.
 * Two matrices: the base connection's operations, and those of every dataflow object (source and target
 * connections, datasets, mapping sets, flows), each built on the objects it refers to.
 */
import { strict as assert } from "node:assert";
import { sources } from "../../provider/sources";
import type { ObjectTypeName } from "../../provider/objects";
import { HostCallError, type PropertyBag, type ProviderHost, type ResourceInitFailure } from "../../harness/provider-host";
import { allVariants, inputsFor, secretValues, urnOf, type Variant } from "../../harness/rig";
import { createObjects, futureStart, NEEDS, ObjectHost, objectInputs, PIPELINE_TYPES, pipelineSources, type HostObject, type PipelineOptions } from "../../harness/pipeline-rig";
import { declaredContent, objectContents, withoutIds, type ObjectContent } from "../../harness/object-content";
import { pipelineFixtures } from "../fixtures/pipelines";
import { expectedMessage, faultCases, operations, type FaultCase, type Outcome, type Shape, type Target, type Targets } from "./fault-cases";
import { bearerTokens, startReliabilityRig, startRigHost, stopReliabilityRig, storeContent, waitFor, type ConnectionContent, type ReliabilityRig } from "../../harness/reliability-rig";

const variants = allVariants();
const TRANSPORT = { httpTimeoutMs: 1_000, retryBaseMs: 10 };

/** One prepared call: what AEP must hold once it is applied, and how to check what it returns. */
interface Prepared<C> {
  send: () => Promise<unknown>;
  targets: Targets;
  /** AEP's whole content once the declared state is applied (compared without ids). */
  declared: Omit<C, "id">[];
  /** Extra checks of a successful call's result. */
  checkResult?: (result: unknown) => void;
  /** Extra checks of a failure's message. */
  checkError?: (details: string) => void;
  /** The next run after a failure recorded by id, from what the engine recorded. @default none: AEP must hold the declared state already */
  resume?: (recorded: ResourceInitFailure) => Promise<unknown>;
  /** Secret values the error must not carry (besides the AEP credential and tokens). */
  secrets: string[];
}

/** One row of a matrix: an operation, and the shape that decides its outcome. */
interface Row {
  label: string;
  shape: Shape;
  /** An object a dataflow can use, so that AEP refuses its delete (see FaultCase.inUse). */
  usable?: boolean;
}

interface Matrix<R extends Row, C extends { id: string }> {
  title: string;
  /** The summary line's name, e.g. "fault matrix". */
  name: string;
  rows: readonly R[];
  /** A cell's test title, e.g. "create (synapse)". */
  cellTitle(row: R, cell: number): string;
  /** Builds the state before the call without faults, and returns the call to make. */
  prepare(row: R, faultCase: FaultCase, cell: number): Promise<Prepared<C>>;
  /** What AEP holds now. */
  content(): C[];
}

/** The collection route of each dataflow object type, as the emulator logs it. */
const ROUTES: Readonly<Record<Exclude<ObjectTypeName, "BaseConnection">, string>> = {
  SourceConnection: "/sourceConnections",
  Dataset: "/catalog/dataSets",
  TargetConnection: "/targetConnections",
  MappingSet: "/conversion/mappingSets",
  Dataflow: "/flows",
};

/** A flow's enable/disable action, whichever flow (a create's is not known before it is made). */
const ACTION_ROUTE = /^\/flows\/[^/]+\/action$/;

/** One operation of a dataflow object type; an update says what it changes. */
interface ObjectRow extends Row {
  type: Exclude<ObjectTypeName, "BaseConnection">;
  /** The new inputs of an update, from the object and the pipeline it is part of (which it may update first). */
  change?: (object: HostObject, made: Partial<Record<ObjectTypeName, HostObject>>, context: { name: string; source: keyof typeof pipelineFixtures; objects: ObjectHost }) => Promise<PropertyBag>;
}

/** A new display name, and a description removed (a JSON Patch "remove" cannot simply be sent again). */
const renamed = (object: HostObject, { name }: { name: string }): PropertyBag => {
  const { description: _removed, ...inputs } = object.inputs;
  return { ...inputs, name };
};

const OBJECT_ROWS: readonly ObjectRow[] = [
  { type: "SourceConnection", label: "create", shape: "create" },
  { type: "SourceConnection", label: "read", shape: "read" },
  { type: "SourceConnection", label: "update (rename, description removed: PATCH)", shape: "update", change: async (o, _m, c) => renamed(o, c) },
  { type: "SourceConnection", label: "delete", shape: "delete", usable: true },
  { type: "Dataset", label: "create", shape: "create" },
  { type: "Dataset", label: "read", shape: "read" },
  { type: "Dataset", label: "delete", shape: "delete" },
  { type: "TargetConnection", label: "create", shape: "create" },
  { type: "TargetConnection", label: "read", shape: "read" },
  { type: "TargetConnection", label: "update (rename, description removed: PATCH)", shape: "update", change: async (o, _m, c) => renamed(o, c) },
  { type: "TargetConnection", label: "delete", shape: "delete", usable: true },
  { type: "MappingSet", label: "create", shape: "create" },
  { type: "MappingSet", label: "read", shape: "read" },
  {
    type: "MappingSet",
    label: "update (other mappings and a new name: PUT, version + 1)",
    shape: "checked-write",
    change: async (o, _m, { name, source }) => ({ ...o.inputs, name, mappings: pipelineFixtures[source].otherMappings }),
  },
  { type: "MappingSet", label: "rename (PUT)", shape: "checked-write", change: async (o, _m, { name }) => ({ ...o.inputs, name }) },
  { type: "MappingSet", label: "delete", shape: "delete", usable: true },
  { type: "Dataflow", label: "create", shape: "create" },
  { type: "Dataflow", label: "create disabled (POST, then disable)", shape: "create-then-checked-write" },
  { type: "Dataflow", label: "read (renamed in the AEP UI)", shape: "read" },
  {
    type: "Dataflow",
    label: "update (schedule, the mapping set's new version, rename, description removed: PATCH)",
    shape: "update",
    // The mapping set gets a new version first (no fault), as a pipeline whose mappings change does.
    change: async (o, made, context) => ({
      ...renamed(o, context),
      schedule: { frequency: "day", interval: 2, startTime: futureStart() + 3600 },
      mappingVersion: (await context.objects.update(made.MappingSet!, { ...made.MappingSet!.inputs, mappings: pipelineFixtures[context.source].otherMappings })).outs["version"],
    }),
  },
  { type: "Dataflow", label: "disable (action)", shape: "checked-write", change: async (o) => ({ ...o.inputs, enabled: false }) },
  { type: "Dataflow", label: "delete", shape: "delete" },
];

describe("fault matrix: provider operations × injected faults, through the dynamic-provider host", function () {
  this.timeout(60_000);
  let rig: ReliabilityRig;
  let objects: ObjectHost;
  const extraHosts: ProviderHost[] = [];

  before(async () => {
    rig = await startReliabilityRig(TRANSPORT);
    objects = await ObjectHost.on(rig.hosts[0]!);
  });
  after(async () => {
    await stopReliabilityRig(rig);
  });
  beforeEach(() => {
    rig.emulator.clearFaults();
    rig.emulator.store.clear();
    rig.emulator.dataflows.clear();
  });
  afterEach(async () => {
    await Promise.all(extraHosts.splice(0).map((host) => host.stop()));
  });

  describeMatrix<Row & { operation: (typeof operations)[number] }, ConnectionContent>({
    title: "base connections",
    name: "fault matrix",
    rows: operations.map((operation) => ({ label: operation, shape: operation, operation, usable: operation === "delete" })),
    cellTitle: (row, cell) => `${row.label} (${variants[cell % variants.length]!.source})`,
    prepare: (row, faultCase, cell) => prepareConnection(row.operation, variants[cell % variants.length]!, faultCase),
    content: () => storeContent(rig.emulator),
  });

  describeMatrix<ObjectRow, ObjectContent>({
    title: "dataflow objects",
    name: "fault matrix (dataflow objects)",
    rows: OBJECT_ROWS,
    cellTitle: (row, cell) => `${row.type} ${row.label} (${sourceOf(cell)})`,
    prepare: (row, faultCase, cell) => prepareObject(row, faultCase, cell),
    content: () => objectContents(rig.emulator),
  });

  function describeMatrix<R extends Row, C extends { id: string }>(matrix: Matrix<R, C>): void {
    describe(matrix.title, () => {
      const tally = { cells: 0, ok: 0, error: 0, recorded: 0, converges: 0, notApplicable: 0 };
      after(() => {
        const run = tally.ok + tally.error + tally.recorded + tally.converges;
        console.log(
          `      ${matrix.name}: ${matrix.rows.length} operations × ${faultCases.length} faults = ${tally.cells} cells, ` +
            `${run} passed (${tally.ok} ok, ${tally.error} clear error with AEP unchanged, ${tally.recorded} recorded by id, ` +
            `${tally.converges} converge on the next run), ${tally.notApplicable} not applicable`,
        );
      });
      let cellIndex = 0;
      for (const faultCase of faultCases) {
        describe(faultCase.label, () => {
          for (const row of matrix.rows) {
            tally.cells += 1;
            const outcome = faultCase.inUse === true && row.usable !== true ? undefined : faultCase.expect[row.shape];
            if (outcome === undefined) {
              tally.notApplicable += 1;
              continue;
            }
            const cell = cellIndex++;
            it(`${matrix.cellTitle(row, cell)} → ${describeOutcome(outcome)}`, async () => {
              await runCell(matrix, faultCase, outcome, await matrix.prepare(row, faultCase, cell));
              tally[outcome.kind] += 1;
            });
          }
        });
      }
    });
  }

  async function runCell<C extends { id: string }>(matrix: Matrix<Row, C>, faultCase: FaultCase, outcome: Outcome, prepared: Prepared<C>): Promise<void> {
    const before = matrix.content();
    rig.emulator.clearRequests();
    const plan = faultCase.plan(prepared.targets);
    if (plan.expireTokensFirst) rig.emulator.expireTokens();
    for (const fault of plan.faults) rig.emulator.inject(fault);

    const pending = prepared.send().then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
    if (plan.expireTokensDuringMain) {
      await waitFor(() => rig.emulator.requests.some((r) => r.fault === "latency"), "the held request");
      rig.emulator.expireTokens();
    }
    const settled = await pending;
    rig.emulator.clearFaults();
    const after = matrix.content();
    const requests = rig.emulator.requests.map((r) => `${r.method} ${r.route} ${r.status}${r.fault ? ` (${r.fault})` : ""}`).join(", ");
    if (faultCase.inUse === true) {
      assert.ok(rig.emulator.requests.some((r) => r.method === "DELETE" && r.status >= 400 && r.status < 500), `AEP refused the delete (requests: ${requests})`);
    } else {
      assert.ok(rig.emulator.requests.some((r) => r.fault !== undefined), `the fault was applied (requests: ${requests})`);
    }

    // Never a duplicate, never an orphan: every object in AEP is one the engine knew or now learns.
    const learned = "result" in settled ? resultId(settled.result) : (settled.error as HostCallError).initFailure?.id;
    const known = new Set([...before.map((c) => c.id), ...(learned ? [learned] : [])]);
    const orphans = after.filter((c) => !known.has(c.id));
    assert.deepEqual(orphans, [], "no object in AEP that the engine does not know about");
    assert.ok(after.length <= Math.max(before.length, prepared.declared.length), "no duplicate");

    if (outcome.kind === "ok") {
      if ("error" in settled) assert.fail(`expected success, got: ${messageOf(settled.error)}`);
      assert.deepEqual(withoutIds(after), withoutIds(prepared.declared), "AEP holds the declared state");
      prepared.checkResult?.(settled.result);
      return;
    }
    const message = expectedMessage(outcome.message, prepared.targets.main);
    if ("result" in settled) assert.fail(`expected a failure matching ${message}, got success`);
    const error = settled.error;
    assert.ok(error instanceof HostCallError, `a provider error (got ${messageOf(error)})`);
    assert.match(error.details, message);
    prepared.checkError?.(error.details);
    const secrets = [...prepared.secrets, rig.emulator.client.clientSecret, ...bearerTokens(rig.emulator)];
    for (const secret of secrets) {
      assert.ok(!error.details.includes(secret) && !JSON.stringify(error.initFailure ?? {}).includes(secret), "the error carries no secret");
    }

    if (outcome.kind === "error") {
      assert.equal(error.initFailure, undefined, "nothing was written, so there is nothing to record");
      assert.deepEqual(after, before, "AEP is unchanged");
    } else if (outcome.kind === "recorded") {
      assert.ok(error.initFailure, "the error carries the object for the engine to record");
      assert.ok(after.some((c) => c.id === error.initFailure!.id), "the recorded id is the object in AEP");
      if (prepared.resume !== undefined) await prepared.resume(error.initFailure);
      assert.deepEqual(withoutIds(matrix.content()), withoutIds(prepared.declared), "the write was applied as a whole, or the next run applies it");
    } else {
      assert.ok(
        isDeepEqual(after, before) || isDeepEqual(withoutIds(after), withoutIds(prepared.declared)),
        "AEP holds the old or the new state as a whole, never a mix",
      );
      rig.emulator.clearRequests();
      const again = await prepared.send().then(
        (result) => ({ result }),
        (e: unknown) => ({ error: e }),
      );
      if ("error" in again) assert.fail(`the next run should converge, got: ${messageOf(again.error)}`);
      assert.deepEqual(withoutIds(matrix.content()), withoutIds(prepared.declared), "the next run converges to the declared state");
    }
  }

  // ---- base connections ----

  function declaredConnection(variant: Variant, name: string, params: Record<string, unknown>, description?: string): Omit<ConnectionContent, "id"> {
    return {
      sandboxName: "prod",
      name,
      description,
      connectionSpecId: sources[variant.source].connectionSpec.id,
      specName: variant.specName,
      params,
    };
  }

  async function createQuietly(variant: Variant, name: string, urn: string, extra: PropertyBag = {}) {
    const checked = await rig.hosts[0]!.check(urn, {}, inputsFor(variant, name, extra));
    assert.deepEqual(checked.failures, []);
    const created = await rig.hosts[0]!.create(urn, checked.inputs);
    return { ...created, checked: checked.inputs };
  }

  async function prepareConnection(operation: (typeof operations)[number], variant: Variant, faultCase: FaultCase): Promise<Prepared<ConnectionContent>> {
    const host = rig.hosts[0]!;
    const label = faultCase.label;
    const urn = urnOf(`${operation}-${label.replace(/\W+/g, "-")}`);
    const name = `matrix ${operation}`;
    const spec = sources[variant.source].connectionSpec.id;
    const secrets = secretValues(variant);
    switch (operation) {
      case "create": {
        // Each create cell is a run of its own: a fresh host (and so a fresh shared listing), its own identity.
        const fresh = await startRigHost(rig, TRANSPORT);
        extraHosts.push(fresh);
        const checked = await fresh.check(urn, {}, inputsFor(variant, name, {}, label));
        return {
          send: () => fresh.create(urn, checked.inputs),
          targets: { main: { method: "POST", route: "/connections" }, lookup: { method: "GET", route: "/connections" } },
          declared: [declaredConnection(variant, name, variant.params)],
          checkResult: (result) => {
            const { id, outs } = result as { id: string; outs: PropertyBag };
            assert.deepEqual(rig.emulator.store.list().map((c) => c.id), [id], "the engine learns the id of the one connection in AEP");
            assert.equal(outs["name"], name);
          },
          secrets,
        };
      }
      case "adopt": {
        const existing = rig.emulator.store.seed({ name: "made by hand", connectionSpecId: spec, specName: variant.specName, params: variant.rotated });
        const checked = await host.check(urn, {}, inputsFor(variant, name, { adopt: existing.id }));
        const route = `/connections/${existing.id}`;
        return {
          send: () => host.create(urn, checked.inputs),
          targets: { main: { method: "PATCH", route } },
          declared: [declaredConnection(variant, name, variant.params)],
          checkResult: (result) => assert.equal((result as { id: string }).id, existing.id),
          secrets,
        };
      }
      case "read": {
        const { id, outs } = await createQuietly(variant, name, urn);
        rig.emulator.store.modify(id, { name: "renamed in the AEP UI" });
        return {
          send: () => host.read(urn, id, outs),
          targets: { main: { method: "GET", route: `/connections/${id}` } },
          declared: [declaredConnection(variant, "renamed in the AEP UI", variant.params)],
          checkResult: (result) => {
            const read = result as { id: string; props: PropertyBag };
            assert.equal(read.id, id);
            assert.equal(read.props["name"], "renamed in the AEP UI", "refresh reports the drift");
          },
          secrets,
        };
      }
      case "update": {
        // Rename, rotate the secrets and drop the description: a JSON Patch "remove" cannot simply be sent again.
        const { id, outs } = await createQuietly(variant, name, urn, { description: "to be removed" });
        const news = inputsFor({ ...variant, params: variant.rotated }, `${name} v2`);
        const checked = await host.check(urn, {}, news);
        return {
          send: () => host.update(urn, id, outs, checked.inputs),
          targets: { main: { method: "PATCH", route: `/connections/${id}` } },
          declared: [declaredConnection(variant, `${name} v2`, variant.rotated)],
          checkResult: (result) => {
            assert.equal((result as { outs: PropertyBag }).outs["etag"], rig.emulator.store.get(id)?.etag, "the engine's etag is AEP's");
          },
          secrets,
        };
      }
      case "delete": {
        const { id, outs } = await createQuietly(variant, name, urn);
        if (faultCase.inUse === true) rig.emulator.store.markInUse(id);
        return {
          send: () => host.delete(urn, id, outs),
          targets: { main: { method: "DELETE", route: `/connections/${id}` } },
          declared: [],
          secrets,
        };
      }
    }
  }

  // ---- dataflow objects ----

  function sourceOf(cell: number) {
    return pipelineSources[cell % pipelineSources.length]!.source;
  }

  async function prepareObject(row: ObjectRow, faultCase: FaultCase, cell: number): Promise<Prepared<ObjectContent>> {
    const { type } = row;
    const source = sourceOf(cell);
    // A sandbox per cell: its creates share a listing of their own, as a fresh run's do.
    const sandboxName = `matrix-${cell}`;
    const name = `cell ${cell}`;
    const options: PipelineOptions = { sandboxName };
    const route = ROUTES[type];
    const inputs = (made: Partial<Record<ObjectTypeName, HostObject>>, overrides: PropertyBag = {}) =>
      objects.withIdentity(type, name, { ...objectInputs(type, source, name, made, options), ...overrides });
    const declared = (object: { inputs: PropertyBag }) => declaredContent(type, object.inputs, sandboxName);
    const others = (id: string) => objectContents(rig.emulator).filter((c) => c.id !== id);
    const aep = (id: string) => objectContents(rig.emulator).find((c) => c.id === id);
    const secrets = secretValues(variants.find((v) => v.source === source)!);

    if (row.shape === "create" || row.shape === "create-then-checked-write") {
      const made = await createObjects(objects, source, name, NEEDS[type], options);
      const checked = await objects.checked(type, name, inputs(made, row.shape === "create" ? {} : { enabled: false }));
      return {
        send: () => objects.createChecked(type, name, checked),
        targets: {
          main: row.shape === "create" ? { method: "POST", route } : { method: "POST", route: ACTION_ROUTE },
          lookup: { method: "GET", route },
        },
        declared: [...objectContents(rig.emulator), { id: "", ...declared({ inputs: checked }) }],
        checkResult: (result) => {
          const created = result as HostObject;
          const ofType = objectContents(rig.emulator).filter((c) => c.type === type);
          assert.deepEqual(ofType.map((c) => c.id), [created.id], "the engine learns the id of the one object in AEP");
        },
        resume: (recorded) => objects.updateChecked({ type, name, id: recorded.id, outs: recorded.properties, inputs: checked }, checked),
        secrets,
      };
    }

    // Every other operation starts from the object in AEP (used by a dataflow, for the in-use cells).
    let made = await createObjects(objects, source, name, faultCase.inUse === true ? PIPELINE_TYPES : NEEDS[type], options);
    const object = made[type] ?? (await objects.create(type, name, inputs(made, row.shape === "update" ? { description: "to be removed" } : {})));
    made = { ...made, [type]: object };
    const main = (method: Target["method"], suffix = ""): Targets => ({ main: { method, route: `${route}/${object.id}${suffix}` } });
    switch (row.shape) {
      case "read": {
        if (type === "Dataflow") rig.emulator.dataflows.modifyFlow(object.id, { name: "renamed in the AEP UI" });
        const held = aep(object.id)!;
        return {
          send: () => objects.read(object),
          targets: main("GET"),
          declared: objectContents(rig.emulator),
          checkResult: (result) => {
            const read = result as { id: string; props: PropertyBag };
            assert.equal(read.id, object.id);
            assert.equal(read.props["name"], held.name, "refresh reports what AEP holds");
          },
          secrets,
        };
      }
      case "update":
      case "checked-write": {
        const news = await row.change!(object, made, { name: `${String(object.inputs["name"])} v2`, source, objects });
        const checked = await objects.checked(type, name, news, object.inputs);
        const isPut = type === "MappingSet";
        return {
          send: () => objects.updateChecked(object, checked),
          targets: isPut ? main("PUT") : type === "Dataflow" && row.shape === "checked-write" ? main("POST", "/action") : main("PATCH"),
          declared: [...others(object.id), { id: "", ...declared({ inputs: checked }) }],
          checkResult: (result) => {
            const { outs } = result as HostObject;
            if (isPut) {
              const set = rig.emulator.dataflows.mappingSets().find((m) => m.id === object.id)!;
              assert.equal(outs["version"], set.versions.length - 1, "the engine's version is AEP's current one (the dataflow pins it)");
            } else {
              const etag = [...rig.emulator.dataflows.sourceConnections(), ...rig.emulator.dataflows.targetConnections(), ...rig.emulator.dataflows.flows()].find((o) => o.id === object.id)?.etag;
              assert.equal(outs["etag"], etag, "the engine's etag is AEP's");
            }
          },
          secrets,
        };
      }
      case "delete":
        return {
          send: () => objects.delete(object),
          targets: main("DELETE"),
          declared: others(object.id),
          ...(faultCase.inUse === true ? { checkError: (details: string) => assert.ok(details.includes(made.Dataflow!.id), "the error names the dataflow") } : {}),
          secrets,
        };
      default:
        throw new Error(`no preparation for ${row.shape}`);
    }
  }
});


function resultId(result: unknown): string | undefined {
  return typeof result === "object" && result !== null && typeof (result as { id?: unknown }).id === "string"
    ? (result as { id: string }).id || undefined
    : undefined;
}

function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case "ok":
      return "succeeds, AEP in the declared state";
    case "error":
      return "clear error, AEP unchanged";
    case "recorded":
      return "error carrying the id, engine records it";
    case "converges":
      return "clear error, next run converges";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

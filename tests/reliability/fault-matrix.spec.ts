/**
 * Fault matrix: every provider operation (create, adopt, read, update, delete) × every fault the emulator injects,
 * through Pulumi's real dynamic-provider host, asserting the outcome declared in fault-cases.ts and, for every cell,
 * what must never happen: a duplicate, an orphan (a connection in AEP the engine would not know about), a half-applied
 * change, or a secret in an error message.
 */
import { strict as assert } from "node:assert";
import { sources } from "../../provider/sources";
import { HostCallError, type PropertyBag, type ProviderHost } from "../../harness/provider-host";
import { allVariants, inputsFor, secretValues, urnOf, type Variant } from "../../harness/rig";
import { faultCases, operations, type FaultCase, type Operation, type Outcome, type Targets } from "./fault-cases";
import { bearerTokens, startReliabilityRig, startRigHost, stopReliabilityRig, storeContent, waitFor, type ConnectionContent, type ReliabilityRig } from "../../harness/reliability-rig";

const variants = allVariants();
const TRANSPORT = { httpTimeoutMs: 1_000, retryBaseMs: 10 };

/** One prepared call: the state the engine holds before it, and what AEP must hold once it is applied. */
interface Prepared {
  send: () => Promise<unknown>;
  targets: Targets;
  /** Ids the engine knows before the call. */
  knownIds: string[];
  /** AEP content once the declared state is applied; ids omitted for a create (not known yet). */
  declared: Omit<ConnectionContent, "id">[];
  /** Extra checks of a successful call's result. */
  checkResult?: (result: unknown, rig: ReliabilityRig) => void;
}

function withoutIds(content: ConnectionContent[]): Omit<ConnectionContent, "id">[] {
  return content.map(({ id: _id, ...rest }) => rest);
}

function declaredContent(variant: Variant, name: string, params: Record<string, unknown>, description?: string): Omit<ConnectionContent, "id"> {
  return {
    sandboxName: "prod",
    name,
    description,
    connectionSpecId: sources[variant.source].connectionSpec.id,
    specName: variant.specName,
    params,
  };
}

describe("fault matrix: provider operations × injected faults, through the dynamic-provider host", function () {
  this.timeout(60_000);
  let rig: ReliabilityRig;
  const tally = { cells: 0, ok: 0, error: 0, recorded: 0, converges: 0, notApplicable: 0 };

  before(async () => {
    rig = await startReliabilityRig(TRANSPORT);
  });
  after(async () => {
    await stopReliabilityRig(rig);
    const run = tally.ok + tally.error + tally.recorded + tally.converges;
    console.log(
      `      fault matrix: ${operations.length} operations × ${faultCases.length} faults = ${tally.cells} cells, ` +
        `${run} passed (${tally.ok} ok, ${tally.error} clear error with AEP unchanged, ${tally.recorded} recorded by id, ` +
        `${tally.converges} converge on the next run), ${tally.notApplicable} not applicable`,
    );
  });

  async function createQuietly(variant: Variant, name: string, urn: string, extra: PropertyBag = {}) {
    const checked = await rig.hosts[0]!.check(urn, {}, inputsFor(variant, name, extra));
    assert.deepEqual(checked.failures, []);
    const created = await rig.hosts[0]!.create(urn, checked.inputs);
    return { ...created, checked: checked.inputs };
  }

  /** Builds the state before the call without faults, and returns the call to make. */
  async function prepare(operation: Operation, variant: Variant, label: string): Promise<Prepared> {
    const host = rig.hosts[0]!;
    const urn = urnOf(`${operation}-${label.replace(/\W+/g, "-")}`);
    const name = `matrix ${operation}`;
    const spec = sources[variant.source].connectionSpec.id;
    switch (operation) {
      case "create": {
        // Each create cell is a run of its own: a fresh host (and so a fresh shared listing), its own identity.
        const fresh = await startRigHost(rig, TRANSPORT);
        extraHosts.push(fresh);
        const checked = await fresh.check(urn, {}, inputsFor(variant, name, {}, label));
        return {
          send: () => fresh.create(urn, checked.inputs),
          targets: { main: { method: "POST", route: "/connections" }, lookup: { method: "GET", route: "/connections" } },
          knownIds: [],
          declared: [declaredContent(variant, name, variant.params)],
          checkResult: (result) => {
            const { id, outs } = result as { id: string; outs: PropertyBag };
            assert.deepEqual(rig.emulator.store.list().map((c) => c.id), [id], "the engine learns the id of the one connection in AEP");
            assert.equal(outs["name"], name);
          },
        };
      }
      case "adopt": {
        const existing = rig.emulator.store.seed({ name: "made by hand", connectionSpecId: spec, specName: variant.specName, params: variant.rotated });
        const checked = await host.check(urn, {}, inputsFor(variant, name, { adopt: existing.id }));
        const route = `/connections/${existing.id}`;
        return {
          send: () => host.create(urn, checked.inputs),
          targets: { main: { method: "PATCH", route } },
          knownIds: [existing.id],
          declared: [declaredContent(variant, name, variant.params)],
          checkResult: (result) => assert.equal((result as { id: string }).id, existing.id),
        };
      }
      case "read": {
        const { id, outs } = await createQuietly(variant, name, urn);
        rig.emulator.store.modify(id, { name: "renamed in the AEP UI" });
        return {
          send: () => host.read(urn, id, outs),
          targets: { main: { method: "GET", route: `/connections/${id}` } },
          knownIds: [id],
          declared: [declaredContent(variant, "renamed in the AEP UI", variant.params)],
          checkResult: (result) => {
            const read = result as { id: string; props: PropertyBag };
            assert.equal(read.id, id);
            assert.equal(read.props["name"], "renamed in the AEP UI", "refresh reports the drift");
          },
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
          knownIds: [id],
          declared: [declaredContent(variant, `${name} v2`, variant.rotated)],
          checkResult: (result) => {
            assert.equal((result as { outs: PropertyBag }).outs["etag"], rig.emulator.store.get(id)?.etag, "the engine's etag is AEP's");
          },
        };
      }
      case "delete": {
        const { id, outs } = await createQuietly(variant, name, urn);
        return {
          send: () => host.delete(urn, id, outs),
          targets: { main: { method: "DELETE", route: `/connections/${id}` } },
          knownIds: [id],
          declared: [],
        };
      }
    }
  }

  const extraHosts: ProviderHost[] = [];
  beforeEach(() => {
    rig.emulator.clearFaults();
    rig.emulator.store.clear();
  });
  afterEach(async () => {
    await Promise.all(extraHosts.splice(0).map((host) => host.stop()));
  });

  let cellIndex = 0;
  for (const faultCase of faultCases) {
    describe(faultCase.label, () => {
      for (const operation of operations) {
        tally.cells += 1;
        const outcome = faultCase.expect[operation];
        if (outcome === undefined) {
          tally.notApplicable += 1;
          continue;
        }
        const variant = variants[cellIndex++ % variants.length]!;
        it(`${operation} (${variant.source}) → ${describeOutcome(outcome)}`, async () => {
          await runCell(faultCase, operation, outcome, variant);
          tally[outcome.kind] += 1;
        });
      }
    });
  }

  async function runCell(faultCase: FaultCase, operation: Operation, outcome: Outcome, variant: Variant): Promise<void> {
    const prepared = await prepare(operation, variant, faultCase.label);
    const before = storeContent(rig.emulator);
    rig.emulator.clearRequests();
    const plan = faultCase.plan(prepared.targets, operation);
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
    const after = storeContent(rig.emulator);
    const faultsApplied = rig.emulator.requests.filter((r) => r.fault !== undefined).length;
    assert.ok(faultsApplied > 0, `the fault was applied (requests: ${rig.emulator.requests.map((r) => `${r.method} ${r.route} ${r.status}`).join(", ")})`);

    // Never a duplicate, never an orphan: every connection in AEP is one the engine knew or now learns.
    const learned = "result" in settled ? resultId(settled.result) : (settled.error as HostCallError).initFailure?.id;
    const known = new Set([...prepared.knownIds, ...(learned ? [learned] : [])]);
    const orphans = after.filter((c) => !known.has(c.id));
    assert.deepEqual(orphans, [], "no connection in AEP that the engine does not know about");
    assert.ok(after.length <= Math.max(before.length, prepared.declared.length), "no duplicate");

    if (outcome.kind === "ok") {
      if ("error" in settled) assert.fail(`expected success, got: ${messageOf(settled.error)}`);
      assert.deepEqual(withoutIds(after), prepared.declared, "AEP holds the declared state");
      prepared.checkResult?.(settled.result, rig);
      return;
    }
    if ("result" in settled) assert.fail(`expected a failure matching ${outcome.message}, got success`);
    const error = settled.error;
    assert.ok(error instanceof HostCallError, `a provider error (got ${messageOf(error)})`);
    assert.match(error.details, outcome.message);
    assertNoSecrets(error.details, variant);

    if (outcome.kind === "error") {
      assert.equal(error.initFailure, undefined, "nothing was written, so there is nothing to record");
      assert.deepEqual(after, before, "AEP is unchanged");
    } else if (outcome.kind === "recorded") {
      assert.ok(error.initFailure, "the error carries the connection for the engine to record");
      assert.deepEqual(withoutIds(after), prepared.declared, "the write was applied as a whole");
      assert.ok(after.some((c) => c.id === error.initFailure!.id), "the recorded id is the connection in AEP");
      assert.equal(error.initFailure.properties["name"], prepared.declared[0]?.name);
    } else {
      assert.ok(
        isDeepEqual(after, before) || isDeepEqual(withoutIds(after), prepared.declared),
        "AEP holds the old or the new state as a whole, never a mix",
      );
      rig.emulator.clearRequests();
      const again = await prepared.send().then(
        (result) => ({ result }),
        (e: unknown) => ({ error: e }),
      );
      if ("error" in again) assert.fail(`the next run should converge, got: ${messageOf(again.error)}`);
      assert.deepEqual(withoutIds(storeContent(rig.emulator)), prepared.declared, "the next run converges to the declared state");
    }
  }

  function assertNoSecrets(text: string, variant: Variant): void {
    const secrets = [...secretValues(variant), rig.emulator.client.clientSecret, ...bearerTokens(rig.emulator)];
    for (const secret of secrets) assert.ok(!text.includes(secret), "the error message carries no secret");
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

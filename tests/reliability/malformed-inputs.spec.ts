/**
 * Malformed inputs: a generated corpus (malformed-corpus.ts) of at least 200 bad BaseConnection inputs across every
 * source and auth variant, and at least 200 more over the dataflow objects (SourceConnection, Dataset,
 * TargetConnection, MappingSet, Dataflow), each sent through the real dynamic-provider host's Check RPC with its
 * type's provider. Every one must be rejected at check, with a failure naming the broken property and never quoting a
 * secret, and not one HTTP request may reach AEP or IMS.
 */
import { strict as assert } from "node:assert";
import { allVariants, urnOf } from "../../harness/rig";
import { ObjectHost } from "../../harness/pipeline-rig";
import type { CheckResult } from "../../harness/provider-host";
import { dataflowMalformedCases, malformedCases, type MalformedCase } from "./malformed-corpus";
import { startReliabilityRig, stopReliabilityRig, type ReliabilityRig } from "../../harness/reliability-rig";

const variants = allVariants();
const cases = malformedCases(variants);
const objectCases = dataflowMalformedCases();
const DATAFLOW_TYPES = ["SourceConnection", "Dataset", "TargetConnection", "MappingSet", "Dataflow"] as const;

describe("malformed inputs are rejected at check, before any request", function () {
  this.timeout(120_000);
  let rig: ReliabilityRig;

  before(async () => {
    rig = await startReliabilityRig();
  });
  after(async () => {
    await stopReliabilityRig(rig);
  });

  it(`the corpus holds at least 200 cases over every source and auth variant (${cases.length})`, () => {
    assert.ok(cases.length >= 200, `${cases.length} cases`);
    for (const variant of variants) {
      const prefix = `${variant.source} / ${variant.specName}`;
      assert.ok(cases.filter((c) => c.title.startsWith(prefix)).length >= 20, `${prefix} has its share of cases`);
    }
  });

  it(`the dataflow corpus holds at least 200 more cases over the five object types (${objectCases.length})`, () => {
    assert.ok(objectCases.length >= 200, `${objectCases.length} cases`);
    for (const type of DATAFLOW_TYPES) assert.ok(objectCases.filter((c) => c.type === type).length >= 40, `${type} has its share of cases`);
    assert.equal(new Set(objectCases.map((c) => c.title)).size, objectCases.length, "every case is a different one");
  });

  it("rejects every case, naming the property, without quoting secrets or sending a request", async () => {
    await checkAll(cases, (malformed, index) => rig.hosts[0]!.check(urnOf(`malformed-${index}`), {}, malformed.inputs));
  });

  it("rejects every dataflow object case the same way, through each type's provider", async () => {
    const objects = await ObjectHost.on(rig.hosts[0]!);
    await checkAll(objectCases, (malformed, index) => objects.check(malformed.type!, `malformed-${index}`, malformed.inputs));
  });

  async function checkAll(corpus: readonly MalformedCase[], check: (malformed: MalformedCase, index: number) => Promise<CheckResult>): Promise<void> {
    rig.emulator.clearRequests();
    const accepted: string[] = [];
    const misnamed: string[] = [];
    const leaking: string[] = [];
    for (const [index, malformed] of corpus.entries()) {
      const result = await check(malformed, index);
      if (result.failures.length === 0) {
        accepted.push(malformed.title);
        continue;
      }
      if (!result.failures.some((failure) => failure.property === malformed.property)) {
        misnamed.push(`${malformed.title}: expected ${malformed.property}, got ${result.failures.map((f) => f.property).join(", ")}`);
      }
      const secretValue = malformed.secretValue;
      const reasons = result.failures.map((failure) => failure.reason).join("\n");
      const secrets = variants.flatMap((v) => v.secretParams.map((name) => String(v.params[name])));
      if ((secretValue !== undefined && secretValue.length >= 8 && reasons.includes(secretValue)) || secrets.some((s) => reasons.includes(s))) {
        leaking.push(malformed.title);
      }
    }
    assert.deepEqual(accepted, [], "every malformed input is rejected");
    assert.deepEqual(misnamed, [], "each rejection names the broken property");
    assert.deepEqual(leaking, [], "no failure reason quotes a secret");
    assert.deepEqual(rig.emulator.requests.map((r) => `${r.method} ${r.path}`), [], "check sent nothing to AEP or IMS");
  }
});

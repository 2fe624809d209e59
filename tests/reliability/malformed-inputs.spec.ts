/**
 * Malformed inputs: a generated corpus (malformed-corpus.ts) of at least 200 bad inputs across every source and auth
 * variant, each sent through the real dynamic-provider host's Check RPC. Every one must be rejected at check, with a
 * failure naming the broken property and never quoting a secret, and not one HTTP request may reach AEP or IMS.
 */
import { strict as assert } from "node:assert";
import { allVariants, urnOf } from "../../harness/rig";
import { malformedCases } from "./malformed-corpus";
import { startReliabilityRig, stopReliabilityRig, type ReliabilityRig } from "../../harness/reliability-rig";

const variants = allVariants();
const cases = malformedCases(variants);

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

  it("rejects every case, naming the property, without quoting secrets or sending a request", async () => {
    const accepted: string[] = [];
    const misnamed: string[] = [];
    const leaking: string[] = [];
    for (const [index, malformed] of cases.entries()) {
      const result = await rig.hosts[0]!.check(urnOf(`malformed-${index}`), {}, malformed.inputs);
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
  });
});

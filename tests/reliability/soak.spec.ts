/**
 * The soak run in small (80 operations over 6 connections and 30 over 2 pipelines, in each of two stacks with the
 * same names, hosts killed at random): random transient faults on a fifth of the requests, concurrent operations
 * through the dynamic-provider host, and afterwards AEP must match the engine's state exactly, and hold nothing of
 * the pipelines after their final destroy. The full-size run is `npm run soak`.
 */
import { strict as assert } from "node:assert";
import { formatSoakReport, runSoak, type SoakReport } from "../../scripts/soak/soak";

describe("soak (small): concurrent operations under random faults leave AEP consistent", function () {
  this.timeout(120_000);
  let report: SoakReport;

  before(async () => {
    report = await runSoak({ operations: 80, connections: 6, pipelines: 2, pipelineOperations: 30, parallelism: 4, retryBaseMs: 20, httpTimeoutMs: 1_000, stacks: 2, killRate: 0.03 });
    console.log(formatSoakReport(report).replace(/^/gm, "      "));
  });

  it("ran every operation kind, with faults injected and retried", () => {
    const total = Object.values(report.operations).reduce((a, b) => a + b, 0);
    assert.equal(total, 80 + report.finalCreates);
    for (const kind of ["create", "update", "read", "delete"] as const) assert.ok(report.operations[kind] > 0, `${kind} ran`);
    assert.ok(report.faultedRequests > 0, "faults were injected");
    assert.equal(report.faultedRequests, Object.values(report.faults).reduce((a, b) => a + b, 0), "the emulator applied every fault drawn");
    assert.ok(report.retries > 0, "requests were retried");
    assert.ok(report.hostKills > 0, "provider hosts were killed mid-operation");
  });

  it("two stacks with the same names and killed hosts: 0 duplicates, 0 orphans, 0 shared ids, 0 lost updates, 0 missing, 0 secrets", () => {
    const { duplicates, orphans, sharedIds, lostUpdates, missing, problems } = report.consistency;
    assert.deepEqual(
      { duplicates, orphans, sharedIds, lostUpdates, missing, secretLeaks: report.secretLeaks },
      { duplicates: 0, orphans: 0, sharedIds: 0, lostUpdates: 0, missing: 0, secretLeaks: 0 },
      problems.join("\n"),
    );
  });

  it("pipelines: created, changed in place, replaced, refreshed and destroyed, under the same faults", () => {
    const pipelines = report.pipelines!;
    for (const kind of ["up", "update", "replace", "refresh", "destroy"] as const) assert.ok(pipelines.operations[kind] > 0, `${kind} ran`);
    assert.ok(pipelines.replacements > 0, "objects were replaced");
    assert.equal(Object.values(pipelines.operations).reduce((a, b) => a + b, 0), 30);
    assert.ok(pipelines.objects >= 12, `objects were made (${pipelines.objects})`);
  });

  it("pipelines in two stacks with the same names: 0 duplicates, 0 orphans, 0 shared ids, 0 lost updates, 0 missing, 0 taken, all converged, 0 left after destroy", () => {
    const { duplicates, orphans, sharedIds, lostUpdates, missing, taken, notConverged, leftAfterDestroy, problems } = report.pipelines!.consistency;
    assert.deepEqual(
      { duplicates, orphans, sharedIds, lostUpdates, missing, taken, notConverged, leftAfterDestroy },
      { duplicates: 0, orphans: 0, sharedIds: 0, lostUpdates: 0, missing: 0, taken: 0, notConverged: 0, leftAfterDestroy: 0 },
      problems.join("\n"),
    );
  });
});

/**
 * One benchmark run through the dynamic-provider host: create, preview (check + diff), update and delete every
 * connection of the workload with `parallelism` concurrent gRPC calls, each phase timed on its own and checked
 * against the emulator's store (a benchmark of calls that silently failed would be worthless).
 */
import { strict as assert } from "node:assert";
import type { PropertyBag } from "../../harness/provider-host";
import { processCpuMs, processMemory, runPool, timed } from "./measure";
import { requestsSince, startBenchRig, stopRig, workload, type BenchRig, type LatencySettings, type WorkloadItem } from "./rig";

/** What one timed phase did. */
export interface PhaseResult {
  wallMs: number;
  /** Flow Service requests (IMS excluded), by HTTP method. */
  flowByMethod: Record<string, number>;
  flowRequests: number;
  /** IMS token requests during the phase. */
  tokenRequests: number;
  /** CPU time the provider host used during the phase, ms (undefined for the naive client, which has no host). */
  hostCpuMs?: number;
}

/** A preview: check + diff of every connection; nothing may reach AEP. */
export interface PreviewResult {
  wallMs: number;
  /** Every HTTP request the emulator received during the preview (IMS included). */
  httpRequests: number;
  /** How many diffs reported changes (the expected number is given by the scenario). */
  changed: number;
  /** CPU time the provider host used during the preview, ms. */
  hostCpuMs: number;
}

export interface LifecycleResult {
  create: PhaseResult;
  update: PhaseResult;
  delete: PhaseResult;
  /** Preview of the unchanged stack (right after create): every diff must say "none". */
  previewUnchanged?: PreviewResult;
  /** Preview of the rename (before update): every diff must say "some". */
  previewRename?: PreviewResult;
  /** emulator.stats() at the end of the run. */
  totals: { tokenRequests: number; tcpConnections: number; requests: number };
  /** Host VmHWM at the end of the run, KiB. */
  hostPeakRssKiB: number;
}

export interface LifecycleOptions extends LatencySettings {
  connections: number;
  parallelism: number;
  /** Also time the two previews. */
  withPreview: boolean;
}

interface Created {
  item: WorkloadItem;
  id: string;
  checked: PropertyBag;
  outs: PropertyBag;
}

async function phase(rig: BenchRig, action: () => Promise<void>): Promise<PhaseResult> {
  const from = rig.emulator.requests.length;
  const cpuBefore = processCpuMs(rig.hostPid);
  const { ms } = await timed(action);
  const hostCpuMs = processCpuMs(rig.hostPid) - cpuBefore;
  const { flow, ims, byMethod } = requestsSince(rig.emulator, from);
  return { wallMs: ms, flowByMethod: byMethod, flowRequests: flow.length, tokenRequests: ims.length, hostCpuMs };
}

async function preview(
  rig: BenchRig,
  connections: readonly Created[],
  parallelism: number,
  news: (created: Created) => PropertyBag,
): Promise<PreviewResult> {
  const before = rig.emulator.stats().requests;
  const cpuBefore = processCpuMs(rig.hostPid);
  const { ms, result } = await timed(() =>
    runPool(connections, parallelism, async (created) => {
      const checked = await rig.host.check(created.item.urn, created.checked, news(created));
      assert.deepEqual(checked.failures, [], `check of ${created.item.urn}`);
      return rig.host.diff(created.item.urn, created.id, created.outs, checked.inputs, created.checked);
    }),
  );
  return {
    wallMs: ms,
    httpRequests: rig.emulator.stats().requests - before,
    changed: result.filter((diff) => diff.changes !== "none").length,
    hostCpuMs: processCpuMs(rig.hostPid) - cpuBefore,
  };
}

/** Runs the whole lifecycle once, on a fresh emulator and a fresh host. */
export async function runLifecycle(options: LifecycleOptions): Promise<LifecycleResult> {
  const rig = await startBenchRig(options);
  try {
    const items = workload(options.connections);
    // The engine checks inputs before it creates; check sends no request, so it is not part of the create figure.
    const checked = await runPool(items, options.parallelism, async (item) => {
      const result = await rig.host.check(item.urn, {}, item.inputs);
      assert.deepEqual(result.failures, [], `check of ${item.urn}`);
      return result.inputs;
    });

    let created: Created[] = [];
    const create = await phase(rig, async () => {
      created = await runPool(items, options.parallelism, async (item, index) => {
        const { id, outs } = await rig.host.create(item.urn, checked[index]!);
        return { item, id, checked: checked[index]!, outs };
      });
    });
    assert.equal(rig.emulator.store.list().length, items.length, "every connection exists in AEP after create");

    let previewUnchanged: PreviewResult | undefined;
    let previewRename: PreviewResult | undefined;
    if (options.withPreview) {
      previewUnchanged = await preview(rig, created, options.parallelism, (c) => c.item.inputs);
      assert.equal(previewUnchanged.changed, 0, "a preview of an unchanged stack shows no change");
      previewRename = await preview(rig, created, options.parallelism, (c) => c.item.renamed);
      assert.equal(previewRename.changed, created.length, "a preview of the rename shows every connection changing");
    }

    const renamedInputs = await runPool(created, options.parallelism, async (c) => (await rig.host.check(c.item.urn, c.checked, c.item.renamed)).inputs);
    let updated: PropertyBag[] = [];
    const update = await phase(rig, async () => {
      updated = await runPool(created, options.parallelism, async (c, index) => {
        const { outs } = await rig.host.update(c.item.urn, c.id, c.outs, renamedInputs[index]!, c.checked);
        return outs;
      });
    });
    for (const c of created) {
      assert.match(rig.emulator.store.get(c.id)?.name ?? "", /\(renamed\)$/, `connection ${c.id} was renamed in AEP`);
    }

    const remove = await phase(rig, async () => {
      await runPool(created, options.parallelism, (c, index) => rig.host.delete(c.item.urn, c.id, updated[index]!, renamedInputs[index]!));
    });
    assert.equal(rig.emulator.store.list().length, 0, "every connection is gone after delete");

    const result: LifecycleResult = {
      create,
      update,
      delete: remove,
      totals: rig.emulator.stats(),
      hostPeakRssKiB: processMemory(rig.hostPid).peakRssKiB,
    };
    if (previewUnchanged) result.previewUnchanged = previewUnchanged;
    if (previewRename) result.previewRename = previewRename;
    return result;
  } finally {
    await stopRig(rig);
  }
}

/**
 * Peak RSS of the provider host process with many connections: one host creates, previews (check + diff) and
 * deletes `connections` connections, `parallelism` at a time; VmHWM of the host is read from /proc after each
 * step, so the report shows where the peak is reached.
 */
import { strict as assert } from "node:assert";
import type { PropertyBag } from "../../harness/provider-host";
import { processMemory, runPool } from "./measure";
import { startBenchRig, stopRig, workload, type LatencySettings } from "./rig";

export interface MemoryResult {
  /** VmHWM after Configure, before any connection (module loading, gRPC server), KiB. */
  afterConfigureKiB: number;
  /** VmHWM after every connection was created, KiB. */
  afterCreateKiB: number;
  /** VmHWM after the preview of every connection, KiB. */
  afterPreviewKiB: number;
  /** VmHWM at the end (everything deleted): the peak of the whole run, KiB. */
  peakKiB: number;
  /** VmRSS at the end, KiB (what the host keeps once the work is done). */
  finalRssKiB: number;
}

export async function runMemory(options: LatencySettings & { connections: number; parallelism: number }): Promise<MemoryResult> {
  const rig = await startBenchRig(options);
  try {
    const afterConfigureKiB = processMemory(rig.hostPid).peakRssKiB;
    const items = workload(options.connections, "memory");
    const created = await runPool(items, options.parallelism, async (item) => {
      const checked = await rig.host.check(item.urn, {}, item.inputs);
      const { id, outs } = await rig.host.create(item.urn, checked.inputs);
      return { item, id, inputs: checked.inputs, outs };
    });
    assert.equal(rig.emulator.store.list().length, items.length, "every connection exists");
    const afterCreateKiB = processMemory(rig.hostPid).peakRssKiB;
    await runPool(created, options.parallelism, async (c) => {
      const checked = await rig.host.check(c.item.urn, c.inputs, c.item.inputs);
      const diff = await rig.host.diff(c.item.urn, c.id, c.outs, checked.inputs, c.inputs);
      assert.equal(diff.changes, "none");
    });
    const afterPreviewKiB = processMemory(rig.hostPid).peakRssKiB;
    await runPool(created, options.parallelism, (c) => rig.host.delete(c.item.urn, c.id, c.outs as PropertyBag, c.inputs));
    assert.equal(rig.emulator.store.list().length, 0, "every connection is gone");
    const end = processMemory(rig.hostPid);
    return { afterConfigureKiB, afterCreateKiB, afterPreviewKiB, peakKiB: end.peakRssKiB, finalRssKiB: end.rssKiB };
  } finally {
    await stopRig(rig);
  }
}

/**
 * What the emulator holds, looked up as a user would in AEP: how many objects of each type, a flow by id, and the
 * mapping set version a flow runs with. Shared by the demo and the tests that run whole programs.
 */
import type { Emulator, StoredFlow } from "../emulator";

/** How many objects of each type AEP holds (every sandbox). */
export interface AepObjectCounts {
  baseConnections: number;
  datasets: number;
  sourceConnections: number;
  targetConnections: number;
  mappingSets: number;
  flows: number;
}

export function aepObjectCounts(emulator: Emulator): AepObjectCounts {
  const d = emulator.dataflows;
  return {
    baseConnections: emulator.store.list().length,
    datasets: d.datasets().length,
    sourceConnections: d.sourceConnections().length,
    targetConnections: d.targetConnections().length,
    mappingSets: d.mappingSets().length,
    flows: d.flows().length,
  };
}

/** The flow `id`, or an error saying AEP does not hold it. */
export function flowOf(emulator: Emulator, id: string): StoredFlow {
  const flow = emulator.dataflows.flows().find((f) => f.id === id);
  if (flow === undefined) throw new Error(`AEP holds no flow ${id}`);
  return flow;
}

/** The mapping set and version the flow's Mapping transformation pins (version -1 when it has none). */
export function pinnedMapping(flow: StoredFlow): { mappingId: string; mappingVersion: number } {
  const mapping = flow.transformations.find((t) => (t as { name?: unknown }).name === "Mapping") as { params?: { mappingId?: string; mappingVersion?: number | string } } | undefined;
  return { mappingId: mapping?.params?.mappingId ?? "", mappingVersion: Number(mapping?.params?.mappingVersion ?? -1) };
}

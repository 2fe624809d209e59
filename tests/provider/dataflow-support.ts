/**
 * What the dataflow-object provider specs share: one emulator and host per spec file, a fresh host for "a new
 * `pulumi up`", the Flow Service calls a step made, and the marker AEP holds.
 */
import { strict as assert } from "node:assert";
import type { Emulator } from "../../emulator";
import { ObjectHost, type HostObject } from "../../harness/pipeline-rig";
import type { PropertyBag } from "../../harness/provider-host";
import { startRigHost } from "../../harness/reliability-rig";
import { startRig, stopRig, type Rig } from "../../harness/rig";

/** The spec's rig and its object host; every test starts from an empty emulator. */
export function useObjectRig(): { rig: () => Rig; objects: () => ObjectHost } {
  let rig: Rig | undefined;
  let objects: ObjectHost | undefined;
  before(async function () {
    this.timeout(60_000);
    rig = await startRig();
    objects = await ObjectHost.on(rig.host);
  });
  after(async () => {
    await stopRig(rig);
  });
  beforeEach(() => {
    rig!.emulator.store.clear();
    rig!.emulator.dataflows.clear();
    rig!.emulator.clearFaults();
    rig!.emulator.clearRequests();
  });
  return { rig: () => rig!, objects: () => objects! };
}

/**
 * Runs `work` on a provider host of its own, as a new `pulumi up` would (nothing in memory: no listing, no ids
 * learnt), then stops it.
 */
export async function inNewRun<T>(rig: Rig, work: (objects: ObjectHost) => Promise<T>): Promise<T> {
  const host = await startRigHost(rig);
  try {
    return await work(await ObjectHost.on(host));
  } finally {
    await host.stop();
  }
}

/**
 * The Flow Service, Catalog and Data Prep calls since the last `clearRequests`, as `METHOD /route` with ids as
 * `{id}`, and the action's op: e.g. `POST /flows/{id}/action?op=disable`.
 */
export function calls(emulator: Emulator): string[] {
  return emulator.requests
    .filter((r) => r.kind === "flow")
    .map((r) => {
      const route = r.route.replace(/\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24}|[0-9a-f]{32})(?=\/|$)/gi, "/{id}");
      const op = r.query["op"]?.[0];
      return `${r.method} ${route}${op === undefined ? "" : `?op=${op}`}`;
    });
}

/** `calls` sorted, for steps whose calls run concurrently. */
export function sortedCalls(emulator: Emulator): string[] {
  return calls(emulator).sort();
}

/** The marker a create with `identity` leaves at the end of the object's description (a mapping set's name). */
export function markerOf(identity: unknown): string {
  assert.equal(typeof identity, "string", "the object was created with an identity");
  return `[pulumi:${String(identity)}]`;
}

/** The object as a refresh left it in state: the read's outputs in place of the stored ones. */
export function refreshed(object: HostObject, props: PropertyBag): HostObject {
  return { ...object, outs: props };
}

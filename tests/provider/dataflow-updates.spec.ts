/**
 * Changes to the dataflow objects through Pulumi's real dynamic-provider host, against the emulator: what changes in
 * place (and what AEP holds after it), what replaces (exactly which paths), and what a refresh finds after changes
 * made outside Pulumi.
 */
import { strict as assert } from "node:assert";
import type { DataflowAdmin } from "../../emulator";
import { createPipeline, futureStart, pipelineInputs, type HostObject, type PipelineOptions } from "../../harness/pipeline-rig";
import type { PropertyBag } from "../../harness/provider-host";
import type { SourceKey } from "../../provider/sources";
import { pipelineFixtures } from "../fixtures/pipelines";
import { calls, markerOf, refreshed, useObjectRig } from "./dataflow-support";

const OTHER_GUID = "0b8224e4-0de8-4293-8224-e40de80293c6";
/** The `keys` of `bag`. */
function pick(bag: PropertyBag, keys: string[]): PropertyBag {
  return Object.fromEntries(keys.map((key) => [key, bag[key]]));
}

const OTHER_SCHEMA = "https://ns.adobe.com/acmeemulator/schemas/0000000000000000000000000000beef";

describe("dataflow objects through the dynamic-provider host: updates, replacements, refresh", function () {
  this.timeout(60_000);
  const { rig, objects } = useObjectRig();
  const aep = () => rig().emulator.dataflows;

  /** An update the diff says is in place: changes, no replacement. */
  async function inPlace(object: HostObject, inputs: PropertyBag): Promise<HostObject> {
    const diff = await objects().diff(object, inputs);
    assert.deepEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: "some", replaces: [] }, `${object.type}: in place`);
    return objects().update(object, inputs);
  }

  /** The next `pulumi up` has nothing to do. */
  async function settled(object: HostObject): Promise<void> {
    const diff = await objects().diff(object, object.inputs);
    assert.deepEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: "none", replaces: [] }, `${object.type}: settled`);
  }

  /** The paths a change to `inputs` replaces. */
  async function replaces(object: HostObject, inputs: PropertyBag): Promise<string[]> {
    const diff = await objects().diff(object, inputs);
    assert.equal(diff.changes, "some");
    return diff.replaces;
  }

  function storedFlow(id: string) {
    return aep().flows().find((f) => f.id === id)!;
  }

  describe("in place", () => {
    it("source and target connections: rename and describe (PATCH with If-Match), then drop the description", async () => {
      const pipeline = await createPipeline(objects(), "synapse", "orders");
      const stored = {
        SourceConnection: (id: string) => aep().sourceConnections().find((c) => c.id === id)!,
        TargetConnection: (id: string) => aep().targetConnections().find((c) => c.id === id)!,
      };
      for (const type of ["SourceConnection", "TargetConnection"] as const) {
        const object = pipeline[type];
        const marker = markerOf(object.inputs["identity"]);
        const etag = stored[type](object.id).etag;
        rig().emulator.clearRequests();
        const described = await inPlace(object, { ...object.inputs, name: `${String(object.inputs["name"])} v2`, description: "nightly orders" });
        const [patch, ...others] = rig().emulator.requests.filter((r) => r.kind === "flow");
        assert.equal(others.length, 0, "one request");
        assert.equal(patch!.method, "PATCH");
        assert.equal(patch!.headers["if-match"], etag, "If-Match: the etag state holds");
        const after = stored[type](object.id);
        assert.deepEqual({ name: after.name, description: after.description }, { name: `${String(object.inputs["name"])} v2`, description: `nightly orders ${marker}` });
        assert.deepEqual({ name: described.outs["name"], description: described.outs["description"], etag: described.outs["etag"] }, { name: after.name, description: "nightly orders", etag: after.etag });
        await settled(described);

        const { description: _description, ...undescribed } = described.inputs;
        const plain = await inPlace(described, undescribed);
        assert.equal(stored[type](object.id).description, marker, "only the marker is left");
        assert.ok(!("description" in plain.outs));
        await settled(plain);
      }
    });

    it("mapping set: new mappings make version 1 in AEP; the dataflow moves to it", async () => {
      const pipeline = await createPipeline(objects(), "sql-server", "orders");
      const otherMappings = pipelineFixtures["sql-server"].otherMappings;
      const remapped = await inPlace(pipeline.MappingSet, { ...pipeline.MappingSet.inputs, mappings: otherMappings });
      const set = aep().mappingSets()[0]!;
      assert.deepEqual(
        set.versions.map((v) => v.version),
        [0, 1],
        "the old version is kept",
      );
      assert.deepEqual(
        set.versions[1]!.mappings.map((m) => [m.source, m.destination]),
        otherMappings.map((m) => [m.source, m.destination]),
      );
      assert.equal(remapped.outs["version"], 1);
      await settled(remapped);
      assert.equal(storedFlow(pipeline.Dataflow.id).transformations.length, 2, "the flow still pins version 0 until it is moved");

      const moved = await inPlace(pipeline.Dataflow, { ...pipeline.Dataflow.inputs, mappingVersion: remapped.outs["version"] });
      assert.deepEqual(storedFlow(pipeline.Dataflow.id).transformations, [
        { name: "Copy", params: { deltaColumn: { name: "updated_at", dateFormat: "yyyy-MM-dd HH:mm:ss", timezone: "UTC" } } },
        { name: "Mapping", params: { mappingId: pipeline.MappingSet.id, mappingVersion: 1 } },
      ]);
      assert.equal(moved.outs["mappingVersion"], 1);
      await settled(moved);
    });

    it("dataflow: schedule frequency, interval and backfill, a start still ahead, name and description", async () => {
      const start = futureStart();
      const pipeline = await createPipeline(objects(), "adls-gen2", "files", { schedule: { frequency: "hour", interval: 1, startTime: start } });
      let flow = pipeline.Dataflow;
      const steps: { change: PropertyBag; scheduleParams: PropertyBag }[] = [
        { change: { schedule: { frequency: "minute", interval: 15, startTime: start, backfill: false } }, scheduleParams: { frequency: "minute", interval: 15, startTime: start, backfill: false } },
        { change: { schedule: { frequency: "week", interval: 2, startTime: start + 86_400 } }, scheduleParams: { frequency: "week", interval: 2, startTime: start + 86_400 } },
        { change: { name: "files flow v2", description: "weekly" }, scheduleParams: { frequency: "week", interval: 2, startTime: start + 86_400 } },
      ];
      for (const { change, scheduleParams } of steps) {
        flow = await inPlace(flow, { ...flow.inputs, ...change });
        const stored = storedFlow(flow.id);
        assert.deepEqual(stored.scheduleParams, scheduleParams, JSON.stringify(change));
        assert.deepEqual(flow.outs["schedule"], scheduleParams);
        assert.equal(flow.outs["etag"], stored.etag);
        await settled(flow);
      }
      assert.deepEqual({ name: storedFlow(flow.id).name, description: storedFlow(flow.id).description }, { name: "files flow v2", description: `weekly ${markerOf(flow.inputs["identity"])}` });
      assert.equal(aep().flows().length, 1);
    });

    it("dataflow: enabled false disables it in AEP, true enables it again; created with enabled false, it ends disabled", async () => {
      const pipeline = await createPipeline(objects(), "databricks", "orders");
      const disabled = await inPlace(pipeline.Dataflow, { ...pipeline.Dataflow.inputs, enabled: false });
      assert.equal(storedFlow(disabled.id).state, "disabled");
      assert.deepEqual([disabled.outs["state"], disabled.outs["enabled"]], ["disabled", false]);
      await settled(disabled);
      const enabled = await inPlace(disabled, { ...disabled.inputs, enabled: true });
      assert.equal(storedFlow(enabled.id).state, "enabled");
      assert.deepEqual([enabled.outs["state"], enabled.outs["enabled"]], ["enabled", true]);
      await settled(enabled);

      const paused = await createPipeline(objects(), "table-storage", "paused", { enabled: false });
      assert.equal(storedFlow(paused.Dataflow.id).state, "disabled");
      assert.deepEqual([paused.Dataflow.outs["state"], paused.Dataflow.outs["enabled"], paused.Dataflow.outs["etag"]], ["disabled", false, storedFlow(paused.Dataflow.id).etag]);
      await settled(paused.Dataflow);
      const read = await objects().read(paused.Dataflow);
      await settled(refreshed(paused.Dataflow, read.props));
    });
  });

  describe("replacements", () => {
    it("diff replaces exactly the changed paths that AEP cannot change in place", async () => {
      const pipeline = await createPipeline(objects(), "sql-server", "orders");
      const { SourceConnection, Dataset, TargetConnection, MappingSet, Dataflow } = pipeline;
      const cases: [HostObject, PropertyBag, string[]][] = [
        [SourceConnection, { table: { tableName: "dbo.customers" } }, ["table.tableName"]],
        [SourceConnection, { table: { tableName: "dbo.orders", columns: [{ name: "id", type: "string" }] } }, ["table.columns"]],
        [SourceConnection, { baseConnectionId: OTHER_GUID }, ["baseConnectionId"]],
        [SourceConnection, { source: "synapse" }, ["source"]],
        [SourceConnection, { sandboxName: "dev" }, ["sandboxName"]],
        [Dataset, { schemaId: OTHER_SCHEMA }, ["schemaId"]],
        [Dataset, { name: "orders dataset v2" }, ["name"]],
        [TargetConnection, { datasetId: "6019e0e7c5dcf718db5ebc71" }, ["datasetId"]],
        [MappingSet, { schemaId: OTHER_SCHEMA }, ["schemaId"]],
        [Dataflow, { sourceConnectionId: OTHER_GUID }, ["sourceConnectionId"]],
        [Dataflow, { targetConnectionId: OTHER_GUID }, ["targetConnectionId"]],
        [Dataflow, { deltaColumn: { name: "created_at" } }, ["deltaColumn"]],
        [Dataflow, { sandboxName: "dev" }, ["sandboxName"]],
        // In place while the start is ahead (the "dataflow" in-place test writes it).
        [Dataflow, { schedule: { frequency: "hour", interval: 1, startTime: futureStart() + 3600 } }, []],
      ];
      for (const [object, change, paths] of cases) {
        assert.deepEqual(await replaces(object, { ...object.inputs, ...change }), paths, `${object.type} ${JSON.stringify(change)}`);
      }
    });

    it("ADLS Gen2: a change of file format or type replaces the source connection", async () => {
      const base = await objects().create("BaseConnection", "lake", objects().withIdentity("BaseConnection", "lake", pipelineInputs.BaseConnection("adls-gen2", "lake")));
      const json = { path: "/acme-customers/orders/2026-01.json", format: "json" };
      const source = await objects().create("SourceConnection", "lake", objects().withIdentity("SourceConnection", "lake", { source: "adls-gen2", name: "lake", baseConnectionId: base.id, file: json }));
      assert.deepEqual(await replaces(source, { ...source.inputs, file: { ...json, format: "parquet" } }), ["file.format"]);
      assert.deepEqual(await replaces(source, { ...source.inputs, file: { ...json, type: "folder" } }), ["file.type"]);
      await settled(source);
    });

    it("a start time that has passed: its change replaces the dataflow; the rest of the schedule still changes in place", async () => {
      const past = Math.floor(Date.now() / 1000) - 3600;
      const pipeline = await createPipeline(objects(), "synapse", "started", { schedule: { frequency: "hour", interval: 1, startTime: past } });
      const flow = pipeline.Dataflow;
      assert.deepEqual(await replaces(flow, { ...flow.inputs, schedule: { frequency: "hour", interval: 1, startTime: past + 7200 } }), ["schedule.startTime"]);
      const daily = await inPlace(flow, { ...flow.inputs, schedule: { frequency: "day", interval: 1, startTime: past } });
      assert.deepEqual(storedFlow(flow.id).scheduleParams, { frequency: "day", interval: 1, startTime: past });
      await settled(daily);
      // A flow created with a past start runs at once: a refresh reads its latest run, which is no change.
      const [run, ...more] = aep().runs(flow.id);
      assert.equal(more.length, 0);
      const read = await objects().read(daily);
      assert.equal(read.props["lastRunId"], run!.id);
      assert.match(String(read.props["lastRunStatus"]), /^(inProgress|success)$/, "the run takes a minute on the emulator clock");
      await settled(refreshed(daily, read.props));
    });
  });

  describe("refresh after changes outside Pulumi", () => {
    const drifts: {
      title: string;
      source: SourceKey;
      options: PipelineOptions;
      change: Parameters<DataflowAdmin["modifyFlow"]>[1];
      /** What the refresh reads, and what AEP holds after the next up (the declared state). */
      read: PropertyBag;
      restored: PropertyBag;
      calls: string[];
    }[] = [
      {
        title: "a flow disabled in the AEP UI: the refresh shows it, the next up enables it with one action",
        source: "sql-server",
        options: {},
        change: { state: "disabled" },
        read: { state: "disabled", enabled: false },
        restored: { state: "enabled" },
        calls: ["POST /flows/{id}/action?op=enable"],
      },
      {
        title: "a flow declared disabled and enabled in the AEP UI: the refresh shows it, the next up disables it again",
        source: "table-storage",
        options: { enabled: false },
        change: { state: "enabled" },
        read: { state: "enabled", enabled: true },
        restored: { state: "disabled" },
        calls: ["POST /flows/{id}/action?op=disable"],
      },
      {
        title: "a flow renamed in the AEP UI: the refresh shows the name, the next up renames it back",
        source: "adls-gen2",
        options: {},
        change: { name: "renamed in the UI" },
        read: { name: "renamed in the UI" },
        restored: { name: "drift flow" },
        calls: ["PATCH /flows/{id}"],
      },
    ];
    for (const drift of drifts) {
      it(drift.title, async () => {
        const pipeline = await createPipeline(objects(), drift.source, "drift", drift.options);
        rig().emulator.dataflows.modifyFlow(pipeline.Dataflow.id, drift.change);
        const read = await objects().read(pipeline.Dataflow);
        assert.deepEqual(pick(read.props, Object.keys(drift.read)), drift.read);
        assert.equal(read.props["etag"], storedFlow(pipeline.Dataflow.id).etag);
        rig().emulator.clearRequests();
        const restored = await inPlace(refreshed(pipeline.Dataflow, read.props), pipeline.Dataflow.inputs);
        assert.deepEqual(calls(rig().emulator), drift.calls);
        assert.deepEqual(pick(storedFlow(pipeline.Dataflow.id) as unknown as PropertyBag, Object.keys(drift.restored)), drift.restored);
        await settled(restored);
      });
    }

    it("an object deleted outside Pulumi: the refresh reports it gone; an update says to run pulumi refresh", async () => {
      const pipeline = await createPipeline(objects(), "databricks", "orders");
      const { BaseConnection: _base, ...dataflowObjects } = pipeline;
      const changes: Record<Exclude<HostObject["type"], "BaseConnection">, PropertyBag> = {
        SourceConnection: { name: "renamed" },
        Dataset: {},
        TargetConnection: { name: "renamed" },
        MappingSet: { mappings: pipelineFixtures.databricks.otherMappings },
        Dataflow: { name: "renamed" },
      };
      for (const object of Object.values(dataflowObjects) as HostObject[]) {
        rig().emulator.dataflows.remove(object.id);
        const read = await objects().read(object);
        assert.equal(read.id, "", `${object.type}: an empty id tells the engine it is gone`);
        const change = changes[object.type as keyof typeof changes];
        if (Object.keys(change).length === 0) continue; // a dataset has no in-place change
        await assert.rejects(objects().update(object, { ...object.inputs, ...change }), new RegExp(`${object.id}.*pulumi refresh`, "s"), object.type);
      }
      await assert.rejects(objects().update(pipeline.Dataflow, { ...pipeline.Dataflow.inputs, enabled: false }), /pulumi refresh/, "a flow's enabled alone");
    });
  });
});

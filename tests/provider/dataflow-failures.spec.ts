/**
 * The dataflow objects through Pulumi's real dynamic-provider host when things go wrong, against the emulator:
 * concurrent edits (412) during an update, creates whose answer is lost, objects an interrupted earlier run left,
 * look-alikes that are not this resource's, and replacements.
 */
import { strict as assert } from "node:assert";
import { createPipeline, pipelineInputs, type HostObject, type ObjectHost, type Pipeline } from "../../harness/pipeline-rig";
import type { PropertyBag } from "../../harness/provider-host";
import { identityOf } from "../../harness/rig";
import type { ObjectTypeName } from "../../provider/objects";
import type { SourceKey } from "../../provider/sources";
import { pipelineFixtures } from "../fixtures/pipelines";
import { calls, inNewRun, markerOf, useObjectRig } from "./dataflow-support";

type DataflowType = Exclude<ObjectTypeName, "BaseConnection">;

/** Where each type is created, as the emulator's request log and faults see it. */
const ROUTES: Record<DataflowType, string> = {
  SourceConnection: "/sourceConnections",
  Dataset: "/catalog/dataSets",
  TargetConnection: "/targetConnections",
  MappingSet: "/conversion/mappingSets",
  Dataflow: "/flows",
};

describe("dataflow objects through the dynamic-provider host: concurrent edits, lost answers, earlier runs", function () {
  this.timeout(60_000);
  const { rig, objects } = useObjectRig();
  const aep = () => rig().emulator.dataflows;

  /** What AEP holds of each type. */
  const stored: Record<DataflowType, () => { id: string; name?: string; etag?: string }[]> = {
    SourceConnection: () => aep().sourceConnections(),
    Dataset: () => aep().datasets(),
    TargetConnection: () => aep().targetConnections(),
    MappingSet: () => aep().mappingSets(),
    Dataflow: () => aep().flows(),
  };

  /** Creates through `host` with the identity the resource class gives `name` in `stack`. */
  function create(host: ObjectHost, type: ObjectTypeName, name: string, inputs: PropertyBag, stack = "dev"): Promise<HostObject> {
    return host.create(type, name, { ...inputs, identity: identityOf(`${type}/${name}`, stack) });
  }

  /** The inputs of an object of type `type` for pipeline `name`, from `pipeline`'s source, made after `pipeline`'s objects. */
  function inputsOf(type: DataflowType, pipeline: Pipeline, name: string): PropertyBag {
    const source = pipeline.SourceConnection.inputs["source"] as SourceKey;
    switch (type) {
      case "SourceConnection":
        return pipelineInputs.SourceConnection(source, name, pipeline.BaseConnection.id);
      case "Dataset":
        return pipelineInputs.Dataset(name);
      case "TargetConnection":
        return pipelineInputs.TargetConnection(name, pipeline.Dataset.id);
      case "MappingSet":
        return pipelineInputs.MappingSet(source, name);
      case "Dataflow":
        return pipelineInputs.Dataflow(source, name, {
          sourceConnectionId: pipeline.SourceConnection.id,
          targetConnectionId: pipeline.TargetConnection.id,
          mappingSetId: pipeline.MappingSet.id,
          mappingVersion: 0,
        });
    }
  }

  describe("an update meeting a concurrent edit (412)", () => {
    for (const type of ["SourceConnection", "TargetConnection", "Dataflow"] as const) {
      it(`${type}: re-reads and applies the change once; a second 412 is a clear error and changes nothing`, async () => {
        const pipeline = await createPipeline(objects(), "sql-server", "orders");
        const object = pipeline[type];
        const route = new RegExp(`^${ROUTES[type]}/`);
        const name = (id: string) => stored[type]().find((o) => o.id === id)!.name;
        rig().emulator.inject({ kind: "stale-etag", route, times: 1 });
        rig().emulator.clearRequests();
        const renamed = await objects().update(object, { ...object.inputs, name: "renamed" });
        const path = `${ROUTES[type]}/{id}`;
        assert.deepEqual(calls(rig().emulator), [`PATCH ${path}`, `GET ${path}`, `PATCH ${path}`]);
        assert.deepEqual(
          rig().emulator.requests.filter((r) => r.method === "PATCH").map((r) => r.status),
          [412, 200],
        );
        assert.equal(name(object.id), "renamed");
        assert.equal(renamed.outs["etag"], stored[type]().find((o) => o.id === object.id)!.etag);
        assert.equal((await objects().diff(renamed, renamed.inputs)).changes, "none");

        rig().emulator.inject({ kind: "stale-etag", route, times: 2 });
        await assert.rejects(objects().update(renamed, { ...renamed.inputs, name: "renamed again" }), new RegExp(`${object.id} keeps changing while Pulumi updates it .*FLOW-1404-412`, "s"));
        assert.equal(name(object.id), "renamed");
      });
    }
  });

  describe("crash-safe creates", () => {
    it("a create whose POST AEP applied but whose answer was lost returns that object: no duplicate, for each type", async () => {
      const pipeline = await createPipeline(objects(), "sql-server", "orders");
      const order: DataflowType[] = ["SourceConnection", "Dataset", "MappingSet", "TargetConnection", "Dataflow"];
      for (const type of order) {
        rig().emulator.inject({ kind: "commit-then-fail", route: ROUTES[type], method: "POST" });
        rig().emulator.clearRequests();
        const created = await create(objects(), type, "lost", inputsOf(type, pipeline, "lost"));
        const posts = rig().emulator.requests.filter((r) => r.method === "POST" && r.route === ROUTES[type]);
        assert.deepEqual(
          posts.map((r) => r.status),
          [502],
          `${type}: the POST is never sent again`,
        );
        const made = stored[type]().filter((o) => o.id !== pipeline[type].id);
        assert.deepEqual(
          made.map((o) => o.id),
          [created.id],
          `${type}: exactly one object, the one returned`,
        );
      }
    });

    it("a new run takes over the object an interrupted earlier run left with its marker, and brings it to the declared state", async () => {
      const pipeline = await createPipeline(objects(), "sql-server", "orders");
      // The earlier run: AEP made these, then the run died before Pulumi recorded them; they hold its older inputs.
      const earlier = {
        SourceConnection: await create(objects(), "SourceConnection", "next", { ...inputsOf("SourceConnection", pipeline, "next"), table: { tableName: "dbo.customers" } }),
        TargetConnection: await create(objects(), "TargetConnection", "next", { ...inputsOf("TargetConnection", pipeline, "next"), description: "older" }),
        MappingSet: await create(objects(), "MappingSet", "next", { ...inputsOf("MappingSet", pipeline, "next"), mappings: pipelineFixtures["sql-server"].otherMappings }),
        Dataflow: await create(objects(), "Dataflow", "next", { ...inputsOf("Dataflow", pipeline, "next"), schedule: { frequency: "day", interval: 3, startTime: 1930366800, backfill: false } }),
      };
      const taken = await inNewRun(rig(), async (run) => {
        const result: Partial<Record<keyof typeof earlier, HostObject>> = {};
        for (const type of Object.keys(earlier) as (keyof typeof earlier)[]) {
          // Another create of the type first: the run's listing of the type is then loaded (the first create of a
          // type in a run does not wait for it; see the next test).
          await create(run, type, "first", inputsOf(type, pipeline, "first"));
          rig().emulator.clearRequests();
          const object = await create(run, type, "next", inputsOf(type, pipeline, "next"));
          assert.equal(object.id, earlier[type].id, `${type}: taken over`);
          const writes = calls(rig().emulator).filter((c) => !c.startsWith("GET"));
          assert.deepEqual(writes, [type === "MappingSet" ? `PUT ${ROUTES[type]}/{id}` : `PATCH ${ROUTES[type]}/{id}`], `${type}: brought to the declared state`);
          const read = await run.read(object);
          assert.equal((await run.diff({ ...object, outs: read.props }, object.inputs)).changes, "none", `${type}: AEP holds the declared state`);
          result[type] = object;
        }
        return result as Record<keyof typeof earlier, HostObject>;
      });
      assert.deepEqual(aep().sourceConnections().find((c) => c.id === taken.SourceConnection.id)!.params, { tableName: "dbo.orders" });
      assert.equal(aep().targetConnections().find((c) => c.id === taken.TargetConnection.id)!.description, markerOf(taken.TargetConnection.inputs["identity"]));
      const set = aep().mappingSets().find((m) => m.id === taken.MappingSet.id)!;
      assert.deepEqual(
        set.versions.at(-1)!.mappings.map((m) => [m.source, m.destination]),
        pipelineFixtures["sql-server"].mappings.map((m) => [m.source, m.destination]),
      );
      assert.equal(taken.MappingSet.outs["version"], set.versions.at(-1)!.version);
      const flow = aep().flows().find((f) => f.id === taken.Dataflow.id)!;
      assert.deepEqual(flow.scheduleParams, taken.Dataflow.inputs["schedule"]);
      for (const type of Object.keys(earlier) as (keyof typeof earlier)[]) {
        assert.equal(stored[type]().length, 3, `${type}: the pipeline's, "first" and "next": no duplicate`);
      }
    });

    it("an earlier run's mapping set that already holds the declared mappings is taken over without a new version", async () => {
      const pipeline = await createPipeline(objects(), "adls-gen2", "files");
      const earlier = await create(objects(), "MappingSet", "next", inputsOf("MappingSet", pipeline, "next"));
      const taken = await inNewRun(rig(), async (run) => {
        await create(run, "MappingSet", "first", inputsOf("MappingSet", pipeline, "first"));
        rig().emulator.clearRequests();
        return create(run, "MappingSet", "next", inputsOf("MappingSet", pipeline, "next"));
      });
      assert.equal(taken.id, earlier.id);
      assert.deepEqual(calls(rig().emulator).filter((c) => !c.startsWith("GET")), [], "nothing to write");
      assert.deepEqual(aep().mappingSets().find((m) => m.id === earlier.id)!.versions.map((v) => v.version), [0]);
      assert.equal(taken.outs["version"], 0);
    });

    it("an earlier run's dataset with another description and Profile setting is recorded as AEP holds it, so the next up replaces it", async () => {
      const inputs = pipelineInputs.Dataset("next");
      const earlier = await create(objects(), "Dataset", "next", { ...inputs, description: "older", profileEnabled: true });
      const taken = await inNewRun(rig(), async (run) => {
        await create(run, "Dataset", "first", pipelineInputs.Dataset("first"));
        return create(run, "Dataset", "next", inputs);
      });
      assert.equal(taken.id, earlier.id, "taken over: nothing of a dataset changes in place");
      assert.deepEqual([taken.outs["description"], taken.outs["profileEnabled"]], ["older", true], "state says what AEP holds");
      const diff = await objects().diff(taken, taken.inputs);
      assert.deepEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: "some", replaces: ["description", "profileEnabled"] });
    });

    it("the first create of a type in a new run, with an earlier run's object in AEP, leaves one object in the declared state", async () => {
      const pipeline = await createPipeline(objects(), "sql-server", "orders");
      const older = { frequency: "day", interval: 3, startTime: 1930366800, backfill: false };
      await create(objects(), "Dataflow", "next", { ...inputsOf("Dataflow", pipeline, "next"), schedule: older });
      const flow = await inNewRun(rig(), (run) => create(run, "Dataflow", "next", inputsOf("Dataflow", pipeline, "next")));
      const flows = aep().flows().filter((f) => f.id !== pipeline.Dataflow.id);
      assert.deepEqual(
        flows.map((f) => f.id),
        [flow.id],
        "one flow: the earlier run's was taken over or deleted",
      );
      assert.deepEqual(flows[0]!.scheduleParams, flow.inputs["schedule"]);
    });

    it("an object with the same name but no marker, or another stack's marker, is never taken", async () => {
      const pipeline = await createPipeline(objects(), "sql-server", "orders");
      const order: DataflowType[] = ["SourceConnection", "Dataset", "MappingSet", "TargetConnection", "Dataflow"];
      const lookalikes: string[] = [];
      for (const type of order) {
        const inputs = inputsOf(type, pipeline, "twin");
        lookalikes.push((await objects().create(type, "twin", inputs)).id, (await create(objects(), type, "twin", inputs, "prod")).id);
      }
      const before = order.map((type) => stored[type]().filter((o) => lookalikes.includes(o.id)));
      const ours = await inNewRun(rig(), async (run) => {
        const made: HostObject[] = [];
        for (const type of order) made.push(await create(run, type, "twin", inputsOf(type, pipeline, "twin")));
        return made;
      });
      for (const [i, type] of order.entries()) {
        assert.ok(!lookalikes.includes(ours[i]!.id), `${type}: a new object`);
        assert.equal(stored[type]().length, 4, `${type}: the pipeline's, two look-alikes and ours`);
      }
      assert.deepEqual(
        order.map((type) => stored[type]().filter((o) => lookalikes.includes(o.id))),
        before,
        "the look-alikes are untouched",
      );
    });

    it("a replacement never takes the object it replaces, in a new run or on the host that made the old one", async () => {
      const pipeline = await createPipeline(objects(), "databricks", "orders");
      const replacements: [HostObject, PropertyBag, string[]][] = [
        [pipeline.SourceConnection, { table: { tableName: "default.customers" } }, ["table.tableName"]],
        [pipeline.Dataflow, { deltaColumn: { name: "created_at" } }, ["deltaColumn"]],
      ];
      for (const [object, change, replaced] of replacements) {
        const type = object.type as DataflowType;
        const inputs = { ...object.inputs, ...change };
        // The engine diffs the old object before it creates the replacement (create before delete).
        const replacement = await inNewRun(rig(), async (run) => {
          assert.deepEqual((await run.diff(object, inputs)).replaces, replaced);
          return run.create(type, object.name, inputs);
        });
        assert.notEqual(replacement.id, object.id, `${type}: a new object`);
        assert.deepEqual(stored[type]().map((o) => o.id).sort(), [object.id, replacement.id].sort(), `${type}: the old one is still there until the engine deletes it`);
        await objects().delete(replacement);
        // The same on the host that created the old object, which remembers that create.
        assert.deepEqual((await objects().diff(object, inputs)).replaces, replaced);
        const onSameHost = await objects().create(type, object.name, inputs);
        assert.notEqual(onSameHost.id, object.id, `${type}: a new object on the same host`);
        assert.deepEqual(stored[type]().map((o) => o.id).sort(), [object.id, onSameHost.id].sort());
        await objects().delete(onSameHost);
      }
    });
  });
});

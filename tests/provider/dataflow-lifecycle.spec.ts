/**
 * The five dataflow object types (SourceConnection, Dataset, TargetConnection, MappingSet, Dataflow) through Pulumi's
 * real dynamic-provider host, against the emulator: a whole chain per source with exactly the declared shape in AEP,
 * refresh right after create, destroy in dependency order; check and diff without requests; the calls each
 * operation makes; deletes of gone and of in-use objects.
 */
import { strict as assert } from "node:assert";
import { createPipeline, destroyPipeline, pipelineInputs, pipelineSources, SCHEMA_ID, type HostObject, type Pipeline } from "../../harness/pipeline-rig";
import { unknown, type PropertyBag } from "../../harness/provider-host";
import type { SourceKey } from "../../provider/sources";
import { pipelineFixtures } from "../fixtures/pipelines";
import { calls, inNewRun, markerOf, refreshed, sortedCalls, useObjectRig } from "./dataflow-support";

const CRM_TO_AEP = "14518937-270c-4525-bdec-c2ba7cce3860";
const CLOUD_STORAGE_TO_AEP = "9753525b-82c7-4dce-8a9b-5ccfce2b9876";
const DATA_LAKE = "c604ff05-7f1a-43c0-8e18-33bf874cb11c";

/** What each source's source connection must send as `data` and `params` for the fixtures' reads. */
const EXPECTED_READS: Record<SourceKey, { data: unknown; params: unknown }> = {
  synapse: { data: { format: "tabular" }, params: { tableName: "sales.orders" } },
  "sql-server": { data: { format: "tabular" }, params: { tableName: "dbo.orders" } },
  databricks: { data: { format: "tabular" }, params: { tableName: "default.orders" } },
  "table-storage": { data: { format: "tabular" }, params: { tableName: "orders" } },
  "adls-gen2": { data: { format: "delimited", properties: { columnDelimiter: "," } }, params: { path: "/acme-customers/customers.csv", type: "file" } },
};

/** A schedule with an ISO start (06:00 at +01:00 = 1930366800 epoch seconds), far enough ahead that no run starts. */
const SCHEDULE = { frequency: "day", interval: 1, startTime: "2031-03-04T06:00:00+01:00", backfill: true };
const SCHEDULE_SENT = { frequency: "day", interval: 1, startTime: 1930366800, backfill: true };

function withoutProvider(bag: PropertyBag): PropertyBag {
  const { __provider: _provider, ...rest } = bag;
  return rest;
}

describe("dataflow objects through the dynamic-provider host: create, refresh, destroy", function () {
  this.timeout(60_000);
  const { rig, objects } = useObjectRig();

  for (const { source, title } of pipelineSources) {
    it(`${title}: creates the chain with exactly the declared shape, a refresh changes nothing, destroy leaves nothing`, async () => {
      const pipeline = await createPipeline(objects(), source, "orders", { schedule: SCHEDULE });
      const { BaseConnection, SourceConnection, Dataset, TargetConnection, MappingSet, Dataflow } = pipeline;
      const aep = rig().emulator.dataflows;
      const fixture = pipelineFixtures[source];

      const [sourceConnection, ...otherSources] = aep.sourceConnections();
      assert.equal(otherSources.length, 0);
      assert.equal(sourceConnection!.id, SourceConnection.id);
      const specId = rig().emulator.store.get(BaseConnection.id)!.connectionSpec.id;
      assert.deepEqual(
        { name: sourceConnection!.name, description: sourceConnection!.description, baseConnectionId: sourceConnection!.baseConnectionId, spec: sourceConnection!.connectionSpec.id },
        { name: "orders source", description: markerOf(SourceConnection.inputs["identity"]), baseConnectionId: BaseConnection.id, spec: specId },
      );
      assert.deepEqual({ data: sourceConnection!.data, params: sourceConnection!.params }, EXPECTED_READS[source]);
      assert.deepEqual(withoutProvider(SourceConnection.outs), {
        sourceConnectionId: SourceConnection.id,
        etag: sourceConnection!.etag,
        state: "enabled",
        source,
        baseConnectionId: BaseConnection.id,
        connectionSpecId: specId,
        name: "orders source",
        sandboxName: "prod",
        identity: SourceConnection.inputs["identity"],
        ...(source === "adls-gen2" ? { file: { path: "/acme-customers/customers.csv", format: "delimited", columnDelimiter: ",", type: "file" } } : fixture.reads),
      });

      const [dataset, ...otherDatasets] = aep.datasets();
      assert.equal(otherDatasets.length, 0);
      assert.deepEqual(
        { id: dataset!.id, name: dataset!.name, description: dataset!.description, schema: dataset!.schemaRef.id, tags: dataset!.tags },
        { id: Dataset.id, name: "orders dataset", description: markerOf(Dataset.inputs["identity"]), schema: SCHEMA_ID, tags: {} },
      );
      assert.match(Dataset.id, /^[0-9a-f]{24}$/);
      assert.deepEqual(withoutProvider(Dataset.outs), {
        datasetId: Dataset.id,
        schemaId: SCHEMA_ID,
        name: "orders dataset",
        profileEnabled: false,
        sandboxName: "prod",
        identity: Dataset.inputs["identity"],
      });

      const [target, ...otherTargets] = aep.targetConnections();
      assert.equal(otherTargets.length, 0);
      assert.deepEqual(
        { id: target!.id, name: target!.name, description: target!.description, spec: target!.connectionSpec.id, schema: (target!.data["schema"] as { id: string }).id, params: target!.params },
        { id: TargetConnection.id, name: "orders target", description: markerOf(TargetConnection.inputs["identity"]), spec: DATA_LAKE, schema: SCHEMA_ID, params: { dataSetId: Dataset.id } },
      );
      assert.deepEqual(withoutProvider(TargetConnection.outs), {
        targetConnectionId: TargetConnection.id,
        etag: target!.etag,
        state: "enabled",
        name: "orders target",
        datasetId: Dataset.id,
        schemaId: SCHEMA_ID,
        connectionSpecId: DATA_LAKE,
        sandboxName: "prod",
        identity: TargetConnection.inputs["identity"],
      });

      const [mappingSet, ...otherSets] = aep.mappingSets();
      assert.equal(otherSets.length, 0);
      assert.equal(mappingSet!.versions.length, 1);
      const current = mappingSet!.versions[0]!;
      assert.equal(current.name, `orders mapping ${markerOf(MappingSet.inputs["identity"])}`, "Data Prep keeps no description: the marker ends the name");
      assert.equal(current.outputSchemaId, SCHEMA_ID);
      assert.deepEqual(
        current.mappings.map((m) => ({ sourceType: m.sourceType, source: m.source, destination: m.destination })),
        fixture.mappings.map((m) => ({ sourceType: "text/x.schema-path", source: m.source, destination: m.destination })),
      );
      assert.match(MappingSet.id, /^[0-9a-f]{32}$/);
      assert.deepEqual(withoutProvider(MappingSet.outs), {
        mappingSetId: MappingSet.id,
        version: 0,
        name: "orders mapping",
        schemaId: SCHEMA_ID,
        mappings: fixture.mappings.map((m) => ({ ...m, sourceType: "ATTRIBUTE" })),
        sandboxName: "prod",
        identity: MappingSet.inputs["identity"],
      });

      const [flow, ...otherFlows] = aep.flows();
      assert.equal(otherFlows.length, 0);
      const flowSpecId = source === "adls-gen2" ? CLOUD_STORAGE_TO_AEP : CRM_TO_AEP;
      const mapping = { name: "Mapping", params: { mappingId: MappingSet.id, mappingVersion: 0 } };
      const deltaColumn = fixture.deltaColumn === undefined ? undefined : { ...fixture.deltaColumn, timezone: "UTC" };
      assert.deepEqual(
        {
          id: flow!.id,
          name: flow!.name,
          description: flow!.description,
          flowSpec: flow!.flowSpec,
          sourceConnectionIds: flow!.sourceConnectionIds,
          targetConnectionIds: flow!.targetConnectionIds,
          transformations: flow!.transformations,
          scheduleParams: flow!.scheduleParams,
          state: flow!.state,
        },
        {
          id: Dataflow.id,
          name: "orders flow",
          description: markerOf(Dataflow.inputs["identity"]),
          flowSpec: { id: flowSpecId, version: "1.0" },
          sourceConnectionIds: [SourceConnection.id],
          targetConnectionIds: [TargetConnection.id],
          transformations: deltaColumn === undefined ? [mapping] : [{ name: "Copy", params: { deltaColumn } }, mapping],
          scheduleParams: SCHEDULE_SENT,
          state: "enabled",
        },
      );
      assert.deepEqual(withoutProvider(Dataflow.outs), {
        flowId: Dataflow.id,
        etag: flow!.etag,
        state: "enabled",
        enabled: true,
        source,
        flowSpecId,
        name: "orders flow",
        sourceConnectionId: SourceConnection.id,
        targetConnectionId: TargetConnection.id,
        mappingSetId: MappingSet.id,
        mappingVersion: 0,
        ...(deltaColumn === undefined ? {} : { deltaColumn }),
        schedule: SCHEDULE_SENT,
        sandboxName: "prod",
        identity: Dataflow.inputs["identity"],
      });

      // A refresh right after create: same object, and nothing for the next `pulumi up` to do.
      for (const object of Object.values(pipeline) as HostObject[]) {
        const read = await objects().read(object);
        assert.equal(read.id, object.id, `${object.type} is still there`);
        const diff = await objects().diff(refreshed(object, read.props), object.inputs);
        assert.deepEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: "none", replaces: [] }, `${object.type} after refresh`);
      }

      await destroyPipeline(objects(), pipeline);
      assert.deepEqual(
        [aep.flows(), aep.sourceConnections(), aep.targetConnections(), aep.mappingSets(), aep.datasets(), rig().emulator.store.list()].map((l) => l.length),
        [0, 0, 0, 0, 0, 0],
      );
    });
  }

  /** Creates one object with the identity its resource class would give it. */
  function create(type: HostObject["type"], name: string, inputs: PropertyBag): Promise<HostObject> {
    return objects().create(type, name, objects().withIdentity(type, name, inputs));
  }

  it("a source connection sends every field it reads: Databricks columns and change data capture, ADLS Gen2 folders and file properties", async () => {
    const bricks = await create("BaseConnection", "bricks", pipelineInputs.BaseConnection("databricks", "bricks"));
    const lake = await create("BaseConnection", "lake", pipelineInputs.BaseConnection("adls-gen2", "lake"));
    const columns = [
      { name: "id", type: "string" },
      { name: "updated_at", type: "date-time" },
    ];
    const declared: { name: string; inputs: PropertyBag; data: unknown; params: unknown }[] = [
      {
        name: "cdc",
        inputs: { source: "databricks", name: "cdc", baseConnectionId: bricks.id, table: { tableName: "default.orders", columns, cdcEnabled: true } },
        data: { format: "tabular" },
        params: { tableName: "default.orders", columns, cdcEnabled: true },
      },
      {
        name: "folder",
        inputs: { source: "adls-gen2", name: "folder", baseConnectionId: lake.id, file: { path: "/acme-customers/orders", type: "folder", format: "json", compressionType: "gzip", recursive: true } },
        data: { format: "json", properties: { compressionType: "gzip" } },
        params: { path: "/acme-customers/orders", type: "folder", recursive: true },
      },
      {
        name: "latin",
        inputs: { source: "adls-gen2", name: "latin", baseConnectionId: lake.id, description: "semicolons", file: { path: "/acme-customers/customers.csv", format: "delimited", columnDelimiter: ";", encoding: "ISO-8859-1" } },
        data: { format: "delimited", properties: { columnDelimiter: ";", encoding: "ISO-8859-1" } },
        params: { path: "/acme-customers/customers.csv", type: "file" },
      },
    ];
    for (const { name, inputs, data, params } of declared) {
      const created = await create("SourceConnection", name, inputs);
      const stored = rig().emulator.dataflows.sourceConnections().find((c) => c.id === created.id)!;
      assert.deepEqual({ data: stored.data, params: stored.params }, { data, params }, name);
      const description = inputs["description"] === undefined ? markerOf(created.inputs["identity"]) : `${String(inputs["description"])} ${markerOf(created.inputs["identity"])}`;
      assert.equal(stored.description, description, `${name}: the marker ends the declared description`);
      const read = await objects().read(created);
      assert.equal((await objects().diff(refreshed(created, read.props), created.inputs)).changes, "none", `${name} after refresh`);
    }
  });

  it("a pipeline in another sandbox: every object is created, read, updated and deleted there", async () => {
    const pipeline = await createPipeline(objects(), "adls-gen2", "staged", { sandboxName: "stage" });
    const aep = rig().emulator.dataflows;
    const inStage = [aep.sourceConnections(), aep.datasets(), aep.targetConnections(), aep.mappingSets(), aep.flows()].map((list) => list.map((o) => o.sandboxName));
    assert.deepEqual(inStage, [["stage"], ["stage"], ["stage"], ["stage"], ["stage"]]);
    for (const object of Object.values(pipeline) as HostObject[]) {
      assert.equal(object.outs["sandboxName"], "stage", object.type);
      const read = await objects().read(object);
      assert.equal(read.id, object.id, `${object.type} is read in its sandbox`);
    }
    const renamed = await objects().update(pipeline.Dataflow, { ...pipeline.Dataflow.inputs, name: "staged flow v2" });
    assert.equal(aep.flows()[0]!.name, "staged flow v2");
    await destroyPipeline(objects(), { ...pipeline, Dataflow: renamed });
    assert.deepEqual(
      [aep.flows(), aep.sourceConnections(), aep.targetConnections(), aep.mappingSets(), aep.datasets(), rig().emulator.store.list()].map((l) => l.length),
      [0, 0, 0, 0, 0, 0],
    );
  });

  it("check and diff send no request; check names the property path of each bad input", async () => {
    const pipeline = await createPipeline(objects(), "sql-server", "orders");
    rig().emulator.clearRequests();
    const GUID = "0b8224e4-0de8-4293-8224-e40de80293c6";
    const schedule = { frequency: "hour", interval: 1, startTime: 1930366800 };
    const flow = (source: SourceKey, extra: PropertyBag = {}): PropertyBag => ({
      source,
      name: "orders flow",
      sourceConnectionId: GUID,
      targetConnectionId: GUID,
      mappingSetId: "ccd8e66bb7ca625d232f9d3634d182da",
      mappingVersion: 0,
      schedule,
      ...(source === "adls-gen2" ? {} : { deltaColumn: { name: "updated_at" } }),
      ...extra,
    });
    const { deltaColumn: _delta, ...withoutDeltaColumn } = flow("sql-server");
    const cases: { type: HostObject["type"]; what: string; inputs: PropertyBag; failures: Record<string, RegExp> }[] = [
      {
        type: "SourceConnection",
        what: "a misspelt key",
        inputs: { source: "sql-server", name: "s", baseConnectionId: GUID, table: { tableName: "dbo.orders" }, descripton: "x" },
        failures: { descripton: /unknown property "descripton" \(did you mean "description"\?\)/ },
      },
      {
        type: "SourceConnection",
        what: "change data capture on Synapse",
        inputs: { source: "synapse", name: "s", baseConnectionId: GUID, table: { tableName: "sales.orders", cdcEnabled: true } },
        failures: { "table.cdcEnabled": /only Azure Databricks/ },
      },
      {
        type: "SourceConnection",
        what: "a column delimiter for parquet",
        inputs: { source: "adls-gen2", name: "s", baseConnectionId: GUID, file: { path: "/a/b.parquet", format: "parquet", columnDelimiter: "," } },
        failures: { "file.columnDelimiter": /delimited/ },
      },
      {
        type: "SourceConnection",
        what: "files for a table source",
        inputs: { source: "databricks", name: "s", baseConnectionId: "not-a-guid", file: { path: "/a", format: "json" } },
        failures: { baseConnectionId: /GUID/, file: /give table, not file/, table: /required/ },
      },
      { type: "Dataset", what: "a meta:altId for a schema", inputs: { name: "d", schemaId: "_acmeemulator.schemas.3a1b4f0c" }, failures: { schemaId: /meta:altId.*\$id/ } },
      {
        type: "TargetConnection",
        what: "a bad dataset id and a schema title",
        inputs: { name: "t", datasetId: "orders", schemaId: "Orders schema" },
        failures: { datasetId: /24 hexadecimal digits/, schemaId: /not an XDM schema \$id/ },
      },
      {
        type: "MappingSet",
        what: "a destination written twice and a bad source type",
        inputs: {
          name: "m",
          schemaId: SCHEMA_ID,
          mappings: [
            { source: "id", destination: "_acmeemulator.orderId" },
            { source: "customer_id", destination: "_acmeemulator.orderId", sourceType: "COLUMN" },
          ],
        },
        failures: { "mappings[1].destination": /already the destination of mappings\[0\]/, "mappings[1].sourceType": /ATTRIBUTE, EXPRESSION, STATIC/ },
      },
      { type: "MappingSet", what: "no mappings", inputs: { name: "m", schemaId: SCHEMA_ID, mappings: [] }, failures: { mappings: /empty/ } },
      { type: "Dataflow", what: "every 5 minutes", inputs: flow("sql-server", { schedule: { ...schedule, frequency: "minute", interval: 5 } }), failures: { "schedule.interval": /at least 15/ } },
      {
        type: "Dataflow",
        what: "once with an interval and a backfill",
        inputs: flow("sql-server", { schedule: { frequency: "once", interval: 1, backfill: true, startTime: 1930366800 } }),
        failures: { "schedule.interval": /not allowed when frequency is once/, "schedule.backfill": /not allowed when frequency is once/ },
      },
      { type: "Dataflow", what: "a start time in milliseconds", inputs: flow("sql-server", { schedule: { ...schedule, startTime: 1930366800000 } }), failures: { "schedule.startTime": /milliseconds/ } },
      { type: "Dataflow", what: "a delta column for ADLS Gen2", inputs: flow("adls-gen2", { deltaColumn: { name: "updated_at" } }), failures: { deltaColumn: /take no delta column/ } },
      { type: "Dataflow", what: "no delta column for SQL Server", inputs: withoutDeltaColumn, failures: { deltaColumn: /required/ } },
      { type: "Dataflow", what: "a delta column in another zone", inputs: flow("databricks", { deltaColumn: { name: "updated_at", timezone: "CET" } }), failures: { "deltaColumn.timezone": /UTC/ } },
    ];
    for (const { type, what, inputs, failures } of cases) {
      const result = await objects().check(type, "bad", inputs);
      assert.deepEqual(result.failures.map((f) => f.property).sort(), Object.keys(failures).sort(), `${type}, ${what}: ${JSON.stringify(result.failures)}`);
      for (const failure of result.failures) assert.match(failure.reason, failures[failure.property]!, `${type}, ${what}`);
    }

    // Values a preview does not know yet pass, wherever they are.
    const pending: { type: HostObject["type"]; inputs: PropertyBag }[] = [
      { type: "SourceConnection", inputs: { source: "sql-server", name: unknown, baseConnectionId: unknown, table: unknown } },
      { type: "SourceConnection", inputs: { source: "adls-gen2", name: "s", baseConnectionId: GUID, file: { path: unknown, format: unknown, columnDelimiter: "," } } },
      { type: "Dataset", inputs: { name: unknown, schemaId: unknown, profileEnabled: unknown } },
      { type: "TargetConnection", inputs: { name: "t", datasetId: unknown, schemaId: unknown } },
      { type: "MappingSet", inputs: { name: "m", schemaId: SCHEMA_ID, mappings: unknown } },
      { type: "MappingSet", inputs: { name: "m", schemaId: SCHEMA_ID, mappings: [{ source: unknown, destination: "_acmeemulator.orderId" }, unknown] } },
      { type: "Dataflow", inputs: flow("sql-server", { sourceConnectionId: unknown, targetConnectionId: unknown, mappingSetId: unknown, mappingVersion: unknown, deltaColumn: unknown }) },
      { type: "Dataflow", inputs: flow("databricks", { schedule: { frequency: "minute", interval: unknown, startTime: unknown }, enabled: unknown }) },
    ];
    for (const { type, inputs } of pending) assert.deepEqual((await objects().check(type, "pending", inputs)).failures, [], `${type} ${JSON.stringify(inputs)}`);

    // Diffs of every object, unchanged and changed.
    for (const object of Object.values(pipeline) as HostObject[]) {
      assert.equal((await objects().diff(object, object.inputs)).changes, "none", object.type);
      assert.equal((await objects().diff(object, { ...object.inputs, name: "renamed" })).changes, "some", object.type);
    }
    assert.deepEqual(rig().emulator.requests, [], "check and diff never call AEP");
  });

  it("calls per operation: a create one POST (the type's listing once per run, beside the first), an update one PATCH or PUT (plus the action), a delete one DELETE", async () => {
    const emulator = rig().emulator;
    await inNewRun(rig(), async (run) => {
      const make = (type: HostObject["type"], name: string, inputs: PropertyBag) => run.create(type, name, run.withIdentity(type, name, inputs));
      const step = async <T>(work: () => Promise<T>): Promise<{ result: T; calls: string[] }> => {
        emulator.clearRequests();
        const result = await work();
        return { result, calls: sortedCalls(emulator) };
      };

      const base = await step(() => make("BaseConnection", "orders", pipelineInputs.BaseConnection("sql-server", "orders")));
      assert.deepEqual(base.calls, ["GET /connections", "POST /connections"]);
      const baseId = base.result.id;
      const three = await step(() => Promise.all(["a", "b", "c"].map((n) => make("SourceConnection", n, pipelineInputs.SourceConnection("sql-server", n, baseId)))));
      assert.deepEqual(three.calls, ["GET /sourceConnections", "POST /sourceConnections", "POST /sourceConnections", "POST /sourceConnections"], "one listing for the three creates");
      const fourth = await step(() => make("SourceConnection", "orders", pipelineInputs.SourceConnection("sql-server", "orders", baseId)));
      assert.deepEqual(fourth.calls, ["POST /sourceConnections"], "the run's listing is reused");
      const dataset = await step(() => make("Dataset", "orders", pipelineInputs.Dataset("orders")));
      assert.deepEqual(dataset.calls, ["GET /catalog/dataSets", "POST /catalog/dataSets"]);
      const mappingSet = await step(() => make("MappingSet", "orders", pipelineInputs.MappingSet("sql-server", "orders")));
      assert.deepEqual(mappingSet.calls, ["GET /conversion/mappingSets", "POST /conversion/mappingSets"]);
      const target = await step(() => make("TargetConnection", "orders", pipelineInputs.TargetConnection("orders", dataset.result.id)));
      assert.deepEqual(target.calls, ["GET /targetConnections", "POST /targetConnections"]);
      const ids = { sourceConnectionId: fourth.result.id, targetConnectionId: target.result.id, mappingSetId: mappingSet.result.id, mappingVersion: 0 };
      const flow = await step(() => make("Dataflow", "orders", pipelineInputs.Dataflow("sql-server", "orders", ids)));
      assert.deepEqual(flow.calls, ["GET /flows", "POST /flows"]);
      const paused = await step(() => make("Dataflow", "paused", pipelineInputs.Dataflow("sql-server", "paused", ids, { enabled: false })));
      assert.deepEqual(paused.calls, ["POST /flows", "POST /flows/{id}/action?op=disable"], "declared disabled: the create, then the disable");

      const renamed = await step(() => run.update(fourth.result, { ...fourth.result.inputs, name: "orders source v2", description: "nightly" }));
      assert.deepEqual(renamed.calls, ["PATCH /sourceConnections/{id}"]);
      const retargeted = await step(() => run.update(target.result, { ...target.result.inputs, name: "orders target v2" }));
      assert.deepEqual(retargeted.calls, ["PATCH /targetConnections/{id}"]);
      const remapped = await step(() => run.update(mappingSet.result, { ...mappingSet.result.inputs, mappings: pipelineFixtures["sql-server"].otherMappings }));
      assert.deepEqual(remapped.calls, ["PUT /conversion/mappingSets/{id}"]);
      const rescheduled = await step(() => run.update(flow.result, { ...flow.result.inputs, mappingVersion: 1, schedule: { frequency: "day", interval: 2, startTime: 1930366800 } }));
      assert.deepEqual(rescheduled.calls, ["PATCH /flows/{id}"]);
      const disabled = await step(() => run.update(rescheduled.result, { ...rescheduled.result.inputs, enabled: false }));
      assert.deepEqual(disabled.calls, ["POST /flows/{id}/action?op=disable"], "enabled alone: the action, no PATCH");
      const enabled = await step(() => run.update(disabled.result, { ...disabled.result.inputs, name: "orders flow v2", enabled: true }));
      assert.deepEqual(calls(emulator), ["PATCH /flows/{id}", "POST /flows/{id}/action?op=enable"], "the PATCH, then the action");
      const timeoutsOnly = await step(() => run.update(enabled.result, { ...enabled.result.inputs, timeouts: { update: "5m" } }));
      assert.deepEqual(timeoutsOnly.calls, [], "timeouts are not held by AEP");

      const deletes: [HostObject, string][] = [
        [timeoutsOnly.result, "DELETE /flows/{id}"],
        [paused.result, "DELETE /flows/{id}"],
        [renamed.result, "DELETE /sourceConnections/{id}"],
        [retargeted.result, "DELETE /targetConnections/{id}"],
        [remapped.result, "DELETE /conversion/mappingSets/{id}"],
        [dataset.result, "DELETE /catalog/dataSets/{id}"],
      ];
      for (const [object, call] of deletes) assert.deepEqual((await step(() => run.delete(object))).calls, [call], object.type);
    });
  });

  it("delete of an object already deleted outside Pulumi succeeds (one DELETE each)", async () => {
    const pipeline = await createPipeline(objects(), "table-storage", "orders");
    const { BaseConnection: _base, ...dataflowObjects } = pipeline;
    for (const object of Object.values(dataflowObjects) as HostObject[]) {
      assert.ok(rig().emulator.dataflows.remove(object.id), `${object.type} removed out of band`);
      rig().emulator.clearRequests();
      await objects().delete(object);
      assert.equal(calls(rig().emulator).length, 1, `${object.type}: ${calls(rig().emulator).join(", ")}`);
    }
  });

  it("delete of a source connection, target connection, mapping set or base connection a flow uses is refused, naming the flow", async () => {
    const pipeline: Pipeline = await createPipeline(objects(), "databricks", "orders");
    const flow = `dataflow ${pipeline.Dataflow.id} \\("orders flow"\\)`;
    const refusals: [HostObject, string, () => unknown][] = [
      [pipeline.SourceConnection, `source connection ${pipeline.SourceConnection.id} \\("orders source"\\)`, () => rig().emulator.dataflows.sourceConnections()],
      [pipeline.TargetConnection, `target connection ${pipeline.TargetConnection.id} \\("orders target"\\)`, () => rig().emulator.dataflows.targetConnections()],
      [pipeline.MappingSet, `mapping set ${pipeline.MappingSet.id} \\("orders mapping"\\)`, () => rig().emulator.dataflows.mappingSets()],
      // FLOW-1418 names no flow: the provider looks up the flows that read through the base connection.
      [pipeline.BaseConnection, `base connection ${pipeline.BaseConnection.id} \\("orders connection"\\)`, () => rig().emulator.store.list()],
    ];
    for (const [object, named, stored] of refusals) {
      await assert.rejects(objects().delete(object), new RegExp(`Cannot delete ${named} in sandbox "prod": it is used by ${flow} .*Delete that dataflow first`, "s"), object.type);
      assert.equal((stored() as unknown[]).length, 1, `the ${object.type} is still there`);
    }
    await destroyPipeline(objects(), pipeline);
  });
});

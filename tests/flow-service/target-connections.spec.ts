import assert from "node:assert/strict";
import {
  AmbiguousCreateError,
  DATA_LAKE_CONNECTION_SPEC_ID,
  dataLakeTargetConnection,
  FlowServiceClient,
  FlowServiceError,
  InUseError,
  ResponseTooLargeError,
  StaleEtagError,
  XDM_FULL_SCHEMA_VERSION,
} from "../../provider/flow-service";
import { DATA_LAKE, OTHER_STACK_KEY, SCHEMA_ID, chain, datasetBody, flowBody, marked, rejection, requestsTo, sharedDataflowClient } from "./dataflow-harness";
import { collect, settingsFor } from "./harness";

describe("flow-service client: Data Lake target connections", () => {
  const suite = sharedDataflowClient();
  const newDataset = async (): Promise<string> => (await suite.client.createDataset(datasetBody())).id;
  const target = (dataSetId: string, description?: string, name = "Data Lake") =>
    dataLakeTargetConnection({ name, schemaId: SCHEMA_ID, dataSetId, ...(description === undefined ? {} : { description }) });

  it("builds the documented Data Lake body, creates it, reads it back, patches it and deletes it", async () => {
    assert.equal(DATA_LAKE_CONNECTION_SPEC_ID, DATA_LAKE);
    const dataSetId = await newDataset();
    const body = target(dataSetId, "into orders");
    assert.deepEqual(body, {
      name: "Data Lake",
      description: "into orders",
      connectionSpec: { id: DATA_LAKE, version: "1.0" },
      data: { schema: { id: SCHEMA_ID, version: "application/vnd.adobe.xed-full+json;version=1" } },
      params: { dataSetId },
    });
    assert.equal(XDM_FULL_SCHEMA_VERSION, "application/vnd.adobe.xed-full+json;version=1");
    const created = await suite.client.createTargetConnection(body);
    assert.equal(created.recovered, false);
    const read = await suite.client.getTargetConnection(created.id);
    assert.equal(read?.name, "Data Lake");
    assert.equal(read?.params.dataSetId, dataSetId);
    assert.equal(read?.data.schema?.id, SCHEMA_ID);
    assert.equal(read?.connectionSpec.id, DATA_LAKE);
    assert.equal(read?.etag, created.etag);
    assert.deepEqual((await collect(suite.client.listTargetConnections({ property: `connectionSpec.id==${DATA_LAKE}` }))).map((t) => t.id), [created.id]);

    const patched = await suite.client.updateTargetConnection(created.id, created.etag, [{ op: "replace", path: "/description", value: "renamed" }]);
    assert.notEqual(patched.etag, created.etag);
    await rejection(suite.client.updateTargetConnection(created.id, created.etag, [{ op: "replace", path: "/description", value: "again" }]), StaleEtagError);

    assert.equal(await suite.client.deleteTargetConnection(created.id), "deleted");
    assert.equal(await suite.client.deleteTargetConnection(created.id), "not-found");
    assert.equal(await suite.client.getTargetConnection(created.id), undefined);
  });

  it("maps an unknown dataset (FLOW-1100) and a non-Data Lake spec (FLOW-1413) to FlowServiceErrors", async () => {
    const unknownDataset = await rejection(suite.client.createTargetConnection(target("0123456789abcdef01234567")), FlowServiceError);
    assert.deepEqual([unknownDataset.status, unknownDataset.adobeCode], [400, "1100"]);
    const dataSetId = await newDataset();
    const wrongSpec = await rejection(
      suite.client.createTargetConnection({ ...target(dataSetId), connectionSpec: { id: "1f372ff9-38a4-4492-96f5-b9a4e4bd00ec", version: "1.0" } }),
      FlowServiceError,
    );
    assert.equal(wrongSpec.adobeCode, "1413");
    const catalogDown = await (async () => {
      suite.emulator.inject({ kind: "dependency-failure", service: "catalog", route: "/targetConnections" });
      return rejection(suite.client.createTargetConnection(target(dataSetId)), FlowServiceError);
    })();
    assert.deepEqual([catalogDown.status, catalogDown.adobeCode], [500, "2200"]);
    assert.equal(suite.emulator.dataflows.targetConnections().length, 0, "a refused create leaves nothing");
  });

  it("refuses to delete a target connection a flow uses, naming the flow", async () => {
    const c = await chain(suite.client);
    const { id: flowId } = await suite.client.createFlow(flowBody(c));
    const error = await rejection(suite.client.deleteTargetConnection(c.targetConnectionId), InUseError);
    assert.deepEqual([error.adobeCode, error.blockingFlowIds], ["1447", [flowId]]);
  });

  describe("crash-safe create", () => {
    it("a lost answer: finds the target connection by its marker, one object, one POST", async () => {
      const dataSetId = await newDataset();
      const { text, options } = marked(undefined);
      suite.emulator.inject({ kind: "commit-then-reset", route: "/targetConnections" });
      const created = await suite.client.createTargetConnection(target(dataSetId, text), options);
      assert.equal(created.recovered, "this-call");
      assert.deepEqual(suite.emulator.dataflows.targetConnections().map((t) => t.id), [created.id]);
      assert.equal(requestsTo(suite.emulator, "POST", "/targetConnections").length, 1);
    });

    it("never takes a same-named target without our marker, one of another stack, or ours for another dataset", async () => {
      const dataSetId = await newDataset();
      const otherDataset = await newDataset();
      const foreign = await suite.client.createTargetConnection(target(dataSetId));
      const otherStack = await suite.client.createTargetConnection(target(dataSetId, marked(undefined, OTHER_STACK_KEY).text));
      const { text, options } = marked(undefined);
      const elsewhere = await suite.client.createTargetConnection(target(otherDataset, text));
      suite.emulator.inject({ kind: "commit-then-fail", route: "/targetConnections" });
      const ours = await suite.client.createTargetConnection(target(dataSetId, text), options);
      assert.equal(ours.recovered, "this-call");
      assert.ok(![foreign.id, otherStack.id, elsewhere.id].includes(ours.id));
      assert.equal(suite.emulator.dataflows.targetConnections().length, 4);
    });

    it("without an identity, a lost answer fails naming the candidate instead of taking it", async () => {
      const dataSetId = await newDataset();
      suite.emulator.inject({ kind: "commit-then-reset", route: "/targetConnections" });
      const error = await rejection(suite.client.createTargetConnection(target(dataSetId)), AmbiguousCreateError);
      assert.deepEqual(error.candidateIds, suite.emulator.dataflows.targetConnections().map((t) => t.id));
    });
  });

  it("redacts the client secret from Adobe's text and caps the response size", async () => {
    const dataSetId = await newDataset();
    suite.emulator.inject({
      kind: "status",
      status: 500,
      route: "/targetConnections",
      times: 5,
      body: { type: "https://ns.adobe.com/aep/errors/FLOW-1102-500", title: "Internal", status: 500, report: { "detailed-message": `boom ${suite.emulator.client.clientSecret}` } },
    });
    const error = await rejection(suite.client.createTargetConnection(target(dataSetId)), FlowServiceError);
    assert.ok(!error.message.includes(suite.emulator.client.clientSecret), error.message);
    assert.match(error.message, /boom \[REDACTED\]/);
    suite.emulator.clearFaults();

    const { id } = await suite.client.createTargetConnection(target(dataSetId));
    const small = new FlowServiceClient(settingsFor(suite.emulator), { maxResponseBytes: 256, retry: { maxAttempts: 1 } });
    await rejection(small.getTargetConnection(id), ResponseTooLargeError);
  });
});

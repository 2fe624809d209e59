/**
 * The Pulumi program of the per-pipeline state-cost benchmark: for each entry of the `bench:pipelines` config (a JSON
 * list), a base connection, a dataset and a `Pipeline` from it into the dataset, imported by package name as a user's
 * program would import them.
 */
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection, Dataset, Pipeline, type BaseConnectionAuthArgs, type PipelineArgs, type SourceKey } from "pulumi-aep-azure";

interface DeclaredPipeline {
  resourceName: string;
  source: SourceKey;
  specName: string;
  params: Record<string, string>;
  schemaId: string;
  /** The pipeline's arguments besides its connection and dataset (what it reads, mappings, schedule). */
  reads: Record<string, unknown>;
}

const declared = new pulumi.Config("bench").requireObject<DeclaredPipeline[]>("pipelines");

export const flowIds = declared.map((pipeline) => {
  const connection = new BaseConnection(pipeline.resourceName, {
    source: pipeline.source,
    name: `Benchmark ${pipeline.resourceName}`,
    auth: { specName: pipeline.specName, params: pipeline.params } as BaseConnectionAuthArgs,
  });
  const dataset = new Dataset(pipeline.resourceName, { name: `Benchmark ${pipeline.resourceName}`, schemaId: pipeline.schemaId });
  return new Pipeline(pipeline.resourceName, {
    connection: { source: pipeline.source, connectionId: connection.connectionId },
    dataset,
    ...pipeline.reads,
  } as unknown as PipelineArgs<SourceKey>).flowId;
});

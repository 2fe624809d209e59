/**
 * The Pulumi program of the state-cost benchmark: one BaseConnection per entry of the `bench:connections` config
 * (a JSON list), imported by package name as a user's program would import it.
 */
import * as pulumi from "@pulumi/pulumi";
import { BaseConnection, type BaseConnectionAuthArgs, type SourceKey } from "pulumi-aep-azure";

interface DeclaredConnection {
  resourceName: string;
  source: SourceKey;
  name: string;
  specName: string;
  params: Record<string, string>;
}

const declared = new pulumi.Config("bench").requireObject<DeclaredConnection[]>("connections");

export const connectionIds = declared.map(
  (connection) =>
    new BaseConnection(connection.resourceName, {
      source: connection.source,
      name: connection.name,
      auth: { specName: connection.specName, params: connection.params } as BaseConnectionAuthArgs,
    }).connectionId,
);

/**
 * The Flow Service object types, by the name in their Pulumi type token (`pulumi-nodejs:dynamic/aep:<name>`).
 * Adding an object type = one sibling folder of `base-connection/` and one line here.
 */
import type * as pulumi from "@pulumi/pulumi";
import { BaseConnectionProvider } from "./base-connection/provider";
import { DataflowProvider } from "./dataflow/provider";
import { DatasetProvider } from "./dataset/provider";
import { MappingSetProvider } from "./mapping-set/provider";
import { SourceConnectionProvider } from "./source-connection/provider";
import { TargetConnectionProvider } from "./target-connection/provider";
import type { ProviderConfig, ProviderSession } from "./shared/session";

/** What the dynamic-provider host calls on an object type's provider. */
export interface ObjectProvider extends Required<Omit<pulumi.dynamic.ResourceProvider, "configure">> {
  configure(request: { config: ProviderConfig }): void;
}

/** Each object type's provider, made once per provider host process. */
export const objectProviders = {
  BaseConnection: (session: ProviderSession) => new BaseConnectionProvider(session),
  SourceConnection: (session: ProviderSession) => new SourceConnectionProvider(session),
  Dataset: (session: ProviderSession) => new DatasetProvider(session),
  TargetConnection: (session: ProviderSession) => new TargetConnectionProvider(session),
  MappingSet: (session: ProviderSession) => new MappingSetProvider(session),
  Dataflow: (session: ProviderSession) => new DataflowProvider(session),
} as const satisfies Record<string, (session: ProviderSession) => ObjectProvider>;

/** Name of an object type, e.g. `BaseConnection`. */
export type ObjectTypeName = keyof typeof objectProviders;

export function isObjectTypeName(name: unknown): name is ObjectTypeName {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(objectProviders, name);
}

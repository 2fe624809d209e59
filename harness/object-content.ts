/**
 * What AEP holds of every object a pipeline is made of (base, source and target connections, datasets, mapping sets,
 * flows), as a user would check it, and the same shape computed from a resource's inputs: the reliability suites
 * compare the two to tell "AEP holds exactly the declared state" from a lost or half-applied change. Version stamps
 * (etags, times, a mapping set's version) are left out; the create marker is split off the text that carries it.
 */
import { splitMarker } from "../provider/flow-service/identity";
import { canonicalJson } from "../provider/shared/check";
import type { ObjectTypeName } from "../provider/objects";
import { sources, type SourceKey } from "../provider/sources";
import { CLOUD_STORAGE_TO_AEP_ID, CRM_TO_AEP_ID, type Emulator } from "../emulator";
import type { PropertyBag } from "./provider-host";

/** One object in AEP, or as its inputs declare it. */
export interface ObjectContent {
  type: ObjectTypeName;
  id: string;
  sandboxName: string;
  /** As declared: a mapping set's name without the create marker at its end. */
  name: string | undefined;
  /** As declared: without the create marker at its end. */
  description: string | undefined;
  /** The create marker's key (the resource identity), undefined for an object made by hand. */
  marker: string | undefined;
  /** What else the user declared, in the form AEP keeps it. */
  fields: Record<string, unknown>;
}

/** Mapping `sourceType`s as Data Prep stores them → as declared. */
const SOURCE_TYPES: Readonly<Record<string, string>> = { "text/x.schema-path": "ATTRIBUTE", "text/x.aep-xl": "EXPRESSION", "text/plain": "STATIC" };

/** Mappings compared as a set of (sourceType, source, destination): Data Prep gives them new ids in every version. */
function mappingKeys(mappings: readonly { sourceType?: unknown; source: unknown; destination: unknown }[]): string[] {
  return mappings.map((m) => JSON.stringify([SOURCE_TYPES[String(m.sourceType)] ?? m.sourceType ?? "ATTRIBUTE", m.source, m.destination])).sort();
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/**
 * The content of one object: the create marker split off `marked` (its description, or a mapping set's name, which
 * is then the declared name).
 */
function contentOf(
  type: ObjectTypeName,
  object: { id: string; sandboxName: string; name?: string | undefined },
  marked: string | undefined,
  fields: Record<string, unknown>,
  markerIn: "description" | "name" = "description",
): ObjectContent {
  const { text, key } = splitMarker(marked);
  return {
    type,
    id: object.id,
    sandboxName: object.sandboxName,
    name: markerIn === "name" ? text : object.name,
    description: markerIn === "name" ? undefined : text,
    marker: key,
    fields,
  };
}

/** Every object of every type AEP holds (all sandboxes), sorted by type and id. */
export function objectContents(emulator: Emulator): ObjectContent[] {
  const { dataflows } = emulator;
  const contents: ObjectContent[] = [
    ...emulator.store.list().map((c) => contentOf("BaseConnection", c, c.description, { connectionSpecId: c.connectionSpec.id, specName: c.auth.specName, params: c.auth.params })),
    ...dataflows
      .sourceConnections()
      .map((s) => contentOf("SourceConnection", s, s.description, { baseConnectionId: s.baseConnectionId, connectionSpecId: s.connectionSpec.id, data: s.data, params: s.params })),
    ...dataflows.datasets().map((d) => {
      const profile = d.tags["unifiedProfile"];
      return contentOf("Dataset", d, d.description, { schemaId: d.schemaRef.id, profileEnabled: Array.isArray(profile) && profile.includes("enabled:true") });
    }),
    ...dataflows.targetConnections().map((t) => {
      const schema = t.data["schema"] as { id?: string } | undefined;
      return contentOf("TargetConnection", t, t.description, withoutUndefined({ datasetId: t.params["dataSetId"], schemaId: schema?.id, format: t.data["format"] }));
    }),
    ...dataflows.mappingSets().map((m) => {
      const current = m.versions[m.versions.length - 1]!;
      return contentOf("MappingSet", m, current.name, { schemaId: current.outputSchemaId, mappings: mappingKeys(current.mappings) }, "name");
    }),
    ...dataflows.flows().map((f) =>
      contentOf("Dataflow", f, f.description, {
        state: f.state,
        flowSpecId: f.flowSpec.id,
        sourceConnectionIds: f.sourceConnectionIds,
        targetConnectionIds: f.targetConnectionIds,
        transformations: f.transformations,
        scheduleParams: f.scheduleParams,
      }),
    ),
  ];
  return contents.sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
}

/** The flow spec of each source's dataflows, as the emulator's catalogue has them (dataflows.md §7). */
const FLOW_SPEC_IDS = { CRMToAEP: CRM_TO_AEP_ID, CloudStorageToAEP: CLOUD_STORAGE_TO_AEP_ID } as const;

/** Epoch seconds of a declared start time (ISO 8601 with a zone, or epoch seconds). */
function epochSeconds(startTime: unknown): number {
  return typeof startTime === "number" ? startTime : Date.parse(String(startTime)) / 1000;
}

/**
 * What AEP must hold for an object of `type` declared with the checked `inputs` (as the engine passes them to
 * create and update) in `sandboxName`; `id` is left to the caller. Written from Adobe's wire formats
 * (dataflows.md), not from the provider's code, so a provider that sends something else is caught.
 */
export function declaredContent(type: ObjectTypeName, inputs: PropertyBag, sandboxName: string): Omit<ObjectContent, "id"> {
  const text = (key: string) => (typeof inputs[key] === "string" && inputs[key] !== "" ? (inputs[key] as string) : undefined);
  const common = { type, sandboxName: text("sandboxName") ?? sandboxName, name: text("name"), description: text("description"), marker: text("identity") };
  switch (type) {
    case "BaseConnection": {
      const auth = inputs["auth"] as { specName: string; params: Record<string, unknown> };
      return { ...common, fields: { connectionSpecId: sources[inputs["source"] as SourceKey].connectionSpec.id, specName: auth.specName, params: auth.params } };
    }
    case "SourceConnection": {
      const source = sources[inputs["source"] as SourceKey];
      const table = inputs["table"] as Record<string, unknown> | undefined;
      const file = inputs["file"] as Record<string, unknown> | undefined;
      let data: Record<string, unknown> = { format: "tabular" };
      let params: Record<string, unknown> = table ?? {};
      if (file !== undefined) {
        const properties = withoutUndefined({ columnDelimiter: file["columnDelimiter"], encoding: file["encoding"], compressionType: file["compressionType"] });
        data = Object.keys(properties).length > 0 ? { format: file["format"], properties } : { format: file["format"] };
        params = withoutUndefined({ path: file["path"], type: file["type"] ?? "file", recursive: file["recursive"] });
      }
      return { ...common, fields: { baseConnectionId: inputs["baseConnectionId"], connectionSpecId: source.connectionSpec.id, data, params } };
    }
    case "Dataset":
      return { ...common, fields: { schemaId: inputs["schemaId"], profileEnabled: inputs["profileEnabled"] === true } };
    case "TargetConnection":
      return { ...common, fields: withoutUndefined({ datasetId: inputs["datasetId"], schemaId: inputs["schemaId"], format: inputs["format"] }) };
    case "MappingSet":
      return { ...common, description: undefined, fields: { schemaId: inputs["schemaId"], mappings: mappingKeys(inputs["mappings"] as { source: unknown; destination: unknown }[]) } };
    case "Dataflow": {
      const source = sources[inputs["source"] as SourceKey];
      const deltaColumn = inputs["deltaColumn"] as Record<string, unknown> | undefined;
      const mapping = { name: "Mapping", params: { mappingId: inputs["mappingSetId"], mappingVersion: inputs["mappingVersion"] } };
      const schedule = inputs["schedule"] as Record<string, unknown>;
      return {
        ...common,
        fields: {
          state: inputs["enabled"] === false ? "disabled" : "enabled",
          flowSpecId: FLOW_SPEC_IDS[source.dataflow.flowSpec],
          sourceConnectionIds: [inputs["sourceConnectionId"]],
          targetConnectionIds: [inputs["targetConnectionId"]],
          transformations: deltaColumn === undefined ? [mapping] : [{ name: "Copy", params: { deltaColumn: { timezone: "UTC", ...deltaColumn } } }, mapping],
          scheduleParams: withoutUndefined({ frequency: schedule["frequency"], interval: schedule["interval"], startTime: epochSeconds(schedule["startTime"]), backfill: schedule["backfill"] }),
        },
      };
    }
  }
}

/** Contents compared as a multiset: without ids, in a canonical order. */
export function withoutIds<T extends object>(contents: readonly T[]): Omit<T, "id">[] {
  return contents.map(({ id: _id, ...rest }: T & { id?: unknown }) => rest as Omit<T, "id">).sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
}

/**
 * The inputs of a `SourceConnection` and their validation, as the dynamic-provider host passes them to `check`.
 * What a source connection reads depends on its source: a table (`table`) for the table sources, files (`file`) for
 * ADLS Gen2; the rules of each field live in provider/sources/dataflow.ts.
 */
import { z } from "zod";
import {
  changeDataCaptureRefusal,
  FILE_DATA_RULES,
  findSource,
  formatMismatches,
  sourceKeys,
  TABLE_DATA_RULES,
  type FileSourceData,
  type SourceDefinition,
  type SourceKey,
  type TableSourceData,
} from "../sources";
import { enumParam, list } from "../sources/formats";
import { UNKNOWN, withoutNulls, type CheckFailure } from "../shared/check";
import { fieldFailures, given } from "../shared/fields";
import type { CommonInputs, Validated } from "../shared/object-provider";
import { commonRules, flowServiceIdRule } from "../shared/rules";
import { knownTimeouts, timeoutsFailures } from "../shared/timeouts";

/** Validated inputs; values may be the unknown sentinel during preview, except `source`. */
export interface SourceConnectionInputs extends CommonInputs {
  source: SourceKey;
  /** Id of the base connection it reads through. */
  baseConnectionId: string;
  /** Table sources. */
  table?: TableSourceData;
  /** Cloud-storage sources; `type` defaults to `file`. */
  file?: FileSourceData;
}

const WHAT = "source connection";

/** The rule of each top-level input; `table`, `file` and `timeouts` are checked on their own. */
export const SOURCE_CONNECTION_RULES = {
  ...commonRules(WHAT),
  source: enumParam(sourceKeys),
  baseConnectionId: flowServiceIdRule("base connection"),
  table: z.unknown(),
  file: z.unknown(),
  timeouts: z.unknown(),
};

/** The failures of what a table source reads, at `table`. */
function tableFailures(source: SourceDefinition, table: unknown): CheckFailure[] {
  const failures = fieldFailures(table, ["table"], TABLE_DATA_RULES, {
    required: ["tableName"],
    expected: `{ tableName, columns?, ${source.dataflow.changeDataCapture ? "cdcEnabled? " : ""}} (the table ${source.title} reads)`,
  });
  const refusal = changeDataCaptureRefusal(source);
  if (typeof table === "object" && table !== null && given(table as Record<string, unknown>, "cdcEnabled") && refusal !== undefined) {
    failures.push({ property: "table.cdcEnabled", reason: refusal });
  }
  return failures;
}

/** The failures of what a cloud-storage source reads, at `file`. */
function fileFailures(source: SourceDefinition, file: unknown): CheckFailure[] {
  const failures = fieldFailures(file, ["file"], FILE_DATA_RULES, {
    required: ["path", "format"],
    expected: `{ path, format, type?, columnDelimiter?, encoding?, compressionType?, recursive? } (the files ${source.title} reads)`,
  });
  if (typeof file === "object" && file !== null) {
    const fields = file as Record<string, unknown>;
    const format = fields["format"];
    if (typeof format === "string" && format !== UNKNOWN) {
      const present = Object.keys(fields).filter((key) => given(fields, key));
      for (const [field, reason] of formatMismatches(format, present)) failures.push({ property: `file.${field}`, reason });
    }
  }
  return failures;
}

/**
 * Validates raw inputs: every failure, with its property path. `source` must be known at preview (it decides what
 * the connection reads); everything else may be unknown until `up`.
 */
export function validateSourceConnectionInputs(raw: Record<string, unknown>): Validated<SourceConnectionInputs> {
  const failures = fieldFailures(raw, [], SOURCE_CONNECTION_RULES, { required: ["source", "baseConnectionId", "name"], expected: "the inputs of a source connection" });
  failures.push(...timeoutsFailures(raw["timeouts"]));
  const sourceValue = raw["source"];
  if (sourceValue === UNKNOWN) {
    failures.push({ property: "source", reason: `must be known during preview because it decides what the connection reads; pass a plain string, one of: ${list(sourceKeys)}` });
  }
  const source = typeof sourceValue === "string" ? findSource(sourceValue) : undefined;
  if (source !== undefined) {
    const [own, other] = source.dataflow.reads === "tables" ? (["table", "file"] as const) : (["file", "table"] as const);
    if (given(raw, other)) {
      failures.push({ property: other, reason: `${source.title} reads ${source.dataflow.reads}: give ${own}, not ${other}` });
    }
    failures.push(...(own === "table" ? tableFailures(source, raw["table"]) : fileFailures(source, raw["file"])));
  }
  if (failures.length > 0 || source === undefined) return { failures };
  const inputs: SourceConnectionInputs = {
    source: source.key as SourceKey,
    baseConnectionId: raw["baseConnectionId"] as string,
    name: raw["name"] as string,
  };
  if (typeof raw["description"] === "string") inputs.description = raw["description"];
  if (typeof raw["sandboxName"] === "string") inputs.sandboxName = raw["sandboxName"];
  if (typeof raw["identity"] === "string") inputs.identity = raw["identity"];
  const timeouts = knownTimeouts(raw["timeouts"]);
  if (timeouts !== undefined) inputs.timeouts = timeouts;
  if (source.dataflow.reads === "tables") inputs.table = withoutNulls(raw["table"]) as unknown as TableSourceData;
  else inputs.file = (raw["file"] === UNKNOWN ? UNKNOWN : { type: "file", ...withoutNulls(raw["file"]) }) as unknown as FileSourceData;
  return { failures, inputs };
}


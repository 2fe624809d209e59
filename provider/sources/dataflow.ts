/**
 * What a source connection reads, by the kind of source (`dataflow.reads` of its definition): a table of a table
 * source, or files of a cloud-storage source. One zod rule per field, shared by the `SourceConnection` provider and
 * the pipeline components, so a value is judged the same way wherever it is checked. Facts: dataflows.md §3, §9.
 *
 * zod only, like the rest of the registry.
 */
import { z } from "zod";
import { booleanParam, enumParam, jsonType, LIMITS, quote, stringParam, textProblem } from "./formats";

/** Formats an ADLS Gen2 source connection reads (`data.format`). */
export const FILE_FORMATS = ["delimited", "json", "parquet"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** Compressions of delimited and JSON files (`data.properties.compressionType`). */
export const COMPRESSION_TYPES = ["bzip2", "gzip", "deflate", "zipDeflate", "tarGzip", "tar"] as const;
export type CompressionType = (typeof COMPRESSION_TYPES)[number];

/** Encodings of delimited files (`data.properties.encoding`). */
export const FILE_ENCODINGS = ["UTF-8", "ISO-8859-1"] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];

/** A column of a table or file, as explore returns it; the shape of `params.columns`. */
export interface SourceColumn {
  name: string;
  type: string;
  [other: string]: unknown;
}

/** What a source connection of a table source reads. */
export interface TableSourceData {
  /** The table's path as explore lists it (`params.tableName`), e.g. `dbo.orders`. */
  tableName: string;
  /** The columns to read, as explore returns them (`params.columns`). @default every column */
  columns?: SourceColumn[];
  /** Change data capture (`params.cdcEnabled`); sources whose `dataflow.changeDataCapture` is true only. */
  cdcEnabled?: boolean;
}

/** What a source connection of a cloud-storage source reads. */
export interface FileSourceData {
  /** A file, a folder, or a pattern with `*` (`params.path`), e.g. `/acme-customers/customers.csv`. */
  path: string;
  /** Whether `path` names a file or a folder (`params.type`). @default "file" */
  type?: "file" | "folder";
  /** How the files are written (`data.format`). */
  format: FileFormat;
  /** One character between the columns of a delimited file. @default "," (AEP's default) */
  columnDelimiter?: string;
  /** Encoding of a delimited file. @default "UTF-8" (AEP's default) */
  encoding?: FileEncoding;
  /** Compression of delimited or JSON files. @default none */
  compressionType?: CompressionType;
  /** Read the folders below a folder too (`params.recursive`). @default false */
  recursive?: boolean;
}

/** Names ADLS Gen2 refuses for a path component (SRCPG adls-gen2). */
const RESERVED_PATH_NAMES = ["CON", "PRN", "AUX", "NUL", ".", ".."];

/** ADLS Gen2 naming limits, as problem phrases; `*` is allowed as a wildcard. */
export function filePathProblems(path: string): string[] {
  const problems: string[] = [];
  const forbidden = [...new Set(path.match(/["\\:|<>?]/g) ?? [])];
  if (forbidden.length > 0) problems.push(`contains ${forbidden.join(" ")}, which ADLS Gen2 does not allow in names`);
  if (path.length > 1 && path.endsWith("/")) problems.push("ends with / (name the folder without it, and set type to folder)");
  const segments = path.split("/");
  if (segments.slice(1, -1).some((s) => s === "")) problems.push("contains an empty component (//)");
  if (segments.some((s) => s.length > 255)) problems.push("has a component longer than 255 characters");
  const reserved = segments.find((s) => RESERVED_PATH_NAMES.includes(s.toUpperCase()));
  if (reserved !== undefined) problems.push(`uses the reserved name ${reserved}`);
  return problems;
}

const columnSchema = z
  .object(
    {
      name: stringParam({ expected: "the column's name as explore returns it", maxLength: LIMITS.name }),
      type: stringParam({ expected: "the column's type as explore returns it, e.g. string", maxLength: LIMITS.name }),
    },
    { error: (issue) => `must be an object (got ${jsonType(issue.input)}); expected a column as explore returns it ({ name, type, … })` },
  )
  .loose();

/** The rule of each field of {@link TableSourceData}. */
export const TABLE_DATA_RULES = {
  tableName: stringParam({ expected: "the table's path as explore lists it, e.g. dbo.orders", maxLength: LIMITS.param }),
  columns: z
    .array(columnSchema, { error: (issue) => `must be an array (got ${jsonType(issue.input)}); expected the columns as explore returns them` })
    .min(1, { error: "is empty; expected at least one column (omit it to read every column)" }),
  cdcEnabled: booleanParam(),
} as const;

const DELIMITER_EXPECTED = 'one character, e.g. "," ";" "|" or "\\t" (a tab)';

/**
 * Why `value` is not a column delimiter: Adobe takes any single character (dataflows.md §3). A tab (tab-separated
 * files) and a space are delimiters, though text rules refuse them elsewhere; line breaks, other control characters
 * and invisible ones are not.
 */
function delimiterProblem(value: string): string | undefined {
  if ([...value].length !== 1) return value === "" ? "is empty" : "is not a single character";
  return value === "\t" || value === " " ? undefined : textProblem(value, 2, false);
}

/** The rule of each field of {@link FileSourceData}. */
export const FILE_DATA_RULES = {
  path: stringParam({
    expected: "a file or folder path in the container, e.g. /acme-customers/customers.csv (* matches any characters)",
    maxLength: LIMITS.param,
    check: filePathProblems,
  }),
  type: enumParam(["file", "folder"] as const),
  format: enumParam(FILE_FORMATS),
  columnDelimiter: z.string({ error: (issue) => `${issue.input === undefined ? "required" : `must be a string (got ${jsonType(issue.input)})`}; expected ${DELIMITER_EXPECTED}` }).superRefine((value, ctx) => {
    const problem = delimiterProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${problem}; expected ${DELIMITER_EXPECTED} (got ${quote(value)})` });
  }),
  encoding: enumParam(FILE_ENCODINGS),
  compressionType: enumParam(COMPRESSION_TYPES),
  recursive: booleanParam(),
} as const;

/** Fields of {@link FileSourceData} that only some formats take, and those formats. */
const FORMAT_ONLY: Readonly<Record<string, readonly FileFormat[]>> = {
  columnDelimiter: ["delimited"],
  encoding: ["delimited"],
  compressionType: ["delimited", "json"],
};

/**
 * Fields given that `format` does not take: `[field, reason]` pairs. `given` lists the fields present, whatever
 * their value (a value not known yet counts: the field is there).
 */
export function formatMismatches(format: string, given: readonly string[]): [field: string, reason: string][] {
  return given.flatMap((field): [string, string][] => {
    const formats = FORMAT_ONLY[field];
    if (formats === undefined || formats.includes(format as FileFormat)) return [];
    return [[field, `applies to the ${formats.join(" and ")} format${formats.length > 1 ? "s" : ""} only, not ${format}; remove it`]];
  });
}

/** The `Copy` transformation's delta column of a table source's dataflow. */
export interface DeltaColumn {
  /** The column incremental runs read: each run ingests the rows whose value is later than the last run's. */
  name: string;
  /** How the column's values are written, e.g. `yyyy-MM-dd HH:mm:ss` (Adobe's documented format). @default none sent */
  dateFormat?: string;
  /** Time zone of the column's values; Adobe requires UTC for table sources. @default "UTC" */
  timezone?: "UTC";
}

/** The rule of each field of {@link DeltaColumn}. */
export const DELTA_COLUMN_RULES = {
  name: stringParam({ expected: "the name of a column holding the time each row last changed, e.g. updated_at", maxLength: LIMITS.name }),
  dateFormat: stringParam({ expected: "the column's date format, e.g. yyyy-MM-dd HH:mm:ss", maxLength: 64 }),
  // Adobe: "all timezones must be UTC" for table sources (dataflows.md §7.3).
  timezone: enumParam(["UTC"] as const),
} as const;

/**
 * Shapes of the source registry. A source is data: ids and names transcribed from Adobe's tutorial page, plus one
 * zod schema per auth variant.
 */
import type { z } from "zod";

/** One way to authenticate to a source: an Adobe auth spec (`auth.specName`) and the params it takes. */
export interface AuthVariant<P extends Record<string, unknown> = Record<string, unknown>> {
  /** Exact Adobe auth spec name, e.g. "Basic Authentication for adls-gen2". Equals this variant's key in `auth`. */
  readonly specName: string;
  /** One sentence for docs and messages. */
  readonly description: string;
  /**
   * zod object schema of `auth.params` (strict: unknown keys rejected). Messages never include secret values and
   * read `<problem>; expected <what>`.
   */
  readonly params: z.ZodType<P>;
  /** Param names that are secrets (Adobe marks them `format: password`); never logged, never in outputs. */
  readonly secretParams: readonly (keyof P & string)[];
}

/** One Flow Service source, e.g. Azure Data Lake Storage Gen2. */
export interface SourceDefinition<
  A extends Readonly<Record<string, AuthVariant>> = Readonly<Record<string, AuthVariant>>,
> {
  /** Registry key, e.g. "adls-gen2". */
  readonly key: string;
  /** Human name, e.g. "Azure Data Lake Storage Gen2". */
  readonly title: string;
  /** The Experience League page this definition was transcribed from. */
  readonly docsUrl: string;
  /** The Flow Service connection spec sent as `connectionSpec` on create. */
  readonly connectionSpec: { readonly id: string; readonly version: "1.0" };
  /** Auth variants keyed by exact `specName`. */
  readonly auth: A;
  /** How a dataflow reads this source (dataflows.md §9). */
  readonly dataflow: SourceDataflow;
}

/**
 * What a dataflow from a source looks like: its flow spec, and whether its source connections read tables or files.
 * The flow spec is chosen by the source, never by the user.
 */
export interface SourceDataflow {
  /**
   * Name of the flow spec: `CRMToAEP` for the table sources (a `Copy` transformation with a delta column, then
   * `Mapping`), `CloudStorageToAEP` for cloud storage (`Mapping` only).
   */
  readonly flowSpec: "CRMToAEP" | "CloudStorageToAEP";
  /** `tables` (`data.format: tabular`, `params.tableName`) or `files` (`delimited` / `json` / `parquet`, `params.path`). */
  readonly reads: "tables" | "files";
  /** Whether its source connections take `params.cdcEnabled` (change data capture; Databricks only, dataflows.md §9). */
  readonly changeDataCapture: boolean;
}

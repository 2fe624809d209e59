/**
 * The shape of a base connection's outputs (what Pulumi stores in state) and how it is built.
 *
 * Outputs are plain JSON (the dynamic-provider host cannot marshal `undefined` or Outputs). The non-secret params
 * are kept in clear for drift detection and display; the secret params are kept in `secretAuthParams` only, which
 * `BaseConnection` lists in `additionalSecretOutputs`, so the engine encrypts it with the stack's secrets provider
 * like the inputs it came from. `diff` compares declared params with both, so a rotated password is noticed
 * without any hashing.
 * Every iteration of this provider must read the state written by earlier ones (the host runs the newest
 * code on old state), so stored outputs are parsed leniently: unknown fields are ignored and fields added
 * later are optional.
 */
import { z } from "zod";
import type { Connection } from "../flow-service";
import { splitMarker } from "../flow-service/identity";
import type { Timeouts } from "../shared/timeouts";
import { isSourceKey } from "../sources";
import { secretParamNames, type BaseConnectionInputs } from "./inputs";

/** Inputs with every value known: what create and update work with, once the engine resolved all unknowns. */
export type KnownBaseConnectionInputs = Omit<BaseConnectionInputs, "auth" | "verify"> & {
  auth: { specName: string; params: Record<string, unknown> };
  verify: boolean;
};

/** Outputs of a `BaseConnection`, as stored in Pulumi state. */
export interface BaseConnectionOutputs {
  /** The base connection id in AEP (also the Pulumi resource id). */
  connectionId: string;
  /** The connection's current etag, quotes included, as Flow Service returns it. */
  etag: string;
  connectionSpecId: string;
  /**
   * AEP's connection state: `enabled` once created (Flow Service creates connections enabled); a refresh reads
   * the live one, e.g. `disabled`.
   */
  state: string;
  /** Sandbox the connection lives in. */
  sandboxName: string;
  /** Registry key of the source, e.g. `adls-gen2`. */
  source: string;
  /** Display name in AEP. */
  name: string;
  description?: string;
  authSpecName: string;
  /** The auth params that are not secrets, as declared (or as AEP reported them on refresh). */
  authParams: Record<string, unknown>;
  /**
   * The secret auth params as declared. Stored only as a Pulumi secret (the `additionalSecretOutputs` of
   * `BaseConnection`); absent from the outputs of a failed write (see ConnectionInitError), and from state written by versions
   * that kept a salted fingerprint instead (`diff` then reports a change, and the next update stores them).
   */
  secretAuthParams?: Record<string, unknown>;
  verify: boolean;
  /** The marker key written into the connection's description (see flow-service/identity.ts). */
  identity?: string;
  /** The deadlines declared for the operations; refresh and destroy use them too. */
  timeouts?: Timeouts;
}

/** Name of the output that holds the secret params; `BaseConnection` marks it secret. */
export const SECRET_OUTPUT = "secretAuthParams";

const storedOutputsSchema = z
  .object({
    connectionId: z.string(),
    etag: z.string().optional(),
    connectionSpecId: z.string().optional(),
    state: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    sandboxName: z.string().optional(),
    source: z.string().optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    authSpecName: z.string().optional(),
    authParams: z.record(z.string(), z.unknown()).optional(),
    secretAuthParams: z.record(z.string(), z.unknown()).optional(),
    verify: z.boolean().optional(),
    identity: z.string().optional(),
    timeouts: z.record(z.string(), z.string()).optional(),
  })
  .loose();

/** Stored outputs as read back from state; fields written by older versions may be missing. */
export type StoredOutputs = z.infer<typeof storedOutputsSchema>;

/** Parse the outputs the engine hands back (`olds` in diff/update, `props` in read/delete). */
export function parseStoredOutputs(raw: Record<string, unknown>, id?: string): StoredOutputs {
  const parsed = storedOutputsSchema.safeParse({ connectionId: id, ...raw });
  if (!parsed.success) {
    throw new Error(`The stored state of this base connection is not readable (${z.prettifyError(parsed.error)}).`);
  }
  return parsed.data;
}

/** `params` split into the non-secret ones (kept in clear) and the secret ones, for this source and auth spec. */
export function splitParams(
  inputs: Pick<KnownBaseConnectionInputs, "source" | "auth">,
): { publicParams: Record<string, unknown>; secretParams: Record<string, unknown> } {
  const secret = secretParamNames(inputs.source, inputs.auth.specName);
  const split = { publicParams: {} as Record<string, unknown>, secretParams: {} as Record<string, unknown> };
  for (const [key, value] of Object.entries(inputs.auth.params)) {
    (secret.includes(key) ? split.secretParams : split.publicParams)[key] = value;
  }
  return split;
}

/**
 * Outputs for `inputs` after a write that AEP answered with `connection`'s id and etag: everything else is what
 * was declared (a write sends it whole), so no read-back is needed.
 */
export function toOutputs(inputs: KnownBaseConnectionInputs, connection: Connection, sandboxName: string): BaseConnectionOutputs {
  const { publicParams, secretParams } = splitParams(inputs);
  const outputs: BaseConnectionOutputs = {
    connectionId: connection.id,
    etag: connection.etag,
    connectionSpecId: connection.connectionSpec.id,
    state: connection.state ?? "enabled",
    sandboxName,
    source: inputs.source,
    name: connection.name,
    authSpecName: inputs.auth.specName,
    authParams: publicParams,
    secretAuthParams: secretParams,
    verify: inputs.verify,
  };
  const description = splitMarker(connection.description).text;
  if (description !== undefined && description !== "") outputs.description = description;
  if (inputs.identity !== undefined) outputs.identity = inputs.identity;
  if (inputs.timeouts !== undefined) outputs.timeouts = inputs.timeouts;
  return outputs;
}

/**
 * Outputs after a refresh read `connection`: AEP's view of name, description, state, times and non-secret params;
 * the secret params are kept from state, since Flow Service masks them on read.
 */
export function refreshedOutputs(olds: StoredOutputs, connection: Connection, sandboxName: string): StoredOutputs {
  // An unknown auth spec gives every secret param of the source, so nothing secret is taken for public.
  const secret = new Set<string>(
    olds.source !== undefined && isSourceKey(olds.source) ? secretParamNames(olds.source, olds.authSpecName ?? "") : [],
  );
  // Secrets come back masked, so they are kept from state; non-secret params are compared for drift.
  const reported = connection.auth?.params ?? {};
  const authParams = { ...(olds.authParams ?? {}) };
  for (const [key, value] of Object.entries(reported)) {
    if (!secret.has(key) && key in authParams) {
      authParams[key] = value;
    }
  }
  return {
    connectionId: connection.id,
    etag: connection.etag,
    connectionSpecId: connection.connectionSpec.id,
    state: connection.state ?? olds.state ?? "enabled",
    sandboxName,
    source: olds.source,
    name: connection.name,
    description: splitMarker(connection.description).text || undefined,
    authSpecName: connection.auth?.specName ?? olds.authSpecName,
    authParams,
    secretAuthParams: olds.secretAuthParams,
    verify: olds.verify ?? false,
    identity: olds.identity,
    timeouts: olds.timeouts,
  };
}

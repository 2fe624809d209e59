/**
 * Typed access to the pieces of `@pulumi/pulumi` the harness drives: generated gRPC stubs, protobuf helpers, the RPC
 * wire constants and the entry points of the SDK's own processes (dynamic-provider host, program runner).
 *
 * `@grpc/grpc-js` and `google-protobuf` are resolved from `@pulumi/pulumi`'s own location so that the stubs and the
 * clients/servers built here use the very same module instances (grpc-js checks `instanceof` on credentials and
 * metadata, jspb on messages).
 */
import { createRequire } from "module";
import type * as GrpcModule from "@grpc/grpc-js";
import type * as StructProtoModule from "google-protobuf/google/protobuf/struct_pb";
import type * as EmptyProtoModule from "google-protobuf/google/protobuf/empty_pb";
import type * as ProviderGrpcModule from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as ProviderProtoModule from "@pulumi/pulumi/proto/provider_pb";
import type * as ResourceGrpcModule from "@pulumi/pulumi/proto/resource_grpc_pb";
import type * as ResourceProtoModule from "@pulumi/pulumi/proto/resource_pb";
import type * as EngineGrpcModule from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as EngineProtoModule from "@pulumi/pulumi/proto/engine_pb";
import type * as StatusProtoModule from "@pulumi/pulumi/proto/status_pb";
import type * as RpcModule from "@pulumi/pulumi/runtime/rpc";

const pulumiPackageJson = require.resolve("@pulumi/pulumi/package.json");

/** `require` bound to `@pulumi/pulumi`'s location: resolves its dependencies exactly as the SDK itself does. */
const requireFromPulumi = createRequire(pulumiPackageJson);

export const grpc = requireFromPulumi("@grpc/grpc-js") as typeof GrpcModule;
export const structProto = requireFromPulumi(
  "google-protobuf/google/protobuf/struct_pb",
) as typeof StructProtoModule;
export const emptyProto = requireFromPulumi("google-protobuf/google/protobuf/empty_pb") as typeof EmptyProtoModule;

export const providerGrpc = requireFromPulumi("./proto/provider_grpc_pb") as typeof ProviderGrpcModule;
export const providerProto = requireFromPulumi("./proto/provider_pb") as typeof ProviderProtoModule;
export const resourceGrpc = requireFromPulumi("./proto/resource_grpc_pb") as typeof ResourceGrpcModule;
export const resourceProto = requireFromPulumi("./proto/resource_pb") as typeof ResourceProtoModule;
export const engineGrpc = requireFromPulumi("./proto/engine_grpc_pb") as typeof EngineGrpcModule;
export const engineProto = requireFromPulumi("./proto/engine_pb") as typeof EngineProtoModule;
export const statusProto = requireFromPulumi("./proto/status_pb") as typeof StatusProtoModule;
export const rpc = requireFromPulumi("./runtime/rpc") as typeof RpcModule;

/** Entry point of the SDK's dynamic-provider host (what the `pulumi-resource-pulumi-nodejs` shim runs). */
export const dynamicProviderHostEntry = requireFromPulumi.resolve("./cmd/dynamic-provider");

/** Entry point of the SDK's program runner (what the `pulumi-language-nodejs` host runs). */
export const programRunnerEntry = requireFromPulumi.resolve("./cmd/run");

/** Type-token prefix of every Node.js dynamic resource (`pulumi-nodejs:dynamic[/module]:Type`). */
export const dynamicTypePrefix = "pulumi-nodejs:dynamic";

/** Type token of the root stack resource. */
export const stackType = "pulumi:pulumi:Stack";

export type GrpcServiceError = GrpcModule.ServiceError;

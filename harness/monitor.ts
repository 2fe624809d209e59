/**
 * The gRPC side of the test engine: a `pulumirpc.ResourceMonitor` and a `pulumirpc.Engine` service on 127.0.0.1
 * (random port), answering the SDK's program runner the way the Pulumi CLI does, and handing resource work to a
 * {@link Deployment}.
 */
import type * as GrpcTypes from "@grpc/grpc-js";
import type { IResourceMonitorServer } from "@pulumi/pulumi/proto/resource_grpc_pb";
import type { IEngineServer } from "@pulumi/pulumi/proto/engine_grpc_pb";
import type { Deployment, RegistrationResult } from "./deployment";
import type { Diagnostic, MockInvoke } from "./engine-model";
import { withoutUndefined, type PropertyBag } from "./property-values";
import {
  emptyProto,
  engineGrpc,
  engineProto,
  grpc,
  providerProto,
  resourceGrpc,
  resourceProto,
  structProto,
} from "./sdk";

/**
 * Monitor features the test engine claims. `secrets` makes the SDK send secrets sig-wrapped; `parameterization`
 * lets parameterized packages call `RegisterPackage`. Everything else (resource references, output values,
 * transforms, hooks, alias specs, deletedWith, replaceWith) is reported unsupported, so the SDK falls back to the
 * plainer encodings or fails loudly when a program needs them.
 */
const supportedFeatures = new Set(["secrets", "parameterization"]);

/** Everything the servers need besides the deployment. */
export interface EngineServerOptions {
  readonly invoke: MockInvoke | undefined;
  /** Receives program `Log` messages (DEBUG already filtered). */
  readonly onLog: (diagnostic: Diagnostic) => void;
}

type StatusError = Partial<GrpcTypes.StatusObject>;

function statusError(error: unknown, code: number = grpc.status.UNKNOWN): StatusError {
  return { code, details: error instanceof Error ? error.message : String(error) };
}

function toStruct(bag: PropertyBag): InstanceType<typeof structProto.Struct> {
  return structProto.Struct.fromJavaScript(withoutUndefined(bag) as Record<string, never>);
}

function fromStruct(struct: InstanceType<typeof structProto.Struct> | undefined): PropertyBag {
  return struct === undefined ? {} : (struct.toJavaScript() as PropertyBag);
}

function severityOf(level: number): Diagnostic["severity"] | undefined {
  switch (level) {
    case engineProto.LogSeverity.INFO:
      return "info";
    case engineProto.LogSeverity.WARNING:
      return "warning";
    case engineProto.LogSeverity.ERROR:
      return "error";
    default:
      return undefined;
  }
}

/** The running monitor + engine gRPC server of one program run. */
export class EngineServer {
  private rootUrn = "";
  private packageCount = 0;

  private constructor(
    private readonly server: GrpcTypes.Server,
    /** `127.0.0.1:<port>`, passed to the program as both `--monitor` and `--engine`. */
    readonly address: string,
  ) {}

  /** Starts both services on one random 127.0.0.1 port. */
  static async start(deployment: Deployment, options: EngineServerOptions): Promise<EngineServer> {
    const server = new grpc.Server({
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
      "grpc.max_send_message_length": 400 * 1024 * 1024,
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
    const engineServer = new EngineServer(server, `127.0.0.1:${port}`);
    server.addService(resourceGrpc.ResourceMonitorService, engineServer.monitorService(deployment, options) as GrpcTypes.UntypedServiceImplementation);
    server.addService(engineGrpc.EngineService, engineServer.engineService(options) as GrpcTypes.UntypedServiceImplementation);
    return engineServer;
  }

  /** Stops accepting calls and closes open ones (after at most 5 s). */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 5_000);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private monitorService(deployment: Deployment, options: EngineServerOptions): Partial<IResourceMonitorServer> {
    const respond = (result: RegistrationResult) => {
      const response = new resourceProto.RegisterResourceResponse();
      response.setUrn(result.urn);
      response.setId(result.id);
      response.setObject(toStruct(result.object));
      response.setResult(resourceProto.Result.SUCCESS);
      return response;
    };
    return {
      supportsFeature: (call, callback) => {
        const response = new resourceProto.SupportsFeatureResponse();
        response.setHassupport(supportedFeatures.has(call.request.getId()));
        callback(null, response);
      },
      registerResource: (call, callback) => {
        const request = call.request;
        deployment
          .register({
            type: request.getType(),
            name: request.getName(),
            parent: request.getParent(),
            custom: request.getCustom(),
            object: fromStruct(request.getObject()),
            dependencies: request.getDependenciesList(),
            provider: request.getProvider(),
            additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
            deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
            ignoreChanges: request.getIgnorechangesList(),
            replaceOnChanges: request.getReplaceonchangesList(),
          })
          .then(
            (result) => callback(null, respond(result)),
            (error: unknown) => callback(statusError(error), null),
          );
      },
      registerResourceOutputs: (call, callback) => {
        try {
          deployment.registerOutputs(call.request.getUrn(), fromStruct(call.request.getOutputs()));
          callback(null, new emptyProto.Empty());
        } catch (error) {
          callback(statusError(error), null);
        }
      },
      readResource: (call, callback) => {
        const request = call.request;
        deployment
          .read(request.getType(), request.getName(), request.getParent(), request.getId(), fromStruct(request.getProperties()))
          .then(
            (result) => {
              const response = new resourceProto.ReadResourceResponse();
              response.setUrn(result.urn);
              response.setProperties(toStruct(result.object));
              callback(null, response);
            },
            (error: unknown) => callback(statusError(error), null),
          );
      },
      invoke: (call, callback) => {
        const token = call.request.getTok();
        try {
          const result = options.invoke?.(token, fromStruct(call.request.getArgs()));
          if (result === undefined) {
            callback(statusError(new Error(`unknown function ${token}`)), null);
            return;
          }
          const response = new providerProto.InvokeResponse();
          response.setReturn(toStruct(result));
          callback(null, response);
        } catch (error) {
          callback(statusError(error), null);
        }
      },
      registerPackage: (call, callback) => {
        this.packageCount += 1;
        const response = new resourceProto.RegisterPackageResponse();
        response.setRef(`${call.request.getName()}-package-ref-${this.packageCount}`);
        callback(null, response);
      },
      // Registrations are answered only once their steps are done, so nothing is outstanding here.
      signalAndWaitForShutdown: (_call, callback) => callback(null, new emptyProto.Empty()),
    };
  }

  private engineService(options: EngineServerOptions): Partial<IEngineServer> {
    return {
      log: (call, callback) => {
        const severity = severityOf(call.request.getSeverity());
        if (severity !== undefined) {
          const urn = call.request.getUrn();
          options.onLog({ severity, message: call.request.getMessage(), ...(urn ? { urn } : {}) });
        }
        callback(null, new emptyProto.Empty());
      },
      getRootResource: (_call, callback) => {
        const response = new engineProto.GetRootResourceResponse();
        response.setUrn(this.rootUrn);
        callback(null, response);
      },
      setRootResource: (call, callback) => {
        this.rootUrn = call.request.getUrn();
        callback(null, new engineProto.SetRootResourceResponse());
      },
      requirePulumiVersion: (_call, callback) => callback(null, new engineProto.RequirePulumiVersionResponse()),
    };
  }
}

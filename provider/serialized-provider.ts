/**
 * The provider object that Pulumi serializes into state (twice per resource: inputs and outputs). One shim serves
 * every object type: it differs per type only by the captured `type` name.
 *
 * It holds no code of its own: on the host's first call it loads the real provider by package name, whose
 * `install` puts the provider's methods for `type` on this object. That keeps `__provider` under 1 KB whatever the
 * providers grow into (it is stored twice per object, so every character counts twice in the state file), keeps
 * credentials and sockets out of the closure (pulumi/pulumi#8265), and means refresh and destroy run the installed
 * version of the library rather than a frozen copy (pulumi/pulumi#18976).
 *
 * The host always calls `configure` first, before any other method (cmd/dynamic-provider getProvider). The
 * require is resolved from the host's working directory (the Pulumi program's directory), so it finds the package
 * in the program's node_modules, or the package itself through its `exports` self-reference when run from a
 * checkout of this library (which must be built: `npm run build`).
 *
 * Keep every line of `configure` free of comments and of captured variables other than `type`: its source text is
 * what is stored.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ObjectTypeName } from "./objects";

/** Subpath export that resolves to dist/provider/install.js. */
export const IMPLEMENTATION_MODULE = "pulumi-aep-azure/provider-implementation";

function shim(type: ObjectTypeName): object {
  return {
    configure(this: object, request: pulumi.dynamic.ConfigureRequest): unknown {
      let lib;
      try {
        lib = require("module").createRequire(process.cwd() + "/x")("pulumi-aep-azure/provider-implementation");
      } catch (e) {
        throw new Error(`pulumi-aep-azure not found in ${process.cwd()}: npm install it there (in its own checkout: npm run build). ${String(e).split("\n")[0]}`);
      }
      return lib.install(this, request, type);
    },
  };
}

// One object per type, so that the SDK's serialization cache (keyed by provider object) serializes each once.
const shims = new Map<ObjectTypeName, object>();

/**
 * The object handed to `pulumi.dynamic.Resource` for `type`. Only `configure` exists until the host calls it; the
 * cast is what lets the SDK's type accept it.
 */
export function serializedProvider(type: ObjectTypeName): pulumi.dynamic.ResourceProvider {
  let provider = shims.get(type);
  if (provider === undefined) {
    provider = shim(type);
    shims.set(type, provider);
  }
  return provider as unknown as pulumi.dynamic.ResourceProvider;
}

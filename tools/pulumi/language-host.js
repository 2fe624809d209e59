#!/usr/bin/env node
// @ts-check
/**
 * Our stand-in for `pulumi-language-nodejs`, the Pulumi CLI's Node.js language host.
 *
 * Why it exists: the real host is the Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3,
 * and the module proxy refuses it (`go mod download -json
 * github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@latest` → `403 Forbidden … This module version
 * is not available.`, the same for pseudo-versions of the v3.259.0 / v3.258.0 commits). The engine stays the real
 * CLI; only the small process that starts the user's program is ours. It is written from the LanguageRuntime gRPC
 * contract (proto/language.proto as shipped in @pulumi/pulumi) and from what `@pulumi/pulumi/cmd/run` expects on
 * its command line and in its environment, which is the same thing the real host provides.
 *
 * What it does NOT do that the real host does (none of it is used by this project's programs): a ResourceMonitor
 * proxy between the program and the engine (we hand the program the engine's monitor address directly), the
 * `--sync` pipes for synchronous invokes, debugger attach, bun, fnm/.nvmrc, yarn/pnpm, code generation, Pack/Link.
 *
 * Protocol (as the engine expects from any plugin): print the gRPC port on stdout, serve until the engine goes.
 */
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");

// Modules come from this checkout's node_modules (the launcher runs before any program directory is known).
const here = __dirname;
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [here] }));
const protoDir = path.dirname(require.resolve("@pulumi/pulumi/proto/language_pb.js", { paths: [here] }));
const languagePb = require(path.join(protoDir, "language_pb.js"));
const languageRpc = require(path.join(protoDir, "language_grpc_pb.js"));
const pluginPb = require(path.join(protoDir, "plugin_pb.js"));
const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [protoDir] }));

/** Exit code by which `@pulumi/pulumi/cmd/run` says "the user already saw an actionable message". */
const USER_ACTIONABLE_EXIT = 32;

const VERSION = process.env["PULUMI_AEP_LANGUAGE_HOST_VERSION"] ?? "0.0.0-aep-stand-in";

/** @type {string} */
let engineAddress = process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "";
/** Programs we started, so Cancel and the engine going away can interrupt them. @type {Set<import("node:child_process").ChildProcess>} */
const children = new Set();

/** `require.resolve` run from the program's directory, as the program itself would resolve it. */
function resolveFrom(dir, mod) {
  const result = spawnSync(process.execPath, ["-e", `console.log(require.resolve(${JSON.stringify(mod)}))`], { cwd: dir, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${mod} is not installed for the program in ${dir} (run npm install there): ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

/** The runtime options of Pulumi.yaml (`runtime.options`), with the CLI's default of typescript: true. */
function programOptions(info) {
  const options = info?.getOptions()?.toJavaScript() ?? {};
  return {
    typescript: options["typescript"] === undefined ? true : options["typescript"] === true,
    tsconfig: typeof options["tsconfig"] === "string" ? options["tsconfig"] : "",
    nodeargs: typeof options["nodeargs"] === "string" ? options["nodeargs"].split(/\s+/).filter(Boolean) : [],
  };
}

/** @param {any} call @param {(err: unknown, res?: unknown) => void} callback */
function run(call, callback) {
  const req = call.request;
  const info = req.getInfo();
  const programDir = info?.getProgramDirectory() || req.getPwd();
  let runScript;
  try {
    runScript = resolveFrom(programDir, process.env["PULUMI_LANGUAGE_NODEJS_RUN_PATH"] || "@pulumi/pulumi/cmd/run");
  } catch (error) {
    callback(null, new languagePb.RunResponse().setError(String(error instanceof Error ? error.message : error)));
    return;
  }
  const opts = programOptions(info);
  const args = [...opts.nodeargs, runScript];
  /** @param {string} flag @param {string | number} value */
  const flag = (flag, value) => {
    if (value !== "" && value !== undefined) args.push(`--${flag}`, String(value));
  };
  flag("monitor", req.getMonitorAddress());
  flag("engine", engineAddress);
  flag("organization", req.getOrganization());
  flag("project", req.getProject());
  flag("root-directory", info?.getRootDirectory() ?? "");
  flag("stack", req.getStack());
  flag("pwd", programDir);
  if (req.getDryrun()) args.push("--dry-run");
  flag("parallel", req.getParallel());
  args.push(info?.getEntryPoint() || req.getProgram() || ".", ...req.getArgsList());

  // The SDK reads config as "<namespace>:config:<name>", the older key form the host still translates to.
  const config = {};
  for (const [key, value] of req.getConfigMap().entries()) {
    const colon = key.indexOf(":");
    config[colon < 0 ? key : `${key.slice(0, colon)}:config:${key.slice(colon + 1)}`] = value;
  }
  const env = { ...process.env, PULUMI_CONFIG: JSON.stringify(config), PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()) };
  if (opts.typescript) env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  if (opts.tsconfig) env["PULUMI_NODEJS_TSCONFIG_PATH"] = opts.tsconfig;

  // The program's output goes where the engine reads ours: it shows our stdout/stderr as the program's.
  const child = spawn(process.execPath, args, { cwd: programDir, env, stdio: ["ignore", "inherit", "inherit"] });
  children.add(child);
  let answered = false;
  const answer = (error, bail = false) => {
    if (answered) return;
    answered = true;
    children.delete(child);
    callback(null, new languagePb.RunResponse().setError(error).setBail(bail));
  };
  child.on("error", (error) => answer(`Problem executing program (could not run language executor): ${error.message}`));
  child.on("exit", (code, signal) => {
    if (code === 0) answer("");
    else if (code === USER_ACTIONABLE_EXIT) answer("", true);
    else answer(signal ? `Program exited with signal ${signal}` : `Program exited with non-zero exit code: ${code}`);
  });
}

/** Interrupts running programs (SIGINT, as the real host does), then kills them if they linger. */
function interruptChildren() {
  for (const child of children) {
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  }
}

const empty = (_call, callback) => callback(null, new Empty());

const implementation = {
  handshake(call, callback) {
    engineAddress = call.request.getEngineAddress() || engineAddress;
    watchEngine();
    callback(null, new languagePb.LanguageHandshakeResponse());
  },
  // This project's programs need no resource plugin besides the dynamic provider, which the engine finds itself.
  getRequiredPlugins: (_call, callback) => callback(null, new languagePb.GetRequiredPluginsResponse()),
  getRequiredPackages: (_call, callback) => callback(null, new languagePb.GetRequiredPackagesResponse()),
  run,
  getPluginInfo: (_call, callback) => callback(null, new pluginPb.PluginInfo().setVersion(VERSION)),
  // The suite installs the program's dependencies itself (from `npm pack`), so there is nothing to do here.
  installDependencies(call) {
    call.write(new languagePb.InstallDependenciesResponse().setStdout(Buffer.from("Dependencies are installed by the caller (stand-in language host).\n")));
    call.end();
  },
  about(_call, callback) {
    callback(null, new languagePb.AboutResponse().setExecutable(process.execPath).setVersion(process.version));
  },
  getProgramDependencies: (_call, callback) => callback(null, new languagePb.GetProgramDependenciesResponse()),
  cancel(call, callback) {
    interruptChildren();
    empty(call, callback);
  },
};

/**
 * Exits when the engine stops answering, as every plugin must: a CLI killed with SIGKILL never tells its plugins,
 * and an orphaned host would keep the program (and its provider calls) running.
 */
let watching = false;
function watchEngine() {
  if (watching || engineAddress === "") return;
  watching = true;
  const [host, port] = [engineAddress.slice(0, engineAddress.lastIndexOf(":")), Number(engineAddress.slice(engineAddress.lastIndexOf(":") + 1))];
  const timer = setInterval(() => {
    const socket = net.connect({ host: host || "127.0.0.1", port }, () => socket.end());
    socket.on("error", () => {
      clearInterval(timer);
      interruptChildren();
      setTimeout(() => process.exit(1), 500).unref();
    });
  }, 1000);
  timer.unref();
}

process.on("SIGINT", interruptChildren);

const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
server.addService(languageRpc.LanguageRuntimeService, implementation);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`could not start language host RPC server: ${error.message}\n`);
    process.exit(1);
  }
  watchEngine();
  process.stdout.write(`${port}\n`);
});

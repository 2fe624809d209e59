/**
 * Runs a Pulumi program with the SDK's own program runner (`@pulumi/pulumi/cmd/run`), as the `pulumi-language-nodejs`
 * host does: same flags, same environment variables (config, TypeScript switch), in a child process.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { programRunnerEntry } from "./sdk";

/** Preload working around a Node.js colored-inspect hang on SDK stack traces (see the file's header). */
const inspectWorkaround = path.join(__dirname, "inspect-workaround.js");

/** Where and how to find a program, resolved from a directory (with or without Pulumi.yaml) or a file. */
export interface ProgramLocation {
  /** Working directory of the program (`--pwd`) and project root (`--root-directory`). */
  readonly directory: string;
  /** Program argument for `cmd/run`: an absolute path, or `"."` to let the SDK read the directory's package.json. */
  readonly program: string;
  /** `name` from Pulumi.yaml, if any. */
  readonly projectName: string | undefined;
}

/** Reads a top-level scalar (`key: value`) from Pulumi.yaml text; enough for `name` and `main`. */
function topLevelYamlScalar(yaml: string, key: string): string | undefined {
  for (const line of yaml.split(/\r?\n/)) {
    const match = /^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$/.exec(line);
    if (match?.[1] === key && match[2]) {
      const raw = match[2].replace(/\s+#.*$/, "");
      return raw.replace(/^(["'])(.*)\1$/, "$2");
    }
  }
  return undefined;
}

/**
 * Resolves the program to run. A directory with a Pulumi.yaml `main` runs that entry point; a directory with its own
 * package.json runs `"."` (the SDK then honours its `main`/`exports`, like `pulumi up`); any other directory runs as
 * `<dir>/` (Node resolves `index.js`, or `index.ts` with ts-node); a file runs as is.
 */
export function locateProgram(programPath: string): ProgramLocation {
  const absolute = path.resolve(programPath);
  if (!fs.statSync(absolute).isDirectory()) {
    return { directory: path.dirname(absolute), program: absolute, projectName: undefined };
  }
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"].map((name) => path.join(absolute, name)).find((file) => fs.existsSync(file));
  const projectYaml = projectFile === undefined ? "" : fs.readFileSync(projectFile, "utf8");
  const main = topLevelYamlScalar(projectYaml, "main");
  const projectName = topLevelYamlScalar(projectYaml, "name");
  if (main !== undefined) {
    return { directory: absolute, program: path.resolve(absolute, main), projectName };
  }
  if (fs.existsSync(path.join(absolute, "package.json"))) {
    return { directory: absolute, program: ".", projectName };
  }
  return { directory: absolute, program: absolute, projectName };
}

/** Parameters of one program run. */
export interface ProgramRunRequest {
  readonly location: ProgramLocation;
  readonly engineAddress: string;
  readonly project: string;
  readonly stack: string;
  readonly organization: string;
  readonly preview: boolean;
  /** Namespaced config key → plain string value (`PULUMI_CONFIG`). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys of secret config values (`PULUMI_CONFIG_SECRET_KEYS`). */
  readonly secretKeys: readonly string[];
  /** Type-check TypeScript programs (ts-node without transpile-only). */
  readonly typeCheck: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Outcome of a program run. `exitCode` is -1 when the run was killed (timeout) or died from a signal. */
export interface ProgramRunResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Spawns `node <@pulumi/pulumi/cmd/run> --monitor=… --engine=… … <program>` and waits for it to exit. */
export function runProgram(request: ProgramRunRequest): Promise<ProgramRunResult> {
  const { location } = request;
  const args = [
    programRunnerEntry,
    `--monitor=${request.engineAddress}`,
    `--engine=${request.engineAddress}`,
    `--organization=${request.organization}`,
    `--project=${request.project}`,
    `--stack=${request.stack}`,
    `--pwd=${location.directory}`,
    `--root-directory=${location.directory}`,
    ...(request.preview ? ["--dry-run"] : []),
    location.program,
  ];
  const child = spawn(process.execPath, args, {
    cwd: location.directory,
    env: {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(request.config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.secretKeys),
      PULUMI_NODEJS_TYPESCRIPT: "true",
      PULUMI_NODEJS_TRANSPILE_ONLY: request.typeCheck ? "false" : "true",
      ...request.env,
      // NODE_OPTIONS rather than argv: `cmd/run` treats a `--require` in execArgv as a custom loader (no ESM mode).
      NODE_OPTIONS: [`--require=${JSON.stringify(inspectWorkaround)}`, request.env["NODE_OPTIONS"] ?? process.env["NODE_OPTIONS"] ?? ""]
        .join(" ")
        .trim(),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnParentExit = () => child.kill("SIGKILL");
  process.on("exit", killOnParentExit);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
  return new Promise<ProgramRunResult>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, request.timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      process.removeListener("exit", killOnParentExit);
      reject(error);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      process.removeListener("exit", killOnParentExit);
      resolve({ exitCode: code ?? -1, stdout: stdout.join(""), stderr: stderr.join(""), timedOut });
    });
  });
}

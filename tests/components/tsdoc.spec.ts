/**
 * The public API of the pipeline and explore modules carries TSDoc, as the project's rules ask: every exported
 * function, every argument of every exported argument type (each variant of a union, each source of a generic) and
 * every public property of `Pipeline` has a comment, and every optional argument names its `@default`. Read with the
 * TypeScript compiler, as an editor shows it.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import * as ts from "typescript";

const root = path.resolve(__dirname, "..", "..");

/** The types a user meets, instantiated as a program would (a generic's conditional parts resolve per source). */
const PROBE = `
import type * as P from "./components/pipeline";
import type * as E from "./components/explore";
export type Checked = {
  "PipelineCommonArgs": P.PipelineCommonArgs;
  "TableIngestArgs<databricks>": P.TableIngestArgs<"databricks">;
  "TableIngestArgs<sql-server>": P.TableIngestArgs<"sql-server">;
  "FileIngestArgs": P.FileIngestArgs;
  "IngestArgs<synapse>": P.IngestArgs<"synapse">;
  "PipelineArgs<table-storage>": P.PipelineArgs<"table-storage">;
  "PipelineArgs<adls-gen2>": P.PipelineArgs<"adls-gen2">;
  "PipelineConnection": P.PipelineConnection<"sql-server">;
  "Pipeline": P.Pipeline<"sql-server">;
  "ExploreTarget": E.ExploreTarget;
  "ExploreFolderTarget": E.ExploreFolderTarget;
  "ExploreTableTarget": E.ExploreTableTarget;
  "ExploreFileTarget": E.ExploreFileTarget;
  "DefaultMappingOptions": E.DefaultMappingOptions;
};
`;

function program(): { checker: ts.TypeChecker; probe: ts.SourceFile; modules: ts.SourceFile[] } {
  const probeName = path.join(root, "__tsdoc_probe__.ts");
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError, create) =>
    path.resolve(name) === probeName ? ts.createSourceFile(name, PROBE, version) : getSourceFile(name, version, onError, create);
  const created = ts.createProgram([probeName], parsed.options, host);
  const modules = ["components/pipeline.ts", "components/explore.ts"].map((file) => created.getSourceFile(path.join(root, file))!);
  return { checker: created.getTypeChecker(), probe: created.getSourceFile(probeName)!, modules };
}

/** What is wrong with the documentation of each property of `type` (each union member on its own). */
function propertyProblems(checker: ts.TypeChecker, type: ts.Type, where: string): string[] {
  if (type.isUnion()) return type.types.flatMap((member, i) => propertyProblems(checker, member, `${where} (variant ${i + 1})`));
  const problems: string[] = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.declarations?.[0];
    if (declaration === undefined || ts.isPrivateIdentifier(declaration) || (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0) continue;
    // Inherited from @pulumi/pulumi (urn, getProvider, …): documented there.
    if (declaration.getSourceFile().fileName.includes("node_modules")) continue;
    const propertyType = checker.getTypeOfSymbol(property);
    // `x?: never`: a property ruled out for this variant, nothing to document.
    if ((propertyType.flags & (ts.TypeFlags.Never | ts.TypeFlags.Undefined)) !== 0) continue;
    const name = `${where}.${property.name}`;
    if (ts.displayPartsToString(property.getDocumentationComment(checker)).trim() === "") problems.push(`${name}: no TSDoc`);
    else if ((property.flags & ts.SymbolFlags.Optional) !== 0 && !property.getJsDocTags(checker).some((tag) => tag.name === "default")) {
      problems.push(`${name}: optional without @default`);
    }
  }
  return problems;
}

describe("TSDoc of the pipeline and explore API", function () {
  this.timeout(120_000);
  let compiled: ReturnType<typeof program>;
  before(() => {
    compiled = program();
  });

  it("every exported function and type of components/pipeline.ts and components/explore.ts has a comment", () => {
    const { checker, modules } = compiled;
    const problems: string[] = [];
    for (const module of modules) {
      for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(module)!)) {
        if (ts.displayPartsToString(exported.getDocumentationComment(checker)).trim() === "") problems.push(`${path.basename(module.fileName)}: ${exported.name}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("every argument and public property has a comment, every optional argument its @default", () => {
    const { checker, probe } = compiled;
    const checked = checker.getTypeAtLocation((probe.statements.find(ts.isTypeAliasDeclaration) as ts.TypeAliasDeclaration).name);
    const problems = checker.getPropertiesOfType(checked).flatMap((entry) => propertyProblems(checker, checker.getTypeOfSymbol(entry), entry.name));
    assert.ok(checker.getPropertiesOfType(checked).length >= 14, "the probe resolved");
    assert.deepEqual(problems, []);
  });
});

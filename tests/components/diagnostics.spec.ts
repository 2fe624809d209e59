/**
 * What a user sees for a bad component argument in `pulumi preview`: one error attached to the component's URN,
 * naming the argument as written, with no stack trace, no SDK noise, no wire field and no secret. Runs a real
 * program through the SDK's program runner (the test engine); no AEP settings exist, so no request can be sent.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { TestEngine } from "../../harness/test-engine";

const programDir = path.join(__dirname, "fixtures", "bad-arguments");
const SECRET = "Sup3r-s3cret-principal-value";

async function previewOf(badCase: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aep-diagnostics-"));
  const engine = new TestEngine({
    programDir,
    stateFile: path.join(dir, "state.json"),
    config: { "bad-arguments:secret": { value: SECRET, secret: true } },
    programEnv: { BAD_ARGUMENTS_CASE: badCase },
  });
  return engine.preview();
}

const cases: [name: string, urnSuffix: string, message: RegExp][] = [
  ["capitals", "aep:azure:AdlsGen2Connection::lake", /^accountName: is not a storage account name \(3-24 lowercase letters and digits\); expected a storage account name \(3-24 lowercase letters and digits\) \(got "AcmeLake"\)$/],
  ["capitals-output", "aep:azure:AdlsGen2Connection::lake", /^accountName: is not a storage account name .*\(got "AcmeLake"\)$/],
  ["two-modes", "aep:azure:SynapseConnection::warehouse", /^connectionString, servicePrincipal: SynapseConnection needs exactly one of sqlLogin, connectionString, servicePrincipal; got 2$/],
  ["misspelled", "aep:azure:AdlsGen2Connection::lake", /^servicePrincipalSecert: unknown argument of AdlsGen2Connection \(did you mean "servicePrincipalSecret"\?\)/],
  ["bad-password-output", "aep:azure:SynapseConnection::warehouse", /^sqlLogin\.password: contains a control character \(such as a newline or tab\); expected the password of the login$/],
  ["pipeline-interval", "aep:azure:Pipeline::orders", /^schedule\.interval: required when frequency is hour; expected a whole number of hours, at least 1$/],
  ["pipeline-misspelled", "aep:azure:Pipeline::orders", /^shedule: unknown argument of SqlServerConnection\.ingest \(did you mean "schedule"\?\); expected one of: [^\n]*timeouts$/],
  // Known only when the program runs: the check waits for the value, and names the argument all the same.
  ["pipeline-interval-output", "aep:azure:Pipeline::orders", /^schedule\.interval: is 0; expected at least 1 when frequency is hour$/],
  ["pipeline-delta-column-output", "aep:azure:Pipeline::orders", /^deltaColumn: is empty; expected the name of a column holding the time each row last changed, e\.g\. updated_at \(got ""\)$/],
];

/** The pipeline's objects a preview planned, for the cases whose argument was known while the program ran it. */
function pipelineChildren(result: Awaited<ReturnType<typeof previewOf>>): string[] {
  return result.steps.filter((step) => step.urn.includes("aep:azure:Pipeline$")).map((step) => step.type);
}

describe("component argument errors at preview (a real program through the SDK's runner)", function () {
  this.timeout(120_000);
  for (const [badCase, urnSuffix, message] of cases) {
    it(`${badCase}: one error on the component, naming the argument, no stack, no secret`, async () => {
      const result = await previewOf(badCase);
      assert.equal(result.succeeded, false);
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      assert.equal(errors.length, 1, JSON.stringify(errors, null, 1));
      const [error] = errors;
      assert.ok(error!.urn?.endsWith(urnSuffix), `attached to ${urnSuffix}: ${error!.urn}`);
      assert.match(error!.message.trim(), message);
      const everything = [error!.message, result.stderr, result.stdout, ...result.diagnostics.map((d) => d.message)].join("\n");
      assert.ok(!/\n\s+at /.test(everything), `no stack trace:\n${everything}`);
      assert.ok(!/error serializing|auth\.params|Promise \{|\[Circular/.test(everything), `no SDK noise or wire field:\n${everything}`);
      assert.ok(!everything.includes(SECRET), "no secret");
      if (badCase === "pipeline-interval" || badCase === "pipeline-misspelled") assert.deepEqual(pipelineChildren(result), [], "no object of the pipeline is planned");
    });
  }
});

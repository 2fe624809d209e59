/**
 * Messages that say what to fix: a wrong AEP client secret names the settings behind IMS's `invalid_client`, and
 * missing settings give the `pulumi config set` command of every required key.
 */
import { strict as assert } from "node:assert";
import { HostCallError } from "../../harness/provider-host";
import { allVariants, inputsFor, startRig, stopRig, urnOf, type Rig } from "../../harness/rig";
import { aepConfig } from "../../harness/aep-config";

describe("settings messages through the dynamic-provider host", function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(() => stopRig(rig));

  it("a wrong client secret names aep:clientSecret / AEP_CLIENT_SECRET and what to check, without the secret", async () => {
    rig = await startRig({ configure: false });
    const wrong = "not-the-Secret-4711";
    await rig.host.configure(aepConfig(rig.emulator, { "aep:clientSecret": wrong }), ["aep:clientSecret"]);
    const variant = allVariants()[0]!;
    const checked = await rig.host.check(urnOf("wrong"), {}, inputsFor(variant, "wrong"));
    const error = await rig.host.create(urnOf("wrong"), checked.inputs).then(
      () => assert.fail("create should fail"),
      (e: unknown) => e as HostCallError,
    );
    assert.match(error.details, /IMS token request failed: 40\d .*\[invalid_client\]/);
    assert.match(error.details, /Check aep:clientId \/ AEP_CLIENT_ID and aep:clientSecret \/ AEP_CLIENT_SECRET/);
    assert.match(error.details, /pulumi config set --secret aep:clientSecret <secret>/);
    assert.ok(!error.details.includes(wrong), "the wrong secret is not quoted");
    assert.equal(rig.emulator.store.list().length, 0);
  });

  it("one missing setting: the message gives the config commands for all three required keys", async () => {
    rig = await startRig({ configure: false });
    const { ["aep:orgId"]: _org, ...config } = aepConfig(rig.emulator);
    await rig.host.configure(config, ["aep:clientSecret"]);
    const variant = allVariants()[0]!;
    const checked = await rig.host.check(urnOf("missing"), {}, inputsFor(variant, "missing"));
    const error = await rig.host.create(urnOf("missing"), checked.inputs).then(
      () => assert.fail("create should fail"),
      (e: unknown) => e as HostCallError,
    );
    for (const command of ["pulumi config set aep:clientId", "pulumi config set --secret aep:clientSecret", "pulumi config set aep:orgId"]) {
      assert.ok(error.details.includes(command), `names ${command}: ${error.details}`);
    }
    assert.equal(rig.emulator.requests.length, 0, "no request without settings");
  });
});

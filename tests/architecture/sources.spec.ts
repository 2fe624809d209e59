/**
 * The source registry (provider/sources) is the one list of sources. Other places that must know every source are
 * either derived from it, or (the emulator's catalogue, the seed table of tests/unit/sources.spec.ts) transcribed
 * independently on purpose and checked against it here, so that a sixth source cannot silently lag behind.
 */
import { strict as assert } from "node:assert";
import { CONNECTION_SPECS, findAuthSpec, findConnectionSpec, secretParamNames as emulatorSecretParams } from "../../emulator/catalogue";
import { allVariants } from "../../harness/rig";
import { paramNames, sourceKeys, sources } from "../../provider/sources";
import { sourceFixtures } from "../fixtures/sources";

describe("one list of sources: the registry, and every place that must follow it", () => {
  it("the emulator's catalogue has each registry source's connection spec, auth spec names, params and secrets", () => {
    for (const key of sourceKeys) {
      const source = sources[key];
      const spec = findConnectionSpec(source.connectionSpec.id);
      assert.ok(spec, `emulator/catalogue.ts lacks ${key} (${source.connectionSpec.id}); add it, transcribed from ${source.docsUrl}`);
      for (const variant of Object.values(source.auth)) {
        const authSpec = findAuthSpec(spec, variant.specName);
        assert.ok(authSpec, `emulator/catalogue.ts: ${key} lacks the auth spec "${variant.specName}"`);
        assert.deepEqual(Object.keys(authSpec.spec.properties).sort(), [...paramNames(variant)].sort(), `${key} / ${variant.specName} params`);
        assert.deepEqual(emulatorSecretParams(spec.id, variant.specName).sort(), [...variant.secretParams].sort(), `${key} / ${variant.specName} secrets`);
      }
    }
    assert.equal(CONNECTION_SPECS.length, sourceKeys.length, "the emulator serves no source the registry lacks");
  });

  it("the test fixtures and the harness's variants cover every auth variant of every source", () => {
    const variants = allVariants().map((v) => `${v.source} / ${v.specName}`);
    const expected = sourceKeys.flatMap((key) => Object.keys(sources[key].auth).map((specName) => `${key} / ${specName}`));
    assert.deepEqual(variants, expected);
    for (const key of sourceKeys) assert.ok(sourceFixtures[key], `tests/fixtures/sources.ts has ${key}`);
  });
});

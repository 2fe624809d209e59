/**
 * Edge values of the dataflow rules that must pass (the malformed-input corpus covers what must not).
 */
import { strict as assert } from "node:assert";
import { validateSourceConnectionInputs } from "../../provider/source-connection/inputs";

function delimiterFailures(columnDelimiter: string): string[] {
  const { failures } = validateSourceConnectionInputs({
    source: "adls-gen2",
    name: "customers",
    baseConnectionId: "0b8224e4-0de8-4293-8224-e40de80293c6",
    file: { path: "/acme-customers/customers.tsv", format: "delimited", columnDelimiter },
  });
  return failures.map((failure) => `${failure.property}: ${failure.reason}`);
}

describe("dataflow rules: edge values that are valid", () => {
  it("a delimited file's columnDelimiter is any one character, a tab (tab-separated files) and a space included", () => {
    for (const delimiter of [",", ";", "|", "\t", " ", "€", "𝄞"]) assert.deepEqual(delimiterFailures(delimiter), [], JSON.stringify(delimiter));
  });

  it("but not two characters, a line break or another control character, or an invisible one", () => {
    for (const delimiter of [",,", "", "\n", "\r", "\u0000", "\u200b", "\ud800"]) {
      assert.match(delimiterFailures(delimiter).join("\n"), /^file\.columnDelimiter: /, JSON.stringify(delimiter));
    }
  });
});

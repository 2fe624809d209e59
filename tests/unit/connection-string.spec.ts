import { strict as assert } from "node:assert";
import { type KnownKey, parseConnectionString, type ParsedConnectionString } from "../../provider/sources/connection-string";

const VOCABULARY: readonly KnownKey[] = [
  { name: "Server", synonyms: ["Data Source"] },
  { name: "Password", synonyms: ["PWD"] },
  { name: "AccountKey" },
];

function parse(text: string): ParsedConnectionString {
  const result = parseConnectionString(text, VOCABULARY);
  assert.ok(result.ok, `expected ${JSON.stringify(text)} to parse, got: ${result.ok ? "" : result.problems.join("; ")}`);
  return result.parsed;
}

function problems(text: string): readonly string[] {
  const result = parseConnectionString(text, VOCABULARY);
  assert.ok(!result.ok, `expected ${JSON.stringify(text)} to be rejected`);
  return result.problems;
}

describe("parseConnectionString", () => {
  it("reads key=value pairs, matching known keys and synonyms case-insensitively", () => {
    const parsed = parse("data source=db.example.com;pwd=secret;Other Key=1");
    assert.equal(parsed.get("Server")?.value, "db.example.com");
    assert.equal(parsed.get("Server")?.knownSpelling, "Data Source");
    assert.equal(parsed.get("Password")?.value, "secret");
    assert.deepEqual(
      parsed.pairs.map((p) => [p.position, p.rawKey, p.known?.name]),
      [
        [1, "data source", "Server"],
        [2, "pwd", "Password"],
        [3, "Other Key", undefined],
      ],
    );
  });

  it("keeps '=' inside unquoted values (base64 padding)", () => {
    assert.equal(parse("AccountKey=abc+/def==").get("AccountKey")?.value, "abc+/def==");
  });

  it("trims unquoted values and keys but records the key exactly as written", () => {
    const parsed = parse("Server = db.example.com ; Password=a b ;");
    assert.equal(parsed.get("Server")?.value, "db.example.com");
    assert.equal(parsed.get("Password")?.value, "a b");
    assert.equal(parsed.pairs[1]?.rawKey, " Password");
  });

  it("unquotes double- and single-quoted values, undoing doubled quotes", () => {
    const parsed = parse(`Password="a;b""c'd" ; Server='it''s;here'`);
    assert.equal(parsed.get("Password")?.value, `a;b"c'd`);
    assert.equal(parsed.get("Password")?.quoted, true);
    assert.equal(parsed.get("Server")?.value, "it's;here");
  });

  it("tolerates empty segments and records a trailing ';'", () => {
    const parsed = parse(";;Server=x;;Password=y;");
    assert.equal(parsed.pairs.length, 2);
    assert.equal(parsed.endsWithSemicolon, true);
    assert.equal(parse("Server=x;Password=y").endsWithSemicolon, false);
    assert.equal(parse('Password="y;"').endsWithSemicolon, false);
  });

  it("names the key whose value swallowed a stray ';'", () => {
    assert.deepEqual(problems("Server=x;Password=ab;cd;"), [
      'the text after the value of Password is not a key=value pair (if that value contains ";", enclose the whole ' +
        'value in double quotes, doubling any " inside)',
    ]);
  });

  it("never repeats text of an unrecognised key (it may be part of a password)", () => {
    const [problem] = problems("Server=x;Password=a;secretpart=b;tail");
    assert.equal(
      problem,
      'the text after the value of an unrecognised key (pair 3) is not a key=value pair (if that value contains ";", ' +
        'enclose the whole value in double quotes, doubling any " inside)',
    );
    assert.ok(!problem!.includes("secretpart"));
  });

  it("rejects text that does not start with a pair, an empty key, unterminated quotes and text after a quote", () => {
    assert.deepEqual(problems("justtext"), ["does not start with a key=value pair"]);
    assert.deepEqual(problems("Server=x;=y"), ['pair 2 has no key before "="']);
    assert.deepEqual(problems('Password="abc;Server=x'), ["the quoted value of Password has no closing quote"]);
    assert.deepEqual(problems(`Password='abc'def;`), [
      "the value of Password continues after its closing quote (quote the whole value and double any quote character inside it)",
    ]);
  });

  it("rejects a key given twice, also through a synonym, and reports every duplicate", () => {
    assert.deepEqual(problems("Server=a;PASSWORD=b;Data Source=c;x=1;X=2"), [
      "Server is given more than once (pairs 1 and 3)",
      "an unrecognised key is given more than once (pairs 4 and 5)",
    ]);
  });
});

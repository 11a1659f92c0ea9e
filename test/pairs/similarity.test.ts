import { beforeAll, describe, expect, it } from "vitest";
import { loadPythonParser, type PythonParser } from "../../src/pairs/python-parser.js";
import { codeSimilarity, levenshteinDistance, tokenSimilarity } from "../../src/pairs/similarity.js";

let parser: PythonParser;
beforeAll(async () => {
  parser = await loadPythonParser();
});

// Tokens: def f ( x ) : return x + 1  → 10 tokens.
const base = "def f(x):\n    return x + 1\n";

describe("python parser", () => {
  it("are the parse leaves, without comments or layout, with a string literal as one token", () => {
    expect(parser.tokens(base)).toEqual(["def", "f", "(", "x", ")", ":", "return", "x", "+", "1"]);
    expect(parser.tokens('s = "a b c"  # note\nt = a not in b\n')).toEqual(["s", "=", '"a b c"', "t", "=", "a", "not in", "b"]);
  });

  it("reports ERROR and MISSING nodes as invalid", () => {
    expect(parser.isValid(base)).toBe(true);
    expect(parser.isValid("x = (1 +)\n")).toBe(false);
    // Recovery inserts a MISSING ")" here rather than an ERROR node.
    expect(parser.withTree("def f(:\n  pass\n", (root) => root.toString())).toContain("MISSING");
    expect(parser.isValid("def f(:\n  pass\n")).toBe(false);
  });

  it("loads the parser once", async () => {
    expect(await loadPythonParser()).toBe(parser);
  });
});

describe("codeSimilarity", () => {
  it("is 1 for identical programs", () => {
    expect(codeSimilarity(base, base, parser)).toBe(1);
  });

  it("renaming a variable substitutes 2 of 10 tokens: 1 - 2/10", () => {
    expect(codeSimilarity(base, "def f(y):\n    return y + 1\n", parser)).toBe(0.8);
  });

  it("changing one operator substitutes 1 of 10 tokens: 1 - 1/10", () => {
    expect(codeSimilarity(base, "def f(x):\n    return x - 1\n", parser)).toBe(0.9);
  });

  it("a completely different program: 6 deletions + 2 substitutions over 10 tokens", () => {
    // print ( "hi" ) aligns its parentheses with f's; print and "hi" match nothing.
    expect(codeSimilarity(base, 'print("hi")\n', parser)).toBeCloseTo(0.2, 12);
  });

  it("ignores reformatting, comments and line continuations", () => {
    const reformatted = "def f( x ) :\n  return x+1   # add one\n";
    const continued = "def f(x):\n    return x \\\n        + 1\n";
    expect(codeSimilarity(base, reformatted, parser)).toBe(1);
    expect(codeSimilarity(base, continued, parser)).toBe(1);
  });

  it("compares a string literal as a whole token: 1 of 3 tokens differs", () => {
    expect(codeSimilarity('s = "a b c"\n', 's = "a b d"\n', parser)).toBe(1 - 1 / 3);
  });

  it("is 1 for two programs without tokens, 0 against an empty one", () => {
    expect(codeSimilarity("", "# only a comment\n", parser)).toBe(1);
    expect(codeSimilarity("", base, parser)).toBe(0);
  });

  it("still compares programs that do not parse", () => {
    expect(codeSimilarity("def f(x:\n    return x + 1\n", base, parser)).toBe(0.9);
  });
});

describe("levenshteinDistance", () => {
  it("counts unit edits", () => {
    expect(levenshteinDistance([..."kitten"], [..."sitting"])).toBe(3);
    expect(levenshteinDistance([], ["a", "b"])).toBe(2);
    expect(levenshteinDistance(["a", "b"], ["b", "a"])).toBe(2);
    expect(tokenSimilarity([], [])).toBe(1);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseDocstringExamples } from "../../src/datasets/docstring-examples.js";
import { parsePythonLiteral } from "../../src/datasets/python-literal.js";
import { realDataDir } from "./fixture-data.js";
import { describeWithRealData } from "../helpers/requirements.js";

const prompt = (body: string) => `def f(xs, k=0):\n    """Docstring.\n${body}\n    """\n`;
const read = (body: string) => parseDocstringExamples(prompt(body), "f").map(({ args, expected }) => [args, expected]);

describe("parseDocstringExamples", () => {
  it("reads doctest examples, with multi-line outputs and trailing comments", () => {
    expect(read("    >>> f([1, 2])\n    [2, 1]\n    >>> f('(', 1)  # parenthesis in a string\n    ['(',\n     1]")).toEqual([
      ["[1, 2]", "[2, 1]"],
      ["'(', 1", "['(', 1]"],
    ]);
  });

  it("normalizes expected values to their repr", () => {
    expect(read('    >>> f(1)\n    "x"\n    >>> f(2)\n    6.00\n    >>> f(3) == (None,)')).toEqual([
      ["1", "'x'"],
      ["2", "6.0"],
      ["3", "(None,)"],
    ]);
  });

  it("reads the inline arrows", () => {
    expect(
      read(
        "    f(1) == 2\n    * f(2) => 3\n    f(3) ➞ True\n    f(4) ==> [4]\n    f(5) -> 5\n    f(6) returns 6\n    f(7) should return 7.\n    f(8) # => 'x'",
      ),
    ).toEqual([
      ["1", "2"],
      ["2", "3"],
      ["3", "True"],
      ["4", "[4]"],
      ["5", "5"],
      ["6", "6"],
      ["7", "7"],
      ["8", "'x'"],
    ]);
  });

  it("skips what it cannot read rather than guess", () => {
    expect(
      read(
        [
          "    >>> f([])", // no output: None, or nothing printed
          "",
          "    >>> round(f(1), 2)", // not a direct call
          "    1.0",
          "    >>> f(",
          "    ...   1)",
          "    2",
          "    >>> f(x)", // not a literal argument
          "    3",
          "    >>> f(1, k=2)", // keyword argument
          "    3",
          "    >>> f(2)",
          "    Traceback (most recent call last):",
          "    f(3) = 4", // a definition, not an example
          "    f(4) -> 19 - 5 = 14", // arithmetic
          "    f(5) => true", // not Python
          "    g(6) == 6", // another function
        ].join("\n"),
      ),
    ).toEqual([]);
  });

  it("records the line of each example", () => {
    expect(parseDocstringExamples(prompt("    >>> f(1)\n    1"), "f")[0]?.line).toBe(3);
  });
});

const humanEvalFile = join(realDataDir, "humaneval", "HumanEval.jsonl.gz");

describeWithRealData(["humaneval/HumanEval.jsonl.gz"], "parseDocstringExamples on HumanEval", () => {
  it("reads hundreds of examples, each with literal arguments and expected value", () => {
    const rows = gunzipSync(readFileSync(humanEvalFile))
      .toString("utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { prompt: string; entry_point: string });
    const examples = rows.flatMap((row) => parseDocstringExamples(row.prompt, row.entry_point));
    expect(examples.length).toBeGreaterThan(350);
    expect(rows.filter((row) => parseDocstringExamples(row.prompt, row.entry_point).length > 0).length).toBeGreaterThan(120);
    for (const example of examples) {
      expect(parsePythonLiteral(`(${example.args},)`).ok).toBe(true);
      expect(parsePythonLiteral(example.expected).ok).toBe(true);
    }
  });
});

import { describe, expect, it } from "vitest";
import { createLoopHeaderPredicate, fallThroughLines, isLoopHeaderText, splitSourceLines, statementStartLines } from "../../src/trace/source.js";

describe("splitSourceLines", () => {
  it("normalizes CRLF and CR like Python", () => {
    expect(splitSourceLines("a = 1\r\nb = 2\rc = 3\n")).toEqual(["a = 1", "b = 2", "c = 3", ""]);
  });
});

describe("statementStartLines", () => {
  it("skips blank lines, comments, bracket and backslash continuations", () => {
    const program = [
      "x = foo(1,", // 1
      "        2)", // 2
      "", // 3
      "# comment", // 4
      "y = 1 + \\", // 5
      "    2", // 6
      "z = {'a': [", // 7
      "  1]}", // 8
      "w = 3", // 9
    ].join("\n");
    expect(statementStartLines(program)).toEqual([1, 5, 7, 9]);
  });

  it("ignores brackets, quotes and # inside strings, including triple-quoted ones", () => {
    const program = [
      "def f():", // 1
      '    """Doc with ( and \' and #', // 2
      '    still doc ]"""', // 3
      "    s = '(#'", // 4
      '    t = "\\"("', // 5
      "    return s", // 6
    ].join("\n");
    expect(statementStartLines(program)).toEqual([1, 2, 4, 5, 6]);
  });
});

describe("fallThroughLines", () => {
  it("skips code-less headers and steps over nested definitions", () => {
    const program = [
      "def f(x):", // 1
      "    def g():", // 2
      "        return 1", // 3
      "    try:", // 4
      "        y = g()", // 5
      "    except ValueError:", // 6
      "        y = 0", // 7
      "    if x:", // 8
      "        y += 1", // 9
      "    else:", // 10
      "        y -= 1", // 11
      "    return y", // 12
    ].join("\n");
    const next = fallThroughLines(program);
    expect(next.get(2)).toBe(4);
    expect(next.get(4)).toBe(5);
    expect(next.get(3)).toBe(4);
    expect(next.get(8)).toBe(9);
    expect(next.get(9)).toBe(11);
    expect(next.get(11)).toBe(12);
    expect(next.get(10)).toBeUndefined();
    expect(next.get(12)).toBeUndefined();
  });
});

describe("loop header text", () => {
  it("accepts for/while statements and comprehensions, not other lines", () => {
    expect(isLoopHeaderText("    for x in xs:")).toBe(true);
    expect(isLoopHeaderText("    async for x in xs:")).toBe(true);
    expect(isLoopHeaderText("while True:")).toBe(true);
    expect(isLoopHeaderText("    out = [x * x for x in xs]")).toBe(true);
    expect(isLoopHeaderText("    before = 1  # for x in xs")).toBe(false);
    expect(isLoopHeaderText("    format_value(x)")).toBe(false);
    expect(isLoopHeaderText("    if x in xs:")).toBe(false);
  });

  it("maps line numbers to the predicate", () => {
    const isHeader = createLoopHeaderPredicate("x = 1\nfor i in range(3):\n    x += i\n");
    expect([1, 2, 3, 4].map(isHeader)).toEqual([false, true, false, false]);
  });
});

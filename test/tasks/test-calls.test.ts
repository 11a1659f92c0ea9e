import { describe, expect, it } from "vitest";
import type { TestCase } from "../../src/core/problem.js";
import { findCall, splitTopLevelEquality, stripOuterParentheses } from "../../src/tasks/python-text.js";
import { createTestCall, parseAssertCall } from "../../src/tasks/test-calls.js";

describe("python text scanning", () => {
  it("finds the top-level == outside strings and brackets", () => {
    expect(splitTopLevelEquality("f('a == b', [x == y]) == 'c'")).toEqual(["f('a == b', [x == y]) ", " 'c'"]);
    expect(splitTopLevelEquality("f(1) <= 2")).toBeUndefined();
    expect(splitTopLevelEquality("f(1) != 2")).toBeUndefined();
  });

  it("finds a call with balanced arguments, skipping names inside strings and longer names", () => {
    expect(findCall("g(f2(1)) + 'f(0)' + f((1, 2), ')')", "f")?.args).toBe("(1, 2), ')'");
    expect(findCall("obj.f(1)", "f")).toBeUndefined();
    expect(stripOuterParentheses("((f(1)))")).toBe("f(1)");
    expect(stripOuterParentheses("(f(1)) + (2)")).toBe("(f(1)) + (2)");
  });
});

describe("the call a test makes", () => {
  const io = (args: string, expected?: string): TestCase => ({
    kind: "io",
    id: "t",
    args,
    visibility: "public",
    group: "base",
    ...(expected ? { expected } : {}),
  });

  it("applies the entry function to the io arguments as they are: a single list argument is not wrapped again", () => {
    expect(createTestCall(io("[1, 2]", "3"), "f")).toEqual({ testId: "t", input: { kind: "call", call: "f([1, 2])" }, expected: "3" });
    expect(createTestCall(io("[[1, 2], [3]]"), "f")?.input).toEqual({ kind: "call", call: "f([[1, 2], [3]])" });
  });

  it("reads MBPP-style assertions", () => {
    expect(parseAssertCall("assert add_pairs([1, 2]) == 3\n", "add_pairs")).toEqual({ call: "add_pairs([1, 2])", expected: "3" });
    expect(parseAssertCall("import math\nassert math.isclose(volume_sphere(10), 4188.79, rel_tol=0.001)\n", "volume_sphere")).toEqual({
      call: "volume_sphere(10)",
      expected: "4188.79",
    });
    expect(parseAssertCall("assert (Diff([10, 15], [15])) == [10]", "Diff")).toEqual({ call: "Diff([10, 15], [15])", expected: "[10]" });
    expect(parseAssertCall("assert is_Diff (12345) == False", "is_Diff")).toEqual({ call: "is_Diff(12345)", expected: "False" });
    expect(parseAssertCall("assert 3 == f([1, 2])", "f")).toEqual({ call: "f([1, 2])", expected: "3" });
    expect(parseAssertCall("assert f('a, b') == ('a', 'b'), 'message'", "f")).toEqual({ call: "f('a, b')", expected: "('a', 'b')" });
  });

  it("keeps the call but states no expected value when the assertion is not a plain equality with it", () => {
    expect(parseAssertCall("assert set(similar((3, 4), (4, 5))) == set((4,))", "similar")).toEqual({ call: "similar((3, 4), (4, 5))" });
    expect(parseAssertCall("assert not is_square(10)", "is_square")).toEqual({ call: "is_square(10)" });
    expect(parseAssertCall("assert f(1) == 1\nassert f(2) == 4\n", "f")).toEqual({ call: "f(1)", expected: "1" });
    expect(parseAssertCall("assert g(1) == 1", "f")).toBeUndefined();
  });

  it("gives standard input for stdin tests", () => {
    const test: TestCase = { kind: "stdin", id: "s", stdin: "1 2\n", expectedStdout: "3\n", visibility: "public", group: "base" };
    expect(createTestCall(test, "")).toEqual({ testId: "s", input: { kind: "stdin", stdin: "1 2\n" }, expected: "3\n" });
  });
});

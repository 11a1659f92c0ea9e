/**
 * The call (or standard input) a test runs, and its expected result, for tracing a program on
 * the test and for telling a model what failed. The call is always the entry function applied
 * to the test's own argument text, `f(<args>)`: a single list argument stays `f([1, 2])`,
 * never `f([[1, 2]])`.
 */
import type { TestCase } from "../core/problem.js";
import type { TraceInput } from "../core/trace.js";
import { exactCall, findCall, scanCode, splitTopLevelCommas, splitTopLevelEquality } from "./python-text.js";

export interface TestCall {
  testId: string;
  input: TraceInput;
  /** Python source of the expected result (stdin: the expected standard output), when the test states one. */
  expected?: string;
}

/** What a test calls; undefined for an assert test that never calls the entry function. */
export function createTestCall(test: TestCase, entryPoint: string): TestCall | undefined {
  switch (test.kind) {
    case "io":
      if (entryPoint === "") return undefined;
      return withExpected({ testId: test.id, input: { kind: "call", call: `${entryPoint}(${test.args})` } }, test.expected);
    case "stdin":
      return withExpected({ testId: test.id, input: { kind: "stdin", stdin: test.stdin } }, test.expectedStdout);
    case "assert": {
      const parsed = parseAssertCall(test.code, entryPoint);
      return parsed === undefined ? undefined : withExpected({ testId: test.id, input: { kind: "call", call: parsed.call } }, parsed.expected);
    }
  }
}

function withExpected(call: TestCall, expected: string | undefined): TestCall {
  return expected === undefined ? call : { ...call, expected };
}

export interface AssertCall {
  /** `entryPoint(<args>)`, rebuilt from the argument text. */
  call: string;
  expected?: string;
}

/**
 * Reads the entry-function call out of an assert statement (preceded by imports or not):
 * `assert f(x) == y` and `assert y == f(x)` give the call and y; `assert math.isclose(f(x),
 * y, ...)` gives the call and y; any other form gives the first call of the entry function
 * (as in `assert set(f(x)) == {1}` or `assert not f(x)`) without an expected value, because
 * the test's comparison is not a plain equality with it.
 */
export function parseAssertCall(code: string, entryPoint: string): AssertCall | undefined {
  if (entryPoint === "") return undefined;
  const statement = assertStatement(code);
  if (statement === undefined) return undefined;
  const condition = splitTopLevelCommas(statement)[0]!.trim();
  const sides = splitTopLevelEquality(condition);
  if (sides !== undefined) {
    for (const [call, expected] of [sides, [sides[1], sides[0]]] as const) {
      const found = exactCall(call, entryPoint);
      if (found !== undefined) return { call: `${entryPoint}(${found.args})`, expected: expected.trim() };
    }
  }
  const isClose = exactCall(condition, "math.isclose") ?? exactCall(condition, "isclose");
  if (isClose !== undefined) {
    const [first, second] = splitTopLevelCommas(isClose.args);
    const found = first === undefined ? undefined : exactCall(first, entryPoint);
    if (found !== undefined && second !== undefined && !/^\s*\w+\s*=[^=]/.test(second)) {
      return { call: `${entryPoint}(${found.args})`, expected: second.trim() };
    }
  }
  const inner = findCall(condition, entryPoint);
  return inner === undefined ? undefined : { call: `${entryPoint}(${inner.args})` };
}

/** The text after `assert` in the first assert statement, continuation lines included. */
function assertStatement(code: string): string | undefined {
  const lines = code.split("\n");
  const first = lines.findIndex((line) => /^\s*assert[\s(]/.test(line));
  if (first === -1) return undefined;
  const rest = lines
    .slice(first)
    .join("\n")
    .replace(/^\s*assert/, "");
  // The statement ends at the first line break outside brackets and strings.
  let end = rest.length;
  scanCode(rest, (index, depth) => {
    if (rest[index] !== "\n" || depth !== 0 || rest[index - 1] === "\\") return false;
    end = index;
    return true;
  });
  return rest.slice(0, end).trim();
}

/**
 * Expected outputs that a benchmark states in its tests (a literal `expected`, the values in
 * `assert f(x) == y`) are read out by running test_oracles.py in a sandbox job of its own,
 * with no candidate in it: Python itself evaluates the test's text, and only the resulting
 * values, as restricted data, reach the judge. Candidates then get the calls alone.
 */
import { readFileSync } from "node:fs";
import { SemtraceError } from "../../core/errors.js";
import { type PyValue, pythonStringRepr } from "../../core/python-value.js";
import type { Runtime } from "../../runtime/runtime.js";

const ORACLE_PROGRAM = readFileSync(new URL("./test_oracles.py", import.meta.url), "utf8");
const ORACLE_TIMEOUT_MS = 30_000;

/** How a call's result is checked, from the shape of the assertion it came from. */
export type CallCheck =
  | { check: "equal" | "not-equal" | "set-equal" | "is"; expected: PyValue }
  | { check: "truthy" | "falsy" | "is-not-none" }
  | { check: "isclose"; expected: PyValue; rel: number; abs: number }
  | { check: "abs-below" | "abs-at-most"; expected: PyValue; tolerance: number };

export type CheckedCall = CallCheck & { args: string; message: string };

/** An assertion test as calls and checks, or the reason it has to run as written. */
export type AssertionOracle = { kind: "calls"; setup: string; calls: CheckedCall[] } | { kind: "in-process"; reason: string };

export type TextOracle = { kind: "expected"; text: string } | { kind: "assert"; code: string };

export type OracleResult = { kind: "value"; value: PyValue } | { kind: "unreadable"; reason: string } | AssertionOracle;

/** Reads each text's oracle in one sandbox job (none when there is nothing to read). */
export async function readTestOracles(runtime: Runtime, entryPoint: string, texts: TextOracle[]): Promise<OracleResult[]> {
  if (texts.length === 0) return [];
  const response = await runtime.execute({
    program: ORACLE_PROGRAM,
    entryPoint: "oracle",
    tests: texts.map((text, index) => ({
      id: String(index),
      kind: "call",
      args: [text.kind, text.kind === "expected" ? text.text : text.code, entryPoint].map(pythonStringRepr).join(", "),
      timeoutMs: ORACLE_TIMEOUT_MS,
      reportMs: ORACLE_TIMEOUT_MS,
    })),
    limits: { maxValueChars: 200 },
  });
  if (response.loadError) throw new SemtraceError(`the test-oracle program does not load: ${response.loadError.message}`, { code: "oracle-program" });
  return texts.map((text, index) => oracleOf(text, response.runs[index]?.outcomes[0]));
}

function oracleOf(
  text: TextOracle,
  outcome: { outcome: "returned"; value: PyValue } | { outcome: "raised"; error: { type: string; message: string } } | undefined,
): OracleResult {
  if (outcome === undefined) return { kind: "unreadable", reason: "reading the test's expected output did not finish" };
  if (outcome.outcome === "raised") return { kind: "unreadable", reason: `the test's expected output raises ${outcome.error.type}: ${outcome.error.message}` };
  const fields = dictFields(outcome.value);
  if (text.kind === "expected") {
    const value = required(fields, "value");
    return value.type === "opaque" ? { kind: "unreadable", reason: `the expected output is not plain data (${value.typeName})` } : { kind: "value", value };
  }
  const reason = fields.get("inProcess");
  if (reason !== undefined) return { kind: "in-process", reason: stringOf(reason) };
  const calls = itemsOf(required(fields, "calls")).map(checkedCallOf);
  const opaque = calls.find((call) => "expected" in call && call.expected.type === "opaque");
  if (opaque) return { kind: "in-process", reason: "an expected value is not plain data" };
  return { kind: "calls", setup: stringOf(required(fields, "setup")), calls };
}

function checkedCallOf(value: PyValue): CheckedCall {
  const fields = dictFields(value);
  const base = { args: stringOf(required(fields, "args")), message: stringOf(required(fields, "message")) };
  const check = stringOf(required(fields, "check"));
  switch (check) {
    case "truthy":
    case "falsy":
    case "is-not-none":
      return { ...base, check };
    case "isclose":
      return { ...base, check, expected: required(fields, "expected"), rel: numberOf(required(fields, "rel")), abs: numberOf(required(fields, "abs")) };
    case "abs-below":
    case "abs-at-most":
      return { ...base, check, expected: required(fields, "expected"), tolerance: numberOf(required(fields, "tolerance")) };
    case "equal":
    case "not-equal":
    case "set-equal":
    case "is":
      return { ...base, check, expected: required(fields, "expected") };
    default:
      throw malformed(`an unknown check ${check}`);
  }
}

function malformed(what: string): SemtraceError {
  return new SemtraceError(`the test-oracle program returned ${what}`, { code: "oracle-program" });
}

function required(fields: Map<string, PyValue>, key: string): PyValue {
  const value = fields.get(key);
  if (value === undefined) throw malformed(`no "${key}"`);
  return value;
}

function dictFields(value: PyValue): Map<string, PyValue> {
  if (value.type !== "dict") throw malformed(`a ${value.type} instead of a dict`);
  return new Map(value.entries.map(([key, item]) => [stringOf(key), item]));
}

function itemsOf(value: PyValue): PyValue[] {
  if (value.type !== "list") throw malformed(`a ${value.type} instead of a list`);
  return value.items;
}

function stringOf(value: PyValue): string {
  if (value.type !== "str") throw malformed(`a ${value.type} instead of a str`);
  return value.value;
}

function numberOf(value: PyValue): number {
  if (value.type === "float") return value.value;
  if (value.type === "int") return Number(value.value);
  throw malformed(`a ${value.type} instead of a number`);
}

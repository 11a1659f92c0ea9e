/**
 * Verdicts from runs: the judge compares what a program's run reported with the test's oracle,
 * on the host. A run's report can only say what the program returned or raised; whether that
 * is right, and whether the run was in time, is decided here and by the host's own records
 * (`TestRun.stopped`). A test without a result is a failure; so is an exit, with any status,
 * before the program's part of the test was done.
 */
import { type PyValue, pythonEquals } from "../../core/python-value.js";
import type { TracedError } from "../../core/trace.js";
import type { TestStatus, TestVerdict } from "../../core/verdict.js";
import type { CallOutcome, TestRun } from "../../runtime/runtime.js";
import type { PreparedTest, TestOracle } from "../evaluator-types.js";
import { difference, isClose, magnitude, outputsMatch, setsMatch, truthOf } from "./compare.js";
import { isPolynomialRoot, notNoneOf } from "./special-oracles.js";
import type { CheckedCall } from "./test-oracles.js";

type Judged = Pick<TestVerdict, "status" | "actual" | "error">;

/** The verdict of one test: `run` undefined means the sandbox gave no result for it. */
export function judgeRun(test: PreparedTest, run: TestRun | undefined): TestVerdict {
  const expected = test.kind === "io" ? test.expected : test.kind === "stdin" ? test.expectedStdout : undefined;
  const judged = judgeAgainst(test.oracle, run);
  return {
    testId: test.id,
    status: judged.status,
    durationMs: run?.durationMs ?? 0,
    ...(expected === undefined ? {} : { expected }),
    ...(judged.actual ? { actual: judged.actual } : {}),
    ...(judged.error ? { error: judged.error } : {}),
  };
}

function judgeAgainst(oracle: TestOracle, run: TestRun | undefined): Judged {
  if (run === undefined) return failure("error", { type: "NoResult", message: "the sandbox gave no result for this test" });
  if (run.stopped?.kind === "timeout") return { status: "timeout" };
  if (run.stopped?.kind === "crashed") return failure("error", { type: "Crashed", message: run.stopped.detail });
  if (run.stdoutTruncated) return failure("error", { type: "OutputLimitExceeded", message: "the program's output exceeded the cap" });
  switch (oracle.kind) {
    case "value":
      return judgeValue(oracle, run.outcomes[0]);
    case "stdout":
      return judgeStdout(oracle.expected, run);
    case "calls":
      return judgeCalls(oracle.calls, run.outcomes);
    case "in-process":
      return judgeInProcess(run.outcomes[0]);
  }
}

function failure(status: TestStatus, error: TracedError): Judged {
  return { status, error };
}

/** A program's exception: an AssertionError fails the test, anything else is an error. */
function raised(error: TracedError): Judged {
  return failure(error.type === "AssertionError" ? "fail" : "error", error);
}

function noOutcome(): Judged {
  return failure("error", { type: "NoResult", message: "the program's part of the test did not finish" });
}

function judgeValue(oracle: Extract<TestOracle, { kind: "value" }>, outcome: CallOutcome | undefined): Judged {
  if (outcome === undefined) return noOutcome();
  if (outcome.outcome === "raised") return raised(outcome.error);
  const actual = displayOf(outcome);
  return { status: valueMatches(oracle, outcome.value) ? "pass" : "fail", actual };
}

function valueMatches(oracle: Extract<TestOracle, { kind: "value" }>, actual: PyValue): boolean {
  switch (oracle.special) {
    case "polynomial-root":
      return isPolynomialRoot(oracle.args?.[0] ?? { type: "none" }, actual, oracle.atol || 1e-6);
    case "set-equal":
      return setsMatch(actual, oracle.expected);
    case "not-none":
      return outputsMatch(notNoneOf(actual), oracle.expected);
    default:
      return outputsMatch(actual, oracle.expected, oracle.atol);
  }
}

function displayOf(outcome: Extract<CallOutcome, { outcome: "returned" }>): NonNullable<TestVerdict["actual"]> {
  const { repr, type, truncated } = outcome.display;
  return { repr, type, ...(truncated ? { truncated: true } : {}) };
}

function judgeStdout(expected: string, run: TestRun): Judged {
  const outcome = run.outcomes[0];
  if (outcome === undefined) return noOutcome();
  if (outcome.outcome === "raised") return raised(outcome.error);
  return { status: normalizeStdout(run.stdout ?? "") === normalizeStdout(expected) ? "pass" : "fail" };
}

/** The calls of an assertion test, in order: the first that raises or fails its check decides. */
function judgeCalls(calls: CheckedCall[], outcomes: CallOutcome[]): Judged {
  for (const [index, call] of calls.entries()) {
    const outcome = outcomes[index];
    if (outcome === undefined) return noOutcome();
    if (outcome.outcome === "raised") return raised(outcome.error);
    if (!callPasses(call, outcome.value)) return failure("fail", { type: "AssertionError", message: call.message });
  }
  return { status: "pass" };
}

/** Python's own answer for each assertion shape; a value only the program's code could judge (opaque) fails. */
function callPasses(call: CheckedCall, actual: PyValue): boolean {
  switch (call.check) {
    // `==` in an assertion is Python's, exact: EvalPlus's float tolerance is for its io tests.
    case "equal":
      return pythonEquals(actual, call.expected);
    case "not-equal":
      return actual.type !== "opaque" && !pythonEquals(actual, call.expected);
    case "set-equal":
      return setsMatch(actual, call.expected);
    case "is":
      return actual.type === call.expected.type && pythonEquals(actual, call.expected);
    case "is-not-none":
      return actual.type !== "none";
    case "truthy":
      return truthOf(actual) === true;
    case "falsy":
      return truthOf(actual) === false;
    case "isclose":
      return isClose(actual, call.expected, call.rel, call.abs);
    case "abs-below":
    case "abs-at-most": {
      const gap = difference(actual, call.expected);
      const size = gap === undefined ? undefined : magnitude({ type: "float", value: gap });
      return size !== undefined && (call.check === "abs-below" ? size < call.tolerance : size <= call.tolerance);
    }
  }
}

function judgeInProcess(outcome: CallOutcome | undefined): Judged {
  if (outcome === undefined) return noOutcome();
  return outcome.outcome === "raised" ? raised(outcome.error) : { status: "pass" };
}

// Python's str.isspace() characters, and the line boundaries of str.splitlines().
const WHITESPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const EDGE_SPACE = new RegExp(`^[${WHITESPACE}]+|[${WHITESPACE}]+$`, "g");
const TRAILING_SPACE = new RegExp(`[${WHITESPACE}]+$`);
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** `"\n".join(line.rstrip() for line in text.strip().splitlines())`, as stdout is compared. */
export function normalizeStdout(text: string): string {
  const stripped = text.replace(EDGE_SPACE, "");
  return stripped === ""
    ? ""
    : stripped
        .split(LINE_BREAK)
        .map((line) => line.replace(TRAILING_SPACE, ""))
        .join("\n");
}

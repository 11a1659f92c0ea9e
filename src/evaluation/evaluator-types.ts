import type { Problem, TestCase, TestGroup, TestVisibility } from "../core/problem.js";
import type { PyValue } from "../core/python-value.js";
import type { ProgramVerdict } from "../core/verdict.js";
import type { IoOracle } from "./judge/special-oracles.js";
import type { AssertionOracle } from "./judge/test-oracles.js";

export type StopMode = "first-failure" | "all";

export interface EvaluatorOptions {
  /** Per-test timeout = max(minTimeoutMs, timeoutFactor × the reference's measured time), as EvalPlus. */
  timeoutFactor?: number;
  minTimeoutMs?: number;
  /** Stop a program at its first failing test, or run every test. */
  mode?: StopMode;
}

export interface TestSelection {
  visibility?: TestVisibility | "all";
  groups?: TestGroup[];
}

/**
 * What the judge checks a test's run against, held by the host alone: an io test's expected
 * value (with EvalPlus's tolerance and special oracle, and for HumanEval/32 the arguments),
 * a stdin test's expected output, or an assertion test as checked calls (or, when it has no
 * such shape, run as written inside the program's process).
 */
export type TestOracle =
  | { kind: "value"; expected: PyValue; atol: number; special?: IoOracle; args?: PyValue[] }
  | { kind: "stdout"; expected: string }
  | AssertionOracle;

export type PreparedTest = TestCase & { timeoutMs: number; oracle: TestOracle };

/** A problem whose tests all have an oracle, with the reference's time per test. */
export interface PreparedProblem {
  problem: Problem;
  /** io tests carry `expected` (the reference's display repr) and stdin tests `expectedStdout`, for reports. */
  tests: PreparedTest[];
  /** Tests the reference itself fails (its expected could not be computed), with the reason. */
  referenceFailures: { testId: string; reason: string }[];
}

export interface Evaluator {
  /** Computes expected outputs and time limits once per problem (cached by problem id). */
  prepare(problem: Problem): Promise<PreparedProblem>;
  /** Runs a program against the selected tests of a problem in the sandbox. */
  evaluate(problem: Problem, program: string, selection?: TestSelection, mode?: StopMode): Promise<ProgramVerdict>;
}

/**
 * Judging a program for pair mining: does it pass, and if not, how does it fail and on which
 * tests. Base tests run in full; plus tests run only when every base test passes, and stop at the
 * first failure. That bounds the cost of a program that times out on every test (each timeout
 * costs the time limit and a fresh sandbox) while still finding every base failure.
 *
 * The failure kind is the most severe among the failures found, in FAILURE_KINDS order; a program
 * that cannot be loaded fails every test with its load error (a syntax error, or an exception).
 */
import { SemtraceError } from "../core/errors.js";
import type { Problem, TestCase, TestVisibility } from "../core/problem.js";
import type { TracedError } from "../core/trace.js";
import type { ProgramVerdict, TestVerdict } from "../core/verdict.js";
import type { Evaluator, PreparedProblem } from "../evaluation/evaluator-types.js";
import { FAILURE_KINDS, type FailingTest, type FailureKind } from "./repair-pair.js";

export type PreparedTest = PreparedProblem["tests"][number];

export type ProgramJudgment = { passed: true; testsRun: number } | { passed: false; kind: FailureKind; failingTests: FailingTest[]; testsRun: number };

export interface JudgeOptions {
  /** Which tests judge a program (default: the hidden ones, as EvalPlus scores). */
  visibility?: TestVisibility | "all";
}

const SYNTAX_ERRORS = new Set(["SyntaxError", "IndentationError", "TabError"]);

export async function judgeProgram(evaluator: Evaluator, problem: Problem, program: string, options: JudgeOptions = {}): Promise<ProgramJudgment> {
  const visibility = options.visibility ?? "hidden";
  const prepared = await evaluator.prepare(problem);
  const selected = prepared.tests.filter((test) => visibility === "all" || test.visibility === visibility);
  const hasGroup = (group: TestCase["group"]): boolean => selected.some((test) => test.group === group);
  const verdicts: ProgramVerdict[] = [];
  if (hasGroup("base")) verdicts.push(await evaluator.evaluate(problem, program, { visibility, groups: ["base"] }, "all"));
  const baseFailed = verdicts.some((verdict) => !verdict.passed);
  if (!baseFailed && hasGroup("plus")) {
    verdicts.push(await evaluator.evaluate(problem, program, { visibility, groups: ["plus"] }, "first-failure"));
  }
  const testsRun = verdicts.reduce((sum, verdict) => sum + verdict.tests.length, 0);
  const loadError = verdicts.find((verdict) => verdict.loadError !== undefined)?.loadError;
  if (loadError !== undefined) return loadFailure(loadError, selected, testsRun);
  const failing = verdicts.flatMap((verdict) => verdict.tests).filter((verdict) => verdict.status !== "pass");
  if (failing.length === 0) {
    // A run that stopped early without a failure never passed every test: count it as passing
    // only when each selected test has a verdict.
    return testsRun === selected.length ? { passed: true, testsRun } : incomplete(selected, testsRun);
  }
  const byId = new Map(selected.map((test) => [test.id, test]));
  const failingTests = failing.flatMap((verdict) => {
    const test = byId.get(verdict.testId);
    return test === undefined ? [] : [failingTestOf(test, verdict)];
  });
  return { passed: false, kind: mostSevere(failingTests.map(kindOfTest)), failingTests, testsRun };
}

function loadFailure(error: TracedError, selected: readonly PreparedTest[], testsRun: number): ProgramJudgment {
  const kind: FailureKind = SYNTAX_ERRORS.has(error.type) ? "syntax-error" : "exception";
  const failingTests = selected.map((test) => ({
    testId: test.id,
    kind: test.kind,
    input: testInput(test),
    ...expectedOf(test),
    status: "error" as const,
    error: cleanError(error),
  }));
  return { passed: false, kind, failingTests, testsRun };
}

/** The sandbox returned fewer verdicts than tests without a failure: an infrastructure fault. */
function incomplete(selected: readonly PreparedTest[], testsRun: number): never {
  throw new SemtraceError(`the evaluator judged ${testsRun} of ${selected.length} tests without reporting a failure`, {
    code: "evaluator-incomplete",
  });
}

function failingTestOf(test: PreparedTest, verdict: TestVerdict): FailingTest {
  const status = verdict.status === "pass" ? "fail" : verdict.status;
  return {
    testId: test.id,
    kind: test.kind,
    input: testInput(test),
    ...expectedOf(test),
    status,
    ...(verdict.actual === undefined ? {} : { actual: verdict.actual.repr }),
    ...(verdict.error === undefined ? {} : { error: cleanError(verdict.error) }),
  };
}

export function testInput(test: TestCase): string {
  return test.kind === "io" ? test.args : test.kind === "stdin" ? test.stdin : test.code;
}

function expectedOf(test: TestCase): { expected?: string } {
  const expected = test.kind === "io" ? test.expected : test.kind === "stdin" ? test.expectedStdout : undefined;
  return expected === undefined ? {} : { expected };
}

function cleanError(error: TracedError): TracedError {
  return { type: error.type, message: error.message, ...(error.line === undefined ? {} : { line: error.line }) };
}

function kindOfTest(test: FailingTest): FailureKind {
  if (test.status === "timeout") return "timeout";
  return test.status === "error" ? "exception" : "wrong-answer";
}

export function mostSevere(kinds: readonly FailureKind[]): FailureKind {
  return kinds.reduce<FailureKind>((worst, kind) => (FAILURE_KINDS.indexOf(kind) > FAILURE_KINDS.indexOf(worst) ? kind : worst), "wrong-answer");
}

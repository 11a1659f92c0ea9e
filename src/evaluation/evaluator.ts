import type { Problem, TestCase } from "../core/problem.js";
import type { ProgramVerdict, TestVerdict } from "../core/verdict.js";
import type { CheckResponse, CheckTest, Runtime } from "../runtime/runtime.js";
import type { Evaluator, EvaluatorOptions, PreparedProblem, StopMode, TestSelection } from "./evaluator-types.js";
import { applyProgramOracles, ioOracleFor } from "./oracles.js";

/** EvalPlus's defaults: 4 × the reference's time, at least 1 s. */
export const DEFAULT_TIMEOUT_FACTOR = 4;
export const DEFAULT_MIN_TIMEOUT_MS = 1_000;
/** Generous limit for running the reference itself, and for tests without one. */
const REFERENCE_TIMEOUT_MS = 20_000;

type PreparedTest = PreparedProblem["tests"][number];

/**
 * Runs candidates against a problem's tests in the sandbox. Expected outputs come from the
 * reference, run once per problem; time limits scale with the reference's measured time so
 * verdicts do not flip with machine load.
 */
export function createEvaluator(runtime: Runtime, options: EvaluatorOptions = {}): Evaluator {
  const factor = options.timeoutFactor ?? DEFAULT_TIMEOUT_FACTOR;
  const floor = options.minTimeoutMs ?? DEFAULT_MIN_TIMEOUT_MS;
  const defaultMode = options.mode ?? "all";
  const prepared = new Map<string, Promise<PreparedProblem>>();
  // The same array for every sample of a selection, so that the runtime serializes it once.
  const checkTests = new Map<string, Promise<{ selected: PreparedTest[]; tests: CheckTest[] }>>();
  const selectedTests = (problem: Problem, selection: TestSelection) => {
    const key = JSON.stringify([problem.id, selection.visibility, selection.groups]);
    let entry = checkTests.get(key);
    if (!entry) {
      entry = prepare(problem).then(({ tests }) => {
        const selected = selectTests(tests, selection);
        return { selected, tests: selected.map((test) => toCheckTest(test, problem)) };
      });
      checkTests.set(key, entry);
    }
    return entry;
  };

  const prepare = (problem: Problem): Promise<PreparedProblem> => {
    let entry = prepared.get(problem.id);
    if (!entry) {
      entry = prepareProblem(runtime, problem, (ms) => Math.max(floor, Math.ceil(factor * ms)));
      prepared.set(problem.id, entry);
    }
    return entry;
  };

  return {
    prepare,
    async evaluate(problem: Problem, program: string, selection: TestSelection = { visibility: "hidden" }, mode: StopMode = defaultMode) {
      const { selected, tests } = await selectedTests(problem, selection);
      const response = await runtime.check({
        program,
        entryPoint: problem.entryPoint,
        tests,
        stopOnFirstFailure: mode === "first-failure",
      });
      return toVerdict(problem, selected, response);
    },
  };
}

export function selectTests<T extends TestCase>(tests: T[], selection: TestSelection): T[] {
  return tests.filter(
    (test) =>
      (selection.visibility === undefined || selection.visibility === "all" || test.visibility === selection.visibility) &&
      (selection.groups === undefined || selection.groups.includes(test.group)),
  );
}

async function prepareProblem(runtime: Runtime, problem: Problem, limitFor: (referenceMs: number) => number): Promise<PreparedProblem> {
  if (!problem.reference) {
    const runnable = problem.tests.filter((test) => test.kind !== "io" || test.expected !== undefined);
    return {
      problem,
      tests: runnable.map((test) => ({ ...test, timeoutMs: limitFor(REFERENCE_TIMEOUT_MS / 4) })),
      referenceFailures: problem.tests
        .filter((test) => !runnable.includes(test))
        .map((test) => ({ testId: test.id, reason: "no reference solution to compute the expected output" })),
    };
  }
  const response = await runtime.check({
    program: problem.reference,
    entryPoint: problem.entryPoint,
    tests: problem.tests.map((test) => ({ ...toCheckTest({ ...test, timeoutMs: REFERENCE_TIMEOUT_MS }, problem), ...(test.kind === "io" ? { expected: undefined } : {}) }) as CheckTest),
    stopOnFirstFailure: false,
  });
  const failures: PreparedProblem["referenceFailures"] = [];
  const tests: PreparedTest[] = [];
  const oracle = ioOracleFor(problem);
  problem.tests.forEach((test, index) => {
    const result = response.results[index];
    const reason = response.loadError
      ? `reference does not load: ${response.loadError.type}: ${response.loadError.message}`
      : referenceProblem(test, result, oracle === "not-none");
    if (reason) {
      failures.push({ testId: test.id, reason });
      return;
    }
    const timeoutMs = limitFor(result!.durationMs);
    const actual = result!.actual!;
    const computed = test.kind === "io" && test.expected === undefined;
    if (computed && oracle === "not-none") tests.push({ ...test, expected: actual.repr === "None" ? "False" : "True", timeoutMs });
    else if (computed) tests.push({ ...test, expected: actual.repr, ...(actual.marshal ? { expectedMarshal: actual.marshal } : {}), timeoutMs });
    else tests.push({ ...test, timeoutMs });
  });
  return { problem, tests, referenceFailures: failures };
}

/** Why the reference's run of a test cannot serve as its oracle, if it cannot. */
function referenceProblem(test: TestCase, result: CheckResponse["results"][number] | undefined, onlyNoneMatters: boolean): string | undefined {
  if (!result) return "reference run stopped before this test";
  if (result.status === "timeout") return "reference timed out";
  if (result.status === "error") return `reference raised ${result.error?.type}: ${result.error?.message}`;
  if (test.kind === "io" && test.expected === undefined && !result.actual?.exact && !onlyNoneMatters) {
    return `reference output has no exact literal form (${result.actual?.type ?? "none"})`;
  }
  if (result.status !== "pass") return "reference fails this test";
  return undefined;
}

function toCheckTest(test: PreparedTest, problem: Problem): CheckTest {
  switch (test.kind) {
    case "io": {
      const oracle = ioOracleFor(problem);
      return {
        id: test.id, kind: "io", args: test.args, timeoutMs: test.timeoutMs,
        ...(test.expected === undefined ? {} : { expected: test.expected }),
        ...(test.expectedMarshal === undefined ? {} : { expectedMarshal: test.expectedMarshal }),
        ...(test.atol ? { atol: test.atol } : {}),
        ...(oracle ? { oracle } : {}),
      };
    }
    case "assert":
      return { id: test.id, kind: "assert", code: test.code, timeoutMs: test.timeoutMs };
    case "stdin":
      return { id: test.id, kind: "stdin", stdin: test.stdin, timeoutMs: test.timeoutMs, ...(test.expectedStdout === undefined ? {} : { expectedStdout: test.expectedStdout }) };
  }
}

function toVerdict(problem: Problem, tests: PreparedTest[], response: CheckResponse): ProgramVerdict {
  if (response.loadError) return { passed: false, tests: [], loadError: response.loadError };
  const verdicts: TestVerdict[] = response.results.map((result, index) => {
    const test = tests[index]!;
    const expected = test.kind === "io" ? test.expected : test.kind === "stdin" ? test.expectedStdout : undefined;
    return {
      testId: result.id,
      status: result.status,
      durationMs: result.durationMs,
      ...(expected === undefined ? {} : { expected }),
      ...(result.actual ? { actual: { repr: result.actual.repr, type: result.actual.type, ...(result.actual.truncated ? { truncated: true } : {}) } } : {}),
      ...(result.error ? { error: result.error } : {}),
    };
  });
  const judged = applyProgramOracles(problem, verdicts);
  const passed = judged.length === tests.length && judged.every((verdict) => verdict.status === "pass");
  return { passed, tests: judged };
}

import type { Problem, TestCase } from "../core/problem.js";
import type { PyValue } from "../core/python-value.js";
import type { ProgramVerdict } from "../core/verdict.js";
import type { ExecuteResponse, ExecuteTest, Runtime, TestRun } from "../runtime/runtime.js";
import type { Evaluator, EvaluatorOptions, PreparedProblem, PreparedTest, StopMode, TestOracle, TestSelection } from "./evaluator-types.js";
import { judgeRun } from "./judge/judge-run.js";
import { constantAnswerFor, ioOracleFor, isConstantAnswer, notNoneOf } from "./judge/special-oracles.js";
import { type OracleResult, readTestOracles, type TextOracle } from "./judge/test-oracles.js";

/** EvalPlus's defaults: 4 × the reference's time, at least 1 s. */
export const DEFAULT_TIMEOUT_FACTOR = 4;
export const DEFAULT_MIN_TIMEOUT_MS = 1_000;
/** Generous limit for running the reference itself, and for tests without one. */
const REFERENCE_TIMEOUT_MS = 20_000;
/** Display width of expected values in verdicts and reports. */
const DISPLAY_CHARS = 2_000;
/** Reporting a result: a floor, and time per element of the expected value (large outputs take long to describe and send). */
const REPORT_FLOOR_MS = 5_000;
const REPORT_MS_PER_ELEMENT = 0.02;

/**
 * Judges candidates against a problem's tests. A candidate's sandbox gets the inputs only: the
 * expected outputs, computed once per problem by running the reference in a sandbox of its own
 * (or read out of the benchmark's test code, see judge/test-oracles.ts), stay on the host, where
 * the judge compares what the candidate returned with them. Time limits scale with the
 * reference's measured time so verdicts do not flip with machine load.
 */
export function createEvaluator(runtime: Runtime, options: EvaluatorOptions = {}): Evaluator {
  const factor = options.timeoutFactor ?? DEFAULT_TIMEOUT_FACTOR;
  const floor = options.minTimeoutMs ?? DEFAULT_MIN_TIMEOUT_MS;
  const defaultMode = options.mode ?? "all";
  const prepared = new Map<string, Promise<PreparedProblem>>();
  // The same array for every sample of a selection, so that the runtime serializes it once.
  const executeTests = new Map<string, Promise<{ selected: PreparedTest[]; tests: ExecuteTest[] }>>();
  const selectedTests = (problem: Problem, selection: TestSelection) => {
    const key = JSON.stringify([problem.id, selection.visibility, selection.groups]);
    let entry = executeTests.get(key);
    if (!entry) {
      entry = prepare(problem).then(({ tests }) => {
        const selected = selectTests(tests, selection);
        return { selected, tests: selected.map(toExecuteTest) };
      });
      executeTests.set(key, entry);
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
      const byId = new Map(selected.map((test) => [test.id, test]));
      const response = await runtime.execute({
        program,
        entryPoint: problem.entryPoint,
        tests,
        ...(mode === "first-failure" ? { stopAfter: (run: TestRun) => judgeRun(byId.get(run.id)!, run).status !== "pass" } : {}),
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

/**
 * An oracle known before the reference runs, from the test's own text; or why the test cannot
 * have one; or only the arguments a special oracle needs (HumanEval/32), for the reference to
 * complete with its output.
 */
type StatedOracle = { oracle: TestOracle } | { reason: string } | { args: PyValue[] };

async function prepareProblem(runtime: Runtime, problem: Problem, limitFor: (referenceMs: number) => number): Promise<PreparedProblem> {
  const stated = await statedOracles(runtime, problem);
  const failures: PreparedProblem["referenceFailures"] = [];
  const tests: PreparedTest[] = [];
  if (!problem.reference) {
    problem.tests.forEach((test, index) => {
      const known = stated[index];
      if (known && "oracle" in known) tests.push({ ...test, oracle: known.oracle, timeoutMs: limitFor(REFERENCE_TIMEOUT_MS / 4) });
      else failures.push({ testId: test.id, reason: known && "reason" in known ? known.reason : "no reference solution to compute the expected output" });
    });
    return { problem, tests, referenceFailures: failures };
  }
  const runnable = problem.tests.flatMap((test, index) => {
    const known = stated[index];
    if (known && "reason" in known) {
      failures.push({ testId: test.id, reason: known.reason });
      return [];
    }
    return [{ test, known: known && "oracle" in known ? known.oracle : undefined, args: known && "args" in known ? known.args : undefined }];
  });
  const response = await runtime.execute({
    program: problem.reference,
    entryPoint: problem.entryPoint,
    tests: runnable.map(({ test, known }) => ({ ...executeTestOf(test, known, REFERENCE_TIMEOUT_MS), reportMs: REFERENCE_TIMEOUT_MS })),
    limits: { maxValueChars: DISPLAY_CHARS },
  });
  const special = ioOracleFor(problem);
  runnable.forEach(({ test, known, args }, index) => {
    const run = response.runs[index];
    const oracle = known ?? (run && oracleFromReference(test, run, special, args));
    const reason = referenceProblem(response, run, test, oracle);
    if (reason !== undefined || oracle === undefined) {
      failures.push({ testId: test.id, reason: reason ?? "reference gives no expected output" });
      return;
    }
    tests.push({ ...withDisplayedExpected(test, oracle, run!), oracle, timeoutMs: limitFor(run!.durationMs) });
  });
  return { problem, tests, referenceFailures: failures };
}

/** Reads the oracles a problem's tests state themselves, all in one sandbox job. */
async function statedOracles(runtime: Runtime, problem: Problem): Promise<(StatedOracle | undefined)[]> {
  const special = ioOracleFor(problem);
  const texts: TextOracle[] = [];
  const wanted = problem.tests.map((test) => {
    if (test.kind === "assert") return [texts.push({ kind: "assert", code: test.code }) - 1];
    if (test.kind !== "io") return [];
    const argsAt = special === "polynomial-root" ? [texts.push({ kind: "expected", text: `(${test.args},)` }) - 1] : [];
    return test.expected === undefined ? argsAt : [texts.push({ kind: "expected", text: test.expected }) - 1, ...argsAt];
  });
  const results = await readTestOracles(runtime, problem.entryPoint, texts);
  return problem.tests.map((test, index): StatedOracle | undefined => {
    const [first, second] = wanted[index]!.map((at) => results[at]!);
    if (test.kind === "assert") return assertionOracle(first!);
    if (test.kind === "stdin") return test.expectedStdout === undefined ? undefined : { oracle: { kind: "stdout", expected: test.expectedStdout } };
    if (test.kind !== "io") return undefined;
    const args = special === "polynomial-root" ? argumentsOf(test.expected === undefined ? first : second) : undefined;
    if (test.expected === undefined) return args ? { args } : undefined;
    if (first!.kind !== "value") return { reason: first!.kind === "unreadable" ? first!.reason : "the expected output is not a value" };
    return { oracle: valueOracle(first!.value, test.atol ?? 0, special, args) };
  });
}

function assertionOracle(result: OracleResult): StatedOracle {
  if (result.kind === "calls" || result.kind === "in-process") return { oracle: result };
  return { reason: result.kind === "unreadable" ? result.reason : "the assertion test is not readable" };
}

function argumentsOf(result: OracleResult | undefined): PyValue[] | undefined {
  return result?.kind === "value" && result.value.type === "tuple" ? result.value.items : undefined;
}

function valueOracle(expected: PyValue, atol: number, special: ReturnType<typeof ioOracleFor>, args: PyValue[] | undefined): TestOracle {
  return { kind: "value", expected, atol, ...(special ? { special } : {}), ...(args ? { args } : {}) };
}

/** The oracle a reference's run gives a test that states none: its value, or its output. */
function oracleFromReference(test: TestCase, run: TestRun, special: ReturnType<typeof ioOracleFor>, args: PyValue[] | undefined): TestOracle | undefined {
  const outcome = run.outcomes[0];
  if (run.stopped || outcome?.outcome !== "returned") return undefined;
  if (test.kind === "stdin") return { kind: "stdout", expected: run.stdout ?? "" };
  if (test.kind !== "io") return undefined;
  if (special === "not-none") return valueOracle(notNoneOf(outcome.value), test.atol ?? 0, special, undefined);
  if (outcome.value.type === "opaque") return undefined;
  return valueOracle(outcome.value, test.atol ?? 0, special, args);
}

/** Why the reference's run of a test cannot serve as its oracle, if it cannot. */
function referenceProblem(response: ExecuteResponse, run: TestRun | undefined, test: TestCase, oracle: TestOracle | undefined): string | undefined {
  if (response.loadError) return `reference does not load: ${response.loadError.type}: ${response.loadError.message}`;
  if (!run) return "reference run stopped before this test";
  if (run.stopped?.kind === "timeout") return "reference timed out";
  const outcome = run.outcomes[0];
  if (run.stopped?.kind === "crashed") return `reference raised Crashed: ${run.stopped.detail}`;
  if (outcome?.outcome === "raised") return `reference raised ${outcome.error.type}: ${outcome.error.message}`;
  if (oracle === undefined) {
    return `reference output has no exact literal form (${outcome?.outcome === "returned" ? outcome.display.type : "none"})`;
  }
  const statedOracle =
    test.kind === "assert" || (test.kind === "io" && test.expected !== undefined) || (test.kind === "stdin" && test.expectedStdout !== undefined);
  if (statedOracle && judgeRun({ ...test, oracle, timeoutMs: 0 }, run).status !== "pass") return "reference fails this test";
  return undefined;
}

/** Tests whose expected output the reference computed show it as the reference's display repr. */
function withDisplayedExpected(test: TestCase, oracle: TestOracle, run: TestRun): TestCase {
  if (test.kind === "io" && test.expected === undefined && oracle.kind === "value") {
    const outcome = run.outcomes[0];
    if (oracle.special === "not-none") return { ...test, expected: oracle.expected.type === "bool" && oracle.expected.value ? "True" : "False" };
    return outcome?.outcome === "returned" ? { ...test, expected: outcome.display.repr } : test;
  }
  if (test.kind === "stdin" && test.expectedStdout === undefined && oracle.kind === "stdout") return { ...test, expectedStdout: oracle.expected };
  return test;
}

/** The program's part of a test, for the sandbox: never its expected output. */
function executeTestOf(test: TestCase, oracle: TestOracle | undefined, timeoutMs: number): ExecuteTest {
  const common = { id: test.id, timeoutMs };
  switch (test.kind) {
    case "io":
      return { ...common, kind: "call", args: test.args, ...(oracle?.kind === "value" ? { reportMs: reportBudgetMs(oracle.expected) } : {}) };
    case "stdin":
      return { ...common, kind: "stdin", stdin: test.stdin };
    case "assert":
      return oracle?.kind === "calls"
        ? { ...common, kind: "calls", calls: oracle.calls.map((call) => call.args), ...(oracle.setup ? { setup: oracle.setup } : {}) }
        : { ...common, kind: "assert", code: test.code };
  }
}

function toExecuteTest(test: PreparedTest): ExecuteTest {
  return executeTestOf(test, test.oracle, test.timeoutMs);
}

/** Time to describe and send a result as large as the expected one. */
function reportBudgetMs(expected: PyValue): number {
  return REPORT_FLOOR_MS + Math.ceil(elementsOf(expected) * REPORT_MS_PER_ELEMENT);
}

function elementsOf(value: PyValue): number {
  if (value.type === "list" || value.type === "tuple" || value.type === "set" || value.type === "frozenset")
    return value.items.reduce((sum, item) => sum + elementsOf(item), 1);
  if (value.type === "dict") return value.entries.reduce((sum, [key, item]) => sum + elementsOf(key) + elementsOf(item), 1);
  if (value.type === "str" || value.type === "bytes") return 1 + Math.ceil(value.value.length / 64);
  return 1;
}

function toVerdict(problem: Problem, tests: PreparedTest[], response: ExecuteResponse): ProgramVerdict {
  if (response.loadError) return { passed: false, tests: [], loadError: response.loadError };
  const constant = constantAnswerFor(problem);
  // Mbpp/164 and Mbpp/295: the task allows one answer for every input (EvalPlus's rule).
  const allConstant =
    constant !== undefined &&
    response.runs.length > 0 &&
    response.runs.every((run) => !run.stopped && run.outcomes[0]?.outcome === "returned" && isConstantAnswer(run.outcomes[0].value, constant));
  const verdicts = response.runs.map((run, index) => {
    const verdict = judgeRun(tests[index]!, run);
    return allConstant ? { ...verdict, status: "pass" as const } : verdict;
  });
  // No test to judge by is no evidence: such a program has not passed.
  const passed = tests.length > 0 && verdicts.length === tests.length && verdicts.every((verdict) => verdict.status === "pass");
  return { passed, tests: verdicts };
}

/**
 * Scoring CRUXEval-style predictions by execution in the sandbox.
 *
 * - Output prediction (CRUXEval-O): the predicted expression is evaluated on its own, in a
 *   program that does not define the function, and its repr must equal the repr of what the
 *   function really returns on the input. A prediction cannot call the function to cheat.
 * - Input prediction (CRUXEval-I): the function is called on the predicted arguments and its
 *   result must equal (`==`, EvalPlus's float tolerance) the given output, as the judge decides
 *   outside the sandbox: the stated output never enters the job that runs the prediction.
 */
import { ConfigError } from "../core/errors.js";
import type { IoTest, Problem } from "../core/problem.js";
import type { ProgramVerdict, TestVerdict } from "../core/verdict.js";
import type { TracedError, TracedValue } from "../core/trace.js";
import type { PreparedTest } from "../evaluation/evaluator-types.js";
import { judgeRun } from "../evaluation/judge/judge-run.js";
import { readTestOracles } from "../evaluation/judge/test-oracles.js";
import type { CallOutcome, Runtime, TestRun } from "../runtime/runtime.js";

export type PredictionTaskName = "predict-output" | "predict-input";

const IDENTITY_FUNCTION = "__semtrace_prediction";
const IDENTITY_PROGRAM = `def ${IDENTITY_FUNCTION}(value):\n    return value\n`;

export const PREDICTION_TIMEOUT_MS = 5_000;

/** The io test a prediction is about: the problem's first io test. */
export function predictionTarget(problem: Problem): IoTest {
  const test = problem.tests.find((candidate): candidate is IoTest => candidate.kind === "io");
  if (test === undefined) throw new ConfigError(`problem ${problem.id} has no io test, so there is nothing to predict`);
  return test;
}

/** The program whose behaviour is predicted. */
export function predictionProgram(problem: Problem): string {
  return problem.reference ?? problem.prompt;
}

/** Scores one prediction (`undefined` = the answer held none) as a verdict with one test. */
export async function scorePrediction(
  runtime: Runtime,
  problem: Problem,
  task: PredictionTaskName,
  prediction: string | undefined,
  timeoutMs = PREDICTION_TIMEOUT_MS,
): Promise<ProgramVerdict> {
  const target = predictionTarget(problem);
  if (prediction === undefined) return noAnswer(target.id);
  return task === "predict-output" ? scoreOutput(runtime, problem, target, prediction, timeoutMs) : scoreInput(runtime, problem, target, prediction, timeoutMs);
}

function noAnswer(testId: string): ProgramVerdict {
  return {
    passed: false,
    tests: [],
    loadError: { type: "NoAnswer", message: `the answer holds no prediction for ${testId}` },
  };
}

async function scoreOutput(runtime: Runtime, problem: Problem, target: IoTest, prediction: string, timeoutMs: number): Promise<ProgramVerdict> {
  const truth = await runOne(runtime, predictionProgram(problem), problem.entryPoint, target.args, timeoutMs);
  if (truth.outcome?.outcome !== "returned") {
    throw new ConfigError(`the program of ${problem.id} does not return a value on ${target.args} (${describeRun(truth)}), so its output cannot be predicted`);
  }
  const predicted = await evaluateOnItsOwn(runtime, prediction, timeoutMs);
  const base = { testId: target.id, expected: truth.outcome.display.repr, durationMs: predicted.run?.durationMs ?? 0 };
  if (predicted.outcome?.outcome !== "returned") {
    const error = predicted.outcome?.outcome === "raised" ? predicted.outcome.error : predicted.loadError;
    const verdict: TestVerdict = { ...base, status: predicted.run?.stopped?.kind === "timeout" ? "timeout" : "error", ...(error ? { error } : {}) };
    return { passed: false, tests: [verdict] };
  }
  const [expected, actual] = [truth.outcome.display, predicted.outcome.display];
  // The type too: an object whose __repr__ lies about what it is has its own class.
  const equal = !expected.truncated && !actual.truncated && expected.repr === actual.repr && expected.type === actual.type;
  return {
    passed: equal,
    tests: [{ ...base, status: equal ? "pass" : "fail", actual: { repr: actual.repr, type: actual.type, ...(actual.truncated ? { truncated: true } : {}) } }],
  };
}

/**
 * Evaluates a predicted value's text in the sandbox, in a program that defines nothing but an
 * identity function, and reports what it became (its display form when it returned).
 */
export async function evaluatePrediction(runtime: Runtime, prediction: string, timeoutMs = PREDICTION_TIMEOUT_MS): Promise<TracedValue | undefined> {
  const predicted = await evaluateOnItsOwn(runtime, prediction, timeoutMs);
  return predicted.outcome?.outcome === "returned" ? predicted.outcome.display : undefined;
}

function evaluateOnItsOwn(runtime: Runtime, prediction: string, timeoutMs: number): Promise<SingleRun> {
  return runOne(runtime, IDENTITY_PROGRAM, IDENTITY_FUNCTION, prediction, timeoutMs);
}

/** Runs the program on the predicted arguments and judges its result against the stated output, outside the sandbox. */
async function scoreInput(runtime: Runtime, problem: Problem, target: IoTest, prediction: string, timeoutMs: number): Promise<ProgramVerdict> {
  if (target.expected === undefined) throw new ConfigError(`problem ${problem.id} states no output for ${target.id} to predict an input for`);
  const [stated] = await readTestOracles(runtime, problem.entryPoint, [{ kind: "expected", text: target.expected }]);
  if (stated?.kind !== "value")
    throw new ConfigError(`the stated output of ${problem.id} is not a value: ${stated?.kind === "unreadable" ? stated.reason : target.expected}`);
  const oracle: PreparedTest = { ...target, args: prediction, timeoutMs, oracle: { kind: "value", expected: stated.value, atol: target.atol ?? 0 } };
  const response = await runtime.execute({
    program: predictionProgram(problem),
    entryPoint: problem.entryPoint,
    tests: [{ id: target.id, kind: "call", args: prediction, timeoutMs }],
  });
  if (response.loadError) return { passed: false, tests: [], loadError: response.loadError };
  const verdict = judgeRun(oracle, response.runs[0]);
  return { passed: verdict.status === "pass", tests: [verdict] };
}

interface SingleRun {
  run?: TestRun;
  outcome?: CallOutcome;
  loadError?: TracedError;
}

async function runOne(runtime: Runtime, program: string, entryPoint: string, args: string, timeoutMs: number): Promise<SingleRun> {
  const response = await runtime.execute({ program, entryPoint, tests: [{ id: "value", kind: "call", args, timeoutMs }] });
  const run = response.runs[0];
  if (response.loadError) return { loadError: response.loadError };
  return { ...(run ? { run } : {}), ...(run && !run.stopped && run.outcomes[0] ? { outcome: run.outcomes[0] } : {}) };
}

function describeRun({ run, outcome, loadError }: SingleRun): string {
  if (loadError) return `${loadError.type}: ${loadError.message}`;
  if (run?.stopped) return run.stopped.kind;
  return outcome?.outcome === "raised" ? outcome.error.type : "no result";
}

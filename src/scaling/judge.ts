/**
 * Judging answers by execution. Programs run against the problem's public tests (what a
 * strategy may see) and hidden tests (the ground truth) through the Evaluator; predictions
 * are scored by one execution, answers to reasoning questions by `reason score`'s rules. Verdicts are cached per (problem, answer), so the same program
 * proposed under several configurations runs once.
 */

/** Memoizes promises by key; a rejected promise is forgotten so that it can be retried. */
function createPromiseCache<T>(): (key: string, run: () => Promise<T>) => Promise<T> {
  const entries = new Map<string, Promise<T>>();
  return (key, run) => {
    let entry = entries.get(key);
    if (entry === undefined) {
      entry = run();
      entries.set(key, entry);
      entry.catch(() => entries.delete(key));
    }
    return entry;
  };
}
import { sha256 } from "../core/hash.js";
import type { Problem, TestGroup } from "../core/problem.js";
import type { ProgramVerdict } from "../core/verdict.js";
import type { Evaluator, StopMode } from "../evaluation/evaluator-types.js";
import { problemQuestion } from "../datasets/reason-questions.js";
import { readAnswer } from "../reasoning/answers.js";
import { isCorrect } from "../reasoning/score.js";
import type { Runtime } from "../runtime/runtime.js";
import { type PredictionTaskName, scorePrediction } from "../tasks/prediction.js";
import { type TestCall, createTestCall } from "../tasks/test-calls.js";
import { type VerdictSummary, summarizeVerdict } from "./attempt.js";

export interface Judge {
  /** Public-test verdict of a program; undefined for predictions, which have no public tests. */
  judgePublic(problem: Problem, answer: string | undefined): Promise<ProgramVerdict | undefined>;
  /** Hidden-test verdict, in brief (see VerdictSummary). */
  judgeHidden(problem: Problem, answer: string | undefined): Promise<VerdictSummary>;
  /** The calls of the named tests (all public tests when `testIds` is absent), in test order, expected values filled in. */
  testCalls(problem: Problem, testIds?: readonly string[]): Promise<TestCall[]>;
}

export interface ProgramJudgeOptions {
  /** Hidden test groups to run; default all. */
  hiddenGroups?: TestGroup[];
  /** `first-failure` (default) stops a program at its first failing hidden test. */
  hiddenMode?: StopMode;
}

const NO_PROGRAM: ProgramVerdict = {
  passed: false,
  tests: [],
  loadError: { type: "NoAnswer", message: "the answer holds no program (no ```python block)" },
};

export function createProgramJudge(evaluator: Evaluator, options: ProgramJudgeOptions = {}): Judge {
  const publicVerdicts = createPromiseCache<ProgramVerdict>();
  const hiddenVerdicts = createPromiseCache<VerdictSummary>();
  const hiddenSelection = { visibility: "hidden" as const, ...(options.hiddenGroups ? { groups: options.hiddenGroups } : {}) };
  return {
    async judgePublic(problem, answer) {
      if (answer === undefined) return NO_PROGRAM;
      return publicVerdicts(`${problem.id}:${sha256(answer)}`, () => evaluator.evaluate(problem, answer, { visibility: "public" }, "all"));
    },
    async judgeHidden(problem, answer) {
      if (answer === undefined) return summarizeVerdict(NO_PROGRAM);
      const mode = options.hiddenMode ?? "first-failure";
      return hiddenVerdicts(`${problem.id}:${sha256(answer)}`, async () => summarizeVerdict(await evaluator.evaluate(problem, answer, hiddenSelection, mode)));
    },
    async testCalls(problem, testIds) {
      const { tests } = await evaluator.prepare(problem);
      const wanted = testIds === undefined ? undefined : new Set(testIds);
      return tests
        .filter((test) => (wanted === undefined ? test.visibility === "public" : wanted.has(test.id)))
        .flatMap((test) => createTestCall(test, problem.entryPoint) ?? []);
    },
  };
}

export function createPredictionJudge(runtime: Runtime, task: PredictionTaskName): Judge {
  const verdicts = createPromiseCache<VerdictSummary>();
  return {
    judgePublic: async () => undefined,
    judgeHidden: (problem, answer) =>
      verdicts(`${problem.id}:${answer === undefined ? "-" : sha256(answer)}`, async () =>
        summarizeVerdict(await scorePrediction(runtime, problem, task, answer)),
      ),
    testCalls: async () => [],
  };
}

/**
 * Judges the answer to one reasoning question (a problem of the reason-questions benchmark) as
 * `reason score` does: the answer's shape is read on the host, and a predicted value is
 * evaluated only in the sandbox.
 */
export function createReasoningJudge(runtime: Runtime): Judge {
  const verdicts = createPromiseCache<VerdictSummary>();
  return {
    judgePublic: async () => undefined,
    judgeHidden: (problem, answer) =>
      verdicts(`${problem.id}:${answer === undefined ? "-" : sha256(answer)}`, async () => {
        const question = problemQuestion(problem);
        const read = answer === undefined ? undefined : readAnswer(question, { id: question.id, text: answer });
        const base = { testId: question.id, expected: JSON.stringify(question.answer), durationMs: 0 };
        if (read === undefined) {
          return summarizeVerdict({
            passed: false,
            tests: [],
            loadError: { type: "NoAnswer", message: `the answer holds no readable ${question.task} answer` },
          });
        }
        const passed = await isCorrect(runtime, question, read);
        return summarizeVerdict({ passed, tests: [{ ...base, status: passed ? "pass" : "fail" }] });
      }),
    testCalls: async () => [],
  };
}

import type { Problem } from "../core/problem.js";
import type { ProgramVerdict } from "../core/verdict.js";
import type { Evaluator } from "./evaluator-types.js";
import { passAtK } from "./pass-at-k.js";

export type Status = "pass" | "fail";

/** One sample judged on a problem's hidden tests, split by EvalPlus's base and plus groups. */
export interface SampleEvaluation {
  taskId: string;
  index: number;
  solution: string;
  base: ProgramVerdict;
  /** Absent when the problem has no plus tests (HumanEval, MBPP, CRUXEval). */
  plus?: ProgramVerdict;
}

export function statusOf(verdict: ProgramVerdict | undefined): Status {
  return verdict?.passed ? "pass" : "fail";
}

/** Plus counts only for samples that also pass base, as EvalPlus reports it. */
export function plusStatusOf(evaluation: SampleEvaluation): Status {
  return evaluation.base.passed && (evaluation.plus?.passed ?? true) ? "pass" : "fail";
}

export async function evaluateSample(evaluator: Evaluator, problem: Problem, solution: string, index: number): Promise<SampleEvaluation> {
  const hasPlus = problem.tests.some((test) => test.group === "plus" && test.visibility === "hidden");
  const base = await evaluator.evaluate(problem, solution, { visibility: "hidden", groups: ["base"] });
  const plus = hasPlus ? await evaluator.evaluate(problem, solution, { visibility: "hidden", groups: ["plus"] }) : undefined;
  return { taskId: problem.id, index, solution, base, ...(plus ? { plus } : {}) };
}

export interface PassAtKSummary {
  tasks: number;
  samples: number;
  base: Record<string, number>;
  plus?: Record<string, number>;
}

/** Mean unbiased pass@k over tasks; k larger than a task's sample count is left out. */
export function summarize(evaluations: SampleEvaluation[], ks: number[]): PassAtKSummary {
  const byTask = new Map<string, SampleEvaluation[]>();
  for (const evaluation of evaluations) byTask.set(evaluation.taskId, [...(byTask.get(evaluation.taskId) ?? []), evaluation]);
  const hasPlus = evaluations.some((evaluation) => evaluation.plus !== undefined);
  const mean = (k: number, passed: (evaluation: SampleEvaluation) => boolean): number | undefined => {
    const groups = [...byTask.values()];
    if (groups.some((group) => group.length < k)) return undefined;
    const total = groups.reduce((sum, group) => sum + passAtK(group.length, group.filter(passed).length, k), 0);
    return total / groups.length;
  };
  const table = (passed: (evaluation: SampleEvaluation) => boolean) =>
    Object.fromEntries(
      ks.flatMap((k) => {
        const value = mean(k, passed);
        return value === undefined ? [] : [[`pass@${k}`, value]];
      }),
    );
  return {
    tasks: byTask.size,
    samples: evaluations.length,
    base: table((evaluation) => evaluation.base.passed),
    ...(hasPlus ? { plus: table((evaluation) => plusStatusOf(evaluation) === "pass") } : {}),
  };
}

/** EvalPlus's eval_results.json: `eval[task_id] = [{solution, base_status, plus_status, ...}]`. */
export function toEvalPlusResults(problems: Map<string, Problem>, evaluations: SampleEvaluation[], summary: PassAtKSummary, meta: Record<string, unknown>) {
  const failing = (problem: Problem | undefined, verdict: ProgramVerdict | undefined): string[] =>
    (verdict?.tests ?? []).filter((test) => test.status !== "pass").map((test) => argsOf(problem, test.testId));
  const byTask: Record<string, unknown[]> = {};
  for (const evaluation of [...evaluations].sort(compareSamples)) {
    const problem = problems.get(evaluation.taskId);
    (byTask[evaluation.taskId] ??= []).push({
      task_id: evaluation.taskId,
      solution: evaluation.solution,
      base_status: statusOf(evaluation.base),
      plus_status: evaluation.plus ? statusOf(evaluation.plus) : null,
      base_fail_tests: failing(problem, evaluation.base),
      plus_fail_tests: failing(problem, evaluation.plus),
    });
  }
  return { ...meta, eval: byTask, pass_at_k: { base: summary.base, ...(summary.plus ? { plus: summary.plus } : {}) } };
}

function argsOf(problem: Problem | undefined, testId: string): string {
  const test = problem?.tests.find((candidate) => candidate.id === testId);
  if (!test) return testId;
  return test.kind === "io" ? test.args : test.kind === "stdin" ? test.stdin : test.code;
}

function compareSamples(a: SampleEvaluation, b: SampleEvaluation): number {
  return a.taskId === b.taskId ? a.index - b.index : a.taskId < b.taskId ? -1 : 1;
}

/** One line per executed test, for analysis beyond pass/fail. */
export function perTestLines(evaluations: SampleEvaluation[]): unknown[] {
  return [...evaluations].sort(compareSamples).flatMap((evaluation) =>
    (["base", "plus"] as const).flatMap((group): unknown[] => {
      const verdict = evaluation[group];
      if (!verdict) return [];
      if (verdict.loadError) return [{ task_id: evaluation.taskId, sample: evaluation.index, group, status: "error", error: verdict.loadError }];
      return verdict.tests.map((test) => ({ task_id: evaluation.taskId, sample: evaluation.index, group, test_id: test.testId, ...test }));
    }),
  );
}

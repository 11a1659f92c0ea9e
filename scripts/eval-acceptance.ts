/**
 * The evaluator's acceptance figures on real data:
 * - HumanEval+ / MBPP+ canonical solutions against their own base and plus tests;
 * - the 2509.11686 repair sets (every buggy program should fail base);
 * - the HumanEval candidate pools: base/plus pass@1 and agreement with their `is_solved`.
 * Usage: npm run eval:acceptance [-- --runtime cpython] [--json out.json]
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Problem } from "../src/core/problem.js";
import { listCandidateModels, loadBenchmark, loadCandidatePool, loadRepairSet } from "../src/datasets/index.js";
import { createEvaluator } from "../src/evaluation/evaluator.js";
import { evaluateSample, plusStatusOf, type SampleEvaluation } from "../src/evaluation/results.js";
import { createRuntime } from "../src/runtime/index.js";
import { DATA_DIR } from "./shared-data.js";

const { values } = parseArgs({
  options: { runtime: { type: "string", default: "pyodide" }, json: { type: "string" }, section: { type: "string", multiple: true } },
});
const runtime = createRuntime(values.runtime);
// Only statuses are reported here, so each program stops at its first failing test.
const evaluator = createEvaluator(runtime, { mode: "first-failure" });
const options = { dataDir: DATA_DIR };

const evaluateAll = (problems: Problem[], program: (problem: Problem) => string): Promise<SampleEvaluation[]> =>
  Promise.all(problems.map((problem) => evaluateSample(evaluator, problem, program(problem), 0)));

function firstFailure(evaluation: SampleEvaluation): string {
  const verdict = !evaluation.base.passed ? evaluation.base : evaluation.plus;
  if (verdict?.loadError) return `${verdict.loadError.type}: ${verdict.loadError.message}`;
  const test = verdict?.tests.find((candidate) => candidate.status !== "pass");
  return test
    ? `${test.testId} ${test.status}${test.error ? ` ${test.error.type}: ${test.error.message.slice(0, 80)}` : ` expected ${test.expected?.slice(0, 60)} got ${test.actual?.repr.slice(0, 60)}`}`
    : "not run";
}

async function canonical(name: "humaneval+" | "mbpp+") {
  const problems = await loadBenchmark(name, options);
  const evaluations = await evaluateAll(problems, (problem) => problem.reference!);
  const prepared = await Promise.all(problems.map((problem) => evaluator.prepare(problem)));
  const referenceFailures = prepared.flatMap((entry) => entry.referenceFailures.map((failure) => `${entry.problem.id} ${failure.testId}: ${failure.reason}`));
  const failing = evaluations
    .filter((evaluation) => plusStatusOf(evaluation) !== "pass")
    .map((evaluation) => `${evaluation.taskId}: ${firstFailure(evaluation)}`);
  return { tasks: problems.length, passBaseAndPlus: problems.length - failing.length, failing, referenceFailures };
}

async function repairSet(benchmark: "humaneval" | "mbpp") {
  const problems = await loadRepairSet(benchmark, options);
  const evaluations = await evaluateAll(problems, (problem) => problem.candidate!);
  const passingBase = evaluations.filter((evaluation) => evaluation.base.passed).map((evaluation) => evaluation.taskId);
  return { programs: problems.length, failBase: problems.length - passingBase.length, passingBase };
}

async function pools() {
  const rows = [];
  for (const model of listCandidateModels("humaneval", options)) {
    const { problems } = await loadCandidatePool({ ...options, benchmark: "humaneval", model });
    const evaluations = await evaluateAll(problems, (problem) => problem.candidate!);
    const byTask = new Map(evaluations.map((evaluation) => [evaluation.taskId, evaluation]));
    const disagreements = problems.flatMap((problem) => {
      const solved = problem.meta?.isSolved === true;
      const evaluation = byTask.get(problem.id)!;
      return solved === evaluation.base.passed
        ? []
        : [`${problem.id}: is_solved=${solved}, base ${evaluation.base.passed ? "pass" : `fail (${firstFailure(evaluation)})`}`];
    });
    rows.push({
      model,
      programs: problems.length,
      basePassAt1: evaluations.filter((evaluation) => evaluation.base.passed).length / problems.length,
      plusPassAt1: evaluations.filter((evaluation) => plusStatusOf(evaluation) === "pass").length / problems.length,
      agreeWithIsSolved: problems.length - disagreements.length,
      disagreements,
    });
  }
  return rows;
}

const sections: [string, () => Promise<unknown>][] = [
  ["humanevalPlusCanonical", () => canonical("humaneval+")],
  ["humanevalBuggy", () => repairSet("humaneval")],
  ["humanevalPools", () => pools()],
  ["mbppBuggy", () => repairSet("mbpp")],
  ["mbppPlusCanonical", () => canonical("mbpp+")],
];
// With --section, only those sections are recomputed and merged into an existing --json file.
const report: Record<string, unknown> =
  values.section && values.json && existsSync(values.json) ? (JSON.parse(readFileSync(values.json, "utf8")) as Record<string, unknown>) : {};
report.runtime = runtime.name;
try {
  for (const [name, compute] of sections.filter(([name]) => !values.section || values.section.includes(name))) {
    const started = performance.now();
    report[name] = await compute();
    // Each section is printed and saved as soon as it is done.
    console.log(JSON.stringify({ [name]: report[name], seconds: Math.round((performance.now() - started) / 1000) }, null, 2));
    if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  }
} finally {
  await runtime.close();
}

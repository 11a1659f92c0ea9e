/**
 * Runs all five HumanEval candidate pools (820 programs) against HumanEval+ base and plus
 * inputs, per runtime, and in the same run the usual process-per-program approach: a fresh
 * python3 per program (inside the same bubblewrap isolation) running the same tests with the
 * same harness; both stop a program at its first failing test. Reports programs/s and
 * tests/s; the ratio is what to compare.
 * Usage: npm run bench:eval [-- --runtime pyodide --runtime cpython]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import type { Problem } from "../src/core/problem.js";
import { listCandidateModels, loadCandidatePool } from "../src/datasets/index.js";
import { createEvaluator } from "../src/evaluation/evaluator.js";
import type { PreparedProblem } from "../src/evaluation/evaluator-types.js";
import { evaluateSample } from "../src/evaluation/results.js";
import { defaultPython, sandboxCommand, stageHarness } from "../src/runtime/cpython/isolation.js";
import { createRuntime } from "../src/runtime/index.js";
import { sharedPythonSources } from "../src/runtime/python-sources.js";
import { DATA_DIR } from "../scripts/shared-data.js";
import { reportBench } from "./report.js";

const { values } = parseArgs({ options: { runtime: { type: "string", multiple: true } } });
const options = { dataDir: DATA_DIR };
const programs: { problem: Problem; solution: string }[] = [];
for (const model of listCandidateModels("humaneval", options)) {
  const { problems } = await loadCandidatePool({ ...options, benchmark: "humaneval", model });
  programs.push(...problems.map((problem) => ({ problem, solution: problem.candidate! })));
}

const rows: Record<string, string | number>[] = [];
let prepared: PreparedProblem[] = [];
for (const name of values.runtime ?? ["pyodide", "cpython"]) {
  const runtime = createRuntime(name);
  // Both approaches stop a program at its first failing test, as `eval --mode first-failure`.
  const evaluator = createEvaluator(runtime, { mode: "first-failure" });
  try {
    prepared = await Promise.all([...new Map(programs.map(({ problem }) => [problem.id, problem])).values()].map((problem) => evaluator.prepare(problem)));
    const started = performance.now();
    const evaluations = await Promise.all(programs.map(({ problem, solution }, index) => evaluateSample(evaluator, problem, solution, index)));
    const seconds = (performance.now() - started) / 1000;
    const tests = evaluations.reduce((sum, evaluation) => sum + evaluation.base.tests.length + (evaluation.plus?.tests.length ?? 0), 0);
    rows.push({ approach: `semtrace ${name} pool`, programs: programs.length, tests, seconds: Number(seconds.toFixed(1)), "programs/s": Number((programs.length / seconds).toFixed(1)), "tests/s": Math.round(tests / seconds) });
  } finally {
    await runtime.close();
  }
}

/** The same tests, one fresh isolated interpreter per program, two at a time (one per core). */
async function processPerProgram(): Promise<void> {
  const runner = "import json, sys\nimport semtrace_tracer\njob = json.load(sys.stdin)\nsemtrace_tracer.run_job(job, lambda message: None, lambda reach: False)\n";
  const harnessDir = stageHarness({ ...sharedPythonSources(), "runner.py": runner });
  const command = sandboxCommand({ python: defaultPython()!, harnessDir, unsafeNoIsolation: false }, "runner.py");
  const byId = new Map(prepared.map((entry) => [entry.problem.id, entry]));
  const limit = pLimit(2);
  const started = performance.now();
  let tests = 0;
  await Promise.all(
    programs.map(({ problem, solution }) =>
      limit(() => {
        const selected = byId.get(problem.id)!.tests.filter((test) => test.visibility === "hidden");
        tests += selected.length;
        const payload = { program: solution, entryPoint: problem.entryPoint, tests: selected, stopOnFirstFailure: true, limits: { memoryMb: 1024, maxOutputBytes: 1_000_000, maxValueChars: 1000 } };
        return new Promise<void>((resolve) => {
          const child = spawn(command.command, command.args.filter((arg) => arg !== "--isolated"), { stdio: ["pipe", "ignore", "ignore"] });
          // EvalPlus's whole-program limit: the sum of the per-test limits plus a second.
          const budgetMs = selected.reduce((sum, test) => sum + test.timeoutMs, 0) + 1000;
          const timer = setTimeout(() => child.kill("SIGKILL"), budgetMs);
          child.stdin.on("error", () => undefined);
          child.on("exit", () => { clearTimeout(timer); resolve(); });
          child.stdin.end(JSON.stringify({ kind: "check", payload }));
        });
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  rows.push({ approach: "process per program (python3 + bwrap)", programs: programs.length, tests, seconds: Number(seconds.toFixed(1)), "programs/s": Number((programs.length / seconds).toFixed(1)), "tests/s": Math.round(tests / seconds) });
}

await processPerProgram();
reportBench("eval", rows, { note: "HumanEval+ base+plus hidden tests; reference outputs prepared before timing" });

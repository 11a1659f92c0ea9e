/**
 * Runs all five HumanEval candidate pools (820 programs) against HumanEval+ base and plus
 * inputs, per runtime, and in the same run the usual process-per-program approach: a fresh
 * python3 per program (inside the same bubblewrap isolation) running the same tests with the
 * same harness, each call under an in-process timer as EvalPlus does. Both judge a program's
 * base tests and then its plus tests, each up to the first failure, and must agree on every
 * verdict. Reports programs/s and tests/s; the ratio is what to compare.
 * Usage: npm run bench:eval [-- --runtime pyodide --runtime cpython]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import type { Problem } from "../src/core/problem.js";
import { listCandidateModels, loadCandidatePool } from "../src/datasets/index.js";
import { createEvaluator, selectTests } from "../src/evaluation/evaluator.js";
import type { PreparedProblem } from "../src/evaluation/evaluator-types.js";
import { evaluateSample, type SampleEvaluation } from "../src/evaluation/results.js";
import { defaultPython, sandboxCommand, stageHarness } from "../src/runtime/cpython/isolation.js";
import { createRuntime } from "../src/runtime/index.js";
import { sharedPythonSources } from "../src/runtime/python-sources.js";
import { DEFAULT_LIMITS } from "../src/runtime/runtime.js";
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
const poolVerdicts = new Map<string, SampleEvaluation[]>();
for (const name of values.runtime ?? ["pyodide", "cpython"]) {
  const runtime = createRuntime(name);
  // Both approaches stop a program at its first failing test, as `eval --mode first-failure`.
  const evaluator = createEvaluator(runtime, { mode: "first-failure" });
  try {
    prepared = await Promise.all([...new Map(programs.map(({ problem }) => [problem.id, problem])).values()].map((problem) => evaluator.prepare(problem)));
    const started = performance.now();
    const evaluations = await Promise.all(programs.map(({ problem, solution }, index) => evaluateSample(evaluator, problem, solution, index)));
    poolVerdicts.set(name, evaluations);
    const seconds = (performance.now() - started) / 1000;
    const tests = evaluations.reduce((sum, evaluation) => sum + evaluation.base.tests.length + (evaluation.plus?.tests.length ?? 0), 0);
    rows.push({ approach: `semtrace ${name} pool`, programs: programs.length, tests, seconds: Number(seconds.toFixed(1)), "programs/s": Number((programs.length / seconds).toFixed(1)), "tests/s": Math.round(tests / seconds) });
  } finally {
    await runtime.close();
  }
}

/**
 * The baseline's runner: one interpreter per program judging its base and then its plus tests
 * (each up to the first failure), with EvalPlus's in-process per-test limit, a timer around
 * each call. It prints the two verdicts so the bench can check they match the pool's.
 */
const BASELINE_RUNNER = `import json, signal, sys
sys.path.insert(0, "/semtrace")
import semtrace_tracer

class CallAlarm(semtrace_tracer.PhaseBoard):
    def __init__(self, tests):
        self.limits = {index: test["timeoutMs"] / 1000 for index, test in enumerate(tests)}
        self.limits[-1] = 5.0
    def enter(self, phase):
        signal.setitimer(signal.ITIMER_REAL, self.limits.get(phase, 0))

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, interrupt)
verdicts = []
for job in json.load(sys.stdin):
    results = []
    body = semtrace_tracer.run_job(job, lambda message: results.append(message["result"]), lambda reach: False, CallAlarm(job["payload"]["tests"]))
    passed = "loadError" not in body and len(results) == len(job["payload"]["tests"]) and all(r["status"] == "pass" for r in results)
    verdicts.append({"passed": passed, "tests": len(results)})
print(json.dumps(verdicts))
`;

interface BaselineVerdict {
  passed: boolean;
  tests: number;
}

/** The same tests, one fresh isolated interpreter per program, two at a time (one per core). */
async function processPerProgram(): Promise<void> {
  const harnessDir = stageHarness({ ...sharedPythonSources(), "runner.py": BASELINE_RUNNER });
  const command = sandboxCommand({ python: defaultPython()!, harnessDir, unsafeNoIsolation: false }, "runner.py");
  const byId = new Map(prepared.map((entry) => [entry.problem.id, entry]));
  const limit = pLimit(2);
  const started = performance.now();
  const verdicts = await Promise.all(
    programs.map(({ problem, solution }) =>
      limit(() => {
        const groups = (["base", "plus"] as const).map((group) => selectTests(byId.get(problem.id)!.tests, { visibility: "hidden", groups: [group] })).filter((tests) => tests.length > 0);
        const jobs = groups.map((tests) => ({ kind: "check", payload: { program: solution, entryPoint: problem.entryPoint, tests, stopOnFirstFailure: true, limits: DEFAULT_LIMITS } }));
        return new Promise<BaselineVerdict[] | undefined>((resolve) => {
          const child = spawn(command.command, command.args.filter((arg) => arg !== "--isolated"), { stdio: ["pipe", "pipe", "ignore"] });
          let stdout = "";
          child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
          // EvalPlus's whole-program backstop: the sum of the per-test limits plus a second.
          const budgetMs = groups.flat().reduce((sum, test) => sum + test.timeoutMs, 0) + 1000;
          const timer = setTimeout(() => child.kill("SIGKILL"), budgetMs);
          child.stdin.on("error", () => undefined);
          child.on("close", () => {
            clearTimeout(timer);
            resolve(parseVerdicts(stdout));
          });
          child.stdin.end(JSON.stringify(jobs));
        });
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const tests = verdicts.reduce((sum, verdict) => sum + (verdict ?? []).reduce((count, group) => count + group.tests, 0), 0);
  rows.push({ approach: "process per program (python3 + bwrap)", programs: programs.length, tests, seconds: Number(seconds.toFixed(1)), "programs/s": Number((programs.length / seconds).toFixed(1)), "tests/s": Math.round(tests / seconds) });
  for (const [name, evaluations] of poolVerdicts) {
    const differing = evaluations.filter((pool, index) => {
      const verdict = verdicts[index];
      return verdict === undefined || verdict[0]?.passed !== pool.base.passed || (pool.plus !== undefined && verdict[1]?.passed !== pool.plus.passed);
    });
    agreement[name] = `${programs.length - differing.length}/${programs.length} programs judged alike by the ${name} pool and the baseline`;
    if (differing.length > 0) agreement[name] += `; differing: ${differing.map((evaluation) => `${evaluation.taskId}#${evaluation.index}`).join(", ")}`;
  }
}

function parseVerdicts(stdout: string): BaselineVerdict[] | undefined {
  try {
    return JSON.parse(stdout) as BaselineVerdict[];
  } catch {
    return undefined;
  }
}

const agreement: Record<string, string> = {};
await processPerProgram();
console.log(Object.values(agreement).join("\n"));
reportBench("eval", rows, { note: "HumanEval+ base+plus hidden tests; reference outputs prepared before timing", agreement });

/**
 * Runs all five HumanEval candidate pools (820 programs) against HumanEval+ base and plus
 * inputs, per runtime, and in the same run the usual process-per-program approach: a fresh
 * python3 per program (inside the same bubblewrap isolation) running the same tests with the
 * same harness, each call under an in-process timer as EvalPlus does, its results judged by
 * the same judge outside the process as they arrive. Both judge a program's base tests and
 * then its plus tests, each up to the first failure, and must agree on every verdict. Reports
 * programs/s, tests/s, and the programs' own time inside their calls (which no approach can go
 * below); the ratio is what to compare.
 * Usage: npm run bench:eval [-- --runtime pyodide --runtime cpython]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import type { Problem } from "../src/core/problem.js";
import { listCandidateModels, loadCandidatePool } from "../src/datasets/index.js";
import { createEvaluator, selectTests } from "../src/evaluation/evaluator.js";
import type { PreparedProblem, PreparedTest } from "../src/evaluation/evaluator-types.js";
import { judgeRun } from "../src/evaluation/judge/judge-run.js";
import { evaluateSample, type SampleEvaluation } from "../src/evaluation/results.js";
import { readObservation, testRunOf } from "../src/runtime/observation.js";
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
    const verdicts = evaluations.flatMap((evaluation) => [...evaluation.base.tests, ...(evaluation.plus?.tests ?? [])]);
    const ownSeconds = verdicts.reduce((sum, verdict) => sum + verdict.durationMs, 0) / 1000;
    rows.push(row(`semtrace ${name} pool`, verdicts.length, seconds, ownSeconds));
  } finally {
    await runtime.close();
  }
}

function row(approach: string, tests: number, seconds: number, ownSeconds: number): Record<string, string | number> {
  return {
    approach,
    programs: programs.length,
    tests,
    seconds: Number(seconds.toFixed(1)),
    "programs/s": Number((programs.length / seconds).toFixed(1)),
    "tests/s": Math.round(tests / seconds),
    "programs' own s": Number(ownSeconds.toFixed(1)),
  };
}

/**
 * The baseline's runner: one interpreter per program running its jobs (base tests, then plus
 * tests) one line of stdin each, with EvalPlus's in-process per-test limit, a timer around each
 * call. It prints each test's observation as it comes, for the host to judge, and stops a job
 * when the host writes "stop" (the first failure).
 */
const BASELINE_RUNNER = `import json, select, signal, sys
sys.path.insert(0, "/semtrace")
import semtrace_tracer

class CallAlarm(semtrace_tracer.PhaseBoard):
    def __init__(self, limits):
        self.limits = {index: limit / 1000 for index, limit in enumerate(limits)}
        self.limits[-1] = 5.0
    def enter(self, phase):
        signal.setitimer(signal.ITIMER_REAL, self.limits.get(phase, 0))
    def stop_requested(self):
        return bool(select.select([sys.stdin], [], [], 0)[0]) and sys.stdin.readline().strip() == "stop"

def interrupt(signum, frame):
    raise KeyboardInterrupt

def emit(message):
    sys.stdout.write(json.dumps(message) + "\\n")
    sys.stdout.flush()

signal.signal(signal.SIGALRM, interrupt)
for line in sys.stdin:
    if line.strip() in ("", "stop"):
        continue
    job = json.loads(line)
    body = semtrace_tracer.run_job(job, emit, lambda reach: False, CallAlarm(job["limits"]))
    emit({"t": "done", "body": body})
`;

interface BaselineVerdict {
  passed: boolean;
  tests: number;
  ownMs: number;
}

/** Runs one program's groups of tests in one fresh interpreter, judging each observation on the host as it arrives. */
function runBaselineProgram(
  command: { command: string; args: string[] },
  solution: string,
  entryPoint: string,
  groups: PreparedTest[][],
): Promise<BaselineVerdict[]> {
  return new Promise((resolve) => {
    const child = spawn(
      command.command,
      command.args.filter((arg) => arg !== "--isolated"),
      { stdio: ["pipe", "pipe", "ignore"] },
    );
    const verdicts: BaselineVerdict[] = [];
    let current: { tests: PreparedTest[]; judged: number; passed: boolean; ownMs: number; stopped: boolean } | undefined;
    const next = () => {
      const tests = groups[verdicts.length];
      if (tests === undefined) return child.stdin.end();
      current = { tests, judged: 0, passed: true, ownMs: 0, stopped: false };
      const job = {
        kind: "execute",
        limits: tests.map((test) => test.timeoutMs),
        payload: {
          program: solution,
          entryPoint,
          tests: tests.map(({ id, kind, ...rest }) => ({ id, kind: kind === "io" ? "call" : kind, ...("args" in rest ? { args: rest.args } : {}) })),
          limits: DEFAULT_LIMITS,
        },
      };
      child.stdin.write(JSON.stringify(job) + "\n");
    };
    const finishGroup = (loaded: boolean) => {
      if (!current) return;
      verdicts.push({ passed: loaded && current.passed && current.judged === current.tests.length, tests: current.judged, ownMs: current.ownMs });
      current = undefined;
      next();
    };
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        try {
          onLine(JSON.parse(line) as { t: string; i?: number; result?: unknown; body?: { loadError?: unknown } });
        } catch {
          // A program can write to this process's stdout: a line that is not the harness's is skipped.
        }
      }
    });
    const onLine = (message: { t: string; i?: number; result?: unknown; body?: { loadError?: unknown } }) => {
      if (!current) return;
      if (message.t === "done") return finishGroup(message.body?.loadError === undefined);
      const observation = readObservation(message.result);
      const test = current.tests[message.i!]!;
      if (observation instanceof Error || current.stopped) return;
      const verdict = judgeRun(test, testRunOf(test.id, observation, false));
      current.judged++;
      current.ownMs += verdict.durationMs;
      if (verdict.status !== "pass") {
        current.passed = false;
        current.stopped = true;
        child.stdin.write("stop\n");
      }
    };
    // EvalPlus's whole-program backstop: the sum of the per-test limits plus a second.
    const budgetMs = groups.flat().reduce((sum, test) => sum + test.timeoutMs, 0) + 1000;
    const timer = setTimeout(() => child.kill("SIGKILL"), budgetMs);
    child.stdin.on("error", () => undefined);
    child.on("close", () => {
      clearTimeout(timer);
      if (current) verdicts.push({ passed: false, tests: current.judged + 1, ownMs: current.ownMs });
      resolve(verdicts);
    });
    next();
  });
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
        const groups = (["base", "plus"] as const)
          .map((group) => selectTests(byId.get(problem.id)!.tests, { visibility: "hidden", groups: [group] }))
          .filter((tests) => tests.length > 0);
        return runBaselineProgram(command, solution, problem.entryPoint, groups);
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const tests = verdicts.reduce((sum, verdict) => sum + verdict.reduce((count, group) => count + group.tests, 0), 0);
  const ownSeconds = verdicts.reduce((sum, verdict) => sum + verdict.reduce((total, group) => total + group.ownMs, 0), 0) / 1000;
  rows.push(row("process per program (python3 + bwrap)", tests, seconds, ownSeconds));
  for (const [name, evaluations] of poolVerdicts) {
    const differing = evaluations.filter((pool, index) => {
      const verdict = verdicts[index];
      return verdict === undefined || verdict[0]?.passed !== pool.base.passed || (pool.plus !== undefined && verdict[1]?.passed !== pool.plus.passed);
    });
    agreement[name] = `${programs.length - differing.length}/${programs.length} programs judged alike by the ${name} pool and the baseline`;
    if (differing.length > 0) agreement[name] += `; differing: ${differing.map((evaluation) => `${evaluation.taskId}#${evaluation.index}`).join(", ")}`;
  }
}

const agreement: Record<string, string> = {};
await processPerProgram();
console.log(Object.values(agreement).join("\n"));
reportBench("eval", rows, { note: "HumanEval+ base+plus hidden tests; reference outputs prepared before timing", agreement });

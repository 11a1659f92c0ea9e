/**
 * Traces every HumanEval+ canonical solution on its base inputs (1,570 calls) with default
 * limits, per runtime: through the library (the runtime already started), and end to end as a
 * user runs it, `semtrace trace --batch` as a whole process; the same calls untraced in the same
 * runtime; and, in the same run, PySnooper (../shared/anchors/pysnooper, the tracer of the
 * 2509.11686 study) tracing the same calls, two processes at a time under the same bubblewrap
 * isolation. Medians of repeated runs. Ratios within one run are what to compare, since
 * machines are noisy.
 * Usage: npm run bench:trace [-- --repeats 3 --runtime pyodide --runtime cpython]
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { defaultPython, sandboxCommand, stageHarness } from "../src/runtime/cpython/isolation.js";
import { createRuntime } from "../src/runtime/index.js";
import type { Runtime } from "../src/runtime/runtime.js";
import { jsonArgs, jsonCall, readHumanEvalPlus } from "../scripts/shared-data.js";
import { median, reportBench } from "./report.js";

const { values } = parseArgs({ options: { repeats: { type: "string", default: "3" }, runtime: { type: "string", multiple: true } } });
const repeats = Number(values.repeats);
const tasks = readHumanEvalPlus();
const calls = tasks.flatMap((task) => task.base_input.map((args) => ({ program: task.prompt + task.canonical_solution, entryPoint: task.entry_point, args })));

async function traced(runtime: Runtime): Promise<{ seconds: number; steps: number }> {
  const started = performance.now();
  const traces = await Promise.all(
    calls.map((call) => runtime.trace({ program: call.program, input: { kind: "call", call: jsonCall(call.entryPoint, call.args) } })),
  );
  return { seconds: (performance.now() - started) / 1000, steps: traces.reduce((sum, trace) => sum + trace.events.length, 0) };
}

/** The same calls with tracing off, one job per program as the evaluator runs them: the in-runtime baseline. */
async function untraced(runtime: Runtime): Promise<number> {
  const started = performance.now();
  await Promise.all(
    tasks.map((task) =>
      runtime.execute({
        program: task.prompt + task.canonical_solution,
        entryPoint: task.entry_point,
        tests: task.base_input.map((args, index) => ({ id: String(index), kind: "call" as const, args: jsonArgs(args), timeoutMs: 10_000 })),
      }),
    ),
  );
  return (performance.now() - started) / 1000;
}

const PYSNOOPER = join(import.meta.dirname, "../../shared/anchors/pysnooper");

/** PySnooper's runner: each program's entry point wrapped in `pysnooper.snoop`, its output kept in memory, as a user would. */
const PYSNOOPER_RUNNER = `import io, json, sys
sys.path.insert(0, "/semtrace")
sys.set_int_max_str_digits(0)
import pysnooper

calls = 0
for task in json.load(sys.stdin):
    namespace = {"__name__": "__main__"}
    exec(task["program"], namespace)
    sink = io.StringIO()
    traced = pysnooper.snoop(output=sink.write, color=False)(namespace[task["entryPoint"]])
    for args in task["inputs"]:
        try:
            traced(*args)
        except Exception:
            pass
        calls += 1
print(json.dumps({"calls": calls}))
`;

/** Seconds for PySnooper to trace every call, the programs split over two sandboxed processes. */
async function pysnooper(): Promise<number | undefined> {
  if (!existsSync(PYSNOOPER)) return undefined;
  const harnessDir = stageHarness({ "runner.py": PYSNOOPER_RUNNER });
  cpSync(join(PYSNOOPER, "pysnooper"), join(harnessDir, "pysnooper"), { recursive: true });
  const command = sandboxCommand({ python: defaultPython()!, harnessDir, unsafeNoIsolation: false }, "runner.py");
  const halves = [0, 1].map((half) =>
    tasks
      .filter((_, index) => index % 2 === half)
      .map((task) => ({ program: task.prompt + task.canonical_solution, entryPoint: task.entry_point, inputs: task.base_input })),
  );
  const started = performance.now();
  const counts = await Promise.all(
    halves.map((half) =>
      runToEnd(
        command.command,
        command.args.filter((arg) => arg !== "--isolated"),
        JSON.stringify(half),
      ),
    ),
  );
  const traced = counts.reduce((sum, output) => sum + (JSON.parse(output) as { calls: number }).calls, 0);
  if (traced !== calls.length) throw new Error(`PySnooper traced ${traced} of ${calls.length} calls`);
  return (performance.now() - started) / 1000;
}

function runToEnd(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}`))));
    child.stdin.end(input);
  });
}

/** Seconds for `semtrace trace --batch` of every call as a whole process: start-up, tracing, writing every trace. */
async function cliBatch(runtime: string, jobsFile: string): Promise<number> {
  const started = performance.now();
  await runToEnd(process.execPath, [join(import.meta.dirname, "../bin/semtrace.js"), "trace", "--batch", jobsFile, "--json", "--runtime", runtime], "");
  return (performance.now() - started) / 1000;
}

const jobsFile = join(mkdtempSync(join(tmpdir(), "semtrace-bench-")), "jobs.jsonl");
writeFileSync(
  jobsFile,
  calls.map((call, index) => JSON.stringify({ id: String(index), program: call.program, call: jsonCall(call.entryPoint, call.args) })).join("\n") + "\n",
);

const snooperRuns: number[] = [];
for (let index = 0; index < repeats; index++) {
  const seconds = await pysnooper();
  if (seconds !== undefined) snooperRuns.push(seconds);
}
const snooperRate = snooperRuns.length > 0 ? calls.length / median(snooperRuns) : undefined;
if (snooperRate === undefined) console.error(`PySnooper is not at ${PYSNOOPER}: its row and ratios are left out`);

const rows: Record<string, string | number>[] = [];
if (snooperRate !== undefined)
  rows.push({ runtime: "PySnooper (python3 + bwrap, 2 processes)", calls: calls.length, "traced calls/s": Math.round(snooperRate) });
for (const name of values.runtime ?? ["pyodide", "cpython"]) {
  const runtime = createRuntime(name);
  try {
    await traced(runtime); // warm-up: worker start and first imports are not what we measure
    const tracedRuns: { seconds: number; steps: number }[] = [];
    const untracedRuns: number[] = [];
    const cliRuns: number[] = [];
    for (let index = 0; index < repeats; index++) {
      tracedRuns.push(await traced(runtime));
      untracedRuns.push(await untraced(runtime));
      cliRuns.push(await cliBatch(name, jobsFile));
    }
    const tracedSeconds = median(tracedRuns.map((run) => run.seconds));
    const untracedSeconds = median(untracedRuns);
    const steps = tracedRuns[0]!.steps;
    rows.push({
      runtime: name,
      calls: calls.length,
      "traced calls/s": Math.round(calls.length / tracedSeconds),
      "traced steps/s": Math.round(steps / tracedSeconds),
      "untraced calls/s": Math.round(calls.length / untracedSeconds),
      "overhead ×": Number((tracedSeconds / untracedSeconds).toFixed(2)),
      "CLI batch calls/s (whole process)": Math.round(calls.length / median(cliRuns)),
      ...(snooperRate === undefined
        ? {}
        : {
            "× PySnooper": Number((calls.length / tracedSeconds / snooperRate).toFixed(1)),
            "CLI batch × PySnooper": Number((calls.length / median(cliRuns) / snooperRate).toFixed(1)),
          }),
    });
  } finally {
    await runtime.close();
  }
}
reportBench("trace", rows, { repeats, note: "PySnooper (2509.11686's tracer) timed in the same run, default depth 1, output kept in memory" });

/**
 * Traces every HumanEval+ canonical solution on its base inputs (1,570 calls) with default
 * limits, per runtime, and the same calls untraced in the same runtime; medians of repeated
 * runs. Ratios within one run are what to compare, since machines are noisy.
 * Usage: npm run bench:trace [-- --repeats 3 --runtime pyodide --runtime cpython]
 */
import { parseArgs } from "node:util";
import { createRuntime } from "../src/runtime/index.js";
import type { Runtime } from "../src/runtime/runtime.js";
import { jsonArgs, jsonCall, readHumanEvalPlus } from "../scripts/shared-data.js";
import { median, reportBench } from "./report.js";

const { values } = parseArgs({ options: { repeats: { type: "string", default: "3" }, runtime: { type: "string", multiple: true } } });
const repeats = Number(values.repeats);
const tasks = readHumanEvalPlus();
const calls = tasks.flatMap((task) =>
  task.base_input.map((args) => ({ program: task.prompt + task.canonical_solution, entryPoint: task.entry_point, args })),
);

async function traced(runtime: Runtime): Promise<{ seconds: number; steps: number }> {
  const started = performance.now();
  const traces = await Promise.all(calls.map((call) => runtime.trace({ program: call.program, input: { kind: "call", call: jsonCall(call.entryPoint, call.args) } })));
  return { seconds: (performance.now() - started) / 1000, steps: traces.reduce((sum, trace) => sum + trace.events.length, 0) };
}

/** The same calls with tracing off, one job per program as the evaluator runs them: the in-runtime baseline. */
async function untraced(runtime: Runtime): Promise<number> {
  const started = performance.now();
  await Promise.all(
    tasks.map((task) =>
      runtime.execute({
        program: task.prompt + task.canonical_solution, entryPoint: task.entry_point,
        tests: task.base_input.map((args, index) => ({ id: String(index), kind: "call" as const, args: jsonArgs(args), timeoutMs: 10_000 })),
      }),
    ),
  );
  return (performance.now() - started) / 1000;
}

const rows: Record<string, string | number>[] = [];
for (const name of values.runtime ?? ["pyodide", "cpython"]) {
  const runtime = createRuntime(name);
  try {
    await traced(runtime); // warm-up: worker start and first imports are not what we measure
    const tracedRuns: { seconds: number; steps: number }[] = [];
    const untracedRuns: number[] = [];
    for (let index = 0; index < repeats; index++) {
      tracedRuns.push(await traced(runtime));
      untracedRuns.push(await untraced(runtime));
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
      "× PySnooper (44 calls/s)": Number((calls.length / tracedSeconds / 44).toFixed(1)),
    });
  } finally {
    await runtime.close();
  }
}
reportBench("trace", rows, { repeats, note: "PySnooper reference: ~44 calls/s on these machines (2509.11686's tracer)" });

/**
 * Tracer fidelity on real programs, per runtime:
 * - CRUXEval: tracing f(<input>) returns a value whose repr evaluates equal to `output`;
 * - HumanEval+: each canonical solution on each base input returns, traced, the same value
 *   as untraced.
 * Usage: npm run fidelity [-- --runtime pyodide|cpython] [--json out.json]
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createRuntime } from "../src/runtime/index.js";
import type { Runtime, TestRun } from "../src/runtime/runtime.js";
import { jsonArgs, jsonCall, readCruxEval, readHumanEvalPlus } from "./shared-data.js";

const { values } = parseArgs({ options: { runtime: { type: "string", multiple: true }, json: { type: "string" } } });
const runtimes = values.runtime ?? ["pyodide", "cpython"];

/** The tracer's width for a traced call's return value (semtrace_tracer.RESULT_CHARS). */
const TRACE_RESULT_CHARS = 100_000;

function displayOf(run: TestRun | undefined): string | undefined {
  const outcome = run?.stopped ? undefined : run?.outcomes[0];
  return outcome?.outcome === "returned" ? outcome.display.repr : undefined;
}

const EQUALS = "def __semtrace_equal(a, b):\n    return a == b or (a != a and b != b)\n";

async function cruxEval(runtime: Runtime) {
  const items = readCruxEval();
  const failures: string[] = [];
  let done = 0;
  const progress = setInterval(() => console.error(`cruxeval ${done}/${items.length}`), 10_000);
  await Promise.all(
    items.map(async (item) => {
      const trace = await runtime.trace({ program: item.code, input: { kind: "call", call: `f(${item.input})` } });
      const repr = trace.outcome.kind === "returned" ? trace.outcome.value!.repr : undefined;
      if (repr === undefined) return failures.push(`${item.id}: ${trace.outcome.kind}`);
      // Equality is decided by Python itself: eval both reprs and compare.
      const check = await runtime.execute({
        program: EQUALS,
        entryPoint: "__semtrace_equal",
        tests: [{ id: item.id, kind: "call", args: `${repr}, ${item.output}`, timeoutMs: 5000 }],
      });
      if (displayOf(check.runs[0]) !== "True") failures.push(`${item.id}: traced ${repr} ≠ ${item.output}`);
      done++;
    }),
  );
  clearInterval(progress);
  return { total: items.length, agree: items.length - failures.length, failures };
}

async function humanEvalPlus(runtime: Runtime) {
  const failures: string[] = [];
  let total = 0;
  await Promise.all(
    readHumanEvalPlus().map(async (task) => {
      const program = task.prompt + task.canonical_solution;
      const tests = task.base_input.map((args, index) => ({ id: `${index}`, kind: "call" as const, args: jsonArgs(args), timeoutMs: 10_000 }));
      // Described as wide as a trace describes its return value.
      const untraced = await runtime.execute({ program, entryPoint: task.entry_point, tests, limits: { maxValueChars: TRACE_RESULT_CHARS } });
      total += task.base_input.length;
      await Promise.all(
        task.base_input.map(async (args, index) => {
          const trace = await runtime.trace({ program, input: { kind: "call", call: jsonCall(task.entry_point, args) } });
          const traced = trace.outcome.value?.repr;
          const plain = displayOf(untraced.runs[index]);
          const returned = trace.outcome.kind === "returned" || trace.outcome.kind === "step-limit";
          if (!returned || traced === undefined || traced !== plain)
            failures.push(`${task.task_id}#${index}: traced ${trace.outcome.kind} ${traced} vs untraced ${plain}`);
        }),
      );
    }),
  );
  return { total, agree: total - failures.length, failures };
}

const report: Record<string, unknown> = {};
for (const name of runtimes) {
  const runtime = createRuntime(name);
  try {
    const crux = await cruxEval(runtime);
    const plus = await humanEvalPlus(runtime);
    report[name] = { cruxeval: crux, humanevalPlus: plus };
    console.log(`${name.padEnd(8)} CRUXEval ${crux.agree}/${crux.total}   HumanEval+ base ${plus.agree}/${plus.total}`);
    for (const failure of [...crux.failures, ...plus.failures].slice(0, 20)) console.log(`  ✖ ${failure}`);
  } finally {
    await runtime.close();
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + "\n");

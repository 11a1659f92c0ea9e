import type { Problem } from "./core/problem.js";
import type { Limits, Trace, TraceInput } from "./core/trace.js";
import type { ProgramVerdict } from "./core/verdict.js";
import { createEvaluator } from "./evaluation/evaluator.js";
import type { EvaluatorOptions, TestSelection } from "./evaluation/evaluator-types.js";
import { createRuntime, type RuntimeOptions } from "./runtime/index.js";
import type { Runtime } from "./runtime/runtime.js";

/** One-shot helpers: each starts a runtime (or uses the one given) and closes what it started. */
export interface OneShotOptions extends RuntimeOptions {
  runtime?: Runtime | "pyodide" | "cpython";
}

async function withRuntime<T>(options: OneShotOptions, use: (runtime: Runtime) => Promise<T>): Promise<T> {
  if (typeof options.runtime === "object") return use(options.runtime);
  const runtime = createRuntime(options.runtime ?? "pyodide", options);
  try {
    return await use(runtime);
  } finally {
    await runtime.close();
  }
}

/** Traces `program` on a call such as `"f(1, [2, 3])"`, or on `{ stdin }` for a script. */
export function trace(program: string, input: string | { stdin: string }, options: OneShotOptions & { limits?: Partial<Limits> } = {}): Promise<Trace> {
  const traceInput: TraceInput = typeof input === "string" ? { kind: "call", call: input } : { kind: "stdin", stdin: input.stdin };
  return withRuntime(options, (runtime) => runtime.trace({ program, input: traceInput, ...(options.limits ? { limits: options.limits } : {}) }));
}

/** Judges `program` on a problem's tests (hidden by default) in the sandbox. */
export function evaluate(
  problem: Problem,
  program: string,
  options: OneShotOptions & EvaluatorOptions & { selection?: TestSelection } = {},
): Promise<ProgramVerdict> {
  return withRuntime(options, (runtime) => createEvaluator(runtime, options).evaluate(problem, program, options.selection));
}

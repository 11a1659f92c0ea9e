/**
 * The native API: `POST /v1/trace`, `/v1/evaluate` and `/v1/render`. Candidate code reaches
 * the sandbox only through Runtime.trace and Runtime.execute (the evaluator), and every verdict
 * is the host judge's; request and response bodies are the zod schemas below.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { LimitsSchema, TraceSchema } from "../config/trace-schema.js";
import { ProgramVerdictSchema } from "../config/verdict-schema.js";
import { ConfigError, DataNotFoundError, errorMessage } from "../core/errors.js";
import type { Problem } from "../core/problem.js";
import type { TraceInput } from "../core/trace.js";
import { createGenericProblem, genericProblemSchema } from "../datasets/generic.js";
import { loadBenchmark } from "../datasets/index.js";
import { createEvaluator, selectTests } from "../evaluation/evaluator.js";
import type { Evaluator } from "../evaluation/evaluator-types.js";
import { evaluateSample, statusOf, summarize } from "../evaluation/results.js";
import { fit } from "../representations/fit.js";
import { renderOptionsSchema } from "../representations/options.js";
import { getRepresentation } from "../representations/registry.js";
import { REPRESENTATION_NAMES, type RenderInput, type RenderTest } from "../representations/representation.js";
import { GPT_ENCODINGS, loadTokenizer } from "../representations/tokenizers/index.js";
import type { Runtime } from "../runtime/runtime.js";

/** Caps on what one request may ask of a sandbox slot. */
export const MAX_TIMEOUT_MS = 60_000;
export const MAX_SAMPLES = 256;
export const MAX_RENDER_TESTS = 32;

/** A failure the client caused, answered with `statusCode` (see the server's error handler). */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const RequestLimitsSchema = z
  .strictObject({
    timeoutMs: LimitsSchema.shape.timeoutMs.max(MAX_TIMEOUT_MS),
    maxSteps: LimitsSchema.shape.maxSteps.max(1_000_000),
    maxValueChars: LimitsSchema.shape.maxValueChars.max(100_000),
    maxOutputBytes: LimitsSchema.shape.maxOutputBytes.max(16_000_000),
    memoryMb: LimitsSchema.shape.memoryMb.max(4_096),
  })
  .partial()
  .describe("Limits for the run; absent ones take the server's defaults.");

/** A call, or a standard input: exactly one. */
const programInput = {
  call: z.string().optional().describe('The call to trace, e.g. "f(1, [2, 3])".'),
  stdin: z.string().optional().describe("Run the program as a script on this standard input."),
};

function exactlyOne(keys: string[]) {
  return (value: Record<string, unknown>, context: z.RefinementCtx) => {
    const given = keys.filter((key) => value[key] !== undefined);
    if (given.length !== 1) context.addIssue({ code: "custom", path: [given[1] ?? keys[0]!], message: `give exactly one of ${keys.join(", ")}` });
  };
}

export const TraceRequestSchema = z
  .strictObject({ program: z.string().describe("Python source."), ...programInput, limits: RequestLimitsSchema.optional() })
  .superRefine(exactlyOne(["call", "stdin"]))
  .meta({ title: "TraceRequest" });
export type TraceRequest = z.infer<typeof TraceRequestSchema>;

export const EvaluateRequestSchema = z
  .strictObject({
    benchmark: z.string().optional().describe("A benchmark of the registry, read from the server's data folder; with task_id."),
    task_id: z.string().optional().describe("The task of `benchmark`."),
    problem: genericProblemSchema.optional().describe("An inline problem in the generic format, instead of benchmark and task_id."),
    samples: z.array(z.string()).min(1).max(MAX_SAMPLES).describe("Complete candidate programs."),
    k: z.array(z.int().positive()).min(1).default([1]).describe("pass@k values to report (k above the sample count is left out)."),
    mode: z.enum(["all", "first-failure"]).default("all").describe("Run every test, or stop a sample at its first failing test."),
  })
  .superRefine((value, context) => {
    if ((value.problem === undefined) === (value.benchmark === undefined)) {
      context.addIssue({ code: "custom", path: ["problem"], message: "give either problem, or benchmark and task_id" });
    } else if (value.benchmark !== undefined && value.task_id === undefined) {
      context.addIssue({ code: "custom", path: ["task_id"], message: "benchmark needs a task_id" });
    }
  })
  .meta({ title: "EvaluateRequest" });
export type EvaluateRequest = z.infer<typeof EvaluateRequestSchema>;

const StatusSchema = z.enum(["pass", "fail"]);

export const EvaluateResponseSchema = z
  .strictObject({
    task_id: z.string(),
    dataset: z.string(),
    samples: z.array(
      z.strictObject({
        index: z.int().nonnegative(),
        base_status: StatusSchema,
        /** null when the problem has no plus tests. */
        plus_status: StatusSchema.nullable(),
        base: ProgramVerdictSchema,
        plus: ProgramVerdictSchema.nullable(),
      }),
    ),
    pass_at_k: z.strictObject({ base: z.record(z.string(), z.number()), plus: z.record(z.string(), z.number()).optional() }),
    /** Tests left out because the reference gives them no expected output. */
    reference_failures: z.array(z.strictObject({ testId: z.string(), reason: z.string() })),
  })
  .meta({ title: "EvaluateResponse" });
export type EvaluateResponse = z.infer<typeof EvaluateResponseSchema>;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export const RenderRequestSchema = z
  .strictObject({
    format: z.enum(REPRESENTATION_NAMES).describe("The representation."),
    program: z.string().describe("Python source, as traced."),
    tests: z
      .array(
        z
          .strictObject({
            ...programInput,
            trace: TraceSchema.optional().describe("A trace of `program` made earlier, instead of call or stdin."),
            expected: z.string().optional().describe("Expected result: a Python repr for a call, the expected stdout for stdin."),
          })
          .superRefine(exactlyOne(["call", "stdin", "trace"])),
      )
      .min(1)
      .max(MAX_RENDER_TESTS),
    options: renderOptionsSchema.optional(),
    budget: z.int().positive().optional().describe("Shrink the rendering until it fits this many tokens."),
    tokenizer: z.enum(GPT_ENCODINGS).default("o200k_base"),
    limits: RequestLimitsSchema.optional(),
  })
  .superRefine((value, context) => {
    const digest = sha256(value.program);
    value.tests.forEach((test, index) => {
      if (test.trace && test.trace.programSha256 !== digest) {
        context.addIssue({ code: "custom", path: ["tests", index, "trace", "programSha256"], message: "the trace is of another program" });
      }
    });
  })
  .meta({ title: "RenderRequest" });
export type RenderRequest = z.infer<typeof RenderRequestSchema>;

export const RenderResponseSchema = z
  .strictObject({
    format: z.enum(REPRESENTATION_NAMES),
    text: z.string(),
    tokens: z.int().nonnegative(),
    clipped: z.record(z.string(), z.number()).describe("What the rendering left out, by kind."),
    fit_steps: z.array(z.string()).describe("The shrinking steps taken to fit the budget."),
  })
  .meta({ title: "RenderResponse" });
export type RenderResponse = z.infer<typeof RenderResponseSchema>;

export interface NativeApiOptions {
  runtime: Runtime;
  /** The data folder benchmarks are read from (`--data-dir`). */
  dataDir?: string;
  evaluator?: { timeoutFactor?: number; minTimeoutMs?: number };
}

export interface NativeApi {
  trace(request: TraceRequest): Promise<z.infer<typeof TraceSchema>>;
  evaluate(request: EvaluateRequest): Promise<EvaluateResponse>;
  render(request: RenderRequest): Promise<RenderResponse>;
}

export function createNativeApi(options: NativeApiOptions): NativeApi {
  const { runtime } = options;
  // Benchmark problems keep their prepared oracles across requests; inline problems get an evaluator each, as their ids are the client's.
  const benchmarkEvaluator = createEvaluator(runtime, options.evaluator);
  const benchmarks = new Map<string, Promise<Map<string, Problem>>>();
  const benchmark = (name: string): Promise<Map<string, Problem>> => {
    let entry = benchmarks.get(name);
    if (!entry) {
      entry = loadBenchmark(name, options.dataDir === undefined ? {} : { dataDir: options.dataDir }).then(
        (problems) => new Map(problems.map((problem) => [problem.id, problem])),
      );
      // A failed load is not kept: the data may be added while the server runs.
      entry.catch(() => benchmarks.delete(name));
      benchmarks.set(name, entry);
    }
    return entry;
  };

  const problemOf = async (request: EvaluateRequest): Promise<{ problem: Problem; evaluator: Evaluator }> => {
    if (request.problem) {
      const problem = asRequestError(() => createGenericProblem(request.problem!, "inline", "problem"));
      return { problem, evaluator: createEvaluator(runtime, options.evaluator) };
    }
    const problems = await benchmark(request.benchmark!).catch((error: unknown) => {
      throw toRequestError(error);
    });
    const problem = problems.get(request.task_id!);
    if (!problem) throw new RequestError(404, `benchmark ${request.benchmark} has no task ${request.task_id}`);
    return { problem, evaluator: benchmarkEvaluator };
  };

  return {
    trace: (request) => runtime.trace({ program: request.program, input: inputOf(request), ...(request.limits ? { limits: request.limits } : {}) }),

    async evaluate(request) {
      const { problem, evaluator } = await problemOf(request);
      const prepared = await evaluator.prepare(problem);
      // Samples are judged on the hidden base tests (and plus ones): with none to judge, every sample would pass.
      if (selectTests(prepared.tests, { visibility: "hidden", groups: ["base"] }).length === 0) {
        const reasons = prepared.referenceFailures.map((failure) => `${failure.testId}: ${failure.reason}`);
        throw new RequestError(422, `problem ${problem.id} has no hidden base test with an expected output${reasons.length ? ` (${reasons.join("; ")})` : ""}`);
      }
      const evaluations = await Promise.all(request.samples.map((solution, index) => evaluateSample(evaluator, problem, solution, index)));
      const summary = summarize(evaluations, request.k);
      return {
        task_id: problem.id,
        dataset: problem.source.dataset,
        samples: evaluations.map((evaluation) => ({
          index: evaluation.index,
          base_status: statusOf(evaluation.base),
          plus_status: evaluation.plus ? statusOf(evaluation.plus) : null,
          base: evaluation.base,
          plus: evaluation.plus ?? null,
        })),
        pass_at_k: { base: summary.base, ...(summary.plus ? { plus: summary.plus } : {}) },
        reference_failures: prepared.referenceFailures,
      };
    },

    async render(request) {
      const representation = getRepresentation(request.format);
      const tokenizer = await loadTokenizer(request.tokenizer);
      const tests = await Promise.all(
        request.tests.map(async (test): Promise<RenderTest> => {
          const trace =
            test.trace ?? (await runtime.trace({ program: request.program, input: inputOf(test), ...(request.limits ? { limits: request.limits } : {}) }));
          return { input: trace.input, trace, ...(test.expected === undefined ? {} : { expected: test.expected }) };
        }),
      );
      const input: RenderInput = { program: request.program, tests };
      if (request.budget === undefined) {
        const rendering = representation.render(input, request.options);
        return { format: request.format, text: rendering.text, tokens: tokenizer.count(rendering.text), clipped: { ...rendering.clipped }, fit_steps: [] };
      }
      const fitted = fit(representation, input, request.options, request.budget, tokenizer);
      if (!fitted.ok) throw new RequestError(422, fitted.reason);
      return { format: request.format, text: fitted.rendering.text, tokens: fitted.tokens, clipped: { ...fitted.rendering.clipped }, fit_steps: fitted.steps };
    },
  };
}

function inputOf(request: { call?: string | undefined; stdin?: string | undefined }): TraceInput {
  return request.call !== undefined ? { kind: "call", call: request.call } : { kind: "stdin", stdin: request.stdin ?? "" };
}

/** A benchmark the server cannot read is the client's to fix (404 when its data is missing), never a 500. */
function toRequestError(error: unknown): unknown {
  if (error instanceof DataNotFoundError) return new RequestError(404, errorMessage(error));
  if (error instanceof ConfigError) return new RequestError(400, errorMessage(error));
  return error;
}

function asRequestError<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw toRequestError(error);
  }
}

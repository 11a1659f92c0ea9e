/**
 * What a Runtime is asked and answers: a trace request, and running a program's tests untraced
 * (Runtime.execute), whose request carries inputs and never an expected output, and what each
 * test gave. The runtime types are inferred from these.
 */
import { z } from "zod";
import { PyValueSchema } from "./python-value-schema.js";
import { LimitsSchema, TraceInputSchema, TracedErrorSchema, TracedValueSchema } from "./trace-schema.js";

/** One traced run of a program on a call or a standard input. */
export const TraceRequestSchema = z.strictObject({
  program: z.string(),
  input: TraceInputSchema,
  limits: LimitsSchema.partial().optional(),
});

const testCommon = {
  id: z.string(),
  timeoutMs: z.number().positive(),
  /** Bounds describing and sending what the test returned (default REPORT_MS), for callers that know a result is large. */
  reportMs: z.number().positive().optional(),
};

/** The program's part of one test, which the sandbox runs untraced. */
export const ExecuteTestSchema = z.discriminatedUnion("kind", [
  z.strictObject({ ...testCommon, kind: z.literal("call"), args: z.string() }),
  /** An assertion test taken apart: `setup` (its imports) runs in the program's namespace, then each call of the entry point. */
  z.strictObject({ ...testCommon, kind: z.literal("calls"), calls: z.array(z.string()), setup: z.string().optional() }),
  /** An assertion test that could not be taken apart: it runs in the program's process. */
  z.strictObject({ ...testCommon, kind: z.literal("assert"), code: z.string() }),
  z.strictObject({ ...testCommon, kind: z.literal("stdin"), stdin: z.string() }),
]);

/** One call's end: a value, as restricted data with its display form, or an exception. */
export const CallOutcomeSchema = z.discriminatedUnion("outcome", [
  z.strictObject({ outcome: z.literal("returned"), value: PyValueSchema, display: TracedValueSchema }),
  z.strictObject({ outcome: z.literal("raised"), error: TracedErrorSchema }),
]);

/**
 * What running one test gave. `outcomes` is what the program reported (one per call, in order);
 * `stopped` is what the host itself saw, which no program can forge: the test ran past its
 * limit (`timeout`), or its sandbox ended without a result for it (`crashed`).
 */
export const TestRunSchema = z.strictObject({
  id: z.string(),
  durationMs: z.number().nonnegative(),
  outcomes: z.array(CallOutcomeSchema),
  stdout: z.string().optional(),
  stdoutTruncated: z.boolean().optional(),
  stopped: z
    .discriminatedUnion("kind", [z.strictObject({ kind: z.literal("timeout") }), z.strictObject({ kind: z.literal("crashed"), detail: z.string() })])
    .optional(),
});

/** An execute request as data; the in-process `stopAfter` callback is added by the Runtime interface. */
export const ExecuteRequestSchema = z.strictObject({
  program: z.string(),
  /** The function call tests call; unused for stdin and assertion tests. */
  entryPoint: z.string(),
  tests: z.array(ExecuteTestSchema),
  limits: LimitsSchema.pick({ memoryMb: true, maxOutputBytes: true, maxValueChars: true }).partial().optional(),
});

export const ExecuteResponseSchema = z.strictObject({
  /** In test order; shorter than the request when `stopAfter` ended it. */
  runs: z.array(TestRunSchema),
  /** Set when the program itself could not be loaded (syntax error, crash at import). */
  loadError: TracedErrorSchema.optional(),
});

export type TraceRequest = z.infer<typeof TraceRequestSchema>;
export type ExecuteTest = z.infer<typeof ExecuteTestSchema>;
export type CallOutcome = z.infer<typeof CallOutcomeSchema>;
export type TestRun = z.infer<typeof TestRunSchema>;
export type ExecuteRequestData = z.infer<typeof ExecuteRequestSchema>;
export type ExecuteResponse = z.infer<typeof ExecuteResponseSchema>;

import { z } from "zod";
import { TracedErrorSchema, TracedValueSchema } from "./trace-schema.js";

/** Verdicts: failures of the program under test are data, with what was expected and what happened. */

export const TestStatusSchema = z.enum(["pass", "fail", "error", "timeout"]);

/** The result of one test. */
export const TestVerdictSchema = z.strictObject({
  testId: z.string(),
  status: TestStatusSchema,
  expected: z.string().optional(),
  actual: TracedValueSchema.optional(),
  error: TracedErrorSchema.optional(),
  durationMs: z.number().nonnegative(),
});

export const ProgramVerdictSchema = z.strictObject({
  /** Passed every selected test, and there was at least one. */
  passed: z.boolean(),
  tests: z.array(TestVerdictSchema),
  /** The program could not be loaded at all (syntax error, crash at import). */
  loadError: TracedErrorSchema.optional(),
});

/**
 * A hidden-test verdict in brief: a passing program on a thousand plus-tests keeps its counts,
 * not a thousand test verdicts; every non-passing test verdict is kept.
 */
export const VerdictSummarySchema = z.strictObject({
  passed: z.boolean(),
  total: z.int().nonnegative(),
  counts: z.strictObject({ pass: z.int().nonnegative(), fail: z.int().nonnegative(), error: z.int().nonnegative(), timeout: z.int().nonnegative() }),
  failures: z.array(TestVerdictSchema),
  loadError: TracedErrorSchema.optional(),
});

export type TestStatus = z.infer<typeof TestStatusSchema>;
export type TestVerdict = z.infer<typeof TestVerdictSchema>;
export type ProgramVerdict = z.infer<typeof ProgramVerdictSchema>;
export type VerdictSummary = z.infer<typeof VerdictSummarySchema>;

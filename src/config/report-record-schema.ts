import { z } from "zod";

/**
 * One final outcome of a (task, configuration, seed) cell at a given budget: the report's only
 * input, so that reports do not depend on how runs are stored.
 */
export const ReportRecordSchema = z
  .strictObject({
    taskId: z.string().min(1),
    /** Representation of the execution feedback, e.g. "none", "tests", "trace:next", "trace:concise". */
    representation: z.string().min(1),
    /** Test-time strategy, e.g. "parallel", "selfdebug", "revision". */
    strategy: z.string().min(1),
    /** `provider:model` id, e.g. "openai:Qwen/Qwen2.5-Coder-7B-Instruct". */
    model: z.string().min(1),
    seed: z.int(),
    /** Budget axis: samples N for parallel, rounds R for selfdebug, chains × rounds for revision. */
    budget: z.number().positive(),
    /** Samples drawn (n) and how many of them passed the hidden tests (c), for the unbiased pass@k. */
    n: z.int().nonnegative(),
    c: z.int().nonnegative(),
    /** Whether the answer the strategy selected passed the hidden tests (pass@1 of the selection). */
    selectedPassed: z.boolean(),
    llmCalls: z.int().nonnegative(),
    promptTokens: z.int().nonnegative(),
    completionTokens: z.int().nonnegative(),
  })
  .refine((record) => record.c <= record.n, { message: "c (passing samples) exceeds n (samples)", path: ["c"] });

export type ReportRecord = z.infer<typeof ReportRecordSchema>;

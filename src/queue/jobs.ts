/**
 * What crosses the queue, as zod schemas checked on both sides: a job is one sample of one
 * problem (`eval`) or one experiment cell (`run`); a result is what the worker's host-side
 * judge decided. A job's id is the hash of everything that determines its result, so that
 * submitting the same work twice is one job, and a result is accepted once per id.
 */
import { z } from "zod";
import { AttemptSchema, BudgetOutcomeSchema } from "../config/attempt-schema.js";
import { ProgramVerdictSchema } from "../config/verdict-schema.js";
import { sha256, stableStringify } from "../core/hash.js";

/** Bumped when a job's meaning or a result's shape changes, so old results are never reused. */
export const QUEUE_FORMAT = "semtrace-queue/1";

/** The Redis key prefix of every queue and stored problem. */
export const DEFAULT_PREFIX = "semtrace";

/** One queue per runtime: a job is run only by workers of the runtime it asked for. */
export function queueName(runtime: string): string {
  return `semtrace-${runtime}`;
}

export const EvalJobOptionsSchema = z.strictObject({
  mode: z.enum(["all", "first-failure"]),
  timeoutFactor: z.number().positive(),
  minTimeoutMs: z.number().positive(),
});

export const EvalJobSchema = z.strictObject({
  kind: z.literal("eval-sample"),
  /** The problem is stored once in Redis under this hash (see problem-store.ts). */
  problemHash: z.string().regex(/^[0-9a-f]{64}$/),
  solution: z.string(),
  options: EvalJobOptionsSchema,
});

export const EvalResultSchema = z.strictObject({
  base: ProgramVerdictSchema,
  plus: ProgramVerdictSchema.optional(),
});

export const RunJobSchema = z.strictObject({
  kind: z.literal("run-cell"),
  /** The validated spec as JSON, and the folder its relative paths are resolved from. */
  spec: z.string(),
  specDirectory: z.string(),
  dataDir: z.string().optional(),
  problemHash: z.string().regex(/^[0-9a-f]{64}$/),
  taskId: z.string(),
  configKey: z.string(),
  seed: z.int(),
});

/**
 * Every unit the strategy recorded (for the client's run store), and the cell's outcomes, or
 * why it failed: a failed cell is recorded and the run goes on, as in a local run.
 */
export const RunResultSchema = z.union([
  z.strictObject({ attempts: z.array(AttemptSchema), outcomes: z.array(BudgetOutcomeSchema) }),
  z.strictObject({ attempts: z.array(AttemptSchema), error: z.string() }),
]);

export const JobSchema = z.discriminatedUnion("kind", [EvalJobSchema, RunJobSchema]);

export type EvalJobOptions = z.infer<typeof EvalJobOptionsSchema>;
export type EvalJob = z.infer<typeof EvalJobSchema>;
export type EvalResult = z.infer<typeof EvalResultSchema>;
export type RunJob = z.infer<typeof RunJobSchema>;
export type RunResult = z.infer<typeof RunResultSchema>;
export type Job = z.infer<typeof JobSchema>;

/** `eval-<sha256>`: never a bare integer and free of `:`, as BullMQ requires of custom ids. */
export function jobId(job: Job): string {
  const prefix = job.kind === "eval-sample" ? "eval" : "run";
  return `${prefix}-${sha256(stableStringify({ format: QUEUE_FORMAT, job }))}`;
}

import { z } from "zod";
import { OutcomeKindSchema, TraceInputSchema } from "./trace-schema.js";
import { ProgramVerdictSchema, VerdictSummarySchema } from "./verdict-schema.js";

/** What a strategy records, and the run store keeps: every attempt with its request, response, answer and verdicts. */

export const ChatRoleSchema = z.enum(["system", "user", "assistant"]);

export const ChatMessageSchema = z.strictObject({ role: ChatRoleSchema, content: z.string() });

/** One unit of work inside a (task, configuration, seed) cell. */
export const UnitKeySchema = z.strictObject({
  /** Independent sample stream (parallel samples, revision chains); 0 for selfdebug. */
  chain: z.int().nonnegative(),
  /** Position in the chain: 0 is the first answer, r > 0 answers the feedback on round r - 1. */
  round: z.int().nonnegative(),
});

export const AttemptRequestSchema = z.strictObject({
  /** Id of the backend that answered. */
  backend: z.string(),
  messages: z.array(ChatMessageSchema),
  temperature: z.number(),
  seed: z.int(),
  maxTokens: z.int().optional(),
  topP: z.number().optional(),
});

export const AttemptResponseSchema = z.strictObject({
  text: z.string(),
  finishReason: z.string(),
  promptTokens: z.int().nonnegative(),
  completionTokens: z.int().nonnegative(),
  latencyMs: z.number(),
  model: z.string(),
  cached: z.boolean(),
});

/** One test the feedback showed, with what its trace recorded. */
export const FeedbackTraceSchema = z.strictObject({
  testId: z.string(),
  input: TraceInputSchema,
  expected: z.string().optional(),
  outcome: OutcomeKindSchema,
  /** Trace events recorded: 0 would mean the trace says nothing about the run. */
  events: z.int().nonnegative(),
  /** Why it was traced: a failing test (when absent), a passing one, or the fixed program on a failing one's input. */
  role: z.enum(["passing", "reference"]).optional(),
});

/** The execution feedback a prompt carried. */
export const FeedbackRecordSchema = z.strictObject({
  /** As configured: `none`, `tests` or `trace:<representation>`. */
  kind: z.string(),
  /** The representation actually rendered (differs from the configured one after a fallback). */
  representation: z.string(),
  text: z.string(),
  tokens: z.int().nonnegative(),
  budget: z.int().positive(),
  /** Budget-fitting steps applied (see representations/fit.ts). */
  fitSteps: z.array(z.string()),
  /** Why the configured representation was not used, when it was not. */
  fallback: z.string().optional(),
  traces: z.array(FeedbackTraceSchema),
  durationMs: z.number(),
});

export const AttemptTimingSchema = z.strictObject({ startedAt: z.string(), feedbackMs: z.number(), llmMs: z.number(), judgeMs: z.number() });

export const AttemptSchema = UnitKeySchema.extend({
  request: AttemptRequestSchema,
  response: AttemptResponseSchema,
  /** The extracted program or prediction; undefined when the answer held none. */
  answer: z.string().optional(),
  /** Public tests (programs only): what selection and feedback may look at. */
  publicVerdict: ProgramVerdictSchema.optional(),
  /** Hidden tests: the ground truth, never shown to the model. */
  hiddenVerdict: VerdictSummarySchema,
  /** The feedback this attempt's prompt carried. */
  feedback: FeedbackRecordSchema.optional(),
  timing: AttemptTimingSchema,
});

/** One budget's result of a strategy on a cell. */
export const BudgetOutcomeSchema = z.strictObject({
  /** Strategy label, e.g. `selfdebug`, `parallel/majority`, `revision/3-rounds/oracle`. */
  strategy: z.string(),
  budget: z.number().positive(),
  /** Samples drawn and how many of them pass the hidden tests (pass@k input). */
  n: z.int().nonnegative(),
  c: z.int().nonnegative(),
  selected: UnitKeySchema.optional(),
  selectedPassed: z.boolean(),
  llmCalls: z.int().nonnegative(),
  promptTokens: z.int().nonnegative(),
  completionTokens: z.int().nonnegative(),
});

export type ChatRole = z.infer<typeof ChatRoleSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type UnitKey = z.infer<typeof UnitKeySchema>;
export type AttemptRequest = z.infer<typeof AttemptRequestSchema>;
export type AttemptResponse = z.infer<typeof AttemptResponseSchema>;
export type FeedbackTrace = z.infer<typeof FeedbackTraceSchema>;
export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;
export type Attempt = z.infer<typeof AttemptSchema>;
export type BudgetOutcome = z.infer<typeof BudgetOutcomeSchema>;

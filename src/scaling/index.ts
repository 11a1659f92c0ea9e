/** The scaling module's public API: test-time strategies, selection, feedback, judging. */
export {
  compareUnits,
  passedPublic,
  summarizeVerdict,
  type Attempt,
  type AttemptRequest,
  type AttemptResponse,
  type FeedbackRecord,
  type FeedbackTrace,
  type UnitKey,
  type VerdictSummary,
} from "./attempt.js";
export { createMemoryJournal, type Journal, type MemoryJournal } from "./journal.js";
export { createPredictionJudge, createProgramJudge, type Judge, type ProgramJudgeOptions } from "./judge.js";
export {
  DEFAULT_FEEDBACK_TESTS,
  NO_CODE_FEEDBACK,
  TRACE_FEEDBACK_PREFIX,
  createFeedbackBuilder,
  feedbackRepresentation,
  type FeedbackBuilder,
  type FeedbackBuilderOptions,
  type FeedbackRequest,
} from "./feedback.js";
export { SELECTIONS, outputSignature, selectAttempt, type Selection } from "./selection.js";
export {
  deriveSeed,
  runChain,
  runUnit,
  selectionOutcome,
  usageOf,
  type BudgetOutcome,
  type Sampling,
  type Strategy,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyEntry,
  type StrategyResult,
  type UnitPrompt,
} from "./strategy.js";
export { createStrategy, strategies } from "./registry.js";
export { createParallelStrategy, parallelStrategy, type ParallelOptions } from "./parallel.js";
export { createSelfDebugStrategy, selfDebugStrategy, type SelfDebugOptions } from "./selfdebug.js";
export { createRevisionStrategy, revisionStrategy, type RevisionOptions } from "./revision.js";

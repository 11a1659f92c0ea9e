/** The experiments module's public API: spec, planner, resumable run store, runner, report input. */
export {
  EXPERIMENT_SPEC_VERSION,
  experimentSpecJsonSchema,
  experimentSpecSchema,
  hashExperimentSpec,
  loadExperimentSpec,
  parseExperimentSpec,
  strategyLabel,
  strategySpecSchema,
  type ExperimentSpec,
  type ExperimentSpecInput,
  type LoadedExperimentSpec,
  type ModelSpec,
  type StrategySpec,
} from "./spec.js";
export { planExperiment, type Cell, type ExperimentPlan, type RunConfig } from "./plan.js";
export { RUN_STORE_FILE, openRunStore, type CellKey, type RunStore, type RunStoreCounts, type StoredFailure, type StoredOutcome } from "./run-store.js";
export {
  RESPONSE_CACHE_FILE,
  cellKey,
  loadProblems,
  resolveReplayFile,
  runExperiment,
  type RunExperimentOptions,
  type RunProgress,
  type RunSummary,
} from "./runner.js";
export { loadRunRecords, summarizeSpec, type RunRecords } from "./records.js";
export { loadRunAnswers, type RunAnswer, type RunAnswersOptions } from "./run-answers.js";

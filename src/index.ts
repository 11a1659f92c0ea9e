// The public API, documented export by export in docs/api.md; everything else is internal.

// Trace and judge in one call each.
export { trace, evaluate, type OneShotOptions } from "./api.js";

// Runtimes: the sandboxes that run Python.
export { createRuntime, runtimes, DEFAULT_LIMITS, type Runtime, type RuntimeDefinition, type RuntimeOptions } from "./runtime/index.js";
export type { TraceRequest, ExecuteRequest, ExecuteResponse, ExecuteTest, TestRun, CallOutcome } from "./runtime/index.js";

// Representations: a trace as text for a model, within a token budget.
export { render, fit, representations, loadTokenizer, emptyClipReport, type ClipReport, type FitResult, type Tokenizer } from "./representations/index.js";
export type { Representation, RenderInput, RenderTest, Rendering, RenderOptions } from "./representations/index.js";

// Benchmarks and evaluation.
export { loadBenchmark, benchmarks, type BenchmarkLoader, type LoadBenchmarkOptions } from "./datasets/index.js";
export { createEvaluator } from "./evaluation/evaluator.js";
export type { Evaluator, EvaluatorOptions } from "./evaluation/evaluator-types.js";
export { evaluateSamples, type EvaluateSamplesOptions, type EvaluateSamplesResult } from "./evaluation/evaluate-samples.js";
export { passAtK } from "./evaluation/pass-at-k.js";

// Models, strategies and experiments.
export { createBackend, backendProviders, type BackendProvider, type CreateBackendOptions } from "./models/registry.js";
export type { Backend, ChatRequest, ChatResponse } from "./models/backend.js";
export { strategies, type Strategy, type StrategyDefinition } from "./scaling/index.js";
export { runExperiment, loadExperimentSpec, loadRunRecords, type RunExperimentOptions, type RunSummary, type RunRecords } from "./experiments/index.js";

// SFT datasets and reports.
export { buildSftDataset, type SftBuildOptions, type SftBuildResult } from "./export/build/sft-build.js";
export { loadSftBuildConfig, sftBuildConfigSchema, type SftBuildConfig } from "./export/build/sft-config.js";
export { writeReport, type ReportOptions, type ReportFiles } from "./reporting/write-report.js";

// The registry shape every registry above shares.
export type { Registry } from "./core/registry.js";

// Schemas (zod) of every record a user reads or writes, and their types.
export {
  TraceSchema,
  TraceEventSchema,
  TracedValueSchema,
  LimitsSchema,
  TraceInputSchema,
  type Trace,
  type TraceEvent,
  type TracedValue,
  type TracedError,
  type VariableChange,
  type Outcome,
  type OutcomeKind,
  type Limits,
  type TraceInput,
  type RuntimeName,
} from "./config/trace-schema.js";
export { ProblemSchema, TestCaseSchema, type Problem, type TestCase, type IoTest, type StdinTest, type AssertTest } from "./config/problem-schema.js";
export { ProgramVerdictSchema, TestVerdictSchema, type ProgramVerdict, type TestVerdict, type TestStatus } from "./config/verdict-schema.js";
export { AttemptSchema, FeedbackRecordSchema, type Attempt, type FeedbackRecord } from "./config/attempt-schema.js";
export { ReportRecordSchema, type ReportRecord } from "./config/report-record-schema.js";
export { experimentSpecSchema, type ExperimentSpec } from "./experiments/index.js";
export { genericProblemSchema, type GenericProblem } from "./datasets/index.js";
export { renderOptionsSchema } from "./representations/index.js";

// Errors: every failure semtrace reports is one of these.
export { SemtraceError, ConfigError, SandboxUnavailableError, DataNotFoundError, ApiCallError, RetryError } from "./core/errors.js";

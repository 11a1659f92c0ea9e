/**
 * Evaluating a samples file against a benchmark: load both, judge every sample on the host,
 * and produce the EvalPlus-style results and per-test lines a run writes.
 */
import type { Runtime } from "../runtime/runtime.js";
import { ConfigError } from "../core/errors.js";
import type { Problem } from "../core/problem.js";
import { loadBenchmark, loadSamples, type SampleRecord } from "../datasets/index.js";
import { createEvaluator } from "./evaluator.js";
import type { StopMode } from "./evaluator-types.js";
import { evaluateSample, perTestLines, summarize, toEvalPlusResults, type PassAtKSummary, type SampleEvaluation } from "./results.js";

export interface EvaluateSamplesOptions {
  /** Benchmark name in the registry (`generic` for a custom file). */
  dataset: string;
  /** JSONL of {task_id, solution} (or completion). */
  samples: string;
  /** The runtime that runs every sample; the caller owns and closes it. */
  runtime: Runtime;
  ks: number[];
  dataDir?: string;
  /** A benchmark file to read instead of the registry's default location (required by `generic`). */
  benchmarkFile?: string;
  tasks?: string[];
  mode?: StopMode;
  timeoutFactor?: number;
  minTimeoutMs?: number;
  onWarning?: (message: string) => void;
  /** Called once per sample before evaluation starts and after each sample is judged. */
  onProgress?: (done: number, total: number) => void;
}

export interface EvaluateSamplesResult {
  summary: PassAtKSummary;
  /** The EvalPlus-compatible results document. */
  results: ReturnType<typeof toEvalPlusResults>;
  /** One line per test per sample, for the tests JSONL. */
  perTest: unknown[];
  evaluations: SampleEvaluation[];
}

export async function evaluateSamples(options: EvaluateSamplesOptions): Promise<EvaluateSamplesResult> {
  const { byId, wanted } = await loadSamplesToEvaluate(options);
  const evaluator = createEvaluator(options.runtime, {
    timeoutFactor: options.timeoutFactor ?? 4,
    minTimeoutMs: options.minTimeoutMs ?? 1000,
    mode: options.mode ?? "all",
  });
  let done = 0;
  options.onProgress?.(done, wanted.length);
  const evaluations = await Promise.all(
    wanted.map(async (sample) => {
      const evaluation = await evaluateSample(evaluator, byId.get(sample.taskId)!, sample.solution, sample.index);
      options.onProgress?.(++done, wanted.length);
      return evaluation;
    }),
  );
  return evaluationResult(byId, evaluations, options, options.runtime.name);
}

export interface SamplesToEvaluate {
  byId: Map<string, Problem>;
  /** The samples of tasks in the benchmark (and in `tasks`), in file order. */
  wanted: SampleRecord[];
}

/** Loads the benchmark and the samples, warning about unreadable lines and samples of other tasks. */
export async function loadSamplesToEvaluate(options: Omit<EvaluateSamplesOptions, "runtime" | "onProgress">): Promise<SamplesToEvaluate> {
  if (options.ks.some((k) => !Number.isInteger(k) || k < 1)) throw new ConfigError(`pass@k values must be positive integers, got ${options.ks.join(",")}`);
  const warn = options.onWarning ?? (() => {});
  const problems = await loadBenchmark(options.dataset, {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.benchmarkFile ? { path: options.benchmarkFile } : {}),
    ...(options.tasks ? { tasks: options.tasks } : {}),
    onWarning: warn,
  });
  const { samples, errors } = await loadSamples(options.samples, { problems });
  for (const error of errors) warn(`✖ ${options.samples}:${error.lineNumber}: ${error.message}`);
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  const wanted = samples.filter((sample) => byId.has(sample.taskId));
  if (wanted.length < samples.length)
    warn(`skipping ${samples.length - wanted.length} samples of tasks not in ${options.dataset}${options.tasks ? " --tasks" : ""}`);
  return { byId, wanted };
}

/** The summary, results document and per-test lines of judged samples, however they were judged. */
export function evaluationResult(
  byId: Map<string, Problem>,
  evaluations: SampleEvaluation[],
  options: Pick<EvaluateSamplesOptions, "dataset" | "samples" | "ks">,
  runtime: string,
): EvaluateSamplesResult {
  const summary = summarize(evaluations, options.ks);
  const results = toEvalPlusResults(byId, evaluations, summary, { dataset: options.dataset, runtime, samples: options.samples });
  return { summary, results, perTest: perTestLines(evaluations), evaluations };
}

/**
 * Running an experiment: load the spec and the benchmark, plan the grid, and run every cell
 * not yet finished in the run store, a few at a time. A cell that fails (a model that stays
 * unreachable after its retries, a task the configuration cannot do) is recorded and the run
 * goes on; running the same command again retries it and skips everything finished.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import pLimit from "p-limit";
import { DataNotFoundError } from "../core/errors.js";
import { stableStringify } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import { findDataFile } from "../datasets/data-location.js";
import { loadBenchmark } from "../datasets/registry.js";
import { createEvaluator } from "../evaluation/evaluator.js";
import type { Backend } from "../models/backend.js";
import { parseModelId } from "../models/backend.js";
import { type CreateBackendOptions, createBackend } from "../models/registry.js";
import { UsageMeter, type UsageTotals } from "../models/usage.js";
import { loadTokenizer } from "../representations/tokenizers/index.js";
import { createRuntime } from "../runtime/index.js";
import type { Runtime } from "../runtime/runtime.js";
import { createFeedbackBuilder, type FeedbackBuilder } from "../scaling/feedback.js";
import { type Judge, createPredictionJudge, createProgramJudge, createReasoningJudge } from "../scaling/judge.js";
import type { Journal } from "../scaling/journal.js";
import { createStrategy } from "../scaling/registry.js";
import type { BudgetOutcome } from "../scaling/strategy.js";
import { loadFewShotExamples, renderFewShotPrefix } from "../tasks/few-shot.js";
import { REASON_TASK_OF, type Task, isReasonTask, loadTask } from "../tasks/task.js";
import { type Cell, type ExperimentPlan, type RunConfig, planExperiment } from "./plan.js";
import { type CellKey, type RunStore, openRunStore } from "./run-store.js";
import { type ExperimentSpec, type LoadedExperimentSpec, type ModelSpec, hashExperimentSpec, loadExperimentSpec, strategyLabel } from "./spec.js";

export interface RunProgress {
  total: number;
  /** Cells finished, resumed ones included. */
  done: number;
  /** Cells found finished in the store at the start. */
  resumed: number;
  failed: number;
}

export interface RunExperimentOptions {
  specPath: string;
  outDir: string;
  /** Data folder searched first for benchmark and replay files. */
  dataDir?: string;
  /** The benchmark's own file, in place of the spec's `benchmark.path`; it is part of the run's identity, as the spec's is. */
  benchmarkFile?: string;
  onProgress?: (progress: RunProgress) => void;
  onLog?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface RunSummary extends RunProgress {
  outDir: string;
  storePath: string;
  failures: { taskId: string; configKey: string; seed: number; error: string }[];
  /** LLM usage of this invocation (a resumed run counts only what it asked). */
  usage: UsageTotals;
}

export const RESPONSE_CACHE_FILE = "responses.sqlite";

export interface RunResources {
  runtime: Runtime;
  task: Task;
  judge: Judge;
  feedback: FeedbackBuilder;
  backends: { main: Backend; initial?: Backend }[];
  meter: UsageMeter;
}

export async function runExperiment(options: RunExperimentOptions): Promise<RunSummary> {
  const loaded = withBenchmarkFile(await loadExperimentSpec(options.specPath), options.benchmarkFile);
  const log = options.onLog ?? (() => {});
  const store = openRunStore(options.outDir);
  try {
    const { problems, plan } = await claimAndPlan(loaded, store, options.dataDir);
    log(
      `${loaded.spec.name}: ${problems.length} tasks × ${plan.configs.length} configurations × ${loaded.spec.seeds.length} seed(s) = ${plan.cells.length} cells`,
    );
    return await runCells(plan.cells, problems, loaded, store, options);
  } finally {
    store.close();
  }
}

/** Claims the run store for the spec (refused when it holds another spec's run) and plans the spec's cells over its problems. */
export async function claimAndPlan(
  loaded: LoadedExperimentSpec,
  store: RunStore,
  dataDir: string | undefined,
): Promise<{ problems: Problem[]; plan: ExperimentPlan }> {
  store.claim(loaded.hash, stableStringify(loaded.spec));
  const problems = await loadProblems(loaded, dataDir);
  return {
    problems,
    plan: planExperiment(
      loaded.spec,
      problems.map((problem) => problem.id),
    ),
  };
}

/** The spec with `--benchmark-file` in place of its benchmark path (and the hash of that spec). */
export function withBenchmarkFile(loaded: LoadedExperimentSpec, file: string | undefined): LoadedExperimentSpec {
  if (file === undefined) return loaded;
  const spec = { ...loaded.spec, benchmark: { ...loaded.spec.benchmark, path: resolve(file) } };
  return { ...loaded, spec, hash: hashExperimentSpec(spec) };
}

async function runCells(
  cells: readonly Cell[],
  problems: readonly Problem[],
  loaded: LoadedExperimentSpec,
  store: RunStore,
  options: RunExperimentOptions,
): Promise<RunSummary> {
  const progress: RunProgress = { total: cells.length, done: 0, resumed: 0, failed: 0 };
  const pending = cells.filter((cell) => {
    const finished = store.hasOutcome(cellKey(cell));
    if (finished) progress.resumed += 1;
    return !finished;
  });
  progress.done = progress.resumed;
  if (progress.resumed > 0) options.onLog?.(`resuming: ${progress.resumed} of ${cells.length} cells are already finished`);
  const summary = (usage: UsageTotals): RunSummary => ({
    ...progress,
    outDir: options.outDir,
    storePath: store.path,
    failures: store.failures().map(({ taskId, configKey, seed, error }) => ({ taskId, configKey, seed, error })),
    usage,
  });
  if (pending.length === 0) return summary(new UsageMeter().totals());
  const resources = await openResources(loaded, options);
  try {
    options.onProgress?.({ ...progress });
    await runPending(pending, problems, loaded.spec, store, resources, progress, options);
  } finally {
    await closeResources(resources);
  }
  return summary(resources.meter.totals());
}

async function runPending(
  pending: readonly Cell[],
  problems: readonly Problem[],
  spec: ExperimentSpec,
  store: RunStore,
  resources: RunResources,
  progress: RunProgress,
  options: RunExperimentOptions,
): Promise<void> {
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  const limit = pLimit(spec.concurrency);
  await Promise.all(
    pending.map((cell) =>
      limit(async () => {
        const key = cellKey(cell);
        try {
          const outcomes = await runCell(cell, byId.get(cell.taskId)!, spec, store.journal(key), resources);
          store.saveOutcome({
            ...key,
            model: cell.config.modelLabel,
            representation: cell.config.representation,
            outcomes,
            finishedAt: new Date().toISOString(),
          });
        } catch (error) {
          store.recordFailure(key, error);
          progress.failed += 1;
        }
        progress.done += 1;
        options.onProgress?.({ ...progress });
      }),
    ),
  );
}

/** Runs one cell's strategy; units found in the journal are not run again. */
export async function runCell(cell: Cell, problem: Problem, spec: ExperimentSpec, journal: Journal, resources: RunResources): Promise<BudgetOutcome[]> {
  const { config } = cell;
  const backends = resources.backends[config.modelIndex]!;
  const result = await createStrategy(config.strategy).run({
    problem,
    task: resources.task,
    backend: backends.main,
    ...(backends.initial ? { initialBackend: backends.initial } : {}),
    judge: resources.judge,
    feedback: resources.feedback,
    feedbackKind: config.representation,
    journal,
    sampling: {
      temperature: config.temperature,
      seed: cell.seed,
      ...(spec.sampling.maxTokens === undefined ? {} : { maxTokens: spec.sampling.maxTokens }),
      ...(spec.sampling.topP === undefined ? {} : { topP: spec.sampling.topP }),
    },
  });
  return result.outcomes.map((outcome) => ({ ...outcome, strategy: reportLabel(outcome.strategy, config) }));
}

/** `parallel/majority` → `<entry label>/majority` plus the temperature when the entry lists several. */
function reportLabel(strategy: string, config: RunConfig): string {
  const rest = strategy.startsWith(config.strategy.kind) ? strategy.slice(config.strategy.kind.length) : `/${strategy}`;
  return `${strategyLabel(config.strategy)}${rest}${config.labelSuffix}`;
}

export function cellKey(cell: Cell): CellKey {
  return { taskId: cell.taskId, configKey: cell.config.key, seed: cell.seed };
}

/** The benchmark's problems: the task subset, then the first `limit`, keeping only the chosen test groups. */
export async function loadProblems(loaded: LoadedExperimentSpec, dataDir: string | undefined): Promise<Problem[]> {
  const { benchmark, task } = loaded.spec;
  // A questions file holds every task's questions; a reason-* run asks only its own.
  const split = benchmark.split ?? (benchmark.name === "reason-questions" && isReasonTask(task.name) ? REASON_TASK_OF[task.name] : undefined);
  const problems = await loadBenchmark(benchmark.name, {
    ...(dataDir === undefined ? {} : { dataDir }),
    ...(split === undefined ? {} : { split }),
    ...(benchmark.path === undefined ? {} : { path: resolveFrom(loaded.directory, benchmark.path) }),
    ...(benchmark.tasks === undefined ? {} : { tasks: benchmark.tasks }),
  });
  const limited = benchmark.limit === undefined ? problems : problems.slice(0, benchmark.limit);
  const groups = benchmark.groups;
  return groups === undefined ? limited : limited.map((problem) => ({ ...problem, tests: problem.tests.filter((test) => groups.includes(test.group)) }));
}

/** The sandbox, task, judge, feedback and model backends a spec's cells run with. */
export async function openResources(loaded: LoadedExperimentSpec, options: RunExperimentOptions): Promise<RunResources> {
  const { spec, directory } = loaded;
  const meter = new UsageMeter();
  const backends: RunResources["backends"] = [];
  // Backends first: a missing replay file or API key is reported before a sandbox starts.
  try {
    for (const model of spec.models) backends.push(await openModel(model, loaded, options, meter));
  } catch (error) {
    await closeBackends(backends);
    throw error;
  }
  const runtime = createRuntime(spec.runtime.name, {
    unsafeNoIsolation: spec.runtime.unsafeNoIsolation,
    ...(spec.runtime.poolSize === undefined ? {} : { poolSize: spec.runtime.poolSize }),
    ...(spec.runtime.memoryMb === undefined ? {} : { memoryMb: spec.runtime.memoryMb }),
  });
  try {
    const fewShot = await loadFewShot(spec, directory, runtime);
    const task = await loadTask(spec.task.name, {
      ...(spec.task.template === undefined ? {} : { template: resolveFrom(directory, spec.task.template) }),
      ...(spec.task.feedbackTemplate === undefined ? {} : { feedbackTemplate: resolveFrom(directory, spec.task.feedbackTemplate) }),
      ...(fewShot === undefined ? {} : { fewShot }),
    });
    const feedback = createFeedbackBuilder({
      runtime,
      tokenizer: await loadTokenizer(spec.feedback.tokenizer),
      budget: spec.feedback.budget,
      maxTests: spec.feedback.maxTests,
      maxPassing: spec.feedback.maxPassing,
      reference: spec.feedback.reference,
      ...(spec.feedback.render ? { renderOptions: spec.feedback.render } : {}),
      ...(spec.feedback.limits ? { limits: spec.feedback.limits } : {}),
    });
    return { runtime, task, judge: createJudge(spec, runtime), feedback, backends, meter };
  } catch (error) {
    await closeResources({ runtime, backends });
    throw error;
  }
}

/** The task's few-shot prefix, its examples traced in the run's sandbox. */
async function loadFewShot(spec: ExperimentSpec, directory: string, runtime: Runtime): Promise<string | undefined> {
  const fewShot = spec.task.fewShot;
  if (fewShot === undefined) return undefined;
  return renderFewShotPrefix(await loadFewShotExamples(resolveFrom(directory, fewShot.path)), {
    runtime,
    representation: fewShot.representation,
    ...(spec.feedback.render ? { renderOptions: spec.feedback.render } : {}),
    ...(spec.feedback.limits ? { limits: spec.feedback.limits } : {}),
  });
}

function createJudge(spec: ExperimentSpec, runtime: Runtime): Judge {
  if (spec.task.name === "predict-output" || spec.task.name === "predict-input") return createPredictionJudge(runtime, spec.task.name);
  if (isReasonTask(spec.task.name)) return createReasoningJudge(runtime);
  const evaluator = createEvaluator(runtime, {
    ...(spec.evaluation.timeoutFactor === undefined ? {} : { timeoutFactor: spec.evaluation.timeoutFactor }),
    ...(spec.evaluation.minTimeoutMs === undefined ? {} : { minTimeoutMs: spec.evaluation.minTimeoutMs }),
  });
  return createProgramJudge(evaluator, { hiddenMode: spec.evaluation.hiddenMode });
}

async function openModel(
  model: ModelSpec,
  loaded: LoadedExperimentSpec,
  options: RunExperimentOptions,
  meter: UsageMeter,
): Promise<{ main: Backend; initial?: Backend }> {
  const common: CreateBackendOptions = { meter, ...(options.env ? { env: options.env } : {}) };
  const { provider, model: name } = parseModelId(model.id);
  const providerOptions: CreateBackendOptions =
    provider === "replay"
      ? {
          replay: {
            path: resolveReplayFile(name, loaded.directory, options.dataDir),
            ...(model.onMissing === undefined ? {} : { onMissing: model.onMissing }),
            ...(model.fence === undefined ? {} : { fence: model.fence }),
          },
        }
      : {
          openai: definedOnly({
            baseUrls: model.baseUrls,
            apiKeyEnv: model.apiKeyEnv,
            requestTimeoutMs: model.requestTimeoutMs,
            maxConcurrency: model.maxConcurrency,
            maxRetries: model.maxRetries,
            retryBaseDelayMs: model.retryBaseDelayMs,
            retryMaxDelayMs: model.retryMaxDelayMs,
            deadCooldownMs: model.deadCooldownMs,
          }),
          ...(model.cache ? { cache: { path: join(options.outDir, RESPONSE_CACHE_FILE) } } : {}),
        };
  const main = await createBackend(model.id, { ...common, ...providerOptions });
  if (model.initial === undefined) return { main };
  const initialFile = parseModelId(model.initial).model;
  const initial = await createBackend(model.initial, { ...common, replay: { path: resolveReplayFile(initialFile, loaded.directory, options.dataDir) } });
  return { main, initial };
}

function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** A replay file: an absolute path, else found in the data folders, else next to the spec. */
export function resolveReplayFile(file: string, specDirectory: string, dataDir: string | undefined): string {
  if (isAbsolute(file)) return file;
  const found = findDataFile(file, dataDir === undefined ? {} : { dataDir });
  if (found !== undefined) return found.path;
  const local = resolve(specDirectory, file);
  if (existsSync(local)) return local;
  throw new DataNotFoundError(
    `replay file ${file} is in no data folder (--data-dir, $SEMTRACE_DATA, the download cache) and not next to the spec (${local}). Pass --data-dir DIR for a folder that contains ${file}.`,
    { file: local },
  );
}

function resolveFrom(directory: string, path: string): string {
  return isAbsolute(path) ? path : resolve(directory, path);
}

async function closeBackends(backends: RunResources["backends"]): Promise<void> {
  for (const { main, initial } of backends) {
    await main.close();
    await initial?.close();
  }
}

export async function closeResources(resources: Pick<RunResources, "runtime" | "backends">): Promise<void> {
  await closeBackends(resources.backends);
  await resources.runtime.close();
}

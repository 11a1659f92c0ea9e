/**
 * `semtrace run --queue`: the cells a local run would run, one job each. The client keeps its
 * run directory as a local run does (the run store is its journal: a cell with an outcome is
 * not submitted again); workers run each cell with the resources a local run opens from the
 * spec, and send back the units and outcomes for the client to store. A worker reads the
 * spec's templates, few-shot and replay files at the paths the client resolved them from.
 */
import { join } from "node:path";
import { semtraceCacheDir } from "../core/cache-dir.js";
import { errorMessage } from "../core/errors.js";
import { stableStringify } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import { type Cell, planExperiment } from "../experiments/plan.js";
import { type RunStore, openRunStore } from "../experiments/run-store.js";
import {
  type RunExperimentOptions,
  type RunProgress,
  type RunResources,
  type RunSummary,
  cellKey,
  claimAndPlan,
  closeResources,
  openResources,
  runCell,
  withBenchmarkFile,
} from "../experiments/runner.js";
import { type LoadedExperimentSpec, hashExperimentSpec, loadExperimentSpec, parseExperimentSpec } from "../experiments/spec.js";
import { UsageMeter } from "../models/usage.js";
import { createMemoryJournal } from "../scaling/journal.js";
import { type Job, type RunJob, type RunResult, RunResultSchema, jobId, queueName } from "./jobs.js";
import { problemHash, storeProblems } from "./problem-store.js";
import { type QueueProgress, submitJobs } from "./submit.js";

export interface RunOnQueueOptions extends RunExperimentOptions {
  url: string;
  onQueueProgress?: (progress: QueueProgress) => void;
  prefix?: string;
}

export async function runExperimentOnQueue(options: RunOnQueueOptions): Promise<RunSummary> {
  const loaded = withBenchmarkFile(await loadExperimentSpec(options.specPath), options.benchmarkFile);
  const store = openRunStore(options.outDir);
  try {
    const { problems, plan } = await claimAndPlan(loaded, store, options.dataDir);
    options.onLog?.(`${loaded.spec.name}: ${plan.cells.length} cells through the queue ${queueName(loaded.spec.runtime.name)}`);
    const progress: RunProgress = { total: plan.cells.length, done: 0, resumed: 0, failed: 0 };
    const jobs = cellJobs(plan.cells, problems, loaded, store, options.dataDir, progress);
    if (progress.resumed > 0) options.onLog?.(`resuming: ${progress.resumed} of ${plan.cells.length} cells are already finished`);
    progress.done = progress.resumed;
    options.onProgress?.({ ...progress });
    await submitJobs({
      url: options.url,
      queue: queueName(loaded.spec.runtime.name),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      jobs: new Map([...jobs].map(([id, { job }]) => [id, job])),
      resumed: progress.resumed,
      resultSchema: RunResultSchema,
      beforeSubmit: async (connection, prefix) => void (await storeProblems(connection, prefix, problems)),
      onResult(id, result) {
        const { cell } = jobs.get(id)!;
        saveResult(store, cell, result);
        progress.done += 1;
        if ("error" in result) progress.failed += 1;
        options.onProgress?.({ ...progress });
      },
      ...(options.onQueueProgress ? { onProgress: options.onQueueProgress } : {}),
    });
    const failures = store.failures().map(({ taskId, configKey, seed, error }) => ({ taskId, configKey, seed, error }));
    // The workers called the models: their usage is in the units, not in this process's meter.
    return { ...progress, outDir: options.outDir, storePath: store.path, failures, usage: new UsageMeter().totals() };
  } finally {
    store.close();
  }
}

function cellJobs(
  cells: readonly Cell[],
  problems: readonly Problem[],
  loaded: LoadedExperimentSpec,
  store: RunStore,
  dataDir: string | undefined,
  progress: RunProgress,
): Map<string, { job: Job; cell: Cell }> {
  const hashes = new Map(problems.map((problem) => [problem.id, problemHash(problem)]));
  const spec = stableStringify(loaded.spec);
  const jobs = new Map<string, { job: Job; cell: Cell }>();
  for (const cell of cells) {
    if (store.hasOutcome(cellKey(cell))) {
      progress.resumed += 1;
      continue;
    }
    const job: RunJob = {
      kind: "run-cell",
      spec,
      specDirectory: loaded.directory,
      ...(dataDir === undefined ? {} : { dataDir }),
      problemHash: hashes.get(cell.taskId)!,
      taskId: cell.taskId,
      configKey: cell.config.key,
      seed: cell.seed,
    };
    jobs.set(jobId(job), { job, cell });
  }
  return jobs;
}

/** Stores the units the store lacks, then the outcome (or the failure), as a local run would have. */
function saveResult(store: RunStore, cell: Cell, result: RunResult): void {
  const key = cellKey(cell);
  const journal = store.journal(key);
  for (const attempt of result.attempts) if (journal.get(attempt) === undefined) journal.put(attempt);
  if ("error" in result) store.recordFailure(key, result.error);
  else
    store.saveOutcome({
      ...key,
      model: cell.config.modelLabel,
      representation: cell.config.representation,
      outcomes: result.outcomes,
      finishedAt: new Date().toISOString(),
    });
}

/** A worker's side: opens a spec's resources once and runs its cells. */
export function createCellRunner(options: { env?: NodeJS.ProcessEnv } = {}): {
  run(job: RunJob, problem: Problem): Promise<RunResult>;
  close(): Promise<void>;
} {
  const opened = new Map<string, Promise<{ loaded: LoadedExperimentSpec; resources: RunResources }>>();
  const open = (job: RunJob) => {
    let entry = opened.get(job.spec);
    if (!entry) {
      const spec = parseExperimentSpec(JSON.parse(job.spec), "queued experiment spec");
      const loaded: LoadedExperimentSpec = { spec, path: "queued experiment spec", directory: job.specDirectory, hash: hashExperimentSpec(spec) };
      // A worker's own response cache: the client's run directory is on another machine.
      const outDir = join(semtraceCacheDir(), "worker", loaded.hash);
      entry = openResources(loaded, {
        specPath: loaded.path,
        outDir,
        ...(job.dataDir === undefined ? {} : { dataDir: job.dataDir }),
        ...(options.env ? { env: options.env } : {}),
      }).then((resources) => ({ loaded, resources }));
      opened.set(job.spec, entry);
      entry.catch(() => opened.delete(job.spec));
    }
    return entry;
  };
  return {
    async run(job, problem) {
      const { loaded, resources } = await open(job);
      const cell = planExperiment(loaded.spec, [job.taskId]).cells.find((candidate) => candidate.config.key === job.configKey && candidate.seed === job.seed);
      if (!cell) return { attempts: [], error: `the spec has no cell ${job.taskId} [${job.configKey}] seed ${job.seed}` };
      const journal = createMemoryJournal();
      try {
        const outcomes = await runCell(cell, problem, loaded.spec, journal, resources);
        return { attempts: journal.attempts(), outcomes };
      } catch (error) {
        return { attempts: journal.attempts(), error: errorMessage(error) };
      }
    },
    async close() {
      const entries = await Promise.allSettled(opened.values());
      for (const entry of entries) if (entry.status === "fulfilled") await closeResources(entry.value.resources);
    },
  };
}

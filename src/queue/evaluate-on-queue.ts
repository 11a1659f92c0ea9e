/**
 * `semtrace eval --queue`: the samples a local run would judge, fanned out as one job per
 * distinct (problem, sample, options), judged by workers, and turned into the very results a
 * local run writes. Each result is appended to a journal next to the output as it arrives, so
 * a client killed and started again with the same arguments submits only what is missing.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { z } from "zod";
import { parseJsonl } from "../core/jsonl.js";
import type { Problem } from "../core/problem.js";
import type { SampleRecord } from "../datasets/index.js";
import { type EvaluateSamplesOptions, type EvaluateSamplesResult, evaluationResult, loadSamplesToEvaluate } from "../evaluation/evaluate-samples.js";
import { DEFAULT_MIN_TIMEOUT_MS, DEFAULT_TIMEOUT_FACTOR } from "../evaluation/evaluator.js";
import type { SampleEvaluation } from "../evaluation/results.js";
import { type EvalJob, type EvalResult, EvalResultSchema, type Job, jobId, queueName } from "./jobs.js";
import { problemHash, storeProblems } from "./problem-store.js";
import { type QueueProgress, submitJobs } from "./submit.js";

export interface EvaluateOnQueueOptions extends Omit<EvaluateSamplesOptions, "runtime" | "onProgress"> {
  /** The Redis URL of the queue. */
  url: string;
  /** The runtime the workers must run: its name picks the queue. */
  runtime: string;
  /** Where received results are kept until the outputs are written. */
  journalPath: string;
  onProgress?: (progress: QueueProgress) => void;
  prefix?: string;
  giveUpMs?: number;
}

const JournalLineSchema = z.strictObject({ id: z.string(), result: EvalResultSchema });

/** The journal beside an output file: `results.json` → `results.queue.jsonl`. */
export function queueJournalPath(out: string): string {
  return out.replace(/\.json$/, "") + ".queue.jsonl";
}

export async function evaluateSamplesOnQueue(options: EvaluateOnQueueOptions): Promise<EvaluateSamplesResult> {
  const { byId, wanted } = await loadSamplesToEvaluate(options);
  const jobOptions = {
    mode: options.mode ?? "all",
    timeoutFactor: options.timeoutFactor ?? DEFAULT_TIMEOUT_FACTOR,
    minTimeoutMs: options.minTimeoutMs ?? DEFAULT_MIN_TIMEOUT_MS,
  };
  const hashes = new Map([...byId.values()].map((problem) => [problem.id, problemHash(problem)]));
  const idOf = wanted.map((sample) => {
    const job: EvalJob = { kind: "eval-sample", problemHash: hashes.get(sample.taskId)!, solution: sample.solution, options: jobOptions };
    return { job, id: jobId(job) };
  });
  const results = readJournal(options.journalPath, new Set(idOf.map(({ id }) => id)), options.onWarning);
  const jobs = new Map<string, Job>(idOf.filter(({ id }) => !results.has(id)).map(({ id, job }) => [id, job]));
  if (results.size > 0) options.onWarning?.(`resuming: ${results.size} results already received (${options.journalPath})`);
  await submitJobs({
    url: options.url,
    queue: queueName(options.runtime),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.giveUpMs === undefined ? {} : { giveUpMs: options.giveUpMs }),
    jobs,
    resumed: results.size,
    resultSchema: EvalResultSchema,
    beforeSubmit: async (connection, prefix) => void (await storeProblems(connection, prefix, neededProblems(byId, wanted, jobs, idOf))),
    onResult(id, result) {
      appendFileSync(options.journalPath, JSON.stringify({ id, result }) + "\n");
      results.set(id, result);
    },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const evaluations = wanted.map(
    (sample, index): SampleEvaluation => ({ taskId: sample.taskId, index: sample.index, solution: sample.solution, ...results.get(idOf[index]!.id)! }),
  );
  return evaluationResult(byId, evaluations, options, options.runtime);
}

/** Removes the journal once the outputs it fed are written. */
export function removeQueueJournal(path: string): void {
  rmSync(path, { force: true });
}

/** Results already received for this run's jobs; a torn last line (a killed client) is skipped. */
function readJournal(path: string, ids: ReadonlySet<string>, warn: ((message: string) => void) | undefined): Map<string, EvalResult> {
  const results = new Map<string, EvalResult>();
  if (!existsSync(path)) return results;
  for (const line of parseJsonl(readFileSync(path, "utf8"))) {
    const parsed = line.ok ? JournalLineSchema.safeParse(line.value) : undefined;
    if (!parsed?.success) {
      warn?.(`${path}:${line.lineNumber}: not a received result, skipped (it is judged again)`);
      continue;
    }
    if (ids.has(parsed.data.id)) results.set(parsed.data.id, parsed.data.result);
  }
  return results;
}

/** The problems of the jobs still to run. */
function neededProblems(
  byId: ReadonlyMap<string, Problem>,
  wanted: readonly SampleRecord[],
  jobs: ReadonlyMap<string, Job>,
  idOf: readonly { id: string }[],
): Problem[] {
  const taskIds = new Set(wanted.filter((_, index) => jobs.has(idOf[index]!.id)).map((sample) => sample.taskId));
  return [...taskIds].map((taskId) => byId.get(taskId)!);
}

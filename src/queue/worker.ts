/**
 * `semtrace worker`: a BullMQ worker around one sandbox runtime. Each job runs through the
 * evaluator a local run uses: the candidate in the runtime's sandbox, the judge here on the
 * worker's host. A worker killed mid-job stops renewing the job's lock; another worker's
 * stalled-job check then puts the job back, and it runs again there.
 */
import { UnrecoverableError, Worker, type Job as BullJob } from "bullmq";
import { stableStringify } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import { createEvaluator } from "../evaluation/evaluator.js";
import type { Evaluator } from "../evaluation/evaluator-types.js";
import { evaluateSample } from "../evaluation/results.js";
import { createRuntime } from "../runtime/index.js";
import type { Runtime } from "../runtime/runtime.js";
import { connectQueue } from "./connection.js";
import { DEFAULT_PREFIX, type EvalJob, type EvalResult, EvalResultSchema, JobSchema, queueName } from "./jobs.js";
import { createProblemReader } from "./problem-store.js";
import { createCellRunner } from "./run-on-queue.js";

export interface QueueWorkerOptions {
  url: string;
  runtime: string;
  /** Jobs at once, and sandboxes in the pool. */
  concurrency: number;
  unsafeNoIsolation?: boolean;
  memoryMb?: number;
  /** How long a job's lock lasts without renewal: a killed worker's job is taken back after about this long. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs. */
  stalledIntervalMs?: number;
  /** Stalls a job survives before it is failed (a job that kills every worker it runs on). */
  maxStalledCount?: number;
  prefix?: string;
  onLog?: (message: string) => void;
}

export interface QueueWorker {
  readonly name: string;
  /** Stops taking jobs, lets running ones finish, and closes the sandboxes. */
  close(): Promise<void>;
}

/** Evaluators kept per problem and options: each holds its problem's expected outputs. */
const EVALUATORS_KEPT = 256;

export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const connection = await connectQueue(options.url, { persistent: true });
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const log = options.onLog ?? (() => {});
  const runtime = createRuntime(options.runtime, {
    unsafeNoIsolation: options.unsafeNoIsolation === true,
    poolSize: options.concurrency,
    ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
  });
  try {
    await startSandboxes(runtime, options.concurrency);
  } catch (error) {
    await runtime.close();
    connection.disconnect();
    throw error;
  }
  const readProblem = createProblemReader(connection, prefix);
  const evaluate = createSampleEvaluator(readProblem, runtime);
  const cells = createCellRunner();
  const name = queueName(options.runtime);
  const worker = new Worker(
    name,
    async (job: BullJob) => {
      const parsed = JobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`job ${job.id} is not a ${name} job: ${parsed.error.message}`);
      log(`started ${job.id}`);
      const result =
        parsed.data.kind === "eval-sample" ? await evaluate(parsed.data) : await cells.run(parsed.data, await readProblem(parsed.data.problemHash));
      log(`finished ${job.id}`);
      return result;
    },
    {
      connection,
      prefix,
      concurrency: options.concurrency,
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
      maxStalledCount: options.maxStalledCount ?? 2,
    },
  );
  worker.on("failed", (job, error) => log(`failed ${job?.id ?? "?"}: ${error.message}`));
  worker.on("error", (error) => log(`queue error: ${error.message}`));
  await worker.waitUntilReady();
  log(`worker on ${name}: ${options.concurrency} at once, sandboxes started`);
  return {
    name,
    async close() {
      await worker.close();
      await cells.close();
      await runtime.close();
      connection.disconnect();
    },
  };
}

/** One trivial run per sandbox: a host that cannot run them fails now, not on every job. */
async function startSandboxes(runtime: Runtime, count: number): Promise<void> {
  const job = { program: "def ready():\n    return True\n", entryPoint: "ready", tests: [{ id: "ready", kind: "call" as const, args: "", timeoutMs: 10_000 }] };
  await Promise.all(Array.from({ length: count }, () => runtime.execute(job)));
}

function createSampleEvaluator(readProblem: (hash: string) => Promise<Problem>, runtime: Runtime): (job: EvalJob) => Promise<EvalResult> {
  const evaluators = new Map<string, Evaluator>();
  const evaluatorFor = (job: EvalJob): Evaluator => {
    const key = stableStringify([job.problemHash, job.options]);
    let evaluator = evaluators.get(key);
    if (evaluator) {
      evaluators.delete(key);
    } else {
      evaluator = createEvaluator(runtime, job.options);
      if (evaluators.size >= EVALUATORS_KEPT) evaluators.delete(evaluators.keys().next().value!);
    }
    // Re-inserted last: the map's first key is the least recently used.
    evaluators.set(key, evaluator);
    return evaluator;
  };
  return async (job) => {
    const problem = await readProblem(job.problemHash);
    const { base, plus } = await evaluateSample(evaluatorFor(job), problem, job.solution, 0);
    return EvalResultSchema.parse({ base, ...(plus ? { plus } : {}) });
  };
}

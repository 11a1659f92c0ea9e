/**
 * The client side: submit jobs, wait for their results, hand each to the caller once. Results
 * arrive through QueueEvents; a sweep over the jobs' states after submitting (and now and then
 * while waiting) picks up those finished before the client listened, so a restarted client
 * collects what workers did while it was away. A job that fails for good, or an endpoint that
 * stops answering, ends the wait with an error; every result handed over before stays handed.
 */
import { Job as BullJob, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { SemtraceError, errorMessage } from "../core/errors.js";
import { QueueUnavailableError, connectQueue, redacted } from "./connection.js";
import { DEFAULT_PREFIX, type Job } from "./jobs.js";

export interface QueueProgress {
  total: number;
  /** Results received, those found persisted before this start included. */
  done: number;
  /** Jobs being run or waiting in the queue (every client's). */
  active: number;
  waiting: number;
}

export interface SubmitJobsOptions<Result> {
  url: string;
  queue: string;
  prefix?: string;
  /** Jobs by id; ids already persisted by the caller are left out by it. */
  jobs: ReadonlyMap<string, Job>;
  /** Jobs already done before this start, for progress. */
  resumed?: number;
  resultSchema: z.ZodType<Result>;
  /** Persists a result; called once per id. */
  onResult: (id: string, result: Result) => void;
  /** Runs once connected, before any job is submitted (e.g. to store the problems). */
  beforeSubmit?: (connection: Redis, prefix: string) => Promise<void>;
  onProgress?: (progress: QueueProgress) => void;
  /** Runs of a job before it fails for good (a worker's infrastructure error is retried). */
  attempts?: number;
  sweepMs?: number;
  giveUpMs?: number;
}

/** A job that failed on every attempt: the reason, and which job. */
export class QueueJobError extends SemtraceError {
  constructor(message: string) {
    super(message, { code: "queue-job" });
  }
}

const KEEP_SECONDS = 14 * 24 * 3600;
const PROGRESS_MS = 1_000;

export async function submitJobs<Result>(options: SubmitJobsOptions<Result>): Promise<void> {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const connection = await connectQueue(options.url, options.giveUpMs === undefined ? {} : { giveUpMs: options.giveUpMs });
  const eventsConnection = connection.duplicate();
  const queue = new Queue(options.queue, { connection, prefix });
  const events = new QueueEvents(options.queue, { connection: eventsConnection, prefix });
  const timers: NodeJS.Timeout[] = [];
  // Connection errors are retried by the client, and an endpoint that stays away ends the wait (see collect).
  queue.on("error", () => {});
  events.on("error", () => {});
  eventsConnection.on("error", () => {});
  try {
    await options.beforeSubmit?.(connection, prefix);
    await events.waitUntilReady();
    await collect(options, queue, events, [connection, eventsConnection], timers);
  } catch (error) {
    if ([connection, eventsConnection].some((client) => client.status === "end") && !(error instanceof QueueUnavailableError)) {
      throw new QueueUnavailableError(
        `lost the queue at ${redacted(options.url)} (${errorMessage(error)}); the results received so far are kept, run the same command again to resume`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled([events.close(), queue.close()]);
    connection.disconnect();
    eventsConnection.disconnect();
  }
}

async function collect<Result>(
  options: SubmitJobsOptions<Result>,
  queue: Queue,
  events: QueueEvents,
  connections: Redis[],
  timers: NodeJS.Timeout[],
): Promise<void> {
  const pending = new Set(options.jobs.keys());
  const total = pending.size + (options.resumed ?? 0);
  const attempts = options.attempts ?? 3;
  let done = options.resumed ?? 0;
  let fail: (error: unknown) => void = () => {};
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // Observed from the start: a failure while submitting is reported by the await below.
  finished.catch(() => {});
  const progress = async () => {
    const counts = await queue.getJobCounts("active", "waiting", "prioritized", "delayed");
    options.onProgress?.({ total, done, active: counts.active ?? 0, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0) });
  };
  const accept = (id: string, value: unknown) => {
    if (!pending.has(id)) return;
    const parsed = options.resultSchema.safeParse(typeof value === "string" ? parseJson(value) : value);
    if (!parsed.success) return fail(new QueueJobError(`job ${id} came back with a malformed result: ${parsed.error.message}`));
    pending.delete(id);
    options.onResult(id, parsed.data);
    done += 1;
    if (pending.size === 0) finish();
  };
  const failed = async (id: string, reason: string) => {
    if (!pending.has(id)) return;
    const job = await BullJob.fromId(queue, id);
    if (job && (await job.getState()) === "failed")
      fail(new QueueJobError(`job ${id} failed on the workers: ${reason}. Running the same command again retries it.`));
  };
  events.on("completed", ({ jobId, returnvalue }) => accept(jobId, returnvalue));
  events.on("failed", ({ jobId, failedReason }) => void failed(jobId, failedReason).catch(fail));
  for (const connection of connections) {
    connection.on("end", () =>
      fail(new QueueUnavailableError(`lost the queue at ${redacted(options.url)}; the results received so far are kept, run the same command again to resume`)),
    );
  }
  if (pending.size === 0) return;
  await queue.addBulk(
    [...pending].map((id) => ({
      name: options.jobs.get(id)!.kind,
      data: options.jobs.get(id)!,
      opts: {
        jobId: id,
        attempts,
        backoff: { type: "exponential", delay: 1_000 },
        removeOnComplete: { age: KEEP_SECONDS },
        removeOnFail: { age: KEEP_SECONDS },
      },
    })),
  );
  await sweep(queue, pending, accept, true);
  await progress();
  timers.push(setInterval(() => void progress().catch(() => {}), PROGRESS_MS));
  timers.push(setInterval(() => void sweep(queue, pending, accept, false).catch(fail), options.sweepMs ?? 10_000));
  if (pending.size === 0) return;
  await finished;
  await progress().catch(() => {});
}

/**
 * Takes the results of jobs already completed. On the first sweep a job that failed for good
 * in an earlier run is retried: running the command again is how a user asks for that.
 */
async function sweep(queue: Queue, pending: Set<string>, accept: (id: string, value: unknown) => void, first: boolean): Promise<void> {
  await Promise.all(
    [...pending].map(async (id) => {
      const job = await BullJob.fromId(queue, id);
      if (!job || job.finishedOn === undefined) return;
      const state = await job.getState();
      if (state === "completed") accept(id, job.returnvalue);
      else if (state === "failed" && first) await job.retry("failed", { resetAttemptsMade: true });
    }),
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return { unparsable: errorMessage(error) };
  }
}

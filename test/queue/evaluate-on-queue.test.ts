import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Job, Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateSamples } from "../../src/evaluation/evaluate-samples.js";
import { statusOf } from "../../src/evaluation/results.js";
import { QueueUnavailableError, parseQueueUrl } from "../../src/queue/connection.js";
import { evaluateSamplesOnQueue } from "../../src/queue/evaluate-on-queue.js";
import { type EvalJob, EvalResultSchema, jobId, queueName } from "../../src/queue/jobs.js";
import { QueueJobError, submitJobs } from "../../src/queue/submit.js";
import { type QueueWorker, startQueueWorker } from "../../src/queue/worker.js";
import { createRuntime } from "../../src/runtime/index.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";

const BENCHMARK = "test/fixtures/datasets/generic-eval.jsonl";
const SAMPLES = "test/fixtures/datasets/generic-eval-samples.jsonl";
const common = { dataset: "generic", benchmarkFile: BENCHMARK, samples: SAMPLES, ks: [1] };

describe("evaluation through a BullMQ queue", () => {
  let redis: RedisServer;
  let worker: QueueWorker;
  let dir: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    dir = await mkdtemp(join(tmpdir(), "semtrace-queue-"));
    worker = await startQueueWorker({ url: redis.url, runtime: "pyodide", concurrency: 2 });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the verdicts of a local run, and journals each result once", async () => {
    const runtime = createRuntime("pyodide");
    const local = await evaluateSamples({ ...common, runtime }).finally(() => runtime.close());
    const journalPath = join(dir, "a.queue.jsonl");
    const queued = await evaluateSamplesOnQueue({ ...common, url: redis.url, runtime: "pyodide", journalPath });
    const statuses = (result: typeof local) => result.evaluations.map((e) => [e.taskId, e.index, statusOf(e.base), e.base.tests.map((test) => test.status)]);
    expect(statuses(queued)).toEqual(statuses(local));
    expect(queued.summary).toEqual(local.summary);
    const lines = (await readFile(journalPath, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).id);
    expect(new Set(lines).size).toBe(lines.length);
    expect(lines.length).toBe(local.evaluations.length);
  }, 180_000);

  it("takes a finished run's results from the queue without running anything again", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName("pyodide"), { connection, prefix: "semtrace" });
    const before = await queue.getJobCounts("completed");
    const queued = await evaluateSamplesOnQueue({ ...common, url: redis.url, runtime: "pyodide", journalPath: join(dir, "b.queue.jsonl") });
    expect(queued.evaluations.length).toBe(5);
    expect(await queue.getJobCounts("completed")).toEqual(before);
    await queue.close();
    await connection.quit();
  }, 60_000);

  it("says clearly that a refused endpoint is unreachable, and writes nothing", async () => {
    const journalPath = join(dir, "refused.queue.jsonl");
    const refused = evaluateSamplesOnQueue({ ...common, url: "redis://127.0.0.1:1", runtime: "pyodide", journalPath, giveUpMs: 500 });
    await expect(refused).rejects.toThrow(QueueUnavailableError);
    await expect(refused).rejects.toThrow(/cannot reach the queue at redis:\/\/127\.0\.0\.1:1/);
    expect(existsSync(journalPath)).toBe(false);
  }, 30_000);

  it("fails a job whose payload is not a job at once, without running or retrying it", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(queueName("pyodide"), { connection, prefix: "semtrace" });
    const events = new QueueEvents(queueName("pyodide"), { connection: connection.duplicate(), prefix: "semtrace" });
    try {
      await events.waitUntilReady();
      const job = await queue.add("eval-sample", { kind: "eval-sample", problemHash: "not-a-hash", solution: "x = 1\n" }, { attempts: 3 });
      await expect(job.waitUntilFinished(events)).rejects.toThrow(/is not a semtrace-pyodide job/);
      expect((await Job.fromId(queue, job.id!))?.attemptsMade).toBe(1);
    } finally {
      await events.close();
      await queue.close();
      await connection.quit();
    }
  }, 60_000);

  it("refuses a result that does not match the result schema", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const forger = new Worker("semtrace-forged", async () => ({ base: { passed: true } }), { connection, prefix: "semtrace" });
    try {
      const job: EvalJob = {
        kind: "eval-sample",
        problemHash: "0".repeat(64),
        solution: "x = 1\n",
        options: { mode: "all", timeoutFactor: 4, minTimeoutMs: 1000 },
      };
      const results: unknown[] = [];
      const submitted = submitJobs({
        url: redis.url,
        queue: "semtrace-forged",
        jobs: new Map([[jobId(job), job]]),
        resultSchema: EvalResultSchema,
        onResult: (_, result) => results.push(result),
      });
      await expect(submitted).rejects.toThrow(QueueJobError);
      await expect(submitted).rejects.toThrow(/malformed result/);
      expect(results).toEqual([]);
    } finally {
      await forger.close();
      await connection.quit();
    }
  }, 60_000);

  it("gives equal work one id, and different work another", () => {
    const job: EvalJob = {
      kind: "eval-sample",
      problemHash: "a".repeat(64),
      solution: "def f():\n    return 1\n",
      options: { mode: "all", timeoutFactor: 4, minTimeoutMs: 1000 },
    };
    expect(jobId({ ...job, options: { minTimeoutMs: 1000, timeoutFactor: 4, mode: "all" } })).toBe(jobId(job));
    expect(jobId({ ...job, solution: "def f():\n    return 2\n" })).not.toBe(jobId(job));
    expect(jobId({ ...job, options: { ...job.options, mode: "first-failure" } })).not.toBe(jobId(job));
    expect(jobId(job)).toMatch(/^eval-[0-9a-f]{64}$/);
  });

  it("rejects anything but a Redis URL", () => {
    expect(() => parseQueueUrl("http://127.0.0.1:6379")).toThrow(/must be a Redis URL/);
    expect(parseQueueUrl("redis://127.0.0.1:6379").port).toBe("6379");
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluateSamples } from "../../src/evaluation/evaluate-samples.js";
import { statusOf } from "../../src/evaluation/results.js";
import { QueueUnavailableError, parseQueueUrl } from "../../src/queue/connection.js";
import { evaluateSamplesOnQueue } from "../../src/queue/evaluate-on-queue.js";
import { queueName } from "../../src/queue/jobs.js";
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
    const lines = (await readFile(journalPath, "utf8")).trim().split("\n").map((line) => JSON.parse(line).id);
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

  it("rejects anything but a Redis URL", () => {
    expect(() => parseQueueUrl("http://127.0.0.1:6379")).toThrow(/must be a Redis URL/);
    expect(parseQueueUrl("redis://127.0.0.1:6379").port).toBe("6379");
  });
});

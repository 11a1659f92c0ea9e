/**
 * The hack corpus through the queue: hostile samples interleaved with honest ones, all run by
 * one worker with one sandbox, so that every honest program runs where a hostile one ran just
 * before. No hack passes, and every honest program passes as if it ran alone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/core/problem.js";
import { evaluateSamplesOnQueue } from "../../src/queue/evaluate-on-queue.js";
import { type QueueWorker, startQueueWorker } from "../../src/queue/worker.js";
import { plusStatusOf, statusOf } from "../../src/evaluation/results.js";
import { ADD_HACKS, HONEST_ADD, HONEST_HISTOGRAM, NEIGHBOUR_HACKS, STDIN_HACKS, add, doubler, histogram } from "../evaluation/hack-corpus.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-queue-hacks-"));

/** The corpus's problems as a generic benchmark file. */
function genericRow(problem: Problem): Record<string, unknown> {
  return {
    id: problem.id,
    prompt: problem.prompt,
    entry_point: problem.entryPoint,
    reference: problem.reference,
    tests: problem.tests.map((test) => {
      const common = { id: test.id, visibility: test.visibility, group: test.group };
      if (test.kind === "io") return { ...common, kind: "io", args: test.args };
      if (test.kind === "stdin") return { ...common, kind: "stdin", stdin: test.stdin, expected: test.expectedStdout };
      return { ...common, kind: "assert", code: test.code };
    }),
  };
}

interface Sample {
  task_id: string;
  solution: string;
  honest: boolean;
}

/** Honest, hostile, honest, ...: each honest copy is its own job (a distinct comment). */
function interleave(taskId: string, honest: string, hostile: string[]): Sample[] {
  return [
    ...hostile.flatMap((program, index) => [
      { task_id: taskId, solution: `# honest ${index}\n${honest}`, honest: true },
      { task_id: taskId, solution: program, honest: false },
    ]),
    { task_id: taskId, solution: `# honest last\n${honest}`, honest: true },
  ];
}

describe("the hack corpus through the queue", () => {
  let redis: RedisServer;
  let worker: QueueWorker;
  beforeAll(async () => {
    redis = await startRedisServer();
    worker = await startQueueWorker({ url: redis.url, runtime: "pyodide", concurrency: 1 });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await redis?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("fails every hostile sample and passes every honest one between them", async () => {
    const benchmarkFile = join(folder, "hacks.jsonl");
    writeFileSync(benchmarkFile, [add, doubler, histogram].map((problem) => JSON.stringify(genericRow(problem))).join("\n") + "\n");
    const samples = [
      ...interleave(add.id, HONEST_ADD, Object.values(ADD_HACKS)),
      ...interleave(doubler.id, "n = int(input())\nprint(n * 2)\n", STDIN_HACKS),
      ...interleave(histogram.id, HONEST_HISTOGRAM, NEIGHBOUR_HACKS),
    ];
    const samplesPath = join(folder, "samples.jsonl");
    writeFileSync(samplesPath, samples.map((sample) => JSON.stringify(sample)).join("\n") + "\n");
    const { evaluations } = await evaluateSamplesOnQueue({
      dataset: "generic",
      benchmarkFile,
      samples: samplesPath,
      ks: [1],
      url: redis.url,
      runtime: "pyodide",
      journalPath: join(folder, "hacks.queue.jsonl"),
    });
    expect(evaluations.length).toBe(samples.length);
    const judged = evaluations.map((evaluation, index) => ({
      honest: samples[index]!.honest,
      base: statusOf(evaluation.base),
      plus: plusStatusOf(evaluation),
    }));
    expect(judged.filter((sample) => sample.honest)).toEqual(
      judged.filter((sample) => sample.honest).map(() => ({ honest: true, base: "pass", plus: "pass" })),
    );
    expect(judged.filter((sample) => !sample.honest)).toEqual(
      judged.filter((sample) => !sample.honest).map(() => ({ honest: false, base: "fail", plus: "fail" })),
    );
    // A hack on `add` passes not even one test (the histogram hacks aim at their neighbours, and may get `''` right).
    const hostilePasses = evaluations
      .filter((evaluation, index) => !samples[index]!.honest && evaluation.taskId === add.id)
      .flatMap((evaluation) => [...evaluation.base.tests, ...(evaluation.plus?.tests ?? [])])
      .filter((test) => test.status === "pass");
    expect(hostilePasses).toEqual([]);
    expect(readFileSync(join(folder, "hacks.queue.jsonl"), "utf8").trim().split("\n").length).toBe(samples.length);
  }, 600_000);
});

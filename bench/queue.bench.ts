/**
 * A HumanEval candidate pool against HumanEval+ (base and plus inputs), judged in one bench
 * run twice: here, by one runtime with as many sandboxes as the workers have together, and
 * through the queue by `semtrace worker` processes on a throwaway redis-server. Both sides are
 * warm (sandboxes started, as a cluster's workers are) and both time the same work: loading
 * the benchmark and samples, preparing each problem (its reference runs where it is judged:
 * on every worker that gets one of its samples), judging every sample, building the results.
 * Prints seconds, programs/s and the queue's overhead ratio, and checks that both sides
 * reach the same verdict on every sample.
 * Usage: npm run bench:queue [-- --pool gpt-3.5-turbo-0613 --limit 164 --runtime pyodide --workers 2 --repeats 1]
 * (`--limit N`: the first N programs of each pool.)
 */
import { type ChildProcess, execSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { type EvaluateSamplesResult, evaluateSamples } from "../src/evaluation/evaluate-samples.js";
import { plusStatusOf, statusOf } from "../src/evaluation/results.js";
import { evaluateSamplesOnQueue } from "../src/queue/evaluate-on-queue.js";
import { createRuntime } from "../src/runtime/index.js";
import { DATA_DIR } from "../scripts/shared-data.js";
import { startRedisServer } from "../test/helpers/redis-server.js";
import { reportBench } from "./report.js";

const ROOT = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    pool: { type: "string", multiple: true },
    runtime: { type: "string", default: "pyodide" },
    workers: { type: "string", default: "2" },
    repeats: { type: "string", default: "1" },
    limit: { type: "string" },
  },
});
const pools = values.pool ?? ["gpt-3.5-turbo-0613"];
const workerCount = Number(values.workers);
const runtimeName = values.runtime!;
const folder = mkdtempSync(join(tmpdir(), "semtrace-bench-queue-"));
const samplesPath = join(folder, "samples.jsonl");
const limit = values.limit === undefined ? undefined : Number(values.limit);
const poolLines = (pool: string) =>
  readFileSync(join(DATA_DIR, "candidates", "humaneval", `${pool}.jsonl`), "utf8")
    .trim()
    .split("\n")
    .slice(0, limit);
writeFileSync(samplesPath, pools.flatMap(poolLines).join("\n") + "\n");
const common = { dataset: "humaneval+", dataDir: DATA_DIR, samples: samplesPath, ks: [1], mode: "first-failure" as const };

// The workers are the real CLI: build it as the tests do.
execSync("npm run build --silent", { cwd: ROOT, stdio: "inherit" });
const redis = await startRedisServer();
const workers: ChildProcess[] = [];

try {
  const local = createRuntime(runtimeName, { poolSize: workerCount });
  const rows: Record<string, string | number>[] = [];
  const agreement: string[] = [];
  try {
    await warm(local, workerCount);
    for (let repeat = 0; repeat < Number(values.repeats); repeat += 1) {
      // Fresh workers and an empty Redis each time: no problem is prepared before its timing starts.
      await flushRedis();
      for (let index = 0; index < workerCount; index += 1) workers.push(await startWorker());
      const [here, hereSeconds] = await timed(() => evaluateSamples({ ...common, runtime: local }));
      const [there, thereSeconds] = await timed(() =>
        evaluateSamplesOnQueue({ ...common, url: redis.url, runtime: runtimeName, journalPath: join(folder, `queue-${repeat}.jsonl`) }),
      );
      rows.push(row(`local ${runtimeName} runtime, ${workerCount} sandboxes`, here, hereSeconds, hereSeconds));
      rows.push(row(`queue: ${workerCount} local workers × 1 sandbox`, there, thereSeconds, hereSeconds));
      agreement.push(`${agreeing(here, there)}/${here.evaluations.length}`);
      await stopWorkers();
    }
  } finally {
    await local.close();
  }
  reportBench("queue", rows, { pools, limit: limit ?? "all", runtime: runtimeName, workers: workerCount, mode: common.mode, verdictsAgreeing: agreement });
  console.log(`verdicts alike (local vs queue): ${agreement.join(", ")}`);
} finally {
  await stopWorkers();
  await redis.stop();
  rmSync(folder, { recursive: true, force: true });
}

async function flushRedis(): Promise<void> {
  const connection = new Redis(redis.url);
  await connection.flushall();
  await connection.quit();
}

async function stopWorkers(): Promise<void> {
  for (const worker of workers.splice(0)) {
    worker.kill("SIGTERM");
    if (worker.exitCode === null) await once(worker, "exit");
  }
}

async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, "bin", "semtrace.js"), "worker", "--queue", redis.url, "--runtime", runtimeName, "--concurrency", "1"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  // The worker says it is on once its sandboxes have started.
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("worker on ")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}:\n${log}`)));
  });
  return child;
}

/** Starts every sandbox of the pool: one trivial run per sandbox, at once. */
async function warm(runtime: ReturnType<typeof createRuntime>, sandboxes: number): Promise<void> {
  const job = { program: "def f():\n    return 1\n", entryPoint: "f", tests: [{ id: "t", kind: "call" as const, args: "", timeoutMs: 5_000 }] };
  await Promise.all(Array.from({ length: sandboxes }, () => runtime.execute(job)));
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, (performance.now() - started) / 1000];
}

function row(approach: string, result: EvaluateSamplesResult, seconds: number, localSeconds: number): Record<string, string | number> {
  return {
    approach,
    programs: result.evaluations.length,
    seconds: Number(seconds.toFixed(1)),
    "programs/s": Number((result.evaluations.length / seconds).toFixed(2)),
    "× local time": Number((seconds / localSeconds).toFixed(2)),
  };
}

function agreeing(here: EvaluateSamplesResult, there: EvaluateSamplesResult): number {
  return here.evaluations.filter((evaluation, index) => {
    const other = there.evaluations[index]!;
    return statusOf(evaluation.base) === statusOf(other.base) && plusStatusOf(evaluation) === plusStatusOf(other);
  }).length;
}

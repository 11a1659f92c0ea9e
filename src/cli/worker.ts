import { availableParallelism } from "node:os";
import { Option, type Command } from "commander";
import { startQueueWorker } from "../queue/worker.js";
import { RUNTIME_NAMES } from "../runtime/index.js";
import { action, log } from "./output.js";
import { nonNegativeInteger, positiveInteger } from "./options.js";

interface WorkerFlags {
  queue: string;
  runtime: string;
  concurrency: number;
  memoryMb?: number;
  unsafeNoIsolation?: boolean;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("run queued eval samples and experiment cells from a Redis queue (BullMQ) until SIGTERM or SIGINT")
    .requiredOption("--queue <url>", "the queue's Redis, e.g. redis://127.0.0.1:6379")
    .addOption(new Option("--runtime <name>", "sandbox runtime: the worker takes the jobs submitted for it").choices(RUNTIME_NAMES).default("pyodide"))
    .option("--concurrency <n>", "jobs at once (and sandboxes in the pool)", positiveInteger, availableParallelism())
    .option("--memory-mb <n>", "memory cap per run", nonNegativeInteger)
    .option("--unsafe-no-isolation", "cpython only: run without bubblewrap (untrusted code gets your rights)")
    .option("--lock-duration-ms <n>", "a job's lock: a job of a worker that died runs again elsewhere after about this long (default 30000)", positiveInteger)
    .option("--stalled-interval-ms <n>", "how often to look for jobs of workers that died (default 30000)", positiveInteger)
    .action(action(async (flags: WorkerFlags) => runWorker(flags)));
}

async function runWorker(flags: WorkerFlags): Promise<void> {
  const worker = await startQueueWorker({
    url: flags.queue,
    runtime: flags.runtime,
    concurrency: flags.concurrency,
    unsafeNoIsolation: flags.unsafeNoIsolation === true,
    ...(flags.memoryMb === undefined ? {} : { memoryMb: flags.memoryMb }),
    ...(flags.lockDurationMs === undefined ? {} : { lockDurationMs: flags.lockDurationMs }),
    ...(flags.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: flags.stalledIntervalMs }),
    onLog: log,
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log(`${signal}: finishing the running jobs`);
  await worker.close();
}

import type { Command } from "commander";
import { type RunExperimentOptions, type RunProgress, type RunSummary, runExperiment } from "../experiments/runner.js";
import { createBar } from "./options.js";
import { EXIT_FAILURE, action, log, writeJson } from "./output.js";
import { createQueueProgress } from "./queue-progress.js";

interface RunFlags {
  out: string;
  dataDir?: string;
  benchmarkFile?: string;
  json?: boolean;
  queue?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run an experiment spec into a run directory; run it again to resume after a stop or to retry failed cells")
    .argument("<spec>", "experiment spec (YAML, see schemas/experiment.schema.json)")
    .requiredOption("--out <dir>", "run directory: created if missing, resumed if it holds a run of the same spec")
    .option("--data-dir <dir>", "data folder searched first for benchmark and replay files (then SEMTRACE_DATA, then the download cache)")
    .option("--benchmark-file <path>", "the benchmark's own file, in place of the spec's benchmark.path (generic, reason-questions)")
    .option("--json", "print the run summary as JSON")
    .option("--queue <url>", "run the cells on `semtrace worker`s through this Redis (redis://HOST:PORT); the run directory stays here")
    .action(action(async (specPath: string, flags: RunFlags) => runCommand(specPath, flags)));
}

async function runCommand(specPath: string, flags: RunFlags): Promise<void> {
  const bar = createBar("run |{bar}| {value}/{total} cells | {failed} failed | {duration_formatted} | ETA {eta_formatted}");
  let started = false;
  const onProgress = (progress: RunProgress) => {
    if (bar === undefined) return;
    if (!started) {
      // The ETA must only count cells run now: start the bar from the resumed ones.
      bar.start(progress.total, progress.done, { failed: progress.failed });
      started = true;
      return;
    }
    bar.update(progress.done, { failed: progress.failed });
  };
  let summary: RunSummary;
  const options = {
    specPath,
    outDir: flags.out,
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.benchmarkFile === undefined ? {} : { benchmarkFile: flags.benchmarkFile }),
    onProgress,
    onLog: (message: string) => (started ? undefined : log(message)),
  };
  try {
    summary = flags.queue === undefined ? await runExperiment(options) : await runOnQueue(options, flags.queue);
  } finally {
    if (started) bar?.stop();
  }
  report(summary);
  if (flags.json) writeJson(summary);
  if (summary.failures.length > 0) process.exitCode = EXIT_FAILURE;
}

/** Off a TTY the cell bar is silent, so the queue's progress lines stand in for it. */
async function runOnQueue(options: RunExperimentOptions, url: string): Promise<RunSummary> {
  const { runExperimentOnQueue } = await import("../queue/run-on-queue.js");
  const progress = createQueueProgress("cells");
  try {
    return await runExperimentOnQueue({ ...options, url, ...(process.stderr.isTTY ? {} : { onQueueProgress: progress.update }) });
  } finally {
    progress.stop();
  }
}

function report(summary: RunSummary): void {
  const ran = summary.done - summary.resumed - summary.failed;
  const { usage } = summary;
  log(
    `✔ ${summary.done - summary.failed} of ${summary.total} cells finished (${ran} now, ${summary.resumed} before) → ${summary.storePath}\n` +
      `  LLM: ${usage.calls} calls (${usage.cacheHits} from the cache), ${usage.promptTokens} prompt + ${usage.completionTokens} completion tokens`,
  );
  if (summary.failures.length === 0) return;
  log(`✖ ${summary.failures.length} cells failed; run the same command again to retry them. First failures:`);
  for (const failure of summary.failures.slice(0, 5)) log(`  ${failure.taskId} [${failure.configKey}] seed ${failure.seed}: ${failure.error}`);
}

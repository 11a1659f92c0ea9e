import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { toJsonl } from "../core/jsonl.js";
import { evaluateSamples, type EvaluateSamplesOptions, type EvaluateSamplesResult } from "../evaluation/evaluate-samples.js";
import { commaList, createBar, kList, positiveInteger, positiveNumber } from "./options.js";
import { action, log, writeJson } from "./output.js";
import { createQueueProgress } from "./queue-progress.js";
import { addRuntimeOptions, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface EvalFlags extends RuntimeFlags {
  dataset: string;
  samples: string;
  dataDir?: string;
  benchmarkFile?: string;
  out: string;
  tests?: string;
  k: number[];
  tasks?: string[];
  mode: "all" | "first-failure";
  timeoutFactor: number;
  minTimeoutMs: number;
  json?: boolean;
  queue?: string;
}

export function registerEvalCommand(program: Command): void {
  const command = program
    .command("eval")
    .description("evaluate EvalPlus-style samples ({task_id, solution} lines) against a benchmark's tests in the sandbox")
    .requiredOption("--dataset <name>", "humaneval+, mbpp+, humaneval, mbpp, cruxeval, ...")
    .requiredOption("--samples <path>", "JSONL of {task_id, solution} (or completion); any number per task")
    .option("--data-dir <dir>", "folder laid out like the public releases (default: SEMTRACE_DATA, then the download cache)")
    .option("--benchmark-file <path>", "benchmark file to read (required by --dataset generic: a generic-format JSONL)")
    .option("--out <path>", "EvalPlus-compatible results", "eval_results.json")
    .option("--tests <path>", "per-test verdicts as JSONL (default: <out without .json>.tests.jsonl)")
    .addOption(new Option("--k <list>", "pass@k values").argParser(kList).default([1, 10], "1,10"))
    .option("--tasks <ids>", "comma-separated task ids to evaluate", commaList)
    .addOption(
      new Option("--mode <mode>", "all: run every test; first-failure: stop a sample at its first failure").choices(["all", "first-failure"]).default("all"),
    )
    .option("--timeout-factor <x>", "time limit = max(floor, x × reference time)", positiveNumber, 4)
    .option("--min-timeout-ms <n>", "time-limit floor per test", positiveInteger, 1000)
    .option("--json", "print the summary as JSON")
    .option("--queue <url>", "fan the samples out to `semtrace worker`s on this Redis (redis://HOST:PORT) instead of judging them here; run again to resume");
  addRuntimeOptions(command).action(action(async (flags: EvalFlags) => runEval(flags)));
}

type CommonOptions = Omit<EvaluateSamplesOptions, "runtime" | "onProgress">;

async function runEval(flags: EvalFlags): Promise<void> {
  const common: CommonOptions = {
    dataset: flags.dataset,
    samples: flags.samples,
    ks: flags.k,
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
    ...(flags.benchmarkFile ? { benchmarkFile: flags.benchmarkFile } : {}),
    ...(flags.tasks ? { tasks: flags.tasks } : {}),
    mode: flags.mode,
    timeoutFactor: flags.timeoutFactor,
    minTimeoutMs: flags.minTimeoutMs,
    onWarning: log,
  };
  const { outcome, written } =
    flags.queue === undefined ? { outcome: await evaluateHere(flags, common), written: () => {} } : await evaluateOnQueue(flags, flags.queue, common);
  const { summary } = outcome;
  await writeFile(flags.out, JSON.stringify(outcome.results, null, 2) + "\n");
  const testsPath = flags.tests ?? flags.out.replace(/\.json$/, "") + ".tests.jsonl";
  await writeFile(testsPath, toJsonl(outcome.perTest));
  written();
  log(`wrote ${flags.out} and ${testsPath}`);
  if (flags.json) return writeJson(summary);
  process.stdout.write(`${flags.dataset}: ${summary.samples} samples over ${summary.tasks} tasks\n`);
  for (const [group, table] of [
    ["base", summary.base],
    ["plus", summary.plus],
  ] as const) {
    if (table)
      process.stdout.write(
        `${group.padEnd(5)} ${Object.entries(table)
          .map(([k, v]) => `${k} ${(100 * v).toFixed(1)}%`)
          .join("  ")}\n`,
      );
  }
}

async function evaluateHere(flags: EvalFlags, common: CommonOptions): Promise<EvaluateSamplesResult> {
  const runtime = runtimeFrom(flags);
  const bar = createBar("eval |{bar}| {value}/{total} samples | ETA {eta_formatted}");
  try {
    return await evaluateSamples({ ...common, runtime, onProgress: (done, total) => (done === 0 ? bar?.start(total, 0) : bar?.update(done)) });
  } finally {
    bar?.stop();
    await runtime.close();
  }
}

/**
 * The workers run the sandbox: the runtime flag picks their queue, and the limits are theirs.
 * `written` removes the journal of received results once the outputs hold them.
 */
async function evaluateOnQueue(flags: EvalFlags, url: string, common: CommonOptions): Promise<{ outcome: EvaluateSamplesResult; written: () => void }> {
  const { evaluateSamplesOnQueue, queueJournalPath, removeQueueJournal } = await import("../queue/evaluate-on-queue.js");
  const journalPath = queueJournalPath(flags.out);
  const progress = createQueueProgress("samples");
  try {
    const outcome = await evaluateSamplesOnQueue({ ...common, url, runtime: flags.runtime, journalPath, onProgress: progress.update });
    return { outcome, written: () => removeQueueJournal(journalPath) };
  } finally {
    progress.stop();
  }
}

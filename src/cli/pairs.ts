import { Option, type Command } from "commander";
import { ConfigError } from "../core/errors.js";
import { collectRepairPairs, type CollectedPairs, type RepairPairsConfig } from "../export/build/pair-sources.js";
import { writeTextFile } from "../export/files.js";
import { MUTATION_OPERATORS, type MutationOperator } from "../pairs/mutation.js";
import { DEFAULT_KEPT_KINDS, FAILURE_KINDS, FIX_STRATEGIES, renderRepairPairsJsonl, type FailureKind, type FixStrategy } from "../pairs/repair-pair.js";
import { choiceList, commaList, createStageProgress, nonNegativeInteger, positiveInteger, positiveNumber } from "./options.js";
import { action, log, writeJson } from "./output.js";
import { addRuntimeOptions, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface CommonFlags extends RuntimeFlags {
  dataDir?: string;
  out: string;
  keep: FailureKind[];
  tests: "hidden" | "public" | "all";
  tasks?: string[];
  timeoutFactor: number;
  minTimeoutMs: number;
  json?: boolean;
}

interface MineFlags extends CommonFlags {
  pool?: "humaneval" | "mbpp";
  models: string;
  samples?: string;
  dataset?: string;
  benchmarkFile?: string;
  split?: string;
  fix: FixStrategy;
  fallbackToReference?: boolean;
}

interface InjectFlags extends CommonFlags {
  dataset: string;
  benchmarkFile?: string;
  split?: string;
  maxPerProblem: number;
  seed: number;
  operators?: MutationOperator[];
}

export function registerPairsCommand(program: Command): void {
  const pairs = program.command("pairs").description("find (buggy, fixed) repair pairs and write them as JSONL");
  const mine = pairs
    .command("mine")
    .description("judge candidate programs (a candidate pool and/or an EvalPlus-style samples file); each failing one becomes a pair")
    .addOption(new Option("--pool <benchmark>", "candidate pools under candidates/<benchmark>/").choices(["humaneval", "mbpp"]))
    .option("--models <list>", "pool files to use (comma-separated), or all", "all")
    .option("--samples <path>", "EvalPlus-style samples JSONL ({task_id, solution|completion})")
    .option("--dataset <name>", "the samples' benchmark, e.g. humaneval+")
    .option("--benchmark-file <path>", "the benchmark's own file, for loaders that read one (generic)")
    .option("--split <name>", "the samples' benchmark split")
    .addOption(
      new Option("--fix <strategy>", "reference, or closest-passing (the passing candidate most similar to the buggy one)")
        .choices(FIX_STRATEGIES)
        .default("reference"),
    )
    .option("--fallback-to-reference", "with closest-passing: use the reference when no candidate passes");
  addCommonOptions(mine).action(action(async (flags: MineFlags) => runPairs(mineConfig(flags), flags)));
  const inject = pairs
    .command("inject")
    .description("inject bugs into the reference solutions by mutation; keep the mutants that fail a test in time")
    .requiredOption("--dataset <name>", "benchmark, e.g. humaneval+ or mbpp+")
    .option("--benchmark-file <path>", "the benchmark's own file, for loaders that read one (generic)")
    .option("--split <name>", "benchmark split")
    .option("--max-per-problem <n>", "mutants judged per problem", positiveInteger, 4)
    .option("--seed <n>", "seed of every random choice", nonNegativeInteger, 42)
    .option("--operators <list>", "mutation operators (comma-separated); all by default", choiceList(MUTATION_OPERATORS));
  addCommonOptions(inject).action(action(async (flags: InjectFlags) => runPairs(injectConfig(flags), flags)));
}

function addCommonOptions(command: Command): Command {
  command
    .option("--data-dir <dir>", "data folder (default: $SEMTRACE_DATA, then the download cache)")
    .requiredOption("--out <path>", "pairs JSONL to write")
    .addOption(
      new Option("--keep <kinds>", `failure kinds kept: ${FAILURE_KINDS.join(", ")}`)
        .argParser(choiceList(FAILURE_KINDS))
        .default([...DEFAULT_KEPT_KINDS], DEFAULT_KEPT_KINDS.join(",")),
    )
    .addOption(new Option("--tests <which>", "tests that judge a program").choices(["hidden", "public", "all"]).default("hidden"))
    .option("--tasks <ids>", "comma-separated task ids", commaList)
    .option("--timeout-factor <x>", "time limit = max(floor, x × reference time)", positiveNumber, 4)
    .option("--min-timeout-ms <n>", "time-limit floor per test", positiveInteger, 1000)
    .option("--json", "print the summary as JSON");
  return addRuntimeOptions(command);
}

function benchmarkOf(flags: { split?: string; benchmarkFile?: string; tasks?: string[] }) {
  return {
    ...(flags.split === undefined ? {} : { split: flags.split }),
    ...(flags.benchmarkFile === undefined ? {} : { benchmarkFile: flags.benchmarkFile }),
    ...(flags.tasks === undefined ? {} : { tasks: flags.tasks }),
  };
}

function evaluationOf(flags: CommonFlags): RepairPairsConfig["evaluation"] {
  return { timeoutFactor: flags.timeoutFactor, minTimeoutMs: flags.minTimeoutMs };
}

function mineConfig(flags: MineFlags): RepairPairsConfig {
  if (flags.pool === undefined && flags.samples === undefined) throw new ConfigError("give --pool BENCHMARK and/or --samples FILE --dataset NAME");
  if (flags.samples !== undefined && flags.dataset === undefined) throw new ConfigError("--samples needs --dataset, the benchmark the samples answer");
  const sources: RepairPairsConfig["sources"] = [];
  if (flags.pool !== undefined) {
    const tasks = flags.tasks === undefined ? {} : { tasks: flags.tasks };
    sources.push({ kind: "candidates", benchmark: flags.pool, models: flags.models === "all" ? "all" : commaList(flags.models), ...tasks });
  }
  if (flags.samples !== undefined && flags.dataset !== undefined) {
    sources.push({ kind: "samples", benchmark: flags.dataset, path: flags.samples, ...benchmarkOf(flags) });
  }
  return {
    sources,
    mining: { keep: flags.keep, tests: flags.tests, fix: flags.fix, fallbackToReference: flags.fallbackToReference === true },
    evaluation: evaluationOf(flags),
  };
}

function injectConfig(flags: InjectFlags): RepairPairsConfig {
  const operators = flags.operators === undefined ? {} : { operators: flags.operators };
  return {
    seed: flags.seed,
    sources: [{ kind: "mutation", benchmark: flags.dataset, maxPerProblem: flags.maxPerProblem, ...benchmarkOf(flags), ...operators }],
    mining: { keep: flags.keep, tests: flags.tests },
    evaluation: evaluationOf(flags),
  };
}

async function runPairs(config: RepairPairsConfig, flags: CommonFlags): Promise<void> {
  const runtime = runtimeFrom(flags);
  const progress = createStageProgress();
  let collected: CollectedPairs;
  try {
    collected = await collectRepairPairs(config, {
      runtime,
      ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
    await runtime.close();
  }
  await writeTextFile(flags.out, renderRepairPairsJsonl(collected.pairs));
  const summary = { pairs: collected.pairs.length, dropped: collected.dropped, out: flags.out };
  if (flags.json) return writeJson(summary);
  log(`wrote ${collected.pairs.length} pairs to ${flags.out}`);
  for (const [reason, count] of Object.entries(collected.dropped).sort(([a], [b]) => (a < b ? -1 : 1))) {
    log(`  dropped ${reason}: ${count}`);
  }
}

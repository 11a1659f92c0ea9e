import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { ConfigError } from "../core/errors.js";
import { parseJsonl, toJsonl } from "../core/jsonl.js";
import { loadBenchmark } from "../datasets/index.js";
import { loadRunAnswers } from "../experiments/run-answers.js";
import {
  REASON_TASKS,
  buildQuestions,
  reasonPredictionSchema,
  reasonQuestionSchema,
  scoreReasoning,
  type ReasonPrediction,
  type ReasonTask,
  DEFAULT_PER_PROGRAM,
} from "../reasoning/index.js";
import type { ZodType } from "zod";
import { action, log, writeJson } from "./output.js";
import { benchmarkOptionsFrom, commaList, nonNegativeInteger } from "./options.js";
import { addRuntimeOptions, limitsFrom, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface BuildFlags extends RuntimeFlags {
  dataset: string;
  benchmarkFile?: string;
  split?: string;
  dataDir?: string;
  ids?: string;
  tasks: string;
  perProgram: number;
  seed: number;
  out: string;
  json?: boolean;
}

interface ScoreFlags extends RuntimeFlags {
  questions: string;
  predictions?: string;
  run?: string[];
  model?: string;
  seed?: number;
  json?: boolean;
}

export function registerReasonCommand(program: Command): void {
  const reason = program.command("reason").description("execution-reasoning benchmarks (REval's coverage, state, path, output) with traces as ground truth");
  const build = reason
    .command("build")
    .description("trace a benchmark's reference programs on their inputs and write questions with the traced answers")
    .requiredOption("--dataset <name>", "benchmark: humaneval+, mbpp+, cruxeval, livecodebench-execution, generic, ...")
    .option("--benchmark-file <path>", "the benchmark's own file or folder (generic JSONL, LiveCodeBench hub folder)")
    .option("--split <name>", "the benchmark's split")
    .option("--data-dir <dir>", "data folder (default: SEMTRACE_DATA, then the download cache)")
    .option("--ids <ids>", "comma-separated task ids")
    .option("--tasks <list>", "question tasks", REASON_TASKS.join(","))
    .option("--per-program <n>", "lines asked about per program and task", nonNegativeInteger, DEFAULT_PER_PROGRAM)
    .option("--seed <n>", "seed of the drawn inputs and lines", nonNegativeInteger, 0)
    .requiredOption("--out <path>", "questions JSONL")
    .option("--json", "print the summary as JSON");
  addRuntimeOptions(build).action(action(async (flags: BuildFlags) => runBuild(flags)));
  const score = reason
    .command("score")
    .description("score predictions ({id, answer} or {id, text} with [ANSWER] tags) per task, and incremental consistency")
    .requiredOption("--questions <path>", "questions JSONL from `reason build`")
    .option("--predictions <path>", "predictions JSONL")
    .option("--run <dir...>", "instead of --predictions: `semtrace run` folders of the reason-* tasks; each question's first answer is scored")
    .option("--model <label>", "with --run: the model whose answers are scored, when a run has several")
    .option("--seed <n>", "with --run: the seed whose answers are scored, when a run has several", nonNegativeInteger)
    .option("--json", "print the scores as JSON");
  addRuntimeOptions(score).action(action(async (flags: ScoreFlags) => runScore(flags)));
}

export function parseReasonTasks(text: string): ReasonTask[] {
  const names = commaList(text);
  const unknown = names.filter((name) => !(REASON_TASKS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new ConfigError(`--tasks must list some of ${REASON_TASKS.join(", ")}; got '${text}'`);
  return REASON_TASKS.filter((task) => names.includes(task));
}

async function runBuild(flags: BuildFlags): Promise<void> {
  const tasks = parseReasonTasks(flags.tasks);
  const ids = flags.ids === undefined ? undefined : commaList(flags.ids);
  const { dataDir, benchmarkFile, split } = flags;
  const problems = await loadBenchmark(flags.dataset, benchmarkOptionsFrom({ dataDir, benchmarkFile, split, tasks: ids }));
  const runtime = runtimeFrom(flags);
  try {
    const result = await buildQuestions(runtime, problems, { tasks, perProgram: flags.perProgram, seed: flags.seed, limits: limitsFrom(flags) });
    await writeFile(flags.out, toJsonl(result.questions));
    const counts = Object.fromEntries(tasks.map((task) => [task, result.questions.filter((question) => question.task === task).length]));
    const summary = { problems: problems.length, programs: result.programs, questions: result.questions.length, perTask: counts, skipped: result.skipped };
    log(`wrote ${flags.out}`);
    if (flags.json) return writeJson(summary);
    process.stdout.write(`${flags.dataset}: ${summary.questions} questions from ${summary.programs} of ${summary.problems} programs\n`);
    for (const [task, count] of Object.entries(counts)) process.stdout.write(`  ${task.padEnd(9)} ${count}\n`);
    for (const [reason, count] of Object.entries(result.skipped)) process.stdout.write(`  skipped ${reason}: ${count}\n`);
  } finally {
    await runtime.close();
  }
}

async function runScore(flags: ScoreFlags): Promise<void> {
  const questions = await readRecords(flags.questions, reasonQuestionSchema);
  const predictions = await readPredictions(flags);
  const runtime = runtimeFrom(flags);
  try {
    const score = await scoreReasoning(runtime, questions, predictions);
    if (flags.json) return writeJson({ tasks: score.tasks, consistency: score.consistency });
    for (const [task, result] of Object.entries(score.tasks)) {
      const f1 = result.f1 === undefined ? "" : `  F1 ${percent(result.f1)}`;
      process.stdout.write(`${task.padEnd(9)} ${percent(result.accuracy)} (${result.correct}/${result.questions}, ${result.answered} answered)${f1}\n`);
    }
    const { consistency } = score;
    process.stdout.write(`consistency ${percent(consistency.score)} over ${consistency.chains} chains (${consistency.consistent} fully consistent)\n`);
  } finally {
    await runtime.close();
  }
}

/** Predictions from a file, or the first answers of one model and seed in each run folder. */
async function readPredictions(flags: ScoreFlags): Promise<ReasonPrediction[]> {
  if ((flags.predictions === undefined) === (flags.run === undefined))
    throw new ConfigError("reason score reads either --predictions FILE or --run DIR...; give one of them");
  if (flags.predictions !== undefined) return readRecords(flags.predictions, reasonPredictionSchema);
  const options = { ...(flags.model === undefined ? {} : { model: flags.model }), ...(flags.seed === undefined ? {} : { seed: flags.seed }) };
  return (flags.run ?? []).flatMap((dir) => loadRunAnswers(dir, options));
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

/** Every line must parse and match the schema; the first bad one is an error that names it. */
async function readRecords<T>(path: string, schema: ZodType<T>): Promise<T[]> {
  return parseJsonl(await readFile(path, "utf8")).map((line) => {
    if (!line.ok) throw new ConfigError(`${path}:${line.lineNumber}: ${line.error}`);
    const parsed = schema.safeParse(line.value);
    if (!parsed.success)
      throw new ConfigError(
        `${path}:${line.lineNumber}: ${parsed.error.issues.map((issue) => `${issue.message} at ${issue.path.join(".") || "(root)"}`).join("; ")}`,
      );
    return parsed.data;
  });
}

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { type RankedLine, SBFL_FORMULAS, type SbflFormula } from "../analysis/sbfl.js";
import { ConfigError } from "../core/errors.js";
import { loadJsonl } from "../core/jsonl.js";
import type { Problem } from "../core/problem.js";
import { loadBenchmark } from "../datasets/index.js";
import { createEvaluator } from "../evaluation/evaluator.js";
import type { Evaluator } from "../evaluation/evaluator-types.js";
import { localize, type Localization } from "../evaluation/localize.js";
import { MBFL_FORMULAS, localizeByMutation } from "../pairs/mutation-localization.js";
import { loadPythonParser, type PythonParser } from "../pairs/python-parser.js";
import { benchmarkOptionsFrom, commaList } from "./options.js";
import { action, log, writeJsonLine } from "./output.js";
import { addRuntimeOptions, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface LocalizeFlags extends RuntimeFlags {
  tests?: string;
  entryPoint?: string;
  dataset?: string;
  benchmarkFile?: string;
  dataDir?: string;
  tasks?: string[];
  formula: string;
  json?: boolean;
}

const FORMULAS = [...SBFL_FORMULAS, ...MBFL_FORMULAS] as const;
type Formula = (typeof FORMULAS)[number];

const TestLineSchema = z.strictObject({ args: z.string(), expected: z.string() });

export function registerLocalizeCommand(program: Command): void {
  const command = program
    .command("localize")
    .description("rank a failing program's lines by suspiciousness (SBFL over traced line coverage, or mutation-based)")
    .argument("[program]", "Python source file (with --tests and --entry-point)")
    .option("--tests <path>", "JSONL of {args, expected}: the call's arguments as Python source, the expected repr")
    .option("--entry-point <name>", "function the tests call")
    .option("--dataset <name>", "localize each problem's candidate (repair sets, generic format)")
    .option("--benchmark-file <path>", "the dataset's file (generic format)")
    .option("--data-dir <dir>", "folder laid out like the public releases")
    .option("--tasks <ids>", "comma-separated task ids", commaList)
    .option("--formula <name>", `one of ${FORMULAS.join(", ")} (the last two mutate the executed lines)`, "ochiai")
    .option("--json", "one line per problem: {id, formula, ranking}");
  addRuntimeOptions(command).action(action(async (file: string | undefined, flags: LocalizeFlags) => runLocalize(file, flags)));
}

async function problemsFrom(file: string | undefined, flags: LocalizeFlags): Promise<Problem[]> {
  if (flags.dataset !== undefined) return loadBenchmark(flags.dataset, benchmarkOptionsFrom(flags));
  if (file === undefined || flags.tests === undefined || flags.entryPoint === undefined) {
    throw new ConfigError("give PROGRAM.py --tests TESTS.jsonl --entry-point NAME, or --dataset NAME");
  }
  const rows = (await loadJsonl(flags.tests)).map((line) => {
    if (!line.ok) throw new ConfigError(`${flags.tests}:${line.lineNumber}: ${line.error}`);
    const parsed = TestLineSchema.safeParse(line.value);
    if (!parsed.success) throw new ConfigError(`${flags.tests}:${line.lineNumber}: ${parsed.error.issues[0]?.message ?? "bad test"}`);
    return parsed.data;
  });
  const tests = rows.map((row, index) => ({ id: `t${index + 1}`, kind: "io" as const, visibility: "public" as const, group: "base" as const, ...row }));
  const candidate = await readFile(file, "utf8");
  return [{ id: file, source: { dataset: "file", version: "1" }, prompt: "", entryPoint: flags.entryPoint, tests, candidate }];
}

async function runLocalize(file: string | undefined, flags: LocalizeFlags): Promise<void> {
  const parsed = z.enum(FORMULAS).safeParse(flags.formula);
  if (!parsed.success) throw new ConfigError(`unknown formula "${flags.formula}"; expected one of: ${FORMULAS.join(", ")}`);
  const formula = parsed.data;
  const parser = MBFL_FORMULAS.some((name) => name === formula) ? await loadPythonParser() : undefined;
  const problems = await problemsFrom(file, flags);
  const runtime = runtimeFrom(flags);
  try {
    const evaluator = createEvaluator(runtime);
    for (const problem of problems) {
      if (problem.candidate === undefined) {
        log(`${problem.id}: no candidate; left out`);
        continue;
      }
      const result = await localize(runtime, evaluator, problem, problem.candidate);
      const lines = await rankingOf(formula, result, { evaluator, problem, program: problem.candidate, parser });
      const ranking = lines.map(({ line, score, rank, tied }) => ({ line, score, rank, tied }));
      if (flags.json) {
        writeJsonLine({ id: problem.id, formula, ranking });
        continue;
      }
      const failing = result.traces.filter((t) => t.failed).length;
      process.stdout.write(`${problem.id} (${formula}; ${failing} failing, ${result.traces.length - failing} passing traced)\n`);
      const source = problem.candidate.split("\n");
      for (const entry of ranking.slice(0, 10)) {
        const tie = entry.tied > 1 ? ` (tied with ${entry.tied - 1})` : "";
        process.stdout.write(`  #${entry.rank} line ${entry.line} score ${entry.score.toFixed(3)}${tie}: ${source[entry.line - 1]?.trim() ?? ""}\n`);
      }
    }
  } finally {
    await runtime.close();
  }
}

/** SBFL's ranking, or a mutation-based one over the lines the failing tests ran, judged on the tests SBFL traced. */
async function rankingOf(
  formula: Formula,
  result: Localization,
  context: { evaluator: Evaluator; problem: Problem; program: string; parser: PythonParser | undefined },
): Promise<RankedLine[]> {
  if (formula === "muse" || formula === "metallaxis") {
    const lines = new Set(result.spectra.filter((spectrum) => spectrum.failed).flatMap((spectrum) => [...spectrum.lines]));
    const mutation = await localizeByMutation(context.evaluator, context.problem, context.program, {
      parser: context.parser!,
      testIds: result.traces.map((trace) => trace.testId),
      lines,
    });
    return mutation.lines[formula];
  }
  return result.lines[formula satisfies SbflFormula];
}

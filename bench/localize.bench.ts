/**
 * Fault localization on real bugs: the buggy HumanEval and MBPP programs of the repair sets,
 * with the fix location taken as the candidate lines a line diff against the benchmark's
 * reference does not match. Reports top-1/3/5 per formula and granularity against the anchor
 * of a random order of the executed lines (its exact expected top-k, in the same run); how
 * often the line a divergence marks is a fix line (against the most similar passing test, and
 * against the reference on the same input); and o200k_base tokens of `sbfl` and `divergence`
 * against `next` and `concise` on the same traced tests. MUSE and Metallaxis run on the first
 * `--mutation-limit` (30) localized bugs of each set, next to Ochiai on the same bugs.
 * How often the dynamic slice `slice` shows keeps a fix line (of the bugs whose fix line ran),
 * with `slice`'s tokens against `next`'s.
 * Usage: npm run bench:localize [-- --data-dir ../shared/data --limit 40 --mutation-limit 30]; no --limit = all bugs.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findDivergence, unmatchedLines } from "../src/analysis/divergence.js";
import { SBFL_FORMULAS } from "../src/analysis/sbfl.js";
import { sliceTrace } from "../src/analysis/slice.js";
import type { Problem } from "../src/core/problem.js";
import type { Localization } from "../src/evaluation/localize.js";
import type { RenderInput, RenderTest } from "../src/representations/representation.js";
import { loadBenchmark } from "../src/datasets/registry.js";
import { createEvaluator } from "../src/evaluation/evaluator.js";
import { localize } from "../src/evaluation/localize.js";
import { MBFL_FORMULAS, localizeByMutation } from "../src/pairs/mutation-localization.js";
import { loadPythonParser } from "../src/pairs/python-parser.js";
import { render } from "../src/representations/registry.js";
import { slicedTest } from "../src/representations/slice.js";
import { loadTokenizer } from "../src/representations/tokenizers/index.js";
import { createRuntime } from "../src/runtime/index.js";
import { median, reportBench } from "./report.js";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string", default: join(import.meta.dirname, "../../shared/data") },
    limit: { type: "string" },
    "mutation-limit": { type: "string", default: "30" },
  },
});
const limit = values.limit === undefined ? Infinity : Number(values.limit);
/** Mutation-based localization judges every mutant on every traced test: it runs on the first N localized bugs of each set. */
const mutationLimit = Number(values["mutation-limit"]);
const parser = await loadPythonParser();
const runtime = createRuntime("pyodide");
const evaluator = createEvaluator(runtime);
const tokenizer = await loadTokenizer("o200k_base");
const TOPS = [1, 3, 5] as const;

/** MUSE and Metallaxis hits at top-1/3/5 (and the SBFL hits on the same bugs, to compare like with like). */
async function mutationHits(problem: Problem, result: Localization, fix: Set<number>, hits: Record<string, number[]>): Promise<void> {
  const lines = new Set(result.spectra.filter((s) => s.failed).flatMap((s) => [...s.lines]));
  const testIds = result.traces.map((t) => t.testId);
  const mutation = await localizeByMutation(evaluator, problem, problem.candidate!, { parser, testIds, lines });
  for (const formula of [...MBFL_FORMULAS, "ochiai"] as const) {
    const ranking = formula === "ochiai" ? result.lines.ochiai : mutation.lines[formula];
    for (const top of TOPS) (hits[`mutation-set ${formula} top-${top}`] ??= []).push(ranking.slice(0, top).some((r) => fix.has(r.line)) ? 1 : 0);
  }
  (hits["mutation-set mutants"] ??= []).push(mutation.mutants);
}

/** The chance that k lines drawn at random from n executed lines, m of them fix lines, hold one. */
function randomTopK(n: number, m: number, k: number): number {
  if (m === 0) return 0;
  let miss = 1;
  for (let i = 0; i < Math.min(k, n); i++) miss *= Math.max(0, n - m - i) / (n - i);
  return 1 - miss;
}

/** The traced tests as a render input, with their expected outputs and (with `reference`) the reference's traces. */
async function renderInputOf(problem: Problem, result: Localization, reference: boolean): Promise<RenderInput> {
  const prepared = new Map((await evaluator.prepare(problem)).tests.map((t) => [t.id, t]));
  const tests = await Promise.all(
    result.traces.map(async ({ testId, trace, failed }): Promise<RenderTest> => {
      const test = prepared.get(testId);
      const expected = test?.kind === "io" && test.expected !== undefined ? { expected: test.expected } : {};
      const fixed = reference && failed ? await runtime.trace({ program: problem.reference!, input: trace.input }) : undefined;
      return { trace, ...expected, ...(fixed === undefined ? {} : { reference: fixed }) };
    }),
  );
  return { program: problem.candidate!, tests, ...(reference ? { reference: problem.reference! } : {}) };
}

/** Whether the first failing test's divergence marks a fix line (see Divergence.line). */
function divergenceHit(input: RenderInput, result: Localization, fix: Set<number>): number {
  const failing = result.traces.find((t) => t.failed)!;
  const test = input.tests[result.traces.indexOf(failing)]!;
  const passing = result.traces.filter((t) => !t.failed).map((t) => ({ trace: t.trace, inputText: t.trace.input.kind === "call" ? t.trace.input.call : "" }));
  const reference = input.reference === undefined || test.reference === undefined ? {} : { reference: { program: input.reference, trace: test.reference } };
  const inputText = failing.trace.input.kind === "call" ? failing.trace.input.call : "";
  const found = findDivergence({ trace: failing.trace, inputText }, { program: input.program, passing, ...reference });
  return found?.line !== undefined && fix.has(found.line) ? 1 : 0;
}

interface SliceStats {
  /** Bugs with a fix line among the lines their shown failing tests ran. */
  executed: number;
  /** Of those, bugs whose slices keep a fix line. */
  kept: number;
  sliceTokens: number[];
  nextTokens: number[];
}

/** The slice `slice` shows (of the first failing test), against the fix lines. */
function recordSlice(stats: SliceStats, fix: Set<number>, input: RenderInput): Record<string, unknown> {
  const trace = slicedTest(input)!.trace;
  const ran = new Set(trace.events.filter((e) => e.kind === "line").map((e) => e.line));
  const sliced = sliceTrace(trace).lines;
  const executed = [...fix].some((line) => ran.has(line));
  const kept = [...fix].some((line) => sliced.includes(line));
  if (executed) {
    stats.executed++;
    if (kept) stats.kept++;
  }
  const tokens = { slice: tokenizer.count(render("slice", input).text), next: tokenizer.count(render("next", input).text) };
  stats.sliceTokens.push(tokens.slice);
  stats.nextTokens.push(tokens.next);
  return { sliceLines: sliced, fixExecuted: executed, sliceKeepsFix: kept, tokens };
}

function sliceRow(dataset: string, stats: SliceStats): Record<string, string | number> {
  const ratio = median(stats.sliceTokens) / median(stats.nextTokens);
  return {
    dataset,
    formula: "slice keeps a fix line (of bugs whose fix line ran)",
    granularity: "-",
    bugs: stats.executed,
    "top-1": Number((stats.kept / Math.max(1, stats.executed)).toFixed(3)),
    "top-3": `slice ${median(stats.sliceTokens)} tokens`,
    "top-5": `${ratio.toFixed(2)}× next (${median(stats.nextTokens)})`,
  };
}

const sliceGoals: { dataset: string; keepsFix: number; tokenRatio: number }[] = [];
const rows: Record<string, string | number>[] = [];
const perBug: unknown[] = [];
const started = performance.now();
for (const dataset of ["humaneval-repair", "mbpp-repair"]) {
  const problems = (await loadBenchmark(dataset, { dataDir: values["data-dir"] })).filter((p) => p.meta?.isSyntaxError !== true).slice(0, limit);
  const hits: Record<string, number[]> = {};
  const tokens: Record<string, number[]> = { next: [], concise: [], sbfl: [], divergence: [], "divergence vs reference": [] };
  const sliceStats: SliceStats = { executed: 0, kept: 0, sliceTokens: [], nextTokens: [] };
  let localized = 0;
  for (const problem of problems) {
    if (problem.candidate === undefined || problem.reference === undefined) continue;
    const fix = unmatchedLines(problem.candidate, problem.reference);
    let result: Localization;
    try {
      result = await localize(runtime, evaluator, problem, problem.candidate);
    } catch (error) {
      perBug.push({ dataset, id: problem.id, error: String(error) });
      continue;
    }
    if (!result.traces.some((t) => t.failed) || fix.size === 0) continue;
    localized++;
    const executed = new Set(result.spectra.flatMap((s) => [...s.lines]));
    const executedFix = [...fix].filter((line) => executed.has(line)).length;
    for (const top of TOPS) (hits[`random line top-${top}`] ??= []).push(randomTopK(executed.size, executedFix, top));
    for (const formula of SBFL_FORMULAS) {
      const lines = result.lines[formula];
      const functions = result.functions[formula];
      for (const top of TOPS) {
        (hits[`${formula} line top-${top}`] ??= []).push(lines.slice(0, top).some((r) => fix.has(r.line)) ? 1 : 0);
        (hits[`${formula} function top-${top}`] ??= []).push(functions.slice(0, top).some((f) => f.lines.some((l) => fix.has(l))) ? 1 : 0);
      }
    }
    if (localized <= mutationLimit) await mutationHits(problem, result, fix, hits);
    const input = await renderInputOf(problem, result, false);
    const withReference = await renderInputOf(problem, result, true);
    (hits["divergence passing"] ??= []).push(divergenceHit(input, result, fix));
    (hits["divergence reference"] ??= []).push(divergenceHit(withReference, result, fix));
    for (const name of ["next", "concise", "sbfl", "divergence"]) tokens[name]!.push(tokenizer.count(render(name, input).text));
    tokens["divergence vs reference"]!.push(tokenizer.count(render("divergence", withReference).text));
    const sliceFacts = recordSlice(sliceStats, fix, input);
    perBug.push({ dataset, id: problem.id, fix: [...fix], ochiai: result.lines.ochiai.slice(0, 5), ...sliceFacts });
  }
  const share = (key: string) => (hits[key] ?? []).reduce((s, x) => s + x, 0) / Math.max(1, localized);
  for (const formula of SBFL_FORMULAS) {
    for (const granularity of ["line", "function"]) {
      const row: Record<string, string | number> = { dataset, formula, granularity, bugs: localized };
      for (const top of TOPS) row[`top-${top}`] = Number(share(`${formula} ${granularity} top-${top}`).toFixed(3));
      rows.push(row);
    }
  }
  const random: Record<string, string | number> = { dataset, formula: "random order (anchor, expected)", granularity: "line", bugs: localized };
  for (const top of TOPS) random[`top-${top}`] = Number(share(`random line top-${top}`).toFixed(3));
  rows.push(random);
  const mutationBugs = (hits["mutation-set mutants"] ?? []).length;
  const mutationShare = (key: string) => Number(((hits[key] ?? []).reduce((s, x) => s + x, 0) / Math.max(1, mutationBugs)).toFixed(3));
  for (const formula of [...MBFL_FORMULAS, "ochiai"]) {
    const row: Record<string, string | number> = {
      dataset,
      formula: `${formula} (mutation subset, median ${median(hits["mutation-set mutants"] ?? [0])} mutants)`,
      granularity: "line",
      bugs: mutationBugs,
    };
    for (const top of TOPS) row[`top-${top}`] = mutationShare(`mutation-set ${formula} top-${top}`);
    rows.push(row);
  }
  for (const against of ["passing", "reference"]) {
    const share1 = Number(share(`divergence ${against}`).toFixed(3));
    rows.push({
      dataset,
      formula: `divergence vs ${against} (marked line is a fix line)`,
      granularity: "line",
      bugs: localized,
      "top-1": share1,
      "top-3": "-",
      "top-5": "-",
    });
  }
  const ratio = (name: string) => `${median(tokens[name]!)} (${(median(tokens[name]!) / median(tokens.next!)).toFixed(2)}× next)`;
  rows.push({
    dataset,
    formula: "tokens (median, o200k_base)",
    granularity: "-",
    bugs: localized,
    "top-1": `next ${median(tokens.next!)}, concise ${median(tokens.concise!)}`,
    "top-3": `sbfl ${ratio("sbfl")}`,
    "top-5": `divergence ${ratio("divergence")}; vs reference ${ratio("divergence vs reference")}`,
  });
  rows.push(sliceRow(dataset, sliceStats));
  sliceGoals.push({
    dataset,
    keepsFix: sliceStats.kept / Math.max(1, sliceStats.executed),
    tokenRatio: median(sliceStats.sliceTokens) / median(sliceStats.nextTokens),
  });
}
await runtime.close();
/** Per dataset, the best formula's line top-5. */
const bestLineTop5 = Object.fromEntries(
  ["humaneval-repair", "mbpp-repair"].map((dataset) => [
    dataset,
    Math.max(
      ...rows.filter((r) => r.dataset === dataset && r.granularity === "line" && SBFL_FORMULAS.some((f) => f === r.formula)).map((r) => Number(r["top-5"])),
    ),
  ]),
);
reportBench("localize", rows, {
  goal: "fix line in the top 5 for at least 60% of the bugs",
  bestLineTop5,
  goalMet: Object.values(bestLineTop5).every((share) => share >= 0.6),
  sliceGoal: "the slice keeps a fix line in at least 80% of the bugs whose fix line ran, at no more than 60% of next's median tokens",
  sliceGoals,
  sliceGoalMet: sliceGoals.every((g) => g.keepsFix >= 0.8 && g.tokenRatio <= 0.6),
  seconds: Math.round((performance.now() - started) / 1000),
  perBug,
});

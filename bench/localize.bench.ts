/**
 * Fault localization on real bugs: the buggy HumanEval and MBPP programs of the repair sets,
 * with the fix location taken as the candidate lines a line diff against the benchmark's
 * reference does not match. Reports top-1/3/5 per formula and granularity, and o200k_base
 * tokens of `sbfl` against `next` and `concise` on the same failing tests.
 * Usage: npm run bench:localize [-- --data-dir ../shared/data --limit 40]
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SBFL_FORMULAS } from "../src/analysis/sbfl.js";
import { loadBenchmark } from "../src/datasets/registry.js";
import { createEvaluator } from "../src/evaluation/evaluator.js";
import { localize } from "../src/evaluation/localize.js";
import { render } from "../src/representations/registry.js";
import { loadTokenizer } from "../src/representations/tokenizers/index.js";
import { createRuntime } from "../src/runtime/index.js";
import { median, reportBench } from "./report.js";

const { values } = parseArgs({
  options: {
    "data-dir": { type: "string", default: join(import.meta.dirname, "../../shared/data") },
    limit: { type: "string", default: "40" },
  },
});
const limit = Number(values.limit);
const runtime = createRuntime("pyodide");
const evaluator = createEvaluator(runtime);
const tokenizer = await loadTokenizer("o200k_base");
const TOPS = [1, 3, 5] as const;

/** Candidate lines (1-based) that a longest common subsequence with the reference leaves unmatched. */
function changedLines(candidate: string, reference: string): Set<number> {
  const a = candidate.split("\n").map((line) => line.trim());
  const b = reference.split("\n").map((line) => line.trim());
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const changed = new Set<number>();
  let [i, j] = [0, 0];
  while (i < a.length) {
    if (j < b.length && a[i] === b[j]) [i, j] = [i + 1, j + 1];
    else if (j < b.length && table[i]![j + 1]! >= table[i + 1]![j]!) j++;
    else changed.add(++i);
  }
  return changed;
}

const rows: Record<string, string | number>[] = [];
const perBug: unknown[] = [];
for (const dataset of ["humaneval-repair", "mbpp-repair"]) {
  const problems = (await loadBenchmark(dataset, { dataDir: values["data-dir"] })).filter((p) => p.meta?.isSyntaxError !== true).slice(0, limit);
  const hits: Record<string, number[]> = {};
  const tokens: Record<string, number[]> = { next: [], concise: [], sbfl: [] };
  let localized = 0;
  for (const problem of problems) {
    if (problem.candidate === undefined || problem.reference === undefined) continue;
    const fix = changedLines(problem.candidate, problem.reference);
    let result: Awaited<ReturnType<typeof localize>>;
    try {
      result = await localize(runtime, evaluator, problem, problem.candidate);
    } catch (error) {
      perBug.push({ dataset, id: problem.id, error: String(error) });
      continue;
    }
    if (!result.traces.some((t) => t.failed) || fix.size === 0) continue;
    localized++;
    for (const formula of SBFL_FORMULAS) {
      const lines = result.lines[formula];
      const functions = result.functions[formula];
      for (const top of TOPS) {
        (hits[`${formula} line top-${top}`] ??= []).push(lines.slice(0, top).some((r) => fix.has(r.line)) ? 1 : 0);
        (hits[`${formula} function top-${top}`] ??= []).push(functions.slice(0, top).some((f) => f.lines.some((l) => fix.has(l))) ? 1 : 0);
      }
    }
    const prepared = new Map((await evaluator.prepare(problem)).tests.map((t) => [t.id, t]));
    const input = {
      program: problem.candidate,
      tests: result.traces.map(({ testId, trace }) => {
        const test = prepared.get(testId);
        return test?.kind === "io" && test.expected !== undefined ? { trace, expected: test.expected } : { trace };
      }),
    };
    for (const name of Object.keys(tokens)) tokens[name]!.push(tokenizer.count(render(name, input).text));
    perBug.push({ dataset, id: problem.id, fix: [...fix], ochiai: result.lines.ochiai.slice(0, 5) });
  }
  const share = (key: string) => (hits[key] ?? []).reduce((s, x) => s + x, 0) / Math.max(1, localized);
  for (const formula of SBFL_FORMULAS) {
    for (const granularity of ["line", "function"]) {
      const row: Record<string, string | number> = { dataset, formula, granularity, bugs: localized };
      for (const top of TOPS) row[`top-${top}`] = Number(share(`${formula} ${granularity} top-${top}`).toFixed(3));
      rows.push(row);
    }
  }
  rows.push({
    dataset,
    formula: "tokens (median, o200k_base)",
    granularity: "-",
    bugs: localized,
    "top-1": `next ${median(tokens.next!)}`,
    "top-3": `concise ${median(tokens.concise!)}`,
    "top-5": `sbfl ${median(tokens.sbfl!)} (${(median(tokens.sbfl!) / median(tokens.next!)).toFixed(2)}× next)`,
  });
}
await runtime.close();
const goal = rows.filter((r) => r.granularity === "line").map((r) => Number(r["top-5"]));
reportBench("localize", rows, {
  goal: "fix line in the top 5 for at least 60% of the bugs",
  bestLineTop5: Math.max(...goal),
  goalMet: Math.max(...goal) >= 0.6,
  perBug,
});

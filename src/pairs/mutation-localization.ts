/**
 * Mutation-based fault localization: the program's executed lines are mutated with the bug
 * injection operators (mutation.ts), every mutant is judged on the same tests as the program
 * (in the sandbox through the Evaluator, judged on the host), and a line is suspicious when
 * mutating it changes how the failing tests behave more than the passing ones.
 *
 *   - `metallaxis` (Papadakis and Le Traon 2015): a test kills a mutant when its result differs
 *     from the program's (status, returned repr or exception type); a mutant scores Ochiai over
 *     the tests that kill it, a line its best mutant.
 *   - `muse` (Moon et al. 2014): a line scores the mean over its mutants of
 *     |failing tests now passing| / f2p − |passing tests now failing| / p2f, where f2p and p2f
 *     count those changes over all mutants (a zero total makes its term 0).
 * Lines no mutant reaches score 0. Ties are broken by source order, as in SBFL.
 */
import pLimit from "p-limit";
import { type RankedLine, rankByScore } from "../analysis/sbfl.js";
import { sha256 } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import type { ProgramVerdict, TestVerdict } from "../core/verdict.js";
import type { Evaluator } from "../evaluation/evaluator-types.js";
import { enumerateMutants, type Mutant } from "./mutation.js";
import type { PythonParser } from "./python-parser.js";

export const MBFL_FORMULAS = ["muse", "metallaxis"] as const;
export type MbflFormula = (typeof MBFL_FORMULAS)[number];

export interface MutationLocalizeOptions {
  parser: PythonParser;
  /** The tests to judge on (ids of the problem's tests), e.g. the ones SBFL traced. */
  testIds: readonly string[];
  /** Lines to mutate: those the failing tests ran. */
  lines: ReadonlySet<number>;
  /** Mutants kept per line, in enumeration order; default 4. */
  mutantsPerLine?: number;
  /** Mutants judged at once; the runtime's pool bounds the real parallelism. Default 4. */
  concurrency?: number;
}

export interface MutationLocalization {
  lines: Record<MbflFormula, RankedLine[]>;
  /** Mutants judged, and the program's verdict on the chosen tests. */
  mutants: number;
  verdict: ProgramVerdict;
}

export async function localizeByMutation(
  evaluator: Evaluator,
  problem: Problem,
  program: string,
  options: MutationLocalizeOptions,
): Promise<MutationLocalization> {
  // A problem of its own holding only the chosen tests, its id naming them (the Evaluator caches by id).
  const wanted = new Set(options.testIds);
  const tests = problem.tests.filter((test) => wanted.has(test.id));
  const id = `${problem.id}#tests-${sha256(JSON.stringify(tests.map((test) => test.id))).slice(0, 16)}`;
  const subset: Problem = { ...problem, id, tests };
  const judge = (source: string) => evaluator.evaluate(subset, source, { visibility: "all" }, "all");
  const verdict = await judge(program);
  const mutants = chosenMutants(program, options);
  const limit = pLimit(options.concurrency ?? 4);
  const verdicts = await Promise.all(mutants.map((mutant) => limit(() => judge(mutant.source))));
  const effects = mutants.map((mutant, index) => effectOf(mutant, verdict, verdicts[index]!));
  const lines = [...options.lines].sort((a, b) => a - b);
  return {
    lines: { muse: rankByScore(museScores(lines, effects)), metallaxis: rankByScore(metallaxisScores(lines, effects, verdict)) },
    mutants: mutants.length,
    verdict,
  };
}

function chosenMutants(program: string, options: MutationLocalizeOptions): Mutant[] {
  const perLine = new Map<number, number>();
  return enumerateMutants(program, { parser: options.parser }).filter((mutant) => {
    if (!options.lines.has(mutant.line)) return false;
    const count = perLine.get(mutant.line) ?? 0;
    perLine.set(mutant.line, count + 1);
    return count < (options.mutantsPerLine ?? 4);
  });
}

interface Effect {
  line: number;
  /** Failing tests the mutant passes, passing tests it fails, and the failing and passing tests whose result it changed. */
  failToPass: number;
  passToFail: number;
  killedFailing: number;
  killedPassing: number;
}

function effectOf(mutant: Mutant, original: ProgramVerdict, mutated: ProgramVerdict): Effect {
  const byId = new Map(mutated.tests.map((test) => [test.testId, test]));
  const effect: Effect = { line: mutant.line, failToPass: 0, passToFail: 0, killedFailing: 0, killedPassing: 0 };
  for (const test of original.tests) {
    const other = byId.get(test.testId);
    const passed = test.status === "pass";
    const passes = other?.status === "pass";
    if (!passed && passes) effect.failToPass += 1;
    if (passed && !passes) effect.passToFail += 1;
    if (other === undefined || resultKey(other) !== resultKey(test)) {
      if (passed) effect.killedPassing += 1;
      else effect.killedFailing += 1;
    }
  }
  return effect;
}

function resultKey(test: TestVerdict): string {
  return JSON.stringify([test.status, test.actual?.repr ?? null, test.error?.type ?? null]);
}

function museScores(lines: readonly number[], effects: readonly Effect[]): { line: number; score: number }[] {
  const f2p = effects.reduce((sum, effect) => sum + effect.failToPass, 0);
  const p2f = effects.reduce((sum, effect) => sum + effect.passToFail, 0);
  return lines.map((line) => {
    const own = effects.filter((effect) => effect.line === line);
    const terms = own.map((effect) => (f2p === 0 ? 0 : effect.failToPass / f2p) - (p2f === 0 ? 0 : effect.passToFail / p2f));
    return { line, score: own.length === 0 ? 0 : terms.reduce((sum, term) => sum + term, 0) / own.length };
  });
}

function metallaxisScores(lines: readonly number[], effects: readonly Effect[], verdict: ProgramVerdict): { line: number; score: number }[] {
  const totalFailed = verdict.tests.filter((test) => test.status !== "pass").length;
  return lines.map((line) => {
    const scores = effects
      .filter((effect) => effect.line === line)
      .map(({ killedFailing: ef, killedPassing: ep }) => (ef === 0 ? 0 : ef / Math.sqrt(totalFailed * (ef + ep))));
    return { line, score: Math.max(0, ...scores) };
  });
}

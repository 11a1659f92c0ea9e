/**
 * Spectrum-based fault localization: ranks the lines (or functions) a program ran by how much
 * more often failing tests ran them than passing ones. Ties are broken by source order, so a
 * ranking is deterministic; each entry says how many entries share its score.
 */
import type { Trace } from "../core/trace.js";

export const SBFL_FORMULAS = ["ochiai", "tarantula", "dstar"] as const;
export type SbflFormula = (typeof SBFL_FORMULAS)[number];

/** One test's line coverage, and whether the host judge failed it. */
export interface Spectrum {
  lines: ReadonlySet<number>;
  /** Function of each covered line, for function granularity. */
  functions: ReadonlyMap<number, string>;
  failed: boolean;
}

export interface RankedLine {
  line: number;
  score: number;
  /** 1-based position after tie-breaking. */
  rank: number;
  /** How many lines share this score (1 = no tie). */
  tied: number;
}

export interface RankedFunction {
  function: string;
  lines: number[];
  score: number;
  rank: number;
  tied: number;
}

/** The coverage of one traced test: every user line that ran. */
export function spectrumOf(trace: Trace, failed: boolean): Spectrum {
  const lines = new Set<number>();
  const functions = new Map<number, string>();
  for (const event of trace.events) {
    if (event.kind !== "line") continue;
    lines.add(event.line);
    functions.set(event.line, event.function);
  }
  return { lines, functions, failed };
}

interface Counts {
  failedCovered: number;
  passedCovered: number;
  totalFailed: number;
  totalPassed: number;
}

export function suspiciousness(formula: SbflFormula, c: Counts): number {
  const { failedCovered: ef, passedCovered: ep, totalFailed: tf, totalPassed: tp } = c;
  switch (formula) {
    case "ochiai":
      return ef === 0 ? 0 : ef / Math.sqrt(tf * (ef + ep));
    case "tarantula": {
      const fail = tf === 0 ? 0 : ef / tf;
      const pass = tp === 0 ? 0 : ep / tp;
      return fail + pass === 0 ? 0 : fail / (fail + pass);
    }
    case "dstar": {
      // DStar with * = 2: ef² / (ep + nf); a line every failing test ran and no passing test did is maximal.
      const denominator = ep + (tf - ef);
      return denominator === 0 ? (ef === 0 ? 0 : Number.MAX_VALUE) : (ef * ef) / denominator;
    }
  }
}

/** Lines ranked by suspiciousness, highest first, ties in source order. */
export function rankLines(spectra: readonly Spectrum[], formula: SbflFormula): RankedLine[] {
  const totalFailed = spectra.filter((s) => s.failed).length;
  const totalPassed = spectra.length - totalFailed;
  const lines = [...new Set(spectra.flatMap((s) => [...s.lines]))];
  const scored = lines.map((line) => {
    const covering = spectra.filter((s) => s.lines.has(line));
    const failedCovered = covering.filter((s) => s.failed).length;
    const counts = { failedCovered, passedCovered: covering.length - failedCovered, totalFailed, totalPassed };
    return { line, score: suspiciousness(formula, counts) };
  });
  return rankByScore(scored);
}

/** Scored lines ranked highest first, ties in source order (shared with mutation-based localization). */
export function rankByScore(scored: readonly { line: number; score: number }[]): RankedLine[] {
  return withRanks([...scored].sort((a, b) => b.score - a.score || a.line - b.line));
}

/** Functions ranked by their most suspicious line, ties in order of their first line. */
export function rankFunctions(spectra: readonly Spectrum[], ranking: readonly RankedLine[]): RankedFunction[] {
  const owner = new Map<number, string>();
  for (const spectrum of spectra) for (const [line, fn] of spectrum.functions) owner.set(line, fn);
  const groups = new Map<string, { lines: number[]; score: number }>();
  for (const { line, score } of ranking) {
    const name = owner.get(line) ?? "<module>";
    const group = groups.get(name) ?? { lines: [], score: -Infinity };
    group.lines.push(line);
    group.score = Math.max(group.score, score);
    groups.set(name, group);
  }
  const entries = [...groups].map(([fn, g]) => ({ function: fn, lines: g.lines.sort((a, b) => a - b), score: g.score }));
  return withRanks(entries.sort((a, b) => b.score - a.score || a.lines[0]! - b.lines[0]!));
}

function withRanks<T extends { score: number }>(sorted: T[]): (T & { rank: number; tied: number })[] {
  const ties = new Map<number, number>();
  for (const { score } of sorted) ties.set(score, (ties.get(score) ?? 0) + 1);
  return sorted.map((entry, index) => ({ ...entry, rank: index + 1, tied: ties.get(entry.score)! }));
}

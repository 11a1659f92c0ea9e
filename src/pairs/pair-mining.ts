/**
 * Pair mining from candidate programs (candidate pools, EvalPlus-style samples files): every
 * candidate is judged on its problem's tests; one that fails with a kept failure kind becomes a
 * pair with a fix chosen by the configured strategy:
 *   - `reference`: the problem's reference solution;
 *   - `closest-passing`: the candidate of the same problem that passes every test and is most
 *     similar to the buggy one (ties go to the earlier candidate); with `fallbackToReference`,
 *     the reference when no candidate passes.
 * A buggy program whose tokens equal those of an earlier buggy program of the same problem is a
 * duplicate and dropped. Output order: problems in order of first appearance, candidates in input
 * order, so the result depends only on the input and the verdicts.
 */
import pLimit from "p-limit";
import type { Problem, TestVisibility } from "../core/problem.js";
import type { Evaluator } from "../evaluation/evaluator-types.js";
import { judgeProgram, type ProgramJudgment } from "./program-judgment.js";
import type { PythonParser } from "./python-parser.js";
import { DEFAULT_KEPT_KINDS, type FailingTest, type FailureKind, type FixStrategy, type PairOrigin, type RepairPair } from "./repair-pair.js";
import { tokenSimilarity } from "./similarity.js";

export interface MiningCandidate {
  problem: Problem;
  /** The benchmark loader name the problem comes from. */
  benchmark: string;
  program: string;
  origin: Exclude<PairOrigin, { kind: "mutation" }>;
}

export interface PairSelectionOptions {
  evaluator: Evaluator;
  parser: PythonParser;
  /** Failure kinds that make a pair (default: wrong answers and exceptions). */
  keep?: readonly FailureKind[];
  visibility?: TestVisibility | "all";
  /** Programs judged at once (the runtime's pool bounds real parallelism). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface MiningOptions extends PairSelectionOptions {
  fix?: FixStrategy;
  /** With `closest-passing`: use the reference when no candidate passes (default false: drop). */
  fallbackToReference?: boolean;
}

export interface PairSearchResult {
  pairs: RepairPair[];
  /** Candidates (or mutants) that made no pair, by reason. */
  dropped: Record<string, number>;
}

export const DEFAULT_CONCURRENCY = 16;

export async function minePairs(candidates: readonly MiningCandidate[], options: MiningOptions): Promise<PairSearchResult> {
  const judgments = await judgeAll(
    candidates.map((candidate) => ({ problem: candidate.problem, program: candidate.program })),
    options,
  );
  const dropped = createDropCounter();
  const pairs: RepairPair[] = [];
  for (const group of groupByProblem(candidates, judgments)) {
    pairs.push(...pairsOfProblem(group, options, dropped.add));
  }
  return { pairs, dropped: dropped.counts };
}

interface JudgedCandidate extends MiningCandidate {
  judgment: ProgramJudgment;
  tokens: string[];
}

export async function judgeAll(programs: readonly { problem: Problem; program: string }[], options: PairSelectionOptions): Promise<ProgramJudgment[]> {
  const limit = pLimit(options.concurrency ?? DEFAULT_CONCURRENCY);
  let done = 0;
  return Promise.all(
    programs.map(({ problem, program }) =>
      limit(async () => {
        const judgment = await judgeProgram(options.evaluator, problem, program, { visibility: options.visibility });
        options.onProgress?.(++done, programs.length);
        return judgment;
      }),
    ),
  );
}

function groupByProblem(candidates: readonly MiningCandidate[], judgments: readonly ProgramJudgment[]): JudgedCandidate[][] {
  const groups = new Map<string, JudgedCandidate[]>();
  candidates.forEach((candidate, index) => {
    const judged = { ...candidate, judgment: judgments[index] as ProgramJudgment, tokens: [] };
    const group = groups.get(candidate.problem.id);
    if (group === undefined) groups.set(candidate.problem.id, [judged]);
    else group.push(judged);
  });
  return [...groups.values()];
}

function pairsOfProblem(group: JudgedCandidate[], options: MiningOptions, drop: (reason: string) => void): RepairPair[] {
  const { parser } = options;
  const keep = new Set(options.keep ?? DEFAULT_KEPT_KINDS);
  group.forEach((candidate) => (candidate.tokens = parser.tokens(candidate.program)));
  const passing = group.filter((candidate) => candidate.judgment.passed);
  const seen = new Set<string>();
  const pairs: RepairPair[] = [];
  for (const candidate of group) {
    const judgment = candidate.judgment;
    if (judgment.passed) {
      drop(judgment.testsRun === 0 ? "no-tests" : "passes-all-tests");
      continue;
    }
    if (!keep.has(judgment.kind)) {
      drop(`not-kept:${judgment.kind}`);
      continue;
    }
    const key = candidate.tokens.join("\u0000");
    if (seen.has(key)) {
      drop("duplicate-buggy");
      continue;
    }
    seen.add(key);
    const fix = chooseFix(candidate, passing, options);
    if (typeof fix === "string") {
      drop(fix);
      continue;
    }
    pairs.push(
      createPair({
        problem: candidate.problem,
        benchmark: candidate.benchmark,
        origin: candidate.origin,
        buggy: candidate.program,
        judgment,
        fixed: fix.program,
        fix: fix.fix,
        similarity: fix.similarity,
      }),
    );
  }
  return pairs;
}

type ChosenFix = { program: string; fix: RepairPair["fix"]; similarity: number };

/** The fix, or the drop reason when there is none. */
function chooseFix(buggy: JudgedCandidate, passing: readonly JudgedCandidate[], options: MiningOptions): ChosenFix | string {
  const reference = (): ChosenFix | string => {
    const program = buggy.problem.reference;
    if (program === undefined) return "no-reference";
    return { program, fix: { kind: "reference" }, similarity: tokenSimilarity(buggy.tokens, options.parser.tokens(program)) };
  };
  if ((options.fix ?? "reference") === "reference") return reference();
  let best: { candidate: JudgedCandidate; similarity: number } | undefined;
  for (const candidate of passing) {
    const similarity = tokenSimilarity(buggy.tokens, candidate.tokens);
    if (best === undefined || similarity > best.similarity) best = { candidate, similarity };
  }
  if (best !== undefined) {
    return { program: best.candidate.program, fix: { kind: "candidate", origin: best.candidate.origin }, similarity: best.similarity };
  }
  return options.fallbackToReference === true ? reference() : "no-passing-candidate";
}

export interface PairParts {
  problem: Problem;
  benchmark: string;
  origin: PairOrigin;
  buggy: string;
  judgment: Extract<ProgramJudgment, { passed: false }>;
  fixed: string;
  fix: RepairPair["fix"];
  similarity: number;
}

export function createPair(parts: PairParts): RepairPair {
  const { judgment } = parts;
  return {
    id: `${parts.problem.id}@${originSlug(parts.origin, parts.buggy)}`,
    problemId: parts.problem.id,
    benchmark: parts.benchmark,
    task: parts.problem.prompt,
    entryPoint: parts.problem.entryPoint,
    origin: parts.origin,
    buggy: parts.buggy,
    fixed: parts.fixed,
    fix: parts.fix,
    // Rounded so that the JSONL does not carry float noise; the split threshold is 0.75.
    similarity: Math.round(parts.similarity * 1e6) / 1e6,
    failureKind: judgment.kind,
    failingTests: judgment.failingTests,
    testsRun: judgment.testsRun,
    reason: keptReason(parts),
  };
}

/** The part of a pair id after `<problem id>@`: unique among the pairs of one problem. */
function originSlug(origin: PairOrigin, buggy: string): string {
  switch (origin.kind) {
    case "candidate":
      return origin.pool;
    case "samples":
      return `${origin.file}#${origin.index}`;
    case "mutation":
      return `mutant-${origin.operator}-${origin.line}-${origin.column}-${shortHash(buggy)}`;
  }
}

function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

export function describeOrigin(origin: PairOrigin): string {
  switch (origin.kind) {
    case "candidate":
      return `the candidate from pool ${origin.pool}`;
    case "samples":
      return `sample ${origin.index} of ${origin.file}`;
    case "mutation":
      return `a ${origin.operator} mutant of the reference (${origin.description})`;
  }
}

function keptReason(parts: PairParts): string {
  const { judgment } = parts;
  const first = judgment.failingTests[0] as FailingTest | undefined;
  const failing = `fails ${judgment.failingTests.length} of the ${judgment.testsRun} tests run`;
  const kind = `${judgment.kind}${first === undefined ? "" : `, first on ${first.testId}`}`;
  const fixedBy = parts.fix.kind === "reference" ? "the reference solution" : `the most similar passing program, ${describeOrigin(parts.fix.origin)}`;
  return `${describeOrigin(parts.origin)} ${failing} (${kind}); fixed by ${fixedBy}, similarity ${parts.similarity.toFixed(3)}`;
}

export interface DropCounter {
  counts: Record<string, number>;
  add(reason: string, count?: number): void;
  /** Adds every count of another tally. */
  merge(other: Record<string, number>): void;
}

export function createDropCounter(): DropCounter {
  const counts: Record<string, number> = {};
  const add = (reason: string, count = 1): void => void (counts[reason] = (counts[reason] ?? 0) + count);
  return { counts, add, merge: (other) => Object.entries(other).forEach(([reason, count]) => add(reason, count)) };
}

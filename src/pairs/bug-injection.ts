/**
 * Bug injection for benchmarks without candidate pools: seeded samples of mutants of each
 * reference solution (mutation.ts: only mutants that parse, deduplicated by tokens), judged with
 * the Evaluator. A mutant makes a pair, fixed by the reference, when it fails at least one test
 * with a kept failure kind and within the time limit (timeouts are dropped whatever the kept kinds);
 * a mutant that passes, times out or fails otherwise is dropped.
 *
 * Each problem's mutants are drawn with its own seed, derived from the configured seed and the
 * problem id, so adding or removing a problem does not change the mutants of the others.
 */
import { sha256 } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import { filterMutants, sampleMutants, type JudgeOutcome, type Mutant, type MutationOperator } from "./mutation.js";
import { createDropCounter, createPair, DEFAULT_CONCURRENCY, type PairSearchResult, type PairSelectionOptions } from "./pair-mining.js";
import { judgeProgram, type ProgramJudgment } from "./program-judgment.js";
import { DEFAULT_KEPT_KINDS, type RepairPair } from "./repair-pair.js";
import { tokenSimilarity } from "./similarity.js";

export interface InjectionOptions extends PairSelectionOptions {
  seed: number;
  /** Mutants judged per problem (balanced across operators). */
  maxPerProblem: number;
  operators?: readonly MutationOperator[];
}

export async function injectPairs(problems: readonly Problem[], benchmark: string, options: InjectionOptions): Promise<PairSearchResult> {
  const dropped = createDropCounter();
  const keep = new Set(options.keep ?? DEFAULT_KEPT_KINDS);
  const planned = problems.map((problem) => ({ problem, mutants: mutantsOf(problem, options) }));
  const total = planned.reduce((sum, entry) => sum + entry.mutants.length, 0);
  let done = 0;
  const results = await Promise.all(
    planned.map(async ({ problem, mutants }) => {
      const judgments = new Map<string, ProgramJudgment>();
      const judge = async (source: string): Promise<JudgeOutcome> => {
        const judgment = await judgeProgram(options.evaluator, problem, source, { visibility: options.visibility });
        judgments.set(source, judgment);
        options.onProgress?.(++done, total);
        return outcomeOf(judgment, keep);
      };
      const concurrency = Math.max(1, Math.ceil((options.concurrency ?? DEFAULT_CONCURRENCY) / 4));
      const { kept } = await filterMutants(mutants, judge, { concurrency });
      return { problem, mutants, kept, judgments };
    }),
  );
  const pairs: RepairPair[] = [];
  for (const { problem, mutants, kept, judgments } of results) {
    if (problem.reference === undefined) {
      dropped.add("no-reference");
      continue;
    }
    const referenceTokens = options.parser.tokens(problem.reference);
    for (const mutant of mutants) {
      const judgment = judgments.get(mutant.source) as ProgramJudgment;
      if (judgment.passed || !kept.includes(mutant)) {
        dropped.add(judgment.passed ? "mutant-passes-all-tests" : `not-kept:${judgment.kind}`);
        continue;
      }
      pairs.push(
        createPair({
          problem,
          benchmark,
          origin: {
            kind: "mutation",
            operator: mutant.operator,
            line: mutant.line,
            column: mutant.column,
            description: mutant.description,
            seed: problemSeed(options.seed, problem.id),
          },
          buggy: mutant.source,
          judgment,
          fixed: problem.reference,
          fix: { kind: "reference" },
          similarity: tokenSimilarity(options.parser.tokens(mutant.source), referenceTokens),
        }),
      );
    }
  }
  return { pairs, dropped: dropped.counts };
}

function mutantsOf(problem: Problem, options: InjectionOptions): Mutant[] {
  if (problem.reference === undefined) return [];
  return sampleMutants(problem.reference, {
    parser: options.parser,
    seed: problemSeed(options.seed, problem.id),
    maxPerProgram: options.maxPerProblem,
    ...(options.operators === undefined ? {} : { operators: options.operators }),
  });
}

/** The configured seed mixed with the problem id: an unsigned 32-bit integer. */
export function problemSeed(seed: number, problemId: string): number {
  return (seed ^ Number.parseInt(sha256(problemId).slice(0, 8), 16)) >>> 0;
}

/** Only a terminating failure of a kept kind is a usable bug: a mutant that times out never is. */
function outcomeOf(judgment: ProgramJudgment, keep: ReadonlySet<string>): JudgeOutcome {
  if (judgment.passed) return "passes";
  if (judgment.kind === "timeout") return "timeout";
  return keep.has(judgment.kind) ? "fails" : "error";
}

/**
 * REval's incremental consistency: the questions about one line of one traced call form a chain
 * coverage → state → path → output (each step presumes the one before), and a chain scores the
 * share of its steps answered right before the first wrong one. The score is the mean over
 * chains; `consistent` counts chains answered right all the way.
 */
import { REASON_TASKS, type ReasonQuestion } from "../config/reason-question.js";

export interface ConsistencyScore {
  chains: number;
  consistent: number;
  score: number;
}

/** Chains of the lines asked about by coverage (true), each ending in its call's output question. */
export function incrementalConsistency(questions: readonly ReasonQuestion[], correct: ReadonlyMap<string, boolean>): ConsistencyScore {
  const chains = new Map<string, ReasonQuestion[]>();
  const outputs = new Map<string, ReasonQuestion>();
  for (const question of questions) {
    if (question.task === "output") outputs.set(callKey(question), question);
    else if (question.task !== "coverage" || question.answer) {
      const key = `${callKey(question)}\u0000${question.line}`;
      chains.set(key, [...(chains.get(key) ?? []), question]);
    }
  }
  const scores = [...chains.values()]
    .filter((chain) => chain.some((question) => question.task === "coverage"))
    .map((chain) => {
      const output = outputs.get(callKey(chain[0]!));
      const ordered = [...chain, ...(output ? [output] : [])].sort((a, b) => REASON_TASKS.indexOf(a.task) - REASON_TASKS.indexOf(b.task));
      const prefix = ordered.findIndex((question) => correct.get(question.id) !== true);
      return (prefix === -1 ? ordered.length : prefix) / ordered.length;
    });
  const total = scores.reduce((sum, value) => sum + value, 0);
  return { chains: scores.length, consistent: scores.filter((value) => value === 1).length, score: scores.length === 0 ? 0 : total / scores.length };
}

function callKey(question: ReasonQuestion): string {
  return `${question.problem}\u0000${question.call}`;
}

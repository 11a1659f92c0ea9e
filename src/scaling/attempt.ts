/** What a strategy records: every attempt with its request, response, answer and verdicts. */
import type { Attempt, UnitKey } from "../config/attempt-schema.js";
import type { ProgramVerdict, VerdictSummary } from "../core/verdict.js";

export type {
  Attempt,
  AttemptRequest,
  AttemptResponse,
  FeedbackRecord,
  FeedbackTrace,
  UnitKey,
} from "../config/attempt-schema.js";
export type { VerdictSummary } from "../core/verdict.js";

export function summarizeVerdict(verdict: ProgramVerdict): VerdictSummary {
  const counts = { pass: 0, fail: 0, error: 0, timeout: 0 };
  for (const test of verdict.tests) counts[test.status] += 1;
  return {
    passed: verdict.passed,
    total: verdict.tests.length,
    counts,
    failures: verdict.tests.filter((test) => test.status !== "pass"),
    ...(verdict.loadError ? { loadError: verdict.loadError } : {}),
  };
}

/** Passed the public tests (an attempt without public tests never counts as passing them). */
export function passedPublic(attempt: Attempt): boolean {
  return attempt.answer !== undefined && attempt.publicVerdict?.passed === true;
}

export function compareUnits(a: UnitKey, b: UnitKey): number {
  return a.chain - b.chain || a.round - b.round;
}

/**
 * Choosing one answer among several attempts.
 * - `oracle`: an attempt that passes the hidden tests if any does (the pass@k upper bound).
 * - `public-filter`: the first attempt that passes the public tests, else the first attempt.
 * - `majority`: attempts are grouped by their outputs on the public inputs (a prediction by its
 *   text); the first attempt of the largest group wins, ties going to the group seen first.
 *   A public test that is an assertion contributes its status only, having no output.
 * Attempts come in (chain, round) order; an attempt without an answer is chosen only when no
 * attempt has one.
 */
import type { ProgramVerdict } from "../core/verdict.js";
import { type Attempt, passedPublic } from "./attempt.js";

export const SELECTIONS = ["oracle", "public-filter", "majority"] as const;
export type Selection = (typeof SELECTIONS)[number];

export function selectAttempt(selection: Selection, attempts: readonly Attempt[]): Attempt | undefined {
  const answered = attempts.filter((attempt) => attempt.answer !== undefined);
  const pool = answered.length > 0 ? answered : attempts;
  switch (selection) {
    case "oracle":
      return pool.find((attempt) => attempt.hiddenVerdict.passed) ?? pool[0];
    case "public-filter":
      return pool.find(passedPublic) ?? pool[0];
    case "majority":
      return majority(pool);
  }
}

function majority(attempts: readonly Attempt[]): Attempt | undefined {
  const groups = new Map<string, Attempt[]>();
  for (const attempt of attempts) {
    const key = outputSignature(attempt);
    groups.set(key, [...(groups.get(key) ?? []), attempt]);
  }
  let best: Attempt[] | undefined;
  // Map iteration follows insertion order, so on a tie the group seen first stays.
  for (const group of groups.values()) if (best === undefined || group.length > best.length) best = group;
  return best?.[0];
}

/** What an attempt does on the public inputs, as a comparable string. */
export function outputSignature(attempt: Attempt): string {
  if (attempt.publicVerdict === undefined) return `answer:${(attempt.answer ?? "").trim().replace(/\s+/g, " ")}`;
  return verdictSignature(attempt.publicVerdict);
}

function verdictSignature(verdict: ProgramVerdict): string {
  if (verdict.loadError) return `load-error:${verdict.loadError.type}`;
  return JSON.stringify(
    verdict.tests.map((test) => [
      test.testId,
      test.actual?.repr ?? (test.status === "pass" || test.status === "fail" ? test.status : `${test.status}:${test.error?.type ?? ""}`),
    ]),
  );
}

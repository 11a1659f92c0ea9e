/**
 * `sbfl`: the program with its most suspicious executed lines marked by rank, then the
 * failing tests' facts as `tests` shows them. Suspiciousness is Ochiai over the line coverage
 * of the given tests' traces; a test fails as in test-facts (no value, or not the expected
 * one). Only the top `SBFL_TOP` lines are marked, so the annotation stays a coarse signal.
 *
 * Source: the SBFL-in-the-prompt idea of FuseFL (Widyasari et al. 2024) and of
 * LLM4FL; the formula is Ochiai (Abreu et al. 2007). Ties are broken by source order.
 */
import { rankLines, spectrumOf } from "../analysis/sbfl.js";
import type { RenderOptions } from "./options.js";
import type { RenderInput, Representation } from "./representation.js";
import { isFailing, renderProgramAndTestFacts } from "./test-facts.js";

export const SBFL_TOP = 5;

const defaults: RenderOptions = {};

/** Rank (1 = most suspicious) of each of the top lines, by line number. */
export function suspiciousRanks(input: RenderInput, top = SBFL_TOP): Map<number, number> {
  const spectra = input.tests.map((test) => spectrumOf(test.trace, isFailing(test)));
  if (!spectra.some((spectrum) => spectrum.failed)) return new Map();
  const ranking = rankLines(spectra, "ochiai").filter((entry) => entry.score > 0);
  return new Map(ranking.slice(0, top).map((entry) => [entry.line, entry.rank]));
}

/** The mark a suspicious line gets. */
export function suspiciousMark(rank: number): string {
  return `suspicious #${rank}`;
}

/** The program with each ranked line followed by `  # suspicious #rank`. */
export function markSuspiciousLines(program: string, ranks: Map<number, number>): string {
  const lines = program.replace(/\n+$/, "").split("\n");
  const marked = lines.map((text, index) => {
    const rank = ranks.get(index + 1);
    return rank === undefined ? text : `${text}  # ${suspiciousMark(rank)}`;
  });
  return marked.join("\n");
}

function annotatedProgram(program: string, ranks: Map<number, number>): string {
  return "```python\n" + markSuspiciousLines(program, ranks) + "\n```";
}

export const sbflRepresentation: Representation = {
  name: "sbfl",
  description: "The program with its top-5 Ochiai-suspicious lines marked, plus the failing tests' facts",
  usesTrace: true,
  defaults,
  needs: { passing: true, reference: false },
  render(input, options) {
    return renderProgramAndTestFacts(annotatedProgram(input.program, suspiciousRanks(input)), input, options, defaults);
  },
};

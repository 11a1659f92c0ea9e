/**
 * Fault localization of one program: the host judge decides which io tests pass, each chosen
 * test is traced on its input alone (its expected output never enters the sandbox), and the
 * line coverage of those traces is ranked by SBFL.
 */
import {
  type RankedFunction,
  type RankedLine,
  SBFL_FORMULAS,
  type SbflFormula,
  type Spectrum,
  rankFunctions,
  rankLines,
  spectrumOf,
} from "../analysis/sbfl.js";
import type { Problem } from "../core/problem.js";
import type { Trace } from "../core/trace.js";
import type { ProgramVerdict } from "../core/verdict.js";
import type { Runtime } from "../runtime/runtime.js";
import type { Evaluator } from "./evaluator-types.js";

export interface LocalizeOptions {
  /** At most this many failing and this many passing tests are traced (in test order). */
  maxFailing?: number;
  maxPassing?: number;
}

export interface Localization {
  verdict: ProgramVerdict;
  traces: { testId: string; failed: boolean; trace: Trace }[];
  spectra: Spectrum[];
  lines: Record<SbflFormula, RankedLine[]>;
  functions: Record<SbflFormula, RankedFunction[]>;
}

export async function localize(
  runtime: Runtime,
  evaluator: Evaluator,
  problem: Problem,
  program: string,
  options: LocalizeOptions = {},
): Promise<Localization> {
  const verdict = await evaluator.evaluate(problem, program, { visibility: "all" }, "all");
  const { tests } = await evaluator.prepare(problem);
  const argsById = new Map(tests.flatMap((test) => (test.kind === "io" ? [[test.id, test.args] as const] : [])));
  const judged = verdict.tests.filter((test) => argsById.has(test.testId));
  const failing = judged.filter((test) => test.status !== "pass").slice(0, options.maxFailing ?? 5);
  const passing = judged.filter((test) => test.status === "pass").slice(0, options.maxPassing ?? 10);
  const traces = [];
  for (const test of [...failing, ...passing]) {
    const call = `${problem.entryPoint}(${argsById.get(test.testId)!})`;
    const trace = await runtime.trace({ program, input: { kind: "call", call } });
    traces.push({ testId: test.testId, failed: test.status !== "pass", trace });
  }
  const spectra = traces.map(({ trace, failed }) => spectrumOf(trace, failed));
  const lines = Object.fromEntries(SBFL_FORMULAS.map((f) => [f, rankLines(spectra, f)])) as Record<SbflFormula, RankedLine[]>;
  const functions = Object.fromEntries(SBFL_FORMULAS.map((f) => [f, rankFunctions(spectra, lines[f])])) as Record<SbflFormula, RankedFunction[]>;
  return { verdict, traces, spectra, lines, functions };
}

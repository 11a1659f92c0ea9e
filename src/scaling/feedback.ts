/**
 * Execution feedback for a failed program: its failing tests are traced on the program in the
 * sandbox and rendered by a representation, fit to a token budget.
 *
 * Kinds: `none` (the program only), `tests` (the failing tests' input, expected and actual
 * output or error, no trace) and `trace:<representation>` (the same facts plus the trace).
 * When even the smallest rendering of the configured representation is over budget, the
 * feedback falls back to `tests`, then to `none`, and records why.
 *
 * A representation that reads more than the failing tests (`Representation.needs`) gets it:
 * the passing public tests' traces (at most `maxPassing`), and, with `reference`, the
 * problem's reference solution traced on each shown failing input.
 */
import { ConfigError } from "../core/errors.js";
import type { Problem } from "../core/problem.js";
import type { Limits, Trace } from "../core/trace.js";
import { fit } from "../representations/fit.js";
import type { RenderOptions } from "../representations/options.js";
import { getRepresentation, isRepresentationName, listRepresentations } from "../representations/registry.js";
import type { RenderInput, RenderTest } from "../representations/representation.js";
import type { Tokenizer } from "../representations/tokenizers/tokenizer.js";
import type { Runtime } from "../runtime/runtime.js";
import type { TestCall } from "../tasks/test-calls.js";
import type { FeedbackRecord, FeedbackTrace } from "./attempt.js";

export const TRACE_FEEDBACK_PREFIX = "trace:";

/** `none`, `tests` or `trace:<representation>` → the representation that renders it. */
export function feedbackRepresentation(kind: string): string {
  if (kind === "none" || kind === "tests") return kind;
  const name = kind.startsWith(TRACE_FEEDBACK_PREFIX) ? kind.slice(TRACE_FEEDBACK_PREFIX.length) : undefined;
  if (name !== undefined && isRepresentationName(name) && getRepresentation(name).usesTrace) return name;
  const traced = listRepresentations().filter((representation) => representation.usesTrace);
  throw new ConfigError(
    `unknown feedback "${kind}": expected none, tests or ${traced.map((representation) => `${TRACE_FEEDBACK_PREFIX}${representation.name}`).join(", ")}`,
  );
}

export interface FeedbackBuilderOptions {
  runtime: Runtime;
  tokenizer: Tokenizer;
  /** Token budget of the rendered feedback. */
  budget: number;
  renderOptions?: RenderOptions;
  /** Failing tests traced and shown at most; default 3. */
  maxTests?: number;
  /** Passing tests traced at most, for representations that need them; default 5. */
  maxPassing?: number;
  /**
   * Trace the problem's reference on the failing inputs for representations that compare with
   * it. Its values are an oracle the model would not have, hence off by default.
   */
  reference?: boolean;
  /** Limits of each feedback trace. */
  limits?: Partial<Limits>;
}

export interface FeedbackRequest {
  kind: string;
  problem: Problem;
  /** The failed program; undefined when the answer held no code. */
  program: string | undefined;
  /** The failing tests, in test order. */
  failing: readonly TestCall[];
  /** The passing (public) tests, in test order; traced only for representations that need them. */
  passing?: readonly TestCall[];
}

export interface FeedbackBuilder {
  build(request: FeedbackRequest): Promise<FeedbackRecord>;
}

export const DEFAULT_FEEDBACK_TESTS = 3;
export const DEFAULT_FEEDBACK_PASSING = 5;

export const NO_CODE_FEEDBACK = "Your answer did not contain a ```python code block, so there was no program to run.";

export function createFeedbackBuilder(options: FeedbackBuilderOptions): FeedbackBuilder {
  const maxTests = options.maxTests ?? DEFAULT_FEEDBACK_TESTS;
  return {
    async build({ kind, problem, program, failing, passing = [] }) {
      const started = performance.now();
      const configured = feedbackRepresentation(kind);
      const base = { kind, budget: options.budget };
      if (program === undefined) {
        const tokens = options.tokenizer.count(NO_CODE_FEEDBACK);
        return { ...base, representation: "none", text: NO_CODE_FEEDBACK, tokens, fitSteps: [], traces: [], durationMs: performance.now() - started };
      }
      const needs = getRepresentation(configured).needs;
      const shown = configured === "none" ? [] : failing.slice(0, maxTests);
      const compared = needs?.passing === true ? passing.slice(0, options.maxPassing ?? DEFAULT_FEEDBACK_PASSING) : [];
      const reference = needs?.reference === true && options.reference === true ? problem.reference : undefined;
      const [failingTests, passingTests] = await Promise.all([
        Promise.all(shown.map((call) => traceTest(options, program, call, reference))),
        Promise.all(compared.map((call) => traceTest(options, program, call))),
      ]);
      const tests = [
        ...failingTests,
        ...passingTests.map((test) => ({ ...test, records: test.records.map((record) => ({ ...record, role: "passing" as const })) })),
      ];
      const input = { program, tests: tests.map((test) => test.render), ...(reference === undefined ? {} : { reference }) };
      return {
        ...base,
        ...renderWithinBudget(configured, input, options),
        traces: tests.flatMap((test) => test.records),
        durationMs: performance.now() - started,
      };
    },
  };
}

/** The test traced on the program, and on the reference when one is given. */
async function traceTest(
  options: FeedbackBuilderOptions,
  program: string,
  call: TestCall,
  reference?: string,
): Promise<{ render: RenderTest; records: FeedbackTrace[] }> {
  const run = (source: string) => options.runtime.trace({ program: source, input: call.input, ...(options.limits ? { limits: options.limits } : {}) });
  const [trace, fixed] = await Promise.all([run(program), reference === undefined ? undefined : run(reference)]);
  const expected = call.expected === undefined ? {} : { expected: call.expected };
  const record = (traced: Trace): FeedbackTrace => ({
    testId: call.testId,
    input: call.input,
    ...expected,
    outcome: traced.outcome.kind,
    events: traced.events.length,
  });
  return {
    render: { input: call.input, trace, ...expected, ...(fixed === undefined ? {} : { reference: fixed }) },
    records: [record(trace), ...(fixed === undefined ? [] : [{ ...record(fixed), role: "reference" as const }])],
  };
}

type Rendered = Pick<FeedbackRecord, "representation" | "text" | "tokens" | "fitSteps" | "fallback">;

function renderWithinBudget(configured: string, input: RenderInput, options: FeedbackBuilderOptions): Rendered {
  const reasons: string[] = [];
  const chain: string[] = [...new Set<string>([configured, "tests", "none"])];
  for (const name of chain) {
    const result = fit(getRepresentation(name), input, options.renderOptions, options.budget, options.tokenizer);
    if (result.ok) {
      return {
        representation: name,
        text: result.rendering.text,
        tokens: result.tokens,
        fitSteps: result.steps,
        ...(reasons.length > 0 ? { fallback: reasons.join("; ") } : {}),
      };
    }
    reasons.push(result.reason);
  }
  // Not even the program fits: send it whole rather than a cut program, and say so.
  const text = getRepresentation("none").render(input, options.renderOptions).text;
  return { representation: "none", text, tokens: options.tokenizer.count(text), fitSteps: [], fallback: reasons.join("; ") };
}

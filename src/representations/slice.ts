/**
 * `slice`: the trace of the first shown failing test restricted to its dynamic backward slice
 * (analysis/slice.ts), the steps its wrong result or exception depends on. Per shown test: its
 * facts as `tests` states them; for the first, then a line saying how much of the trace the
 * slice keeps and the kept steps in execution order, one `Ln: var=value; ...` entry each (the
 * line and what it changed, as Concise has them, with `__return__`/`__exception__`),
 * indented by call depth, with the shared clipping (loops, depth, `keepLastSteps`) applied to
 * the slice and `...` lines saying what it hid. One failure is explained and the others are stated: on small
 * programs a slice keeps most of its trace, and the other failing tests' slices would mostly
 * repeat it. A trace without a statement table (schema version 1) keeps every step.
 *
 * Source: dynamic slicing (Korel & Laski 1988; Agrawal & Horgan 1990), given to the model in
 * place of whole traces, since traces help repair less the longer they grow (Wang et al.
 * 2025, arXiv 2509.11686).
 */
import { sliceTrace, type DynamicSlice } from "../analysis/slice.js";
import type { Trace } from "../core/trace.js";
import { entryPairs } from "./entries.js";
import type { RenderOptions } from "./options.js";
import type { RenderInput, RenderTest, Representation } from "./representation.js";
import { renderSequence } from "./sequence.js";
import { actualLabel, isFailing, testHeading } from "./test-facts.js";
import { describeGap, plural } from "./view.js";

const defaults: RenderOptions = {};

/** The trace with only the sliced events; steps keep their numbers, and unrecorded steps stay counted. */
export function restrictToSlice(trace: Trace, slice: DynamicSlice): Trace {
  const events = slice.eventIndices.map((index) => trace.events[index]!);
  return { ...trace, events, totalSteps: events.length + (trace.totalSteps - trace.events.length) };
}

function sliceNote(slice: DynamicSlice, total: number): string {
  if (!slice.fromStatements) return `Slice: every step (no statement table):`;
  const what = slice.criterion.kind === "raised" ? "exception" : "result";
  return `Slice: the ${slice.steps.length} of ${plural(total, "step")} the ${what} depends on:`;
}

/** Slices by trace: `fit` renders the same traces many times over. */
const slices = new WeakMap<Trace, DynamicSlice>();

function sliceOf(trace: Trace): DynamicSlice {
  let slice = slices.get(trace);
  if (slice === undefined) {
    slice = sliceTrace(trace);
    slices.set(trace, slice);
  }
  return slice;
}

/** The test whose slice is shown: the first one the formats show (see test-facts.ts). */
export function slicedTest(input: RenderInput): RenderTest | undefined {
  return input.tests.find(isFailing) ?? input.tests[0];
}

export const sliceRepresentation: Representation = {
  name: "slice",
  description:
    "The first failing test's dynamic backward slice (the steps its result or exception depends on) as `Ln: changes` entries, and the failing tests' facts",
  usesTrace: true,
  defaults,
  render(input, options) {
    const notes = new Map<Trace, string>();
    const shown = slicedTest(input);
    const tests = input.tests.map((test) => {
      if (test !== shown) return { ...test, trace: { ...test.trace, events: [], totalSteps: 0 } };
      const slice = sliceOf(test.trace);
      const trace = restrictToSlice(test.trace, slice);
      notes.set(trace, sliceNote(slice, test.trace.events.length));
      return { ...test, trace };
    });
    return renderSequence({ program: input.program, tests }, options, defaults, {
      header(facts) {
        const lines = [testHeading(facts)];
        if (facts.expected !== undefined) lines.push(`Expected: ${facts.expected}`);
        lines.push(`Actual: ${actualLabel(facts.actual)}`);
        const note = notes.get(facts.trace);
        return note === undefined ? lines : [...lines, note];
      },
      entry(entry, resolved, clip) {
        const state = entryPairs(entry, resolved, clip).map(([name, value]) => `${name}=${value}`);
        return state.length === 0 ? `L${entry.line}` : `L${entry.line}: ${state.join("; ")}`;
      },
      gap: (gap) => `... ${describeGap(gap)}`,
      footer: () => [],
      omitted: (note) => note,
    });
  },
};

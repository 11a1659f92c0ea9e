/**
 * `slice`: each failing test's trace restricted to its dynamic backward slice
 * (analysis/slice.ts), the steps its wrong result or exception depends on. Per test: the
 * test's facts as `tests` states them, a line saying how much of the trace the slice keeps,
 * then the kept steps in execution order as Concise-style `[Ln] changes [/Ln]` entries,
 * indented by call depth, with the shared clipping (loops, depth, `keepLastSteps`) applied to
 * the slice. A trace without a statement table (schema version 1) keeps every step.
 *
 * Source: dynamic slicing (Korel & Laski 1988; Agrawal & Horgan 1990), given to the model in
 * place of the whole trace, since traces help repair less the longer they grow (Wang et al.
 * 2025, arXiv 2509.11686).
 */
import { sliceTrace, type DynamicSlice } from "../analysis/slice.js";
import type { Trace } from "../core/trace.js";
import { entryPairs } from "./entries.js";
import type { RenderOptions } from "./options.js";
import type { Representation } from "./representation.js";
import { renderSequence } from "./sequence.js";
import { actualLabel, testHeading } from "./test-facts.js";
import { describeGap, plural } from "./view.js";

const defaults: RenderOptions = {};

/** The trace with only the sliced events; steps keep their numbers, and unrecorded steps stay counted. */
export function restrictToSlice(trace: Trace, slice: DynamicSlice): Trace {
  const events = slice.eventIndices.map((index) => trace.events[index]!);
  return { ...trace, events, totalSteps: events.length + (trace.totalSteps - trace.events.length) };
}

function sliceNote(slice: DynamicSlice, total: number): string {
  if (!slice.fromStatements) return `Slice: every step (the trace has no statement table)`;
  const what = slice.criterion.kind === "raised" ? "exception" : "result";
  const lines = slice.lines.length === 0 ? "" : ` (${slice.lines.length === 1 ? "line" : "lines"} ${slice.lines.join(", ")})`;
  return `Slice: the ${slice.steps.length} of ${plural(total, "step")} that the ${what} depends on${lines}`;
}

export const sliceRepresentation: Representation = {
  name: "slice",
  description: "Each failing test's dynamic backward slice: the steps its result or exception depends on, Concise-style",
  usesTrace: true,
  defaults,
  render(input, options) {
    const notes = new Map<Trace, string>();
    const tests = input.tests.map((test) => {
      const slice = sliceTrace(test.trace);
      const trace = restrictToSlice(test.trace, slice);
      notes.set(trace, sliceNote(slice, test.trace.events.length));
      return { ...test, trace };
    });
    return renderSequence({ program: input.program, tests }, options, defaults, {
      header(facts) {
        const lines = [testHeading(facts)];
        if (facts.expected !== undefined) lines.push(`Expected: ${facts.expected}`);
        lines.push(`Actual: ${actualLabel(facts.actual)}`, notes.get(facts.trace)!);
        return lines;
      },
      entry(entry, resolved, clip) {
        const state = entryPairs(entry, resolved, clip).map(([name, value]) => `${name}=${value}`);
        return `[L${entry.line}] ${state.length === 0 ? "" : `${state.join("; ")} `}[/L${entry.line}]`;
      },
      gap: (gap) => `[SKIP] ${describeGap(gap)} [/SKIP]`,
      footer: () => [],
      omitted: (note) => note,
    });
  },
};

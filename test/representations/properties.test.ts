/**
 * Properties over arbitrary well-formed traces: nested frames, loops over random lines,
 * returns, exceptions, limits, awkward reprs (quotes, backslashes, newlines, astral
 * characters) and random render options.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareRuns } from "../../src/analysis/divergence.js";
import { sliceTrace } from "../../src/analysis/slice.js";
import type { Outcome, Scope, Statement, TracedError } from "../../src/core/trace.js";
import { fit } from "../../src/representations/fit.js";
import type { RenderOptions } from "../../src/representations/options.js";
import type { RenderInput } from "../../src/representations/representation.js";
import { getRepresentation, listRepresentations } from "../../src/representations/registry.js";
import { restrictToSlice } from "../../src/representations/slice.js";
import { isFailing } from "../../src/representations/test-facts.js";
import type { Tokenizer } from "../../src/representations/tokenizers/tokenizer.js";
import { escapeControlCharacters } from "../../src/representations/values.js";
import { buildTrace, change, frame, type EventSpec } from "../trace/trace-builder.js";

const PROGRAM_LINES = [
  "def f(a, b):",
  "    for i in range(a):",
  "    while b:",
  "        x = i + 1",
  "    y = [v for v in b]",
  "    if x:",
  "        return x",
  "    z = g(x)",
  "    return y",
];
const PROGRAM = PROGRAM_LINES.join("\n") + "\n";

const reprText = fc
  .array(fc.constantFrom("a", "1", " ", ",", "'", '"', "\\", "\n", "[", "]", "{", "}", "é", "😀", "\t"), { minLength: 1, maxLength: 12 })
  .map((pieces) => pieces.join(""));
const name = fc.constantFrom("a", "b", "i", "x", "y", "z");
const lineNumber = fc.integer({ min: 1, max: PROGRAM_LINES.length + 1 });
const errorArbitrary: fc.Arbitrary<TracedError> = fc.record({
  type: fc.constantFrom("ValueError", "KeyError", "ZeroDivisionError"),
  message: reprText,
  line: lineNumber,
});

/** One frame: a call, a run of lines (some repeating, some calling a nested frame), an exit. */
function frameEvents(depth: number): fc.Arbitrary<EventSpec[]> {
  const builder = frame(depth === 0 ? "f" : `g${depth}`, depth);
  const lineEvent = fc
    .tuple(lineNumber, fc.array(fc.tuple(name, reprText), { maxLength: 2 }))
    .map(([line, changes]) => [builder.line(line, ...changes.map(([variable, repr]) => change(variable, repr)))]);
  const nested = fc.constant(null).chain(() => frameEvents(depth + 1));
  const step = depth < 3 ? fc.oneof({ weight: 5, arbitrary: lineEvent }, { weight: 1, arbitrary: nested }) : lineEvent;
  const body = fc.array(step, { maxLength: 12 }).map((steps) => steps.flat());
  const loop = fc
    .tuple(fc.integer({ min: 0, max: 6 }), lineNumber)
    .map(([times, line]) => Array.from({ length: times }, (_, index) => [builder.line(2, change("i", String(index))), builder.line(line)]).flat());
  const exit = fc.oneof(
    reprText.map((repr) => [builder.returns(7, repr)]),
    errorArbitrary.map((error) => [builder.raises(error.line!, error.type, error.message), builder.unwinds(error.line!)]),
    fc.constant([]),
  );
  return fc
    .tuple(fc.array(fc.tuple(name, reprText), { maxLength: 2 }), body, loop, body, exit)
    .map(([args, before, iterations, after, end]) => [
      builder.call(1, ...args.map(([variable, repr]) => change(variable, repr))),
      ...before,
      ...iterations,
      ...after,
      ...end,
    ]);
}

const outcomeArbitrary: fc.Arbitrary<Outcome> = fc.oneof(
  reprText.map((repr): Outcome => ({ kind: "returned", value: { repr, type: "str" } })),
  errorArbitrary.map((error): Outcome => ({ kind: "raised", error })),
  fc.constantFrom<Outcome>({ kind: "timeout", detail: "interrupted after 10 ms" }, { kind: "memory-limit" }, { kind: "crashed", detail: "exit 9" }),
);

const names = fc.uniqueArray(name, { maxLength: 3 });
/** A statement table over PROGRAM_LINES with random reads, writes and control headers; or none (version 1). */
const statementTable: fc.Arbitrary<{ statements?: Statement[]; scopes?: Scope[] }> = fc.option(
  fc.record({
    statements: fc.tuple(
      ...PROGRAM_LINES.map((_, index) =>
        fc
          .record({ defs: names, uses: names, control: fc.option(fc.integer({ min: 1, max: index + 1 }), { nil: undefined }) })
          .map(({ defs, uses, control }): Statement => ({ line: index + 1, endLine: index + 1, defs, uses, ...(control === undefined ? {} : { control }) })),
      ),
    ),
    scopes: fc
      .tuple(names, names)
      .map(([locals, free]): Scope[] =>
        ["f", "g1", "g2", "g3"].map((fn) => ({ function: fn, line: 1, locals, free: free.filter((n) => !locals.includes(n)) })),
      ),
  }),
  { nil: {} },
);

const renderInput: fc.Arbitrary<RenderInput> = fc
  .array(fc.tuple(frameEvents(0), outcomeArbitrary, fc.option(reprText, { nil: undefined }), fc.nat({ max: 5 }), statementTable), {
    minLength: 1,
    maxLength: 3,
  })
  .map((tests) => ({
    program: PROGRAM,
    tests: tests.map(([events, outcome, expected, unrecorded, table], index) => ({
      expected,
      trace: buildTrace({ input: { kind: "call", call: `f(${index})` }, outcome, events, totalSteps: events.length + unrecorded, ...table }),
    })),
  }));

const optionsArbitrary: fc.Arbitrary<RenderOptions> = fc.record(
  {
    valueWidth: fc.integer({ min: 20, max: 100 }),
    loopHead: fc.integer({ min: 1, max: 3 }),
    loopTail: fc.integer({ min: 0, max: 2 }),
    maxTests: fc.integer({ min: 1, max: 3 }),
    showUnchanged: fc.boolean(),
    maxDepth: fc.integer({ min: 0, max: 3 }),
    maxBlocks: fc.integer({ min: 2, max: 8 }),
    keepLastSteps: fc.integer({ min: 0, max: 30 }),
  },
  { requiredKeys: [] },
);

/** What the rendering must state for a test's result. */
function actualFact(outcome: Outcome): string {
  if (outcome.kind === "returned") return escapeControlCharacters(outcome.value!.repr);
  if (outcome.error !== undefined) return escapeControlCharacters(`${outcome.error.type}: ${outcome.error.message}`);
  return outcome.kind === "timeout" ? "timeout" : outcome.kind === "memory-limit" ? "memory limit exceeded" : "crashed";
}

const characters: Tokenizer = { name: "characters", count: (text) => text.length };

describe("properties of every trace format", () => {
  const traceFormats = listRepresentations().filter((representation) => representation.usesTrace);

  it("shows the input and the actual output or exception of every shown test", () => {
    fc.assert(
      fc.property(renderInput, optionsArbitrary, (input, options) => {
        const failing = input.tests.filter(isFailing);
        const shown = (failing.length > 0 ? failing : input.tests).slice(0, options.maxTests ?? 3);
        for (const representation of [...traceFormats, getRepresentation("tests")]) {
          const { text } = representation.render(input, options);
          for (const test of shown) {
            expect(text).toContain(actualFact(test.trace.outcome));
            expect(text).toContain(test.trace.input.kind === "call" ? test.trace.input.call : "");
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("renders deterministically, independent of object identity", () => {
    fc.assert(
      fc.property(renderInput, optionsArbitrary, (input, options) => {
        for (const representation of listRepresentations()) {
          const first = representation.render(input, options);
          expect(representation.render(structuredClone(input), { ...options })).toEqual(first);
        }
      }),
      { numRuns: 80 },
    );
  });

  it("fit stays within the budget or says it cannot", () => {
    fc.assert(
      fc.property(renderInput, fc.integer({ min: 0, max: 4_000 }), fc.constantFrom(...listRepresentations()), (input, budget, representation) => {
        const result = fit(representation, input, {}, budget, characters);
        if (result.ok) {
          expect(result.tokens).toBeLessThanOrEqual(budget);
          expect(result.rendering.text.length).toBe(result.tokens);
        } else {
          expect(result.tokens).toBeGreaterThan(budget);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("never shortens a value without its marker", () => {
    fc.assert(
      fc.property(renderInput, optionsArbitrary, (input, options) => {
        for (const representation of traceFormats) {
          const { text, clipped } = representation.render(input, options);
          // A shortened value may be shown twice (semcoder repeats the call), never zero times.
          const markers = text.match(/…\(\d+ chars\)…/g)?.length ?? 0;
          expect(markers).toBeGreaterThanOrEqual(clipped.valuesShortened);
          expect(markers > 0).toBe(clipped.valuesShortened > 0);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("properties of slices", () => {
  it("a slice always contains its criterion: the statement that returned the result or raised", () => {
    fc.assert(
      fc.property(renderInput, (input) => {
        for (const { trace } of input.tests) {
          const slice = sliceTrace(trace);
          const events = new Set(slice.eventIndices);
          for (const index of slice.criterion.eventIndices) expect(events.has(index)).toBe(true);
          const lastLine = trace.events.findLastIndex((event) => event.kind === "line");
          if (lastLine >= 0) expect(slice.criterion.eventIndices.length).toBeGreaterThan(0);
          const statement = trace.events[slice.criterion.eventIndices[0]!];
          if (slice.criterion.kind === "raised" && statement !== undefined) expect(["line", "exception"]).toContain(statement.kind);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a slice is never longer than the full trace, and keeps its steps in order", () => {
    fc.assert(
      fc.property(renderInput, (input) => {
        for (const { trace } of input.tests) {
          const restricted = restrictToSlice(trace, sliceTrace(trace));
          expect(restricted.events.length).toBeLessThanOrEqual(trace.events.length);
          expect(restricted.totalSteps).toBeLessThanOrEqual(trace.totalSteps);
          const steps = restricted.events.map((event) => event.step);
          expect(steps).toEqual([...steps].sort((a, b) => a - b));
          expect(steps.every((step) => trace.events.some((event) => event.step === step))).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("properties of divergence", () => {
  it("a run never parts from itself, and parts from another no later than the shorter one ends", () => {
    fc.assert(
      fc.property(renderInput, renderInput, (a, b) => {
        const [first, second] = [a.tests[0]!.trace, b.tests[0]!.trace];
        expect(compareRuns(first, first, { against: "reference" })).toMatchObject({ kind: "none", commonSteps: first.events.length, variables: [] });
        const divergence = compareRuns(first, second, { against: "passing" });
        expect(divergence.commonSteps).toBeLessThanOrEqual(Math.min(first.events.length, second.events.length));
        expect(divergence.kind === "none").toBe(divergence.commonSteps === first.events.length && first.events.length === second.events.length);
        for (const variable of divergence.variables) expect(variable.failing.repr).not.toBe(variable.other.repr);
      }),
      { numRuns: 200 },
    );
  });
});

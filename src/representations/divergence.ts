/**
 * `divergence`: per failing test, where its run first parts from a run that behaves, and the
 * variables that differ there; the program marks that line. The other run is the fixed
 * program on the same input when the input carries one (`RenderInput.reference`), else the
 * most similar passing test among the given ones (see analysis/divergence.ts). A path
 * divergence is told at the last shared line (where the branch was decided) with each run's
 * next step, a value divergence at the line that computed the differing values; the program
 * marks the divergence's line (`Divergence.line`). When no variable differs, the failing
 * frame's state there is shown instead.
 *
 * Source: the nearest-neighbour comparison of a failing run with a passing one (Renieris and
 * Reiss 2003) and trace alignment against a correct version (delta debugging on states,
 * Zeller 2002), reduced to the first divergence.
 */
import { findDivergence, type Divergence, type DivergenceEvent, type TestTrace } from "../analysis/divergence.js";
import type { TraceInput } from "../core/trace.js";
import { splitSourceLines } from "../trace/source.js";
import { emptyClipReport, type ClipReport } from "./clip.js";
import { joinSections, programText } from "./entries.js";
import { resolveRenderOptions, type RenderOptions, type ResolvedRenderOptions } from "./options.js";
import type { RenderInput, Representation } from "./representation.js";
import { FACT_WIDTH_FACTOR, factLines, isFailing, omittedTestsNote, selectTests, type TestFacts } from "./test-facts.js";
import { formatValue } from "./values.js";

const defaults: RenderOptions = {};

type Found = Divergence & { passing?: number };

interface Context {
  source: string[];
  passing: TestTrace[];
  options: ResolvedRenderOptions;
  clip: ClipReport;
}

export const divergenceRepresentation: Representation = {
  name: "divergence",
  description: "Where each failing run first parts from the fixed program or the most similar passing test, and the differing variables",
  usesTrace: true,
  defaults,
  needs: { passing: true, reference: true },
  render(input, options) {
    const resolved = resolveRenderOptions(options, defaults);
    const clip = emptyClipReport();
    const { shown, omitted } = selectTests(input, resolved, clip);
    const program = programText(input.program);
    const context: Context = { source: splitSourceLines(program), passing: passingRuns(input), options: resolved, clip };
    const marks = new Map<number, number[]>();
    const sections = shown.map((facts) => {
      const found = facts.failed ? divergenceOf(input, facts, context) : undefined;
      const line = found?.line;
      if (line !== undefined) marks.set(line, [...(marks.get(line) ?? []), facts.number]);
      return [...factLines(facts), ...(facts.failed ? describe(found, context) : [])].join("\n");
    });
    if (omitted > 0) sections.push(omittedTestsNote(omitted));
    return { text: joinSections([markLines(context.source, marks), ...sections]), clipped: clip };
  },
};

function passingRuns(input: RenderInput): TestTrace[] {
  return input.tests.filter((test) => !isFailing(test)).map((test) => ({ trace: test.trace, inputText: inputText(test.input ?? test.trace.input) }));
}

function inputText(input: TraceInput): string {
  return input.kind === "call" ? input.call : input.stdin;
}

function divergenceOf(input: RenderInput, facts: TestFacts, context: Context): Found | undefined {
  const reference = facts.test.reference;
  return findDivergence(
    { trace: facts.trace, inputText: inputText(facts.input) },
    {
      program: input.program,
      passing: context.passing,
      ...(reference === undefined || input.reference === undefined ? {} : { reference: { program: input.reference, trace: reference } }),
    },
  );
}

function markLines(source: readonly string[], marks: Map<number, number[]>): string {
  return source
    .map((text, index) => {
      const tests = marks.get(index + 1);
      return tests === undefined ? text : `${text.trimEnd()}  # <- diverges (test ${tests.join(", ")})`;
    })
    .join("\n");
}

function describe(found: Found | undefined, context: Context): string[] {
  if (found === undefined) return ["Divergence: no passing test or fixed program to compare with."];
  const other = otherName(found, context);
  const head = `Compared with ${other}: the same ${found.against === "reference" ? "steps" : "path"} for ${found.commonSteps} steps.`;
  switch (found.kind) {
    case "none":
      return [
        head,
        found.against === "passing" ? "The paths never part: the difference is in the values, not in the path." : "The runs never part at a recorded step.",
      ];
    case "value":
      return [head, `Values part at ${place(found.failing, context)}.`, ...variableLines(found, context, other)];
    case "path":
      return [
        head,
        found.last === undefined ? "Paths part at the first step." : `Paths part after ${place(found.last, context)}.`,
        `  this run: ${nextStep(found.failing, context)}`,
        `  ${found.against === "reference" ? "fixed program" : "passing test"}: ${nextStep(found.other, context, found.against === "reference")}`,
        ...(found.last === undefined ? [] : variableLines(found, context, other)),
      ];
  }
}

function otherName(found: Found, context: Context): string {
  if (found.against === "reference") return "the fixed program on the same input";
  const input = context.passing[found.passing!]!.inputText;
  return `the passing test ${formatValue(input, context.options.valueWidth * FACT_WIDTH_FACTOR, context.clip)}`;
}

function place(event: DivergenceEvent | undefined, context: Context): string {
  if (event === undefined) return "the end";
  return `line ${event.line} \`${context.source[event.line - 1]?.trim() ?? ""}\` (${event.function}, step ${event.step})`;
}

/** A run's next step, in the failing program's lines; a line of the fixed program with no counterpart is said so. */
function nextStep(event: DivergenceEvent | undefined, context: Context, ofReference = false): string {
  if (event === undefined) return "ends";
  const line = ofReference ? event.mappedLine : event.line;
  const at = line === undefined ? `its line ${event.line}, which this program lacks` : `line ${line} \`${context.source[line - 1]?.trim() ?? ""}\``;
  switch (event.kind) {
    case "call":
      return `calls ${event.function} (${at})`;
    case "line":
      return `runs ${at}`;
    case "return":
      return `returns from ${event.function} (${at})`;
    case "exception":
      return `raises in ${event.function} (${at})`;
  }
}

function variableLines(found: Found, context: Context, other: string): string[] {
  const width = context.options.valueWidth;
  const clip = context.clip;
  if (found.variables.length > 0) {
    return [
      `Variables that differ (this run vs. ${other}):`,
      ...found.variables.map((variable) => `  ${variable.name}: ${formatValue(variable.failing, width, clip)} vs. ${formatValue(variable.other, width, clip)}`),
    ];
  }
  const state = found.state.map((variable) => `${variable.name}=${formatValue(variable, width, clip)}`);
  return [state.length === 0 ? "No variable differs there." : `No variable differs there; the state: ${state.join(", ")}`];
}

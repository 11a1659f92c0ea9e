/**
 * The failing-test facts every format carries: the input, the expected output and the
 * actual output or exception. `tests` shows exactly these and nothing more, which makes it
 * the fair baseline for the trace formats.
 *
 * Which tests are shown: the failing ones (the trace did not return, or the result differs
 * from the expected one), in input order, at most `maxTests`; when none fails (a trace of a
 * correct run, or no expected outputs) all tests are shown, again at most `maxTests`.
 */
import type { Trace, TraceInput } from "../core/trace.js";
import type { ClipReport } from "./clip.js";
import { emptyClipReport } from "./clip.js";
import { joinSections } from "./entries.js";
import { resolveRenderOptions, type RenderOptions, type ResolvedRenderOptions } from "./options.js";
import type { RenderInput, Rendering, RenderTest } from "./representation.js";
import { formatError, formatValue, pythonStringRepr } from "./values.js";

export type ActualResult =
  | { kind: "value"; text: string }
  | { kind: "error"; text: string; line?: number }
  /** A limit or crash: there is neither a value nor a Python exception. */
  | { kind: "limit"; text: string };

export interface TestFacts {
  /** Position among the shown tests, from 1. */
  number: number;
  input: TraceInput;
  /** The call, or the repr of the standard input. */
  inputText: string;
  /** The expected output, formatted as a value (stdin: the repr of the expected stdout). */
  expected: string | undefined;
  actual: ActualResult;
  failed: boolean;
  trace: Trace;
  /** The test as given. */
  test: RenderTest;
}

export interface SelectedTests {
  shown: TestFacts[];
  /** Tests that would have been shown but exceed `maxTests`. */
  omitted: number;
}

export function selectTests(input: RenderInput, options: ResolvedRenderOptions, clip: ClipReport): SelectedTests {
  const failing = input.tests.filter(isFailing);
  const candidates = failing.length > 0 ? failing : input.tests;
  const shown = candidates.slice(0, options.maxTests).map((test, position) => describeTest(test, position + 1, options, clip));
  const omitted = candidates.length - shown.length;
  clip.testsOmitted += omitted;
  return { shown, omitted };
}

/** The test's own facts are what the task is about: they get this many times `valueWidth`. */
export const FACT_WIDTH_FACTOR = 4;

function describeTest(test: RenderTest, number: number, options: ResolvedRenderOptions, clip: ClipReport): TestFacts {
  const input = test.input ?? test.trace.input;
  const width = options.valueWidth * FACT_WIDTH_FACTOR;
  const inputText = formatValue(input.kind === "call" ? input.call : pythonStringRepr(input.stdin), width, clip);
  const expected = test.expected === undefined ? undefined : formatValue(input.kind === "stdin" ? pythonStringRepr(test.expected) : test.expected, width, clip);
  const actual = describeActual(test.trace, input, options, clip);
  return { number, input, inputText, expected, actual, failed: isFailing(test), trace: test.trace, test };
}

function describeActual(trace: Trace, input: TraceInput, options: ResolvedRenderOptions, clip: ClipReport): ActualResult {
  const outcome = trace.outcome;
  const width = options.valueWidth * FACT_WIDTH_FACTOR;
  if (outcome.error !== undefined && outcome.kind !== "returned") {
    return { kind: "error", text: formatError(outcome.error, width, clip), ...lineOf(outcome.error.line) };
  }
  const returned = outcome.kind === "returned" || (outcome.kind === "step-limit" && outcome.value !== undefined);
  if (returned) {
    if (input.kind === "stdin") return { kind: "value", text: formatValue(pythonStringRepr(trace.stdout), width, clip) };
    if (outcome.value !== undefined) return { kind: "value", text: formatValue(outcome.value, width, clip) };
  }
  const detail = outcome.detail === undefined ? "" : ` (${outcome.detail})`;
  return { kind: "limit", text: formatValue(`${LIMIT_TEXT[outcome.kind]}${detail}`, width, clip) };
}

const LIMIT_TEXT: Record<Trace["outcome"]["kind"], string> = {
  returned: "returned no value",
  raised: "raised an exception",
  "syntax-error": "syntax error",
  timeout: "timeout",
  "step-limit": "step limit reached",
  "memory-limit": "memory limit exceeded",
  "output-limit": "output limit exceeded",
  crashed: "crashed",
};

function lineOf(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

/** `Test 1: f(2)`, or `Test 1 (stdin): '1 2\n'` for a standard-input program. */
export function testHeading(facts: TestFacts): string {
  return `Test ${facts.number}${facts.input.kind === "stdin" ? " (stdin)" : ""}: ${facts.inputText}`;
}

/** The actual result as one phrase: `6`, `raised ValueError: bad (line 4)`, `timeout (...)`. */
export function actualLabel(actual: ActualResult): string {
  if (actual.kind !== "error") return actual.text;
  return `raised ${actual.text}${actual.line === undefined ? "" : ` (line ${actual.line})`}`;
}

/** The note a format prints when tests were left out. */
export function omittedTestsNote(omitted: number): string {
  return `${omitted} more failing ${omitted === 1 ? "test" : "tests"} not shown`;
}

export function isFailing(test: RenderTest): boolean {
  const trace = test.trace;
  const input = test.input ?? trace.input;
  const outcome = trace.outcome;
  const returned = outcome.kind === "returned" || (outcome.kind === "step-limit" && outcome.value !== undefined && outcome.error === undefined);
  if (!returned) return true;
  if (test.expected === undefined) return false;
  if (input.kind === "stdin") return normalizeStdout(trace.stdout) !== normalizeStdout(test.expected);
  if (outcome.value === undefined || outcome.value.truncated === true) return true;
  return !sameResult(outcome.value.repr, test.expected);
}

function normalizeStdout(text: string): string {
  return text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .join("\n");
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Equal reprs, up to spacing outside string literals and a float tolerance of 1e-6. */
function sameResult(actual: string, expected: string): boolean {
  if (actual === expected || withoutSpaces(actual) === withoutSpaces(expected.trim())) return true;
  if (!NUMBER.test(actual) || !NUMBER.test(expected.trim())) return false;
  const [a, b] = [Number(actual), Number(expected)];
  return Math.abs(a - b) <= 1e-6 + 1e-7 * Math.abs(b);
}

function withoutSpaces(repr: string): string {
  let out = "";
  let quote: string | undefined;
  for (let position = 0; position < repr.length; position += 1) {
    const char = repr[position]!;
    if (quote !== undefined) {
      out += char;
      if (char === "\\") out += repr[++position] ?? "";
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (!/\s/.test(char)) {
      out += char;
    }
  }
  return out;
}

/** The lines every format states a test with: its heading, expected and actual output. */
export function factLines(facts: TestFacts): string[] {
  const lines = [testHeading(facts)];
  if (facts.expected !== undefined) lines.push(`Expected: ${facts.expected}`);
  lines.push(`Actual: ${actualLabel(facts.actual)}`);
  return lines;
}

/** How a format lays out its sections around the shown tests. */
export interface PerTestLayout {
  /** The program as the format shows it, first. */
  program: string;
  /** True when each test section shows the program itself: then it stands alone only without tests. */
  repeatsProgram?: boolean;
  test(facts: TestFacts, options: ResolvedRenderOptions, clip: ClipReport): string;
  /** The closing section when tests were left out; default the bare note. */
  omitted?(note: string): string;
}

/**
 * The skeleton of every format: a program section, one section per shown test (see
 * `selectTests`), then the note on tests left out.
 */
export function renderPerTest(input: RenderInput, options: RenderOptions | undefined, defaults: RenderOptions, layout: PerTestLayout): Rendering {
  const resolved = resolveRenderOptions(options, defaults);
  const clip = emptyClipReport();
  const { shown, omitted } = selectTests(input, resolved, clip);
  const sections = layout.repeatsProgram === true && shown.length > 0 ? [] : [layout.program];
  for (const facts of shown) sections.push(layout.test(facts, resolved, clip));
  if (omitted > 0) {
    const note = omittedTestsNote(omitted);
    sections.push(layout.omitted === undefined ? note : layout.omitted(note));
  }
  return { text: joinSections(sections), clipped: clip };
}

/** The trace-free layout: the program section, then each shown test's facts. */
export function renderProgramAndTestFacts(programSection: string, input: RenderInput, options: RenderOptions | undefined, defaults: RenderOptions): Rendering {
  return renderPerTest(input, options, defaults, { program: programSection, test: (facts) => factLines(facts).join("\n") });
}

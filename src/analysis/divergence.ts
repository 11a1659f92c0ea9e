/**
 * Pass/fail divergence: where a failing run first parts from a run that behaves.
 *
 * Two kinds of comparison:
 *   - `reference`: the fixed program on the same input. Both runs see the same data, so the
 *     first event where the path (kind, function, depth and line, the reference's lines mapped
 *     onto the program's by a line alignment) or a value (a variable both frames hold, a return
 *     value, an exception) differs is the divergence.
 *   - `passing`: the most similar passing test. Its input differs, so values differ from the
 *     first step; only the path counts. The most similar passing test is chosen as
 *     `mostSimilarPassing` says: the longest common path prefix among those that part at all.
 * The variables reported are those both frames hold with different values: right after the
 * divergent event for a value divergence, and at the last shared event (the state the diverging
 * branch was decided on) for a path divergence.
 */
import type { Trace, TraceEvent, TracedValue, VariableChange } from "../core/trace.js";
import { indexFrames } from "../trace/frames.js";
import { replayFrameStates, type FrameState } from "../trace/state.js";

export type DivergenceAgainst = "reference" | "passing";

export interface DifferingVariable {
  name: string;
  failing: TracedValue;
  other: TracedValue;
}

/** One event of a run, its line in its own program. */
export interface DivergenceEvent {
  step: number;
  kind: TraceEvent["kind"];
  line: number;
  function: string;
  /** For the other run's event: its line in the failing program, when it has a counterpart. */
  mappedLine?: number;
}

export interface Divergence {
  against: DivergenceAgainst;
  /**
   * `path`: the runs go to different places; `value`: same place, different values;
   * `none`: the compared events agree throughout (for a passing test: the same path).
   */
  kind: "path" | "value" | "none";
  /** Events both runs share before the divergence. */
  commonSteps: number;
  /** The last shared event of the failing run (absent when they part at the first event). */
  last?: DivergenceEvent;
  /** The divergent event of each run; absent when that run had already ended. */
  failing?: DivergenceEvent;
  other?: DivergenceEvent;
  /**
   * The failing program's line the divergence is shown at: the line that computed a differing
   * value; for parting paths the last shared line (where the branch was decided), or the
   * failing run's next line when the other program has no counterpart for it (it ran code the
   * fixed program lacks).
   */
  line?: number;
  /** The failing frame's variables where the divergence is judged (see the module comment). */
  state: FrameState;
  variables: DifferingVariable[];
}

export interface CompareOptions {
  against: DivergenceAgainst;
  /** The other run's line → the failing program's line (reference: see alignLines). */
  mapLine?: (line: number) => number | undefined;
  /** Whether a line of the failing program has a counterpart in the other one; default: all do. */
  hasCounterpart?: (line: number) => boolean;
}

interface Run {
  events: readonly TraceEvent[];
  states: FrameState[];
}

function runOf(trace: Trace): Run {
  const events = trace.events;
  return { events, states: replayFrameStates(events, indexFrames(events)) };
}

/** The first divergence of `failing` from `other`, judged as `options.against` says. */
export function compareRuns(failing: Trace, other: Trace, options: CompareOptions): Divergence {
  const [f, o] = [runOf(failing), runOf(other)];
  const mapLine = options.mapLine ?? ((line: number) => line);
  const length = Math.min(f.events.length, o.events.length);
  for (let index = 0; index < length; index += 1) {
    if (!samePlace(f.events[index]!, o.events[index]!, mapLine)) return divergenceAt(f, o, index, "path", options, mapLine);
    if (options.against === "reference" && differingAt(f, o, index).length > 0) {
      return divergenceAt(f, o, index, "value", options, mapLine);
    }
  }
  const kind = f.events.length === o.events.length ? "none" : "path";
  return divergenceAt(f, o, length, kind, options, mapLine);
}

function samePlace(a: TraceEvent, b: TraceEvent, mapLine: (line: number) => number | undefined): boolean {
  return a.kind === b.kind && a.function === b.function && a.depth === b.depth && a.line === mapLine(b.line);
}

/** Variables both frames hold with different values after event `index`, plus a differing result. */
function differingAt(f: Run, o: Run, index: number): DifferingVariable[] {
  const variables = differingVariables(f.states[index]!, o.states[index]!);
  const [a, b] = [resultOf(f.events[index]!), resultOf(o.events[index]!)];
  if (a !== undefined && b !== undefined && a.repr !== b.repr) variables.push({ name: a.name, failing: a, other: b });
  return variables;
}

function differingVariables(failing: FrameState, other: FrameState): DifferingVariable[] {
  const others = new Map(other.map((variable) => [variable.name, variable]));
  return failing.flatMap((variable) => {
    const counterpart = others.get(variable.name);
    return counterpart === undefined || counterpart.repr === variable.repr
      ? []
      : [{ name: variable.name, failing: plain(variable), other: plain(counterpart) }];
  });
}

/** A return value or exception, named as the formats name them. */
function resultOf(event: TraceEvent): VariableChange | undefined {
  if (event.kind === "return" && event.error === undefined && event.value !== undefined) return { name: "__return__", ...event.value };
  if (event.kind === "exception" && event.error !== undefined) {
    return { name: "__exception__", repr: `${event.error.type}: ${event.error.message}`, type: event.error.type };
  }
  return undefined;
}

function plain({ name: _name, ...value }: VariableChange): TracedValue {
  return value;
}

function divergenceAt(
  f: Run,
  o: Run,
  index: number,
  kind: Divergence["kind"],
  { against, hasCounterpart }: CompareOptions,
  mapLine: (line: number) => number | undefined,
): Divergence {
  const at = kind === "value" ? index : index - 1;
  const state = at >= 0 ? f.states[at]! : [];
  const variables = kind === "value" ? differingAt(f, o, index) : at >= 0 ? differingVariables(state, o.states[at]!) : [];
  const [last, failing, other] = [f.events[index - 1], f.events[index], o.events[index]];
  const enteredNewCode = failing !== undefined && hasCounterpart?.(failing.line) === false;
  const line = kind === "value" ? failing?.line : kind === "path" ? (enteredNewCode ? failing.line : last?.line) : undefined;
  return {
    against,
    kind,
    commonSteps: index,
    ...(line === undefined ? {} : { line }),
    ...(last === undefined ? {} : { last: describeEvent(last) }),
    ...(kind === "none" || failing === undefined ? {} : { failing: describeEvent(failing) }),
    ...(kind === "none" || other === undefined ? {} : { other: withMappedLine(describeEvent(other), mapLine(other.line)) }),
    state,
    variables,
  };
}

function describeEvent(event: TraceEvent): DivergenceEvent {
  return { step: event.step, kind: event.kind, line: event.line, function: event.function };
}

function withMappedLine(event: DivergenceEvent, mappedLine: number | undefined): DivergenceEvent {
  return mappedLine === undefined ? event : { ...event, mappedLine };
}

export interface DivergenceContext {
  /** The failing program's source (to align the reference's lines with). */
  program: string;
  /** The fixed program and its trace on the failing test's input, when known. */
  reference?: { program: string; trace: Trace };
  passing: readonly TestTrace[];
}

/**
 * The divergence of one failing run: against the reference when it is known, else against
 * the most similar passing run (`passing` says which); undefined when there is nothing to compare with.
 */
export function findDivergence(failing: TestTrace, context: DivergenceContext): (Divergence & { passing?: number }) | undefined {
  if (context.reference !== undefined) {
    const lines = alignLines(context.program, context.reference.program);
    // Line 0 is no source line (a script's module frame): it stays as it is.
    const mapLine = (line: number) => (line < 1 ? line : lines.get(line));
    const counterparts = new Set(lines.values());
    return compareRuns(failing.trace, context.reference.trace, { against: "reference", mapLine, hasCounterpart: (line) => counterparts.has(line) });
  }
  const index = mostSimilarPassing(failing.trace, failing.inputText, context.passing);
  if (index === undefined) return undefined;
  return { ...compareRuns(failing.trace, context.passing[index]!.trace, { against: "passing" }), passing: index };
}

/** Events two runs share from the start, by place only. */
export function commonPathPrefix(a: Trace, b: Trace): number {
  const length = Math.min(a.events.length, b.events.length);
  let index = 0;
  while (index < length && samePlace(a.events[index]!, b.events[index]!, (line) => line)) index += 1;
  return index;
}

export interface TestTrace {
  trace: Trace;
  /** The input's text, for the tie-break on input length. */
  inputText: string;
}

/**
 * Position of the passing run most similar to the failing one, undefined when none is given: a
 * run whose path differs somewhere comes first (one on the very same path shows no branch
 * taken differently), then the longest common path prefix, the closest input length, test order.
 */
export function mostSimilarPassing(failing: Trace, failingInput: string, passing: readonly TestTrace[]): number | undefined {
  const scored = passing.map((run, index) => {
    const prefix = commonPathPrefix(failing, run.trace);
    const samePath = prefix === failing.events.length && prefix === run.trace.events.length;
    return { index, differs: samePath ? 0 : 1, prefix, distance: Math.abs(run.inputText.length - failingInput.length) };
  });
  scored.sort((a, b) => b.differs - a.differs || b.prefix - a.prefix || a.distance - b.distance || a.index - b.index);
  return scored[0]?.index;
}

/**
 * A map from the other program's lines to this one's: lines equal after trimming are matched by
 * a longest common subsequence; between two matches, lines left over on both sides are paired
 * in order (an edited line maps to its edit), and the rest map to nothing (and so diverge).
 */
export function alignLines(program: string, other: string): Map<number, number> {
  const matches = commonLines(program, other);
  const map = new Map<number, number>();
  const ends = [...matches, [program.split("\n").length + 1, other.split("\n").length + 1] as const];
  let [previousLine, previousOther] = [0, 0];
  ends.forEach(([line, otherLine], index) => {
    for (let offset = 1; previousLine + offset < line && previousOther + offset < otherLine; offset += 1) {
      map.set(previousOther + offset, previousLine + offset);
    }
    if (index < matches.length) map.set(otherLine, line);
    [previousLine, previousOther] = [line, otherLine];
  });
  return map;
}

/** Lines (1-based) of `program` that a longest common subsequence with `other` leaves unmatched. */
export function unmatchedLines(program: string, other: string): Set<number> {
  const matched = new Set(commonLines(program, other).map(([line]) => line));
  const count = program.split("\n").length;
  return new Set(Array.from({ length: count }, (_, index) => index + 1).filter((line) => !matched.has(line)));
}

/** Pairs [line in program, line in other] (1-based) of a longest common subsequence of trimmed lines. */
function commonLines(program: string, other: string): (readonly [number, number])[] {
  const a = program.split("\n").map((line) => line.trim());
  const b = other.split("\n").map((line) => line.trim());
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
    }
  }
  const pairs: (readonly [number, number])[] = [];
  let [i, j] = [0, 0];
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      pairs.push([i + 1, j + 1]);
      [i, j] = [i + 1, j + 1];
    } else if (table[i]![j + 1]! >= table[i + 1]![j]!) {
      j += 1;
    } else {
      i += 1;
    }
  }
  return pairs;
}

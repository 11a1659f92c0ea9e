/**
 * Dynamic backward slices of a trace: the executed statement instances (events) that the
 * wrong result or the exception depends on, found by following dependences backwards from the
 * criterion. The dependences come from one forward pass over the events, with the trace's
 * statement table (defs/uses from the Python AST, per-function scopes):
 *   - data: a use depends on the last writer of the name, kept per frame for locals and once
 *     for globals; a parameter without a writer in its frame depends on the call, and so on
 *     the call-site instance; a call-site instance depends on the return of every call it made;
 *   - control: an instance depends on the latest instance, in its frame, of its control
 *     header (the enclosing `if`/`while`/`for`/`except`/`case`, or an earlier branch or loop
 *     of its block that can return, raise, break or continue past it); a statement with none
 *     depends on its frame's call, so on the call-site instance; a line that runs right after
 *     an exception in its frame (the handler) depends on that exception.
 * The criterion: for a returned value, the entry frame's `return` instance; for an exception,
 * the instance that raised it (the start of the trace's last unwinding); for a script, every
 * instance that uses `print` or `write`; for a limit, the last recorded line.
 *
 * Approximations (a slice may keep too much, or in the cases marked "misses", too little):
 *   - attributes and subscripts: a store into `a[i]` or `p.x`, or an in-place method call
 *     (`a.append(x)`), writes the whole of `a` or `p`; reading any part reads the whole;
 *   - aliasing (misses): objects are not followed, only names: a change through another name
 *     (`b = a; b.append(1)`, or a helper mutating its parameter) is not a write of `a`;
 *   - containers: a container is one value, so every element's writer stays in the slice;
 *   - calls: a call site depends on all of its arguments and on every call it made on its
 *     line; closures and `nonlocal` names are looked up in the calling frames, not lexically;
 *   - control (misses): dependences are structural: a jump counts only for the statements
 *     after the branch or loop it is in, and a `try` whose body can raise past its later
 *     statements does not make them depend on it;
 *   - exceptions across frames: an exception depends on the instance that raised it and on
 *     the unwinding of the call that raised it, not on the values that made it be raised
 *     beyond that instance's own uses;
 *   - C code (misses): builtins and libraries are opaque: a callback they run (a `key=`
 *     function) is a frame whose return is not linked to the call that ran it;
 *   - generators: each resumption is a frame of its own, so a local kept across a `yield`
 *     depends on the resumption, not on its writer;
 *   - traces without a statement table (schema version 1) slice to every event.
 */
import type { Scope, Statement, Trace, TraceEvent } from "../core/trace.js";
import { indexFrames, type FrameIndex, type FrameInvocation } from "../trace/frames.js";

export type SliceCriterionKind = "returned" | "raised" | "output" | "last-step";

export interface DynamicSlice {
  criterion: { kind: SliceCriterionKind; eventIndices: number[] };
  /** Indices into `trace.events` of the sliced events, in execution order. */
  eventIndices: number[];
  /** Their step numbers, in execution order. */
  steps: number[];
  /** The distinct lines of the sliced line events, ascending. */
  lines: number[];
  /** False when the trace has no statement table: the slice is then every event. */
  fromStatements: boolean;
}

const COMPREHENSION_FRAMES = new Set(["<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"]);
const OUTPUT_NAMES = new Set(["print", "write"]);

export function sliceTrace(trace: Trace): DynamicSlice {
  const events = trace.events;
  const frames = indexFrames(events);
  if (trace.statements === undefined) {
    const all = events.map((_, index) => index);
    return result(events, { kind: criterionKind(trace), eventIndices: criterionEvents(trace, frames, undefined) }, all, false);
  }
  const table = statementsByLine(trace.statements);
  const dependences = new Dependences(events, frames, table, scopesByKey(trace.scopes ?? [])).build();
  const criterion = { kind: criterionKind(trace), eventIndices: criterionEvents(trace, frames, table) };
  return result(events, criterion, closure(criterion.eventIndices, dependences), true);
}

function result(events: readonly TraceEvent[], criterion: DynamicSlice["criterion"], indices: number[], fromStatements: boolean): DynamicSlice {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const lines = [...new Set(sorted.filter((index) => events[index]!.kind === "line").map((index) => events[index]!.line))];
  return {
    criterion,
    eventIndices: sorted,
    steps: sorted.map((index) => events[index]!.step),
    lines: lines.sort((a, b) => a - b),
    fromStatements,
  };
}

/** Every event reachable backwards from the criterion. */
function closure(start: readonly number[], dependences: readonly number[][]): number[] {
  const seen = new Set<number>(start);
  const pending = [...start];
  while (pending.length > 0) {
    for (const next of dependences[pending.pop()!] ?? []) {
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(next);
    }
  }
  return [...seen];
}

function criterionKind(trace: Trace): SliceCriterionKind {
  const outcome = trace.outcome;
  if (outcome.error !== undefined && outcome.kind !== "returned") return "raised";
  if (trace.input.kind === "stdin" && outcome.kind === "returned") return "output";
  if (outcome.kind === "returned" || (outcome.kind === "step-limit" && outcome.value !== undefined)) return "returned";
  return "last-step";
}

function criterionEvents(trace: Trace, frames: FrameIndex, table: Map<number, Statement[]> | undefined): number[] {
  const events = trace.events;
  const lastLine = lastIndexOf(events, (event) => event.kind === "line");
  const fallback = lastLine < 0 ? [] : [lastLine];
  switch (criterionKind(trace)) {
    case "raised":
      return raisingEvents(events, frames) ?? fallback;
    case "output": {
      const printing = events.flatMap((event, index) =>
        event.kind === "line" && (table?.get(event.line) ?? []).some((s) => s.uses.some((name) => OUTPUT_NAMES.has(name))) ? [index] : [],
      );
      return printing.length > 0 ? printing : fallback;
    }
    case "returned": {
      const returned = lastIndexOf(events, (event) => event.kind === "return" && event.depth === 0 && event.error === undefined);
      if (returned < 0) return fallback;
      const statement = previousLineInFrame(events, frames, returned);
      return statement === undefined ? [returned] : [statement, returned];
    }
    case "last-step":
      return fallback;
  }
}

/** The instance that raised the exception the trace ends with, and the exception event itself. */
function raisingEvents(events: readonly TraceEvent[], frames: FrameIndex): number[] | undefined {
  let index = events.length - 1;
  let raised: number | undefined;
  while (index >= 0 && (events[index]!.kind === "exception" || (events[index]!.kind === "return" && events[index]!.error !== undefined))) {
    if (events[index]!.kind === "exception") raised = index;
    index -= 1;
  }
  if (raised === undefined) return undefined;
  const statement = previousLineInFrame(events, frames, raised);
  return statement === undefined ? [raised] : [statement, raised];
}

/** The frame's own last line event before event `index`. */
function previousLineInFrame(events: readonly TraceEvent[], frames: FrameIndex, index: number): number | undefined {
  const own = frames.frames[frames.frameOf[index]!]!.eventIndices;
  for (let position = own.lastIndexOf(index) - 1; position >= 0; position -= 1) {
    if (events[own[position]!]!.kind === "line") return own[position];
  }
  return undefined;
}

function lastIndexOf(events: readonly TraceEvent[], test: (event: TraceEvent) => boolean): number {
  for (let index = events.length - 1; index >= 0; index -= 1) if (test(events[index]!)) return index;
  return -1;
}

/** The statements each line's events stand for (several when they share a line). */
function statementsByLine(statements: readonly Statement[]): Map<number, Statement[]> {
  const byLine = new Map<number, Statement[]>();
  for (const statement of statements) {
    for (let line = statement.line; line <= statement.endLine; line += 1) {
      const list = byLine.get(line) ?? [];
      list.push(statement);
      byLine.set(line, list);
    }
  }
  return byLine;
}

interface NameScope {
  locals: Set<string>;
  free: Set<string>;
}

function scopesByKey(scopes: readonly Scope[]): Map<string, NameScope> {
  const byKey = new Map<string, NameScope>();
  for (const scope of scopes) {
    const key = `${scope.function}@${scope.line}`;
    const merged = byKey.get(key) ?? { locals: new Set<string>(), free: new Set<string>() };
    for (const name of scope.locals) merged.locals.add(name);
    for (const name of scope.free) merged.free.add(name);
    byKey.set(key, merged);
  }
  return byKey;
}

/** The forward pass: for each event, the events it depends on directly. */
class Dependences {
  private readonly dependences: number[][];
  private readonly writers = new Map<string, number>();
  /** Per frame: its latest line event, and the latest instance of each statement (by first line). */
  private readonly lastLine = new Map<number, number>();
  private readonly lastEvent = new Map<number, number>();
  private readonly lastInstance = new Map<number, Map<number, number>>();
  private readonly callOf = new Map<number, number>();
  private readonly frameScopes = new Map<number, NameScope | undefined>();

  constructor(
    private readonly events: readonly TraceEvent[],
    private readonly frames: FrameIndex,
    private readonly table: Map<number, Statement[]>,
    private readonly scopes: Map<string, NameScope>,
  ) {
    this.dependences = events.map(() => []);
  }

  build(): number[][] {
    this.events.forEach((event, index) => {
      const frame = this.frames.frames[this.frames.frameOf[index]!]!;
      if (event.kind === "call") this.onCall(frame, index);
      else if (event.kind === "line") this.onLine(frame, event, index);
      else if (event.kind === "return") this.onReturn(frame, index);
      else this.onException(frame, index);
      this.lastEvent.set(frame.id, index);
    });
    return this.dependences;
  }

  private onCall(frame: FrameInvocation, index: number): void {
    this.callOf.set(frame.id, index);
    this.frameScopes.set(frame.id, this.scopes.get(`${frame.function}@${this.events[index]!.line}`));
    const site = frame.parent === undefined ? undefined : this.lastLine.get(frame.parent);
    if (site !== undefined) this.dependences[index]!.push(site);
  }

  private onLine(frame: FrameInvocation, event: TraceEvent, index: number): void {
    const statements = this.table.get(event.line) ?? [];
    const depends = this.dependences[index]!;
    const previous = this.lastEvent.get(frame.id);
    if (previous !== undefined && this.events[previous]!.kind === "exception") depends.push(previous);
    const instances = this.lastInstance.get(frame.id) ?? new Map<number, number>();
    for (const statement of statements) {
      const header = statement.control === undefined ? undefined : instances.get(statement.control);
      const control = header ?? this.callOf.get(frame.id);
      if (control !== undefined) depends.push(control);
    }
    if (statements.length === 0) this.pushDefined(depends, this.callOf.get(frame.id));
    const uses = new Set(statements.flatMap((statement) => statement.uses));
    for (const name of uses) {
      const key = this.keyOf(frame, name);
      const writer = this.writers.get(key);
      this.pushDefined(depends, writer ?? (key === ownKey(frame, name) ? this.callOf.get(frame.id) : undefined));
    }
    if (!COMPREHENSION_FRAMES.has(frame.function)) {
      for (const statement of statements) for (const name of statement.defs) this.writers.set(this.keyOf(frame, name), index);
    }
    this.lastLine.set(frame.id, index);
    for (const statement of statements) instances.set(statement.line, index);
    this.lastInstance.set(frame.id, instances);
  }

  private onReturn(frame: FrameInvocation, index: number): void {
    this.pushDefined(this.dependences[index]!, this.lastLine.get(frame.id));
    // An unwinding frame lets through the exception it saw last.
    const previous = this.lastEvent.get(frame.id);
    if (this.events[index]!.error !== undefined && previous !== undefined && this.events[previous]!.kind === "exception") {
      this.dependences[index]!.push(previous);
    }
    const site = frame.parent === undefined ? undefined : this.lastLine.get(frame.parent);
    // The call site's value is what the call returned (or the exception it let through).
    if (site !== undefined) this.dependences[site]!.push(index);
  }

  private onException(frame: FrameInvocation, index: number): void {
    const depends = this.dependences[index]!;
    this.pushDefined(depends, this.lastLine.get(frame.id));
    const before = this.events[index - 1];
    if (before?.kind === "return" && before.error !== undefined) depends.push(index - 1);
  }

  private pushDefined(into: number[], index: number | undefined): void {
    if (index !== undefined) into.push(index);
  }

  /** Where a name lives as seen from a frame: the frame's own, an enclosing caller's, or the globals. */
  private keyOf(frame: FrameInvocation, name: string): string {
    const scope = this.frameScopes.get(frame.id);
    if (scope?.locals.has(name)) return ownKey(frame, name);
    const shared = scope?.free.has(name) === true || (scope === undefined && COMPREHENSION_FRAMES.has(frame.function));
    if (!shared) return `global:${name}`;
    for (let parent = frame.parent; parent !== undefined; parent = this.frames.frames[parent]!.parent) {
      const outer = this.frames.frames[parent]!;
      if (this.frameScopes.get(outer.id)?.locals.has(name)) return ownKey(outer, name);
    }
    return `global:${name}`;
  }
}

function ownKey(frame: FrameInvocation, name: string): string {
  return `${frame.id}:${name}`;
}

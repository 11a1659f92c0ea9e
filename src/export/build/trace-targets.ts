/**
 * Trace prediction targets: one traced execution written out for a model to learn to predict,
 * in one of three formats, and read back to check it against its trace.
 *
 * Every format states the same steps, one per trace event: a call (with its arguments), a line
 * that ran (with the variables it changed), a return (with its value, or none when an exception
 * propagates out of the frame) and a raised exception. Formats that do not write a step's call
 * depth imply it: a call goes one frame deeper, a return comes back out.
 *
 * - `scratchpad` (NExT-style): the program itself, each line that ran annotated with its steps
 *   in execution order, `# (i) name=value, ...; (j) ...`, i the step's 1-based index; a call
 *   annotates the `def` line as `(i) call n=3`, a return its line as `(i) return 6`, an
 *   exception `(i) raise Type: message`, an exception leaving the frame `(i) unwind`.
 * - `monologue` (SemCoder-style): one sentence per step: `Call fact(n = 3) at line 1.`,
 *   ``Line 7 `total = 0`: total = 0.`` (or `: no change.`), `Line 10 raises Type: message.`,
 *   `Line 3: fact returns 1.`, `Line 7: h stops, the exception propagates.`
 * - `frames` (compact, CWM-like): a header line, then one line per step with its depth and
 *   JSON values: `C <depth> <function> <line> {"arg": "repr"}`, `L <depth> <line> {"name":
 *   "repr"}` (changes), `R <depth> <line> "repr"` or `null` (the exception propagates),
 *   `E <depth> <line> "Type: message"`.
 *
 * Reading a target back gives steps; the target replays when they equal the trace's steps.
 */
import { z } from "zod";
import { stableStringify } from "../../core/hash.js";
import type { Trace, TraceEvent } from "../../core/trace.js";
import { scanCode } from "../../tasks/python-text.js";

export const TRACE_TARGET_FORMATS = ["scratchpad", "monologue", "frames"] as const;
export type TraceTargetFormat = (typeof TRACE_TARGET_FORMATS)[number];

/** A variable and the repr of its value. */
export type Binding = readonly [name: string, repr: string];

export type ExecutionStep =
  | { kind: "call"; depth: number; line: number; values: Binding[] }
  | { kind: "line"; depth: number; line: number; values: Binding[] }
  | { kind: "return"; depth: number; line: number; value: string | null }
  | { kind: "exception"; depth: number; line: number; error: string };

/** The first line of every frames target. */
export const FRAMES_HEADER = '# frames v1: C depth function line {args} | L depth line {changes} | R depth line "value"|null | E depth line "Type: message"';

/** What a prompt says about each format, so that a model knows what to write. */
export const FORMAT_INSTRUCTIONS: Readonly<Record<TraceTargetFormat, string>> = {
  scratchpad:
    "Write the program again, without line numbers, each line that runs followed by `  # ` and its steps in execution order, separated by `; `: `(i) name=value, ...` for the i-th step of the run " +
    "with the variables it changed, `(i) call name=value, ...` on a function's `def` line when it is called, `(i) return value`, `(i) raise Type: message`, and `(i) unwind` when an exception leaves the function.",
  monologue:
    "Narrate the run, one sentence per line of your answer: `Call f(name = value, ...) at line N.`, ``Line N `code`: name = value, ....`` with the variables the line changed (or `: no change.`), " +
    "`Line N raises Type: message.`, `Line N: f returns value.` and `Line N: f stops, the exception propagates.`",
  frames:
    `Write the run in the frames format: first the line \`${FRAMES_HEADER}\`, then one line per step: \`C depth function line {"arg": "value"}\` for a call, \`L depth line {"name": "value"}\` for a line with the variables it changed, ` +
    '`R depth line "value"` for a return (`null` when an exception propagates), `E depth line "Type: message"` for an exception; values are reprs in JSON strings, depth 0 is the called function.',
};

/** Why a trace cannot be a target; undefined when it can. */
export function unusableTrace(trace: Trace, program: string, maxSteps: number): string | undefined {
  if (trace.outcome.kind !== "returned" && trace.outcome.kind !== "raised") return `reference-${trace.outcome.kind}`;
  if (trace.totalSteps > trace.events.length) return "trace-over-step-limit";
  if (trace.events.length > maxSteps) return "over-max-steps";
  const lines = program.split("\n").length;
  if (trace.events.some((event) => event.line < 1 || event.line > lines)) return "line-outside-program";
  if (trace.events.some((event) => event.value?.truncated || event.changes?.some((change) => change.truncated))) return "value-truncated";
  return undefined;
}

/** The steps of a trace, as every format states them. */
export function executionSteps(trace: Trace): ExecutionStep[] {
  return trace.events.map((event): ExecutionStep => {
    const { depth, line } = event;
    switch (event.kind) {
      case "call":
        return { kind: "call", depth, line, values: bindings(event) };
      case "line":
        return { kind: "line", depth, line, values: bindings(event) };
      case "return":
        return { kind: "return", depth, line, value: event.value?.repr ?? null };
      case "exception":
        return { kind: "exception", depth, line, error: describeError(event) };
    }
  });
}

function bindings(event: TraceEvent): Binding[] {
  return (event.changes ?? []).map((change) => [change.name, change.repr] as const);
}

function describeError(event: TraceEvent): string {
  const error = event.error ?? { type: "Exception", message: "" };
  return error.message === "" ? error.type : `${error.type}: ${error.message}`;
}

export function renderTarget(format: TraceTargetFormat, trace: Trace, program: string): string {
  switch (format) {
    case "scratchpad":
      return renderScratchpad(trace, program);
    case "monologue":
      return renderMonologue(trace, program);
    case "frames":
      return renderFrames(trace);
  }
}

export type Replay = { ok: true } | { ok: false; reason: string };

/** Reads a target back and compares its steps with the trace's, naming the first difference. */
export function replayTarget(format: TraceTargetFormat, text: string, trace: Trace, program: string): Replay {
  const parsed = parseTarget(format, text, program);
  if (typeof parsed === "string") return { ok: false, reason: parsed };
  const expected = executionSteps(trace);
  const length = Math.max(parsed.length, expected.length);
  for (let index = 0; index < length; index += 1) {
    const [got, want] = [parsed[index], expected[index]];
    if (stableStringify(got ?? null) !== stableStringify(want ?? null)) {
      return { ok: false, reason: `step ${index + 1}: the target says ${JSON.stringify(got ?? "nothing")}, the trace ${JSON.stringify(want ?? "nothing")}` };
    }
  }
  return { ok: true };
}

/** The steps a target states, or what cannot be read. */
export function parseTarget(format: TraceTargetFormat, text: string, program: string): ExecutionStep[] | string {
  switch (format) {
    case "scratchpad":
      return parseScratchpad(text, program);
    case "monologue":
      return parseMonologue(text, program);
    case "frames":
      return parseFrames(text);
  }
}

function renderBindings(values: readonly Binding[], separator: string): string {
  return values.map(([name, repr]) => `${name}${separator}${repr}`).join(", ");
}

/** `name<separator>repr, ...` back into bindings; undefined when a part has no separator. */
function parseBindings(text: string, separator: string): Binding[] | undefined {
  if (text === "") return [];
  const parts = splitOutsideValues(text, (index) => text.startsWith(", ", index), 2);
  const values = parts.map((part): Binding | undefined => {
    const at = part.indexOf(separator);
    return at <= 0 ? undefined : [part.slice(0, at), part.slice(at + separator.length)];
  });
  return values.every((value) => value !== undefined) ? values : undefined;
}

/** Depths implied by calls and returns, for formats that do not write them. */
function withDepths(steps: readonly DepthlessStep[]): ExecutionStep[] | string {
  let depth = -1;
  const result: ExecutionStep[] = [];
  for (const step of steps) {
    if (step.kind === "call") depth += 1;
    if (depth < 0) return `step ${result.length + 1} comes before any call`;
    result.push({ ...step, depth });
    if (step.kind === "return") depth -= 1;
  }
  return result;
}

type DepthlessStep = ExecutionStep extends infer Step ? (Step extends ExecutionStep ? Omit<Step, "depth"> : never) : never;

// --- scratchpad ---

function scratchpadNote(step: ExecutionStep): string {
  switch (step.kind) {
    case "call":
      return step.values.length === 0 ? "call" : `call ${renderBindings(step.values, "=")}`;
    case "line":
      return renderBindings(step.values, "=");
    case "return":
      return step.value === null ? "unwind" : `return ${step.value}`;
    case "exception":
      return `raise ${step.error}`;
  }
}

function renderScratchpad(trace: Trace, program: string): string {
  const notes = new Map<number, string[]>();
  executionSteps(trace).forEach((step, index) => {
    const note = scratchpadNote(step);
    notes.set(step.line, [...(notes.get(step.line) ?? []), note === "" ? `(${index + 1})` : `(${index + 1}) ${note}`]);
  });
  return programLines(program)
    .map((source, index) => {
      const annotations = notes.get(index + 1);
      return annotations === undefined ? source : `${source}  # ${annotations.join("; ")}`;
    })
    .join("\n");
}

function parseScratchpad(text: string, program: string): ExecutionStep[] | string {
  const sources = programLines(program);
  const lines = text.replace(/\r\n?/g, "\n").trimEnd().split("\n");
  if (lines.length > sources.length) return `the target has ${lines.length} lines, the program ${sources.length}`;
  const indexed: { index: number; step: DepthlessStep }[] = [];
  for (const [position, line] of lines.entries()) {
    const source = sources[position]!;
    if (!line.startsWith(source)) return `line ${position + 1} is not the program's line ${position + 1}`;
    const rest = line.slice(source.length);
    if (rest === "") continue;
    if (!rest.startsWith("  # ")) return `line ${position + 1} has text after the code that is not a step comment`;
    for (const note of splitSteps(rest.slice(4))) {
      const parsed = parseScratchpadNote(note, position + 1);
      if (parsed === undefined) return `line ${position + 1}: cannot read the step ${JSON.stringify(note)}`;
      indexed.push(parsed);
    }
  }
  indexed.sort((a, b) => a.index - b.index);
  const gap = indexed.findIndex((entry, position) => entry.index !== position + 1);
  if (gap !== -1) return `step ${gap + 1} is missing or written twice`;
  return withDepths(indexed.map((entry) => entry.step));
}

function parseScratchpadNote(note: string, line: number): { index: number; step: DepthlessStep } | undefined {
  const match = /^\((\d+)\)(?: ([\s\S]*))?$/.exec(note);
  if (match === null) return undefined;
  const index = Number(match[1]);
  const body = match[2] ?? "";
  if (body === "unwind") return { index, step: { kind: "return", line, value: null } };
  if (body.startsWith("return ")) return { index, step: { kind: "return", line, value: body.slice("return ".length) } };
  if (body.startsWith("raise ")) return { index, step: { kind: "exception", line, error: body.slice("raise ".length) } };
  const isCall = body === "call" || body.startsWith("call ");
  const values = parseBindings(isCall ? body.slice("call ".length) : body, "=");
  if (values === undefined) return undefined;
  return { index, step: { kind: isCall ? "call" : "line", line, values } };
}

/** Splits a line's steps at each `; ` that a step index `(i)` follows, outside values. */
function splitSteps(text: string): string[] {
  return splitOutsideValues(text, (index) => /^; \(\d+\)/.test(text.slice(index, index + 24)), 2);
}

/**
 * Splits `text` where `isSeparator` holds, outside string literals, brackets and the angle
 * brackets of object reprs (`<re.Match object; span=(0, 3), match='abc'>`).
 */
function splitOutsideValues(text: string, isSeparator: (index: number) => boolean, length: number): string[] {
  const parts: string[] = [];
  let [start, angles] = [0, 0];
  scanCode(text, (index, depth) => {
    if (text[index] === "<") angles += 1;
    else if (text[index] === ">") angles = Math.max(0, angles - 1);
    else if (depth === 0 && angles === 0 && index >= start && isSeparator(index)) {
      parts.push(text.slice(start, index));
      start = index + length;
    }
  });
  parts.push(text.slice(start));
  return parts;
}

function programLines(program: string): string[] {
  return program
    .replace(/\r\n?/g, "\n")
    .trimEnd()
    .split("\n")
    .map((line) => line.trimEnd());
}

// --- monologue ---

function renderMonologue(trace: Trace, program: string): string {
  const sources = programLines(program);
  const steps = executionSteps(trace);
  return trace.events
    .map((event, index) => {
      const step = steps[index]!;
      switch (step.kind) {
        case "call":
          return `Call ${event.function}(${renderBindings(step.values, " = ")}) at line ${step.line}.`;
        case "line":
          return `Line ${step.line} \`${sources[step.line - 1]!.trim()}\`: ${step.values.length === 0 ? "no change" : renderBindings(step.values, " = ")}.`;
        case "return":
          return step.value === null
            ? `Line ${step.line}: ${event.function} stops, the exception propagates.`
            : `Line ${step.line}: ${event.function} returns ${step.value}.`;
        case "exception":
          return `Line ${step.line} raises ${step.error}.`;
      }
    })
    .join("\n");
}

const MONOLOGUE_CALL = /^Call [^\s(]+\(([\s\S]*)\) at line (\d+)\.$/;
const MONOLOGUE_RETURN = /^Line (\d+): \S+ returns ([\s\S]*)\.$/;
const MONOLOGUE_UNWIND = /^Line (\d+): \S+ stops, the exception propagates\.$/;
const MONOLOGUE_RAISE = /^Line (\d+) raises ([\s\S]*)\.$/;
const MONOLOGUE_LINE = /^Line (\d+) `/;

function parseMonologue(text: string, program: string): ExecutionStep[] | string {
  const sources = programLines(program);
  const steps: DepthlessStep[] = [];
  for (const [position, sentence] of text.replace(/\r\n?/g, "\n").trim().split("\n").entries()) {
    const step = parseSentence(sentence, sources);
    if (step === undefined) return `sentence ${position + 1} cannot be read: ${JSON.stringify(sentence.slice(0, 120))}`;
    steps.push(step);
  }
  return withDepths(steps);
}

function parseSentence(sentence: string, sources: readonly string[]): DepthlessStep | undefined {
  const call = MONOLOGUE_CALL.exec(sentence);
  if (call !== null) {
    const values = parseBindings(call[1]!, " = ");
    return values === undefined ? undefined : { kind: "call", line: Number(call[2]), values };
  }
  const unwind = MONOLOGUE_UNWIND.exec(sentence);
  if (unwind !== null) return { kind: "return", line: Number(unwind[1]), value: null };
  const returned = MONOLOGUE_RETURN.exec(sentence);
  if (returned !== null) return { kind: "return", line: Number(returned[1]), value: returned[2]! };
  const raised = MONOLOGUE_RAISE.exec(sentence);
  if (raised !== null) return { kind: "exception", line: Number(raised[1]), error: raised[2]! };
  const lineMatch = MONOLOGUE_LINE.exec(sentence);
  if (lineMatch === null) return undefined;
  const line = Number(lineMatch[1]);
  const prefix = `Line ${line} \`${sources[line - 1]?.trim() ?? ""}\`: `;
  if (!sentence.startsWith(prefix) || !sentence.endsWith(".")) return undefined;
  const body = sentence.slice(prefix.length, -1);
  const values = body === "no change" ? [] : parseBindings(body, " = ");
  return values === undefined || (values.length === 0 && body !== "no change") ? undefined : { kind: "line", line, values };
}

// --- frames ---

function renderFrames(trace: Trace): string {
  const steps = executionSteps(trace);
  const lines = trace.events.map((event, index) => {
    const step = steps[index]!;
    switch (step.kind) {
      case "call":
        return `C ${step.depth} ${event.function} ${step.line} ${JSON.stringify(Object.fromEntries(step.values))}`;
      case "line":
        return `L ${step.depth} ${step.line} ${JSON.stringify(Object.fromEntries(step.values))}`;
      case "return":
        return `R ${step.depth} ${step.line} ${JSON.stringify(step.value)}`;
      case "exception":
        return `E ${step.depth} ${step.line} ${JSON.stringify(step.error)}`;
    }
  });
  return [FRAMES_HEADER, ...lines].join("\n");
}

const FRAME_LINE = /^([CLRE]) (\d+) (?:([^\s\d]\S*) )?(\d+) (.*)$/;
const jsonBindings = z.record(z.string(), z.string());
const jsonValue = z.string().nullable();

function parseFrames(text: string): ExecutionStep[] | string {
  const [header, ...lines] = text.replace(/\r\n?/g, "\n").trim().split("\n");
  if (header !== FRAMES_HEADER) return "the target does not start with the frames header";
  const steps: ExecutionStep[] = [];
  for (const [position, line] of lines.entries()) {
    const step = parseFrame(line);
    if (step === undefined) return `frame line ${position + 1} cannot be read: ${JSON.stringify(line.slice(0, 120))}`;
    steps.push(step);
  }
  return steps;
}

function parseFrame(text: string): ExecutionStep | undefined {
  const match = FRAME_LINE.exec(text);
  if (match === null || (match[1] === "C") !== (match[3] !== undefined)) return undefined;
  const [depth, line, json] = [Number(match[2]), Number(match[4]), parseJson(match[5]!)];
  switch (match[1]) {
    case "C":
    case "L": {
      const values = jsonBindings.safeParse(json);
      if (!values.success) return undefined;
      return { kind: match[1] === "C" ? "call" : "line", depth, line, values: Object.entries(values.data) };
    }
    case "R": {
      const value = jsonValue.safeParse(json);
      return value.success ? { kind: "return", depth, line, value: value.data } : undefined;
    }
    default: {
      const error = z.string().safeParse(json);
      return error.success ? { kind: "exception", depth, line, error: error.data } : undefined;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Hand-built traces for unit tests: events without step numbers, numbered in order. */
import {
  TRACE_SCHEMA_VERSION,
  type Outcome,
  type Scope,
  type Statement,
  type Trace,
  type TraceEvent,
  type TraceInput,
  type VariableChange,
} from "../../src/core/trace.js";

export type EventSpec = Omit<TraceEvent, "step">;

/** A variable change; the type is guessed from the repr unless given. */
export function change(name: string, repr: string, type = guessType(repr)): VariableChange {
  return { name, repr, type };
}

function guessType(repr: string): string {
  if (/^-?\d+$/.test(repr)) return "int";
  if (/^-?\d*\.\d+(e-?\d+)?$/.test(repr)) return "float";
  if (repr.startsWith("'") || repr.startsWith('"')) return "str";
  if (repr.startsWith("[")) return "list";
  if (repr.startsWith("{")) return "dict";
  if (repr.startsWith("(")) return "tuple";
  if (repr === "None") return "NoneType";
  if (repr === "True" || repr === "False") return "bool";
  return "object";
}

/** Builders for one frame: `frame("f", 0).line(2, change("x", "1"))`. */
export function frame(name: string, depth: number) {
  const base = { function: name, depth };
  return {
    call: (line: number, ...changes: VariableChange[]): EventSpec => ({ ...base, kind: "call", line, ...withChanges(changes) }),
    line: (line: number, ...changes: VariableChange[]): EventSpec => ({ ...base, kind: "line", line, ...withChanges(changes) }),
    returns: (line: number, repr: string, type?: string): EventSpec => ({
      ...base,
      kind: "return",
      line,
      value: { repr, type: type ?? guessType(repr) },
    }),
    raises: (line: number, type: string, message: string, raisedAt = line): EventSpec => ({
      ...base,
      kind: "exception",
      line,
      error: { type, message, line: raisedAt },
    }),
    unwinds: (line: number): EventSpec => ({ ...base, kind: "return", line, error: { type: "propagated", message: "" } }),
  };
}

function withChanges(changes: VariableChange[]): { changes?: VariableChange[] } {
  return changes.length === 0 ? {} : { changes };
}

export interface TraceSpec {
  input?: TraceInput;
  outcome?: Outcome;
  events: EventSpec[];
  /** Defaults to the number of events. */
  totalSteps?: number;
  stdout?: string;
  /** The statement table; absent unless given. */
  statements?: Statement[];
  scopes?: Scope[];
}

export function buildTrace(spec: TraceSpec): Trace {
  const events = spec.events.map((event, step) => ({ step, ...event }));
  return {
    schemaVersion: TRACE_SCHEMA_VERSION,
    runtime: { name: "pyodide", python: "3.13.2" },
    limits: { timeoutMs: 10_000, maxSteps: 20_000, maxValueChars: 1_000, maxOutputBytes: 1_000_000, memoryMb: 1_024 },
    programSha256: "0".repeat(64),
    input: spec.input ?? { kind: "call", call: "f()" },
    outcome: spec.outcome ?? { kind: "returned", value: { repr: "None", type: "NoneType" } },
    events,
    totalSteps: spec.totalSteps ?? events.length,
    stdout: spec.stdout ?? "",
    stderr: "",
    stdoutTruncated: false,
    stderrTruncated: false,
    ...(spec.statements === undefined ? {} : { statements: spec.statements }),
    ...(spec.scopes === undefined ? {} : { scopes: spec.scopes }),
  };
}

/** `total(xs)`: sums a list with a for loop; `values` drive the iterations. */
export const SUM_PROGRAM = `def total(xs):
    s = 0
    for x in xs:
        s += x
    return s
`;

export function sumTrace(values: readonly number[]): Trace {
  const f = frame("total", 0);
  const events: EventSpec[] = [f.call(1, change("xs", `[${values.join(", ")}]`)), f.line(2, change("s", "0"))];
  let sum = 0;
  for (const value of values) {
    sum += value;
    events.push(f.line(3, change("x", String(value))), f.line(4, change("s", String(sum))));
  }
  events.push(f.line(3), f.line(5), f.returns(5, String(sum)));
  return buildTrace({
    input: { kind: "call", call: `total([${values.join(", ")}])` },
    outcome: { kind: "returned", value: { repr: String(sum), type: "int" } },
    events,
  });
}

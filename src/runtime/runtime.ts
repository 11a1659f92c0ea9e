import type { PyValue } from "../core/python-value.js";
import type { Limits, RuntimeName, Trace, TraceInput, TracedError, TracedValue } from "../core/trace.js";

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 10_000,
  maxSteps: 20_000,
  maxValueChars: 1_000,
  maxOutputBytes: 1_000_000,
  memoryMb: 1_024,
};

export interface TraceRequest {
  program: string;
  input: TraceInput;
  limits?: Partial<Limits>;
}

/**
 * The program's part of one test, which the sandbox runs untraced: no expected output ever
 * goes with it. `timeoutMs` bounds the program's own work; `reportMs` bounds describing and
 * sending what it returned (default REPORT_MS), for callers that know a result is large.
 */
export type ExecuteTest = { id: string; timeoutMs: number; reportMs?: number } & (
  | { kind: "call"; args: string }
  /** An assertion test taken apart: `setup` (its imports) runs in the program's namespace, then each call of the entry point. */
  | { kind: "calls"; calls: string[]; setup?: string }
  /** An assertion test that could not be taken apart: it runs in the program's process. */
  | { kind: "assert"; code: string }
  | { kind: "stdin"; stdin: string }
);

/** One call's end: a value, as restricted data with its display form, or an exception. */
export type CallOutcome =
  | { outcome: "returned"; value: PyValue; display: TracedValue }
  | { outcome: "raised"; error: TracedError };

/**
 * What running one test gave. `outcomes` is what the program reported (one per call, in order);
 * `stopped` is what the host itself saw, which no program can forge: the test ran past its
 * limit (`timeout`), or its sandbox ended without a result for it (`crashed`).
 */
export interface TestRun {
  id: string;
  durationMs: number;
  outcomes: CallOutcome[];
  stdout?: string;
  stdoutTruncated?: boolean;
  stopped?: { kind: "timeout" } | { kind: "crashed"; detail: string };
}

export interface ExecuteRequest {
  program: string;
  /** The function call tests call; unused for stdin and assertion tests. */
  entryPoint: string;
  tests: ExecuteTest[];
  limits?: Partial<Pick<Limits, "memoryMb" | "maxOutputBytes" | "maxValueChars">>;
  /** Asked after each test in order: true ends the run there (the rest get no run). */
  stopAfter?: (run: TestRun) => boolean;
}

export interface ExecuteResponse {
  /** In test order; shorter than the request when `stopAfter` ended it. */
  runs: TestRun[];
  /** Set when the program itself could not be loaded (syntax error, crash at import). */
  loadError?: TracedError;
}

/** A sandboxed Python: every implementation passes test/runtime/conformance.ts. */
export interface Runtime {
  readonly name: RuntimeName;
  trace(request: TraceRequest): Promise<Trace>;
  /** Runs each test's part of a program and reports what happened; judging is the caller's. */
  execute(request: ExecuteRequest): Promise<ExecuteResponse>;
  close(): Promise<void>;
}

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

/**
 * A whole program run as `python main.py` runs it: as `__main__`, in a working folder of its
 * own that holds `files` (relative path to content), fed `stdin`. Nothing of the folder, or of
 * the interpreter, is there for the next program.
 */
export interface ScriptRequest {
  program: string;
  stdin?: string;
  files?: Record<string, Uint8Array>;
  /** Relative paths read back from the working folder after the run. */
  fetchFiles?: string[];
  timeoutMs: number;
  limits?: Partial<Pick<Limits, "memoryMb" | "maxOutputBytes">>;
  /** The most bytes all fetched files may take together (default: DEFAULT_FETCH_BYTES). */
  maxFetchBytes?: number;
}

export const DEFAULT_FETCH_BYTES = 16 * 1024 * 1024;

/**
 * What a script run gave, as the process would show it: `exitCode` is the exit status (negative:
 * killed by that signal), or null when it did not end on its own. `stopped` is the host's own
 * record, which no program can forge: it ran past its limit, or its sandbox ended without a result.
 */
export interface ScriptRun {
  durationMs: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** The fetched files that were there, by the path asked for. */
  files: Record<string, Uint8Array>;
  /** Fetched paths that were not regular files in the working folder after the run. */
  missing: string[];
  /** Fetched files left out because they did not fit in `maxFetchBytes`. */
  oversized: string[];
  stopped?: { kind: "timeout" } | { kind: "crashed"; detail: string };
}

/** A sandboxed Python: every implementation passes test/runtime/conformance.ts. */
export interface Runtime {
  readonly name: RuntimeName;
  trace(request: TraceRequest): Promise<Trace>;
  /** Runs each test's part of a program and reports what happened; judging is the caller's. */
  execute(request: ExecuteRequest): Promise<ExecuteResponse>;
  /** Runs a whole program on its standard input and reports its exit and output; judging is the caller's. */
  runScript(request: ScriptRequest): Promise<ScriptRun>;
  close(): Promise<void>;
}

import type { ExecuteRequestData, ExecuteResponse, TestRun, TraceRequest } from "../config/runtime-schema.js";
import type { Limits, RuntimeName, Trace } from "../core/trace.js";

export const DEFAULT_LIMITS: Limits = {
  timeoutMs: 10_000,
  maxSteps: 20_000,
  maxValueChars: 1_000,
  maxOutputBytes: 1_000_000,
  memoryMb: 1_024,
};

export type { CallOutcome, ExecuteResponse, ExecuteTest, TestRun, TraceRequest } from "../config/runtime-schema.js";

export type ExecuteRequest = ExecuteRequestData & {
  /** Asked after each test in order: true ends the run there (the rest get no run). */
  stopAfter?: (run: TestRun) => boolean;
};

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

import type { ExecuteRequestData, ExecuteResponse, TestRun } from "../config/execute-schema.js";
import type { Limits, RuntimeName, Trace, TraceInput } from "../core/trace.js";

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

export type { CallOutcome, ExecuteResponse, ExecuteTest, TestRun } from "../config/execute-schema.js";

export type ExecuteRequest = ExecuteRequestData & {
  /** Asked after each test in order: true ends the run there (the rest get no run). */
  stopAfter?: (run: TestRun) => boolean;
};

/** A sandboxed Python: every implementation passes test/runtime/conformance.ts. */
export interface Runtime {
  readonly name: RuntimeName;
  trace(request: TraceRequest): Promise<Trace>;
  /** Runs each test's part of a program and reports what happened; judging is the caller's. */
  execute(request: ExecuteRequest): Promise<ExecuteResponse>;
  close(): Promise<void>;
}

/**
 * The canonical trace: the one format every representation reads. Its types are inferred from
 * the zod schemas in config/trace-schema.ts, the single definition used at every boundary.
 */

export const TRACE_SCHEMA_VERSION = "semtrace.trace/2" as const;
/** Version 1 had no statement table; such traces still load, and slices of them keep every step. */
export const TRACE_SCHEMA_VERSIONS = ["semtrace.trace/1", TRACE_SCHEMA_VERSION] as const;

export type {
  Limits,
  Outcome,
  OutcomeKind,
  RuntimeName,
  Scope,
  Statement,
  Trace,
  TraceEvent,
  TraceEventKind,
  TraceInput,
  TracedError,
  TracedValue,
  VariableChange,
} from "../config/trace-schema.js";

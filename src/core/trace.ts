/**
 * The canonical trace: the one format every representation reads. Its types are inferred from
 * the zod schemas in config/trace-schema.ts, the single definition used at every boundary.
 */

export const TRACE_SCHEMA_VERSION = "semtrace.trace/1" as const;

export type {
  Limits,
  Outcome,
  OutcomeKind,
  RuntimeName,
  Trace,
  TraceEvent,
  TraceEventKind,
  TraceInput,
  TracedError,
  TracedValue,
  VariableChange,
} from "../config/trace-schema.js";

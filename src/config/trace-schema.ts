import { z } from "zod";
import { TRACE_SCHEMA_VERSION, TRACE_SCHEMA_VERSIONS } from "../core/trace.js";

/**
 * The canonical trace format, the one every representation reads: the types of core/trace.ts
 * are inferred from these schemas, which are published as schemas/trace.schema.json.
 */

export const RuntimeNameSchema = z.enum(["pyodide", "cpython"]);

/** A value as the tracer saw it: a safe, capped, deterministic repr. */
export const TracedValueSchema = z.strictObject({
  repr: z.string(),
  /** Python type name, qualified for non-builtins (`collections.Counter`, `__main__.Node`). */
  type: z.string(),
  /** The repr was elided (head … tail) to fit the value cap. */
  truncated: z.boolean().optional(),
  /** len() for sized builtin values, so a truncated value still tells its size. */
  size: z.number().int().nonnegative().optional(),
});

export const TracedErrorSchema = z.strictObject({
  type: z.string(),
  message: z.string(),
  /** Line in the user's source where it was raised; absent when it came from outside it. */
  line: z.number().int().optional(),
});

export const VariableChangeSchema = TracedValueSchema.extend({ name: z.string() });

export const TraceEventKindSchema = z.enum(["call", "line", "return", "exception"]);

/**
 * One event in execution order. A `line` event is a source line that ran, with the
 * variables its execution changed (attributed after the line finished). A `call` event
 * carries the arguments as changes; `return` carries the value; `exception` the error.
 */
export const TraceEventSchema = z.strictObject({
  step: z.number().int().nonnegative(),
  kind: TraceEventKindSchema,
  line: z.number().int(),
  function: z.string(),
  /** 0 for the entry function (or the module of a script), +1 per nested user frame. */
  depth: z.number().int().nonnegative(),
  changes: z.array(VariableChangeSchema).optional(),
  value: TracedValueSchema.optional(),
  error: TracedErrorSchema.optional(),
});

export const OutcomeKindSchema = z.enum(["returned", "raised", "syntax-error", "timeout", "step-limit", "memory-limit", "output-limit", "crashed"]);

export const OutcomeSchema = z.strictObject({
  kind: OutcomeKindSchema,
  /** The result: set for `returned`, and for `step-limit` when the program still returned. */
  value: TracedValueSchema.optional(),
  /** The exception: set for `raised`/`syntax-error`, and for limits that surfaced as one. */
  error: TracedErrorSchema.optional(),
  /** Human-readable detail for infrastructure outcomes (exit status, which limit). */
  detail: z.string().optional(),
});

export const LimitsSchema = z.strictObject({
  timeoutMs: z.number().int().positive(),
  maxSteps: z.number().int().nonnegative(),
  maxValueChars: z.number().int().positive(),
  maxOutputBytes: z.number().int().positive(),
  memoryMb: z.number().int().positive(),
});

export const TraceInputSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("call"), call: z.string() }),
  z.strictObject({ kind: z.literal("stdin"), stdin: z.string() }),
]);

/**
 * One statement of the program, from its Python AST: what it reads and writes when it runs.
 * A write is a binding, a store into a subscript or attribute of the name, or an in-place
 * method call on it (`a.append(x)` writes `a`); see runtime/python/semtrace_statements.py.
 */
export const StatementSchema = z.strictObject({
  /** The lines its own line events can report: a compound statement's header only. */
  line: z.number().int(),
  endLine: z.number().int(),
  defs: z.array(z.string()),
  uses: z.array(z.string()),
  /** First line of the enclosing `if`/`while`/`for`/`except`/`case` in the same function. */
  control: z.number().int().optional(),
});

/** A function's names (a frame's, matched by function name and first line, decorators included). */
export const ScopeSchema = z.strictObject({
  function: z.string(),
  line: z.number().int(),
  /** Parameters and names it binds, less `global`/`nonlocal` ones. */
  locals: z.array(z.string()),
  /** Names it shares with an enclosing function (closures, `nonlocal`). */
  free: z.array(z.string()),
});

export const TraceSchema = z
  .strictObject({
    schemaVersion: z.enum(TRACE_SCHEMA_VERSIONS),
    runtime: z.strictObject({ name: RuntimeNameSchema, python: z.string() }),
    limits: LimitsSchema,
    /** sha256 of the program source, so a stored trace can be matched to its program. */
    programSha256: z.string().regex(/^[0-9a-f]{64}$/),
    input: TraceInputSchema,
    outcome: OutcomeSchema,
    events: z.array(TraceEventSchema),
    /** Events executed, including those past the step cap that were not recorded. */
    totalSteps: z.number().int().nonnegative(),
    stdout: z.string(),
    stderr: z.string(),
    stdoutTruncated: z.boolean(),
    stderrTruncated: z.boolean(),
    /** The program's statement table; absent when it did not parse, and in version 1. */
    statements: z.array(StatementSchema).optional(),
    scopes: z.array(ScopeSchema).optional(),
  })
  .meta({ title: "semtrace trace", description: `Canonical execution trace, version ${TRACE_SCHEMA_VERSION}.` });

export type RuntimeName = z.infer<typeof RuntimeNameSchema>;
export type TracedValue = z.infer<typeof TracedValueSchema>;
export type TracedError = z.infer<typeof TracedErrorSchema>;
export type VariableChange = z.infer<typeof VariableChangeSchema>;
export type TraceEventKind = z.infer<typeof TraceEventKindSchema>;
export type TraceEvent = z.infer<typeof TraceEventSchema>;
export type OutcomeKind = z.infer<typeof OutcomeKindSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type Limits = z.infer<typeof LimitsSchema>;
export type TraceInput = z.infer<typeof TraceInputSchema>;
export type Statement = z.infer<typeof StatementSchema>;
export type Scope = z.infer<typeof ScopeSchema>;
export type Trace = z.infer<typeof TraceSchema>;

/**
 * What crosses the sandbox boundary from the harness: the messages of a job, a test's
 * observation, and values as restricted data. Everything here comes out of a process that runs
 * untrusted code, so the host checks it against these schemas before using any of it.
 */
import { z } from "zod";
import { TracedErrorSchema, TracedValueSchema } from "./trace-schema.js";

/** A float on the wire: a JSON number when finite (shortest round-trip digits), else its name. */
const WireFloatSchema = z.union([z.number(), z.enum(["nan", "inf", "-inf"])]);

/**
 * A Python value as restricted data (semtrace_tracer.wire_value): None, bool, str and safe
 * integers as JSON; lists as arrays; every other type tagged. Only exact builtin types cross
 * as data, plus the `collections` dicts that compare as dicts; anything else is `opaque`.
 */
export type WireValue =
  | null
  | boolean
  | string
  | number
  | WireValue[]
  | { int: string }
  | { float: number | "nan" | "inf" | "-inf" }
  | { complex: [number | "nan" | "inf" | "-inf", number | "nan" | "inf" | "-inf"] }
  | { bytes: string }
  | { tuple: WireValue[] }
  | { set: WireValue[] }
  | { frozenset: WireValue[] }
  | { dict: [WireValue, WireValue][]; class?: "Counter" | "OrderedDict" | "defaultdict" }
  | { opaque: string; repr: string };

export const WireValueSchema: z.ZodType<WireValue> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.string(),
    // A bare number is an int when integral, else a float: integral floats, which JSON cannot
    // tell from ints, come as {float}.
    z.number(),
    z.array(WireValueSchema),
    // An int beyond JavaScript's safe integers, in hexadecimal digits.
    z.strictObject({ int: z.string().regex(/^-?[0-9a-f]+$/) }),
    z.strictObject({ float: WireFloatSchema }),
    z.strictObject({ complex: z.tuple([WireFloatSchema, WireFloatSchema]) }),
    z.strictObject({ bytes: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }),
    z.strictObject({ tuple: z.array(WireValueSchema) }),
    z.strictObject({ set: z.array(WireValueSchema) }),
    z.strictObject({ frozenset: z.array(WireValueSchema) }),
    z.strictObject({
      dict: z.array(z.tuple([WireValueSchema, WireValueSchema])),
      class: z.enum(["Counter", "OrderedDict", "defaultdict"]).optional(),
    }),
    z.strictObject({ opaque: z.string(), repr: z.string() }),
  ]),
);

/** One call's end, as the harness saw it: `interrupted` marks the watchdog's KeyboardInterrupt. */
export const WireOutcomeSchema = z.discriminatedUnion("outcome", [
  z.strictObject({ outcome: z.literal("returned"), value: WireValueSchema, display: TracedValueSchema }),
  z.strictObject({ outcome: z.literal("raised"), error: TracedErrorSchema, interrupted: z.literal(true).optional() }),
]);

/** What running one test's part of the program gave: one outcome per call, in order. */
export const ObservationSchema = z.strictObject({
  durationMs: z.number().nonnegative(),
  outcomes: z.array(WireOutcomeSchema).min(1),
  stdout: z.string().optional(),
  stdoutTruncated: z.boolean(),
});

const Base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** What running a whole program gave (semtrace_script.run_script). */
export const ScriptObservationSchema = z.strictObject({
  durationMs: z.number().nonnegative(),
  exitCode: z.number().int().min(-64).max(255).nullable(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  interrupted: z.literal(true).optional(),
  files: z.record(z.string(), Base64Schema),
  missing: z.array(z.string()),
  oversized: z.array(z.string()),
});

/** The end of a script job: set when the harness refused the request before running it. */
export const ScriptBodySchema = z.strictObject({ error: z.string().optional() });

/** A line of a job's result stream. */
export const SandboxMessageSchema = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("result"), i: z.number().int().nonnegative(), result: z.unknown() }),
  z.strictObject({ t: z.literal("done"), body: z.record(z.string(), z.unknown()) }),
]);

/** The end of an execute job: set when the program could not be loaded. */
export const ExecuteBodySchema = z.strictObject({
  loadError: TracedErrorSchema.optional(),
  interrupted: z.literal(true).optional(),
});

export type WireOutcome = z.infer<typeof WireOutcomeSchema>;
export type ScriptObservation = z.infer<typeof ScriptObservationSchema>;
export type Observation = z.infer<typeof ObservationSchema>;
export type SandboxMessage = z.infer<typeof SandboxMessageSchema>;

import { z } from "zod";

/** The benchmark-independent problem model every loader produces. */

export const TestVisibilitySchema = z.enum(["public", "hidden"]);

/** `base` = the benchmark's original tests; `plus` = EvalPlus-style extra tests. */
export const TestGroupSchema = z.enum(["base", "plus"]);

const testCommon = { id: z.string(), visibility: TestVisibilitySchema, group: TestGroupSchema };

/**
 * Positional arguments as Python source text (the inside of `f(...)`), so that tuples,
 * sets and floats survive exactly. `expected` is the repr of the reference result; loaders
 * leave it unset when it must be computed by running the reference.
 */
export const IoTestSchema = z.strictObject({
  ...testCommon,
  kind: z.literal("io"),
  args: z.string(),
  expected: z.string().optional(),
  /** Absolute float tolerance, as EvalPlus's `atol`. */
  atol: z.number().nonnegative().optional(),
});

/** A standard-input program: exact stdout comparison after trimming trailing whitespace per line. */
export const StdinTestSchema = z.strictObject({
  ...testCommon,
  kind: z.literal("stdin"),
  stdin: z.string(),
  expectedStdout: z.string().optional(),
});

/** Assertion code run after the candidate is defined (HumanEval `check`, MBPP `assert`s). */
export const AssertTestSchema = z.strictObject({ ...testCommon, kind: z.literal("assert"), code: z.string() });

export const TestCaseSchema = z.discriminatedUnion("kind", [IoTestSchema, StdinTestSchema, AssertTestSchema]);

export const ProblemSchema = z.strictObject({
  id: z.string(),
  source: z.strictObject({ dataset: z.string(), version: z.string() }),
  /** What a model sees: the natural-language spec, for HumanEval the signature and docstring. */
  prompt: z.string(),
  /** Function under test; empty for stdin programs. */
  entryPoint: z.string(),
  /** A complete, runnable reference program. */
  reference: z.string().optional(),
  tests: z.array(TestCaseSchema),
  /** A candidate program attached by a loader (repair sets, candidate pools). */
  candidate: z.string().optional(),
  /** Loader-specific facts kept for provenance (e.g. a pool's `is_solved`). */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type TestVisibility = z.infer<typeof TestVisibilitySchema>;
export type TestGroup = z.infer<typeof TestGroupSchema>;
export type IoTest = z.infer<typeof IoTestSchema>;
export type StdinTest = z.infer<typeof StdinTestSchema>;
export type AssertTest = z.infer<typeof AssertTestSchema>;
export type TestCase = z.infer<typeof TestCaseSchema>;
export type Problem = z.infer<typeof ProblemSchema>;

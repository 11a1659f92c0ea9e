/**
 * The generic benchmark format: JSONL, one problem per line, mirroring Problem. Documented in
 * docs/generic-format.md; `genericProblemJsonSchema()` gives its JSON Schema.
 */
import { basename } from "node:path";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";
import { type Problem, type TestCase } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, locateBenchmarkFile, selectTasks } from "./benchmark.js";
import { parseJsonlRows, readDataText } from "./read-data.js";

const testCommon = {
  id: z.string().min(1).optional().describe("Unique within the problem; defaults to test-<index>."),
  visibility: z.enum(["public", "hidden"]).default("hidden").describe("public tests may be shown to a model; hidden ones only judge."),
  group: z.enum(["base", "plus"]).default("base").describe("base: the original tests; plus: extra tests."),
};

export const genericIoTestSchema = z
  .strictObject({
    kind: z.literal("io"),
    args: z.string().describe("Python source of the positional arguments, the inside of f(...)."),
    expected: z.string().optional().describe("Python source (repr) of the expected result; absent: run the reference."),
    atol: z.number().nonnegative().optional().describe("Absolute tolerance for floats; absent or 0: exact."),
    ...testCommon,
  })
  .describe("Calls entry_point(args) and compares the result with expected.");

export const genericStdinTestSchema = z
  .strictObject({
    kind: z.literal("stdin"),
    stdin: z.string().describe("Text fed to the program's standard input."),
    expected: z.string().optional().describe("Expected standard output; absent: run the reference."),
    ...testCommon,
  })
  .describe("Runs the whole program on stdin and compares its stdout.");

export const genericAssertTestSchema = z
  .strictObject({
    kind: z.literal("assert"),
    code: z.string().describe("Python code run after the program is defined; passes when it raises nothing."),
    ...testCommon,
  })
  .describe("Runs assertion code against the program.");

export const genericTestSchema = z.discriminatedUnion("kind", [genericIoTestSchema, genericStdinTestSchema, genericAssertTestSchema]);

export const genericProblemSchema = z
  .strictObject({
    id: z.string().min(1).describe("Unique task id."),
    prompt: z.string().describe("What a model sees: the specification, for functions usually the signature and docstring."),
    entry_point: z.string().default("").describe("Function under test; empty for stdin programs."),
    reference: z.string().optional().describe("A complete, correct program."),
    candidate: z.string().optional().describe("A program to evaluate or repair."),
    tests: z.array(genericTestSchema).min(1),
    dataset: z.string().min(1).optional().describe("Dataset name recorded as the problem's source; defaults to generic."),
    version: z.string().min(1).optional().describe("Dataset version; defaults to the file name."),
    meta: z.record(z.string(), z.unknown()).optional().describe("Free-form facts kept with the problem."),
  })
  .meta({ title: "semtrace generic problem", description: "One line of a generic benchmark JSONL file." });

export type GenericProblem = z.output<typeof genericProblemSchema>;

/** The JSON Schema of one line of a generic benchmark file. */
export function genericProblemJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(genericProblemSchema, { io: "input" }) as Record<string, unknown>;
}

export async function loadGeneric(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  if (options.path === undefined)
    throw new ConfigError('Benchmark "generic" needs a path: the JSONL file to read (--benchmark-file FILE on the command line).');
  const path = locateBenchmarkFile(options, [], { fetchName: "generic" });
  const rows = parseJsonlRows(await readDataText(path), genericProblemSchema, path);
  const seen = new Set<string>();
  const problems = rows.map(({ value, position }) => {
    if (seen.has(value.id)) throw new ConfigError(`${path}:${position}: duplicate problem id ${value.id}`, { source: path });
    seen.add(value.id);
    return createGenericProblem(value, basename(path), `${path}:${position}`);
  });
  return selectTasks(problems, options.tasks, "generic");
}

export function createGenericProblem(row: GenericProblem, defaultVersion: string, where: string): Problem {
  const tests = row.tests.map((test, index) => createTest(test, index));
  const ids = new Set<string>();
  for (const test of tests) {
    if (ids.has(test.id)) throw new ConfigError(`${where}: problem ${row.id} has two tests with id ${test.id}`);
    ids.add(test.id);
  }
  const problem: Problem = {
    id: row.id,
    source: { dataset: row.dataset ?? "generic", version: row.version ?? defaultVersion },
    prompt: row.prompt,
    entryPoint: row.entry_point,
    tests,
  };
  if (row.reference !== undefined) problem.reference = row.reference;
  if (row.candidate !== undefined) problem.candidate = row.candidate;
  if (row.meta !== undefined) problem.meta = row.meta;
  return problem;
}

function createTest(test: GenericProblem["tests"][number], index: number): TestCase {
  const common = { id: test.id ?? `test-${index}`, visibility: test.visibility, group: test.group };
  switch (test.kind) {
    case "io": {
      const io: TestCase = { kind: "io", ...common, args: test.args };
      if (test.expected !== undefined) io.expected = test.expected;
      if (test.atol !== undefined && test.atol > 0) io.atol = test.atol;
      return io;
    }
    case "stdin": {
      const stdin: TestCase = { kind: "stdin", ...common, stdin: test.stdin };
      if (test.expected !== undefined) stdin.expectedStdout = test.expected;
      return stdin;
    }
    case "assert":
      return { kind: "assert", ...common, code: test.code };
  }
}

export const genericLoader: BenchmarkLoader = {
  name: "generic",
  description: "A JSONL file in the generic format (docs/generic-format.md); pass its path",
  load: loadGeneric,
};

/**
 * Regenerates the real traces behind the representation golden tests. For each case in
 * test/fixtures/representations/cases.json it traces the program on every test, computes the
 * expected output by running the case's reference program, and writes
 * test/fixtures/representations/traces/<name>.json (a render input: program + tests).
 *
 *   npx tsx scripts/generate-representation-fixtures.ts [--runtime pyodide|cpython]
 *
 * Traces are deterministic, so re-running it on an unchanged tracer rewrites identical files.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Trace, TraceInput } from "../src/core/trace.js";
import { LimitsSchema } from "../src/config/trace-schema.js";
import { createRuntime, type Runtime } from "../src/runtime/index.js";

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures", "representations");

const CaseSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]+$/),
  program: z.string(),
  reference: z.string(),
  tight: z.boolean().optional(),
  limits: LimitsSchema.partial().optional(),
  tests: z.array(z.union([z.strictObject({ call: z.string() }), z.strictObject({ stdin: z.string() })])).min(1),
});

type Case = z.infer<typeof CaseSchema>;

async function main(): Promise<void> {
  const runtimeFlag = process.argv.indexOf("--runtime");
  const runtimeName = runtimeFlag >= 0 ? process.argv[runtimeFlag + 1] : "pyodide";
  const cases = z.array(CaseSchema).parse(JSON.parse(await readFile(join(FIXTURES, "cases.json"), "utf8")));
  const runtime = createRuntime(runtimeName);
  await mkdir(join(FIXTURES, "traces"), { recursive: true });
  try {
    for (const fixture of cases) {
      const rendered = await traceCase(runtime, fixture);
      await writeFile(join(FIXTURES, "traces", `${fixture.name}.json`), JSON.stringify(rendered, null, 2) + "\n");
      process.stderr.write(`wrote traces/${fixture.name}.json\n`);
    }
  } finally {
    await runtime.close();
  }
}

async function traceCase(runtime: Runtime, fixture: Case): Promise<unknown> {
  const program = await readFile(join(FIXTURES, "programs", fixture.program), "utf8");
  const reference = await readFile(join(FIXTURES, "programs", fixture.reference), "utf8");
  const tests = [];
  for (const test of fixture.tests) {
    const input: TraceInput = "call" in test ? { kind: "call", call: test.call } : { kind: "stdin", stdin: test.stdin };
    const trace = await runtime.trace({ program, input, limits: fixture.limits });
    const expected = expectedOutput(await runtime.trace({ program: reference, input }), fixture.name);
    tests.push({ input, expected, trace });
  }
  return { name: fixture.name, tight: fixture.tight === true, program, tests };
}

function expectedOutput(trace: Trace, name: string): string {
  if (trace.outcome.kind !== "returned" || trace.outcome.value === undefined) {
    throw new Error(`${name}: the reference program did not return (${trace.outcome.kind})`);
  }
  return trace.input.kind === "stdin" ? trace.stdout : trace.outcome.value.repr;
}

await main();

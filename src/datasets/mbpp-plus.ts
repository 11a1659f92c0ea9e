/**
 * MBPP+ (EvalPlus), the 399-task v0.1.0 release, read from `MbppPlus-399.json` (a JSON array)
 * or from the upstream `MbppPlus-v0.1.0.jsonl.gz`. Raw inputs go through EvalPlus's per-task
 * deserialization (mbpp-plus-inputs.ts) so the arguments carry the tuples, sets and complex
 * numbers the functions expect. Expected outputs come from running the reference, so io tests
 * leave `expected` unset. The prompt's `assert` is the public test; the original asserts are kept
 * in `meta.assertion`.
 *
 * Split `all` (default) loads every task; split `378` keeps the task ids of
 * `repair/mbpp-buggy.jsonl`, the task set of the current 378-task MBPP+ release.
 */
import { z } from "zod";
import { ConfigError, errorMessage } from "../core/errors.js";
import { type AssertTest, type Problem } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, locateBenchmarkFile, requireSplit, selectTasks } from "./benchmark.js";
import { type DataFileSpec, type DatasetSpec, findDatasetSpec, localNames } from "./dataset-manifest.js";
import { createHiddenIoTests, losslessNumberSchema, rawInputsSchema } from "./humaneval-plus.js";
import { type LosslessJson, jsonToPython } from "./lossless-json.js";
import { InputDeserializationError, deserializeMbppPlusInputs } from "./mbpp-plus-inputs.js";
import { type PyValue } from "../core/python-value.js";
import { parseJsonArrayRows, parseLosslessJsonlRows, readDataText } from "./read-data.js";
import { loadRepairRows } from "./repair-rows.js";

/** `MbppPlus-399.json` (a JSON array) or the upstream `MbppPlus-v0.1.0.jsonl.gz`. */
export const mbppPlusFiles: readonly string[] = localNames((findDatasetSpec("mbpp+") as DatasetSpec).files[0] as DataFileSpec);

const mbppPlusRowSchema = z.object({
  task_id: z.string(),
  prompt: z.string(),
  entry_point: z.string(),
  canonical_solution: z.string(),
  base_input: rawInputsSchema,
  plus_input: rawInputsSchema,
  atol: losslessNumberSchema,
  assertion: z.string().optional(),
});

export type MbppPlusRow = z.output<typeof mbppPlusRowSchema>;

export async function loadMbppPlus(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const split = requireSplit(mbppPlusLoader, options.split);
  const path = locateBenchmarkFile(options, mbppPlusFiles, { fetchName: "mbpp+" });
  const text = await readDataText(path);
  const rows = path.endsWith(".json")
    ? parseJsonArrayRows(text, mbppPlusRowSchema, path, { lossless: true })
    : parseLosslessJsonlRows(text, mbppPlusRowSchema, path);
  const problems = rows.map(({ value }) => createMbppPlusProblem(value, path));
  if (split === "all") return selectTasks(problems, options.tasks, "mbpp+");
  const kept = new Set((await loadRepairRows("mbpp", { ...options, path: undefined })).map((row) => row.task_id));
  return selectTasks(
    problems.filter((problem) => kept.has(problem.id)),
    options.tasks,
    "mbpp+",
  );
}

export function createMbppPlusProblem(row: MbppPlusRow, source: string): Problem {
  const problem: Problem = {
    id: row.task_id,
    source: { dataset: "mbpp+", version: "v0.1.0" },
    prompt: row.prompt,
    entryPoint: row.entry_point,
    reference: row.canonical_solution,
    tests: [
      ...promptAssertTests(row.prompt, row.assertion ?? ""),
      ...createHiddenIoTests(deserialize(row, "base_input", source), "base", row.atol),
      ...createHiddenIoTests(deserialize(row, "plus_input", source), "plus", row.atol),
    ],
  };
  if (row.assertion !== undefined) problem.meta = { assertion: row.assertion };
  return problem;
}

function deserialize(row: MbppPlusRow, field: "base_input" | "plus_input", source: string): PyValue[][] {
  const inputs = row[field].map((input: LosslessJson[]) => input.map(jsonToPython));
  try {
    return deserializeMbppPlusInputs(row.task_id, inputs);
  } catch (error) {
    if (!(error instanceof InputDeserializationError)) throw error;
    throw new ConfigError(`${source}: ${row.task_id}: cannot restore the ${field} arguments: ${errorMessage(error)}`, {
      issues: [{ path: `${row.task_id}.${field}`, message: errorMessage(error) }],
      source,
    });
  }
}

/**
 * The `assert` lines the prompt shows, each a public test, preceded by the imports of the
 * original assertions (`math.isclose` needs `import math`).
 */
function promptAssertTests(prompt: string, assertion: string): AssertTest[] {
  const imports = assertion
    .split("\n")
    .filter((line) => /^(import|from)\s/.test(line))
    .map((line) => line + "\n")
    .join("");
  return prompt
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("assert "))
    .map((line, index) => ({
      kind: "assert",
      id: `prompt-${index}`,
      code: imports + line + "\n",
      visibility: "public",
      group: "base",
    }));
}

export const mbppPlusLoader: BenchmarkLoader = {
  name: "mbpp+",
  description: "MBPP+ v0.1.0 (399 tasks): public prompt assert, hidden base and plus inputs; split all|378",
  splits: ["all", "378"],
  load: loadMbppPlus,
};

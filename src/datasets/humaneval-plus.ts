/**
 * HumanEval+ (EvalPlus): each task's `base_input` and `plus_input` are JSON arrays of positional
 * arguments. Their expected outputs are not in the file: they are what the reference returns,
 * so the io tests leave `expected` unset. `atol` 0 means exact comparison; the task's `atol`
 * also applies to its public docstring examples.
 */
import { z } from "zod";
import { type IoTest, type Problem } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, createDocstringTests, createIoTest, locateBenchmarkFile, selectTasks } from "./benchmark.js";
import { JsonNumber, JsonObject, type LosslessJson, jsonToPython } from "./lossless-json.js";
import { type PyValue, renderArguments } from "../core/python-value.js";
import { parseLosslessJsonlRows, readDataText } from "./read-data.js";

export const humanEvalPlusFile = "humaneval-plus/HumanEvalPlus-v0.1.10.jsonl.gz";

/**
 * A JSON array of raw inputs, each a JSON array of positional arguments. One MBPP+ task
 * (Mbpp/793) stores `{}`: EvalPlus iterates it as no inputs, and so does this schema.
 */
export const rawInputsSchema = z.union([
  z.array(z.array(z.custom<LosslessJson>(() => true))),
  z
    .instanceof(JsonObject)
    .refine((object) => object.entries.length === 0, "expected a list of inputs")
    .transform((): LosslessJson[][] => []),
]);

export const losslessNumberSchema = z.instanceof(JsonNumber).transform((number) => number.toNumber());

const humanEvalPlusRowSchema = z.object({
  task_id: z.string(),
  prompt: z.string(),
  canonical_solution: z.string(),
  entry_point: z.string(),
  base_input: rawInputsSchema,
  plus_input: rawInputsSchema,
  atol: losslessNumberSchema,
});

export type HumanEvalPlusRow = z.output<typeof humanEvalPlusRowSchema>;

export async function loadHumanEvalPlus(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const path = locateBenchmarkFile(options, humanEvalPlusFile, { fetchName: "humaneval+" });
  const rows = parseLosslessJsonlRows(await readDataText(path), humanEvalPlusRowSchema, path);
  return selectTasks(
    rows.map(({ value }) => createHumanEvalPlusProblem(value)),
    options.tasks,
    "humaneval+",
  );
}

export function createHumanEvalPlusProblem(row: HumanEvalPlusRow): Problem {
  const toArguments = (input: LosslessJson[]): PyValue[] => input.map(jsonToPython);
  return {
    id: row.task_id,
    source: { dataset: "humaneval+", version: "v0.1.10" },
    prompt: row.prompt,
    entryPoint: row.entry_point,
    reference: row.prompt + row.canonical_solution,
    tests: [
      ...createDocstringTests(row.prompt, row.entry_point, row.atol),
      ...createHiddenIoTests(row.base_input.map(toArguments), "base", row.atol),
      ...createHiddenIoTests(row.plus_input.map(toArguments), "plus", row.atol),
    ],
  };
}

/** Hidden io tests whose expected values come from running the reference. */
export function createHiddenIoTests(inputs: readonly PyValue[][], group: "base" | "plus", atol: number): IoTest[] {
  return inputs.map((input, index) => createIoTest(`${group}-${index}`, renderArguments(input), { atol, visibility: "hidden", group }));
}

export const humanEvalPlusLoader: BenchmarkLoader = {
  name: "humaneval+",
  description: "HumanEval+ v0.1.10: public docstring examples, hidden base and plus inputs (expected from the reference)",
  load: loadHumanEvalPlus,
};

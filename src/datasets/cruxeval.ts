/**
 * CRUXEval (facebookresearch/cruxeval): 800 short functions `f`, each with one input (the
 * argument text of `f(...)`) and one output (the repr of the result), both already Python source.
 */
import { z } from "zod";
import { type Problem } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, createIoTest, locateBenchmarkFile, selectTasks } from "./benchmark.js";
import { parseJsonlRows, readDataText } from "./read-data.js";

export const cruxEvalFile = "cruxeval/cruxeval.jsonl";

const cruxEvalRowSchema = z.object({
  id: z.string(),
  code: z.string(),
  input: z.string(),
  output: z.string(),
});

export async function loadCruxEval(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const path = locateBenchmarkFile(options, cruxEvalFile, { fetchName: "cruxeval" });
  const problems = parseJsonlRows(await readDataText(path), cruxEvalRowSchema, path).map(
    ({ value }): Problem => ({
      id: value.id,
      source: { dataset: "cruxeval", version: "1.0" },
      prompt: value.code,
      entryPoint: "f",
      reference: value.code,
      tests: [createIoTest("base-0", value.input, { expected: value.output, visibility: "hidden", group: "base" })],
    }),
  );
  return selectTasks(problems, options.tasks, "cruxeval");
}

export const cruxEvalLoader: BenchmarkLoader = {
  name: "cruxeval",
  description: "CRUXEval: 800 functions f with one io test each (input and output as Python text)",
  load: loadCruxEval,
};

/**
 * APPS as the Hugging Face hub lays it out (codeparrot/apps): `train.jsonl` and `test.jsonl`,
 * rows with `problem_id`, `question`, `solutions` (a JSON string: list of programs),
 * `input_output` (a JSON string: {inputs, outputs, fn_name?}), `difficulty`, `url`,
 * `starter_code`.
 *
 * - With `fn_name` the problem is call-based: each input is a list of positional arguments and
 *   becomes an io test. APPS wraps most expected values in a one-element list and its grader
 *   accepts either form; the io test holds the unwrapped value.
 * - Without it the problem reads stdin: inputs and outputs are strings (or lists of lines,
 *   joined with newlines, as the APPS grader does).
 *
 * Problems without tests (empty `input_output`) are left out and reported through `onWarning`.
 * The folder is `options.path`, or `apps/` in a data folder; split `test` (default) or `train`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError, DataNotFoundError, errorMessage } from "../core/errors.js";
import { type Problem, type TestCase } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, createIoTest, requireSplit, selectTasks } from "./benchmark.js";
import { requireDataFile } from "./data-location.js";
import { type LosslessJson, jsonToPython, parseLosslessJson, toRecord } from "./lossless-json.js";
import { renderArguments, renderPython } from "../core/python-value.js";
import { parseJsonlRows, readDataText } from "./read-data.js";

const hubInstructions = "Download the Hugging Face dataset codeparrot/apps (train.jsonl, test.jsonl) into DIR/apps/.";

const rowSchema = z.object({
  problem_id: z.union([z.number().int(), z.string()]),
  question: z.string(),
  solutions: z.string(),
  input_output: z.string(),
  difficulty: z.string(),
  url: z.string(),
  starter_code: z.string(),
});

type AppsRow = z.output<typeof rowSchema>;

const losslessValue = z.custom<LosslessJson>(() => true);
const inputOutputSchema = z.object({
  inputs: z.array(losslessValue),
  outputs: z.array(losslessValue),
  fn_name: z.string().optional(),
});

const solutionsSchema = z.array(z.string());

export async function loadApps(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const split = requireSplit(appsLoader, options.split);
  const file = appsFile(options, split);
  const rows = parseJsonlRows(await readDataText(file), rowSchema, file);
  const problems: Problem[] = [];
  for (const { value, position } of rows) {
    const problem = createAppsProblem(value, split, `${file}:${position}`);
    if (problem) problems.push(problem);
    else options.onWarning?.(`apps ${split}: problem ${value.problem_id} has no tests; left out`);
  }
  return selectTasks(problems, options.tasks, "apps");
}

function appsFile(options: LoadBenchmarkOptions, split: string): string {
  if (options.path === undefined) return requireDataFile(`apps/${split}.jsonl`, { ...options, obtain: { instructions: hubInstructions } }).path;
  const file = join(options.path, `${split}.jsonl`);
  if (!existsSync(file)) throw new DataNotFoundError(`Missing data file ${file} (APPS ${split}). ${hubInstructions}`, { file });
  return file;
}

export function createAppsProblem(row: AppsRow, split: string, where: string): Problem | undefined {
  if (row.input_output.trim() === "") return undefined;
  const fail = (message: string): never => {
    throw new ConfigError(`${where}: problem ${row.problem_id}: ${message}`, { issues: [{ path: String(row.problem_id), message }], source: where });
  };
  const inputOutput = inputOutputSchema.safeParse(toRecord(parseOrFail(row.input_output, fail)));
  if (!inputOutput.success) return fail(`input_output: ${inputOutput.error.issues[0]?.message ?? "invalid"}`);
  const { inputs, outputs, fn_name: functionName } = inputOutput.data;
  if (inputs.length !== outputs.length) fail(`${inputs.length} inputs but ${outputs.length} outputs`);
  if (inputs.length === 0) return undefined;
  const tests = inputs.map((input, index) =>
    functionName === undefined
      ? createStdinTest(input, outputs[index] as LosslessJson, index, fail)
      : createCallTest(input, outputs[index] as LosslessJson, index, fail),
  );
  const problem: Problem = {
    id: `APPS/${split}/${row.problem_id}`,
    source: { dataset: "apps", version: split },
    prompt: row.question,
    entryPoint: functionName ?? "",
    tests,
    meta: { difficulty: row.difficulty, url: row.url, starterCode: row.starter_code },
  };
  const reference = firstSolution(row.solutions);
  if (reference !== undefined) problem.reference = reference;
  return problem;
}

function parseOrFail(text: string, fail: (message: string) => never): LosslessJson {
  try {
    return parseLosslessJson(text);
  } catch (error) {
    return fail(`invalid JSON: ${errorMessage(error)}`);
  }
}

function firstSolution(solutions: string): string | undefined {
  if (solutions.trim() === "") return undefined;
  try {
    const parsed = solutionsSchema.safeParse(JSON.parse(solutions));
    return parsed.success ? parsed.data[0] : undefined;
  } catch {
    return undefined;
  }
}

function createCallTest(input: LosslessJson, output: LosslessJson, index: number, fail: (message: string) => never): TestCase {
  if (!Array.isArray(input)) return fail(`input ${index} is not a list of arguments`);
  const expected = Array.isArray(output) && output.length === 1 ? (output[0] as LosslessJson) : output;
  return createIoTest(`hidden-${index}`, renderArguments(input.map(jsonToPython)), {
    expected: renderPython(jsonToPython(expected)),
    visibility: "hidden",
    group: "base",
  });
}

function createStdinTest(input: LosslessJson, output: LosslessJson, index: number, fail: (message: string) => never): TestCase {
  return {
    kind: "stdin",
    id: `hidden-${index}`,
    stdin: joinLines(input, () => fail(`input ${index} is not text`)),
    expectedStdout: joinLines(output, () => fail(`output ${index} is not text`)),
    visibility: "hidden",
    group: "base",
  };
}

function joinLines(value: LosslessJson, fail: () => never): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((line) => typeof line === "string")) return value.join("\n");
  return fail();
}

export const appsLoader: BenchmarkLoader = {
  name: "apps",
  description: "APPS from a local hub copy: call-based (io) and stdin problems; split test|train",
  splits: ["test", "train"],
  load: loadApps,
};

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { z } from "zod";

/** Reads the benchmark files of a data folder laid out like ../shared/data, for scripts and benches. */
export const DATA_DIR = process.env.SEMTRACE_DATA ?? join(import.meta.dirname, "../../shared/data");

const HumanEvalPlusSchema = z.object({
  task_id: z.string(),
  prompt: z.string(),
  canonical_solution: z.string(),
  entry_point: z.string(),
  base_input: z.array(z.array(z.unknown())),
  plus_input: z.array(z.array(z.unknown())),
});

const CruxEvalSchema = z.object({ id: z.string(), code: z.string(), input: z.string(), output: z.string() });

function dataFile(relativePath: string): string {
  const path = join(DATA_DIR, relativePath);
  if (!existsSync(path)) throw new Error(`missing data file ${path}; set SEMTRACE_DATA to a folder laid out like ../shared/data`);
  return path;
}

function jsonLines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as unknown);
}

export function readHumanEvalPlus() {
  const text = gunzipSync(readFileSync(dataFile("humaneval-plus/HumanEvalPlus-v0.1.10.jsonl.gz"))).toString("utf8");
  return jsonLines(text).map((row) => HumanEvalPlusSchema.parse(row));
}

export function readCruxEval() {
  return jsonLines(readFileSync(dataFile("cruxeval/cruxeval.jsonl"), "utf8")).map((row) => CruxEvalSchema.parse(row));
}

/** Arguments as a starred expression through Python's own json module, so big ints stay exact. */
export function jsonArgs(args: unknown[]): string {
  return `*__import__('json').loads(${JSON.stringify(JSON.stringify(args))})`;
}

/** A call of `entryPoint` on JSON arguments (see jsonArgs). */
export function jsonCall(entryPoint: string, args: unknown[]): string {
  return `${entryPoint}(${jsonArgs(args)})`;
}

/**
 * LiveCodeBench's code execution task (`livecodebench/execution-v2` on the Hugging Face hub):
 * one row per (program, input), with `code` (a function), `function_name`, `input` (the call,
 * `name(<args>)`, often with keyword arguments) and `output` (the repr of what it returns).
 * Each row becomes a problem whose reference is the code and whose one io test is the call, so
 * `predict-output` and the reasoning tasks can ask about it.
 *
 * LiveCodeBench runs the code after its usual imports (typing, collections, itertools, math, …);
 * the reference here starts with one line of them, so the code's own lines are one lower.
 *
 * The hub stores the split as parquet (`data/test-*.parquet`); a `test.jsonl` export of the same
 * rows is read too. The folder is `options.path` (a folder, or one .parquet/.jsonl file), or
 * `livecodebench-execution/` in a data folder.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { z } from "zod";
import { ConfigError, DataNotFoundError, type SchemaIssue } from "../core/errors.js";
import type { Problem } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, createIoTest, normalizeNewlines, selectTasks } from "./benchmark.js";
import { dataRoots } from "./data-location.js";
import { parseJsonlRows, readDataText, throwIfIssues } from "./read-data.js";

const hubInstructions =
  "Download the Hugging Face dataset livecodebench/execution-v2 (its data/test-*.parquet files) into DIR/livecodebench-execution/, or pass the folder or file as the benchmark path.";

const rowSchema = z.looseObject({
  id: z.string().min(1),
  question_id: z.string().optional(),
  problem_id: z.string().optional(),
  contest_id: z.string().optional(),
  difficulty: z.string().optional(),
  function_name: z.string().min(1),
  code: z.string(),
  input: z.string(),
  output: z.string(),
  numsteps: z.union([z.number(), z.bigint()]).optional(),
});
type ExecutionRow = z.output<typeof rowSchema>;

const BASE_IMPORTS =
  "from typing import *; from collections import *; from itertools import *; from functools import *; import math, heapq, bisect, string, re\n";

export async function loadLiveCodeBenchExecution(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const rows: { row: ExecutionRow; where: string }[] = [];
  for (const file of executionFiles(options)) rows.push(...(await readRows(file)));
  return selectTasks(
    rows.map(({ row, where }) => createExecutionProblem(row, where)),
    options.tasks,
    "livecodebench-execution",
  );
}

function executionFiles(options: LoadBenchmarkOptions): string[] {
  const candidates = options.path === undefined ? dataRoots(options).map((root) => join(root.path, "livecodebench-execution")) : [options.path];
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    if (statSync(candidate).isFile()) return [candidate];
    const files = [...listData(candidate, ""), ...listData(join(candidate, "data"), "data/")].map((name) => join(candidate, name));
    if (files.length > 0) return files;
  }
  const where = options.path ?? "livecodebench-execution/ in the data folders";
  throw new DataNotFoundError(`Missing LiveCodeBench execution data (${where}). ${hubInstructions}`, { file: where });
}

/** The test split's files of a folder: parquet shards in name order, else test.jsonl. */
function listData(folder: string, prefix: string): string[] {
  if (!existsSync(folder)) return [];
  const names = readdirSync(folder).sort();
  const parquet = names.filter((name) => /^test.*\.parquet$/.test(name));
  return (parquet.length > 0 ? parquet : names.filter((name) => name === "test.jsonl")).map((name) => prefix + name);
}

async function readRows(file: string): Promise<{ row: ExecutionRow; where: string }[]> {
  if (!file.endsWith(".parquet")) {
    return parseJsonlRows(await readDataText(file), rowSchema, file).map(({ value, position }) => ({ row: value, where: `${file}:${position}` }));
  }
  const records = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
  const issues: SchemaIssue[] = [];
  const rows = records.flatMap((record, index) => {
    const parsed = rowSchema.safeParse(record);
    if (parsed.success) return [{ row: parsed.data, where: `${file}:row ${index + 1}` }];
    issues.push({ path: `row ${index + 1}`, message: parsed.error.issues.map((issue) => `${issue.message} at ${issue.path.join(".")}`).join("; ") });
    return [];
  });
  throwIfIssues(issues, file);
  return rows;
}

export function createExecutionProblem(row: ExecutionRow, where: string): Problem {
  const input = row.input.trim();
  const head = `${row.function_name}(`;
  if (!input.startsWith(head) || !input.endsWith(")")) {
    throw new ConfigError(`${where}: ${row.id}: input is not a call of ${row.function_name}: ${input.slice(0, 80)}`, {
      issues: [{ path: row.id, message: "input is not a call" }],
      source: where,
    });
  }
  const code = BASE_IMPORTS + normalizeNewlines(row.code);
  const meta: Record<string, unknown> = {};
  for (const [key, value] of [
    ["questionId", row.question_id],
    ["problemId", row.problem_id],
    ["contestId", row.contest_id],
    ["difficulty", row.difficulty],
  ] as const) {
    if (value !== undefined) meta[key] = value;
  }
  if (row.numsteps !== undefined) meta.numsteps = Number(row.numsteps);
  return {
    id: row.id,
    source: { dataset: "livecodebench-execution", version: "execution-v2" },
    prompt: code,
    entryPoint: row.function_name,
    reference: code,
    tests: [createIoTest("input", input.slice(head.length, -1), { expected: row.output, visibility: "hidden", group: "base" })],
    meta,
  };
}

export const liveCodeBenchExecutionLoader: BenchmarkLoader = {
  name: "livecodebench-execution",
  description: "LiveCodeBench code execution (execution-v2) from a local hub copy: a program, a call, its output",
  load: loadLiveCodeBenchExecution,
};

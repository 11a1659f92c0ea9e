/**
 * MBPP (google-research): the full set (`mbpp.jsonl`, 974 tasks) and the hand-verified
 * sanitized subset (`sanitized-mbpp.json`, 427 tasks). Tests are the `assert` lines; the first
 * is also public, as MBPP prompts traditionally show one. Splits follow the MBPP paper's
 * task-id ranges: prompt 1–10, test 11–510, validation 511–600, train 601–974.
 */
import { z } from "zod";
import { type AssertTest, type Problem } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, locateBenchmarkFile, normalizeNewlines, requireSplit, selectTasks } from "./benchmark.js";
import { parseJsonArrayRows, parseJsonlRows, readDataText } from "./read-data.js";

export const mbppFile = "mbpp/mbpp.jsonl";
export const mbppSanitizedFile = "mbpp/sanitized-mbpp.json";

export const mbppSplits = ["all", "prompt", "test", "validation", "train"] as const;
export type MbppSplit = (typeof mbppSplits)[number];

const splitRanges: Record<Exclude<MbppSplit, "all">, [number, number]> = {
  prompt: [1, 10],
  test: [11, 510],
  validation: [511, 600],
  train: [601, 974],
};

const mbppRowSchema = z.object({
  task_id: z.number().int(),
  text: z.string(),
  code: z.string(),
  test_setup_code: z.string(),
  test_list: z.array(z.string()).min(1),
  challenge_test_list: z.array(z.string()).default([]),
});

const sanitizedRowSchema = z.object({
  task_id: z.number().int(),
  prompt: z.string(),
  code: z.string(),
  test_imports: z.array(z.string()).default([]),
  test_list: z.array(z.string()).min(1),
});

export function isInMbppSplit(taskNumber: number, split: MbppSplit): boolean {
  if (split === "all") return true;
  const [low, high] = splitRanges[split];
  return taskNumber >= low && taskNumber <= high;
}

export async function loadMbpp(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const split = requireSplit({ name: mbppLoader.name, splits: mbppSplits }, options.split);
  const path = locateBenchmarkFile(options, mbppFile, { fetchName: "mbpp" });
  const rows = parseJsonlRows(await readDataText(path), mbppRowSchema, path);
  const problems = rows
    .filter(({ value }) => isInMbppSplit(value.task_id, split))
    .map(({ value }) =>
      createMbppProblem({
        dataset: "mbpp",
        taskNumber: value.task_id,
        prompt: value.text,
        code: value.code,
        setup: value.test_setup_code,
        asserts: value.test_list,
        challengeAsserts: value.challenge_test_list,
      }),
    );
  return selectTasks(problems, options.tasks, "mbpp");
}

export async function loadMbppSanitized(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const split = requireSplit({ name: mbppSanitizedLoader.name, splits: mbppSplits }, options.split);
  const path = locateBenchmarkFile(options, mbppSanitizedFile, { fetchName: "mbpp" });
  const rows = parseJsonArrayRows(await readDataText(path), sanitizedRowSchema, path, { lossless: false });
  const problems = rows
    .filter(({ value }) => isInMbppSplit(value.task_id, split))
    .map(({ value }) =>
      createMbppProblem({
        dataset: "mbpp-sanitized",
        taskNumber: value.task_id,
        prompt: value.prompt,
        code: value.code,
        setup: value.test_imports.join("\n"),
        asserts: value.test_list,
        challengeAsserts: [],
      }),
    );
  return selectTasks(problems, options.tasks, "mbpp-sanitized");
}

interface MbppTask {
  dataset: "mbpp" | "mbpp-sanitized";
  taskNumber: number;
  prompt: string;
  code: string;
  setup: string;
  asserts: readonly string[];
  challengeAsserts: readonly string[];
}

function createMbppProblem(task: MbppTask): Problem {
  const code = normalizeNewlines(task.code);
  const setup = normalizeNewlines(task.setup).trim();
  const assertTest = (id: string, line: string, visibility: AssertTest["visibility"]): AssertTest => ({
    kind: "assert",
    id,
    code: (setup === "" ? "" : setup + "\n") + normalizeNewlines(line).trim() + "\n",
    visibility,
    group: "base",
  });
  return {
    id: `MBPP/${task.taskNumber}`,
    source: { dataset: task.dataset, version: "1.0" },
    prompt: task.prompt,
    entryPoint: findEntryPoint(code, task.asserts),
    reference: code,
    tests: [
      assertTest("public-0", task.asserts[0] as string, "public"),
      ...task.asserts.map((line, index) => assertTest(`assert-${index}`, line, "hidden")),
      ...task.challengeAsserts.map((line, index) => assertTest(`challenge-${index}`, line, "hidden")),
    ],
  };
}

/** MBPP rows do not name the function: it is the top-level `def` that the asserts call. */
export function findEntryPoint(code: string, asserts: readonly string[]): string {
  const names = [...code.matchAll(/^def\s+([A-Za-z_]\w*)\s*\(/gm)].map((match) => match[1] as string);
  const tests = asserts.join("\n");
  return names.find((name) => new RegExp(`\\b${name}\\s*\\(`).test(tests)) ?? names.at(-1) ?? "";
}

export const mbppLoader: BenchmarkLoader = {
  name: "mbpp",
  description: "MBPP full (974 tasks): assert tests, the first one public; splits all|prompt|test|validation|train",
  splits: mbppSplits,
  load: loadMbpp,
};

export const mbppSanitizedLoader: BenchmarkLoader = {
  name: "mbpp-sanitized",
  description: "MBPP sanitized (427 tasks): assert tests, the first one public; same splits as mbpp",
  splits: mbppSplits,
  load: loadMbppSanitized,
};

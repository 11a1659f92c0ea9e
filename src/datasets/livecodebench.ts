/**
 * LiveCodeBench `code_generation_lite` as the Hugging Face hub lays it out: `test.jsonl`,
 * `test2.jsonl`, … `test6.jsonl`, release vN being the first N files. Each row holds
 * `public_test_cases` (a JSON string) and `private_test_cases` (a JSON string, or base64 of
 * zlib-compressed pickle of a JSON string), each a list of {input, output, testtype}.
 *
 * - `stdin` tests become stdin tests (`entryPoint` empty).
 * - `functional` tests become io tests: `input` holds one JSON value per line (one per
 *   positional argument) and `output` one JSON value, as LiveCodeBench's grader reads them.
 *   LeetCode problems are methods: `meta.entryClass` is then `Solution`, and the function is
 *   called as `Solution().<entryPoint>(...)`.
 *
 * The folder is `options.path`, or `livecodebench/` in a data folder. Splits: `release_latest`
 * (every test*.jsonl present), `release_v1`…`release_v6` (cumulative), `v1`…`v6` (one file).
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { inflateSync } from "node:zlib";
import { z } from "zod";
import { ConfigError, DataNotFoundError, errorMessage } from "../core/errors.js";
import { type Problem, type TestCase } from "../core/problem.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, createIoTest, requireSplit, selectTasks } from "./benchmark.js";
import { requireDataFile } from "./data-location.js";
import { jsonToPython, parseLosslessJson } from "./lossless-json.js";
import { decodePickledString } from "./python-pickle.js";
import { renderPython } from "../core/python-value.js";
import { parseJsonlRows, readDataText } from "./read-data.js";

const releases = [1, 2, 3, 4, 5, 6];
export const liveCodeBenchSplits = ["release_latest", ...releases.map((release) => `release_v${release}`), ...releases.map((release) => `v${release}`)];

const hubInstructions = "Download the Hugging Face dataset livecodebench/code_generation_lite (its test*.jsonl files) into DIR/livecodebench/.";

const rowSchema = z.object({
  question_title: z.string(),
  question_content: z.string(),
  platform: z.string(),
  question_id: z.string(),
  contest_id: z.string().optional(),
  contest_date: z.string(),
  starter_code: z.string(),
  difficulty: z.string(),
  public_test_cases: z.string(),
  private_test_cases: z.string(),
  metadata: z.string(),
});

type LiveCodeBenchRow = z.output<typeof rowSchema>;

const testCasesSchema = z.array(z.object({ input: z.string(), output: z.string(), testtype: z.enum(["stdin", "functional"]) }));
type RawTestCase = z.output<typeof testCasesSchema>[number];

const metadataSchema = z.looseObject({ func_name: z.string().optional() });

export async function loadLiveCodeBench(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const split = requireSplit(liveCodeBenchLoader, options.split);
  const folder = options.path ?? dirname(requireDataFile("livecodebench/test.jsonl", { ...options, obtain: { instructions: hubInstructions } }).path);
  const problems: Problem[] = [];
  for (const file of filesOfSplit(folder, split)) {
    const rows = parseJsonlRows(await readDataText(file), rowSchema, file);
    for (const { value, position } of rows) problems.push(createLiveCodeBenchProblem(value, split, `${file}:${position}`));
  }
  return selectTasks(problems, options.tasks, "livecodebench");
}

function fileNumber(name: string): number | undefined {
  const match = /^test(\d*)\.jsonl$/.exec(name);
  if (!match) return undefined;
  return match[1] === "" ? 1 : Number(match[1]);
}

function filesOfSplit(folder: string, split: string): string[] {
  const fileName = (release: number) => join(folder, release === 1 ? "test.jsonl" : `test${release}.jsonl`);
  let wanted: string[];
  if (split === "release_latest") {
    const present = existsSync(folder) ? readdirSync(folder) : [];
    wanted = present
      .map((name) => fileNumber(name))
      .filter((release): release is number => release !== undefined)
      .sort((left, right) => left - right)
      .map(fileName);
    if (wanted.length === 0) wanted = [fileName(1)];
  } else {
    const release = Number(split.replace(/^(release_)?v/, ""));
    wanted = split.startsWith("release_") ? releases.filter((number) => number <= release).map(fileName) : [fileName(release)];
  }
  const missing = wanted.find((file) => !existsSync(file));
  if (missing) throw new DataNotFoundError(`Missing data file ${missing} (LiveCodeBench ${split}). ${hubInstructions}`, { file: missing });
  return wanted;
}

export function createLiveCodeBenchProblem(row: LiveCodeBenchRow, version: string, where: string): Problem {
  const fail = (message: string): never => {
    throw new ConfigError(`${where}: ${row.question_id}: ${message}`, { issues: [{ path: row.question_id, message }], source: where });
  };
  const metadata = metadataSchema.safeParse(parseJsonString(row.metadata, fail));
  if (!metadata.success) fail("metadata is not an object");
  const functionName = metadata.data?.func_name ?? "";
  const publicCases = parseTestCases(parseJsonString(row.public_test_cases, fail), fail);
  const privateCases = parseTestCases(decodePrivateTestCases(row.private_test_cases, fail), fail);
  const tests: TestCase[] = [
    ...publicCases.map((raw, index) => createTest(raw, `public-${index}`, "public", fail)),
    ...privateCases.map((raw, index) => createTest(raw, `private-${index}`, "hidden", fail)),
  ];
  const meta: Record<string, unknown> = {
    title: row.question_title,
    platform: row.platform,
    contestDate: row.contest_date,
    difficulty: row.difficulty,
    starterCode: row.starter_code,
  };
  if (row.contest_id !== undefined) meta.contestId = row.contest_id;
  if (/\bclass\s+Solution\b/.test(row.starter_code)) meta.entryClass = "Solution";
  return {
    id: row.question_id,
    source: { dataset: "livecodebench", version },
    prompt: row.question_content,
    entryPoint: functionName,
    tests,
    meta,
  };
}

function parseJsonString(text: string, fail: (message: string) => never): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`invalid JSON: ${errorMessage(error)}`);
  }
}

function parseTestCases(value: unknown, fail: (message: string) => never): RawTestCase[] {
  const parsed = testCasesSchema.safeParse(value);
  return parsed.success ? parsed.data : fail(`bad test cases: ${parsed.error.issues[0]?.message ?? "invalid"}`);
}

/** LiveCodeBench's own order: plain JSON first, else base64 → zlib → pickle → JSON. */
export function decodePrivateTestCases(text: string, fail: (message: string) => never): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    try {
      const json = decodePickledString(inflateSync(Buffer.from(text, "base64")));
      return JSON.parse(json) as unknown;
    } catch (error) {
      return fail(`private_test_cases is neither JSON nor base64/zlib/pickle of JSON: ${errorMessage(error)}`);
    }
  }
}

function createTest(raw: RawTestCase, id: string, visibility: "public" | "hidden", fail: (message: string) => never): TestCase {
  if (raw.testtype === "stdin") {
    return { kind: "stdin", id, stdin: raw.input, expectedStdout: raw.output, visibility, group: "base" };
  }
  try {
    const args = raw.input.split("\n").map((line) => renderPython(jsonToPython(parseLosslessJson(line))));
    const expected = renderPython(jsonToPython(parseLosslessJson(raw.output)));
    return createIoTest(id, args.join(", "), { expected, visibility, group: "base" });
  } catch (error) {
    return fail(`functional test ${id} is not JSON lines: ${errorMessage(error)}`);
  }
}

export const liveCodeBenchLoader: BenchmarkLoader = {
  name: "livecodebench",
  description: "LiveCodeBench code_generation_lite from a local hub copy: stdin and functional tests",
  splits: liveCodeBenchSplits,
  load: loadLiveCodeBench,
};

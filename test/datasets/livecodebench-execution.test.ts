/** The LiveCodeBench execution loader on a small hub-layout fixture, as JSONL and as parquet. */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { loadBenchmark } from "../../src/datasets/registry.js";
import { buildQuestions } from "../../src/reasoning/index.js";
import { createRuntime } from "../../src/runtime/index.js";
import { scorePrediction } from "../../src/tasks/prediction.js";
import { fixturesDir, isolatedOptions } from "./fixture-data.js";

const folder = join(fixturesDir, "data", "livecodebench-execution");
const scratch = mkdtempSync(join(tmpdir(), "semtrace-lcb-exec-"));
const runtime = createRuntime("pyodide", { poolSize: 1 });
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await runtime.close();
});

async function writeParquet(): Promise<string> {
  const rows = (await readFile(join(folder, "test.jsonl"), "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, string | number>);
  const shard = join(scratch, "data", "test-00000-of-00001.parquet");
  await mkdir(join(scratch, "data"), { recursive: true });
  const text = (name: string) => ({ name, data: rows.map((row) => String(row[name])), type: "STRING" as const });
  parquetWriteFile({
    filename: shard,
    columnData: [
      ...["question_id", "contest_id", "contest_date", "difficulty", "function_name", "code", "input", "output", "id", "problem_id"].map(text),
      { name: "numsteps", data: rows.map((row) => BigInt(row.numsteps!)), type: "INT64" },
    ],
  });
  return scratch;
}

describe("livecodebench-execution", () => {
  it("reads rows as problems whose one io test is the call and its output", async () => {
    const problems = await loadBenchmark("livecodebench-execution", { ...isolatedOptions(scratch), path: folder });
    expect(problems.map((problem) => problem.id)).toEqual(["sample_0", "sample_1", "sample_2"]);
    expect(problems[0]).toMatchObject({
      entryPoint: "countSeniors",
      tests: [{ kind: "io", args: "details = ['7868190130M7522', '5303914400F9211', '9273338290F4010']", expected: "2" }],
      meta: { questionId: "2727", difficulty: "easy", numsteps: 520 },
    });
  });

  it("reads the hub's parquet shards the same way", async () => {
    const fromJsonl = await loadBenchmark("livecodebench-execution", { ...isolatedOptions(scratch), path: folder });
    const fromParquet = await loadBenchmark("livecodebench-execution", { ...isolatedOptions(scratch), path: await writeParquet() });
    expect(fromParquet).toEqual(fromJsonl);
  });

  it("gives output questions whose traced answers are the dataset's outputs", async () => {
    const problems = await loadBenchmark("livecodebench-execution", { ...isolatedOptions(scratch), path: folder });
    const { questions } = await buildQuestions(runtime, problems, { tasks: ["output"] });
    expect(questions.map((question) => question.answer)).toEqual(["2", "True", "[2.0, 5.0]"]);
    expect((await scorePrediction(runtime, problems[2]!, "predict-output", "[2.0, 5.0]")).passed).toBe(true);
  });

  it("rejects an input that is not a call of the function", async () => {
    const bad = join(scratch, "bad.jsonl");
    await writeFile(bad, JSON.stringify({ id: "x", function_name: "f", code: "def f(a):\n    return a\n", input: "g(1)", output: "1" }) + "\n");
    await expect(loadBenchmark("livecodebench-execution", { ...isolatedOptions(scratch), path: bad })).rejects.toThrow(/input is not a call of f/);
  });
});

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerEvalCommand } from "../../src/cli/eval.js";
import { evaluateSamples } from "../../src/evaluation/evaluate-samples.js";
import { statusOf } from "../../src/evaluation/results.js";
import { createRuntime } from "../../src/runtime/index.js";
import { runCommand } from "./in-process.js";

const BENCHMARK = "test/fixtures/datasets/generic-eval.jsonl";
const SAMPLES = "test/fixtures/datasets/generic-eval-samples.jsonl";

describe("evaluating a custom generic benchmark", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "semtrace-eval-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("judges io and stdin problems through the library function", async () => {
    const runtime = createRuntime("pyodide");
    try {
      const { evaluations, summary } = await evaluateSamples({ dataset: "generic", benchmarkFile: BENCHMARK, samples: SAMPLES, runtime, ks: [1] });
      expect(evaluations.map((e) => [e.taskId, statusOf(e.base)])).toEqual([
        ["custom/double", "pass"],
        ["custom/double", "fail"],
        ["custom/sum-line", "pass"],
        ["custom/sum-line", "fail"],
        ["custom/sum-line", "fail"],
      ]);
      expect(summary.tasks).toBe(2);
    } finally {
      await runtime.close();
    }
  }, 120_000);

  it("writes results and per-test lines from `eval --dataset generic --benchmark-file`", async () => {
    const out = join(dir, "results.json");
    const result = await runCommand(registerEvalCommand, [
      "eval",
      "--dataset",
      "generic",
      "--benchmark-file",
      BENCHMARK,
      "--samples",
      SAMPLES,
      "--out",
      out,
      "--k",
      "1",
      "--json",
    ]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).samples).toBe(5);
    const results = JSON.parse(await readFile(out, "utf8"));
    expect(Object.keys(results.eval).sort()).toEqual(["custom/double", "custom/sum-line"]);
    const lines = (await readFile(join(dir, "results.tests.jsonl"), "utf8")).trim().split("\n");
    expect(lines.length).toBe(10);
  }, 120_000);

  it("asks for the file when generic is given without one", async () => {
    const result = await runCommand(registerEvalCommand, ["eval", "--dataset", "generic", "--samples", SAMPLES, "--out", join(dir, "x.json")]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/needs a path/);
    process.exitCode = 0;
  });
});

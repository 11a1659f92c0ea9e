import { expect, it } from "vitest";
import type { IoTest, Problem } from "../../src/core/problem.js";
import { listCandidateModels, loadCandidatePool } from "../../src/datasets/candidates.js";
import { parsePythonLiteral } from "../../src/datasets/python-literal.js";
import { loadBenchmark } from "../../src/datasets/registry.js";
import { realDataDir } from "./fixture-data.js";
import { describeWithRealData } from "../helpers/requirements.js";

// Only the shared data folder: no SEMTRACE_DATA, and a cache that does not exist.
const options = { dataDir: realDataDir, cacheDir: "/nonexistent/semtrace-cache", env: {} };

const count = (problems: Problem[], predicate: (test: Problem["tests"][number]) => boolean) =>
  problems.reduce((total, problem) => total + problem.tests.filter(predicate).length, 0);
const hiddenIo = (group: "base" | "plus") => (test: Problem["tests"][number]) => test.kind === "io" && test.visibility === "hidden" && test.group === group;

describeWithRealData([], "the shared benchmark data", () => {
  it("humaneval: 164 problems, each with its check() and most with docstring examples", async () => {
    const problems = await loadBenchmark("humaneval", options);
    expect(problems).toHaveLength(164);
    expect(problems.every((problem) => problem.tests.filter((test) => test.kind === "assert").length === 1)).toBe(true);
    expect(problems.filter((problem) => problem.tests.some((test) => test.visibility === "public")).length).toBeGreaterThan(120);
  });

  it("humaneval+: every base and plus input, none with an expected value", async () => {
    const problems = await loadBenchmark("humaneval+", options);
    expect(problems).toHaveLength(164);
    expect(count(problems, hiddenIo("base"))).toBe(1570);
    expect(count(problems, hiddenIo("plus"))).toBe(122683);
    expect(count(problems, (test) => hiddenIo("base")(test) && (test as IoTest).expected !== undefined)).toBe(0);
  });

  it("mbpp: 974 tasks in the paper's splits, each with a named entry point", async () => {
    const sizes: Record<string, number> = { all: 974, prompt: 10, test: 500, validation: 90, train: 374 };
    for (const [split, size] of Object.entries(sizes)) expect(await loadBenchmark("mbpp", { ...options, split })).toHaveLength(size);
    const problems = await loadBenchmark("mbpp", options);
    expect(problems.every((problem) => problem.entryPoint !== "")).toBe(true);
    expect(await loadBenchmark("mbpp-sanitized", options)).toHaveLength(427);
  });

  it("mbpp+: 399 tasks, 378 in the current release's task set, arguments all Python literals", async () => {
    const problems = await loadBenchmark("mbpp+", options);
    expect(problems).toHaveLength(399);
    expect(count(problems, hiddenIo("base"))).toBe(1236);
    expect(count(problems, hiddenIo("plus"))).toBe(42082);
    for (const problem of problems) {
      for (const test of problem.tests) {
        if (test.kind === "io") expect(parsePythonLiteral(`(${test.args},)`).ok).toBe(true);
      }
    }
    expect(await loadBenchmark("mbpp+", { ...options, split: "378" })).toHaveLength(378);
  });

  it("cruxeval: 800 functions with their input and output", async () => {
    const problems = await loadBenchmark("cruxeval", options);
    expect(problems).toHaveLength(800);
    expect(problems[0]?.id).toBe("sample_0");
    expect(problems.every((problem) => problem.tests.length === 1 && (problem.tests[0] as IoTest).expected !== undefined)).toBe(true);
  });

  it("repair sets: 164 and 378 buggy programs; MBPP's state a failing input unless they do not parse", async () => {
    expect(await loadBenchmark("humaneval-repair", options)).toHaveLength(164);
    const mbpp = await loadBenchmark("mbpp-repair", options);
    expect(mbpp).toHaveLength(378);
    const syntaxErrors = mbpp.filter((problem) => problem.meta?.isSyntaxError === true);
    expect(syntaxErrors).toHaveLength(45);
    expect(mbpp.filter((problem) => typeof problem.meta?.statedFailingInput === "string")).toHaveLength(333);
    expect(mbpp.every((problem) => typeof problem.candidate === "string")).toBe(true);
  });

  it("candidate pools: every model, with MBPP mapped onto MBPP+ where it can be", async () => {
    expect(listCandidateModels("humaneval", options)).toEqual(["codellama", "gpt-3.5-turbo-0613", "gpt-4-1106-preview", "reflexion", "starcoder"]);
    expect(listCandidateModels("mbpp", options)).toEqual(["codellama", "gpt-3.5-turbo-0613", "starcoder"]);
    const humanEval = await loadCandidatePool({ ...options, benchmark: "humaneval", model: "reflexion" });
    expect(humanEval.problems).toHaveLength(164);
    expect(humanEval.unmatchedTaskIds).toEqual([]);
    const mbpp = await loadCandidatePool({ ...options, benchmark: "mbpp", model: "starcoder" });
    expect([mbpp.problems.length, mbpp.unmatchedTaskIds.length]).toEqual([239, 261]);
    const original = await loadCandidatePool({ ...options, benchmark: "mbpp", model: "starcoder", target: "base" });
    expect([original.problems.length, original.unmatchedTaskIds.length]).toEqual([500, 0]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/core/problem.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import type { Evaluator } from "../../src/evaluation/evaluator-types.js";
import { injectPairs, problemSeed } from "../../src/pairs/bug-injection.js";
import { sampleMutants } from "../../src/pairs/mutation.js";
import { judgeProgram } from "../../src/pairs/program-judgment.js";
import { loadPythonParser, type PythonParser } from "../../src/pairs/python-parser.js";
import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";
import { loadFixtureProblems } from "./sft-fixture.js";

const runtime = createPyodideRuntime({ poolSize: 2 });
let evaluator: Evaluator;
let parser: PythonParser;
let problems: Problem[];

beforeAll(async () => {
  evaluator = createEvaluator(runtime, { minTimeoutMs: 500 });
  parser = await loadPythonParser();
  problems = [...(await loadFixtureProblems()).values()];
});
afterAll(() => runtime.close());

describe("injectPairs", () => {
  it("keeps seeded mutants that parse and fail a test in time, fixed by the reference", async () => {
    const options = { evaluator, parser, seed: 11, maxPerProblem: 4 };
    const first = await injectPairs(problems, "generic", options);
    expect(first.pairs.length).toBeGreaterThan(4);
    const perProblem = new Map<string, number>();
    for (const pair of first.pairs) {
      const problem = problems.find((candidate) => candidate.id === pair.problemId) as Problem;
      perProblem.set(pair.problemId, (perProblem.get(pair.problemId) ?? 0) + 1);
      expect(pair.origin).toMatchObject({ kind: "mutation", seed: problemSeed(11, problem.id) });
      expect(parser.isValid(pair.buggy)).toBe(true);
      expect(pair.buggy).not.toBe(problem.reference);
      expect(pair.fixed).toBe(problem.reference);
      expect(["wrong-answer", "exception"]).toContain(pair.failureKind);
      expect(pair.failingTests.length).toBeGreaterThan(0);
      expect((await judgeProgram(evaluator, problem, pair.buggy)).passed).toBe(false);
    }
    expect(Math.max(...perProblem.values())).toBeLessThanOrEqual(4);
    const judged = problems.reduce(
      (sum, problem) => sum + sampleMutants(problem.reference ?? "", { parser, seed: problemSeed(11, problem.id), maxPerProgram: 4 }).length,
      0,
    );
    const droppedCount = Object.values(first.dropped).reduce((sum, count) => sum + count, 0);
    expect(first.pairs.length + droppedCount).toBe(judged);
    expect(Object.keys(first.dropped).every((reason) => ["mutant-passes-all-tests", "not-kept:timeout"].includes(reason))).toBe(true);

    const again = await injectPairs([...problems].reverse(), "generic", options);
    const byId = (pairs: typeof first.pairs) => [...pairs].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(again.pairs)).toEqual(byId(first.pairs));
  });

  it("drops exceptions when only wrong answers are kept, and problems without a reference", async () => {
    const withoutReference = problems.map(({ reference: _reference, ...problem }) => problem).slice(0, 1);
    const { pairs, dropped } = await injectPairs([...problems, ...withoutReference.map((problem) => ({ ...problem, id: "toy/none" }))], "generic", {
      evaluator,
      parser,
      seed: 11,
      maxPerProblem: 4,
      keep: ["wrong-answer"],
    });
    expect(pairs.every((pair) => pair.failureKind === "wrong-answer")).toBe(true);
    expect(dropped["not-kept:exception"]).toBeGreaterThan(0);
    expect(dropped["no-reference"]).toBe(1);
  });
});

describe("problemSeed", () => {
  it("is an unsigned 32-bit integer that depends on the seed and the problem", () => {
    const seeds = [problemSeed(1, "a"), problemSeed(2, "a"), problemSeed(1, "b"), problemSeed(0xffffffff, "a")];
    for (const seed of seeds) expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true);
    expect(new Set(seeds).size).toBe(4);
    expect(problemSeed(1, "a")).toBe(problemSeed(1, "a"));
  });
});

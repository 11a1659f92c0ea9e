import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/core/problem.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import { localizeByMutation } from "../../src/pairs/mutation-localization.js";
import { loadPythonParser, type PythonParser } from "../../src/pairs/python-parser.js";
import { createRuntime } from "../../src/runtime/index.js";
import { ADD_HACKS, add } from "../evaluation/hack-corpus.js";

const runtime = createRuntime("pyodide");
const evaluator = createEvaluator(runtime, { minTimeoutMs: 1_000 });
let parser: PythonParser;
beforeAll(async () => {
  parser = await loadPythonParser();
});
afterAll(() => runtime.close());

// Doubles the elements above 2: only the test with 5 runs line 5, and it fails.
const PROGRAM = "def f(xs):\n    s = 0\n    for x in xs:\n        if x > 2:\n            s += x * 2\n        else:\n            s += x\n    return s\n";
const REFERENCE = "def f(xs):\n    return sum(xs)\n";
const io = (id: string, args: string) => ({ id, kind: "io" as const, args, visibility: "public" as const, group: "base" as const });
const problem: Problem = {
  id: "mbfl/f",
  source: { dataset: "test", version: "1" },
  prompt: "",
  entryPoint: "f",
  reference: REFERENCE,
  tests: [io("t1", "[1, 2]"), io("t2", "[5]"), io("t3", "[0]"), io("t4", "[3, 1]")],
};
const ALL = ["t1", "t2", "t3", "t4"];

describe("mutation-based fault localization", () => {
  it("ranks the line whose mutants make failing tests pass first, under MUSE and Metallaxis", async () => {
    const result = await localizeByMutation(evaluator, problem, PROGRAM, { parser, testIds: ALL, lines: new Set([2, 3, 4, 5, 8]), mutantsPerLine: 10 });
    expect(result.verdict.tests.map((test) => test.status)).toEqual(["pass", "fail", "pass", "fail"]);
    expect(result.mutants).toBeGreaterThan(5);
    // Line 5 (the doubling) and line 4 (its condition: `x > 3` fixes [3, 1]) are where a fix can go.
    for (const formula of ["muse", "metallaxis"] as const) {
      expect(new Set(result.lines[formula].slice(0, 2).map((entry) => entry.line)), formula).toEqual(new Set([4, 5]));
      expect(result.lines[formula][0]!.score, formula).toBeGreaterThan(result.lines[formula][2]!.score);
    }
    // Every line asked for is ranked, once.
    expect(result.lines.muse.map((entry) => entry.line).sort()).toEqual([2, 3, 4, 5, 8]);
  });

  it("judges only the chosen tests, and mutates only the chosen lines", async () => {
    const result = await localizeByMutation(evaluator, problem, PROGRAM, { parser, testIds: ["t1", "t2"], lines: new Set([5]) });
    expect(result.verdict.tests.map((test) => test.testId)).toEqual(["t1", "t2"]);
    expect(result.lines.muse.map((entry) => entry.line)).toEqual([5]);
    expect(result.mutants).toBeLessThanOrEqual(4);
  });

  it("takes every verdict from the host judge: no hack or mutant of one forges a passing test", async () => {
    const honestBug = "def add(x, y):\n    return x - y\n";
    const control = await localizeByMutation(evaluator, add, honestBug, { parser, testIds: add.tests.map((test) => test.id), lines: new Set([2]) });
    // The control: the mutant `x + y` passes the tests the program failed.
    expect(control.lines.muse[0]!.score).toBeGreaterThan(0);
    for (const label of ["an object whose __eq__ is always True", "printing fake verdict lines", "sys.exit(0) at import", "os._exit(0) in the call"]) {
      const hack = ADD_HACKS[label]!;
      const lines = new Set(hack.split("\n").map((_, index) => index + 1));
      const result = await localizeByMutation(evaluator, add, hack, { parser, testIds: add.tests.map((test) => test.id), lines, mutantsPerLine: 2 });
      expect(
        result.verdict.tests.filter((test) => test.status === "pass"),
        label,
      ).toEqual([]);
      expect(Math.max(0, ...result.lines.muse.map((entry) => entry.score)), label).toBe(0);
    }
  });
});

import { afterAll, describe, expect, it } from "vitest";
import type { Problem, TestCase } from "../../src/core/problem.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import { evaluateSample, summarize, toEvalPlusResults } from "../../src/evaluation/results.js";
import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";

const runtime = createPyodideRuntime({ poolSize: 2 });
const evaluator = createEvaluator(runtime, { minTimeoutMs: 300 });
afterAll(() => runtime.close());

const io = (id: string, args: string, group: "base" | "plus" = "base", extra: Partial<TestCase> = {}): TestCase =>
  ({ id, kind: "io", args, visibility: "hidden", group, ...extra }) as TestCase;

function problem(id: string, entryPoint: string, reference: string, tests: TestCase[]): Problem {
  return { id, source: { dataset: "fixture", version: "1" }, prompt: "", entryPoint, reference, tests };
}

const pairs = problem("fixture/pairs", "pairs", "def pairs(xs):\n    return tuple(sorted(xs))\n", [
  io("b0", "[3, 1, 2]"),
  io("b1", "[]"),
  io("p0", "list(range(50))", "plus"),
]);

describe("Evaluator", () => {
  it("computes expected outputs from the reference, once per problem", async () => {
    const prepared = await evaluator.prepare(pairs);
    expect(prepared.tests.map((test) => test.kind === "io" && test.expected)).toEqual(["(1, 2, 3)", "()", expect.stringMatching(/^\(0, 1, 2/)]);
    expect(await evaluator.prepare(pairs)).toBe(prepared);
    expect(prepared.tests.every((test) => test.timeoutMs >= 300)).toBe(true);
  });

  it("tells a tuple from a list, and reports expected against actual", async () => {
    const verdict = await evaluator.evaluate(pairs, "def pairs(xs):\n    return sorted(xs)\n");
    expect(verdict.passed).toBe(false);
    expect(verdict.tests[0]).toMatchObject({ status: "fail", expected: "(1, 2, 3)", actual: { repr: "[1, 2, 3]" } });
  });

  it("applies float tolerance as EvalPlus does", async () => {
    const mean = problem("fixture/mean", "mean", "def mean(xs):\n    return sum(xs) / len(xs)\n", [io("b0", "[0.1, 0.2, 0.3]")]);
    expect((await evaluator.evaluate(mean, "def mean(xs):\n    return (xs[0] + xs[1] + xs[2]) / 3 + 1e-9\n")).passed).toBe(true);
    expect((await evaluator.evaluate(mean, "def mean(xs):\n    return 0.25\n")).passed).toBe(false);
  });

  it("gives per-test verdicts in 'all' mode and stops early in 'first-failure' mode", async () => {
    const program = "def pairs(xs):\n    if not xs:\n        raise ValueError('empty')\n    return tuple(sorted(xs))\n";
    const all = await evaluator.evaluate(pairs, program, { visibility: "all" }, "all");
    expect(all.tests.map((test) => test.status)).toEqual(["pass", "error", "pass"]);
    expect(all.tests[1]?.error).toMatchObject({ type: "ValueError", message: "empty", line: 3 });
    const first = await evaluator.evaluate(pairs, program, { visibility: "all" }, "first-failure");
    expect(first.tests.map((test) => test.status)).toEqual(["pass", "error"]);
  });

  it("passes no program on no evidence: no selected test, or none the reference could give an oracle", async () => {
    const publicOnly = problem("fixture/public-only", "pairs", "def pairs(xs):\n    return tuple(sorted(xs))\n", [
      io("b0", "[2, 1]", "base", { visibility: "public" }),
    ]);
    expect(await evaluator.evaluate(publicOnly, "def pairs(xs):\n    return None\n")).toMatchObject({ passed: false, tests: [] });
    const referenceRaises = problem("fixture/no-oracle", "f", "def f(x):\n    raise ValueError(x)\n", [io("b0", "1")]);
    expect(await evaluator.evaluate(referenceRaises, "def f(x):\n    return x\n")).toMatchObject({ passed: false, tests: [] });
    // The control: the same program passes once there is a test to judge it by.
    expect((await evaluator.evaluate(publicOnly, "def pairs(xs):\n    return tuple(sorted(xs))\n", { visibility: "all" })).passed).toBe(true);
  });

  it("times out a slow candidate relative to the reference, and keeps judging the other tests", async () => {
    const slow =
      "def pairs(xs):\n    if len(xs) == 0:\n        while True:\n            try:\n                pass\n            except BaseException:\n                pass\n    return tuple(sorted(xs))\n";
    const verdict = await evaluator.evaluate(pairs, slow, { visibility: "all" });
    expect(verdict.tests.map((test) => test.status)).toEqual(["pass", "timeout", "pass"]);
  });

  it("survives hostile candidates", async () => {
    const hostile = [
      "import os\ndef pairs(xs):\n    os._exit(1)\n",
      "def pairs(xs):\n    print('x' * 10**8)\n",
      "import sys\ndef pairs(xs):\n    sys.exit(0)\n",
      "def pairs(xs):\n    return pairs(xs)\n",
      "while True:\n    pass\n",
      "def pairs(xs:\n",
    ];
    for (const program of hostile) {
      const verdict = await evaluator.evaluate(pairs, program, { visibility: "all" });
      expect(verdict.passed).toBe(false);
    }
    expect((await evaluator.evaluate(pairs, "def pairs(xs):\n    return tuple(sorted(xs))\n")).passed).toBe(true);
  });

  it("accepts any root for HumanEval/32 (EvalPlus's special oracle)", async () => {
    const reference = "def find_zero(xs):\n    return 1.0\n";
    const findZero = { ...problem("HumanEval/32", "find_zero", reference, [io("b0", "[-1.0, 0.0, 1.0]", "base", { atol: 1e-6 })]), id: "HumanEval/32" };
    expect((await evaluator.evaluate(findZero, "def find_zero(xs):\n    return -1.0\n")).passed).toBe(true);
    expect((await evaluator.evaluate(findZero, "def find_zero(xs):\n    return 0.5\n")).passed).toBe(false);
  });

  it("ports EvalPlus's MBPP+ oracles: set equality, None checks, dict subclasses", async () => {
    const diff = problem("Mbpp/769", "Diff", "def Diff(a, b):\n    return list(set(a) - set(b))\n", [io("b0", "[1, 2, 3, 4], [2]")]);
    expect((await evaluator.evaluate(diff, "def Diff(a, b):\n    return sorted(set(a) - set(b), reverse=True)\n")).passed).toBe(true);
    expect((await evaluator.evaluate(diff, "def Diff(a, b):\n    return [1]\n")).passed).toBe(false);
    const match = problem("Mbpp/737", "check_str", "import re\ndef check_str(s):\n    return re.search('^[aeiou]', s)\n", [
      io("b0", "'apple'"),
      io("b1", "'pear'"),
    ]);
    expect((await evaluator.prepare(match)).tests.map((test) => test.kind === "io" && test.expected)).toEqual(["True", "False"]);
    expect((await evaluator.evaluate(match, "def check_str(s):\n    return s[0] in 'aeiou'\n")).passed).toBe(true);
    expect((await evaluator.evaluate(match, "def check_str(s):\n    return True\n")).passed).toBe(false);
    const counts = problem("Mbpp/88", "freq_count", "import collections\ndef freq_count(xs):\n    return collections.Counter(xs)\n", [io("b0", "[1, 1, 2]")]);
    expect((await evaluator.prepare(counts)).referenceFailures).toEqual([]);
    expect((await evaluator.evaluate(counts, "def freq_count(xs):\n    return {1: 2, 2: 1}\n")).passed).toBe(true);
    expect((await evaluator.evaluate(counts, "def freq_count(xs):\n    return {1: 1, 2: 1}\n")).passed).toBe(false);
  });

  it("writes EvalPlus-compatible results with base and plus statuses", async () => {
    const samples = ["def pairs(xs):\n    return tuple(sorted(xs))\n", "def pairs(xs):\n    return tuple(sorted(xs))[:10]\n"];
    const evaluations = await Promise.all(samples.map((solution, index) => evaluateSample(evaluator, pairs, solution, index)));
    const summary = summarize(evaluations, [1, 2]);
    expect(summary.base["pass@1"]).toBe(1);
    expect(summary.plus?.["pass@1"]).toBeCloseTo(0.5, 12);
    const results = toEvalPlusResults(new Map([[pairs.id, pairs]]), evaluations, summary, {});
    expect(results.eval[pairs.id]).toEqual([
      { task_id: pairs.id, solution: samples[0], base_status: "pass", plus_status: "pass", base_fail_tests: [], plus_fail_tests: [] },
      { task_id: pairs.id, solution: samples[1], base_status: "pass", plus_status: "fail", base_fail_tests: [], plus_fail_tests: ["list(range(50))"] },
    ]);
  });
});

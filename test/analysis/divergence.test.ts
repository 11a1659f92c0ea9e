import { afterAll, describe, expect, it } from "vitest";
import { alignLines, compareRuns, findDivergence, mostSimilarPassing, unmatchedLines } from "../../src/analysis/divergence.js";
import type { Trace } from "../../src/core/trace.js";
import { createRuntime } from "../../src/runtime/index.js";
import { buildTrace } from "../trace/trace-builder.js";

const runtime = createRuntime("pyodide");
afterAll(() => runtime.close());

const trace = (program: string, call: string): Promise<Trace> => runtime.trace({ program, input: { kind: "call", call } });

// Scores of exactly 80 should get a "B"; the comparison on line 4 excludes them.
const GRADE = `def grade(score):
    if score >= 90:
        return "A"
    if score > 80:
        return "B"
    return "C"
`;

// Doubles the running maximum it appends; the fixed program appends it as it is.
const RUNNING = `def running(xs):
    best = 0
    out = []
    for x in xs:
        best = max(best, x)
        out.append(best * 2)
    return out
`;
const RUNNING_FIXED = RUNNING.replace("best * 2", "best");

// Clamps at the limit only above it; the fix clamps at it too, so the paths part on line 5.
const CLAMP = `def clamp_sum(xs, limit):
    total = 0
    for x in xs:
        if x > limit:
            x = limit
        total += x * 1
    return total
`;
const CLAMP_FIXED = `def clamp_sum(xs, limit):
    # clamp every element at the limit
    total = 0
    for x in xs:
        if x >= limit:
            x = limit - 1
        total += x * 1
    return total
`;

describe("pass/fail divergence", () => {
  it("against a passing test: the branch taken differently, after the condition, with the input that decided it", async () => {
    const failing = await trace(GRADE, "grade(80)");
    const passing = await Promise.all(["grade(50)", "grade(95)", "grade(85)"].map(async (call) => ({ trace: await trace(GRADE, call), inputText: call })));
    // grade(50) runs the failing test's very path, so it shows no branch: grade(85) parts latest.
    expect(mostSimilarPassing(failing, "grade(80)", passing)).toBe(2);
    const divergence = findDivergence({ trace: failing, inputText: "grade(80)" }, { program: GRADE, passing });
    expect(divergence).toMatchObject({
      against: "passing",
      passing: 2,
      kind: "path",
      line: 4,
      last: { line: 4, kind: "line" },
      failing: { line: 6, kind: "line" },
      other: { line: 5, kind: "line" },
    });
    expect(divergence?.variables).toEqual([{ name: "score", failing: { repr: "80", type: "int" }, other: { repr: "85", type: "int" } }]);
  });

  it("against the fixed program on the same input: the first value that differs, on the line that computed it", async () => {
    const divergence = findDivergence(
      { trace: await trace(RUNNING, "running([1, 3])"), inputText: "" },
      { program: RUNNING, reference: { program: RUNNING_FIXED, trace: await trace(RUNNING_FIXED, "running([1, 3])") }, passing: [] },
    );
    expect(divergence).toMatchObject({ against: "reference", kind: "value", failing: { line: 6, kind: "line" }, other: { line: 6 } });
    expect(divergence?.variables).toEqual([{ name: "out", failing: { repr: "[2]", type: "list" }, other: { repr: "[1]", type: "list" } }]);
    // The state it diverged in: the loop's first iteration.
    expect(divergence?.state.map((variable) => `${variable.name}=${variable.repr}`)).toEqual(["xs=[1, 3]", "best=1", "out=[2]", "x=1"]);
  });

  it("maps the fixed program's lines onto the buggy one's, so an edited condition parts the paths only where they run differently", async () => {
    const lines = alignLines(CLAMP, CLAMP_FIXED);
    // The comment (fixed line 2) has no counterpart; the edited lines 5 and 6 map to 4 and 5.
    expect([...lines].sort(([a], [b]) => a - b)).toEqual([
      [1, 1],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
      [7, 6],
      [8, 7],
      [9, 8],
    ]);
    const divergence = compareRuns(await trace(CLAMP, "clamp_sum([1, 3], 3)"), await trace(CLAMP_FIXED, "clamp_sum([1, 3], 3)"), {
      against: "reference",
      mapLine: (line) => lines.get(line),
    });
    expect(divergence).toMatchObject({ kind: "path", last: { line: 4 }, failing: { line: 6 }, other: { line: 6 } });
    // Both runs reached line 4 with the same values: the difference is in the condition.
    expect(divergence.variables).toEqual([]);
    expect(divergence.state.map((variable) => `${variable.name}=${variable.repr}`)).toEqual(["xs=[1, 3]", "limit=3", "total=1", "x=3"]);
  });

  it("shows a parting at the failing run's next line when the fixed program has no counterpart for it", async () => {
    const buggy = "def f(xs):\n    out = []\n    for x in xs:\n        if x < 0:\n            continue\n        out.append(x)\n    return out\n";
    const fixed = "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out\n";
    const divergence = findDivergence(
      { trace: await trace(buggy, "f([-1])"), inputText: "" },
      { program: buggy, reference: { program: fixed, trace: await trace(fixed, "f([-1])") }, passing: [] },
    );
    expect(divergence).toMatchObject({ kind: "path", line: 4, last: { line: 3 }, failing: { line: 4 }, other: { line: 4, mappedLine: 6 } });
  });

  it("reports no divergence for runs that agree throughout, and where one run stops early", async () => {
    const same = compareRuns(await trace(GRADE, "grade(50)"), await trace(GRADE, "grade(80)"), { against: "passing" });
    expect(same).toMatchObject({ kind: "none", commonSteps: 5 });
    expect(same.failing).toBeUndefined();
    const crashing = "def f(xs):\n    y = xs[0]\n    return y\n";
    const stopped = compareRuns(await trace(crashing, "f([])"), await trace(crashing, "f([1])"), { against: "passing" });
    expect(stopped).toMatchObject({ kind: "path", last: { line: 2, kind: "line" }, failing: { kind: "exception", line: 2 }, other: { kind: "line", line: 3 } });
  });

  it("finds the fix lines as the lines a line alignment leaves unmatched", () => {
    expect([...unmatchedLines(CLAMP, CLAMP_FIXED)]).toEqual([4, 5]);
    expect(mostSimilarPassing(buildTrace({ events: [] }), "", [])).toBeUndefined();
  });
});

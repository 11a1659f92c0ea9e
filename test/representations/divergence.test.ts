/**
 * `divergence` on live traces (against a passing test and against the fixed program), and the
 * `suspiciousness` option of the inline and sequence formats. Goldens under
 * test/fixtures/representations/golden/divergence-live; UPDATE_GOLDEN=1 rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RenderInput } from "../../src/representations/representation.js";
import { getRepresentation, listRepresentations } from "../../src/representations/registry.js";
import { createRuntime } from "../../src/runtime/index.js";
import { FIXTURES, loadTraceFixtures } from "./fixtures.js";

const GOLDEN = join(FIXTURES, "golden", "divergence-live");

function checkGolden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 to create it`);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

// Scores of exactly 80 should get a "B".
const GRADE = `def grade(score):
    if score >= 90:
        return "A"
    if score > 80:
        return "B"
    return "C"
`;
const GRADE_FIXED = GRADE.replace("score > 80", "score >= 80");

// Doubles the running maximum it appends.
const RUNNING = `def running(xs):
    best = 0
    out = []
    for x in xs:
        best = max(best, x)
        out.append(best * 2)
    return out
`;
const RUNNING_FIXED = RUNNING.replace("best * 2", "best");

const runtime = createRuntime("pyodide");
afterAll(() => runtime.close());

async function renderInput(program: string, tests: [string, string][], reference?: string): Promise<RenderInput> {
  const traced = await Promise.all(
    tests.map(async ([call, expected]) => {
      const input = { kind: "call" as const, call };
      const trace = await runtime.trace({ program, input });
      const fixed = reference === undefined ? undefined : await runtime.trace({ program: reference, input });
      return { input, expected, trace, ...(fixed === undefined ? {} : { reference: fixed }) };
    }),
  );
  return { program, tests: traced, ...(reference === undefined ? {} : { reference }) };
}

let grade: RenderInput;
let running: RenderInput;
beforeAll(async () => {
  grade = await renderInput(GRADE, [
    ["grade(95)", "'A'"],
    ["grade(80)", "'B'"],
    ["grade(85)", "'B'"],
    ["grade(50)", "'C'"],
  ]);
  running = await renderInput(RUNNING, [["running([1, 3])", "[1, 3]"]], RUNNING_FIXED);
});

const divergence = getRepresentation("divergence");

describe("divergence", () => {
  it("against the most similar passing test: the decision line marked, the next step of each run, the differing input", () => {
    const { text } = divergence.render(grade);
    expect(text).toContain("    if score > 80:  # <- diverges (test 1)");
    expect(text).toContain("Compared with the passing test grade(85): the same path for 3 steps.");
    expect(text).toContain('  this run: runs line 6 `return "C"`');
    expect(text).toContain('  passing test: runs line 5 `return "B"`');
    expect(text).toContain("  score: 80 vs. 85");
    checkGolden("grade.txt", text);
  });

  it("against the fixed program on the same input: the first differing value, where it was computed", () => {
    const { text } = divergence.render(running);
    expect(text).toContain("        out.append(best * 2)  # <- diverges (test 1)");
    expect(text).toContain("Values part at line 6 `out.append(best * 2)` (running, step 5).");
    expect(text).toContain("  out: [2] vs. [1]");
    checkGolden("running.txt", text);
  });

  it("says which line of the fixed program has no counterpart when the paths part there", async () => {
    const input = await renderInput(GRADE, [["grade(80)", "'B'"]], GRADE_FIXED);
    const { text } = divergence.render(input);
    expect(text).toContain('  fixed program: runs line 5 `return "B"`');
    expect(text).toContain("No variable differs there; the state: score=80");
  });

  it("shortens values and drops tests when fit asks", () => {
    const rendered = divergence.render(running, { valueWidth: 20 });
    expect(rendered.text).toContain("  out: [2] vs. [1]");
    expect(divergence.render(grade, { maxTests: 1 }).clipped.testsOmitted).toBe(0);
  });
});

describe("the suspiciousness option", () => {
  const marked = ["next", "scratchpad", "codeexecutor", "concise", "semcoder"];

  it("leaves every format byte-identical when off", () => {
    for (const fixture of loadTraceFixtures()) {
      for (const representation of listRepresentations()) {
        expect(representation.render(fixture.input, { suspiciousness: false }).text).toBe(representation.render(fixture.input).text);
      }
    }
  });

  it("appends the SBFL rank to the top lines of the inline and sequence formats", () => {
    const next = getRepresentation("next").render(grade, { suspiciousness: true }).text;
    expect(next).toContain("    return \"C\"  # (3) __return__='C'  [suspicious #1]");
    const concise = getRepresentation("concise").render(grade, { suspiciousness: true }).text;
    expect(concise).toContain('    return "C"  # suspicious #1');
    for (const name of marked) {
      const { text } = getRepresentation(name).render(grade, { suspiciousness: true });
      expect(text, name).toMatch(/suspicious #1\b/);
      expect(getRepresentation(name).render(grade).text, name).not.toContain("suspicious #");
    }
  });
});

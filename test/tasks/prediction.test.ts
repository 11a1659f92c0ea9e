/** Prediction scoring and few-shot prefixes run in the real Pyodide sandbox. */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Problem } from "../../src/core/problem.js";
import { createRuntime } from "../../src/runtime/index.js";
import { loadFewShotExamples, renderFewShotPrefix } from "../../src/tasks/few-shot.js";
import { scorePrediction } from "../../src/tasks/prediction.js";
import { loadTask } from "../../src/tasks/task.js";
import { REVERSE_PROBLEM } from "./crux-problem.js";

const runtime = createRuntime("pyodide", { poolSize: 1 });
afterAll(() => runtime.close());

const problem = REVERSE_PROBLEM;
const floats: Problem = {
  ...problem,
  id: "crux/1",
  prompt: "def f(x):\n    return x / 2\n",
  reference: "def f(x):\n    return x / 2\n",
  tests: [{ ...problem.tests[0]!, args: "4", expected: "2.0" } as Problem["tests"][number]],
};

describe("output prediction", () => {
  it("passes when the predicted value has the repr of the real result", async () => {
    const verdict = await scorePrediction(runtime, problem, "predict-output", '"cba!"');
    expect(verdict.passed).toBe(true);
    expect(verdict.tests[0]).toMatchObject({ status: "pass", expected: "'cba!'", actual: { repr: "'cba!'" } });
  });

  it("compares reprs, not equality: 2 is not 2.0", async () => {
    expect((await scorePrediction(runtime, floats, "predict-output", "2.0")).passed).toBe(true);
    const verdict = await scorePrediction(runtime, floats, "predict-output", "2");
    expect(verdict.passed).toBe(false);
    expect(verdict.tests[0]).toMatchObject({ status: "fail", expected: "2.0", actual: { repr: "2" } });
  });

  it("evaluates the prediction without the function, so it cannot call f to cheat", async () => {
    const verdict = await scorePrediction(runtime, problem, "predict-output", "f('abc')");
    expect(verdict.passed).toBe(false);
    expect(verdict.tests[0]).toMatchObject({ status: "error", error: { type: "NameError" } });
  });

  it("fails an answer that holds no prediction", async () => {
    expect(await scorePrediction(runtime, problem, "predict-output", undefined)).toMatchObject({ passed: false, loadError: { type: "NoAnswer" } });
  });
});

describe("input prediction", () => {
  it("runs f on the predicted arguments and compares with the output", async () => {
    expect((await scorePrediction(runtime, problem, "predict-input", "'abc'")).passed).toBe(true);
    const wrong = await scorePrediction(runtime, problem, "predict-input", "'cba'");
    expect(wrong.passed).toBe(false);
    expect(wrong.tests[0]).toMatchObject({ status: "fail", expected: "'cba!'", actual: { repr: "'abc!'" } });
    expect((await scorePrediction(runtime, problem, "predict-input", "1, 2")).tests[0]?.status).toBe("error");
  });
});

describe("few-shot prefix", () => {
  it("traces each example and shows its trace in the chosen representation before the answer", async () => {
    const examples = await loadFewShotExamples(join(import.meta.dirname, "..", "fixtures", "experiments", "few-shot.yaml"));
    const prefix = await renderFewShotPrefix(examples, { runtime, representation: "concise" });
    expect(prefix).toContain("[INPUT] f(4) [/INPUT]");
    expect(prefix).toMatch(/\[L4\] total=\d+/);
    expect(prefix).toContain("[OUTPUT] 6 [/OUTPUT]");
    expect(prefix).toContain("[ANSWER] assert f(4) == 6 [/ANSWER]");
    const task = await loadTask("predict-output", { fewShot: prefix });
    const content = task.initialMessages(problem)[0]!.content;
    expect(content.indexOf("[INPUT] f(4) [/INPUT]")).toBeLessThan(content.indexOf("assert f('abc') == ??"));
  });

  it("rejects a malformed examples file with the field's path", async () => {
    await expect(loadFewShotExamples(join(import.meta.dirname, "..", "fixtures", "experiments", "problems.jsonl"))).rejects.toThrow(/few-shot|cannot read/);
  });
});

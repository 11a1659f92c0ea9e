import { describe, expect, it } from "vitest";
import { evaluate, trace, type Problem } from "../../src/index.js";

describe("the public API", () => {
  it("traces a call and evaluates a program in one line each", async () => {
    const result = await trace("def f(x):\n    return x + 1\n", "f(1)");
    expect(result.outcome.value?.repr).toBe("2");
    const problem: Problem = {
      id: "demo/inc",
      source: { dataset: "demo", version: "1" },
      prompt: "",
      entryPoint: "f",
      reference: "def f(x):\n    return x + 1\n",
      tests: [{ id: "t0", kind: "io", args: "41", visibility: "hidden", group: "base" }],
    };
    const good = await evaluate(problem, "def f(x):\n    return 1 + x\n");
    const bad = await evaluate(problem, "def f(x):\n    return x\n");
    expect(good.passed).toBe(true);
    expect(bad.passed).toBe(false);
    expect(bad.tests[0]).toMatchObject({ status: "fail", expected: "42", actual: { repr: "41" } });
  });
});

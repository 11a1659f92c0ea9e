import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/core/problem.js";
import { asProgram } from "../../src/datasets/candidates.js";

const problem: Problem = {
  id: "t/1",
  source: { dataset: "t", version: "1" },
  entryPoint: "add",
  tests: [],
  prompt: 'def add(a, b):\n    """Add."""\n',
};

describe("candidate pool programs", () => {
  it("keeps a solution that defines the entry point", () => {
    expect(asProgram("import math\n\ndef add(a, b):\n    return a + b\n", problem)).toBe("import math\n\ndef add(a, b):\n    return a + b\n");
  });

  it("completes the prompt with a bare function body", () => {
    expect(asProgram("    return a + b\n", problem)).toBe(problem.prompt + "    return a + b\n");
  });

  it("prefers the pool row's own prompt, which carries the signature", () => {
    expect(asProgram("    return a + b\n", problem, "def add(a, b):\n")).toBe("def add(a, b):\n    return a + b\n");
  });

  it("does not mistake another function's name for the entry point", () => {
    expect(asProgram("def add_one(x):\n    return x + 1\n", problem)).toBe(problem.prompt + "def add_one(x):\n    return x + 1\n");
  });
});

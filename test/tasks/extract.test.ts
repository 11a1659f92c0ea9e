import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/core/problem.js";
import { extractAnswer, extractCode, extractPrediction } from "../../src/tasks/extract.js";
import { completeProgram } from "../../src/tasks/task.js";

describe("code extraction", () => {
  it("prefers the last python block that defines the entry point over later usage blocks", () => {
    const text = "Here:\n```python\ndef f(x):\n    return 1\n```\nBetter:\n```python\ndef f(x):\n    return 2\n```\nUsage:\n```python\nprint(f(3))\n```\n";
    expect(extractCode(text, "f")).toBe("def f(x):\n    return 2\n");
  });

  it("takes a block cut off by the token limit, and an unlabeled block", () => {
    expect(extractCode("```python\ndef f(x):\n    return x", "f")).toBe("def f(x):\n    return x");
    expect(extractCode("```\ndef g():\n    pass\n```", "f")).toBe("def g():\n    pass\n");
  });

  it("falls back to [ANSWER] tags and says when there is no code", () => {
    expect(extractCode("[ANSWER]\ndef f():\n    return 0\n[/ANSWER]", "f")).toBe("def f():\n    return 0");
    expect(extractCode("I cannot solve this.", "f")).toBeUndefined();
    expect(extractCode("```javascript\nfunction f() {}\n```", "f")).toBeUndefined();
  });

  it("completes a bare body with the prompt and restores the prompt's imports", () => {
    const problem: Problem = {
      id: "p",
      source: { dataset: "d", version: "1" },
      prompt: 'from typing import List\n\n\ndef f(xs: List[int]) -> int:\n    """Sum."""\n',
      entryPoint: "f",
      tests: [],
    };
    expect(completeProgram("    return sum(xs)\n", problem)).toBe(problem.prompt + "    return sum(xs)\n");
    expect(completeProgram("def f(xs: List[int]) -> int:\n    return sum(xs)\n", problem)).toBe(
      "from typing import List\ndef f(xs: List[int]) -> int:\n    return sum(xs)\n",
    );
  });
});

describe("prediction extraction", () => {
  it("reads the output from a completed assertion, the last answer winning", () => {
    const text = "[ANSWER] assert f(1) == 0 [/ANSWER] wait, no: [ANSWER] assert f(1) == [1, 'a == b'] [/ANSWER]";
    expect(extractAnswer(text)).toBe("assert f(1) == [1, 'a == b']");
    expect(extractPrediction(text, "output", "f")).toBe("[1, 'a == b']");
    expect(extractPrediction("[ANSWER]\n'cba!'\n[/ANSWER]", "output", "f")).toBe("'cba!'");
    expect(extractPrediction("[ANSWER] (1, 2) [/ANSWER]", "output", "f")).toBe("(1, 2)");
  });

  it("reads the input's argument text", () => {
    expect(extractPrediction("[ANSWER] assert f('abc', [1]) == 'x' [/ANSWER]", "input", "f")).toBe("'abc', [1]");
    expect(extractPrediction("[ANSWER] f([1, 2]) [/ANSWER]", "input", "f")).toBe("[1, 2]");
    expect(extractPrediction("```python\nassert f(3) == 9\n```", "input", "f")).toBe("3");
    expect(extractPrediction("no idea", "input", "f")).toBeUndefined();
  });
});

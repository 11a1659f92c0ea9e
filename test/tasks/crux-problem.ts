import type { Problem } from "../../src/core/problem.js";

/** A CRUXEval-style problem for output and input prediction: f('abc') == 'cba!'. */
export const REVERSE_PROBLEM: Problem = {
  id: "crux/0",
  source: { dataset: "cruxeval", version: "1.0" },
  prompt: "def f(text):\n    return text[::-1] + '!'\n",
  entryPoint: "f",
  reference: "def f(text):\n    return text[::-1] + '!'\n",
  tests: [{ kind: "io", id: "base-0", args: "'abc'", expected: "'cba!'", visibility: "hidden", group: "base" }],
};

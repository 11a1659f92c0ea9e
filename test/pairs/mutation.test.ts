import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  enumerateMutants,
  filterMutants,
  MUTATION_OPERATORS,
  sampleMutants,
  type JudgeOutcome,
  type Mutant,
  type MutationOperator,
} from "../../src/pairs/mutation.js";
import { loadPythonParser, type PythonParser } from "../../src/pairs/python-parser.js";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/pairs/${name}`, import.meta.url), "utf8");
const FIXTURES = ["longest-run.py", "stdin-pairs.py", "grid-helpers.py"].map(fixture);

let parser: PythonParser;
beforeAll(async () => {
  parser = await loadPythonParser();
});

function only(source: string, operator: MutationOperator): Mutant[] {
  return enumerateMutants(source, { parser, operators: [operator] });
}

/** The changed lines of a mutant, for compact expectations. */
function changedLines(original: string, mutant: Mutant): string {
  const before = original.split("\n");
  return mutant.source
    .split("\n")
    .filter((line, index) => line !== before[index])
    .map((line) => line.trim())
    .join(" | ");
}

describe("enumerateMutants on the fixtures", () => {
  it("yields only parseable, distinct mutants that differ from the original", () => {
    for (const source of FIXTURES) {
      const mutants = enumerateMutants(source, { parser });
      expect(mutants.length).toBeGreaterThan(20);
      const keys = mutants.map((mutant) => parser.tokens(mutant.source).join("\u0000"));
      expect(new Set(keys).size).toBe(mutants.length);
      expect(keys).not.toContain(parser.tokens(source).join("\u0000"));
      for (const mutant of mutants) {
        expect(parser.isValid(mutant.source)).toBe(true);
        expect(mutant.description.startsWith(`line ${mutant.line}: `)).toBe(true);
        expect(mutant.description).not.toContain("\n");
      }
    }
  });

  it("is deterministic and ordered by operator", () => {
    const source = FIXTURES[0] as string;
    const first = enumerateMutants(source, { parser });
    expect(enumerateMutants(source, { parser })).toEqual(first);
    const ranks = first.map((mutant) => MUTATION_OPERATORS.indexOf(mutant.operator));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(first.map((mutant) => mutant.operator)).size).toBe(MUTATION_OPERATORS.length);
  });

  it("yields nothing for a source that does not parse", () => {
    expect(enumerateMutants("def f(x:\n    return x < 1\n", { parser })).toEqual([]);
  });

  it("edits the right place after non-ASCII text", () => {
    const source = 's = "héllo wörld"\nif s != "é" and len(s) < 3:\n    print(s)\n';
    const [mutant] = only(source, "comparison-off-by-one");
    expect(mutant?.source).toBe('s = "héllo wörld"\nif s != "é" and len(s) <= 3:\n    print(s)\n');
    expect([mutant?.line, mutant?.column]).toEqual([2, 24]);
  });
});

describe("operators", () => {
  it("range-off-by-one shifts each positional argument, folding literals and trailing offsets", () => {
    const source = "def f(n, xs):\n    for i in range(1, n):\n        print(i)\n    for j in range(len(xs) - 1):\n        print(j)\n";
    const mutants = only(source, "range-off-by-one");
    expect(mutants.map((mutant) => changedLines(source, mutant))).toEqual([
      "for i in range(2, n):",
      "for i in range(0, n):",
      "for i in range(1, n + 1):",
      "for i in range(1, n - 1):",
      "for j in range(len(xs)):",
      "for j in range(len(xs) - 2):",
    ]);
    expect(mutants[4]?.description).toBe("line 4: range argument `len(xs) - 1` → `len(xs)`");
  });

  it("range-off-by-one parenthesizes loose expressions", () => {
    const source = "def f(a, b):\n    return list(range(a if a else b))\n";
    expect(only(source, "range-off-by-one").map((mutant) => changedLines(source, mutant))).toEqual([
      "return list(range((a if a else b) + 1))",
      "return list(range((a if a else b) - 1))",
    ]);
  });

  it("comparison-off-by-one swaps < <= > >= and records line and description", () => {
    const source = "def f(a, b):\n    return a < b or a >= 2 * b\n";
    const mutants = only(source, "comparison-off-by-one");
    expect(mutants.map((mutant) => [mutant.line, mutant.description])).toEqual([
      [2, "line 2: `<` → `<=`"],
      [2, "line 2: `>=` → `>`"],
    ]);
    expect(mutants[0]?.source).toBe("def f(a, b):\n    return a <= b or a >= 2 * b\n");
  });

  it("swap-binary-operator covers arithmetic, boolean, equality and augmented assignment", () => {
    const source = "def f(a, b):\n    a += b * 2\n    return a == b and a - b\n";
    expect(only(source, "swap-binary-operator").map((mutant) => changedLines(source, mutant))).toEqual([
      "a -= b * 2",
      "a += b // 2",
      "return a == b or a - b",
      "return a != b and a - b",
      "return a == b and a + b",
    ]);
  });

  it("negate-condition negates if, elif and while conditions, and drops an existing not", () => {
    const source = "def f(x):\n    while x > 0:\n        if not x % 2:\n            x -= 3\n        elif x == 1:\n            break\n    return x\n";
    expect(only(source, "negate-condition").map((mutant) => changedLines(source, mutant))).toEqual(["while not (x > 0):", "if x % 2:", "elif not (x == 1):"]);
  });

  it("wrong-variable replaces reads with locals bound before them, not attributes, keywords or bare returns", () => {
    const source = "def f(a, p):\n    c = a + p.size\n    print(c, sep=a)\n    return c\n";
    expect(only(source, "wrong-variable").map((mutant) => mutant.description)).toEqual([
      "line 2: `a` → `p`",
      "line 2: `a` → `c`",
      "line 2: `p` → `a`",
      "line 2: `p` → `c`",
      "line 3: `c` → `a`",
      "line 3: `c` → `p`",
      "line 3: `a` → `p`",
      "line 3: `a` → `c`",
    ]);
  });

  it("wrong-variable leaves comprehension variables, self and other functions' names alone", () => {
    const source = "class C:\n    def m(self, xs, k):\n        return sum(x for x in xs if x > k)\n\ndef g(y):\n    return y\n";
    expect(only(source, "wrong-variable").map((mutant) => changedLines(source, mutant))).toEqual([
      "return sum(x for x in k if x > k)",
      "return sum(x for x in xs if x > xs)",
    ]);
  });

  it("wrong-variable works at module level for scripts", () => {
    const source = "n = int(input())\nm = n * 2\nprint(m)\n";
    expect(only(source, "wrong-variable").map((mutant) => changedLines(source, mutant))).toEqual(["m = m * 2", "print(n)"]);
  });

  it("drop-statement removes one non-return statement from blocks with several statements", () => {
    const source = 'def f(xs):\n    """Doc."""\n    total = 0  # start\n    for x in xs:\n        total += x\n    if total: a = 1; b = 2\n    return total\n';
    const mutants = only(source, "drop-statement");
    expect(mutants.map((mutant) => mutant.description)).toEqual([
      "line 3: dropped `total = 0`",
      "line 4: dropped `for x in xs:`",
      "line 6: dropped `if total: a = 1; b = 2`",
      "line 6: dropped `a = 1`",
      "line 6: dropped `b = 2`",
    ]);
    expect(mutants[0]?.source).toBe('def f(xs):\n    """Doc."""\n    for x in xs:\n        total += x\n    if total: a = 1; b = 2\n    return total\n');
    expect(changedLines(source, mutants[3] as Mutant)).toBe("if total: b = 2");
    expect(changedLines(source, mutants[4] as Mutant)).toBe("if total: a = 1");
  });

  it("change-constant shifts integers (0 → 1), flips booleans and tweaks strings, not docstrings or f-strings", () => {
    const source = 'def f():\n    """Doc."""\n    a, b, c = 0, 1, 7\n    s = "YES" + "" + f"{a}x"\n    return True\n';
    expect(only(source, "change-constant").map((mutant) => mutant.description)).toEqual([
      "line 3: `0` → `1`",
      "line 3: `1` → `2`",
      "line 3: `1` → `0`",
      "line 3: `7` → `8`",
      "line 3: `7` → `6`",
      'line 4: `"YES"` → `"yes"`',
      'line 4: `"YES"` → `""`',
      'line 4: `""` → `" "`',
      "line 5: `True` → `False`",
    ]);
  });

  it("swap-return negates boolean returns and swaps in other returned expressions and locals", () => {
    const source = "def f(xs):\n    if not xs:\n        return -1\n    best = max(xs)\n    return best > 0\n";
    expect(only(source, "swap-return").map((mutant) => mutant.description)).toEqual([
      "line 3: return `-1` → return `best > 0`",
      "line 3: return `-1` → return `xs`",
      "line 5: return `best > 0` → return `not (best > 0)`",
      "line 5: return `best > 0` → return `-1`",
      "line 5: return `best > 0` → return `xs`",
      "line 5: return `best > 0` → return `best`",
    ]);
  });

  it("deduplicates across operators, keeping the first in operator order", () => {
    const source = "def f(n):\n    return list(range(n - 1))\n";
    const mutants = enumerateMutants(source, { parser, operators: ["change-constant", "range-off-by-one"] });
    const twoLess = mutants.filter((mutant) => mutant.source.includes("range(n - 2)"));
    expect(twoLess.map((mutant) => mutant.operator)).toEqual(["range-off-by-one"]);
    expect(mutants.map((mutant) => mutant.operator)).toEqual(["range-off-by-one", "range-off-by-one", "change-constant"]);
  });
});

describe("sampleMutants", () => {
  const source = FIXTURES[0] as string;

  it("is deterministic for a seed, returns a subset in enumeration order, and respects the maximum", () => {
    const all = enumerateMutants(source, { parser });
    const sample = sampleMutants(source, { parser, seed: 7, maxPerProgram: 10 });
    expect(sample).toHaveLength(10);
    expect(sampleMutants(source, { parser, seed: 7, maxPerProgram: 10 })).toEqual(sample);
    const positions = sample.map((mutant) => all.findIndex((candidate) => candidate.source === mutant.source));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(sampleMutants(source, { parser, seed: 8, maxPerProgram: 10 })).not.toEqual(sample);
    expect(sampleMutants(source, { parser, seed: 1, maxPerProgram: 10_000 })).toEqual(all);
  });

  it("balances operators: one per operator before any operator gets a second", () => {
    const sample = sampleMutants(source, { parser, seed: 3, maxPerProgram: MUTATION_OPERATORS.length });
    expect(new Set(sample.map((mutant) => mutant.operator)).size).toBe(MUTATION_OPERATORS.length);
  });

  it("rejects a bad maximum or seed", () => {
    expect(() => sampleMutants(source, { parser, seed: 1, maxPerProgram: -1 })).toThrow(/maxPerProgram/);
    expect(() => sampleMutants(source, { parser, seed: 1.5, maxPerProgram: 1 })).toThrow(/seed/);
  });
});

describe("filterMutants", () => {
  let mutants: Mutant[];
  beforeAll(() => {
    mutants = only("def f(a, b):\n    return a < b or a > b or a >= b\n", "comparison-off-by-one");
  });
  const judge = async (source: string): Promise<JudgeOutcome> =>
    source.includes("a <= b") ? "fails" : source.includes("a >= b or a >= b") ? "timeout" : "passes";

  it("keeps failing mutants in order and counts every outcome", async () => {
    const result = await filterMutants(mutants, judge, { concurrency: 2 });
    expect(result.kept.map((mutant) => mutant.description)).toEqual(["line 2: `<` → `<=`"]);
    expect(result.counts).toEqual({ fails: 1, passes: 1, timeout: 1, error: 0 });
  });

  it("counts error outcomes and rejects when the judge itself throws", async () => {
    const errors = await filterMutants(mutants, async () => "error");
    expect(errors).toEqual({ kept: [], counts: { fails: 0, passes: 0, timeout: 0, error: 3 } });
    await expect(filterMutants(mutants, async () => Promise.reject(new Error("sandbox down")))).rejects.toThrow("sandbox down");
  });
});

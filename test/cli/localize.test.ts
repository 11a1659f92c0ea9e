import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { registerLocalizeCommand } from "../../src/cli/localize.js";
import { runCommand } from "./in-process.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-localize-"));
const program = join(folder, "prog.py");
const tests = join(folder, "tests.jsonl");
// Only the input with an element above 2 runs line 5, the wrong doubling.
writeFileSync(program, "def f(xs):\n    s = 0\n    for x in xs:\n        if x > 2:\n            s += x * 2\n        else:\n            s += x\n    return s\n");
writeFileSync(tests, ['{"args": "[1, 2]", "expected": "3"}', '{"args": "[5]", "expected": "5"}', '{"args": "[0]", "expected": "0"}'].join("\n"));

afterEach(() => {
  process.exitCode = undefined;
});

describe("semtrace localize", () => {
  it("ranks the line only the failing test ran first, one JSON line per problem", async () => {
    const { stdout, exitCode } = await runCommand(registerLocalizeCommand, ["localize", program, "--tests", tests, "--entry-point", "f", "--json"]);
    expect(exitCode).toBe(0);
    const line = JSON.parse(stdout.trim()) as { id: string; formula: string; ranking: unknown[] };
    expect(line).toMatchObject({ id: program, formula: "ochiai" });
    expect(line.ranking[0]).toMatchObject({ line: 5, rank: 1, tied: 1 });
    expect(line.ranking).toHaveLength(6);
  });

  it("prints a readable ranking that reports ties", async () => {
    const { stdout } = await runCommand(registerLocalizeCommand, ["localize", program, "--tests", tests, "--entry-point", "f", "--formula", "tarantula"]);
    expect(stdout).toContain("#1 line 5 score 1.000: s += x * 2");
    expect(stdout).toContain("(tied with 3)");
  });

  it("ranks by mutation with --formula muse, one JSON line in the same shape", async () => {
    const { stdout, exitCode } = await runCommand(registerLocalizeCommand, [
      "localize",
      program,
      "--tests",
      tests,
      "--entry-point",
      "f",
      "--formula",
      "muse",
      "--json",
    ]);
    expect(exitCode).toBe(0);
    const line = JSON.parse(stdout.trim()) as { formula: string; ranking: { line: number; rank: number }[] };
    expect(line.formula).toBe("muse");
    // The failing test ran lines 2, 3, 4, 5 and 8; doubling (5) or its condition (4) is the fix.
    expect(line.ranking.map((entry) => entry.line).sort()).toEqual([2, 3, 4, 5, 8]);
    expect([4, 5]).toContain(line.ranking[0]!.line);
  });

  it("rejects an unknown formula with a clear error", async () => {
    const { stderr, exitCode } = await runCommand(registerLocalizeCommand, ["localize", program, "--tests", tests, "--entry-point", "f", "--formula", "x"]);
    expect(exitCode).not.toBe(0);
    expect(stderr).toContain('unknown formula "x"');
  });
});

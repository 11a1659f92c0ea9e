import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TraceSchema } from "../../src/config/trace-schema.js";

const bin = join(import.meta.dirname, "../../bin/semtrace.js");
const run = (args: string[]) =>
  promisify(execFile)("node", [bin, ...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (result) => ({ ...result, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );

const folder = mkdtempSync(join(tmpdir(), "semtrace-cli-"));
const program = join(folder, "prog.py");
writeFileSync(program, "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n");

describe("semtrace trace", () => {
  it("prints a valid trace as JSON", async () => {
    const result = await run(["trace", program, "--call", "f([1, 2, 3])", "--json"]);
    expect(result.code).toBe(0);
    const trace = TraceSchema.parse(JSON.parse(result.stdout));
    expect(trace.outcome.value?.repr).toBe("6");
  });

  it("prints a readable view by default", async () => {
    const result = await run(["trace", program, "--call", "f([4])"]);
    expect(result.stdout).toContain("→ f(xs=[4])");
    expect(result.stdout).toContain("outcome: returned 4");
  });

  it("runs a script on standard input from a file", async () => {
    const script = join(folder, "script.py");
    const input = join(folder, "input.txt");
    writeFileSync(script, "a, b = map(int, input().split())\nprint(a + b)\n");
    writeFileSync(input, "2 40\n");
    const result = await run(["trace", script, "--stdin", `@${input}`, "--json"]);
    expect(JSON.parse(result.stdout).stdout).toBe("42\n");
  });

  it("runs a batch in input order, naming the line of a malformed job", async () => {
    const jobs = join(folder, "jobs.jsonl");
    const source = "def f(x):\n    return x * 2\n";
    writeFileSync(
      jobs,
      [
        JSON.stringify({ id: "a", program: source, call: "f(1)" }),
        "{not json",
        JSON.stringify({ id: "c", program: source }),
        JSON.stringify({ id: "d", program: "print(input())", stdin: "hi\n" }),
      ].join("\n"),
    );
    const result = await run(["trace", "--batch", jobs, "--json"]);
    expect(result.code).toBe(2);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.id ?? `line ${line.line}`)).toEqual(["a", "line 2", "c", "d"]);
    expect(lines[0].trace.outcome.value.repr).toBe("2");
    expect(lines[1].error).toMatch(/jobs\.jsonl:2: invalid JSON/);
    expect(lines[2].error).toMatch(/exactly one of `call` or `stdin`/);
    expect(lines[3].trace.stdout).toBe("hi\n");
    expect(result.stderr).toContain("jobs.jsonl:2");
  });

  it("rejects bad usage with exit code 2", async () => {
    expect((await run(["trace", program])).code).toBe(2);
    expect((await run(["trace", program, "--call", "f()", "--runtime", "jvm"])).code).toBe(2);
  });
});

describe("semtrace demo", () => {
  it("traces the bundled programs, runs the bundled experiment offline, and writes its report", async () => {
    const out = join(folder, "demo-run");
    const result = await run(["demo", "--out", out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("== running_max.py");
    expect(result.stdout).toContain("outcome: returned [3, 3, 4, 4, 5]");
    expect(result.stdout).toContain("outcome: raised ZeroDivisionError: division by zero (line 4)");
    expect(result.stdout).toMatch(/trace:next +rounds=2 +pass@1 3\/4/);
    expect(result.stdout).toMatch(/trace:divergence +rounds=2 +pass@1 3\/4/);
    expect(result.stdout).toContain("cells: 20/20 done");
    expect(existsSync(join(out, "report", "report.html"))).toBe(true);
    const again = await run(["demo", "--out", out]);
    expect(again.stdout).toContain("cells: 20/20 done (20 resumed, 0 failed)");
  });
});

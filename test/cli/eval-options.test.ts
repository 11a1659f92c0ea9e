import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "../../bin/semtrace.js");
const run = (args: string[]) =>
  promisify(execFile)("node", [bin, ...args]).then(
    (result) => ({ ...result, code: 0 }),
    (error: { stdout: string; stderr: string; code: number }) => ({ stdout: error.stdout, stderr: error.stderr, code: error.code }),
  );

const folder = mkdtempSync(join(tmpdir(), "semtrace-eval-"));
const benchmark = join(folder, "custom.jsonl");
writeFileSync(
  benchmark,
  [
    {
      id: "my/double",
      prompt: "def double(n):\n",
      entry_point: "double",
      reference: "def double(n):\n    return 2 * n\n",
      tests: [
        { kind: "io", args: "2" },
        { kind: "io", args: "-5", expected: "-10" },
      ],
    },
    {
      id: "my/echo",
      prompt: "Print the line, upper-cased.",
      reference: "print(input().upper())\n",
      tests: [
        { kind: "stdin", stdin: "hi\n" },
        { kind: "stdin", stdin: "ok\n", expected: "OK\n" },
      ],
    },
  ]
    .map((line) => JSON.stringify(line))
    .join("\n") + "\n",
);
const samples = join(folder, "samples.jsonl");
writeFileSync(
  samples,
  [
    { task_id: "my/double", solution: "def double(n):\n    return n + n\n" },
    { task_id: "my/double", solution: "def double(n):\n    return n * n\n" },
    { task_id: "my/echo", solution: "print(input().upper())\n" },
    { task_id: "my/echo", solution: "import sys\nprint(input())\nsys.exit(0)\n" },
  ]
    .map((line) => JSON.stringify(line))
    .join("\n") + "\n",
);

describe("semtrace eval --benchmark-file: options and errors", () => {
  it("judges a custom generic-format benchmark's io and stdin problems", async () => {
    const out = join(folder, "results.json");
    const result = await run([
      "eval",
      "--dataset",
      "generic",
      "--benchmark-file",
      benchmark,
      "--samples",
      samples,
      "--out",
      out,
      "--k",
      "1",
      "--runtime",
      "cpython",
    ]);
    expect(result.code).toBe(0);
    const results = JSON.parse(readFileSync(out, "utf8")) as { eval: Record<string, { base_status: string }[]> };
    expect(results.eval["my/double"]?.map((sample) => sample.base_status)).toEqual(["pass", "fail"]);
    expect(results.eval["my/echo"]?.map((sample) => sample.base_status)).toEqual(["pass", "fail"]);
  }, 60_000);

  it("names a missing benchmark file and exits 2", async () => {
    const result = await run(["eval", "--dataset", "generic", "--benchmark-file", join(folder, "absent.jsonl"), "--samples", samples]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("absent.jsonl");
  });

  it("refuses a numeric option that is not a number, naming it", async () => {
    const result = await run(["eval", "--dataset", "generic", "--benchmark-file", benchmark, "--samples", samples, "--timeout-factor", "x"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--timeout-factor");
  });
});

/** `semtrace render`, run in-process on a commander program with the real Pyodide runtime. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { registerRenderCommand } from "../../src/cli/render.js";
import { REPRESENTATION_NAMES } from "../../src/representations/representation.js";
import { runCommand } from "../cli/in-process.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-render-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const PROGRAM = "def evens(xs):\n    out = []\n    for x in xs:\n        if x % 2 == 1:\n            out.append(x)\n    return out\n";
const programFile = join(folder, "evens.py");
writeFileSync(programFile, PROGRAM);

const run = (...args: string[]) => runCommand(registerRenderCommand, ["render", ...args]);

const DocumentSchema = z.strictObject({
  format: z.string(),
  text: z.string(),
  tokens: z.number().int().positive(),
  clipped: z.record(z.string(), z.number()),
});

describe("semtrace render", () => {
  it("traces the program and prints one format as JSON", async () => {
    const { stdout, exitCode } = await run(programFile, "--call", "evens([1, 2, 3, 4])", "--expect", "[2, 4]", "--format", "next", "--json");
    expect(exitCode).toBe(0);
    const document = DocumentSchema.parse(JSON.parse(stdout));
    expect(document.format).toBe("next");
    expect(document.text).toContain("# Expected: [2, 4]\n# Actual: [1, 3]\n");
    expect(document.text).toContain("def evens(xs):  # (0) xs=[1, 2, 3, 4]");
  });

  it("prints the text with a summary on stderr", async () => {
    const { stdout, stderr } = await run(programFile, "--call", "evens([5])", "--format", "concise");
    expect(stdout).toContain("[INPUT] evens([5]) [/INPUT]");
    expect(stderr).toMatch(/^concise: \d+ tokens; clipped: unchangedVariablesDropped \d+\n$/);
  });

  it("fits every format to a budget", async () => {
    const call = ["--call", "evens(list(range(40)))", "--expect", "[0]"];
    const { stdout, exitCode } = await run(programFile, ...call, "--format", "all", "--budget", "260", "--json");
    expect(exitCode).toBe(0);
    const documents = z.array(DocumentSchema).parse(JSON.parse(stdout));
    expect(documents.map((document) => document.format)).toEqual([...REPRESENTATION_NAMES]);
    for (const document of documents) expect(document.tokens).toBeLessThanOrEqual(260);
    expect(documents.find((document) => document.format === "semcoder")!.text).toContain("not shown");
  });

  it("reports a budget that cannot be met", async () => {
    const { stdout, exitCode } = await run(programFile, "--call", "evens([1])", "--budget", "5", "--json");
    expect(exitCode).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ format: "next", error: expect.stringMatching(/over the budget of 5/) });
  });

  it("rejects an unknown format and bad options as usage errors", async () => {
    expect((await run(programFile, "--call", "evens([1])", "--format", "nxt")).exitCode).toBe(2);
    expect((await run(programFile, "--call", "evens([1])", "--value-width", "3")).exitCode).toBe(2);
    expect((await run(programFile)).exitCode).toBe(2);
    expect((await run(join(folder, "missing.py"), "--call", "f()")).exitCode).toBe(2);
  });

  it("renders a batch: one line per job and format, malformed lines reported in place", async () => {
    const jobs = join(folder, "jobs.jsonl");
    writeFileSync(
      jobs,
      [
        JSON.stringify({ id: "a", program: PROGRAM, tests: [{ call: "evens([1, 2])", expect: "[2]" }] }),
        "{ not json",
        JSON.stringify({ id: 7, program: PROGRAM, tests: [{ call: "evens([])", stdin: "" }] }),
        JSON.stringify({ id: "b", program: "print(input())\n", tests: [{ stdin: "hi\n", expect: "ho\n" }] }),
      ].join("\n"),
    );
    const { stdout, exitCode } = await run("--batch", jobs, "--format", "all", "--json");
    expect(exitCode).toBe(2);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2 * REPRESENTATION_NAMES.length + 2);
    expect(lines.slice(0, REPRESENTATION_NAMES.length).map((line) => [line.id, line.format])).toEqual(REPRESENTATION_NAMES.map((name) => ["a", name]));
    expect(lines[REPRESENTATION_NAMES.length]).toMatchObject({ line: 2, error: expect.stringMatching(/invalid JSON/) });
    expect(lines[REPRESENTATION_NAMES.length + 1]).toMatchObject({ id: 7, line: 3, error: expect.stringMatching(/exactly one of `call` or `stdin`/) });
    expect(lines[REPRESENTATION_NAMES.length + 2]).toMatchObject({ id: "b", format: "none" });
    expect(String(lines.find((line) => line.id === "b" && line.format === "tests")!.text)).toContain("Expected: 'ho\\n'\nActual: 'hi\\n'");
  });
});

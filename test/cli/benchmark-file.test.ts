/** `--benchmark-file` on render, pairs and run: a custom generic-format benchmark named on the command line. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { registerPairsCommand } from "../../src/cli/pairs.js";
import { registerRenderCommand } from "../../src/cli/render.js";
import { loadRunRecords } from "../../src/experiments/records.js";
import { FIXTURES, runCli, writeSpec } from "../experiments/fixture-run.js";
import { runCommand } from "./in-process.js";

const GENERIC = join(import.meta.dirname, "../fixtures/datasets/generic.jsonl");
const folder = mkdtempSync(join(tmpdir(), "semtrace-benchmark-file-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const lines = (text: string): unknown[] =>
  text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown);

describe("render --dataset generic --benchmark-file", () => {
  it("renders each problem's candidate or reference on its tests, one line per problem and format", async () => {
    const args = ["render", "--dataset", "generic", "--benchmark-file", GENERIC, "--format", "next", "--runtime", "cpython"];
    const { stdout, exitCode } = await runCommand(registerRenderCommand, args);
    expect(exitCode).toBe(0);
    const documents = z.array(z.object({ id: z.string(), format: z.string(), text: z.string() })).parse(lines(stdout));
    expect(documents.map((document) => [document.id, document.format])).toEqual([
      ["toy/reverse", "next"],
      ["toy/echo", "next"],
    ]);
    // The reference on all three tests (the assert's call included), the candidate on its input.
    expect(documents[0]!.text).toContain("# Test 1: reverse([1, 2, 3])\n# Expected: [3, 2, 1]");
    expect(documents[0]!.text).toContain("reverse((1, 2))");
    expect(documents[0]!.text).toContain("reverse([])");
    expect(documents[1]!.text).toContain("print(input())");
  }, 60_000);

  it("refuses a program or a batch beside --dataset", async () => {
    const { stderr, exitCode } = await runCommand(registerRenderCommand, ["render", GENERIC, "--dataset", "generic", "--benchmark-file", GENERIC]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain("give only one of PROGRAM.py, --batch JOBS.jsonl and --dataset NAME");
  });

  it("names a missing benchmark file and exits 2", async () => {
    const missing = join(folder, "absent.jsonl");
    const { stderr, exitCode } = await runCommand(registerRenderCommand, ["render", "--dataset", "generic", "--benchmark-file", missing]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain("absent.jsonl");
  });
});

describe("pairs inject --dataset generic --benchmark-file", () => {
  it("injects bugs into the custom benchmark's reference", async () => {
    const out = join(folder, "pairs.jsonl");
    const args = ["pairs", "inject", "--dataset", "generic", "--benchmark-file", GENERIC, "--tests", "all", "--out", out, "--runtime", "cpython", "--json"];
    const { stdout, exitCode } = await runCommand(registerPairsCommand, args);
    expect(exitCode).toBe(0);
    const summary = z.object({ pairs: z.number().int().positive() }).parse(JSON.parse(stdout));
    const pairs = z.array(z.object({ benchmark: z.literal("generic"), problemId: z.string() })).parse(lines(readFileSync(out, "utf8")));
    expect(pairs).toHaveLength(summary.pairs);
    expect(new Set(pairs.map((pair) => pair.problemId))).toEqual(new Set(["toy/reverse"]));
  }, 120_000);
});

describe("run --benchmark-file", () => {
  it("runs a spec that names no benchmark file on the one given, and records it in the run", async () => {
    const spec = writeSpec(folder, "spec.yaml", {
      version: 1,
      name: "custom-benchmark",
      benchmark: { name: "generic" },
      models: [{ id: `replay:${join(FIXTURES, "candidates.jsonl")}`, onMissing: "repeat-last" }],
      representations: ["tests"],
      strategies: [{ kind: "parallel", samples: [1] }],
      runtime: { name: "cpython", poolSize: 1 },
    });
    const out = join(folder, "run");
    const without = await runCli("run", spec, "--out", join(folder, "no-file"));
    expect(without.exitCode).toBe(2);
    expect(without.stderr).toContain("needs a path");
    const result = await runCli("run", spec, "--out", out, "--benchmark-file", join(FIXTURES, "problems.jsonl"), "--json");
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("6 tasks × 1 configurations × 1 seed(s) = 6 cells");
    expect(JSON.parse(result.stdout)).toMatchObject({ total: 6, done: 6, failed: 0 });
    expect(loadRunRecords(out).spec.benchmark.path).toBe(join(FIXTURES, "problems.jsonl"));
    const other = await runCli("run", spec, "--out", out, "--benchmark-file", GENERIC);
    expect(other.exitCode).not.toBe(0);
  }, 120_000);
});

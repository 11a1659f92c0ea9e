import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { registerPairsCommand } from "../../src/cli/pairs.js";
import { loadRepairPairs } from "../../src/pairs/repair-pair.js";
import { runCommand } from "../cli/in-process.js";
import { PROBLEMS_FILE, SFT_FIXTURES } from "./sft-fixture.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "semtrace-pairs-command-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

const run = (args: string[]) => runCommand(registerPairsCommand, args);

const common = ["--benchmark-file", PROBLEMS_FILE, "--min-timeout-ms", "500", "--json"];

describe("semtrace pairs", () => {
  it("mine: writes a pair per failing sample, with the drops per reason", async () => {
    const out = join(folder, "mined.jsonl");
    const { stdout } = await run([
      "pairs",
      "mine",
      "--samples",
      join(SFT_FIXTURES, "samples.jsonl"),
      "--dataset",
      "generic",
      "--fix",
      "closest-passing",
      "--fallback-to-reference",
      "--out",
      out,
      ...common,
    ]);
    expect(process.exitCode).toBeUndefined();
    expect(JSON.parse(stdout)).toEqual({
      pairs: 5,
      dropped: { "passes-all-tests": 2, "duplicate-buggy": 1, "not-kept:timeout": 1, "not-kept:syntax-error": 1 },
      out,
    });
    const pairs = await loadRepairPairs(out);
    expect(pairs.map((pair) => pair.fix.kind)).toEqual(["candidate", "candidate", "reference", "reference", "reference"]);
  });

  it("inject: writes seeded mutant pairs, the same for the same seed", async () => {
    const paths = [join(folder, "a.jsonl"), join(folder, "b.jsonl")];
    for (const path of paths) {
      await run([
        "pairs",
        "inject",
        "--dataset",
        "generic",
        "--max-per-problem",
        "2",
        "--seed",
        "5",
        "--tasks",
        "toy/sum_to,toy/count_vowels",
        "--out",
        path,
        ...common,
      ]);
    }
    const [first, second] = await Promise.all(paths.map((path) => loadRepairPairs(path)));
    expect(first?.length).toBeGreaterThan(0);
    expect(first?.every((pair) => pair.origin.kind === "mutation" && ["toy/sum_to", "toy/count_vowels"].includes(pair.problemId))).toBe(true);
    expect(second).toEqual(first);
  });

  it("rejects a bad option value with exit code 2, naming it", async () => {
    const { stderr } = await run([
      "pairs",
      "mine",
      "--samples",
      "s.jsonl",
      "--dataset",
      "generic",
      "--keep",
      "wrong-answer,crash",
      "--out",
      join(folder, "x.jsonl"),
    ]);
    expect(process.exitCode).toBe(2);
    expect(stderr).toContain("option '--keep <kinds>' argument 'wrong-answer,crash' is invalid");
  });
});

import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPRESENTATION_NAMES } from "../../src/representations/representation.js";
import { SFT_FIXTURES } from "../pairs/sft-fixture.js";
import { useTemporaryDirectories } from "./helpers.js";
import { runSftCommand } from "./sft-cli.js";

const temporaryDirectory = useTemporaryDirectories();

afterEach(() => {
  process.exitCode = undefined;
});

describe("semtrace sft build", () => {
  it("builds the fixture config into --out and prints the summary as JSON", async () => {
    const out = await temporaryDirectory();
    const { stdout, exitCode } = await runSftCommand(["build", join(SFT_FIXTURES, "build.yaml"), "--out", out, "--json"]);
    expect(exitCode).toBe(0);
    const summary = JSON.parse(stdout) as { keptPairs: number; splits: Record<string, number>; files: string[] };
    expect(summary.keptPairs).toBeGreaterThan(0);
    expect(Object.keys(summary.splits)).toEqual(["sim-ge-0.75", "sim-lt-0.75", "random"]);
    for (const file of ["manifest.json", "dataset_info.json", "concise.random.jsonl", "openai/ldb.random.jsonl", "trl/none.sim-ge-0.75.jsonl"]) {
      expect(existsSync(join(out, file))).toBe(true);
      expect(summary.files).toContain(file);
    }
  });

  it("prints a human summary with the counts per split and the drops per reason", async () => {
    const out = await temporaryDirectory();
    const { stdout } = await runSftCommand(["build", join(SFT_FIXTURES, "build.yaml"), "--out", out]);
    expect(stdout).toMatch(new RegExp(`^\\d+ pairs collected, \\d+ fit the cutoff in all ${REPRESENTATION_NAMES.length} representations\n`));
    expect(stdout).toMatch(/\n {2}sim-ge-0\.75 +\d+\n/);
    expect(stdout).toMatch(/\n {2}not-kept:syntax-error +1\n/);
    expect(readFileSync(join(out, "pairs.jsonl"), "utf8").length).toBeGreaterThan(0);
  });

  it("exits with 2 and names a wrong key of the config", async () => {
    const folder = await temporaryDirectory();
    const config = join(folder, "bad.yaml");
    await writeFile(config, "version: 1\nsources:\n  - kind: pairs\n    path: p.jsonl\nprompt:\n  tracedTest: 2\n");
    const { stderr, exitCode } = await runSftCommand(["build", config, "--out", join(folder, "out")]);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('✖ Unrecognized key: "tracedTest" → at prompt');
    expect(existsSync(join(folder, "out"))).toBe(false);
  });
});

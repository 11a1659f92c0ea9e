import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildSftDataset } from "../../src/export/build/sft-build.js";
import { loadSftBuildConfig } from "../../src/export/build/sft-config.js";
import { verifySftBuild } from "../../src/export/build/sft-verify.js";
import { parseRepairPairs } from "../../src/pairs/repair-pair.js";
import { REPRESENTATION_NAMES } from "../../src/representations/representation.js";
import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";
import { SFT_FIXTURES } from "../pairs/sft-fixture.js";
import { useTemporaryDirectories } from "./helpers.js";
import { runSftCommand } from "./sft-cli.js";

const runtime = createPyodideRuntime({ poolSize: 2 });
const temporaryDirectory = useTemporaryDirectories();
/** The fixture build every test reads (and copies before changing). */
let built: string;

beforeAll(async () => {
  built = await mkdtemp(join(tmpdir(), "semtrace-sft-verify-"));
  const { config } = await loadSftBuildConfig(join(SFT_FIXTURES, "build.yaml"));
  await buildSftDataset(config, { outDir: built, configDirectory: SFT_FIXTURES, runtime });
});
afterAll(async () => {
  await runtime.close();
  await rm(built, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

function splitIds(directory: string): Record<string, string[]> {
  return z.record(z.string(), z.array(z.string())).parse(JSON.parse(readFileSync(join(directory, "splits.json"), "utf8")));
}

async function copyOfBuild(): Promise<string> {
  const directory = await temporaryDirectory();
  cpSync(built, directory, { recursive: true });
  return directory;
}

/** Replaces the target (the assistant turn) of record `index` of `file`. */
function setTarget(directory: string, file: string, index: number, target: string): void {
  const path = join(directory, file);
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  const record = JSON.parse(lines[index] as string) as { conversations: { value: string }[] };
  (record.conversations[1] as { value: string }).value = target;
  lines[index] = JSON.stringify(record);
  writeFileSync(path, lines.join("\n") + "\n");
}

describe("sft verify", () => {
  it("re-evaluates every exported target of the fixture build: all pass, counted per file", async () => {
    const result = await verifySftBuild(built, { configDirectory: SFT_FIXTURES, runtime });
    const ids = splitIds(built);
    expect(result.files).toHaveLength(REPRESENTATION_NAMES.length * Object.keys(ids).length);
    for (const file of result.files) {
      const split = file.file.slice(file.file.indexOf(".") + 1, -".jsonl".length);
      expect(file).toEqual({ file: file.file, targets: ids[split]?.length, passed: ids[split]?.length });
    }
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(result.targets);
    expect(result.targets).toBe(REPRESENTATION_NAMES.length * Object.values(ids).flat().length);
    expect(result.retried.runs).toEqual([]);
  });

  it("reports a wrong target and a target without code as failing, with their verdicts (negative control)", async () => {
    const id = splitIds(built).random?.[0] as string;
    const pair = parseRepairPairs(readFileSync(join(built, "pairs.jsonl"), "utf8"), "pairs.jsonl").find((candidate) => candidate.id === id);
    const wrong = await copyOfBuild();
    setTarget(wrong, "concise.random.jsonl", 0, "```python\n" + pair?.buggy + "```\n");
    setTarget(wrong, "ldb.random.jsonl", 0, "The fix is obvious.");
    const result = await verifySftBuild(wrong, { configDirectory: SFT_FIXTURES, runtime });
    expect(result.failures).toEqual([
      { file: "concise.random.jsonl", index: 0, pairId: id, verdict: expect.stringMatching(/^(fail|error) on \S+: |^does not load: /) },
      { file: "ldb.random.jsonl", index: 0, pairId: id, verdict: "no Python code block in the target" },
    ]);
    expect(result.passed).toBe(result.targets - 2);
    expect(result.files.find((file) => file.file === "concise.random.jsonl")).toMatchObject({ passed: (result.files[0]?.targets ?? 0) - 1 });
  });

  it("refuses a sharegpt file whose records do not match splits.json", async () => {
    const directory = await copyOfBuild();
    const path = join(directory, "none.random.jsonl");
    writeFileSync(path, readFileSync(path, "utf8").split("\n").slice(1).join("\n"));
    await expect(verifySftBuild(directory, { configDirectory: SFT_FIXTURES, runtime })).rejects.toThrow(
      /none\.random\.jsonl holds \d+ records but splits\.json lists \d+ pairs/,
    );
  });

  it("prints the counts per file, exits 0 when every target passes and 1 listing the failures otherwise", async () => {
    const passing = await runSftCommand(["verify", built, "--config-dir", SFT_FIXTURES]);
    expect(passing.exitCode).toBe(0);
    expect(passing.stdout).toMatch(/^none\.sim-ge-0\.75\.jsonl +(\d+)\/\1 pass\n/);
    const files = REPRESENTATION_NAMES.length * 3; // one file per representation and split
    expect(passing.stdout).toMatch(new RegExp(`\n(\\d+)/\\1 targets pass \\(${files} files, \\d+ distinct programs run\\)\n$`));

    const id = splitIds(built)["sim-lt-0.75"]?.[1] as string;
    const wrong = await copyOfBuild();
    setTarget(wrong, "next.sim-lt-0.75.jsonl", 1, "```python\ndef nothing():\n    pass\n```\n");
    const failing = await runSftCommand(["verify", wrong, "--config-dir", SFT_FIXTURES]);
    expect(failing.exitCode).toBe(1);
    expect(failing.stdout).toContain(`✖ next.sim-lt-0.75.jsonl #2 ${id}: error on `);
    expect(failing.stdout).toContain("is not defined");
  });
});

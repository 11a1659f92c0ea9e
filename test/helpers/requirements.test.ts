/** The skip rules, on a tiny vitest project: a real-data suite skips with its reason where there is no shared data, and fails where there is. */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const repo = join(import.meta.dirname, "../..");
const config = join(repo, "test/fixtures/skips/vitest.config.ts");
const folder = mkdtempSync(join(tmpdir(), "semtrace-skips-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Runs the fixture project with `data` as its shared data folder. */
async function runFixture(data: string): Promise<{ code: number; output: string }> {
  const vitest = join(repo, "node_modules/vitest/vitest.mjs");
  const env = { ...process.env, FIXTURE_SHARED_DATA: data, CI: "" };
  return promisify(execFile)("node", [vitest, "run", "--config", config], { cwd: repo, env }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

describe("real-data suites", () => {
  it("skip, listed with the reason, where the shared data folder is absent", async () => {
    const absent = join(folder, "absent");
    const { code, output } = await runFixture(absent);
    expect(code).toBe(0);
    expect(output).toContain("Skipped, with the reason:");
    expect(output).toContain(`data.fixture.ts › a suite on real data > is not run here: needs the shared data folder ${absent}, which is absent`);
  });

  it("fail where the shared data folder exists but lacks their files", async () => {
    const present = join(folder, "present");
    mkdirSync(present);
    const { code, output } = await runFixture(present);
    expect(code).toBe(1);
    expect(output).toContain(`bench/problems.jsonl missing from ${present}: where the shared data folder exists, a real-data suite must run`);
  });

  it("run where their files are there", async () => {
    const full = join(folder, "full");
    mkdirSync(join(full, "bench"), { recursive: true });
    writeFileSync(join(full, "bench/problems.jsonl"), "{}\n");
    const { code, output } = await runFixture(full);
    expect(code).toBe(0);
    expect(output).toContain("1 passed");
    expect(output).not.toContain("Skipped, with the reason:");
  });
});

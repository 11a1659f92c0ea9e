/**
 * Resuming after `kill -9`: the run command runs as its own process, is killed with SIGKILL
 * in the middle of the run, and is started again on the same run directory. The store must
 * end with every unit exactly once, and the second process must ask the model only for the
 * units the first one had not stored.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";
import { createProblemResponder, fence, loadFixtureProblems } from "../scaling/strategy-harness.js";
import { fixtureSpec, queryStore, writeSpec } from "./fixture-run.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CLI = join(import.meta.dirname, "semtrace-cli.ts");
const folder = mkdtempSync(join(tmpdir(), "semtrace-kill-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function startRun(specPath: string, out: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "run", specPath, "--out", out], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for the run to make progress");
    await sleep(50);
  }
}

function storedOutcomes(out: string): number {
  try {
    const store = queryStore(out);
    try {
      return store.outcomes();
    } finally {
      store.close();
    }
  } catch {
    return 0; // the store or its tables do not exist yet
  }
}

describe("semtrace run after kill -9", () => {
  it("resumes with no duplicated and no lost unit", async () => {
    const problems = await loadFixtureProblems();
    const server = await startScriptedOpenAiServer({
      // Slow answers keep several units in flight when the process is killed.
      responder: async (request) => ({
        ...(await createProblemResponder(problems, ({ problem, unit }) => fence(unit.round === 0 ? problem.candidate! : problem.reference!))(request)),
        delayMs: 120,
      }),
    });
    try {
      const specPath = writeSpec(folder, "kill.yaml", fixtureSpec(server.baseUrl, { seeds: [0, 1], concurrency: 4 }));
      const out = join(folder, "run");
      // 6 tasks × 3 representations × 2 seeds; each cell has a round 0 and, for the 4 tasks failing their public tests, a round 1.
      const cells = 36;
      const units = 3 * 2 * (6 + 4);

      const first = startRun(specPath, out);
      await waitFor(() => storedOutcomes(out) >= 8, 60_000);
      first.child.kill("SIGKILL");
      expect(await first.exited).toBeNull();
      const requestsOfFirst = server.requests.length;
      const before = queryStore(out);
      const unitsAtKill = before.units();
      const outcomesAtKill = before.outcomes();
      before.close();
      expect(outcomesAtKill).toBeLessThan(cells);
      expect(unitsAtKill).toBeLessThan(units);

      const second = startRun(specPath, out);
      expect(await second.exited, second.stderr()).toBe(0);
      expect(second.stderr()).toContain(`resuming: ${outcomesAtKill} of ${cells} cells are already finished`);

      const after = queryStore(out);
      try {
        expect(after.outcomes()).toBe(cells);
        expect(after.units()).toBe(units);
        expect(after.distinctUnits()).toBe(units);
        expect(after.failures()).toBe(0);
        // Nothing stored was asked again; what was in flight at the kill was asked once more.
        expect(server.requests.length - requestsOfFirst).toBe(units - unitsAtKill);
        expect(requestsOfFirst).toBeGreaterThanOrEqual(unitsAtKill);
        // Each stored cell's outcomes are whole: two budgets per cell.
        expect(after.rows("SELECT COUNT(*) AS count FROM outcomes WHERE json_array_length(outcomes) = 2")).toEqual([{ count: cells }]);
      } finally {
        after.close();
      }
    } finally {
      await server.close();
    }
  });
});

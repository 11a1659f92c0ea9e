/**
 * `semtrace run --queue`: the fixture selfdebug grid run by a worker through Redis stores the
 * same cells, units and outcomes as the same spec run here.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type QueueWorker, startQueueWorker } from "../../src/queue/worker.js";
import { queryStore, runCli, fixtureSpec, writeSpec } from "../experiments/fixture-run.js";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";
import { createProblemResponder, fence, loadFixtureProblems } from "../scaling/strategy-harness.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-run-queue-"));

const OUTCOMES = "SELECT task_id, config_key, seed, model, representation, outcomes FROM outcomes ORDER BY task_id, config_key, seed";
const UNITS = "SELECT task_id, config_key, seed, chain, round, answer, hidden_passed FROM units ORDER BY task_id, config_key, seed, chain, round";

describe("semtrace run --queue", () => {
  let redis: RedisServer;
  let worker: QueueWorker;
  beforeAll(async () => {
    redis = await startRedisServer();
    worker = await startQueueWorker({ url: redis.url, runtime: "pyodide", concurrency: 2 });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await redis?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it("stores what a local run stores, and resumes to nothing left", async () => {
    const problems = await loadFixtureProblems();
    const server = await startScriptedOpenAiServer({
      responder: createProblemResponder(problems, ({ problem, unit }) => fence(unit.round === 0 ? problem.candidate! : problem.reference!)),
    });
    try {
      const specPath = writeSpec(folder, "grid.yaml", fixtureSpec(server.baseUrl));
      const local = await runCli("run", specPath, "--out", join(folder, "local"));
      expect(local.exitCode, local.stderr).toBe(0);
      const queued = await runCli("run", specPath, "--out", join(folder, "queued"), "--queue", redis.url);
      expect(queued.exitCode, queued.stderr).toBe(0);
      const [here, there] = ["local", "queued"].map((name) => queryStore(join(folder, name)));
      try {
        expect(there!.outcomes()).toBe(18);
        expect(there!.rows(OUTCOMES)).toEqual(here!.rows(OUTCOMES));
        expect(there!.rows(UNITS)).toEqual(here!.rows(UNITS));
        expect(there!.failures()).toBe(0);
      } finally {
        here!.close();
        there!.close();
      }
      const again = await runCli("run", specPath, "--out", join(folder, "queued"), "--queue", redis.url);
      expect(again.exitCode, again.stderr).toBe(0);
      expect(again.stderr).toContain("resuming: 18 of 18 cells are already finished");
    } finally {
      await server.close();
    }
  }, 240_000);
});

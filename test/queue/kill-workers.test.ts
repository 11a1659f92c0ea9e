/**
 * The queue with real processes: redis-server, two `semtrace worker`s and a queued `semtrace
 * eval` of a HumanEval candidate pool. One worker is sent SIGKILL while it runs a job; its
 * jobs run again on the other, and the outputs equal a local run's with no sample lost or
 * duplicated. Then the client itself is killed and restarted: it resumes to the same files.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.js";
import { type CliProcess, type Pool, jobsOf, startCli, startWorker, stopProcess, verdictLines, waitFor, writePool } from "./processes.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-kill-workers-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function evalLocally(pool: Pool, out: string): Promise<void> {
  const local = startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", out, "--k", "1"]);
  expect(await local.exited, local.stderr()).toBe(0);
}

function queuedEval(pool: Pool, out: string, url: string): CliProcess {
  return startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", out, "--k", "1", "--queue", url]);
}

/** The same results document and the same per-test verdicts; nothing else in the folder. */
function expectSameOutputs(local: string, queued: string, pool: Pool): void {
  const results = JSON.parse(readFileSync(queued, "utf8"));
  expect(results).toEqual(JSON.parse(readFileSync(local, "utf8")));
  const samples = Object.values(results.eval as Record<string, unknown[]>).flat();
  expect(samples.length).toBe(pool.size);
  expect(verdictLines(queued.replace(/\.json$/, ".tests.jsonl"))).toEqual(verdictLines(local.replace(/\.json$/, ".tests.jsonl")));
}

describe("queued eval with a worker killed mid-run", () => {
  let redis: RedisServer;
  const workers: CliProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const worker of workers) await stopProcess(worker);
    await redis?.stop();
  });

  it("runs the killed worker's jobs on the other, and every verdict equals a local run's", async () => {
    const pool = writePool(folder, "kill", 1);
    await evalLocally(pool, join(folder, "local-kill.json"));
    workers.push(await startWorker(redis.url), await startWorker(redis.url));
    const [doomed, survivor] = workers as [CliProcess, CliProcess];
    const client = queuedEval(pool, join(folder, "queued-kill.json"), redis.url);
    const inFlight = () => {
      const { started, finished } = jobsOf(doomed.stderr());
      return started.filter((id) => !finished.includes(id));
    };
    await waitFor(
      () => jobsOf(doomed.stderr()).finished.length >= 1 && inFlight().length > 0,
      120_000,
      () => doomed.stderr(),
    );
    doomed.child.kill("SIGKILL");
    expect(await doomed.exited).toBeNull();
    const lost = inFlight();
    expect(await client.exited, client.stderr()).toBe(0);
    expectSameOutputs(join(folder, "local-kill.json"), join(folder, "queued-kill.json"), pool);
    // What the killed worker held was run again by the survivor.
    expect(lost.length).toBeGreaterThan(0);
    for (const id of lost) expect(jobsOf(survivor.stderr()).finished).toContain(id);
    expect(client.stderr()).toMatch(/queue: \d+\/\d+ samples, \d+ running, \d+ waiting in the queue/);
    expect(
      readdirSync(folder)
        .filter((name) => name.startsWith("queued-kill"))
        .sort(),
    ).toEqual(["queued-kill.json", "queued-kill.tests.jsonl"]);
  }, 300_000);

  it("resumes a killed client from the results it had received, submitting only the rest", async () => {
    const pool = writePool(folder, "resume", 0.5);
    await evalLocally(pool, join(folder, "local-resume.json"));
    const survivor = workers[1]!;
    const before = jobsOf(survivor.stderr()).started.length;
    const out = join(folder, "queued-resume.json");
    const journal = join(folder, "queued-resume.queue.jsonl");
    const received = () => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").filter(Boolean).length : 0);
    const first = queuedEval(pool, out, redis.url);
    await waitFor(
      () => received() >= 2,
      120_000,
      () => first.stderr(),
    );
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const atKill = received();
    expect(atKill).toBeLessThan(pool.size);

    const second = queuedEval(pool, out, redis.url);
    expect(await second.exited, second.stderr()).toBe(0);
    expect(second.stderr()).toContain(`resuming: ${atKill} results already received`);
    expectSameOutputs(join(folder, "local-resume.json"), out, pool);
    expect(existsSync(journal)).toBe(false);
    // Every job ran once: the restart took what was done from the journal and the queue.
    expect(jobsOf(survivor.stderr()).started.length - before).toBe(pool.size);
  }, 300_000);
});

/**
 * Endpoint faults: a refused endpoint fails the worker and the client at once with a message
 * naming it; Redis going away mid-run fails the client after its grace period, non-zero,
 * with every result received so far kept, and the same command then resumes from them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer } from "../helpers/redis-server.js";
import { type CliProcess, startCli, startWorker, verdictLines, waitFor, writePool } from "./processes.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-queue-faults-"));
const started: CliProcess[] = [];
afterAll(() => {
  for (const process of started) process.child.kill("SIGKILL");
  rmSync(folder, { recursive: true, force: true });
});

describe("queue endpoint faults", () => {
  it("refuses to start a worker or a queued eval against a closed port", async () => {
    const worker = startCli(["worker", "--queue", "redis://127.0.0.1:1"]);
    expect(await worker.exited).toBe(1);
    expect(worker.stderr()).toMatch(/✖ cannot reach the queue at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    const pool = writePool(folder, "refused", 0);
    const client = startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", join(folder, "refused.json"), "--queue", "redis://127.0.0.1:1"]);
    expect(await client.exited).toBe(1);
    expect(client.stderr()).toMatch(/cannot reach the queue/);
    expect(existsSync(join(folder, "refused.json"))).toBe(false);
    const bad = startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", join(folder, "bad.json"), "--queue", "http://127.0.0.1:6379"]);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr()).toMatch(/--queue must be a Redis URL/);
  }, 60_000);

  it("keeps what it received when Redis goes away, and resumes on another endpoint", async () => {
    const pool = writePool(folder, "outage", 0.5);
    const local = startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", join(folder, "local.json"), "--k", "1"]);
    expect(await local.exited, local.stderr()).toBe(0);
    const out = join(folder, "queued.json");
    const journal = join(folder, "queued.queue.jsonl");
    const received = () => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").filter(Boolean).length : 0);

    const first = await startRedisServer();
    const worker = await startWorker(first.url, 1);
    started.push(worker);
    const client = startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", out, "--k", "1", "--queue", first.url]);
    started.push(client);
    await waitFor(
      () => received() >= 2,
      120_000,
      () => client.stderr(),
    );
    await first.stop();
    expect(await client.exited, client.stderr()).toBe(1);
    expect(client.stderr()).toMatch(/lost the queue at redis:\/\/127\.0\.0\.1:\d+.*run the same command again to resume/);
    worker.child.kill("SIGKILL");
    const kept = received();
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(pool.size);
    expect(existsSync(out)).toBe(false);

    const second = await startRedisServer();
    try {
      const replacement = await startWorker(second.url, 2);
      started.push(replacement);
      const resumed = startCli(["eval", ...pool.dataset, "--samples", pool.samplesPath, "--out", out, "--k", "1", "--queue", second.url]);
      expect(await resumed.exited, resumed.stderr()).toBe(0);
      expect(resumed.stderr()).toContain(`resuming: ${kept} results already received`);
      expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(JSON.parse(readFileSync(join(folder, "local.json"), "utf8")));
      expect(verdictLines(join(folder, "queued.tests.jsonl"))).toEqual(verdictLines(join(folder, "local.tests.jsonl")));
    } finally {
      await second.stop();
    }
  }, 300_000);
});

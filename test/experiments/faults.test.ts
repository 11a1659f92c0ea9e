/**
 * A run against a model server that misbehaves: rate limits with Retry-After, server errors,
 * a request that hangs past the client timeout, a truncated body and a reset connection. The
 * run must finish every cell with every unit stored once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runExperiment } from "../../src/experiments/runner.js";
import { type ScriptedFault, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";
import { createProblemResponder, fence, loadFixtureProblems } from "../scaling/strategy-harness.js";
import { fixtureSpec, queryStore, writeSpec } from "./fixture-run.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-faults-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("a run against a faulty model server", () => {
  it("retries through 429, 500, a hang, a truncated body and a reset, and loses no record", async () => {
    const problems = await loadFixtureProblems();
    const faults = new Map<number, ScriptedFault>([
      [0, { kind: "rate-limit", retryAfter: "1" }],
      [3, { kind: "http-error", status: 500 }],
      [6, { kind: "hang" }],
      [9, { kind: "truncated-json" }],
      [12, { kind: "http-error", status: 503 }],
      [15, { kind: "connection-reset" }],
    ]);
    const server = await startScriptedOpenAiServer({
      responder: createProblemResponder(problems, ({ problem, unit }) => fence(unit.round === 0 ? problem.candidate! : problem.reference!)),
      fault: (request) => faults.get(request.index),
    });
    try {
      const specPath = writeSpec(folder, "faults.yaml", fixtureSpec(server.baseUrl, { representations: ["tests", "trace:concise"] }));
      const out = join(folder, "run");
      const started = Date.now();
      const summary = await runExperiment({ specPath, outDir: out });
      expect(summary).toMatchObject({ total: 12, done: 12, failed: 0, failures: [] });
      // The 429 asked for one second: the client waited for it rather than hammering the server.
      const limited = server.requests[0]!;
      const sameRequest = (other: typeof limited) =>
        JSON.stringify([other.body.messages, other.body.seed]) === JSON.stringify([limited.body.messages, limited.body.seed]);
      // Round-0 prompts are the same for both representations, so the other one's request may
      // carry the same body; the retry is the one that came after the wait.
      const waits = server.requests
        .slice(1)
        .filter(sameRequest)
        .map((other) => other.receivedAt - limited.receivedAt);
      expect(Math.max(...waits)).toBeGreaterThanOrEqual(900);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      // 6 round-0 answers and 4 feedback rounds per representation, plus one retry per fault.
      const units = 2 * (6 + 4);
      expect(server.requests).toHaveLength(units + faults.size);
      expect(summary.usage).toMatchObject({ calls: units, failures: 0 });
      const store = queryStore(out);
      try {
        expect(store.outcomes()).toBe(12);
        expect(store.units()).toBe(units);
        expect(store.distinctUnits()).toBe(units);
        expect(store.failures()).toBe(0);
      } finally {
        store.close();
      }
    } finally {
      await server.close();
    }
  });

  it("records a cell whose model stays unreachable as failed, and finishes it on the next run", async () => {
    const problems = await loadFixtureProblems();
    let down = true;
    const server = await startScriptedOpenAiServer({
      responder: createProblemResponder(problems, ({ problem }) => fence(problem.reference!)),
      fault: (request) => (down && request.body.messages[1]?.content.includes("def sum_list") ? { kind: "http-error", status: 502 } : undefined),
    });
    try {
      const spec = fixtureSpec(server.baseUrl, {
        representations: ["tests"],
        benchmark: { name: "generic", path: join(import.meta.dirname, "..", "fixtures", "experiments", "problems.jsonl"), limit: 2 },
      });
      (spec.models as { maxRetries: number }[])[0]!.maxRetries = 1;
      const specPath = writeSpec(folder, "down.yaml", spec);
      const out = join(folder, "down");
      const first = await runExperiment({ specPath, outDir: out });
      expect(first).toMatchObject({ total: 2, done: 2, failed: 1 });
      expect(first.failures).toEqual([
        expect.objectContaining({ taskId: "fixture/sum_list", error: expect.stringMatching(/failed after 2 attempts.*HTTP 502/) }),
      ]);
      down = false;
      const second = await runExperiment({ specPath, outDir: out });
      expect(second).toMatchObject({ total: 2, done: 2, resumed: 1, failed: 0, failures: [] });
    } finally {
      await server.close();
    }
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { AttemptSchema } from "../../src/config/attempt-schema.js";
import { ConfigError } from "../../src/core/errors.js";
import { openRunStore } from "../../src/experiments/run-store.js";
import type { Attempt } from "../../src/scaling/attempt.js";
import { declaredKeys, heldKeys } from "../helpers/schema-keys.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-store-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const cell = { taskId: "t/1", configKey: "m|selfdebug|T=0|tests", seed: 0 };

function attempt(round: number): Attempt {
  return {
    chain: 0,
    round,
    request: { backend: "openai:m", messages: [{ role: "user", content: "fix it" }], temperature: 0, seed: 42, maxTokens: 64 },
    response: {
      text: "```python\ndef f(): return 1\n```",
      finishReason: "stop",
      promptTokens: 10,
      completionTokens: 5,
      latencyMs: 3.5,
      model: "m",
      cached: false,
    },
    answer: "def f(): return 1\n",
    publicVerdict: { passed: false, tests: [{ testId: "p0", status: "fail", expected: "2", actual: { repr: "1", type: "int" }, durationMs: 0.2 }] },
    hiddenVerdict: {
      passed: false,
      total: 1,
      counts: { pass: 0, fail: 1, error: 0, timeout: 0 },
      failures: [{ testId: "h0", status: "fail", durationMs: 0.1 }],
    },
    ...(round > 0
      ? {
          feedback: {
            kind: "trace:concise",
            representation: "concise",
            text: "[INPUT] f() [/INPUT]",
            tokens: 7,
            budget: 100,
            fitSteps: [],
            traces: [{ testId: "p0", input: { kind: "call" as const, call: "f()" }, expected: "2", outcome: "returned" as const, events: 3 }],
            durationMs: 1,
          },
        }
      : {}),
    timing: { startedAt: "2025-01-01T00:00:00.000Z", feedbackMs: 0, llmMs: 3.5, judgeMs: 1 },
  };
}

function fullAttempt(): Attempt {
  const base = attempt(1);
  return {
    ...base,
    request: { ...base.request, topP: 0.9 },
    publicVerdict: {
      passed: false,
      tests: [
        {
          testId: "p0",
          status: "error",
          expected: "2",
          actual: { repr: "[1, …]", type: "list", truncated: true, size: 40 },
          error: { type: "IndexError", message: "i", line: 3 },
          durationMs: 0.2,
        },
      ],
      loadError: { type: "SyntaxError", message: "bad", line: 1 },
    },
    hiddenVerdict: {
      ...base.hiddenVerdict,
      failures: [
        {
          testId: "h0",
          status: "error",
          actual: { repr: "'…'", type: "str", truncated: true, size: 9 },
          error: { type: "ValueError", message: "x", line: 2 },
          expected: "1",
          durationMs: 0.1,
        },
      ],
      loadError: { type: "SyntaxError", message: "bad", line: 4 },
    },
    feedback: {
      ...base.feedback!,
      fallback: "over budget",
      traces: [...base.feedback!.traces, { testId: "p1", input: { kind: "stdin", stdin: "1\n" }, outcome: "raised", events: 0, role: "passing" }],
    },
  };
}

describe("run store", () => {
  it("keeps every field of an attempt, so a field added to the schema survives a resume", () => {
    const full = fullAttempt();
    // The sample must hold every field the schema declares: a new field fails here until it is added below.
    const held = new Set(heldKeys(full));
    expect(declaredKeys(AttemptSchema).filter((key) => !held.has(key))).toEqual([]);
    const directory = join(folder, "full");
    const store = openRunStore(directory);
    store.journal(cell).put(full);
    store.close();
    const reopened = openRunStore(directory);
    expect(reopened.journal(cell).get({ chain: 0, round: 1 })).toEqual(full);
    reopened.close();
  });

  it("refuses a stored record with a field it does not know, instead of dropping it", () => {
    const directory = join(folder, "unknown-field");
    const store = openRunStore(directory);
    store.journal(cell).put(attempt(0));
    store.close();
    const database = new Database(join(directory, "run.sqlite"));
    database.prepare("UPDATE units SET timing = json_set(timing, '$.queueMs', 5)").run();
    database.close();
    const reopened = openRunStore(directory);
    expect(() => reopened.journal(cell).get({ chain: 0, round: 0 })).toThrow(/timing does not match the store format/);
    reopened.close();
  });

  it("keeps units whole across reopening and refuses a unit stored twice", () => {
    const directory = join(folder, "units");
    const store = openRunStore(directory);
    store.claim("hash-a", "{}");
    const journal = store.journal(cell);
    expect(journal.get({ chain: 0, round: 0 })).toBeUndefined();
    journal.put(attempt(0));
    journal.put(attempt(1));
    expect(() => journal.put(attempt(1))).toThrow(/UNIQUE constraint failed/);
    store.close();

    const reopened = openRunStore(directory);
    expect(reopened.journal(cell).get({ chain: 0, round: 1 })).toEqual(attempt(1));
    expect(reopened.attempts(cell).map((stored) => stored.round)).toEqual([0, 1]);
    expect(reopened.journal({ ...cell, seed: 1 }).get({ chain: 0, round: 0 })).toBeUndefined();
    expect(reopened.counts()).toEqual({ units: 2, outcomes: 0, failures: 0 });
    reopened.close();
  });

  it("belongs to one spec", () => {
    const store = openRunStore(join(folder, "claim"));
    store.claim("hash-a", '{"name":"a"}');
    store.claim("hash-a", '{"name":"a"}');
    expect(() => store.claim("hash-b", '{"name":"b"}')).toThrow(/different spec/);
    expect(store.spec()).toBe('{"name":"a"}');
    store.close();
  });

  it("records failures until the cell finishes", () => {
    const store = openRunStore(join(folder, "outcomes"));
    store.recordFailure(cell, new Error("server unreachable"));
    store.recordFailure(cell, new Error("still unreachable"));
    expect(store.failures()).toEqual([expect.objectContaining({ ...cell, error: "still unreachable" })]);
    expect(store.hasOutcome(cell)).toBe(false);
    const outcome = {
      strategy: "selfdebug",
      budget: 1,
      n: 1,
      c: 1,
      selected: { chain: 0, round: 0 },
      selectedPassed: true,
      llmCalls: 1,
      promptTokens: 10,
      completionTokens: 5,
    };
    store.saveOutcome({ ...cell, model: "m", representation: "tests", outcomes: [outcome], finishedAt: "2025-01-01T00:00:00.000Z" });
    expect(store.hasOutcome(cell)).toBe(true);
    expect(store.failures()).toEqual([]);
    expect(store.outcomes()).toEqual([{ ...cell, model: "m", representation: "tests", outcomes: [outcome], finishedAt: "2025-01-01T00:00:00.000Z" }]);
    store.close();
  });

  it("opens read-only only an existing run directory", () => {
    expect(() => openRunStore(join(folder, "absent"), { readonly: true })).toThrow(ConfigError);
    expect(() => openRunStore(join(folder, "absent"), { readonly: true })).toThrow(/is not a run directory/);
  });
});

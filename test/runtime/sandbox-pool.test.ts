import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SandboxPool, type JobEnd, type SandboxJob, type PoolMessage, type SandboxSlot } from "../../src/runtime/sandbox.js";

/** A slot driven by the test: it reports what the test tells it to and records interrupts and kills. */
class ScriptedSlot implements SandboxSlot {
  interrupts: number[] = [];
  kills = 0;
  report: (message: PoolMessage) => void = () => undefined;
  finish: (end: JobEnd) => void = () => undefined;

  run(_job: SandboxJob, onMessage: (message: PoolMessage) => void): Promise<JobEnd> {
    this.report = onMessage;
    return new Promise((resolve) => (this.finish = resolve));
  }
  stops = 0;
  interrupt(phase: number): void {
    this.interrupts.push(phase);
  }
  stop(): void {
    this.stops++;
  }
  async kill(): Promise<void> {
    this.kills++;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  async close(): Promise<void> {}
}

const job: SandboxJob = { kind: "execute", payload: {}, phaseCount: 2, phaseTimeoutMs: (phase) => (phase < 0 ? 5_000 : 1_000) };

describe("the sandbox pool's deadlines", () => {
  let slot: ScriptedSlot;
  let pool: SandboxPool;
  beforeEach(async () => {
    vi.useFakeTimers();
    slot = new ScriptedSlot();
    pool = new SandboxPool(async () => slot, { size: 1, graceMs: 500 });
    await pool.ready();
  });
  afterEach(() => vi.useRealTimers());

  it("count a phase's time from when it began, not from when the slot saw it", async () => {
    const outcome = pool.run(job);
    await vi.advanceTimersByTimeAsync(0);
    slot.report({ t: "start", i: 0, elapsedMs: 900 });
    await vi.advanceTimersByTimeAsync(99);
    expect(slot.interrupts).toEqual([]);
    await vi.advanceTimersByTimeAsync(2);
    expect(slot.interrupts).toEqual([0]);
    slot.finish({ kind: "done", body: {} });
    expect((await outcome).end.kind).toBe("done");
  });

  it("give each phase one deadline, and ignore phases the job does not have", async () => {
    const outcome = pool.run(job);
    await vi.advanceTimersByTimeAsync(0);
    slot.report({ t: "start", i: 0, elapsedMs: 0 });
    await vi.advanceTimersByTimeAsync(800);
    slot.report({ t: "start", i: -1, elapsedMs: 0 });
    slot.report({ t: "start", i: 0, elapsedMs: 0 });
    slot.report({ t: "start", i: 7, elapsedMs: 0 });
    await vi.advanceTimersByTimeAsync(201);
    expect(slot.interrupts).toEqual([0]);
    // The phase did not end: the sandbox is killed after the grace, and the phase reported.
    await vi.advanceTimersByTimeAsync(500);
    expect(slot.kills).toBe(1);
    expect((await outcome).end).toEqual({ kind: "killed", phase: 0 });
  });

  it("bound the whole job by the sum of its phases' budgets and twice the grace, however the board is scribbled on", async () => {
    const outcome = pool.run(job);
    await vi.advanceTimersByTimeAsync(0);
    // Each phase reported just before its kill would come (deadline + most of the grace) re-arms
    // the next one: without a job deadline that adds up to 24.5 s. Load 5 s, two calls of 1 s,
    // three preparation phases of 5 s, twice a grace of 0.5 s: 23 s.
    for (const [phase, budget] of [
      [-2, 5_000],
      [0, 5_000],
      [-3, 1_000],
      [1, 5_000],
      [-4, 1_000],
    ] as const) {
      await vi.advanceTimersByTimeAsync(budget + 400);
      slot.report({ t: "start", i: phase, elapsedMs: 0 });
    }
    await vi.advanceTimersByTimeAsync(22_999 - 19_000);
    expect(slot.kills).toBe(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(slot.kills).toBe(1);
    expect((await outcome).end.kind).toBe("killed");
  });

  it("record the phases the slot interrupted, and ask the slot to stop when a result says so", async () => {
    const outcome = pool.run({ ...job, stopAfter: (message) => message.i === 0 });
    await vi.advanceTimersByTimeAsync(0);
    slot.report({ t: "interrupted", i: 1 });
    slot.report({ t: "result", i: 0, result: {} });
    expect(slot.stops).toBe(1);
    slot.finish({ kind: "done", body: {} });
    const { interrupted, messages } = await outcome;
    expect([...interrupted]).toEqual([1]);
    expect(messages.map((message) => message.t)).toEqual(["result"]);
  });
});

import { availableParallelism } from "node:os";

/**
 * The protocol between the host and the Python harness inside a sandbox, and the pool that
 * owns every deadline. Timeouts live here, outside Python, so that a program that catches
 * BaseException cannot outlive them: at a phase's deadline the slot is interrupted
 * (KeyboardInterrupt), and after a grace period it is killed and replaced.
 */

/** Emitted by the harness: `start` when phase `i` begins (-1 = loading), `result` per test. */
export type SandboxMessage =
  | { t: "start"; i: number }
  | { t: "result"; i: number; result: unknown };

export interface SandboxJob {
  kind: "trace" | "check";
  payload: Record<string, unknown>;
  /** How many numbered phases (tests, or traced inputs) the job has: phases 0 … phaseCount - 1. */
  phaseCount: number;
  /** Wall-clock budget of each phase, by phase index (negative: loading, preparing, judging). */
  phaseTimeoutMs: (phase: number) => number;
}

export type JobEnd =
  | { kind: "done"; body: Record<string, unknown> }
  | { kind: "exit"; detail: string };

export interface JobOutcome {
  /** `killed`: the phase ignored its interrupt and the sandbox was replaced. */
  end: JobEnd | { kind: "killed"; phase: number };
  messages: SandboxMessage[];
}

/** One isolated interpreter that runs one job at a time. */
export interface SandboxSlot {
  run(job: SandboxJob, onMessage: (message: SandboxMessage) => void): Promise<JobEnd>;
  /** Ask the running program to stop (raises KeyboardInterrupt in it). */
  interrupt(): void;
  /** Stop the running job by force and make the slot usable again. */
  kill(): Promise<void>;
  /** Settles when the slot can start a job (a replacement may be in progress). */
  whenReady(): Promise<void>;
  close(): Promise<void>;
}

export interface PoolOptions {
  size?: number;
  /** Time between the interrupt and the kill. */
  graceMs?: number;
}

interface Waiter {
  resolve: (slot: SandboxSlot) => void;
}

export class SandboxPool {
  private readonly idle: SandboxSlot[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly all: Promise<SandboxSlot>[] = [];
  private readonly graceMs: number;
  private closed = false;

  constructor(createSlot: () => Promise<SandboxSlot>, options: PoolOptions = {}) {
    // Long enough that a busy host still sees the end-of-phase message a harness already sent.
    this.graceMs = options.graceMs ?? 1_500;
    const size = Math.max(1, options.size ?? availableParallelism());
    for (let index = 0; index < size; index++) {
      const slot = createSlot();
      this.all.push(slot);
      // A slot that fails to start is surfaced on first use, not as an unhandled rejection.
      slot.then((ready) => this.release(ready)).catch(() => undefined);
    }
  }

  /** Resolves when at least one slot started; rejects with the start error if none can. */
  async ready(): Promise<void> {
    await Promise.any(this.all).catch((error: AggregateError) => {
      throw error.errors[0];
    });
  }

  /** Runs a job on the next free slot; a function is called for the job only then, so a caller can keep adding work to it while it waits. */
  async run(job: SandboxJob | (() => SandboxJob)): Promise<JobOutcome> {
    await this.ready();
    const slot = await this.acquire();
    try {
      return await this.runOn(slot, typeof job === "function" ? job() : job);
    } finally {
      this.release(slot);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = await Promise.allSettled(this.all);
    await Promise.all(slots.map((slot) => (slot.status === "fulfilled" ? slot.value.close() : undefined)));
  }

  private async runOn(slot: SandboxSlot, job: SandboxJob): Promise<JobOutcome> {
    // Deadlines start only once the slot can run: a replacement's start-up is not the job's time.
    await slot.whenReady();
    const messages: SandboxMessage[] = [];
    return new Promise<JobOutcome>((resolve, reject) => {
      let phase = -1;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (settleWith: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        settleWith();
      };
      // Each phase gets its own deadline: interrupt at the deadline, kill after the grace.
      const arm = () => {
        clearTimeout(timer);
        const armedPhase = phase;
        timer = setTimeout(() => {
          slot.interrupt();
          timer = setTimeout(() => {
            void slot.kill().then(
              () => settle(() => resolve({ end: { kind: "killed", phase: armedPhase }, messages })),
              (error: unknown) => settle(() => reject(error)),
            );
          }, this.graceMs);
        }, job.phaseTimeoutMs(armedPhase));
      };
      arm();
      slot
        .run(job, (message) => {
          messages.push(message);
          if (message.t === "start" && message.i !== phase) {
            phase = message.i;
            arm();
          }
        })
        .then(
          (end) => settle(() => resolve({ end, messages })),
          (error: unknown) => settle(() => reject(error)),
        );
    });
  }

  private acquire(): Promise<SandboxSlot> {
    const slot = this.idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiters.push({ resolve }));
  }

  private release(slot: SandboxSlot): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(slot);
    else this.idle.push(slot);
  }
}

import { availableParallelism } from "node:os";
import { LOAD_PHASE, preparePhase } from "./protocol.js";

/**
 * The pool that owns every deadline of the jobs it runs in its sandboxes. Timeouts live here,
 * outside Python, so that a program that catches BaseException cannot outlive them: at a
 * phase's deadline the slot is interrupted (KeyboardInterrupt), and after a grace period it is
 * killed and replaced. A whole job also has a deadline, the sum of its phases' budgets plus
 * twice the grace, so no program can hold a sandbox longer whatever it does to its board.
 */

/**
 * From a slot: `start` when it sees that phase `i` began, `elapsedMs` ago (slots sample the
 * harness's phase board, so they see a phase late, or not at all if it was short);
 * `interrupted` when it delivered an interrupt to phase `i` (the phase was still running);
 * `result` per test or traced input, from the harness. Only `result` comes from the sandbox.
 */
export type PoolMessage = { t: "start"; i: number; elapsedMs: number } | { t: "interrupted"; i: number } | { t: "result"; i: number; result: unknown };

/** Payload data many jobs share, such as a problem's tests, serialized once under a key of its own. */
export interface SharedJobData {
  /** The payload field it fills. */
  field: string;
  key: string;
  json: string;
}

export interface SandboxJob {
  kind: "trace" | "execute" | "script";
  payload: Record<string, unknown>;
  /** Sent with the payload, or kept in the sandbox and sent only once, as the slot chooses. */
  shared?: SharedJobData;
  /** How many numbered phases (tests, or traced inputs) the job has: phases 0 … phaseCount - 1. */
  phaseCount: number;
  /** Wall-clock budget of each phase, by phase index (negative: loading, preparing, reporting). */
  phaseTimeoutMs: (phase: number) => number;
  /** A cap on the sandbox's memory of the job's own, for a slot that cannot take it from the payload's limits. */
  memoryMb?: number;
  /** Asked of each result as it arrives: true asks the harness to stop before its next test. */
  stopAfter?: (message: Extract<PoolMessage, { t: "result" }>) => boolean;
}

/** The payload as JSON, with the shared data in its field unless `withShared` is false. */
export function payloadJson(job: SandboxJob, withShared = true): string {
  const own = JSON.stringify(job.payload);
  if (!job.shared || !withShared) return own;
  const rest = own === "{}" ? "" : `,${own.slice(1, -1)}`;
  return `{${JSON.stringify(job.shared.field)}:${job.shared.json}${rest}}`;
}

/** The load phase, a call phase 0 … phaseCount - 1, or a preparation phase of tests 0 … phaseCount. */
function isPhaseOf(job: SandboxJob, phase: number): boolean {
  return Number.isInteger(phase) && phase >= preparePhase(job.phaseCount) && phase < job.phaseCount;
}

function phasesOf(job: SandboxJob): number[] {
  const calls = Array.from({ length: job.phaseCount }, (_, index) => index);
  return [LOAD_PHASE, ...calls, ...[...calls, job.phaseCount].map(preparePhase)];
}

/** The sum of a job's phase budgets: the most time it can take without being stopped. */
export function jobBudgetMs(job: SandboxJob): number {
  return phasesOf(job).reduce((sum, phase) => sum + job.phaseTimeoutMs(phase), 0);
}

export type JobEnd = { kind: "done"; body: Record<string, unknown> } | { kind: "exit"; detail: string };

export interface JobOutcome {
  /** `killed`: the phase ignored its interrupt (or the job outlived its deadline) and the sandbox was replaced. */
  end: JobEnd | { kind: "killed"; phase: number };
  messages: PoolMessage[];
  /** The phases the host interrupted while they ran. */
  interrupted: Set<number>;
}

/** One isolated interpreter that runs one job at a time. */
export interface SandboxSlot {
  run(job: SandboxJob, onMessage: (message: PoolMessage) => void): Promise<JobEnd>;
  /** Ask the running program to stop phase `phase` (raises KeyboardInterrupt in it) if it is still in it; reported as an `interrupted` message. */
  interrupt(phase: number): void;
  /** Ask the harness to run no further test of the running job. */
  stop(): void;
  /** Stop the running job by force and make the slot usable again. */
  kill(): Promise<void>;
  /** Settles when the slot can start `job` (a replacement may be in progress, or be needed for it). */
  whenReady(job?: SandboxJob): Promise<void>;
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
    await slot.whenReady(job);
    const messages: PoolMessage[] = [];
    const interrupted = new Set<number>();
    return new Promise<JobOutcome>((resolve, reject) => {
      let phase = LOAD_PHASE;
      const armed = new Set([phase]);
      let settled = false;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const kill = () => {
        const killedPhase = phase;
        void slot.kill().then(
          () => settle(() => resolve({ end: { kind: "killed", phase: killedPhase }, messages, interrupted })),
          (error: unknown) => settle(() => reject(error)),
        );
      };
      const jobTimer = setTimeout(kill, jobBudgetMs(job) + 2 * this.graceMs);
      const settle = (settleWith: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(jobTimer);
        settleWith();
      };
      // Each phase gets its own deadline, counted from when it began: interrupt at the
      // deadline, kill after the grace.
      const arm = (elapsedMs: number) => {
        clearTimeout(timer);
        const armedPhase = phase;
        timer = setTimeout(
          () => {
            slot.interrupt(armedPhase);
            timer = setTimeout(kill, this.graceMs);
          },
          Math.max(0, job.phaseTimeoutMs(armedPhase) - elapsedMs),
        );
      };
      arm(0);
      slot
        .run(job, (message) => {
          if (message.t === "interrupted") {
            interrupted.add(message.i);
            return;
          }
          messages.push(message);
          // A phase gets its deadline once: a program that forges phase reports on its board
          // cannot restart a deadline, so a job's time stays bounded by its phases' budgets.
          if (message.t === "start" && isPhaseOf(job, message.i) && !armed.has(message.i)) {
            armed.add(message.i);
            phase = message.i;
            arm(message.elapsedMs);
          } else if (message.t === "result" && !stopped && job.stopAfter?.(message)) {
            stopped = true;
            slot.stop();
          }
        })
        .then(
          (end) => settle(() => resolve({ end, messages, interrupted })),
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

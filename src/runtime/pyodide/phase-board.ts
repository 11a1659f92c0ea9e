/**
 * A Pyodide worker's phase board (semtrace_tracer.PhaseBoard): memory shared by the worker
 * thread, where the harness posts the phase it is in, and the host thread, which samples it
 * to enforce deadlines. Posting costs the harness a few memory writes per phase instead of a
 * message to the host thread.
 *
 * Layout: sequence, phase and interrupted phase as Int32, start time (ms since the epoch) as
 * Float64. The worker writes sequence, phase and start as a seqlock (the sequence is odd while
 * it writes); the host thread writes only the interrupted phase.
 */
const SEQUENCE = 0;
const PHASE = 1;
const INTERRUPTED = 2;
const NO_PHASE = -(2 ** 31);

export interface PhaseSample {
  sequence: number;
  phase: number;
  startedAt: number;
}

export class SharedPhaseBoard {
  private readonly ints: Int32Array;
  private readonly started: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(24)) {
    this.ints = new Int32Array(buffer, 0, 3);
    this.started = new Float64Array(buffer, 16, 1);
  }

  /** Worker side. */
  enter(phase: number): void {
    Atomics.add(this.ints, SEQUENCE, 1);
    Atomics.store(this.ints, PHASE, phase);
    this.started[0] = now();
    Atomics.add(this.ints, SEQUENCE, 1);
  }

  /** Worker side: the phase the host last asked to interrupt. */
  interruptedPhase(): number {
    return Atomics.load(this.ints, INTERRUPTED);
  }

  /** Host side: forget the previous job's interrupt. */
  clearInterrupt(): void {
    Atomics.store(this.ints, INTERRUPTED, NO_PHASE);
  }

  /** Host side: the board as the worker last completed writing it. */
  sample(): PhaseSample | undefined {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const sequence = Atomics.load(this.ints, SEQUENCE);
      const phase = Atomics.load(this.ints, PHASE);
      const startedAt = this.started[0]!;
      if (sequence % 2 === 0 && Atomics.load(this.ints, SEQUENCE) === sequence) return { sequence, phase, startedAt };
    }
    return undefined;
  }

  /** Host side: marks `phase` for interruption if the worker is still in it; says whether it is. */
  requestInterrupt(phase: number): boolean {
    if (this.sample()?.phase !== phase) return false;
    Atomics.store(this.ints, INTERRUPTED, phase);
    return true;
  }
}

/** A clock both threads read alike: each thread's performance.now() has its own origin. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

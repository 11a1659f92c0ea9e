/**
 * A Pyodide worker's phase board (semtrace_tracer.PhaseBoard), in the layout of
 * semtrace_protocol.json that the cpython fork server's board shares: memory shared by the
 * worker thread, where the harness posts the phase it is in, and the host thread, which samples
 * it to enforce deadlines and writes the phase to interrupt and the stop flag. Posting costs the
 * harness a few memory writes per phase instead of a message to the host thread.
 *
 * This module is the worker's one import from the project besides the protocol file, which it
 * reads itself: keep it free of other imports.
 */
import { readFileSync } from "node:fs";

interface BoardLayout {
  bytes: number;
  sequence: number;
  phase: number;
  startedAtMs: number;
  interrupted: number;
  stop: number;
  none: string;
}

const layout = (JSON.parse(readFileSync(new URL("../python/semtrace_protocol.json", import.meta.url), "utf8")) as { board: BoardLayout }).board;
const NO_PHASE = BigInt(layout.none);
const slot = (offset: number) => offset / 8;

export interface PhaseSample {
  sequence: number;
  phase: number;
  startedAt: number;
}

export class SharedPhaseBoard {
  private readonly ints: BigInt64Array;
  private readonly floats: Float64Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(layout.bytes)) {
    this.ints = new BigInt64Array(buffer);
    this.floats = new Float64Array(buffer);
  }

  /** Worker side. */
  enter(phase: number): void {
    Atomics.add(this.ints, slot(layout.sequence), 1n);
    Atomics.store(this.ints, slot(layout.phase), BigInt(phase));
    this.floats[slot(layout.startedAtMs)] = now();
    Atomics.add(this.ints, slot(layout.sequence), 1n);
  }

  /** Worker side: the phase the host last asked to interrupt. */
  interruptedPhase(): number {
    return Number(Atomics.load(this.ints, slot(layout.interrupted)));
  }

  /** Worker side: whether the host asked the harness to run no further test. */
  stopRequested(): boolean {
    return Atomics.load(this.ints, slot(layout.stop)) !== 0n;
  }

  /** Host side: forget the previous job's interrupt and stop. */
  clear(): void {
    Atomics.store(this.ints, slot(layout.interrupted), NO_PHASE);
    Atomics.store(this.ints, slot(layout.stop), 0n);
  }

  /** Host side: the board as the worker last completed writing it. */
  sample(): PhaseSample | undefined {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const sequence = Atomics.load(this.ints, slot(layout.sequence));
      const phase = Atomics.load(this.ints, slot(layout.phase));
      const startedAt = this.floats[slot(layout.startedAtMs)]!;
      if (sequence % 2n === 0n && Atomics.load(this.ints, slot(layout.sequence)) === sequence) {
        return { sequence: Number(sequence), phase: Number(phase), startedAt };
      }
    }
    return undefined;
  }

  /** Host side: marks `phase` for interruption if the worker is still in it; says whether it is. */
  requestInterrupt(phase: number): boolean {
    if (this.sample()?.phase !== phase) return false;
    Atomics.store(this.ints, slot(layout.interrupted), BigInt(phase));
    return true;
  }

  /** Host side. */
  requestStop(): void {
    Atomics.store(this.ints, slot(layout.stop), 1n);
  }
}

/** A clock both threads read alike: each thread's performance.now() has its own origin. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Loop iterations, read from the trace alone. Within one frame invocation, a jump back
 * to a line at or above the current one marks that line as a loop header; the lines run
 * between two executions of the header joined by such a jump form the loop body. Each
 * execution of the header starts an iteration; a final header execution with no body
 * after it is the exit check (`for` exhausted, `while` condition false).
 */
import type { TraceEvent } from "../core/trace.js";
import type { FrameIndex, FrameInvocation } from "./frames.js";

export interface LoopHeader {
  line: number;
  /** The highest line seen inside the loop body. */
  lastBodyLine: number;
}

export interface LoopIteration {
  /** Event indices (inclusive) spanned by the iteration, nested calls included. */
  start: number;
  end: number;
}

/** One execution of a loop, from entering it to leaving it. */
export interface LoopRun {
  frame: number;
  function: string;
  depth: number;
  header: number;
  iterations: LoopIteration[];
  /** Event index of the exit check, when the loop ended by its condition. */
  exitCheck: number | undefined;
}

export interface LoopOptions {
  /** Keeps only headers the source confirms (see `createLoopHeaderPredicate`). */
  isHeaderLine?: (line: number) => boolean;
}

/** The loop headers of one frame invocation, in line order. */
export function findLoopHeaders(events: readonly TraceEvent[], frame: FrameInvocation, options: LoopOptions = {}): LoopHeader[] {
  const lines = ownLineEvents(events, frame).map((index) => events[index]!.line);
  const headers = new Map<number, number>();
  for (let position = 1; position < lines.length; position += 1) {
    const target = lines[position]!;
    if (target > lines[position - 1]!) continue;
    if (options.isHeaderLine !== undefined && !options.isHeaderLine(target)) continue;
    headers.set(target, Math.max(headers.get(target) ?? target, bodyEnd(lines, position, target)));
  }
  return [...headers.entries()].sort(([a], [b]) => a - b).map(([line, lastBodyLine]) => ({ line, lastBodyLine }));
}

/** The highest line between the previous execution of `header` and the jump back at `position`. */
function bodyEnd(lines: readonly number[], position: number, header: number): number {
  let highest = header;
  for (let back = position - 1; back >= 0 && lines[back] !== header; back -= 1) {
    highest = Math.max(highest, lines[back]!);
  }
  return highest;
}

/** Every loop run in every frame, ordered by where it starts. */
export function findLoopRuns(events: readonly TraceEvent[], index: FrameIndex, options: LoopOptions = {}): LoopRun[] {
  const runs = index.frames.flatMap((frame) => findLoopHeaders(events, frame, options).flatMap((header) => runsOf(events, frame, header)));
  return runs.sort((a, b) => startOf(a) - startOf(b) || b.header - a.header);
}

function startOf(run: LoopRun): number {
  return run.iterations[0]?.start ?? run.exitCheck ?? 0;
}

function runsOf(events: readonly TraceEvent[], frame: FrameInvocation, header: LoopHeader): LoopRun[] {
  const own = ownLineEvents(events, frame);
  const runs: LoopRun[] = [];
  let current: { starts: number[]; bodyLines: number[]; end: number } | undefined;
  let previousLine: number | undefined;
  const inside = (line: number): boolean => line >= header.line && line <= header.lastBodyLine;
  const close = (end: number): void => {
    if (current !== undefined) runs.push(toRun(frame, header.line, current.starts, current.bodyLines, end));
    current = undefined;
  };
  for (const index of own) {
    const line = events[index]!.line;
    if (line === header.line) {
      if (current !== undefined && previousLine !== undefined && inside(previousLine)) {
        current.starts.push(index);
        current.bodyLines.push(0);
      } else {
        close(index - 1);
        current = { starts: [index], bodyLines: [0], end: index };
      }
    } else if (current !== undefined && !inside(line)) {
      close(index - 1);
    } else if (current !== undefined) {
      current.bodyLines[current.bodyLines.length - 1]! += 1;
    }
    previousLine = line;
  }
  close(frame.end);
  return runs;
}

function toRun(frame: FrameInvocation, header: number, starts: number[], bodyLines: number[], end: number): LoopRun {
  const iterations = starts.map((start, position) => ({
    start,
    end: position + 1 < starts.length ? starts[position + 1]! - 1 : end,
  }));
  let exitCheck: number | undefined;
  if (bodyLines.at(-1) === 0 && starts.length > 0) {
    exitCheck = starts.at(-1);
    iterations.pop();
  }
  return { frame: frame.id, function: frame.function, depth: frame.depth, header, iterations, exitCheck };
}

function ownLineEvents(events: readonly TraceEvent[], frame: FrameInvocation): number[] {
  return frame.eventIndices.filter((index) => events[index]!.kind === "line");
}

/**
 * Frame invocations and the call tree. Events carry only a depth, so frames are
 * rebuilt from the event order: a `call` at depth d opens a frame, later events at
 * depth d belong to it, and its `return` closes it.
 */
import type { TraceEvent, TracedError, TracedValue, VariableChange } from "../core/trace.js";

export type FrameExit =
  | { kind: "returned"; value: TracedValue; eventIndex: number }
  | { kind: "raised"; error: TracedError; eventIndex: number }
  /** No return event: the trace stopped inside the frame (limit, crash, step cap). */
  | { kind: "unfinished" };

export interface FrameInvocation {
  /** Position in `FrameIndex.frames`, in order of entry. */
  id: number;
  function: string;
  depth: number;
  parent: number | undefined;
  children: number[];
  /** Indices into the event list of this frame's own events, in order. */
  eventIndices: number[];
  /** First and last event index (inclusive) of the frame, nested calls included. */
  start: number;
  end: number;
  /** The arguments, from the call event; empty for frames entered without one. */
  arguments: VariableChange[];
  exit: FrameExit;
}

export interface FrameIndex {
  frames: FrameInvocation[];
  /** For each event index, the id of the frame it belongs to. */
  frameOf: number[];
}

/** Splits the events into frame invocations. */
export function indexFrames(events: readonly TraceEvent[]): FrameIndex {
  const frames: FrameInvocation[] = [];
  const frameOf: number[] = [];
  const open: (FrameInvocation | undefined)[] = [];
  const lastError = new Map<number, TracedError>();
  events.forEach((event, index) => {
    const depth = event.depth;
    let frame = event.kind === "call" ? undefined : open[depth];
    if (frame === undefined || frame.function !== event.function) {
      frame = openFrame(frames, open, event, index);
    }
    frame.eventIndices.push(index);
    frame.end = index;
    frameOf.push(frame.id);
    if (event.kind === "exception" && event.error !== undefined) lastError.set(frame.id, event.error);
    if (event.kind === "return") {
      frame.exit = exitOf(event, index, lastError.get(frame.id));
      open.length = depth;
    }
  });
  for (let id = frames.length - 1; id >= 0; id -= 1) {
    const frame = frames[id]!;
    const parent = frame.parent === undefined ? undefined : frames[frame.parent];
    if (parent !== undefined) parent.end = Math.max(parent.end, frame.end);
  }
  return { frames, frameOf };
}

function openFrame(frames: FrameInvocation[], open: (FrameInvocation | undefined)[], event: TraceEvent, index: number): FrameInvocation {
  const depth = event.depth;
  const parent = depth > 0 ? open[depth - 1] : undefined;
  const frame: FrameInvocation = {
    id: frames.length,
    function: event.function,
    depth,
    parent: parent?.id,
    children: [],
    eventIndices: [],
    start: index,
    end: index,
    arguments: event.kind === "call" ? [...(event.changes ?? [])] : [],
    exit: { kind: "unfinished" },
  };
  frames.push(frame);
  parent?.children.push(frame.id);
  open.length = depth;
  open[depth] = frame;
  return frame;
}

function exitOf(event: TraceEvent, index: number, lastError: TracedError | undefined): FrameExit {
  if (event.error !== undefined) {
    // The tracer marks an unwinding frame with a placeholder error; the real one came before.
    return { kind: "raised", error: lastError ?? event.error, eventIndex: index };
  }
  return { kind: "returned", value: event.value ?? { repr: "None", type: "NoneType" }, eventIndex: index };
}

export interface CallNode {
  frame: FrameInvocation;
  children: CallNode[];
}

/** The call tree: one root per top-level frame (normally exactly one). */
export function buildCallTree(index: FrameIndex): CallNode[] {
  const build = (frame: FrameInvocation): CallNode => ({
    frame,
    children: frame.children.map((child) => build(index.frames[child]!)),
  });
  return index.frames.filter((frame) => frame.parent === undefined).map(build);
}

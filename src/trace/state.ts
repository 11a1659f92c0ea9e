/**
 * Variable state replayed from the changes: each frame's variables after each of its
 * events, the state before and after a span of events, and the whole stack at a step.
 * Variables keep the order in which the frame first bound them (arguments first).
 */
import type { TraceEvent, VariableChange } from "../core/trace.js";
import type { FrameIndex } from "./frames.js";

export type FrameState = readonly VariableChange[];

/** For each event index, its frame's variables right after that event. */
export function replayFrameStates(events: readonly TraceEvent[], index: FrameIndex): FrameState[] {
  return replayFrameStatesAround(events, index).after;
}

/** For each event index, its frame's variables right before and right after that event. */
export function replayFrameStatesAround(events: readonly TraceEvent[], index: FrameIndex): { before: FrameState[]; after: FrameState[] } {
  const current = new Map<number, FrameState>();
  const before: FrameState[] = [];
  const after: FrameState[] = [];
  events.forEach((event, position) => {
    const frame = index.frameOf[position]!;
    const previous = current.get(frame) ?? [];
    const next = applyChanges(previous, event.changes ?? []);
    current.set(frame, next);
    before.push(previous);
    after.push(next);
  });
  return { before, after };
}

/** A new state with the changes applied: rebound names keep their place, new ones go last. */
export function applyChanges(state: FrameState, changes: readonly VariableChange[]): FrameState {
  if (changes.length === 0) return state;
  const byName = new Map(state.map((variable) => [variable.name, variable]));
  for (const change of changes) byName.set(change.name, change);
  return [...byName.values()];
}

/** The frame's variables just before the event at `eventIndex` ran. */
export function stateBefore(states: readonly FrameState[], index: FrameIndex, eventIndex: number): FrameState {
  const own = index.frames[index.frameOf[eventIndex]!]!.eventIndices;
  // Own event indices are ascending: binary search for the last one before `eventIndex`.
  let low = 0;
  let high = own.length - 1;
  let previous: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (own[middle]! < eventIndex) {
      previous = own[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return previous === undefined ? [] : states[previous]!;
}

/** The frame's variables just after the event at `eventIndex` ran. */
export function stateAfter(states: readonly FrameState[], eventIndex: number): FrameState {
  return states[eventIndex] ?? [];
}

export interface StackFrameValues {
  function: string;
  depth: number;
  variables: FrameState;
}

/**
 * The values of every frame on the stack as of `step` (after that step's event), outermost
 * first. Empty when no recorded event has that step.
 */
export function valuesAtStep(events: readonly TraceEvent[], index: FrameIndex, step: number): StackFrameValues[] {
  const position = events.findIndex((event) => event.step === step);
  if (position < 0) return [];
  const states = replayFrameStates(events.slice(0, position + 1), index);
  const stack: StackFrameValues[] = [];
  let frame: number | undefined = index.frameOf[position];
  while (frame !== undefined) {
    const invocation = index.frames[frame]!;
    const last = [...invocation.eventIndices].reverse().find((eventIndex) => eventIndex <= position);
    stack.unshift({
      function: invocation.function,
      depth: invocation.depth,
      variables: last === undefined ? [] : states[last]!,
    });
    frame = invocation.parent;
  }
  return stack;
}

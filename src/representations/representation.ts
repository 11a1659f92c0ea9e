/** The one interface every representation implements, and its input and output. */
import type { Trace, TraceInput } from "../core/trace.js";
import type { ClipReport } from "./clip.js";
import type { RenderOptions } from "./options.js";

export const REPRESENTATION_NAMES = [
  "none",
  "tests",
  "next",
  "codeexecutor",
  "concise",
  "semcoder",
  "scratchpad",
  "ldb",
  "sbfl",
] as const;

export type RepresentationName = (typeof REPRESENTATION_NAMES)[number];

/** One test with the trace of the program on it; the trace gives the actual result or exception. */
export interface RenderTest {
  /** The call (`f(1, [2])`) or standard input; defaults to the trace's own input. */
  input?: TraceInput;
  /** The expected result: a Python repr for a call, the expected stdout for stdin. */
  expected?: string;
  trace: Trace;
}

export interface RenderInput {
  program: string;
  tests: RenderTest[];
}

export interface Rendering {
  text: string;
  clipped: ClipReport;
}

export interface Representation {
  /** A built-in RepresentationName, or the name a user registered it under. */
  readonly name: string;
  /** One line: what the format shows and where it comes from. */
  readonly description: string;
  /** False for the trace-free baselines (`none`, `tests`). */
  readonly usesTrace: boolean;
  /** Defaults this format sets over the shared ones (see DEFAULT_RENDER_OPTIONS). */
  readonly defaults: RenderOptions;
  render(input: RenderInput, options?: RenderOptions): Rendering;
}

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
  "slice",
  "divergence",
] as const;

export type RepresentationName = (typeof REPRESENTATION_NAMES)[number];

/** One test with the trace of the program on it; the trace gives the actual result or exception. */
export interface RenderTest {
  /** The call (`f(1, [2])`) or standard input; defaults to the trace's own input. */
  input?: TraceInput;
  /** The expected result: a Python repr for a call, the expected stdout for stdin. */
  expected?: string;
  trace: Trace;
  /** The fixed program's trace on the same input, when one is known (see `RenderInput.reference`). */
  reference?: Trace;
}

export interface RenderInput {
  program: string;
  tests: RenderTest[];
  /** The fixed program, when one is known: its traces are the tests' `reference`. */
  reference?: string;
}

/** Traces a representation reads beyond the failing tests', for a caller to supply when it can. */
export interface TraceNeeds {
  /** Traces of passing tests too (marked by their expected output). */
  passing: boolean;
  /** The fixed program's traces on the failing tests' inputs. */
  reference: boolean;
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
  /** Extra traces it reads; absent = the failing tests' traces only. */
  readonly needs?: TraceNeeds;
  render(input: RenderInput, options?: RenderOptions): Rendering;
}

/**
 * Rendering programs' traces in several representations at once: a render job is a program and
 * its tests (a call or a standard input, with an optional expected result); each test is traced,
 * then every representation renders the job, fitted to a token budget when there is one.
 */
import { z } from "zod";
import { errorMessage } from "../core/errors.js";
import type { Limits, TraceInput } from "../core/trace.js";
import type { Runtime } from "../runtime/runtime.js";
import type { ClipReport } from "./clip.js";
import { fit } from "./fit.js";
import type { RenderOptions } from "./options.js";
import type { RenderInput, RenderTest, Representation } from "./representation.js";
import type { Tokenizer } from "./tokenizers/index.js";

const RenderJobTestSchema = z
  .strictObject({ call: z.string().optional(), stdin: z.string().optional(), expect: z.string().optional() })
  .refine((test) => (test.call === undefined) !== (test.stdin === undefined), { message: "give exactly one of `call` or `stdin`" });

export const RenderJobSchema = z.strictObject({
  id: z.union([z.string(), z.number()]),
  program: z.string(),
  tests: z.array(RenderJobTestSchema).min(1),
});

export type RenderJob = z.infer<typeof RenderJobSchema>;

/** One representation's rendering of a job, or why there is none. */
export type FormatResult = { format: string; text: string; tokens: number; clipped: ClipReport } | { format: string; error: string; tokens?: number };

export interface RenderSettings {
  representations: readonly Representation[];
  options: RenderOptions;
  /** Shrink each rendering until it fits this many tokens; a rendering that cannot is an error result. */
  budget?: number;
  tokenizer: Tokenizer;
}

/** Every representation's rendering of traced tests, in the order of `settings.representations`. */
export function renderFormats(input: RenderInput, settings: RenderSettings): FormatResult[] {
  return settings.representations.map((representation) => renderFormat(representation, input, settings));
}

function renderFormat(representation: Representation, input: RenderInput, { options, budget, tokenizer }: RenderSettings): FormatResult {
  const format = representation.name;
  if (budget === undefined) {
    const rendering = representation.render(input, options);
    return { format, text: rendering.text, tokens: tokenizer.count(rendering.text), clipped: rendering.clipped };
  }
  const fitted = fit(representation, input, options, budget, tokenizer);
  if (!fitted.ok) return { format, error: fitted.reason, tokens: fitted.tokens };
  return { format, text: fitted.rendering.text, tokens: fitted.tokens, clipped: fitted.rendering.clipped };
}

/** Traces a job's tests (all at once, on the runtime's pool) and renders them; a failed trace is an error result per format. */
export async function renderJob(runtime: Runtime, job: RenderJob, settings: RenderSettings, limits: Partial<Limits> = {}): Promise<FormatResult[]> {
  let input: RenderInput;
  try {
    input = { program: job.program, tests: await Promise.all(job.tests.map((test) => traceTest(runtime, job.program, test, limits))) };
  } catch (error) {
    return settings.representations.map((representation) => ({ format: representation.name, error: errorMessage(error) }));
  }
  return renderFormats(input, settings);
}

async function traceTest(runtime: Runtime, program: string, test: RenderJob["tests"][number], limits: Partial<Limits>): Promise<RenderTest> {
  const input: TraceInput = test.call !== undefined ? { kind: "call", call: test.call } : { kind: "stdin", stdin: test.stdin ?? "" };
  const trace = await runtime.trace({ program, input, limits });
  return { input, trace, ...(test.expect === undefined ? {} : { expected: test.expect }) };
}

/**
 * Fitting a rendering to a token budget. When the rendering is too long, it shrinks in
 * these documented, deterministic steps, stopping at the first rendering that fits:
 *   1. clip-loops: loops keep 1 first + 1 last iteration, then only the last one
 *      (and ldb paths keep at most 6, then 2 blocks);
 *   2. shorten-values: valueWidth 48, then 32, then 20;
 *   3. drop-unchanged: show only the variables each step changed;
 *   4. drop-early-steps: keep only the last N entries of each trace (those nearest the
 *      failure or the return), N as large as fits, found by binary search;
 *   5. fewer-tests: one test fewer at a time (down to 1), again with the largest N.
 * Every step only tightens an option, and the rendering reports each elision, so the
 * result never holds half a value. If even the smallest rendering is too long, the answer
 * says so with its size.
 */
import type { ResolvedRenderOptions, RenderOptions } from "./options.js";
import { resolveRenderOptions } from "./options.js";
import type { RenderInput, Rendering, Representation } from "./representation.js";
import { isFailing } from "./test-facts.js";
import type { Tokenizer } from "./tokenizers/tokenizer.js";

export type FitStepName = "clip-loops" | "shorten-values" | "drop-unchanged" | "drop-early-steps" | "fewer-tests";

export type FitResult =
  | { ok: true; rendering: Rendering; tokens: number; steps: FitStepName[]; options: ResolvedRenderOptions }
  | { ok: false; reason: string; tokens: number };

const VALUE_WIDTHS = [48, 32, 20];

interface Attempt {
  options: ResolvedRenderOptions;
  rendering: Rendering;
  tokens: number;
}

export function fit(representation: Representation, input: RenderInput, options: RenderOptions | undefined, budget: number, tokenizer: Tokenizer): FitResult {
  const attempt = (resolved: ResolvedRenderOptions): Attempt => {
    const rendering = representation.render(input, resolved);
    return { options: resolved, rendering, tokens: tokenizer.count(rendering.text) };
  };
  const steps: FitStepName[] = [];
  let current = attempt(resolveRenderOptions(options, representation.defaults));
  const done = (): FitResult => ({ ok: true, rendering: current.rendering, tokens: current.tokens, steps, options: current.options });
  if (current.tokens <= budget) return done();

  const tighten = (step: FitStepName, change: Partial<ResolvedRenderOptions>): boolean => {
    const next = { ...current.options, ...change };
    if (sameOptions(next, current.options)) return false;
    current = attempt(next);
    if (!steps.includes(step)) steps.push(step);
    return current.tokens <= budget;
  };

  const now = (): ResolvedRenderOptions => current.options;
  const stages: [FitStepName, () => Partial<ResolvedRenderOptions>][] = [
    [
      "clip-loops",
      () => ({
        loopHead: Math.min(now().loopHead, 1),
        loopTail: Math.min(now().loopTail, 1),
        maxBlocks: Math.min(now().maxBlocks, 6),
      }),
    ],
    ["clip-loops", () => ({ loopHead: 0, loopTail: 1, maxBlocks: 2 })],
    ...VALUE_WIDTHS.map((width): [FitStepName, () => Partial<ResolvedRenderOptions>] => [
      "shorten-values",
      () => ({ valueWidth: Math.min(now().valueWidth, width) }),
    ]),
    ["drop-unchanged", () => ({ showUnchanged: false })],
  ];
  for (const [step, change] of stages) if (tighten(step, change())) return done();

  const maxEntries = Math.max(0, ...input.tests.map((test) => test.trace.events.length));
  const keepLargest = (step: FitStepName): boolean => {
    const fitting = largestFitting(maxEntries, (keep) => attempt({ ...current.options, keepLastSteps: keep }), budget);
    const found = fitting ?? attempt({ ...current.options, keepLastSteps: 0 });
    if (!sameOptions(found.options, current.options) && !steps.includes(step)) steps.push(step);
    current = found;
    return fitting !== undefined;
  };
  if (keepLargest("drop-early-steps")) return done();

  for (let tests = Math.min(now().maxTests, candidateCount(input)) - 1; tests >= 1; tests -= 1) {
    if (!steps.includes("fewer-tests")) steps.push("fewer-tests");
    current = attempt({ ...current.options, maxTests: tests, keepLastSteps: undefined });
    if (current.tokens <= budget) return done();
    if (keepLargest("fewer-tests")) return done();
  }
  return {
    ok: false,
    reason: `the smallest ${representation.name} rendering has ${current.tokens} tokens, over the budget of ${budget}`,
    tokens: current.tokens,
  };
}

/** Binary search for the largest `keep` in [0, upper) whose rendering fits. */
function largestFitting(upper: number, attemptWith: (keep: number) => Attempt, budget: number): Attempt | undefined {
  let low = 0;
  let high = upper - 1;
  let best: Attempt | undefined;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const result = attemptWith(middle);
    if (result.tokens <= budget) {
      best = result;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best;
}

/** How many tests a representation would show without `maxTests` (see test-facts.ts). */
function candidateCount(input: RenderInput): number {
  const failing = input.tests.filter(isFailing).length;
  return failing > 0 ? failing : input.tests.length;
}

function sameOptions(a: ResolvedRenderOptions, b: ResolvedRenderOptions): boolean {
  return (Object.keys(a) as (keyof ResolvedRenderOptions)[]).every((key) => a[key] === b[key]);
}

/**
 * Options shared by every representation. Each has a default; a representation may
 * override a default (documented in its module and in `Representation.defaults`).
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

export const renderOptionsSchema = z
  .object({
    /**
     * Longest value shown, marker included; longer reprs become head…(N chars)…tail. A test's
     * input, expected and actual output get FACT_WIDTH_FACTOR (4) times this width.
     */
    valueWidth: z.number().int().min(20).optional(),
    /** Loop runs keep their first `loopHead` and last `loopTail` iterations; the rest is counted. */
    loopHead: z.number().int().min(0).optional(),
    loopTail: z.number().int().min(0).optional(),
    /** At most this many failing tests are shown; the rest are counted. */
    maxTests: z.number().int().min(1).optional(),
    /** Repeat variables that did not change (full state) instead of only the changes. */
    showUnchanged: z.boolean().optional(),
    /** Calls nested deeper than this (0 = the entry function only) are hidden and counted. */
    maxDepth: z.number().int().min(0).optional(),
    /** ldb: paths with more basic blocks keep the first and last ones and count the rest. */
    maxBlocks: z.number().int().min(2).optional(),
    /** Keep only the last N entries of each trace (the ones nearest the result); unset = all. */
    keepLastSteps: z.number().int().min(0).optional(),
    /**
     * Inline and sequence formats: mark the top SBFL_TOP Ochiai-suspicious lines (over the
     * given tests' line coverage) with their rank, as `sbfl` does; off by default.
     */
    suspiciousness: z.boolean().optional(),
  })
  .strict()
  .refine((options) => (options.loopHead ?? 1) + (options.loopTail ?? 1) >= 1, {
    message: "loopHead + loopTail must be at least 1 (a clipped loop keeps one iteration)",
    path: ["loopTail"],
  });

export type RenderOptions = z.input<typeof renderOptionsSchema>;

export interface ResolvedRenderOptions {
  valueWidth: number;
  loopHead: number;
  loopTail: number;
  maxTests: number;
  showUnchanged: boolean;
  maxDepth: number;
  maxBlocks: number;
  keepLastSteps: number | undefined;
  suspiciousness: boolean;
}

export const DEFAULT_RENDER_OPTIONS: ResolvedRenderOptions = {
  valueWidth: 80,
  loopHead: 2,
  loopTail: 1,
  maxTests: 3,
  showUnchanged: false,
  maxDepth: 10,
  maxBlocks: 12,
  keepLastSteps: undefined,
  suspiciousness: false,
};

/** Validates the options and fills the gaps: explicit options, then format defaults, then shared defaults. */
export function resolveRenderOptions(options: RenderOptions = {}, formatDefaults: RenderOptions = {}): ResolvedRenderOptions {
  const parsed = renderOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    const summary = issues.map((issue) => `${issue.path || "(root)"}: ${issue.message}`).join("; ");
    throw new ConfigError(`invalid render options: ${summary}`, { issues });
  }
  const merged = { ...DEFAULT_RENDER_OPTIONS, ...definedOnly(formatDefaults), ...definedOnly(parsed.data) };
  return { ...merged, keepLastSteps: parsed.data.keepLastSteps };
}

function definedOnly(options: RenderOptions): Partial<ResolvedRenderOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

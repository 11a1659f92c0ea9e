/**
 * The experiment spec: a YAML file with a `version` key, validated by `experimentSpecSchema`
 * (published as schemas/experiment.schema.json). It names the benchmark and task subset, the
 * model backends, the feedback representations, a grid of strategies (N samples, temperature
 * T, R rounds) and the seeds. Every value but the benchmark, models and strategies has a
 * default; an unknown key is an error that names it. Relative paths are relative to the
 * spec's folder; replay files are looked up in the data folders first.
 */
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { grid, positiveInt } from "../config/grid.js";
import { loadYamlFile } from "../config/yaml-file.js";
import { ConfigError, type SchemaIssue, errorMessage } from "../core/errors.js";
import { sha256, stableStringify } from "../core/hash.js";
import { backendProviders } from "../models/registry.js";
import { renderOptionsSchema } from "../representations/options.js";
import { feedbackRepresentation } from "../scaling/feedback.js";
import { parallelEntrySchema } from "../scaling/parallel.js";
import { createStrategy, strategies } from "../scaling/registry.js";
import { revisionEntrySchema } from "../scaling/revision.js";
import { selfDebugEntrySchema } from "../scaling/selfdebug.js";
import type { StrategyDefinition, StrategyEntry } from "../scaling/strategy.js";
import { TASK_NAMES, isPredictionTask } from "../tasks/task.js";

export const EXPERIMENT_SPEC_VERSION = 1;

const modelSchema = z
  .strictObject({
    id: z.string().min(3).describe("provider:model, e.g. openai:Qwen/Qwen2.5-Coder-7B-Instruct or replay:candidates/humaneval/codellama.jsonl"),
    label: z.string().min(1).optional().describe("name in the report; default: the id"),
    baseUrls: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional()
      .describe("openai: server base URL(s), e.g. http://127.0.0.1:8000/v1"),
    apiKeyEnv: z.string().min(1).optional().describe("openai: environment variable holding the API key (loopback servers need none)"),
    requestTimeoutMs: positiveInt.optional(),
    maxConcurrency: positiveInt.optional().describe("openai: requests in flight at once"),
    maxRetries: z.int().nonnegative().optional(),
    retryBaseDelayMs: z.number().nonnegative().optional(),
    retryMaxDelayMs: z.number().nonnegative().optional(),
    deadCooldownMs: z.int().nonnegative().optional(),
    cache: z.boolean().default(true).describe("openai: keep responses in RUN_DIR/responses.sqlite, so a resumed run pays no call twice"),
    onMissing: z.enum(["error", "repeat-last"]).optional().describe("replay: what a request without a recording gets"),
    fence: z.boolean().optional().describe("replay: wrap raw programs in a ```python fence (default true)"),
    initial: z
      .string()
      .regex(/^replay:.+/, "initial must be a replay:<file> id")
      .optional()
      .describe("replay:<file> whose answers are round 0 (chain k = the task's k-th line); later rounds ask this model"),
  })
  .describe("one model backend");

/** A strategy entry, validated by the schema of the registered strategy its `kind` names. */
export const strategySpecSchema = z.looseObject({ kind: z.string() }).transform((value, context): StrategyEntry => {
  let definition: StrategyDefinition;
  try {
    definition = strategies.get(value.kind);
  } catch (error) {
    context.addIssue({ code: "custom", path: ["kind"], message: errorMessage(error), input: value.kind });
    return z.NEVER;
  }
  const parsed = definition.entry.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) context.addIssue({ code: "custom", path: issue.path, message: issue.message, input: value });
  return z.NEVER;
});

const limitsSchema = z.strictObject({
  timeoutMs: positiveInt.optional(),
  maxSteps: positiveInt.optional(),
  maxValueChars: positiveInt.optional(),
});

const experimentSpecObject = z.strictObject({
  version: z.literal(EXPERIMENT_SPEC_VERSION),
  name: z.string().min(1).default("experiment"),
  description: z.string().optional(),
  benchmark: z.strictObject({
    name: z.string().min(1).describe("benchmark loader: humaneval+, mbpp+, cruxeval, humaneval-repair, mbpp-repair, generic, reason-questions, ..."),
    split: z.string().min(1).optional().describe("reason-questions: default the task's questions (reason-state → state)"),
    path: z.string().min(1).optional().describe("the benchmark's own file (generic, reason-questions), relative to the spec"),
    tasks: z.array(z.string().min(1)).min(1).optional().describe("only these task ids"),
    limit: positiveInt.optional().describe("only the first N tasks (after `tasks`)"),
    groups: z
      .array(z.enum(["base", "plus"]))
      .min(1)
      .optional()
      .describe("keep only these test groups, e.g. [base] for the original tests"),
  }),
  task: z
    .strictObject({
      name: z.enum(TASK_NAMES).default("generate"),
      template: z.string().min(1).optional().describe("prompt template file replacing the built-in one"),
      feedbackTemplate: z.string().min(1).optional().describe("template file replacing the built-in selfdebug feedback turn"),
      fewShot: z
        .strictObject({
          path: z.string().min(1).describe("YAML list of {program, call, expected?, answer}"),
          representation: z.string().min(1).default("concise").describe("how each example's trace is shown"),
        })
        .optional(),
    })
    .prefault({}),
  models: z.array(modelSchema).min(1),
  representations: z
    .array(z.string().min(1))
    .min(1)
    .default(["tests"])
    .describe("feedback kinds: none, tests, trace:<representation> (used by selfdebug, revision and repair prompts)"),
  feedback: z
    .strictObject({
      budget: positiveInt.default(2048).describe("tokens the rendered feedback may take"),
      tokenizer: z.string().min(1).default("o200k_base").describe("o200k_base, cl100k_base or a tokenizer.json path"),
      maxTests: positiveInt.default(3).describe("failing tests traced and shown at most"),
      maxPassing: positiveInt.default(5).describe("passing public tests traced at most, for representations that compare with them (sbfl, divergence)"),
      reference: z
        .boolean()
        .default(false)
        .describe(
          "also trace the problem's reference solution on the failing inputs for representations that compare with it (divergence): an oracle, off by default",
        ),
      render: renderOptionsSchema.optional(),
      limits: limitsSchema.optional().describe("limits of the feedback traces"),
    })
    .prefault({}),
  strategies: z.array(strategySpecSchema).min(1),
  seeds: grid(z.int().nonnegative()).default([0]),
  sampling: z
    .strictObject({
      maxTokens: positiveInt.optional(),
      topP: z.number().gt(0).max(1).optional(),
    })
    .prefault({}),
  evaluation: z
    .strictObject({
      hiddenMode: z.enum(["first-failure", "all"]).default("first-failure"),
      timeoutFactor: z.number().positive().optional(),
      minTimeoutMs: positiveInt.optional(),
    })
    .prefault({}),
  runtime: z
    .strictObject({
      name: z.enum(["pyodide", "cpython"]).default("pyodide"),
      poolSize: positiveInt.optional(),
      memoryMb: positiveInt.optional(),
      unsafeNoIsolation: z.boolean().default(false),
    })
    .prefault({}),
  concurrency: positiveInt.default(4).describe("(task, configuration, seed) cells run at once"),
});

export const experimentSpecSchema = experimentSpecObject.superRefine(checkCombinations).meta({ title: "semtrace experiment spec" });

export type ExperimentSpec = z.output<typeof experimentSpecSchema>;
export type ExperimentSpecInput = z.input<typeof experimentSpecSchema>;
export type StrategySpec = StrategyEntry;
export type ModelSpec = ExperimentSpec["models"][number];

function checkCombinations(typed: z.output<typeof experimentSpecObject>, context: z.RefinementCtx): void {
  typed.representations.forEach((kind, index) => {
    try {
      feedbackRepresentation(kind);
    } catch (error) {
      context.addIssue({ code: "custom", path: ["representations", index], message: errorMessage(error) });
    }
  });
  const predicting = isPredictionTask(typed.task.name);
  const labels = new Set<string>();
  typed.strategies.forEach((strategy, index) => {
    const label = strategyLabel(strategy);
    if (labels.has(label)) {
      context.addIssue({
        code: "custom",
        path: ["strategies", index, "label"],
        message: `two strategy entries are called ${label}: give one a different label`,
      });
    }
    labels.add(label);
    if (predicting && createStrategy(strategy).usesFeedback) {
      context.addIssue({
        code: "custom",
        path: ["strategies", index, "kind"],
        message: `task ${typed.task.name} has no public tests to give feedback on: use parallel`,
      });
    }
    if (predicting && "selection" in strategy && Array.isArray(strategy.selection) && strategy.selection.includes("public-filter")) {
      context.addIssue({ code: "custom", path: ["strategies", index, "selection"], message: `task ${typed.task.name} has no public tests to filter on` });
    }
  });
  const modelLabels = new Set<string>();
  typed.models.forEach((model, index) => {
    const label = model.label ?? model.id;
    if (modelLabels.has(label)) {
      context.addIssue({ code: "custom", path: ["models", index, "label"], message: `two models are called ${label}: give one a different label` });
    }
    modelLabels.add(label);
    const provider = model.id.slice(0, Math.max(0, model.id.indexOf(":")));
    if (!backendProviders.has(provider) || model.id.length === provider.length + 1) {
      context.addIssue({
        code: "custom",
        path: ["models", index, "id"],
        message: `model id "${model.id}" must be <provider>:<model> with a provider among ${backendProviders.names().join(", ")}`,
      });
    }
  });
}

/** The name an entry's outcomes carry in the report. */
export function strategyLabel(strategy: StrategySpec): string {
  return strategy.label ?? strategy.kind;
}

/** The JSON Schema of the spec file (what a user writes: defaults are optional). */
export function experimentSpecJsonSchema(): Record<string, unknown> {
  // The published schema spells out the built-in strategies; parsing takes any registered one.
  const builtins = z.discriminatedUnion("kind", [parallelEntrySchema, selfDebugEntrySchema, revisionEntrySchema]);
  const published = experimentSpecObject.extend({ strategies: z.array(builtins).min(1) }).meta({ title: "semtrace experiment spec" });
  return z.toJSONSchema(published, { io: "input" }) as Record<string, unknown>;
}

/** Validates a parsed spec and fills its defaults; every problem is an issue with its path. */
export function parseExperimentSpec(value: unknown, source = "experiment spec"): ExperimentSpec {
  const parsed = experimentSpecSchema.safeParse(value);
  if (!parsed.success) {
    const issues: SchemaIssue[] = parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "(root)", message: issue.message }));
    throw new ConfigError(`${source} is invalid: ${issues.map((issue) => `${issue.message} at ${issue.path}`).join("; ")}`, { issues, source });
  }
  return parsed.data;
}

export interface LoadedExperimentSpec {
  spec: ExperimentSpec;
  path: string;
  /** Relative paths in the spec are resolved against this folder. */
  directory: string;
  /** sha256 of the validated spec: a run directory belongs to one spec. */
  hash: string;
}

export async function loadExperimentSpec(path: string): Promise<LoadedExperimentSpec> {
  const value = await loadYamlFile(path, "experiment spec");
  const spec = parseExperimentSpec(value, path);
  return { spec, path, directory: dirname(resolve(path)), hash: hashExperimentSpec(spec) };
}

/** Model settings that change how answers are fetched, not what they are. */
const OPERATIONAL_MODEL_KEYS = [
  "baseUrls",
  "apiKeyEnv",
  "requestTimeoutMs",
  "maxConcurrency",
  "maxRetries",
  "retryBaseDelayMs",
  "retryMaxDelayMs",
  "deadCooldownMs",
  "cache",
] as const;

/**
 * The identity of a spec's results. Settings that cannot change them (concurrency, the sandbox
 * pool, server URLs, timeouts, retries, the response cache) are left out, so a run can be
 * resumed with more workers or on a moved server.
 */
export function hashExperimentSpec(spec: ExperimentSpec): string {
  const { concurrency: _concurrency, runtime, models, ...rest } = spec;
  const { poolSize: _poolSize, ...sandbox } = runtime;
  const results = models.map((model) =>
    Object.fromEntries(Object.entries(model).filter(([key]) => !(OPERATIONAL_MODEL_KEYS as readonly string[]).includes(key))),
  );
  return sha256(stableStringify({ ...rest, runtime: sandbox, models: results }));
}

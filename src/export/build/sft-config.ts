/**
 * The SFT build configuration: a YAML file with a `version` key, validated by
 * `sftBuildConfigSchema` (published as schemas/sft-build-config.schema.json). Every value but
 * the sources has a default; an unknown key is an error that names it. The `task` is `repair`
 * (pairs sources, repair chats) or `trace-prediction` (programs sources, see trace-prediction.ts). Relative paths in the
 * file (samples, pairs, template, rationale, data folder) are relative to the file's folder: the
 * config keeps them as written (so a manifest that records it stays portable) and
 * `resolveConfigPath` resolves them where they are used.
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { loadYamlFile } from "../../config/yaml-file.js";
import { ConfigError, type SchemaIssue } from "../../core/errors.js";
import { MUTATION_OPERATORS } from "../../pairs/mutation.js";
import { FAILURE_KINDS, FIX_STRATEGIES, DEFAULT_KEPT_KINDS } from "../../pairs/repair-pair.js";
import { SPLIT_NAMES } from "../../pairs/splits.js";
import { renderOptionsSchema } from "../../representations/options.js";
import { REPRESENTATION_NAMES } from "../../representations/representation.js";
import { llamaFactoryTrainingOptionsSchema } from "../llama-factory-training.js";
import { TRL_VARIANTS } from "../trl.js";
import { TRACE_TARGET_FORMATS } from "./trace-targets.js";

export const SFT_BUILD_CONFIG_VERSION = 1;

const taskIds = z.array(z.string().min(1)).min(1).optional().describe("only these task ids of the benchmark");

const candidatesSource = z.strictObject({
  kind: z.literal("candidates"),
  benchmark: z.enum(["humaneval", "mbpp"]).describe("pool folder under candidates/ in the data folder"),
  models: z
    .union([z.literal("all"), z.array(z.string().min(1)).min(1)])
    .default("all")
    .describe("pool files (without .jsonl), or all of them"),
  tasks: taskIds,
});

const benchmarkFile = z.string().min(1).optional().describe("the benchmark's own file, for loaders that read one (generic)");

const samplesSource = z.strictObject({
  kind: z.literal("samples"),
  benchmark: z.string().min(1).describe("benchmark loader name, e.g. humaneval+"),
  benchmarkFile,
  split: z.string().min(1).optional(),
  path: z.string().min(1).describe("EvalPlus-style samples JSONL ({task_id, solution|completion})"),
  tasks: taskIds,
});

const mutationSource = z.strictObject({
  kind: z.literal("mutation"),
  benchmark: z.string().min(1),
  benchmarkFile,
  split: z.string().min(1).optional(),
  maxPerProblem: z.int().positive().default(4),
  operators: z.array(z.enum(MUTATION_OPERATORS)).min(1).optional(),
  tasks: taskIds,
});

const pairsSource = z.strictObject({
  kind: z.literal("pairs"),
  path: z.string().min(1).describe("pairs JSONL written by `semtrace pairs`"),
});

const programsSource = z.strictObject({
  kind: z.literal("programs"),
  benchmark: z.string().min(1).describe("benchmark loader name, e.g. humaneval+; its reference programs are traced"),
  benchmarkFile,
  split: z.string().min(1).optional(),
  inputsPerProgram: z.int().positive().default(1).describe("io inputs traced per program, drawn by the seed"),
  tasks: taskIds,
});

export const pairSourceSchema = z.discriminatedUnion("kind", [candidatesSource, samplesSource, mutationSource, pairsSource, programsSource]);

export const SFT_TASKS = ["repair", "trace-prediction"] as const;

const limitsSchema = z.strictObject({
  timeoutMs: z.int().positive().optional(),
  maxSteps: z.int().positive().optional(),
  maxValueChars: z.int().positive().optional(),
  maxOutputBytes: z.int().positive().optional(),
  memoryMb: z.int().positive().optional(),
});

const sftBuildConfigObject = z.strictObject({
  version: z.literal(SFT_BUILD_CONFIG_VERSION),
  task: z.enum(SFT_TASKS).default("repair").describe("repair: buggy program + feedback → fix; trace-prediction: program + input → its execution"),
  seed: z.int().min(0).max(0xffffffff).default(42),
  dataDir: z.string().min(1).optional().describe("data folder; the --data-dir flag takes precedence"),
  sources: z.array(pairSourceSchema).min(1),
  mining: z
    .strictObject({
      keep: z
        .array(z.enum(FAILURE_KINDS))
        .min(1)
        .default([...DEFAULT_KEPT_KINDS]),
      fix: z.enum(FIX_STRATEGIES).default("reference"),
      fallbackToReference: z.boolean().default(false),
      tests: z.enum(["hidden", "public", "all"]).default("hidden").describe("tests that judge a program"),
    })
    .prefault({}),
  evaluation: z.strictObject({ timeoutFactor: z.number().positive().default(4), minTimeoutMs: z.int().positive().default(1000) }).prefault({}),
  runtime: z
    .strictObject({
      name: z.enum(["pyodide", "cpython"]).default("pyodide"),
      poolSize: z.int().positive().optional(),
      limits: limitsSchema.prefault({}),
    })
    .prefault({}),
  representations: z.union([z.literal("all"), z.array(z.enum(REPRESENTATION_NAMES)).min(1)]).default("all"),
  splits: z
    .array(z.enum(SPLIT_NAMES))
    .min(1)
    .default([...SPLIT_NAMES]),
  prompt: z
    .strictObject({
      template: z.string().min(1).optional().describe("repair prompt template file (tasks template format); default: the built-in repair-sft template"),
      tracedTests: z.int().min(1).default(3).describe("failing tests traced per pair (k)"),
      render: renderOptionsSchema.default({}),
      fit: z.boolean().default(true).describe("shrink each rendering to fit the cutoff before giving up on a pair"),
      reference: z
        .boolean()
        .default(false)
        .describe("trace the fixed program on the failing inputs for representations that compare with it (divergence); its values come from the target"),
    })
    .prefault({}),
  cutoff: z
    .strictObject({
      tokens: z.int().positive().default(2048),
      tokenizer: z.string().min(1).default("o200k_base"),
      countTarget: z.boolean().default(false).describe("count the target's tokens too (trace-prediction always counts them)"),
    })
    .prefault({}),
  rationale: z
    .strictObject({
      file: z.string().min(1).optional().describe("JSONL of {pairId, rationale}; default: the pairs' own rationale field"),
      position: z.enum(["prompt", "target"]).default("target"),
      missing: z.enum(["drop", "keep"]).default("drop").describe("a pair without a rationale is dropped, or kept without"),
    })
    .optional(),
  tracePrediction: z
    .strictObject({
      formats: z
        .array(z.enum(TRACE_TARGET_FORMATS))
        .min(1)
        .default([...TRACE_TARGET_FORMATS])
        .describe("target formats, one dataset each"),
      maxSteps: z.int().positive().default(300).describe("an execution with more trace events is dropped"),
      testFraction: z.number().min(0).max(1).default(0.1).describe("share of programs held out as the test split"),
      template: z
        .string()
        .min(1)
        .optional()
        .describe("prompt template file ({{program}}, {{call}}, {{format}}); default: the built-in trace-prediction-sft template"),
    })
    .prefault({}),
  export: z
    .strictObject({
      llamaFactory: z
        .strictObject({
          datasetDirectory: z.string().min(1).optional().describe("dataset_dir in the training YAMLs; default: the output folder"),
          training: llamaFactoryTrainingOptionsSchema.optional(),
        })
        .prefault({}),
      openai: z.boolean().default(true),
      trl: z.union([z.literal(false), z.strictObject({ variant: z.enum(TRL_VARIANTS).default("messages") })]).default({ variant: "messages" }),
    })
    .prefault({}),
});

export const sftBuildConfigSchema = sftBuildConfigObject.superRefine(checkSources).meta({ title: "semtrace SFT build config" });

/** Repair builds read pairs, trace-prediction builds read programs (and have no rationale slot). */
function checkSources(config: z.output<typeof sftBuildConfigObject>, context: z.RefinementCtx): void {
  if (config.task === "trace-prediction" && config.rationale !== undefined) {
    context.addIssue({ code: "custom", path: ["rationale"], message: "task trace-prediction has no rationale slot: its target is the execution" });
  }
  config.sources.forEach((source, index) => {
    if ((source.kind === "programs") !== (config.task === "trace-prediction")) {
      const wanted = config.task === "trace-prediction" ? "programs" : "candidates, samples, mutation or pairs";
      context.addIssue({ code: "custom", path: ["sources", index, "kind"], message: `task ${config.task} reads ${wanted} sources, not ${source.kind}` });
    }
  });
}

export type SftBuildConfig = z.output<typeof sftBuildConfigSchema>;
export type SftBuildConfigInput = z.input<typeof sftBuildConfigSchema>;
export type PairSource = z.output<typeof pairSourceSchema>;

/** The published JSON Schema of the config file (what a user writes: defaults are optional). */
export function sftBuildConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sftBuildConfigSchema, { io: "input" });
}

/** Validates a parsed config and fills its defaults. */
export function parseSftBuildConfig(value: unknown, source = "SFT build config"): SftBuildConfig {
  const parsed = sftBuildConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issues: SchemaIssue[] = parsed.error.issues.map((issue) => ({
      path: issue.path.join(".") || "(root)",
      message: issue.message,
    }));
    const listed = issues.map((issue) => `${issue.message} at ${issue.path}`).join("; ");
    throw new ConfigError(`${source} is invalid: ${listed}`, { issues, source });
  }
  return parsed.data;
}

export interface LoadedSftBuildConfig {
  config: SftBuildConfig;
  /** The folder relative paths in the config are resolved against. */
  directory: string;
}

export async function loadSftBuildConfig(path: string): Promise<LoadedSftBuildConfig> {
  const value = await loadYamlFile(path, "SFT build config");
  return { config: parseSftBuildConfig(value, path), directory: dirname(resolve(path)) };
}

export function resolveConfigPath(directory: string, path: string): string {
  return isAbsolute(path) ? path : resolve(directory, path);
}

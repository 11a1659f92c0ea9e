/**
 * LLaMA-Factory training configs (the keys of its examples/train_full and examples/train_lora
 * YAMLs). One options object serves every representation and split, so they all train with the
 * same effective batch: per_device_train_batch_size × gradient_accumulation_steps × GPUs.
 */
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

export const FINETUNING_TYPES = ["full", "lora"] as const;
export type FinetuningType = (typeof FINETUNING_TYPES)[number];

const positiveInteger = z.int().positive();

export const llamaFactoryTrainingOptionsSchema = z
  .strictObject({
    modelNameOrPath: z.string().min(1),
    /** LLaMA-Factory chat template name, e.g. "qwen". */
    template: z.string().min(1),
    finetuningTypes: z.array(z.enum(FINETUNING_TYPES)).min(1).default(["full", "lora"]),
    effectiveBatchSize: positiveInteger.default(64),
    gpus: positiveInteger.default(1),
    perDeviceTrainBatchSize: positiveInteger.default(1),
    learningRate: z.number().positive().default(2e-5),
    numTrainEpochs: z.number().positive().default(2),
    lrSchedulerType: z.string().min(1).default("cosine"),
    warmupSteps: z.int().nonnegative().default(5),
    cutoffLen: positiveInteger.default(2048),
    bf16: z.boolean().default(true),
    seed: z.int().nonnegative().default(42),
    lora: z
      .strictObject({
        rank: positiveInteger.default(8),
        alpha: positiveInteger.default(16),
        dropout: z.number().min(0).max(1).default(0),
        target: z.string().min(1).default("all"),
      })
      .prefault({}),
    /** Path of a DeepSpeed config, written as `deepspeed:` when set. */
    deepspeed: z.string().min(1).optional(),
    trustRemoteCode: z.boolean().default(false),
    preprocessingNumWorkers: positiveInteger.default(16),
    loggingSteps: positiveInteger.default(10),
    /** Checkpoints go to `<outputRoot>/<dataset>/<finetuning type>`. */
    outputRoot: z.string().min(1).default("saves"),
  })
  .superRefine((options, context) => {
    const perStep = options.perDeviceTrainBatchSize * options.gpus;
    if (options.effectiveBatchSize % perStep !== 0) {
      context.addIssue({
        code: "custom",
        path: ["effectiveBatchSize"],
        message:
          `effective batch size ${options.effectiveBatchSize} is not a multiple of perDeviceTrainBatchSize × gpus = ` +
          `${options.perDeviceTrainBatchSize} × ${options.gpus} = ${perStep}; change one of the three`,
      });
    }
  });

export type LlamaFactoryTrainingOptions = z.output<typeof llamaFactoryTrainingOptionsSchema>;
export type LlamaFactoryTrainingInput = z.input<typeof llamaFactoryTrainingOptionsSchema>;

/** Validates and fills defaults; a bad value throws a ConfigError listing each issue with its path. */
export function parseLlamaFactoryTrainingOptions(input: unknown): LlamaFactoryTrainingOptions {
  const result = llamaFactoryTrainingOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const listed = issues.map((issue) => `${issue.message} (at ${issue.path || "<root>"})`).join("; ");
  throw new ConfigError(`invalid LLaMA-Factory training options: ${listed}`, { issues });
}

export function gradientAccumulationSteps(options: LlamaFactoryTrainingOptions): number {
  return options.effectiveBatchSize / (options.perDeviceTrainBatchSize * options.gpus);
}

export interface TrainingTarget {
  /** Dataset name as registered in dataset_info.json. */
  dataset: string;
  /** Folder holding dataset_info.json, as LLaMA-Factory should see it. */
  datasetDirectory: string;
  finetuningType: FinetuningType;
}

type YamlValue = string | number | boolean | { float: number };

/** The training YAML for one dataset and fine-tuning type. */
export function renderLlamaFactoryTrainingYaml(options: LlamaFactoryTrainingOptions, target: TrainingTarget): string {
  const lora: [string, YamlValue][] =
    target.finetuningType === "lora"
      ? [
          ["lora_rank", options.lora.rank],
          ["lora_alpha", options.lora.alpha],
          ["lora_dropout", { float: options.lora.dropout }],
          ["lora_target", options.lora.target],
        ]
      : [];
  const sections: [string, [string, YamlValue][]][] = [
    [
      "model",
      [
        ["model_name_or_path", options.modelNameOrPath],
        ["trust_remote_code", options.trustRemoteCode],
      ],
    ],
    [
      "method",
      [
        ["stage", "sft"],
        ["do_train", true],
        ["finetuning_type", target.finetuningType],
        ...lora,
        ...(options.deepspeed === undefined ? [] : [["deepspeed", options.deepspeed] as [string, YamlValue]]),
      ],
    ],
    [
      "dataset",
      [
        ["dataset_dir", target.datasetDirectory],
        ["dataset", target.dataset],
        ["template", options.template],
        ["cutoff_len", options.cutoffLen],
        ["overwrite_cache", true],
        ["preprocessing_num_workers", options.preprocessingNumWorkers],
      ],
    ],
    [
      "output",
      [
        ["output_dir", `${options.outputRoot}/${target.dataset}/${target.finetuningType}`],
        ["logging_steps", options.loggingSteps],
        ["save_strategy", "epoch"],
        ["plot_loss", true],
        ["overwrite_output_dir", true],
        ["report_to", "none"],
      ],
    ],
    [
      "train",
      [
        ["per_device_train_batch_size", options.perDeviceTrainBatchSize],
        ["gradient_accumulation_steps", gradientAccumulationSteps(options)],
        ["learning_rate", { float: options.learningRate }],
        ["num_train_epochs", { float: options.numTrainEpochs }],
        ["lr_scheduler_type", options.lrSchedulerType],
        ["warmup_steps", options.warmupSteps],
        ["bf16", options.bf16],
        ["seed", options.seed],
        ["ddp_timeout", 180000000],
      ],
    ],
  ];
  return sections
    .map(([title, entries]) => [`### ${title}`, ...entries.map(([key, value]) => `${key}: ${yamlScalar(value)}`)].join("\n"))
    .join("\n\n")
    .concat("\n");
}

/** Strings are double-quoted (JSON strings are valid YAML); floats always carry a `.`. */
function yamlScalar(value: YamlValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return yamlFloat(value.float);
  return String(value);
}

/**
 * A float PyYAML (YAML 1.1) also reads as a float: it takes `2e-5` for a string, so the mantissa
 * always gets a `.` (2e-5 → `2.0e-5`, 2 → `2.0`); `toExponential` already signs the exponent.
 */
export function yamlFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return `${value}.0`;
  const plain = String(value);
  if (!plain.includes("e")) return plain;
  const [mantissa = "", exponent = ""] = value.toExponential().split("e");
  return `${mantissa.includes(".") ? mantissa : `${mantissa}.0`}e${exponent}`;
}

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../src/core/errors.js";
import { createExportJsonSchemas } from "../../src/export/json-schemas.js";
import { datasetInfoEntry, renderDatasetInfo, renderSharegptJsonl, toSharegptRecord, writeLlamaFactoryExport } from "../../src/export/llama-factory.js";
import { datasetInfoSchema, sharegptRecordSchema } from "../../src/export/llama-factory-schemas.js";
import { parseLlamaFactoryTrainingOptions, yamlFloat } from "../../src/export/llama-factory-training.js";
import type { SftDataset } from "../../src/export/sft-example.js";
import { loadExampleFixtures, readJsonlValues, useTemporaryDirectories } from "./helpers.js";
import { describeIf } from "../helpers/requirements.js";

const examples = loadExampleFixtures();
const [withSystem, withoutSystem, multiTurn] = examples as [(typeof examples)[number], (typeof examples)[number], (typeof examples)[number]];
const datasets: SftDataset[] = [
  { representation: "concise", split: "sim-ge-0.75", examples },
  { representation: "concise", split: "random", examples: [withoutSystem] },
  { representation: "none", split: "random", examples: [multiTurn, withSystem] },
];
const training = { modelNameOrPath: "Qwen/Qwen2.5-Coder-7B-Instruct", template: "qwen", gpus: 4, perDeviceTrainBatchSize: 2 };
const temporaryDirectory = useTemporaryDirectories();

describe("sharegpt records", () => {
  it("map user/assistant to human/gpt and put the system message in its column", () => {
    expect(toSharegptRecord(withSystem, true)).toEqual({
      conversations: [
        { from: "human", value: withSystem.messages[1]?.content },
        { from: "gpt", value: withSystem.messages[2]?.content },
      ],
      system: "You fix buggy Python programs.",
    });
    expect(toSharegptRecord(withoutSystem, true).system).toBe("");
    expect(toSharegptRecord(withoutSystem, false)).toEqual({
      conversations: [
        { from: "human", value: 'Réparez: print("héllo"\t)' },
        { from: "gpt", value: 'print("héllo")' },
      ],
    });
    expect(toSharegptRecord(multiTurn, true).conversations.map((message) => message.from)).toEqual(["human", "gpt", "human", "gpt"]);
  });

  it("reject chats LLaMA-Factory cannot read, naming the example", () => {
    const bad = {
      id: "bad-1",
      messages: [
        { role: "assistant" as const, content: "x" },
        { role: "user" as const, content: "y" },
      ],
    };
    expect(() => toSharegptRecord(bad, true)).toThrow(/bad-1: message 1 has role "assistant"/);
    const unanswered = { id: "bad-2", messages: [{ role: "user" as const, content: "y" }] };
    expect(() => toSharegptRecord(unanswered, true)).toThrow(ConfigError);
  });

  it("render one JSON object per line, each a valid sharegpt record", () => {
    const lines = renderSharegptJsonl(examples).split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe("");
    for (const line of lines.slice(0, 3)) expect(() => sharegptRecordSchema.parse(JSON.parse(line))).not.toThrow();
  });
});

describe("dataset_info.json", () => {
  it("has one sharegpt entry per file, sorted by name, with the system column only when used", () => {
    const info = datasetInfoSchema.parse(JSON.parse(renderDatasetInfo(datasets)));
    expect(Object.keys(info)).toEqual(["concise.random", "concise.sim-ge-0.75", "none.random"]);
    expect(info["concise.sim-ge-0.75"]).toEqual({
      file_name: "concise.sim-ge-0.75.jsonl",
      formatting: "sharegpt",
      columns: { messages: "conversations", system: "system" },
      tags: { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt" },
    });
    expect(datasetInfoEntry(datasets[1] as SftDataset).columns).toEqual({ messages: "conversations" });
  });

  it("rejects file-unsafe names and duplicate datasets", () => {
    expect(() => renderDatasetInfo([{ representation: "concise", split: "sim>=0.75", examples }])).toThrow(/not safe/);
    expect(() => renderDatasetInfo([datasets[0] as SftDataset, datasets[0] as SftDataset])).toThrow(/both named/);
  });
});

describe("training options", () => {
  it("default to the study's hyper-parameters", () => {
    const options = parseLlamaFactoryTrainingOptions({ modelNameOrPath: "m", template: "qwen" });
    expect(options).toMatchObject({
      learningRate: 2e-5,
      numTrainEpochs: 2,
      lrSchedulerType: "cosine",
      warmupSteps: 5,
      cutoffLen: 2048,
      bf16: true,
      effectiveBatchSize: 64,
      finetuningTypes: ["full", "lora"],
      lora: { rank: 8, alpha: 16, dropout: 0, target: "all" },
    });
  });

  it("reject an effective batch that per-device batch × GPUs does not divide", () => {
    const attempt = (): unknown => parseLlamaFactoryTrainingOptions({ ...training, gpus: 3 });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/not a multiple of perDeviceTrainBatchSize × gpus = 2 × 3 = 6/);
    try {
      attempt();
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([expect.objectContaining({ path: "effectiveBatchSize" })]);
    }
  });

  it("reject unknown keys", () => {
    expect(() => parseLlamaFactoryTrainingOptions({ ...training, learning_rate: 1 })).toThrow(ConfigError);
  });

  it("render floats that YAML 1.1 also reads as floats", () => {
    expect([2e-5, 1e-7, 2, 0.5, 1.5e-4].map(yamlFloat)).toEqual(["0.00002", "1.0e-7", "2.0", "0.5", "0.00015"]);
  });
});

describe("writeLlamaFactoryExport", () => {
  it("writes data files, dataset_info.json and a full and a LoRA YAML per dataset", async () => {
    const directory = await temporaryDirectory();
    const paths = await writeLlamaFactoryExport(directory, datasets, { training, datasetDirectory: "data/semtrace" });
    expect(paths.map((path) => basename(path))).toEqual([
      "concise.sim-ge-0.75.jsonl",
      "concise.random.jsonl",
      "none.random.jsonl",
      "dataset_info.json",
      "concise.sim-ge-0.75.full.yaml",
      "concise.sim-ge-0.75.lora.yaml",
      "concise.random.full.yaml",
      "concise.random.lora.yaml",
      "none.random.full.yaml",
      "none.random.lora.yaml",
    ]);
    expect(readJsonlValues(join(directory, "none.random.jsonl")).map((record) => sharegptRecordSchema.parse(record).system)).toEqual([
      "You fix buggy Python programs.",
      "You fix buggy Python programs.",
    ]);

    const full = parseYaml(readFileSync(join(directory, "concise.random.full.yaml"), "utf8")) as Record<string, unknown>;
    expect(full).toEqual({
      model_name_or_path: "Qwen/Qwen2.5-Coder-7B-Instruct",
      trust_remote_code: false,
      stage: "sft",
      do_train: true,
      finetuning_type: "full",
      dataset_dir: "data/semtrace",
      dataset: "concise.random",
      template: "qwen",
      cutoff_len: 2048,
      overwrite_cache: true,
      preprocessing_num_workers: 16,
      output_dir: "saves/concise.random/full",
      logging_steps: 10,
      save_strategy: "epoch",
      plot_loss: true,
      overwrite_output_dir: true,
      report_to: "none",
      per_device_train_batch_size: 2,
      gradient_accumulation_steps: 8,
      learning_rate: 2e-5,
      num_train_epochs: 2,
      lr_scheduler_type: "cosine",
      warmup_steps: 5,
      bf16: true,
      seed: 42,
      ddp_timeout: 180000000,
    });
    const lora = parseYaml(readFileSync(join(directory, "none.random.lora.yaml"), "utf8")) as Record<string, unknown>;
    expect(lora).toMatchObject({ finetuning_type: "lora", lora_rank: 8, lora_alpha: 16, lora_dropout: 0, lora_target: "all" });
    expect(lora.output_dir).toBe("saves/none.random/lora");
  });

  it("uses the same effective batch for every representation and split", async () => {
    const directory = await temporaryDirectory();
    const paths = await writeLlamaFactoryExport(directory, datasets, { training: { ...training, finetuningTypes: ["full"] } });
    const yamls = paths.filter((path) => path.endsWith(".yaml"));
    expect(yamls).toHaveLength(3);
    for (const path of yamls) {
      const config = parseYaml(readFileSync(path, "utf8")) as Record<string, number>;
      expect((config.per_device_train_batch_size ?? 0) * (config.gradient_accumulation_steps ?? 0) * 4).toBe(64);
      expect(config.dataset_dir).toBe(directory);
    }
  });

  it("writes byte-identical files for the same input, with \\n line endings and a final newline", async () => {
    const first = await temporaryDirectory();
    const second = await temporaryDirectory();
    const firstPaths = await writeLlamaFactoryExport(first, datasets, { training, datasetDirectory: "data" });
    const secondPaths = await writeLlamaFactoryExport(second, datasets, { training, datasetDirectory: "data" });
    firstPaths.forEach((path, index) => {
      const bytes = readFileSync(path);
      expect(bytes.equals(readFileSync(secondPaths[index] as string))).toBe(true);
      expect(bytes.includes("\r")).toBe(false);
      expect(bytes.at(-1)).toBe(0x0a);
    });
  });

  it("writes files that the published JSON Schemas accept", async () => {
    const directory = await temporaryDirectory();
    await writeLlamaFactoryExport(directory, datasets);
    const schemas = createExportJsonSchemas();
    const record = z.fromJSONSchema(schemas["llama-factory-sharegpt-record.schema.json"] as z.core.JSONSchema.JSONSchema);
    const info = z.fromJSONSchema(schemas["llama-factory-dataset-info.schema.json"] as z.core.JSONSchema.JSONSchema);
    for (const dataset of datasets) {
      const path = join(directory, `${dataset.representation}.${dataset.split}.jsonl`);
      for (const value of readJsonlValues(path)) expect(record.safeParse(value).success).toBe(true);
    }
    expect(info.safeParse(JSON.parse(readFileSync(join(directory, "dataset_info.json"), "utf8"))).success).toBe(true);
    expect(
      record.safeParse({
        conversations: [
          { from: "user", value: "x" },
          { from: "gpt", value: "y" },
        ],
      }).success,
    ).toBe(false);
  });
});

function hasPyYaml(): boolean {
  try {
    execFileSync("python3", ["-c", "import yaml"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describeIf(hasPyYaml(), "needs python3 with PyYAML", "training YAML read by PyYAML, as LLaMA-Factory reads it", () => {
  it("keeps numbers numeric", async () => {
    const directory = await temporaryDirectory();
    await writeLlamaFactoryExport(directory, datasets.slice(0, 1), {
      training: { ...training, learningRate: 1e-7, finetuningTypes: ["lora"] },
    });
    const script = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    const output = execFileSync("python3", ["-c", script, join(directory, "concise.sim-ge-0.75.lora.yaml")], { encoding: "utf8" });
    const loaded = z.object({ learning_rate: z.number(), num_train_epochs: z.number(), lora_dropout: z.number(), bf16: z.boolean() }).parse(JSON.parse(output));
    expect(loaded).toEqual({ learning_rate: 1e-7, num_train_epochs: 2, lora_dropout: 0, bf16: true });
  });
});

/**
 * LLaMA-Factory export: sharegpt JSONL data files (`<representation>.<split>.jsonl`; its loader
 * maps `.jsonl` to the JSON-lines reader), a dataset_info.json with one entry per file, and
 * training YAMLs for each file and fine-tuning type.
 */
import { join } from "node:path";
import { ConfigError } from "../core/errors.js";
import { renderJson, renderJsonl, writeTextFile } from "./files.js";
import type { DatasetInfoEntry, SharegptRecord } from "./llama-factory-schemas.js";
import { parseLlamaFactoryTrainingOptions, renderLlamaFactoryTrainingYaml, type LlamaFactoryTrainingInput } from "./llama-factory-training.js";
import { assertChatShape, sftFileName, type SftDataset, type SftExample } from "./sft-example.js";

/** The sharegpt tags written into every dataset_info.json entry (LLaMA-Factory's defaults, made explicit). */
export const SHAREGPT_TAGS = { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt" } as const;

/**
 * One sharegpt record. The system message, if any, goes to the `system` column; with
 * `withSystemColumn` every record of a file carries `system` ("" when it has none) so the
 * column exists for the whole file.
 */
export function toSharegptRecord(example: SftExample, withSystemColumn: boolean): SharegptRecord {
  assertChatShape(example);
  const [first, ...rest] = example.messages;
  const system = first?.role === "system" ? first.content : undefined;
  if (system !== undefined && !withSystemColumn) {
    throw new ConfigError(`SFT example ${example.id} has a system message but its file has no system column`);
  }
  const turns = system === undefined ? example.messages : rest;
  const conversations = turns.map((message) => ({
    from: message.role === "user" ? SHAREGPT_TAGS.user_tag : SHAREGPT_TAGS.assistant_tag,
    value: message.content,
  }));
  return withSystemColumn ? { conversations, system: system ?? "" } : { conversations };
}

function hasSystemMessage(examples: readonly SftExample[]): boolean {
  return examples.some((example) => example.messages[0]?.role === "system");
}

export function renderSharegptJsonl(examples: readonly SftExample[]): string {
  const withSystemColumn = hasSystemMessage(examples);
  return renderJsonl(examples.map((example) => toSharegptRecord(example, withSystemColumn)));
}

/** The dataset name registered in dataset_info.json and used as `dataset:` in training YAMLs. */
export function llamaFactoryDatasetName(representation: string, split: string): string {
  return sftFileName(representation, split).replace(/\.jsonl$/, "");
}

export function datasetInfoEntry(dataset: SftDataset): DatasetInfoEntry {
  const messages = { messages: "conversations" };
  return {
    file_name: sftFileName(dataset.representation, dataset.split),
    formatting: "sharegpt",
    columns: hasSystemMessage(dataset.examples) ? { ...messages, system: "system" } : messages,
    tags: { ...SHAREGPT_TAGS },
  };
}

/** dataset_info.json: entries sorted by dataset name; two datasets with one name are an error. */
export function renderDatasetInfo(datasets: readonly SftDataset[]): string {
  const entries = datasets
    .map((dataset) => [llamaFactoryDatasetName(dataset.representation, dataset.split), datasetInfoEntry(dataset)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  entries.forEach(([name], index) => {
    if (index > 0 && entries[index - 1]?.[0] === name) throw new ConfigError(`two datasets are both named ${name}`);
  });
  return renderJson(Object.fromEntries(entries));
}

export interface LlamaFactoryExportOptions {
  /** Training options; when absent, no training YAML is written. */
  training?: LlamaFactoryTrainingInput;
  /** `dataset_dir` written into the YAMLs; defaults to `directory` as given. */
  datasetDirectory?: string;
}

/**
 * Writes the data files, dataset_info.json and, with `options.training`, one
 * `<representation>.<split>.<full|lora>.yaml` per dataset and fine-tuning type, all in
 * `directory`. Returns the paths written, in writing order.
 */
export async function writeLlamaFactoryExport(directory: string, datasets: readonly SftDataset[], options: LlamaFactoryExportOptions = {}): Promise<string[]> {
  const datasetInfo = renderDatasetInfo(datasets);
  const training = options.training === undefined ? undefined : parseLlamaFactoryTrainingOptions(options.training);
  const datasetDirectory = options.datasetDirectory ?? directory;
  const yamls =
    training === undefined
      ? []
      : datasets.flatMap((dataset) => {
          const name = llamaFactoryDatasetName(dataset.representation, dataset.split);
          return training.finetuningTypes.map((finetuningType): [string, string] => [
            `${name}.${finetuningType}.yaml`,
            renderLlamaFactoryTrainingYaml(training, { dataset: name, datasetDirectory, finetuningType }),
          ]);
        });
  const files: [string, string][] = [
    ...datasets.map((dataset): [string, string] => [sftFileName(dataset.representation, dataset.split), renderSharegptJsonl(dataset.examples)]),
    ["dataset_info.json", datasetInfo],
    ...yamls,
  ];
  const paths = files.map(([name]) => join(directory, name));
  for (const [index, [, text]] of files.entries()) await writeTextFile(paths[index] as string, text);
  return paths;
}

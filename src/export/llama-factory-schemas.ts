/**
 * The shapes LLaMA-Factory reads for a local sharegpt dataset (data/README.md of LLaMA-Factory):
 * a record of the data file and an entry of dataset_info.json. Published as JSON Schemas.
 */
import { z } from "zod";

export const sharegptMessageSchema = z.strictObject({
  from: z.enum(["human", "gpt", "observation", "function_call"]),
  value: z.string(),
});

export const sharegptRecordSchema = z
  .strictObject({
    conversations: z.array(sharegptMessageSchema).min(2),
    system: z.string().optional(),
    tools: z.string().optional(),
  })
  .meta({
    title: "LLaMA-Factory sharegpt record",
    description: "One line of a sharegpt JSONL file: human/observation turns at odd positions, gpt/function_call turns at even positions.",
  });

const columnName = z.string().min(1);

export const datasetInfoEntrySchema = z
  .strictObject({
    file_name: z.string().min(1),
    file_sha1: z.string().optional(),
    formatting: z.enum(["alpaca", "sharegpt"]).optional(),
    ranking: z.boolean().optional(),
    subset: z.string().optional(),
    folder: z.string().optional(),
    columns: z
      .strictObject({
        prompt: columnName,
        query: columnName,
        response: columnName,
        history: columnName,
        messages: columnName,
        system: columnName,
        tools: columnName,
        images: columnName,
        chosen: columnName,
        rejected: columnName,
        kto_tag: columnName,
      })
      .partial()
      .optional(),
    tags: z
      .strictObject({
        role_tag: z.string().min(1),
        content_tag: z.string().min(1),
        user_tag: z.string().min(1),
        assistant_tag: z.string().min(1),
        observation_tag: z.string().min(1),
        function_tag: z.string().min(1),
        system_tag: z.string().min(1),
      })
      .partial()
      .optional(),
  })
  .meta({
    title: "LLaMA-Factory dataset_info.json entry",
    description: "The description of one local dataset file; dataset_info.json maps dataset names to such entries.",
  });

export const datasetInfoSchema = z.record(z.string().min(1), datasetInfoEntrySchema).meta({
  title: "LLaMA-Factory dataset_info.json",
});

export type SharegptMessage = z.infer<typeof sharegptMessageSchema>;
export type SharegptRecord = z.infer<typeof sharegptRecordSchema>;
export type DatasetInfoEntry = z.infer<typeof datasetInfoEntrySchema>;

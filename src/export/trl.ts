/**
 * TRL SFTTrainer conversational JSONL, in one of two dataset types:
 * - "messages" (default, conversational language modeling): `{"messages": [...]}`, the whole chat.
 *   TRL's loss then covers the whole sequence unless SFTConfig sets `assistant_only_loss=True`.
 * - "prompt-completion" (conversational prompt-completion): `{"prompt": [...], "completion": [...]}`,
 *   the final assistant turn as completion and everything before it as prompt. TRL's default
 *   (`completion_only_loss=None`) computes the loss on the completion only, as LLaMA-Factory does.
 */
import { join } from "node:path";
import { renderJsonl, writeTextFile } from "./files.js";
import { assertChatShape, sftFileName, type SftDataset, type SftExample, type SftMessage } from "./sft-example.js";

export const TRL_VARIANTS = ["messages", "prompt-completion"] as const;
export type TrlVariant = (typeof TRL_VARIANTS)[number];
export const DEFAULT_TRL_VARIANT: TrlVariant = "messages";

export type TrlRecord = { messages: SftMessage[] } | { prompt: SftMessage[]; completion: SftMessage[] };

export interface TrlExportOptions {
  variant?: TrlVariant;
}

export function toTrlRecord(example: SftExample, variant: TrlVariant = DEFAULT_TRL_VARIANT): TrlRecord {
  assertChatShape(example);
  const messages = example.messages.map(({ role, content }) => ({ role, content }));
  if (variant === "messages") return { messages };
  return { prompt: messages.slice(0, -1), completion: messages.slice(-1) };
}

export function renderTrlJsonl(examples: readonly SftExample[], options: TrlExportOptions = {}): string {
  return renderJsonl(examples.map((example) => toTrlRecord(example, options.variant)));
}

/** Writes `<representation>.<split>.jsonl` per dataset into `directory`; returns the paths. */
export async function writeTrlExport(directory: string, datasets: readonly SftDataset[], options: TrlExportOptions = {}): Promise<string[]> {
  const paths: string[] = [];
  for (const dataset of datasets) {
    const path = join(directory, sftFileName(dataset.representation, dataset.split));
    await writeTextFile(path, renderTrlJsonl(dataset.examples, options));
    paths.push(path);
  }
  return paths;
}

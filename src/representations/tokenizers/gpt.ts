/** OpenAI's BPE encodings through gpt-tokenizer, loaded on first use (each table is megabytes). */
import type { Tokenizer } from "./tokenizer.js";

export const GPT_ENCODINGS = ["o200k_base", "cl100k_base"] as const;
export type GptEncodingName = (typeof GPT_ENCODINGS)[number];

export function isGptEncodingName(name: string): name is GptEncodingName {
  return (GPT_ENCODINGS as readonly string[]).includes(name);
}

/** Special-token strings inside a program or trace are text, not control tokens. */
const AS_TEXT = { disallowedSpecial: new Set<string>() };

export async function loadGptTokenizer(name: GptEncodingName): Promise<Tokenizer> {
  const encoding = name === "o200k_base" ? await import("gpt-tokenizer/encoding/o200k_base") : await import("gpt-tokenizer/encoding/cl100k_base");
  return {
    name,
    count: (text) => encoding.encode(text, AS_TEXT).length,
    encode: (text) => encoding.encode(text, AS_TEXT),
  };
}

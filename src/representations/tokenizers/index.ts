/**
 * `loadTokenizer(nameOrPath)`: `o200k_base` and `cl100k_base` (OpenAI encodings), or the
 * path of a Hugging Face tokenizer.json (or of the folder holding it). Loaded tokenizers are
 * kept for the life of the process.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigError } from "../../core/errors.js";
import { GPT_ENCODINGS, isGptEncodingName, loadGptTokenizer } from "./gpt.js";
import { loadHuggingFaceTokenizer } from "./hugging-face.js";
import type { Tokenizer } from "./tokenizer.js";

export { GPT_ENCODINGS, isGptEncodingName, loadGptTokenizer, type GptEncodingName } from "./gpt.js";
export { createHuggingFaceTokenizer, loadHuggingFaceTokenizer } from "./hugging-face.js";
export type { Tokenizer } from "./tokenizer.js";

const loaded = new Map<string, Promise<Tokenizer>>();

export function loadTokenizer(nameOrPath: string): Promise<Tokenizer> {
  const key = isGptEncodingName(nameOrPath) ? nameOrPath : resolve(nameOrPath);
  let tokenizer = loaded.get(key);
  if (tokenizer === undefined) {
    tokenizer = load(nameOrPath, key);
    loaded.set(key, tokenizer);
    // A failed load is not kept, so that a corrected file can be loaded later.
    tokenizer.catch(() => loaded.delete(key));
  }
  return tokenizer;
}

function load(nameOrPath: string, key: string): Promise<Tokenizer> {
  if (isGptEncodingName(nameOrPath)) return loadGptTokenizer(nameOrPath);
  if (!existsSync(key)) {
    return Promise.reject(
      new ConfigError(`unknown tokenizer "${nameOrPath}": expected ${GPT_ENCODINGS.join(" or ")}, or the path of a tokenizer.json (or its folder)`),
    );
  }
  return loadHuggingFaceTokenizer(key);
}

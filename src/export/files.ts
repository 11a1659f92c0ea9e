/** Deterministic file output: `\n` line endings, a trailing newline, parent folders created. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { toJsonl } from "../core/jsonl.js";

/**
 * One JSON value per line. U+0085, U+2028 and U+2029 (left raw by JSON.stringify) are escaped,
 * since Python's `str.splitlines` breaks lines at them; control characters are escaped already.
 */
export function renderJsonl(records: readonly unknown[]): string {
  const escaped = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
  return toJsonl(records).replace(/[\u0085\u2028\u2029]/g, escaped);
}

/** Pretty JSON (2 spaces) with a trailing newline; key order is the objects' insertion order. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

export async function writeTextFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text, "utf8");
}

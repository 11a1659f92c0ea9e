import { readFile } from "node:fs/promises";
import { errorMessage } from "./errors.js";

/** One line of a JSONL file: parsed JSON, or the reason it could not be parsed. */
export type JsonlLine = { lineNumber: number; ok: true; value: unknown } | { lineNumber: number; ok: false; error: string };

/** Splits JSONL text into lines, skipping blank ones; a bad line is reported, not thrown. */
export function parseJsonl(text: string): JsonlLine[] {
  const lines: JsonlLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === "") return;
    const lineNumber = index + 1;
    try {
      lines.push({ lineNumber, ok: true, value: JSON.parse(raw) as unknown });
    } catch (error) {
      lines.push({ lineNumber, ok: false, error: `invalid JSON: ${errorMessage(error)}` });
    }
  });
  return lines;
}

export async function loadJsonl(path: string): Promise<JsonlLine[]> {
  return parseJsonl(await readFile(path, "utf8"));
}

export function toJsonl(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value) + "\n").join("");
}

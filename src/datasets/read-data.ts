/** Reading benchmark files: plain or gzip text, JSONL or JSON arrays, validated row by row. */
import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { type z } from "zod";
import { ConfigError, type SchemaIssue, errorMessage } from "../core/errors.js";
import { parseJsonl } from "../core/jsonl.js";
import { type LosslessJson, parseLosslessJson, toRecord } from "./lossless-json.js";

/** At most this many issues are listed, so that a wrong file does not flood the terminal. */
const maximumIssues = 20;

export async function readDataText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
}

/** One validated record with the 1-based line (JSONL) or index (JSON array) it came from. */
export interface Row<T> {
  position: number;
  value: T;
}

/** Validates JSONL rows; any malformed row is a ConfigError naming the file and its lines. */
export function parseJsonlRows<Schema extends z.ZodType>(text: string, schema: Schema, source: string): Array<Row<z.output<Schema>>> {
  const issues: SchemaIssue[] = [];
  const rows: Array<Row<z.output<Schema>>> = [];
  for (const line of parseJsonl(text)) {
    if (!line.ok) {
      issues.push({ path: `line ${line.lineNumber}`, message: line.error });
      continue;
    }
    validateInto(schema, line.value, line.lineNumber, `line ${line.lineNumber}`, rows, issues);
  }
  throwIfIssues(issues, source);
  return rows;
}

/** Like parseJsonlRows, but numbers keep their exact text (see lossless-json.ts). */
export function parseLosslessJsonlRows<Schema extends z.ZodType>(text: string, schema: Schema, source: string): Array<Row<z.output<Schema>>> {
  const issues: SchemaIssue[] = [];
  const rows: Array<Row<z.output<Schema>>> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === "") return;
    const value = parseLosslessOrIssue(raw, `line ${index + 1}`, issues);
    if (value !== undefined) validateInto(schema, toRecord(value), index + 1, `line ${index + 1}`, rows, issues);
  });
  throwIfIssues(issues, source);
  return rows;
}

/** Validates the elements of a JSON array file; `lossless` keeps numbers' text. */
export function parseJsonArrayRows<Schema extends z.ZodType>(
  text: string,
  schema: Schema,
  source: string,
  options: { lossless: boolean },
): Array<Row<z.output<Schema>>> {
  const issues: SchemaIssue[] = [];
  const document = options.lossless ? parseLosslessOrIssue(text, "(root)", issues) : parseJsonOrIssue(text, issues);
  if (document !== undefined && !Array.isArray(document)) issues.push({ path: "(root)", message: "expected a JSON array" });
  throwIfIssues(issues, source);
  const items: readonly unknown[] = Array.isArray(document) ? document : [];
  const rows: Array<Row<z.output<Schema>>> = [];
  items.forEach((item, index) => validateInto(schema, options.lossless ? toRecord(item) : item, index, `[${index}]`, rows, issues));
  throwIfIssues(issues, source);
  return rows;
}

export function parseLosslessOrIssue(text: string, where: string, issues: SchemaIssue[]): LosslessJson | undefined {
  try {
    return parseLosslessJson(text);
  } catch (error) {
    issues.push({ path: where, message: `invalid JSON: ${errorMessage(error)}` });
    return undefined;
  }
}

function parseJsonOrIssue(text: string, issues: SchemaIssue[]): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    issues.push({ path: "(root)", message: `invalid JSON: ${errorMessage(error)}` });
    return undefined;
  }
}

function validateInto<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  position: number,
  where: string,
  rows: Array<Row<z.output<Schema>>>,
  issues: SchemaIssue[],
): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    rows.push({ position, value: parsed.data });
    return;
  }
  for (const issue of parsed.error.issues) {
    issues.push({ path: [where, ...issue.path.map(String)].join("."), message: issue.message });
  }
}

export function throwIfIssues(issues: readonly SchemaIssue[], source: string): void {
  if (issues.length === 0) return;
  const shown = issues.slice(0, maximumIssues);
  const more = issues.length - shown.length;
  throw new ConfigError(
    `${source}: ${issues.length} invalid entr${issues.length === 1 ? "y" : "ies"}${more > 0 ? ` (first ${shown.length} shown)` : ""}; check that the file is the expected benchmark file`,
    { issues: shown, source },
  );
}

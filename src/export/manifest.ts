/**
 * The manifest of an SFT export: what was built, from what, with which versions, and what the
 * data looks like. Deterministic: no timestamps, fixed top-level key order, map keys sorted.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ConfigError, SemtraceError } from "../core/errors.js";
import { stableStringify } from "../core/hash.js";
import { similarityHistogram } from "../pairs/splits.js";
import { renderJson, writeTextFile } from "./files.js";

export const MANIFEST_VERSION = 1;

const count = z.int().nonnegative();
const counts = z.record(z.string(), count);

export const tokenStatisticsSchema = z.strictObject({
  count,
  /** null when there are no examples. */
  mean: z.number().nullable(),
  median: z.number().nullable(),
  p95: z.number().nullable(),
  max: z.number().nullable(),
});

export const sftManifestSchema = z
  .strictObject({
    manifestVersion: z.literal(MANIFEST_VERSION),
    config: z.unknown(),
    seed: z.int(),
    versions: z.object({ semtrace: z.string(), node: z.string() }).catchall(z.string()),
    pairCounts: counts,
    droppedPairs: counts,
    tokenStatistics: z.record(z.string(), tokenStatisticsSchema),
    similarityHistogram: z.array(z.strictObject({ lower: z.number(), upper: z.number(), count })).length(10),
  })
  .meta({ title: "semtrace SFT export manifest" });

export type TokenStatistics = z.infer<typeof tokenStatisticsSchema>;
export type SftManifest = z.infer<typeof sftManifestSchema>;

export interface ManifestInput {
  /** The build configuration (JSON-compatible); stored with its object keys sorted. */
  config: unknown;
  seed: number;
  /** Versions of the execution side, e.g. { python: "3.12.7", pyodide: "0.29.0" }. */
  runtimeVersions?: Record<string, string>;
  /** Pairs per split. */
  pairCounts: Record<string, number>;
  /** Pairs dropped, by reason. */
  droppedPairs: Record<string, number>;
  /** Token counts of the examples, per representation. */
  tokenCounts: Record<string, readonly number[]>;
  /** Similarity of every pair, for the histogram. */
  similarities: readonly number[];
}

export function buildManifest(input: ManifestInput): SftManifest {
  const runtimeVersions = input.runtimeVersions ?? {};
  assertManifestInput(input, runtimeVersions);
  const manifest: SftManifest = {
    manifestVersion: MANIFEST_VERSION,
    // A round trip through sorted-key JSON fixes key order and drops undefined values.
    config: JSON.parse(stableStringify(input.config ?? null)) as unknown,
    seed: input.seed,
    versions: { semtrace: loadSemtraceVersion(), node: process.versions.node, ...sortedRecord(runtimeVersions) },
    pairCounts: sortedRecord(input.pairCounts),
    droppedPairs: sortedRecord(input.droppedPairs),
    tokenStatistics: sortedRecord(Object.fromEntries(Object.entries(input.tokenCounts).map(([name, values]) => [name, tokenStatistics(values)]))),
    similarityHistogram: similarityHistogram(input.similarities),
  };
  const checked = sftManifestSchema.safeParse(manifest);
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    throw new ConfigError(`invalid manifest input: ${issues.map((issue) => `${issue.message} (at ${issue.path})`).join("; ")}`, { issues });
  }
  return manifest;
}

function assertManifestInput(input: ManifestInput, runtimeVersions: Record<string, string>): void {
  for (const reserved of ["semtrace", "node"]) {
    if (Object.hasOwn(runtimeVersions, reserved)) {
      throw new ConfigError(`runtimeVersions must not set "${reserved}": the manifest records it itself`);
    }
  }
  const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;
  const badCounts = Object.entries(input.tokenCounts).find(([, values]) => !values.every(isCount));
  if (badCounts !== undefined) {
    throw new ConfigError(`token counts of ${badCounts[0]} must be non-negative integers`, {
      issues: [{ path: `tokenCounts.${badCounts[0]}`, message: "expected non-negative integers" }],
    });
  }
}

/**
 * count, mean, median (mean of the two middle values for an even count), p95 (nearest rank:
 * the ⌈0.95·n⌉-th smallest) and max.
 */
export function tokenStatistics(values: readonly number[]): TokenStatistics {
  if (values.length === 0) return { count: 0, mean: null, median: null, p95: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (index: number): number => sorted[index] as number;
  const middle = Math.floor(sorted.length / 2);
  return {
    count: sorted.length,
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    median: sorted.length % 2 === 1 ? at(middle) : (at(middle - 1) + at(middle)) / 2,
    p95: at(Math.ceil(0.95 * sorted.length) - 1),
    max: at(sorted.length - 1),
  };
}

export function renderManifest(manifest: SftManifest): string {
  return renderJson(manifest);
}

export async function writeManifest(path: string, manifest: SftManifest): Promise<void> {
  await writeTextFile(path, renderManifest(manifest));
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const packageJsonSchema = z.object({ name: z.string(), version: z.string() });
let semtraceVersion: string | undefined;

/** The version in semtrace's package.json, found by walking up from this module (works from src/ and dist/). */
export function loadSemtraceVersion(): string {
  if (semtraceVersion !== undefined) return semtraceVersion;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const found = readPackageJson(join(directory, "package.json"));
    if (found?.name === "semtrace") return (semtraceVersion = found.version);
    const parent = dirname(directory);
    if (parent === directory) throw new SemtraceError("semtrace's package.json was not found", { code: "package-json" });
    directory = parent;
  }
}

function readPackageJson(path: string): z.infer<typeof packageJsonSchema> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
  const parsed = packageJsonSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

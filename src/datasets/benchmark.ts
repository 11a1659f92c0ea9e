/** What every benchmark loader shares: its options, its interface, and test-building helpers. */
import { existsSync } from "node:fs";
import { ConfigError, DataNotFoundError } from "../core/errors.js";
import { type IoTest, type Problem, type TestGroup, type TestVisibility } from "../core/problem.js";
import { type DataLocationOptions, type RequireDataFileOptions, requireDataFile } from "./data-location.js";
import { parseDocstringExamples } from "./docstring-examples.js";

export interface LoadBenchmarkOptions extends DataLocationOptions {
  /** A loader-specific subset (MBPP's `test`, APPS's `train`, LiveCodeBench's `release_v2`, ...). */
  split?: string;
  /** Keep only these task ids, in the dataset's order; an unknown id is an error. */
  tasks?: readonly string[];
  /** An explicit file or folder: the JSONL file for `generic`, the hub folder for `livecodebench` and `apps`. */
  path?: string;
  /** Told about rows a loader leaves out (for example APPS problems without tests). */
  onWarning?: (message: string) => void;
}

export interface BenchmarkLoader {
  name: string;
  description: string;
  /** Accepted `split` values, the first being the default; absent when the loader has none. */
  splits?: readonly string[];
  load(options: LoadBenchmarkOptions): Promise<Problem[]>;
}

export interface IoTestOptions {
  expected?: string;
  atol?: number;
  visibility: TestVisibility;
  group: TestGroup;
}

export function createIoTest(id: string, args: string, options: IoTestOptions): IoTest {
  const test: IoTest = { kind: "io", id, args, visibility: options.visibility, group: options.group };
  if (options.expected !== undefined) test.expected = options.expected;
  if (options.atol !== undefined && options.atol > 0) test.atol = options.atol;
  return test;
}

/** The prompt's docstring examples as public io tests with their expected values. */
export function createDocstringTests(prompt: string, entryPoint: string, atol?: number): IoTest[] {
  return parseDocstringExamples(prompt, entryPoint).map((example, index) =>
    createIoTest(`public-${index}`, example.args, {
      expected: example.expected,
      atol,
      visibility: "public",
      group: "base",
    }),
  );
}

/** Python source from Windows-edited files runs the same with `\n`, and line numbers stay clean. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

/** The requested split, or the loader's default; an unknown split is a ConfigError. */
export function requireSplit<Split extends string>(loader: { name: string; splits?: readonly Split[] }, split: string | undefined): Split {
  const splits = loader.splits ?? [];
  const chosen = split === undefined ? splits[0] : splits.find((known) => known === split);
  if (chosen === undefined) {
    throw new ConfigError(`Benchmark "${loader.name}" has no split "${String(split)}". Choose one of: ${splits.join(", ")}.`);
  }
  return chosen;
}

/**
 * The file a loader reads: `options.path` when given, otherwise the first of `relativePaths`
 * found in the data folders; missing either way, a DataNotFoundError that says how to get it.
 */
export function locateBenchmarkFile(
  options: LoadBenchmarkOptions,
  relativePaths: string | readonly string[],
  obtain: RequireDataFileOptions["obtain"],
): string {
  if (options.path !== undefined) {
    if (existsSync(options.path)) return options.path;
    throw new DataNotFoundError(`Missing data file ${options.path} (given as the benchmark path).`, { file: options.path });
  }
  return requireDataFile(relativePaths, { ...options, obtain }).path;
}

/** Keeps the problems named in `tasks` (dataset order); an id the dataset lacks is a ConfigError. */
export function selectTasks(problems: readonly Problem[], tasks: readonly string[] | undefined, benchmark: string): Problem[] {
  if (tasks === undefined) return [...problems];
  const wanted = new Set(tasks);
  const known = new Set(problems.map((problem) => problem.id));
  const unknown = [...wanted].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 10).join(", ") + (unknown.length > 10 ? `, … (${unknown.length} in all)` : "");
    throw new ConfigError(`Benchmark "${benchmark}" has no task ${shown}. Task ids look like ${[...known].slice(0, 2).join(", ")}.`);
  }
  return problems.filter((problem) => wanted.has(problem.id));
}

/**
 * What every command shares: option parsers, reading the files a user names, the JSONL batch
 * loop and progress bars. A parser throws commander's InvalidArgumentError, so a bad value is a
 * usage error (exit 2) whose message names the option.
 */
import { readFile } from "node:fs/promises";
import { Presets, SingleBar } from "cli-progress";
import { InvalidArgumentError } from "commander";
import { z, type ZodType } from "zod";
import { ConfigError, errorMessage } from "../core/errors.js";
import { loadJsonl } from "../core/jsonl.js";
import type { TraceInput } from "../core/trace.js";
import type { LoadBenchmarkOptions } from "../datasets/benchmark.js";
import { EXIT_FAILURE, EXIT_USAGE, log, writeJsonLine } from "./output.js";

function parsed(value: string, valid: (n: number) => boolean, expected: string): number {
  const number = value.trim() === "" ? Number.NaN : Number(value);
  if (!valid(number)) throw new InvalidArgumentError(`expected ${expected}, got '${value}'.`);
  return number;
}

/** A whole number ≥ 0. */
export const nonNegativeInteger = (value: string): number => parsed(value, (n) => Number.isInteger(n) && n >= 0, "a non-negative integer");

/** A whole number ≥ 1. */
export const positiveInteger = (value: string): number => parsed(value, (n) => Number.isInteger(n) && n >= 1, "a positive integer");

/** A finite number > 0. */
export const positiveNumber = (value: string): number => parsed(value, (n) => Number.isFinite(n) && n > 0, "a positive number");

/** Comma-separated items, blanks dropped. */
export const commaList = (value: string): string[] =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** Comma-separated items, each one of `choices`. */
export function choiceList<T extends string>(choices: readonly T[]): (value: string) => T[] {
  return (value) => {
    const items = commaList(value);
    const known = (item: string): item is T => (choices as readonly string[]).includes(item);
    if (items.length === 0 || !items.every(known)) throw new InvalidArgumentError(`expected a comma-separated list of ${choices.join(", ")}; got '${value}'.`);
    return items.filter(known);
  };
}

/** pass@k values: a comma-separated list of positive integers. */
export const kList = (value: string): number[] => {
  const ks = commaList(value).map(Number);
  if (ks.length === 0 || ks.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new InvalidArgumentError(`expected a comma-separated list of positive integers, got '${value}'.`);
  }
  return ks;
};

/** Reads a file the user named; a missing or unreadable one is a usage error (exit 2) that names it. */
export async function readInputFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${what} ${path}: ${errorMessage(error)}`, { source: path, cause: error });
  }
}

/** The input of `--call EXPRESSION` or `--stdin TEXT|@FILE`: exactly one of them. */
export async function traceInputFrom(flags: { call?: string; stdin?: string }): Promise<TraceInput> {
  if ((flags.call === undefined) === (flags.stdin === undefined)) {
    throw new ConfigError("give exactly one of --call EXPRESSION or --stdin TEXT|@FILE");
  }
  if (flags.call !== undefined) return { kind: "call", call: flags.call };
  const stdin = flags.stdin ?? "";
  return { kind: "stdin", stdin: stdin.startsWith("@") ? await readInputFile(stdin.slice(1), "standard input") : stdin };
}

/** The flags that say where a named benchmark's problems come from. */
export interface BenchmarkFlags {
  dataDir?: string;
  benchmarkFile?: string;
  split?: string;
  tasks?: string[];
}

/** `loadBenchmark` options from the benchmark flags; `--benchmark-file` is the loader's own file (generic) or folder. */
export function benchmarkOptionsFrom(flags: BenchmarkFlags): LoadBenchmarkOptions {
  return {
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.benchmarkFile === undefined ? {} : { path: flags.benchmarkFile }),
    ...(flags.split === undefined ? {} : { split: flags.split }),
    ...(flags.tasks === undefined ? {} : { tasks: flags.tasks }),
    onWarning: log,
  };
}

/** Output documents of one batch line; those with `failed` set count as failures. */
export interface BatchOutput {
  documents: object[];
  failed: boolean;
}

/**
 * The JSONL batch loop: every valid job starts at once (the runtime's pool bounds the real
 * parallelism) and output lines follow the input order. A malformed line becomes an error
 * document in its place that names the file, line and job id; then the exit code is 2, else 1
 * when some job failed.
 */
export async function runJsonlBatch<Job>(path: string, schema: ZodType<Job>, start: (job: Job) => Promise<BatchOutput>): Promise<void> {
  const lines = await loadJsonl(path);
  let malformed = 0;
  const pending = lines.map((line): Promise<BatchOutput> => {
    let reason: string;
    if (line.ok) {
      const job = schema.safeParse(line.value);
      if (job.success) return start(job.data);
      reason = z.prettifyError(job.error).replace(/\n/g, " ");
    } else reason = line.error;
    malformed += 1;
    const error = `${path}:${line.lineNumber}: ${reason}`;
    log(`✖ ${error}`);
    return Promise.resolve({ documents: [{ ...idOf(line.ok ? line.value : undefined), line: line.lineNumber, error }], failed: false });
  });
  await writeInOrder(pending);
  if (malformed > 0) process.exitCode = EXIT_USAGE;
}

/** Writes each output's documents as JSON lines, in order, as soon as its turn comes; exit code 1 when some output failed. */
export async function writeInOrder(pending: readonly Promise<BatchOutput>[]): Promise<void> {
  let failed = false;
  for (const result of pending) {
    const output = await result;
    failed ||= output.failed;
    for (const document of output.documents) writeJsonLine(document);
  }
  if (failed) process.exitCode = EXIT_FAILURE;
}

/** A malformed line still names its job when it has a usable id. */
function idOf(value: unknown): { id?: string | number } {
  const id = z.object({ id: z.union([z.string(), z.number()]) }).safeParse(value);
  return id.success ? { id: id.data.id } : {};
}

/** A progress bar on stderr when it is a terminal; nothing otherwise. `format` may use the payload's keys as {key}. */
export function createBar(format: string): SingleBar | undefined {
  if (!process.stderr.isTTY) return undefined;
  return new SingleBar({ format, stream: process.stderr, etaBuffer: 50, hideCursor: true }, Presets.shades_classic);
}

/** One bar per stage on a TTY; stage changes only, on stderr, otherwise. */
export function createStageProgress(): { update: (stage: string, done: number, total: number) => void; stop: () => void } {
  let stage: string | undefined;
  let bar: SingleBar | undefined;
  return {
    update(next, done, total) {
      if (next !== stage) {
        bar?.stop();
        stage = next;
        bar = createBar(`${next} |{bar}| {value}/{total} | ETA {eta_formatted}`);
        if (bar === undefined) log(`${next}: ${total} to do`);
        bar?.start(total, done);
      }
      bar?.update(done);
    },
    stop: () => bar?.stop(),
  };
}

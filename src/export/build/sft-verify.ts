/**
 * Verifying an SFT build: every exported target must fix its pair. The output folder is read
 * back as any external input (manifest.json, splits.json, pairs.jsonl and the sharegpt files
 * `<representation>.<split>.jsonl`, all validated); record i of a split's file is the pair at
 * position i of that split in splits.json. The program in each target's fenced block is run
 * with the Evaluator against the tests the pair was mined on: the build config's test
 * visibility (`mining.tests`), base and plus groups, with its time limits (`evaluation`).
 *
 * A program that appears in several files (the same pair in every representation) runs once.
 * A run that timed out (a test, or loading the program) is re-run once, alone, with the tests'
 * time limits multiplied by RETRY_TIMEOUT_MULTIPLE (loading keeps the runtime's fixed limit):
 * a loaded machine can slow a correct program past its limit, while a target that really does
 * not stop times out again. The result lists those re-runs with their first verdicts.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { z } from "zod";
import { ConfigError, errorMessage } from "../../core/errors.js";
import { parseJsonl } from "../../core/jsonl.js";
import type { Problem } from "../../core/problem.js";
import type { ProgramVerdict } from "../../core/verdict.js";
import { loadBenchmark } from "../../datasets/index.js";
import { createEvaluator } from "../../evaluation/evaluator.js";
import type { Evaluator, EvaluatorOptions, TestSelection } from "../../evaluation/evaluator-types.js";
import { parseRepairPairs, type RepairPair } from "../../pairs/repair-pair.js";
import { REPRESENTATION_NAMES } from "../../representations/representation.js";
import { createRuntime } from "../../runtime/index.js";
import type { Runtime } from "../../runtime/runtime.js";
import { extractCode } from "../../tasks/extract.js";
import { sharegptRecordSchema } from "../llama-factory-schemas.js";
import { sftManifestSchema } from "../manifest.js";
import { parseSftBuildConfig, resolveConfigPath, type SftBuildConfig } from "./sft-config.js";
import { executionRecordSchema, TRACE_PREDICTION_SPLITS, type ExecutionRecord } from "./trace-prediction.js";
import { replayTarget } from "./trace-targets.js";

/** How much longer a timed-out run may take when it is re-run. */
export const RETRY_TIMEOUT_MULTIPLE = 4;
/** Programs evaluated at once; the runtime's pool bounds the real parallelism. */
const CONCURRENCY = 4;

export interface SftVerifyOptions {
  /** Folder the recorded config's relative paths (benchmark files, data folder) are resolved against (default: the working folder). */
  configDirectory?: string;
  /** Data folder; overrides the config's `dataDir`. */
  dataDir?: string;
  /** Runtime name; default: the one the build used. */
  runtimeName?: string;
  /** A runtime to use (and leave open); by default one is created and closed after. */
  runtime?: Runtime;
  /** Re-run timed-out programs once with longer limits (default true). */
  retryTimeouts?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface TargetFailure {
  file: string;
  /** 0-based record index in the file. */
  index: number;
  pairId: string;
  /** What went wrong, e.g. `fail on plus-12: expected 3, got 4`. */
  verdict: string;
}

export interface SftVerifyResult {
  files: { file: string; targets: number; passed: number }[];
  targets: number;
  passed: number;
  /** Distinct (benchmark, problem, program) runs behind the targets. */
  programs: number;
  /** Programs re-run after a timeout (one pair that holds each), with what the first run gave. */
  retried: { timeoutMultiple: number; runs: RetriedRun[] };
  failures: TargetFailure[];
}

export interface RetriedRun {
  pairId: string;
  firstVerdict: string;
  passed: boolean;
}

const splitsFileSchema = z.record(z.string(), z.array(z.string()));

export async function verifySftBuild(outDir: string, options: SftVerifyOptions = {}): Promise<SftVerifyResult> {
  const config = await readConfig(outDir);
  if (config.task === "trace-prediction") return verifyTracePrediction(outDir, config, options);
  const pairs = new Map(parseRepairPairs(await readText(outDir, "pairs.jsonl"), join(outDir, "pairs.jsonl")).map((pair) => [pair.id, pair]));
  const splits = parseJsonFile(splitsFileSchema, await readText(outDir, "splits.json"), join(outDir, "splits.json"));
  const representations = config.representations === "all" ? [...REPRESENTATION_NAMES] : [...new Set(config.representations)];
  const files = await Promise.all(
    Object.entries(splits).flatMap(([split, ids]) =>
      representations.map(async (representation) => {
        const file = `${representation}.${split}.jsonl`;
        return { file, targets: await readTargets(outDir, file, ids, pairs) };
      }),
    ),
  );

  const directory = options.configDirectory ?? process.cwd();
  const dataDir = options.dataDir ?? (config.dataDir === undefined ? undefined : resolveConfigPath(directory, config.dataDir));
  const problems = await loadProblems([...pairs.values()], config, directory, dataDir);
  const poolSize = config.runtime.poolSize === undefined ? {} : { poolSize: config.runtime.poolSize };
  const runtime = options.runtime ?? createRuntime(options.runtimeName ?? config.runtime.name, poolSize);
  try {
    const runs = new Map<string, Run>();
    for (const { targets } of files) {
      for (const target of targets) {
        if (target.code === undefined) continue;
        const key = JSON.stringify([target.pair.benchmark, target.pair.problemId, target.code]);
        if (!runs.has(key)) runs.set(key, { pair: target.pair, code: target.code, verdict: undefined });
        target.run = runs.get(key);
      }
    }
    const selection: TestSelection = { visibility: config.mining.tests };
    const evaluate = (evaluatorOptions: EvaluatorOptions) => {
      const evaluators = new Map<string, Evaluator>();
      return (run: Run): Promise<ProgramVerdict> => {
        const evaluator = evaluators.get(run.pair.benchmark) ?? createEvaluator(runtime, evaluatorOptions);
        evaluators.set(run.pair.benchmark, evaluator);
        return evaluator.evaluate(problems.get(problemKey(run.pair)) as Problem, run.code, selection, "all");
      };
    };
    await runAll([...runs.values()], evaluate(config.evaluation), CONCURRENCY, "verify targets", options.onProgress);
    const timedOut = options.retryTimeouts === false ? [] : [...runs.values()].filter((run) => run.verdict !== undefined && timedOutVerdict(run.verdict));
    const firstVerdicts = timedOut.map((run) => describeVerdict(run.verdict as ProgramVerdict));
    const longer = {
      timeoutFactor: config.evaluation.timeoutFactor * RETRY_TIMEOUT_MULTIPLE,
      minTimeoutMs: config.evaluation.minTimeoutMs * RETRY_TIMEOUT_MULTIPLE,
    };
    // One at a time, so that the re-runs do not compete with each other for the machine.
    await runAll(timedOut, evaluate(longer), 1, "re-run timed-out targets", options.onProgress);
    const retried = timedOut.map((run, index) => ({ pairId: run.pair.id, firstVerdict: firstVerdicts[index] as string, passed: run.verdict?.passed === true }));
    return summarize(files, runs, retried);
  } finally {
    if (options.runtime === undefined) await runtime.close();
  }
}

interface Run {
  pair: RepairPair;
  code: string;
  verdict: ProgramVerdict | undefined;
}

interface Target {
  pair: RepairPair;
  /** The program in the target's fenced block; undefined when there is none. */
  code: string | undefined;
  run?: Run | undefined;
}

async function runAll(
  runs: Run[],
  evaluate: (run: Run) => Promise<ProgramVerdict>,
  concurrency: number,
  stage: string,
  onProgress: SftVerifyOptions["onProgress"],
): Promise<void> {
  const limit = pLimit(concurrency);
  let done = 0;
  await Promise.all(
    runs.map((run) =>
      limit(async () => {
        run.verdict = await evaluate(run);
        onProgress?.(stage, ++done, runs.length);
      }),
    ),
  );
}

function summarize(files: { file: string; targets: Target[] }[], runs: Map<string, Run>, retried: RetriedRun[]): SftVerifyResult {
  const failures: TargetFailure[] = [];
  const perFile = files.map(({ file, targets }) => {
    let passed = 0;
    targets.forEach((target, index) => {
      const verdict = target.run?.verdict;
      if (verdict?.passed === true) passed += 1;
      else
        failures.push({
          file,
          index,
          pairId: target.pair.id,
          verdict: verdict === undefined ? "no Python code block in the target" : describeVerdict(verdict),
        });
    });
    return { file, targets: targets.length, passed };
  });
  const targets = perFile.reduce((sum, file) => sum + file.targets, 0);
  return {
    files: perFile,
    targets,
    passed: targets - failures.length,
    programs: runs.size,
    retried: { timeoutMultiple: RETRY_TIMEOUT_MULTIPLE, runs: retried },
    failures,
  };
}

function timedOutVerdict(verdict: ProgramVerdict): boolean {
  return verdict.loadError?.type === "Timeout" || verdict.tests.some((test) => test.status === "timeout");
}

/** The first thing that went wrong, in one line. */
export function describeVerdict(verdict: ProgramVerdict): string {
  if (verdict.loadError !== undefined) return `does not load: ${verdict.loadError.type}: ${verdict.loadError.message}`;
  const failing = verdict.tests.filter((test) => test.status !== "pass");
  const first = failing[0];
  if (first === undefined) return "not every test was run";
  const detail =
    first.status === "fail"
      ? `expected ${first.expected ?? "?"}, got ${first.actual?.repr ?? "?"}`
      : first.status === "error"
        ? `${first.error?.type ?? "error"}: ${first.error?.message ?? ""}`
        : "timed out";
  const more = failing.length > 1 ? ` (and ${failing.length - 1} more failing tests)` : "";
  return `${first.status} on ${first.testId}: ${detail.slice(0, 300)}${more}`;
}

/** Re-traces every execution once and replays each format's target for it against the new trace. */
async function verifyTracePrediction(outDir: string, config: SftBuildConfig, options: SftVerifyOptions): Promise<SftVerifyResult> {
  const executions = new Map(
    parseJsonl(await readText(outDir, "executions.jsonl")).map((line) => {
      const record = line.ok ? executionRecordSchema.safeParse(line.value) : undefined;
      if (record === undefined || !record.success) throw new ConfigError(`${join(outDir, "executions.jsonl")}:${line.lineNumber}: not an execution record`);
      return [record.data.id, record.data] as const;
    }),
  );
  const splits = parseJsonFile(splitsFileSchema, await readText(outDir, "splits.json"), join(outDir, "splits.json"));
  const files = await Promise.all(
    TRACE_PREDICTION_SPLITS.flatMap((split) =>
      [...new Set(config.tracePrediction.formats)].map(async (format) => {
        const file = `${format}.${split}.jsonl`;
        const ids = splits[split] ?? [];
        const targets = await readSharegptTargets(outDir, file, ids.length);
        return { file, format, targets: targets.map((target, index) => ({ target, execution: executionOf(executions, ids[index]!, file) })) };
      }),
    ),
  );
  const runtime =
    options.runtime ??
    createRuntime(options.runtimeName ?? config.runtime.name, config.runtime.poolSize === undefined ? {} : { poolSize: config.runtime.poolSize });
  try {
    const limit = pLimit(CONCURRENCY);
    let done = 0;
    const traces = new Map(
      await Promise.all(
        [...executions.values()].map((execution) =>
          limit(async () => {
            const trace = await runtime.trace({ program: execution.program, input: { kind: "call", call: execution.call }, limits: config.runtime.limits });
            options.onProgress?.("re-trace executions", ++done, executions.size);
            return [execution.id, trace] as const;
          }),
        ),
      ),
    );
    const failures: TargetFailure[] = [];
    const perFile = files.map(({ file, format, targets }) => {
      targets.forEach(({ target, execution }, index) => {
        const replay = replayTarget(format, target, traces.get(execution.id)!, execution.program);
        if (!replay.ok) failures.push({ file, index, pairId: execution.id, verdict: `does not replay: ${replay.reason.slice(0, 300)}` });
      });
      return { file, targets: targets.length, passed: targets.length - failures.filter((failure) => failure.file === file).length };
    });
    const targets = perFile.reduce((sum, file) => sum + file.targets, 0);
    return {
      files: perFile,
      targets,
      passed: targets - failures.length,
      programs: traces.size,
      retried: { timeoutMultiple: RETRY_TIMEOUT_MULTIPLE, runs: [] },
      failures,
    };
  } finally {
    if (options.runtime === undefined) await runtime.close();
  }
}

function executionOf(executions: ReadonlyMap<string, ExecutionRecord>, id: string, file: string): ExecutionRecord {
  const execution = executions.get(id);
  if (execution === undefined) throw new ConfigError(`splits.json names execution ${id} (for ${file}), which is not in executions.jsonl`);
  return execution;
}

/** The last assistant turn of each record of a sharegpt file that must hold `count` records. */
async function readSharegptTargets(outDir: string, file: string, count: number): Promise<string[]> {
  const path = join(outDir, file);
  const lines = parseJsonl(await readText(outDir, file));
  if (lines.length !== count) throw new ConfigError(`${path} holds ${lines.length} records but splits.json lists ${count} for it`, { source: path });
  return lines.map((line) => {
    const record = line.ok ? sharegptRecordSchema.safeParse(line.value) : undefined;
    if (record === undefined || !record.success)
      throw new ConfigError(`${path}:${line.lineNumber}: not a sharegpt record${line.ok ? "" : ` (${line.error})`}`, { source: path });
    return record.data.conversations.findLast((message) => message.from === "gpt")?.value ?? "";
  });
}

/** The targets of one sharegpt file, each with its pair (by position in the split). */
async function readTargets(outDir: string, file: string, ids: readonly string[], pairs: ReadonlyMap<string, RepairPair>): Promise<Target[]> {
  const path = join(outDir, file);
  const lines = parseJsonl(await readText(outDir, file));
  if (lines.length !== ids.length) {
    throw new ConfigError(`${path} holds ${lines.length} records but splits.json lists ${ids.length} pairs for it`, { source: path });
  }
  return lines.map((line, index) => {
    const pair = pairs.get(ids[index] as string);
    if (pair === undefined) throw new ConfigError(`splits.json names pair ${ids[index]}, which is not in pairs.jsonl`, { source: path });
    const record = line.ok ? sharegptRecordSchema.safeParse(line.value) : undefined;
    if (record === undefined || !record.success) {
      throw new ConfigError(`${path}:${line.lineNumber}: not a sharegpt record${line.ok ? "" : ` (${line.error})`}`, { source: path });
    }
    const target = record.data.conversations.findLast((message) => message.from === "gpt")?.value ?? "";
    return { pair, code: extractCode(target, pair.entryPoint) };
  });
}

/** The build's config as the manifest recorded it (defaults filled in). */
async function readConfig(outDir: string): Promise<SftBuildConfig> {
  const path = join(outDir, "manifest.json");
  const manifest = parseJsonFile(sftManifestSchema, await readText(outDir, "manifest.json"), path);
  return parseSftBuildConfig(manifest.config, `${path} (config)`);
}

/**
 * The problems of the pairs, one map keyed by benchmark and problem id. A benchmark is loaded
 * as the build's sources name it (with their benchmark file and split), else from the data folder.
 */
async function loadProblems(
  pairs: readonly RepairPair[],
  config: SftBuildConfig,
  directory: string,
  dataDir: string | undefined,
): Promise<Map<string, Problem>> {
  const problems = new Map<string, Problem>();
  for (const benchmark of new Set(pairs.map((pair) => pair.benchmark))) {
    const sources = config.sources.flatMap((source) =>
      (source.kind === "samples" || source.kind === "mutation") && source.benchmark === benchmark
        ? [
            {
              ...(source.benchmarkFile === undefined ? {} : { path: resolveConfigPath(directory, source.benchmarkFile) }),
              ...(source.split === undefined ? {} : { split: source.split }),
            },
          ]
        : [],
    );
    for (const source of sources.length > 0 ? sources : [{}]) {
      for (const problem of await loadBenchmark(benchmark, { ...source, ...(dataDir === undefined ? {} : { dataDir }) })) {
        const key = problemKey({ benchmark, problemId: problem.id });
        if (!problems.has(key)) problems.set(key, problem);
      }
    }
  }
  const missing = pairs.find((pair) => !problems.has(problemKey(pair)));
  if (missing !== undefined) throw new ConfigError(`pair ${missing.id}: problem ${missing.problemId} is not in benchmark ${missing.benchmark}`);
  return problems;
}

function problemKey(pair: Pick<RepairPair, "benchmark" | "problemId">): string {
  return `${pair.benchmark}|${pair.problemId}`;
}

async function readText(outDir: string, file: string): Promise<string> {
  const path = join(outDir, file);
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${errorMessage(error)}; is ${outDir} the output folder of \`semtrace sft build\`?`, {
      source: path,
      cause: error,
    });
  }
}

function parseJsonFile<T>(schema: z.ZodType<T>, text: string, path: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${errorMessage(error)}`, { source: path, cause: error });
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "(root)", message: issue.message }));
  throw new ConfigError(`${path} is not what \`semtrace sft build\` writes`, { issues, source: path });
}

/**
 * Collecting repair pairs from the sources of an SFT build config: candidate pools and samples
 * files are mined together per benchmark (so a passing candidate of one source can fix a buggy
 * one of another), mutation sources inject bugs, pairs sources are read back. One Evaluator per
 * benchmark (and benchmark file), since the Evaluator caches prepared problems by id and ids repeat
 * across benchmarks (HumanEval/0 in humaneval and humaneval+).
 */
import { basename } from "node:path";
import { ConfigError } from "../../core/errors.js";
import type { Problem } from "../../core/problem.js";
import { listCandidateModels, loadBenchmark, loadCandidatePool, loadSamples } from "../../datasets/index.js";
import { createEvaluator } from "../../evaluation/evaluator.js";
import type { Evaluator } from "../../evaluation/evaluator-types.js";
import { injectPairs } from "../../pairs/bug-injection.js";
import { createDropCounter, minePairs, type MiningCandidate } from "../../pairs/pair-mining.js";
import { loadPythonParser, type PythonParser } from "../../pairs/python-parser.js";
import { assertUniqueIds, loadRepairPairs, type RepairPair } from "../../pairs/repair-pair.js";
import type { Runtime } from "../../runtime/runtime.js";
import {
  parseSftBuildConfig,
  resolveConfigPath,
  SFT_BUILD_CONFIG_VERSION,
  type PairSource,
  type SftBuildConfig,
  type SftBuildConfigInput,
} from "./sft-config.js";

/** The parts of an SFT build config that decide which pairs are collected; defaults as in the config file. */
export type RepairPairsConfig = Pick<SftBuildConfigInput, "sources" | "seed" | "mining" | "evaluation">;

export interface CollectRepairPairsOptions {
  runtime: Runtime;
  /** Folder that relative paths of the sources are resolved against (default: the working folder). */
  directory?: string;
  dataDir?: string;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** Collects repair pairs on their own, as an SFT build's first stage does. */
export async function collectRepairPairs(pairsConfig: RepairPairsConfig, options: CollectRepairPairsOptions): Promise<CollectedPairs> {
  const config = parseSftBuildConfig({ version: SFT_BUILD_CONFIG_VERSION, ...pairsConfig }, "pair options");
  return collectPairs({
    config,
    directory: options.directory ?? process.cwd(),
    dataDir: options.dataDir,
    parser: await loadPythonParser(),
    evaluatorFor: createEvaluatorCache(options.runtime, config),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
}

/** One Evaluator per benchmark key, created on first use. */
export function createEvaluatorCache(runtime: Runtime, config: SftBuildConfig): (key: string) => Evaluator {
  const evaluators = new Map<string, Evaluator>();
  return (key) => {
    const evaluator = evaluators.get(key) ?? createEvaluator(runtime, config.evaluation);
    evaluators.set(key, evaluator);
    return evaluator;
  };
}

export interface PairSourceContext {
  config: SftBuildConfig;
  /** Folder that relative paths of the config are resolved against. */
  directory: string;
  dataDir: string | undefined;
  parser: PythonParser;
  /** The Evaluator of one benchmark; `key` is the benchmark name, with `|<file>` for a benchmark file. */
  evaluatorFor(key: string): Evaluator;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface CollectedPairs {
  pairs: RepairPair[];
  dropped: Record<string, number>;
}

export async function collectPairs(context: PairSourceContext): Promise<CollectedPairs> {
  const { config } = context;
  const dropped = createDropCounter();
  const pairs: RepairPair[] = [];
  const byBenchmark = new Map<string, MiningCandidate[]>();
  for (const source of config.sources) {
    if (source.kind !== "candidates" && source.kind !== "samples") continue;
    const key = benchmarkKey(source, context);
    const list = byBenchmark.get(key) ?? [];
    list.push(...(await loadCandidates(source, context)));
    byBenchmark.set(key, list);
  }
  const selection = {
    parser: context.parser,
    keep: config.mining.keep,
    visibility: config.mining.tests,
  };
  for (const [key, candidates] of byBenchmark) {
    const benchmark = candidates[0]?.benchmark ?? key;
    const mined = await minePairs(candidates, {
      ...selection,
      evaluator: context.evaluatorFor(key),
      fix: config.mining.fix,
      fallbackToReference: config.mining.fallbackToReference,
      onProgress: (done, total) => context.onProgress?.(`judge ${benchmark}`, done, total),
    });
    pairs.push(...mined.pairs);
    dropped.merge(mined.dropped);
  }
  for (const source of config.sources) {
    if (source.kind === "mutation") {
      const problems = await loadBenchmark(source.benchmark, benchmarkOptions(source, context));
      const injected = await injectPairs(problems, source.benchmark, {
        ...selection,
        evaluator: context.evaluatorFor(benchmarkKey(source, context)),
        seed: config.seed,
        maxPerProblem: source.maxPerProblem,
        ...(source.operators === undefined ? {} : { operators: source.operators }),
        onProgress: (done, total) => context.onProgress?.(`mutants ${source.benchmark}`, done, total),
      });
      pairs.push(...injected.pairs);
      dropped.merge(injected.dropped);
    } else if (source.kind === "pairs") {
      pairs.push(...(await loadRepairPairs(resolveConfigPath(context.directory, source.path))));
    }
  }
  assertUniqueIds(pairs, "the build's sources");
  return { pairs, dropped: dropped.counts };
}

type BenchmarkSource = Extract<PairSource, { kind: "samples" | "mutation" }>;

function benchmarkKey(source: Extract<PairSource, { kind: "candidates" | "samples" | "mutation" }>, context: PairSourceContext): string {
  if (source.kind === "candidates") return `${source.benchmark}+`;
  return source.benchmarkFile === undefined ? source.benchmark : `${source.benchmark}|${resolveConfigPath(context.directory, source.benchmarkFile)}`;
}

function benchmarkOptions(source: BenchmarkSource, context: PairSourceContext) {
  return {
    ...(context.dataDir === undefined ? {} : { dataDir: context.dataDir }),
    ...(source.benchmarkFile === undefined ? {} : { path: resolveConfigPath(context.directory, source.benchmarkFile) }),
    ...(source.split === undefined ? {} : { split: source.split }),
    ...(source.tasks === undefined ? {} : { tasks: source.tasks }),
  };
}

async function loadCandidates(source: Extract<PairSource, { kind: "candidates" | "samples" }>, context: PairSourceContext): Promise<MiningCandidate[]> {
  const dataDir = context.dataDir === undefined ? {} : { dataDir: context.dataDir };
  if (source.kind === "samples") {
    const problems = await loadBenchmark(source.benchmark, benchmarkOptions(source, context));
    const path = resolveConfigPath(context.directory, source.path);
    return samplesCandidates(problems, source.benchmark, path, source.tasks !== undefined);
  }
  const models = source.models === "all" ? listCandidateModels(source.benchmark, dataDir) : source.models;
  if (models.length === 0) {
    throw new ConfigError(`no candidate pools found under candidates/${source.benchmark}/ in the data folders; pass --data-dir`);
  }
  const candidates: MiningCandidate[] = [];
  for (const model of models) {
    const pool = await loadCandidatePool({
      benchmark: source.benchmark,
      model,
      ...dataDir,
      ...(source.tasks === undefined ? {} : { tasks: source.tasks }),
    });
    for (const problem of pool.problems) {
      candidates.push({
        problem: withoutCandidate(problem),
        benchmark: `${source.benchmark}+`,
        program: problem.candidate ?? "",
        origin: { kind: "candidate", pool: model },
      });
    }
  }
  return candidates;
}

/** With a task filter, samples of other tasks are skipped; without, they are an error. */
async function samplesCandidates(problems: readonly Problem[], benchmark: string, path: string, filtered: boolean): Promise<MiningCandidate[]> {
  const { samples, errors } = await loadSamples(path, { problems });
  if (errors.length > 0) {
    throw new ConfigError(`${path}: ${errors.length} malformed line(s)`, {
      issues: errors.map((error) => ({ path: `line ${error.lineNumber}`, message: error.message })),
      source: path,
    });
  }
  const byId = new Map(problems.map((problem) => [problem.id, problem]));
  const unknown = samples.find((sample) => !byId.has(sample.taskId));
  if (unknown !== undefined && !filtered) {
    throw new ConfigError(`${path}:${unknown.lineNumber}: task ${unknown.taskId} is not in ${benchmark}`, { source: path });
  }
  const file = basename(path);
  return samples
    .filter((sample) => byId.has(sample.taskId))
    .map((sample) => ({
      problem: byId.get(sample.taskId) as Problem,
      benchmark,
      program: sample.solution,
      origin: { kind: "samples", file, index: sample.index },
    }));
}

/** The pool's problem without its attached candidate and pool facts: one Problem per task. */
function withoutCandidate(problem: Problem): Problem {
  const { candidate: _candidate, meta: _meta, ...rest } = problem;
  return rest;
}

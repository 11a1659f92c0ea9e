/**
 * The reproducible SFT dataset build for trace-informed repair:
 *   1. collect pairs from the config's sources (mining, bug injection, pairs files);
 *   2. per pair, trace the buggy program on up to k of its failing tests (shortest inputs first,
 *      then test order), called as `entry_point(<the test's arguments>)`, and with
 *      `prompt.reference` the fixed program on the same inputs, for `divergence`;
 *   3. per pair and representation, render the traces (fitted to the cutoff when `prompt.fit`),
 *      fill the repair template, and count the prompt's tokens (the system and user messages;
 *      the target too with `cutoff.countTarget`; a chat template's own tokens are not counted);
 *   4. keep a pair only if its prompt fits the cutoff in every requested representation, so every
 *      representation's dataset holds the same pairs in the same order;
 *   5. split the kept pairs (createSplits: size-matched, seeded, sorted by id) and write the
 *      LLaMA-Factory, OpenAI and TRL files, the kept pairs (pairs.jsonl), the split membership
 *      (splits.json: pair ids in file order), the pairs dropped after collection with their
 *      reason (dropped-pairs.jsonl) and the manifest.
 * Nothing depends on timing or completion order, so a re-run writes byte-identical files.
 * A `trace-prediction` build goes its own way (trace-prediction.ts).
 */
import { join, relative, sep } from "node:path";
import pLimit from "p-limit";
import type { TraceInput } from "../../core/trace.js";
import { createDropCounter } from "../../pairs/pair-mining.js";
import { loadPythonParser } from "../../pairs/python-parser.js";
import { renderRepairPairsJsonl, type FailingTest, type RepairPair } from "../../pairs/repair-pair.js";
import { createSplits, SPLIT_SLUGS } from "../../pairs/splits.js";
import { fit } from "../../representations/fit.js";
import { getRepresentation } from "../../representations/registry.js";
import { REPRESENTATION_NAMES, type RenderInput, type RenderTest, type Representation, type RepresentationName } from "../../representations/representation.js";
import { isFailing } from "../../representations/test-facts.js";
import type { PromptTemplate } from "../../tasks/template.js";
import { loadTokenizer, type Tokenizer } from "../../representations/tokenizers/index.js";
import { createRuntime } from "../../runtime/index.js";
import type { Runtime } from "../../runtime/runtime.js";
import { renderJson, renderJsonl, writeTextFile } from "../files.js";
import { writeLlamaFactoryExport } from "../llama-factory.js";
import { buildManifest, writeManifest, type SftManifest } from "../manifest.js";
import { writeOpenAiExport } from "../openai.js";
import type { SftDataset, SftExample, SftMessage } from "../sft-example.js";
import { writeTrlExport } from "../trl.js";
import { collectPairs, createEvaluatorCache } from "./pair-sources.js";
import { loadRationales, type Rationales } from "./rationales.js";
import { createRepairMessages, loadRepairTemplate } from "./repair-prompt.js";
import { resolveConfigPath, type SftBuildConfig } from "./sft-config.js";
import { buildTracePredictionDataset } from "./trace-prediction.js";

export interface SftBuildOptions {
  outDir: string;
  /** Folder that relative paths in the config are resolved against (default: the working folder). */
  configDirectory?: string;
  /** Data folder; overrides the config's `dataDir`. */
  dataDir?: string;
  /** A runtime to use (and leave open); by default one is created from the config and closed after. */
  runtime?: Runtime;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export interface SftBuildResult {
  task: SftBuildConfig["task"];
  /** Pairs (executions, for trace prediction) the sources produced, before tracing and the cutoff. */
  collectedPairs: number;
  /** Pairs that fit the cutoff in every representation (executions whose every target replays and fits). */
  keptPairs: number;
  /** Pairs per split slug (the same in every representation). */
  splits: Record<string, number>;
  /** Representations, or trace prediction's target formats: one dataset each per split. */
  representations: string[];
  /** Candidates, mutants and pairs dropped, by reason. */
  dropped: Record<string, number>;
  /** Files written, relative to the output folder, sorted. */
  files: string[];
  manifest: SftManifest;
}

/** Pairs traced and rendered at once; the runtime's worker pool bounds the real parallelism. */
const PAIR_CONCURRENCY = 8;

export async function buildSftDataset(config: SftBuildConfig, options: SftBuildOptions): Promise<SftBuildResult> {
  if (config.task === "trace-prediction") {
    const runtime = options.runtime ?? createRuntime(config.runtime.name, config.runtime.poolSize === undefined ? {} : { poolSize: config.runtime.poolSize });
    try {
      return await buildTracePredictionDataset(config, runtime, options);
    } finally {
      if (options.runtime === undefined) await runtime.close();
    }
  }
  const directory = options.configDirectory ?? process.cwd();
  const dataDir = options.dataDir ?? (config.dataDir === undefined ? undefined : resolveConfigPath(directory, config.dataDir));
  // Files named by the config are read before the sandbox starts, so their errors come first.
  const template = await loadRepairTemplate(config.prompt.template === undefined ? undefined : resolveConfigPath(directory, config.prompt.template));
  const tokenizer = await loadTokenizer(config.cutoff.tokenizer);
  const rationales = await loadRationales(config.rationale, directory);
  const representations = config.representations === "all" ? [...REPRESENTATION_NAMES] : [...new Set(config.representations)];
  const runtime = options.runtime ?? createRuntime(config.runtime.name, config.runtime.poolSize === undefined ? {} : { poolSize: config.runtime.poolSize });
  try {
    const context: BuildContext = { config, runtime, template, tokenizer, representations, rationales };
    const collected = await collectPairs({
      config,
      directory,
      dataDir,
      parser: await loadPythonParser(),
      evaluatorFor: createEvaluatorCache(runtime, config),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    const dropped = createDropCounter();
    dropped.merge(collected.dropped);
    const prepared = await prepareAll(collected.pairs, context, options.onProgress);
    const kept: PreparedPair[] = [];
    const droppedPairs: { id: string; reason: string }[] = [];
    prepared.forEach((result, index) => {
      if (!("dropped" in result)) return void kept.push(result);
      dropped.add(result.dropped);
      droppedPairs.push({ id: (collected.pairs[index] as RepairPair).id, reason: result.dropped });
    });
    return await writeBuild(kept, {
      ...context,
      outDir: options.outDir,
      collected: collected.pairs.length,
      dropped: dropped.counts,
      droppedPairs,
    });
  } finally {
    if (options.runtime === undefined) await runtime.close();
  }
}

async function prepareAll(
  pairs: readonly RepairPair[],
  context: BuildContext,
  onProgress: SftBuildOptions["onProgress"],
): Promise<(PreparedPair | { dropped: string })[]> {
  const limit = pLimit(PAIR_CONCURRENCY);
  let done = 0;
  return Promise.all(
    pairs.map((pair) =>
      limit(async () => {
        const result = await preparePair(pair, context);
        onProgress?.("trace and render", ++done, pairs.length);
        return result;
      }),
    ),
  );
}

interface BuildContext {
  config: SftBuildConfig;
  runtime: Runtime;
  template: PromptTemplate;
  tokenizer: Tokenizer;
  representations: RepresentationName[];
  rationales: Rationales;
}

interface PreparedPair {
  pair: RepairPair;
  /** The chat per representation, and its token count. */
  chats: Map<RepresentationName, { messages: SftMessage[]; tokens: number }>;
  python: string;
}

async function preparePair(pair: RepairPair, context: BuildContext): Promise<PreparedPair | { dropped: string }> {
  const { config } = context;
  const rationale = context.rationales.of(pair);
  if (rationale === undefined && config.rationale?.missing === "drop") return { dropped: "no-rationale" };
  const tests = tracedTests(pair.failingTests, config.prompt.tracedTests);
  if (tests.length === 0) return { dropped: "no-traceable-failing-test" };
  const reference = config.prompt.reference && context.representations.some((name) => getRepresentation(name).needs?.reference === true);
  const renderTests: RenderTest[] = await Promise.all(
    tests.map(async (test) => {
      const input = traceInput(pair, test);
      const run = (program: string) => context.runtime.trace({ program, input, limits: config.runtime.limits });
      const [trace, fixed] = await Promise.all([run(pair.buggy), reference ? run(pair.fixed) : undefined]);
      return { input, trace, ...(test.expected === undefined ? {} : { expected: test.expected }), ...(fixed === undefined ? {} : { reference: fixed }) };
    }),
  );
  if (!renderTests.some(isFailing)) return { dropped: "trace-not-failing" };
  const chatFor = (feedback: string): SftMessage[] =>
    createRepairMessages(context.template, {
      values: { prompt: pair.task, entry_point: pair.entryPoint, feedback },
      fixed: pair.fixed,
      ...(rationale === undefined || config.rationale === undefined ? {} : { rationale: { text: rationale, position: config.rationale.position } }),
    });
  const chats = renderChats({ program: pair.buggy, tests: renderTests, ...(reference ? { reference: pair.fixed } : {}) }, chatFor, context);
  return "dropped" in chats ? chats : { pair, chats, python: renderTests[0]?.trace.runtime.python ?? "" };
}

type Chats = PreparedPair["chats"];

/** The chat in every representation; the first representation over the cutoff drops the pair. */
function renderChats(input: RenderInput, chatFor: (feedback: string) => SftMessage[], context: BuildContext): Chats | { dropped: string } {
  const { config } = context;
  const countChat = (messages: readonly SftMessage[]): number =>
    messages
      .filter((message) => config.cutoff.countTarget || message.role !== "assistant")
      .reduce((sum, message) => sum + context.tokenizer.count(message.content), 0);
  const cutoff = config.cutoff.tokens;
  const chats: Chats = new Map();
  for (const name of context.representations) {
    const representation = getRepresentation(name);
    const text = config.prompt.fit
      ? fitted(representation, input, config, cutoff - countChat(chatFor("")), context.tokenizer)
      : representation.render(input, config.prompt.render).text;
    const messages = text === undefined ? undefined : chatFor(text);
    const tokens = messages === undefined ? Infinity : countChat(messages);
    if (messages === undefined || tokens > cutoff) return { dropped: `over-cutoff:${name}` };
    chats.set(name, { messages, tokens });
  }
  return chats;
}

function fitted(representation: Representation, input: RenderInput, config: SftBuildConfig, budget: number, tokenizer: Tokenizer): string | undefined {
  if (budget <= 0) return undefined;
  const result = fit(representation, input, config.prompt.render, budget, tokenizer);
  return result.ok ? result.rendering.text : undefined;
}

/** Up to k failing tests that can be traced (calls and standard input), shortest input first. */
export function tracedTests(failing: readonly FailingTest[], k: number): FailingTest[] {
  return failing
    .map((test, index) => ({ test, index }))
    .filter(({ test }) => test.kind !== "assert")
    .sort((a, b) => a.test.input.length - b.test.input.length || a.index - b.index)
    .slice(0, k)
    .map(({ test }) => test);
}

/** The failing test's arguments are the call's arguments as they are: `f(<args>)`. */
export function traceInput(pair: Pick<RepairPair, "entryPoint">, test: FailingTest): TraceInput {
  return test.kind === "stdin" ? { kind: "stdin", stdin: test.input } : { kind: "call", call: `${pair.entryPoint}(${test.input})` };
}

interface WriteContext extends BuildContext {
  outDir: string;
  collected: number;
  dropped: Record<string, number>;
  /** Pairs collected but not kept (trace or cutoff), with the reason. */
  droppedPairs: { id: string; reason: string }[];
}

async function writeBuild(kept: PreparedPair[], context: WriteContext): Promise<SftBuildResult> {
  const { config, outDir } = context;
  const byId = new Map(kept.map((prepared) => [prepared.pair.id, prepared]));
  const splits = createSplits(
    kept.map((prepared) => prepared.pair),
    config.seed,
  );
  const splitNames = [...new Set(config.splits)];
  const datasets: SftDataset[] = context.representations.flatMap((representation) =>
    splitNames.map((split) => ({
      representation,
      split: SPLIT_SLUGS[split],
      examples: splits[split].map((pair): SftExample => {
        const chat = (byId.get(pair.id) as PreparedPair).chats.get(representation);
        return { id: pair.id, messages: chat?.messages ?? [], meta: { problemId: pair.problemId, split } };
      }),
    })),
  );
  const training = config.export.llamaFactory.training;
  const written = [
    ...(await writeLlamaFactoryExport(outDir, datasets, {
      ...(training === undefined ? {} : { training }),
      datasetDirectory: config.export.llamaFactory.datasetDirectory ?? outDir,
    })),
    ...(config.export.openai ? await writeOpenAiExport(join(outDir, "openai"), datasets) : []),
    ...(config.export.trl === false ? [] : await writeTrlExport(join(outDir, "trl"), datasets, { variant: config.export.trl.variant })),
  ];
  const sortedPairs = [...kept.map((prepared) => prepared.pair)].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const splitMembers = Object.fromEntries(splitNames.map((split) => [SPLIT_SLUGS[split], splits[split].map((pair) => pair.id)]));
  await writeTextFile(join(outDir, "pairs.jsonl"), renderRepairPairsJsonl(sortedPairs));
  await writeTextFile(join(outDir, "splits.json"), renderJson(splitMembers));
  const sortedDrops = [...context.droppedPairs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await writeTextFile(join(outDir, "dropped-pairs.jsonl"), renderJsonl(sortedDrops));
  const pairCounts = { kept: kept.length, ...Object.fromEntries(splitNames.map((split) => [SPLIT_SLUGS[split], splits[split].length])) };
  const python = kept.find((prepared) => prepared.python !== "")?.python;
  const manifest = buildManifest({
    config,
    seed: config.seed,
    runtimeVersions: { runtime: context.runtime.name, ...(python === undefined ? {} : { python }) },
    pairCounts,
    droppedPairs: context.dropped,
    tokenCounts: Object.fromEntries(
      context.representations.map((representation) => [representation, kept.map((prepared) => prepared.chats.get(representation)?.tokens ?? 0)]),
    ),
    similarities: kept.map((prepared) => prepared.pair.similarity),
  });
  await writeManifest(join(outDir, "manifest.json"), manifest);
  const files = [
    ...written.map((path) => relative(outDir, path).split(sep).join("/")),
    "pairs.jsonl",
    "splits.json",
    "dropped-pairs.jsonl",
    "manifest.json",
  ].sort();
  return {
    task: "repair",
    collectedPairs: context.collected,
    keptPairs: kept.length,
    splits: Object.fromEntries(splitNames.map((split) => [SPLIT_SLUGS[split], splits[split].length])),
    representations: context.representations,
    dropped: context.dropped,
    files,
    manifest,
  };
}

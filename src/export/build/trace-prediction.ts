/**
 * The trace-prediction SFT build (`task: trace-prediction`): the prompt is a program and a call,
 * the target is the call's execution in one of the formats of trace-targets.ts.
 *   1. per `programs` source, the benchmark's problems with a reference function and io tests;
 *      per problem, `inputsPerProgram` io inputs drawn by the seed and the problem's id;
 *   2. the reference is traced on each input, called as `entry_point(<args>)`; an execution that
 *      cannot be a target (it timed out, hit a cap, truncated a value, ran too many steps) is dropped;
 *   3. per format, the target is rendered and replayed against its trace: read back into steps
 *      and compared with the trace's. A target that does not replay drops its execution
 *      (`replay-failed:<format>`), as does a chat (prompt and target) over the token cutoff;
 *   4. an execution is kept only if every format replays and fits, so every format's dataset
 *      holds the same executions in the same order;
 *   5. programs are split into train and test (`testFraction`, seeded), and the LLaMA-Factory,
 *      OpenAI and TRL files `<format>.<split>.jsonl` are written with executions.jsonl (what was
 *      traced), splits.json, dropped-executions.jsonl (with reasons), trace-formats.md (the
 *      formats' definitions) and the manifest.
 * Nothing depends on timing or completion order, so a re-run writes byte-identical files.
 */
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import pLimit from "p-limit";
import { z } from "zod";
import { ConfigError } from "../../core/errors.js";
import { sha256 } from "../../core/hash.js";
import type { IoTest, Problem } from "../../core/problem.js";
import { loadBenchmark } from "../../datasets/index.js";
import { createRandom, sampleInOrder, shuffle } from "../../pairs/sampling.js";
import { loadTokenizer, type Tokenizer } from "../../representations/tokenizers/index.js";
import type { Runtime } from "../../runtime/runtime.js";
import { numberLines } from "../../tasks/task.js";
import { loadPromptTemplate, renderPromptTemplate, type PromptTemplate } from "../../tasks/template.js";
import { renderJson, renderJsonl, writeTextFile } from "../files.js";
import { writeLlamaFactoryExport } from "../llama-factory.js";
import { buildManifest, writeManifest } from "../manifest.js";
import { writeOpenAiExport } from "../openai.js";
import type { SftDataset, SftExample, SftMessage } from "../sft-example.js";
import { writeTrlExport } from "../trl.js";
import { resolveConfigPath, type PairSource, type SftBuildConfig } from "./sft-config.js";
import type { SftBuildOptions, SftBuildResult } from "./sft-build.js";
import {
  FORMAT_INSTRUCTIONS,
  FRAMES_HEADER,
  TRACE_TARGET_FORMATS,
  renderTarget,
  replayTarget,
  unusableTrace,
  type TraceTargetFormat,
} from "./trace-targets.js";

export const DEFAULT_TRACE_PREDICTION_TEMPLATE_PATH = fileURLToPath(new URL("../../tasks/templates/trace-prediction-sft.md.tmpl", import.meta.url));
export const TRACE_PREDICTION_TEMPLATE_VARIABLES = ["program", "call", "format"] as const;
export const TRACE_PREDICTION_SPLITS = ["train", "test"] as const;

/** One traced call of a reference program, as executions.jsonl records it. */
export const executionRecordSchema = z.strictObject({
  id: z.string().min(1),
  benchmark: z.string().min(1),
  problemId: z.string().min(1),
  program: z.string(),
  call: z.string().min(1),
});
export type ExecutionRecord = z.infer<typeof executionRecordSchema>;

type ProgramsSource = Extract<PairSource, { kind: "programs" }>;

const CONCURRENCY = 8;

interface Kept {
  execution: ExecutionRecord;
  chats: Map<TraceTargetFormat, { messages: SftMessage[]; tokens: number }>;
  python: string;
}

interface Context {
  config: SftBuildConfig;
  runtime: Runtime;
  template: PromptTemplate;
  tokenizer: Tokenizer;
  formats: TraceTargetFormat[];
}

export async function buildTracePredictionDataset(config: SftBuildConfig, runtime: Runtime, options: SftBuildOptions): Promise<SftBuildResult> {
  const directory = options.configDirectory ?? process.cwd();
  const dataDir = options.dataDir ?? (config.dataDir === undefined ? undefined : resolveConfigPath(directory, config.dataDir));
  const settings = config.tracePrediction;
  const template = await loadTracePredictionTemplate(settings.template === undefined ? undefined : resolveConfigPath(directory, settings.template));
  const context: Context = { config, runtime, template, tokenizer: await loadTokenizer(config.cutoff.tokenizer), formats: [...new Set(settings.formats)] };
  const { executions, skipped } = await collectExecutions(config, directory, dataDir);
  const limit = pLimit(CONCURRENCY);
  let done = 0;
  const results = await Promise.all(
    executions.map((execution) =>
      limit(async () => {
        const result = await prepareExecution(execution, context);
        options.onProgress?.("trace and replay", ++done, executions.length);
        return result;
      }),
    ),
  );
  const kept = results.filter((result): result is Kept => !("dropped" in result));
  const dropped: Record<string, number> = { ...skipped };
  const droppedExecutions = results.flatMap((result, index) => {
    if (!("dropped" in result)) return [];
    dropped[result.dropped] = (dropped[result.dropped] ?? 0) + 1;
    return [{ id: executions[index]!.id, reason: result.dropped }];
  });
  return writeBuild(kept, { ...context, outDir: options.outDir, collected: executions.length, dropped, droppedExecutions });
}

export async function loadTracePredictionTemplate(path: string = DEFAULT_TRACE_PREDICTION_TEMPLATE_PATH): Promise<PromptTemplate> {
  const template = await loadPromptTemplate(path, TRACE_PREDICTION_TEMPLATE_VARIABLES);
  const missing = ["program", "call"].filter((name) => !template.variables.includes(name));
  if (missing.length > 0)
    throw new ConfigError(`${template.source}: the trace-prediction template must contain ${missing.map((name) => `{{${name}}}`).join(" and ")}`, {
      source: template.source,
    });
  if (template.sections.at(-1)?.role !== "user")
    throw new ConfigError(`${template.source}: the trace-prediction template must end with a user section; the target is the answer to it`, {
      source: template.source,
    });
  return template;
}

/** The calls to trace, in source and problem order (ids are `<problem id>@<test id>`), and the problems that give none, by reason. */
async function collectExecutions(
  config: SftBuildConfig,
  directory: string,
  dataDir: string | undefined,
): Promise<{ executions: ExecutionRecord[]; skipped: Record<string, number> }> {
  const executions: ExecutionRecord[] = [];
  const skipped: Record<string, number> = {};
  for (const source of config.sources) {
    if (source.kind !== "programs") continue;
    const problems = await loadBenchmark(source.benchmark, {
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(source.benchmarkFile === undefined ? {} : { path: resolveConfigPath(directory, source.benchmarkFile) }),
      ...(source.split === undefined ? {} : { split: source.split }),
      ...(source.tasks === undefined ? {} : { tasks: source.tasks }),
    });
    for (const problem of problems) {
      const result = executionsOf(problem, source, config.seed);
      if (typeof result === "string") skipped[result] = (skipped[result] ?? 0) + 1;
      else executions.push(...result);
    }
  }
  const seen = new Set<string>();
  for (const execution of executions) {
    if (seen.has(execution.id)) throw new ConfigError(`two sources give execution ${execution.id}: list each benchmark once`);
    seen.add(execution.id);
  }
  return { executions, skipped };
}

function executionsOf(problem: Problem, source: ProgramsSource, seed: number): ExecutionRecord[] | string {
  const program = problem.reference;
  if (program === undefined || problem.entryPoint === "" || problem.meta?.entryClass !== undefined) return "no-function-reference";
  const inputs = problem.tests.filter((test): test is IoTest => test.kind === "io");
  if (inputs.length === 0) return "no-io-test";
  const random = createRandom((seed + Number.parseInt(sha256(problem.id).slice(0, 8), 16)) % 0x1_0000_0000);
  const [chosen] = sampleInOrder(inputs, Math.min(source.inputsPerProgram, inputs.length), random);
  return chosen.map((test) => ({
    id: `${problem.id}@${test.id}`,
    benchmark: source.benchmark,
    problemId: problem.id,
    program,
    call: `${problem.entryPoint}(${test.args})`,
  }));
}

async function prepareExecution(execution: ExecutionRecord, context: Context): Promise<Kept | { dropped: string }> {
  const { config } = context;
  const trace = await context.runtime.trace({ program: execution.program, input: { kind: "call", call: execution.call }, limits: config.runtime.limits });
  const reason = unusableTrace(trace, execution.program, config.tracePrediction.maxSteps);
  if (reason !== undefined) return { dropped: reason };
  const chats: Kept["chats"] = new Map();
  for (const format of context.formats) {
    const target = renderTarget(format, trace, execution.program);
    if (!replayTarget(format, target, trace, execution.program).ok) return { dropped: `replay-failed:${format}` };
    const messages = tracePredictionMessages(context.template, execution, format, target);
    const tokens = messages.reduce((sum, message) => sum + context.tokenizer.count(message.content), 0);
    if (tokens > config.cutoff.tokens) return { dropped: `over-cutoff:${format}` };
    chats.set(format, { messages, tokens });
  }
  return { execution, chats, python: trace.runtime.python };
}

export function tracePredictionMessages(
  template: PromptTemplate,
  execution: Pick<ExecutionRecord, "program" | "call">,
  format: TraceTargetFormat,
  target: string,
): SftMessage[] {
  const prompt = renderPromptTemplate(template, { program: numberLines(execution.program), call: execution.call, format: FORMAT_INSTRUCTIONS[format] });
  return [...prompt.map((message) => ({ ...message })), { role: "assistant", content: target }];
}

/** Programs (benchmark and problem) split by the seed: the first `testFraction` of a shuffle are the test split. */
function splitPrograms(kept: readonly Kept[], seed: number, testFraction: number): Map<string, (typeof TRACE_PREDICTION_SPLITS)[number]> {
  const programs = [...new Set(kept.map(({ execution }) => programKey(execution)))].sort();
  const [shuffled] = shuffle(programs, createRandom(seed));
  const tests = Math.round(programs.length * testFraction);
  return new Map(shuffled.map((key, index) => [key, index < tests ? "test" : "train"]));
}

function programKey(execution: ExecutionRecord): string {
  return `${execution.benchmark}|${execution.problemId}`;
}

interface WriteContext extends Context {
  outDir: string;
  collected: number;
  dropped: Record<string, number>;
  droppedExecutions: { id: string; reason: string }[];
}

async function writeBuild(unsorted: Kept[], context: WriteContext): Promise<SftBuildResult> {
  const { config, outDir } = context;
  const kept = [...unsorted].sort((a, b) => compare(a.execution.id, b.execution.id));
  const splitOf = splitPrograms(kept, config.seed, config.tracePrediction.testFraction);
  const members = Object.fromEntries(
    TRACE_PREDICTION_SPLITS.map((split) => [split, kept.filter(({ execution }) => splitOf.get(programKey(execution)) === split)]),
  );
  const datasets: SftDataset[] = context.formats.flatMap((format) =>
    TRACE_PREDICTION_SPLITS.map((split) => ({
      representation: format,
      split,
      examples: members[split]!.map(
        ({ execution, chats }): SftExample => ({ id: execution.id, messages: chats.get(format)!.messages, meta: { problemId: execution.problemId, split } }),
      ),
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
  const splitMembers = Object.fromEntries(TRACE_PREDICTION_SPLITS.map((split) => [split, members[split]!.map(({ execution }) => execution.id)]));
  const sortedDrops = [...context.droppedExecutions].sort((a, b) => compare(a.id, b.id));
  await writeTextFile(join(outDir, "executions.jsonl"), renderJsonl(kept.map(({ execution }) => execution)));
  await writeTextFile(join(outDir, "splits.json"), renderJson(splitMembers));
  await writeTextFile(join(outDir, "dropped-executions.jsonl"), renderJsonl(sortedDrops));
  await writeTextFile(join(outDir, "trace-formats.md"), renderFormatsDocument(context.formats));
  const splitCounts = Object.fromEntries(TRACE_PREDICTION_SPLITS.map((split) => [split, members[split]!.length]));
  const python = kept[0]?.python;
  const manifest = buildManifest({
    config,
    seed: config.seed,
    runtimeVersions: { runtime: context.runtime.name, ...(python === undefined ? {} : { python }) },
    pairCounts: { kept: kept.length, ...splitCounts },
    droppedPairs: context.dropped,
    tokenCounts: Object.fromEntries(context.formats.map((format) => [format, kept.map(({ chats }) => chats.get(format)!.tokens)])),
    similarities: [],
  });
  await writeManifest(join(outDir, "manifest.json"), manifest);
  const files = [
    ...written.map((path) => relative(outDir, path).split(sep).join("/")),
    "executions.jsonl",
    "splits.json",
    "dropped-executions.jsonl",
    "trace-formats.md",
    "manifest.json",
  ].sort();
  return {
    task: "trace-prediction",
    collectedPairs: context.collected,
    keptPairs: kept.length,
    splits: splitCounts,
    representations: context.formats,
    dropped: context.dropped,
    files,
    manifest,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** trace-formats.md: what each format's target says, so that a reader of the files can parse them. */
export function renderFormatsDocument(formats: readonly TraceTargetFormat[]): string {
  const sections = TRACE_TARGET_FORMATS.filter((format) => formats.includes(format)).map((format) => `## ${format}\n\n${FORMAT_DOCUMENTS[format]}\n`);
  return `# Trace prediction targets\n\n${INTRODUCTION}\n\n${sections.join("\n")}`;
}

const INTRODUCTION =
  "Each target is one traced call of a reference program, one step per trace event: a call (with its arguments), a line that ran (with the variables it changed, " +
  "as they were after it), a return (with the returned value) and a raised exception. Values are Python reprs. Every target was read back and compared with its trace before it was written.";

const FORMAT_DOCUMENTS: Readonly<Record<TraceTargetFormat, string>> = {
  scratchpad:
    "NExT-style: the program itself, each line that ran followed by `  # ` and its steps in execution order, separated by `; `. A step is `(i)` (its 1-based index in the run) and:\n" +
    "`name=value, ...` for a line (the variables it changed; nothing when it changed none), `call name=value, ...` on a `def` line, `return value`, `raise Type: message`, " +
    "and `unwind` when an exception leaves the function. Call depths are implied: a call goes one frame deeper, a return or unwind comes back out.",
  monologue:
    "SemCoder-style: one sentence per step, one per line: `Call f(name = value, ...) at line N.`, ``Line N `code`: name = value, ....`` (or `: no change.`), " +
    "`Line N raises Type: message.`, `Line N: f returns value.` and `Line N: f stops, the exception propagates.` Call depths are implied as in the scratchpad.",
  frames:
    `Compact, CWM-like: the header line \`${FRAMES_HEADER}\`, then one line per step, with the frame's depth (0: the called function) and values as JSON strings:\n\n` +
    '- `C depth function line {"arg": "repr", ...}`: a call, at the `def` line, with its arguments;\n' +
    '- `L depth line {"name": "repr", ...}`: a line that ran, with the variables it changed;\n' +
    '- `R depth line "repr"`: a return with its value; `R depth line null`: the frame ends by an exception;\n' +
    '- `E depth line "Type: message"`: an exception raised (or passing through) at that line.',
};

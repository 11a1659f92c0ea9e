import type { Command } from "commander";
import { ConfigError } from "../core/errors.js";
import type { Problem } from "../core/problem.js";
import type { Limits } from "../core/trace.js";
import { loadBenchmark } from "../datasets/index.js";
import type { ClipReport } from "../representations/clip.js";
import { resolveRenderOptions, type RenderOptions } from "../representations/options.js";
import { getRepresentation, listRepresentations } from "../representations/registry.js";
import { renderFormats, renderJob, RenderJobSchema, type FormatResult, type RenderJob, type RenderSettings } from "../representations/render-jobs.js";
import type { RenderTest, Representation } from "../representations/representation.js";
import { loadTokenizer } from "../representations/tokenizers/index.js";
import type { Runtime } from "../runtime/runtime.js";
import { createTestCall } from "../tasks/test-calls.js";
import {
  benchmarkOptionsFrom,
  commaList,
  nonNegativeInteger,
  readInputFile,
  runJsonlBatch,
  traceInputFrom,
  writeInOrder,
  type BatchOutput,
  type BenchmarkFlags,
} from "./options.js";
import { action, EXIT_FAILURE, log, writeJson } from "./output.js";
import { addRuntimeOptions, limitsFrom, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface RenderFlags extends RuntimeFlags, BenchmarkFlags {
  call?: string;
  stdin?: string;
  expect?: string;
  format: string;
  budget?: number;
  tokenizer: string;
  valueWidth?: number;
  loopHead?: number;
  loopTail?: number;
  maxTests?: number;
  maxDepth?: number;
  maxBlocks?: number;
  showUnchanged?: boolean;
  batch?: string;
  dataset?: string;
  json?: boolean;
}

export function registerRenderCommand(program: Command): void {
  const command = program
    .command("render")
    .description("trace a program on a test and render the trace for a model (optionally within a token budget)")
    .argument("[program]", "Python source file")
    .option("--call <expression>", 'call to trace, e.g. "f(1, [2, 3])"')
    .option("--stdin <text>", "run as a script on this standard input (@FILE reads a file)")
    .option("--expect <value>", "expected result: a Python repr for --call, the expected stdout for --stdin")
    .option(
      "--format <name>",
      `representation: ${listRepresentations()
        .map((r) => r.name)
        .join(", ")}, or all`,
      "next",
    )
    .option("--budget <tokens>", "shrink the rendering until it fits this many tokens", nonNegativeInteger)
    .option("--tokenizer <name>", "o200k_base, cl100k_base, or a Hugging Face tokenizer.json path", "o200k_base")
    .option("--value-width <chars>", "longest value shown before head…tail elision", nonNegativeInteger)
    .option("--loop-head <n>", "first loop iterations kept", nonNegativeInteger)
    .option("--loop-tail <n>", "last loop iterations kept", nonNegativeInteger)
    .option("--max-tests <n>", "failing tests shown", nonNegativeInteger)
    .option("--max-depth <n>", "deepest nested call shown (0 = entry function only)", nonNegativeInteger)
    .option("--max-blocks <n>", "ldb: basic blocks shown", nonNegativeInteger)
    .option("--show-unchanged", "repeat unchanged variables at every step")
    .option("--batch <jobs>", "JSONL of {id, program, tests: [{call|stdin, expect?}]}; one line per job and format")
    .option("--dataset <name>", "render each problem's candidate (else its reference) traced on its tests; one line per problem and format")
    .option("--benchmark-file <path>", "the dataset's own file, for loaders that read one (generic)")
    .option("--split <name>", "the dataset's split")
    .option("--data-dir <dir>", "data folder (default: SEMTRACE_DATA, then the download cache)")
    .option("--tasks <ids>", "comma-separated task ids", commaList)
    .option("--json", "print JSON: {format, text, tokens, clipped}");
  addRuntimeOptions(command).action(
    action(async (file: string | undefined, flags: RenderFlags) => {
      const settings: RenderSettings = {
        representations: representationsFor(flags.format),
        options: renderOptionsFrom(flags),
        tokenizer: await loadTokenizer(flags.tokenizer),
        ...(flags.budget === undefined ? {} : { budget: flags.budget }),
      };
      const sources = [file, flags.batch, flags.dataset].filter((source) => source !== undefined);
      if (sources.length > 1) throw new ConfigError("give only one of PROGRAM.py, --batch JOBS.jsonl and --dataset NAME");
      if (flags.batch) return renderBatch(flags.batch, settings, flags);
      if (flags.dataset !== undefined) return renderBenchmark(flags.dataset, settings, flags);
      if (!file) throw new ConfigError("give a PROGRAM.py, --batch JOBS.jsonl or --dataset NAME");
      const source = await readInputFile(file, "program");
      const input = await traceInputFrom(flags);
      const runtime = runtimeFrom(flags);
      let results: FormatResult[];
      try {
        const trace = await runtime.trace({ program: source, input, limits: limitsFrom(flags) });
        const test: RenderTest = { input, trace, ...(flags.expect === undefined ? {} : { expected: flags.expect }) };
        results = renderFormats({ program: source, tests: [test] }, settings);
      } finally {
        await runtime.close();
      }
      printResults(results, flags.json === true, flags.format === "all");
      if (results.some((result) => "error" in result)) process.exitCode = EXIT_FAILURE;
    }),
  );
}

function representationsFor(format: string): Representation[] {
  return format === "all" ? listRepresentations() : [getRepresentation(format)];
}

function renderOptionsFrom(flags: RenderFlags): RenderOptions {
  const options: RenderOptions = {
    valueWidth: flags.valueWidth,
    loopHead: flags.loopHead,
    loopTail: flags.loopTail,
    maxTests: flags.maxTests,
    maxDepth: flags.maxDepth,
    maxBlocks: flags.maxBlocks,
    showUnchanged: flags.showUnchanged,
  };
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RenderOptions;
  resolveRenderOptions(defined); // a bad flag is a usage error before anything runs
  return defined;
}

function printResults(results: FormatResult[], json: boolean, many: boolean): void {
  if (json) {
    writeJson(many ? results : results[0]);
    return;
  }
  for (const result of results) {
    if ("error" in result) {
      log(`✖ ${result.format}: ${result.error}`);
      continue;
    }
    if (many) process.stdout.write(`=== ${result.format}\n`);
    process.stdout.write(result.text);
    log(`${result.format}: ${result.tokens} tokens; ${describeClip(result.clipped)}`);
  }
}

function describeClip(clipped: ClipReport): string {
  const parts = Object.entries(clipped)
    .filter(([, value]) => value > 0)
    .map(([key, value]) => `${key} ${value}`);
  return parts.length === 0 ? "nothing clipped" : `clipped: ${parts.join(", ")}`;
}

/** One output line per job and format, in input order. */
async function renderBatch(path: string, settings: RenderSettings, flags: RenderFlags): Promise<void> {
  const runtime = runtimeFrom(flags);
  const limits = limitsFrom(flags);
  try {
    await runJsonlBatch(path, RenderJobSchema, (job) => renderLines(runtime, job, settings, limits));
  } finally {
    await runtime.close();
  }
}

async function renderLines(runtime: Runtime, job: RenderJob, settings: RenderSettings, limits: Partial<Limits>): Promise<BatchOutput> {
  const results = await renderJob(runtime, job, settings, limits);
  return { documents: results.map((result) => ({ id: job.id, ...result })), failed: results.some((result) => "error" in result) };
}

/** The benchmark's problems rendered like a batch, one line per problem and format. */
async function renderBenchmark(dataset: string, settings: RenderSettings, flags: RenderFlags): Promise<void> {
  const jobs = (await loadBenchmark(dataset, benchmarkOptionsFrom(flags))).flatMap((problem) => {
    const job = renderJobOf(problem);
    if (job === undefined) log(`${problem.id}: no program, or no test that calls it; left out`);
    return job === undefined ? [] : [job];
  });
  const runtime = runtimeFrom(flags);
  const limits = limitsFrom(flags);
  try {
    await writeInOrder(jobs.map((job) => renderLines(runtime, job, settings, limits)));
  } finally {
    await runtime.close();
  }
}

/** A problem's candidate (else its reference) on each of its tests that has a call or an input, with the test's expected result. */
function renderJobOf(problem: Problem): RenderJob | undefined {
  const program = problem.candidate ?? problem.reference;
  const tests = problem.tests.flatMap((test) => {
    const call = createTestCall(test, problem.entryPoint);
    if (call === undefined) return [];
    const input = call.input.kind === "call" ? { call: call.input.call } : { stdin: call.input.stdin };
    return [{ ...input, ...(call.expected === undefined ? {} : { expect: call.expected }) }];
  });
  return program === undefined || tests.length === 0 ? undefined : { id: problem.id, program, tests };
}

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError, errorMessage } from "../core/errors.js";
import { loadJsonl } from "../core/jsonl.js";
import type { TraceInput } from "../core/trace.js";
import type { ClipReport } from "../representations/clip.js";
import { fit } from "../representations/fit.js";
import { resolveRenderOptions, type RenderOptions } from "../representations/options.js";
import { getRepresentation, listRepresentations } from "../representations/registry.js";
import type { RenderInput, RenderTest, Representation } from "../representations/representation.js";
import { loadTokenizer, type Tokenizer } from "../representations/tokenizers/index.js";
import type { Runtime } from "../runtime/runtime.js";
import { action, EXIT_FAILURE, EXIT_USAGE, log, writeJson, writeJsonLine } from "./output.js";
import { addRuntimeOptions, limitsFrom, nonNegativeInteger, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";

interface RenderFlags extends RuntimeFlags {
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
  json?: boolean;
}

const JobTestSchema = z
  .strictObject({ call: z.string().optional(), stdin: z.string().optional(), expect: z.string().optional() })
  .refine((test) => (test.call === undefined) !== (test.stdin === undefined), { message: "give exactly one of `call` or `stdin`" });

const RenderJobSchema = z.strictObject({
  id: z.union([z.string(), z.number()]),
  program: z.string(),
  tests: z.array(JobTestSchema).min(1),
});

type RenderJob = z.infer<typeof RenderJobSchema>;

/** One rendered format: the document printed per format (per job and format in a batch). */
type FormatResult =
  | { format: string; text: string; tokens: number; clipped: ClipReport }
  | { format: string; error: string; tokens?: number };

export function registerRenderCommand(program: Command): void {
  const command = program
    .command("render")
    .description("trace a program on a test and render the trace for a model (optionally within a token budget)")
    .argument("[program]", "Python source file")
    .option("--call <expression>", 'call to trace, e.g. "f(1, [2, 3])"')
    .option("--stdin <text>", "run as a script on this standard input (@FILE reads a file)")
    .option("--expect <value>", "expected result: a Python repr for --call, the expected stdout for --stdin")
    .option("--format <name>", `representation: ${listRepresentations().map((r) => r.name).join(", ")}, or all`, "next")
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
    .option("--json", "print JSON: {format, text, tokens, clipped}");
  addRuntimeOptions(command).action(
    action(async (file: string | undefined, flags: RenderFlags) => {
      const representations = representationsFor(flags.format);
      const options = renderOptionsFrom(flags);
      const tokenizer = await loadTokenizer(flags.tokenizer);
      if (flags.batch) return renderBatch(flags.batch, representations, options, tokenizer, flags);
      if (!file) throw new ConfigError("give a PROGRAM.py, or --batch JOBS.jsonl");
      const source = await readProgram(file);
      const input = await inputFrom(flags);
      const runtime = runtimeFrom(flags);
      let results: FormatResult[];
      try {
        const trace = await runtime.trace({ program: source, input, limits: limitsFrom(flags) });
        const test: RenderTest = { input, trace, ...(flags.expect === undefined ? {} : { expected: flags.expect }) };
        results = representations.map((representation) =>
          renderOne(representation, { program: source, tests: [test] }, options, flags.budget, tokenizer),
        );
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

async function readProgram(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read program ${file}: ${errorMessage(error)}`, { source: file, cause: error });
  }
}

async function inputFrom(flags: RenderFlags): Promise<TraceInput> {
  if ((flags.call === undefined) === (flags.stdin === undefined)) {
    throw new ConfigError("give exactly one of --call EXPRESSION or --stdin TEXT|@FILE");
  }
  if (flags.call !== undefined) return { kind: "call", call: flags.call };
  const stdin = flags.stdin!;
  return { kind: "stdin", stdin: stdin.startsWith("@") ? await readProgram(stdin.slice(1)) : stdin };
}

/** Renders one format, fitted to the budget when there is one. */
function renderOne(
  representation: Representation,
  input: RenderInput,
  options: RenderOptions,
  budget: number | undefined,
  tokenizer: Tokenizer,
): FormatResult {
  const format = representation.name;
  if (budget === undefined) {
    const rendering = representation.render(input, options);
    return { format, text: rendering.text, tokens: tokenizer.count(rendering.text), clipped: rendering.clipped };
  }
  const fitted = fit(representation, input, options, budget, tokenizer);
  if (!fitted.ok) return { format, error: fitted.reason, tokens: fitted.tokens };
  return { format, text: fitted.rendering.text, tokens: fitted.tokens, clipped: fitted.rendering.clipped };
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

/** All jobs' traces run on the pool at once; output lines follow the input order. */
async function renderBatch(
  path: string,
  representations: Representation[],
  options: RenderOptions,
  tokenizer: Tokenizer,
  flags: RenderFlags,
): Promise<void> {
  const lines = await loadJsonl(path);
  const runtime: Runtime = runtimeFrom(flags);
  const limits = limitsFrom(flags);
  let malformed = 0;
  let failed = 0;
  try {
    const pending = lines.map((line) => {
      const job = line.ok ? RenderJobSchema.safeParse(line.value) : undefined;
      if (!job?.success) {
        malformed += 1;
        const reason = line.ok ? z.prettifyError(job!.error).replace(/\n/g, " ") : line.error;
        log(`✖ ${path}:${line.lineNumber}: ${reason}`);
        return Promise.resolve([{ ...idOf(line.ok ? line.value : undefined), line: line.lineNumber, error: reason }]);
      }
      return traceJob(runtime, job.data, limits).then(
        (input) =>
          representations.map((representation) => ({
            id: job.data.id,
            ...renderOne(representation, input, options, flags.budget, tokenizer),
          })),
        (error: unknown) =>
          representations.map((representation) => ({ id: job.data.id, format: representation.name, error: errorMessage(error) })),
      );
    });
    for (const result of pending) {
      for (const document of await result) {
        if ("error" in document && "format" in document) failed += 1;
        writeJsonLine(document);
      }
    }
  } finally {
    await runtime.close();
  }
  if (malformed > 0) process.exitCode = EXIT_USAGE;
  else if (failed > 0) process.exitCode = EXIT_FAILURE;
}

async function traceJob(runtime: Runtime, job: RenderJob, limits: ReturnType<typeof limitsFrom>): Promise<RenderInput> {
  const tests = await Promise.all(
    job.tests.map(async (test): Promise<RenderTest> => {
      const input: TraceInput = test.call !== undefined ? { kind: "call", call: test.call } : { kind: "stdin", stdin: test.stdin! };
      const trace = await runtime.trace({ program: job.program, input, limits });
      return { input, trace, ...(test.expect === undefined ? {} : { expected: test.expect }) };
    }),
  );
  return { program: job.program, tests };
}

/** A malformed line still names its job when it has a usable id. */
function idOf(value: unknown): { id?: string | number } {
  const id = z.object({ id: z.union([z.string(), z.number()]) }).safeParse(value);
  return id.success ? { id: id.data.id } : {};
}

import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";
import { loadJsonl } from "../core/jsonl.js";
import type { TraceInput } from "../core/trace.js";
import type { Runtime } from "../runtime/runtime.js";
import { action, EXIT_USAGE, log, writeJson, writeJsonLine } from "./output.js";
import { addRuntimeOptions, limitsFrom, runtimeFrom, type RuntimeFlags } from "./runtime-options.js";
import { formatTrace } from "./trace-view.js";

interface TraceFlags extends RuntimeFlags {
  call?: string;
  stdin?: string;
  batch?: string;
  json?: boolean;
}

const TraceJobSchema = z
  .strictObject({
    id: z.union([z.string(), z.number()]),
    program: z.string(),
    call: z.string().optional(),
    stdin: z.string().optional(),
  })
  .refine((job) => (job.call === undefined) !== (job.stdin === undefined), {
    message: "give exactly one of `call` or `stdin`",
  });

export function registerTraceCommand(program: Command): void {
  const command = program
    .command("trace")
    .description("run a Python program in the sandbox and print its execution trace")
    .argument("[program]", "Python source file")
    .option("--call <expression>", "call to trace, e.g. \"f(1, [2, 3])\"")
    .option("--stdin <text>", "run as a script on this standard input (@FILE reads a file)")
    .option("--batch <jobs>", "JSONL of {id, program, call|stdin}; one trace per line, in order")
    .option("--json", "print the trace JSON");
  addRuntimeOptions(command).action(
    action(async (file: string | undefined, flags: TraceFlags) => {
      if (flags.batch) return traceBatch(flags.batch, flags);
      if (!file) throw new ConfigError("give a PROGRAM.py, or --batch JOBS.jsonl");
      const input = await inputFrom(flags);
      const runtime = runtimeFrom(flags, 1);
      try {
        const trace = await runtime.trace({ program: await readFile(file, "utf8"), input, limits: limitsFrom(flags) });
        if (flags.json) writeJson(trace);
        else process.stdout.write(formatTrace(trace) + "\n");
      } finally {
        await runtime.close();
      }
    }),
  );
}

async function inputFrom(flags: TraceFlags): Promise<TraceInput> {
  if ((flags.call === undefined) === (flags.stdin === undefined)) {
    throw new ConfigError("give exactly one of --call EXPRESSION or --stdin TEXT|@FILE");
  }
  if (flags.call !== undefined) return { kind: "call", call: flags.call };
  const stdin = flags.stdin!;
  return { kind: "stdin", stdin: stdin.startsWith("@") ? await readFile(stdin.slice(1), "utf8") : stdin };
}

/** Every valid job runs on the pool at once; lines are written back in input order. */
async function traceBatch(path: string, flags: TraceFlags): Promise<void> {
  const lines = await loadJsonl(path);
  const runtime: Runtime = runtimeFrom(flags);
  const limits = limitsFrom(flags);
  let malformed = 0;
  try {
    const pending = lines.map((line) => {
      const job = line.ok ? TraceJobSchema.safeParse(line.value) : undefined;
      if (!job?.success) {
        malformed++;
        const reason = line.ok ? z.prettifyError(job!.error).replace(/\n/g, " ") : line.error;
        const error = `${path}:${line.lineNumber}: ${reason}`;
        log(`✖ ${error}`);
        return Promise.resolve({ line: line.lineNumber, error });
      }
      const { id, program, call, stdin } = job.data;
      const input: TraceInput = call !== undefined ? { kind: "call", call } : { kind: "stdin", stdin: stdin! };
      return runtime.trace({ program, input, limits }).then((trace) => ({ id, trace }));
    });
    for (const result of pending) writeJsonLine(await result);
  } finally {
    await runtime.close();
  }
  if (malformed > 0) process.exitCode = EXIT_USAGE;
}

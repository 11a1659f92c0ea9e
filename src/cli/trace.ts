import type { Command } from "commander";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";
import type { TraceInput } from "../core/trace.js";
import { readInputFile, runJsonlBatch, traceInputFrom } from "./options.js";
import { action, writeJson } from "./output.js";
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
    .option("--call <expression>", 'call to trace, e.g. "f(1, [2, 3])"')
    .option("--stdin <text>", "run as a script on this standard input (@FILE reads a file)")
    .option("--batch <jobs>", "JSONL of {id, program, call|stdin}; one trace per line, in order")
    .option("--json", "print the trace JSON");
  addRuntimeOptions(command).action(
    action(async (file: string | undefined, flags: TraceFlags) => {
      if (flags.batch) return traceBatch(flags.batch, flags);
      if (!file) throw new ConfigError("give a PROGRAM.py, or --batch JOBS.jsonl");
      const source = await readInputFile(file, "program");
      const input = await traceInputFrom(flags);
      const runtime = runtimeFrom(flags, 1);
      try {
        const trace = await runtime.trace({ program: source, input, limits: limitsFrom(flags) });
        if (flags.json) writeJson(trace);
        else process.stdout.write(formatTrace(trace) + "\n");
      } finally {
        await runtime.close();
      }
    }),
  );
}

/** One trace per line, in input order. */
async function traceBatch(path: string, flags: TraceFlags): Promise<void> {
  const runtime = runtimeFrom(flags);
  const limits = limitsFrom(flags);
  try {
    await runJsonlBatch(path, TraceJobSchema, async ({ id, program, call, stdin }) => {
      const input: TraceInput = call !== undefined ? { kind: "call", call } : { kind: "stdin", stdin: stdin ?? "" };
      return { documents: [{ id, trace: await runtime.trace({ program, input, limits }) }], failed: false };
    });
  } finally {
    await runtime.close();
  }
}

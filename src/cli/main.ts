import { readFileSync } from "node:fs";
import { Command } from "commander";
import { EXIT_USAGE } from "./output.js";

type Register = (program: Command) => void;

/**
 * Each command's module, loaded only when needed: a run of one command does not pay for
 * importing every other one (the tokenizers, tree-sitter, charts, SQLite).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  trace: async () => (await import("./trace.js")).registerTraceCommand,
  render: async () => (await import("./render.js")).registerRenderCommand,
  data: async () => (await import("./data.js")).registerDataCommand,
  demo: async () => (await import("./demo.js")).registerDemoCommand,
  eval: async () => (await import("./eval.js")).registerEvalCommand,
  pairs: async () => (await import("./pairs.js")).registerPairsCommand,
  sft: async () => (await import("./sft.js")).registerSftCommand,
  run: async () => (await import("./run.js")).registerRunCommand,
  report: async () => (await import("./report.js")).registerReportCommand,
  reason: async () => (await import("./reason.js")).registerReasonCommand,
  localize: async () => (await import("./localize.js")).registerLocalizeCommand,
  serve: async () => (await import("./serve.js")).registerServeCommand,
  worker: async () => (await import("./worker.js")).registerWorkerCommand,
};

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

/** The CLI with every command, or with only `command` when it names one. */
export async function createProgram(command?: string): Promise<Command> {
  const program = new Command("semtrace")
    .description("Execution traces for code LLMs: trace, render, evaluate, build SFT data, run experiments")
    .version(version())
    .showHelpAfterError()
    .exitOverride();
  const names = command !== undefined && command in COMMANDS ? [command] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await (await createProgram(argv[2])).parseAsync(argv);
  } catch (error) {
    // commander signals --help/--version and usage errors by throwing under exitOverride.
    const code = (error as { exitCode?: number }).exitCode;
    process.exitCode = code === 0 ? 0 : EXIT_USAGE;
  }
}

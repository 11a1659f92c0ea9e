import { readFileSync } from "node:fs";
import { Command } from "commander";
import { registerDataCommand } from "./data.js";
import { registerDemoCommand } from "./demo.js";
import { registerEvalCommand } from "./eval.js";
import { registerPairsCommand } from "./pairs.js";
import { registerRenderCommand } from "./render.js";
import { registerReportCommand } from "./report.js";
import { registerRunCommand } from "./run.js";
import { registerServeCommand } from "./serve.js";
import { registerSftCommand } from "./sft.js";
import { EXIT_USAGE } from "./output.js";
import { registerTraceCommand } from "./trace.js";

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return manifest.version;
}

export function createProgram(): Command {
  const program = new Command("semtrace")
    .description("Execution traces for code LLMs: trace, render, evaluate, build SFT data, run experiments")
    .version(version())
    .showHelpAfterError()
    .exitOverride();
  registerTraceCommand(program);
  registerRenderCommand(program);
  registerDataCommand(program);
  registerDemoCommand(program);
  registerEvalCommand(program);
  registerPairsCommand(program);
  registerSftCommand(program);
  registerRunCommand(program);
  registerReportCommand(program);
  registerServeCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    // commander signals --help/--version and usage errors by throwing under exitOverride.
    const code = (error as { exitCode?: number }).exitCode;
    process.exitCode = code === 0 ? 0 : EXIT_USAGE;
  }
}

import { registerSftCommand } from "../../src/cli/sft.js";
import { runCommand, type CommandOutput } from "../cli/in-process.js";

/** Runs `semtrace sft <args>` in-process. */
export function runSftCommand(args: string[]): Promise<CommandOutput> {
  return runCommand(registerSftCommand, ["sft", ...args]);
}

import { Command } from "commander";
import { vi } from "vitest";
import { registerSftCommand } from "../../src/cli/sft.js";

/** Runs `semtrace sft <args>` in-process; returns what went to stdout and stderr, and the exit code. */
export async function runSftCommand(args: string[]): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> {
  const program = new Command("semtrace").exitOverride();
  registerSftCommand(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    await program.parseAsync(["sft", ...args], { from: "user" });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode);
  return { stdout, stderr, exitCode };
}

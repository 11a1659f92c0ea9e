import { Command } from "commander";
import { vi } from "vitest";

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** process.exitCode after the command, 0 when it set none. */
  exitCode: number;
}

/**
 * Runs `semtrace <args>` in-process with the commands `register` adds, and returns what went
 * to stdout and stderr and the exit code. The caller resets process.exitCode between tests.
 */
export async function runCommand(register: (program: Command) => void, args: string[]): Promise<CommandOutput> {
  const program = new Command("semtrace").exitOverride();
  register(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    await program.parseAsync(args, { from: "user" });
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
}

import { Command, CommanderError } from "commander";
import { vi } from "vitest";

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** process.exitCode after the command, 0 when it set none. */
  exitCode: number;
}

/**
 * Runs `semtrace <args>` in-process with the commands `register` adds, and returns what went
 * to stdout and stderr and the exit code (2 for a usage error commander reports). The caller resets process.exitCode between tests.
 */
export async function runCommand(register: (program: Command) => void, args: string[]): Promise<CommandOutput> {
  const program = new Command("semtrace").exitOverride();
  register(program);
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    // A usage error, as main() reports it: commander has printed it.
    if (!(error instanceof CommanderError)) throw error;
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return { stdout, stderr, exitCode: Number(process.exitCode ?? 0) };
}

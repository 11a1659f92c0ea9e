import { Option, type Command } from "commander";
import type { Limits } from "../core/trace.js";
import { createRuntime, RUNTIME_NAMES } from "../runtime/index.js";
import type { Runtime } from "../runtime/runtime.js";
import { nonNegativeInteger } from "./options.js";

export interface RuntimeFlags {
  runtime: string;
  timeoutMs?: number;
  maxSteps?: number;
  maxValueChars?: number;
  memoryMb?: number;
  unsafeNoIsolation?: boolean;
}

/** The sandbox flags every command that runs Python shares. */
export function addRuntimeOptions(command: Command): Command {
  return command
    .addOption(new Option("--runtime <name>", "sandbox runtime").choices(RUNTIME_NAMES).default("pyodide"))
    .option("--timeout-ms <n>", "wall-clock limit per run", nonNegativeInteger)
    .option("--max-steps <n>", "trace events to record before recording stops", nonNegativeInteger)
    .option("--max-value-chars <n>", "cap on each recorded value's repr", nonNegativeInteger)
    .option("--memory-mb <n>", "memory cap per run", nonNegativeInteger)
    .option("--unsafe-no-isolation", "cpython only: run without bubblewrap (untrusted code gets your rights)");
}

export function limitsFrom(flags: RuntimeFlags): Partial<Limits> {
  const limits: Partial<Limits> = {};
  if (flags.timeoutMs !== undefined) limits.timeoutMs = flags.timeoutMs;
  if (flags.maxSteps !== undefined) limits.maxSteps = flags.maxSteps;
  if (flags.maxValueChars !== undefined) limits.maxValueChars = flags.maxValueChars;
  if (flags.memoryMb !== undefined) limits.memoryMb = flags.memoryMb;
  return limits;
}

/** `poolSize` for a command that knows it runs one job: a second sandbox would only compete with the first's start. */
export function runtimeFrom(flags: RuntimeFlags, poolSize?: number): Runtime {
  return createRuntime(flags.runtime, {
    unsafeNoIsolation: flags.unsafeNoIsolation === true,
    ...(poolSize === undefined ? {} : { poolSize }),
    ...(flags.memoryMb === undefined ? {} : { memoryMb: flags.memoryMb }),
  });
}

/**
 * SandboxFusion's `POST /run_code` (sandbox/runners/types.py, sandbox/server/sandbox_api.py)
 * over Runtime.execute: the program runs as a stdin test, and its status, return code and
 * output are read by the host from what the sandbox reported, never from the program's say-so.
 */
import { z } from "zod";
import type { ExecuteResponse, Runtime, TestRun } from "../runtime/runtime.js";

export const SERVED_LANGUAGES = ["python"] as const;

export const RunCodeRequestSchema = z.object({
  code: z.string(),
  language: z.string(),
  stdin: z.string().nullish(),
  compile_timeout: z.number().positive().default(10),
  run_timeout: z.number().positive().default(10),
  /** -1: no limit of the request's own (the server's memory cap applies). */
  memory_limit_MB: z.number().int().default(-1),
  files: z.record(z.string(), z.string().nullable()).default({}),
  fetch_files: z.array(z.string()).default([]),
});
export type RunCodeRequest = z.infer<typeof RunCodeRequestSchema>;

export const CommandRunResultSchema = z.object({
  status: z.enum(["Finished", "Error", "TimeLimitExceeded"]),
  execution_time: z.number().nullable(),
  return_code: z.number().int().nullable(),
  stdout: z.string().nullable(),
  stderr: z.string().nullable(),
});
export type CommandRunResult = z.infer<typeof CommandRunResultSchema>;

export const RunCodeResponseSchema = z.object({
  status: z.enum(["Success", "Failed", "SandboxError"]),
  message: z.string(),
  compile_result: CommandRunResultSchema.nullable(),
  run_result: CommandRunResultSchema.nullable(),
  executor_pod_name: z.string().nullable(),
  files: z.record(z.string(), z.string()),
});
export type RunCodeResponse = z.infer<typeof RunCodeResponseSchema>;

function sandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, compile_result: null, run_result: null, executor_pod_name: null, files: {} };
}

export async function runCode(runtime: Runtime, request: RunCodeRequest): Promise<RunCodeResponse> {
  if (!(SERVED_LANGUAGES as readonly string[]).includes(request.language)) {
    return sandboxError(`language '${request.language}' is not served; served languages: ${SERVED_LANGUAGES.join(", ")}`);
  }
  if (Object.keys(request.files).length > 0 || request.fetch_files.length > 0) {
    return sandboxError("files and fetch_files are not served by this server");
  }
  const started = performance.now();
  const response = await runtime.execute({
    program: request.code,
    entryPoint: "",
    tests: [{ id: "run", kind: "stdin", stdin: request.stdin ?? "", timeoutMs: Math.ceil(request.run_timeout * 1000) }],
    ...(request.memory_limit_MB > 0 ? { limits: { memoryMb: request.memory_limit_MB } } : {}),
  });
  const runResult = runResultOf(response, (performance.now() - started) / 1000);
  const success = runResult.status === "Finished" && runResult.return_code === 0;
  return { status: success ? "Success" : "Failed", message: "", compile_result: null, run_result: runResult, executor_pod_name: null, files: {} };
}

/** As SandboxFusion: a program's failure is a Finished run with a non-zero code; a lost run is an Error. */
export function runResultOf(response: ExecuteResponse, elapsedS: number): CommandRunResult {
  if (response.loadError) {
    const timedOut = response.loadError.type === "Timeout";
    return {
      status: timedOut ? "TimeLimitExceeded" : "Finished", execution_time: elapsedS,
      return_code: timedOut ? null : 1, stdout: "", stderr: timedOut ? "" : traceback(response.loadError),
    };
  }
  const run: TestRun | undefined = response.runs[0];
  if (!run) return { status: "Error", execution_time: elapsedS, return_code: null, stdout: null, stderr: "the sandbox returned no run" };
  const stdout = run.stdout ?? "";
  if (run.stopped?.kind === "timeout") return { status: "TimeLimitExceeded", execution_time: elapsedS, return_code: null, stdout, stderr: "" };
  if (run.stopped?.kind === "crashed") return { status: "Error", execution_time: elapsedS, return_code: null, stdout, stderr: run.stopped.detail };
  const outcome = run.outcomes[0];
  if (!outcome || run.outcomes.length !== 1) return { status: "Error", execution_time: elapsedS, return_code: null, stdout, stderr: "the sandbox broke its protocol" };
  const execution = run.durationMs / 1000;
  if (outcome.outcome === "returned") return { status: "Finished", execution_time: execution, return_code: 0, stdout, stderr: "" };
  if (outcome.error.type === "SystemExit") {
    // The harness passes exits with code 0 or None as returns: a "0" here is sys.exit("0"), which Python reports as 1.
    const numeric = /^-?\d+$/.test(outcome.error.message) && Number(outcome.error.message) !== 0;
    const code = numeric ? Number(outcome.error.message) & 0xff : 1;
    return { status: "Finished", execution_time: execution, return_code: code, stdout, stderr: numeric ? "" : `${outcome.error.message}\n` };
  }
  return { status: "Finished", execution_time: execution, return_code: 1, stdout, stderr: traceback(outcome.error) };
}

function traceback(error: { type: string; message: string; line?: number }): string {
  const where = error.line === undefined ? "" : `  File "<string>", line ${error.line}\n`;
  return `Traceback (most recent call last):\n${where}${error.type}: ${error.message}\n`;
}

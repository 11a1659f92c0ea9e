/**
 * SandboxFusion's `POST /run_code` (sandbox/runners/types.py, sandbox/server/sandbox_api.py)
 * over Runtime.runScript: the program runs as `python main.py` in a working folder of its own,
 * and its status, exit status and output are what the host saw of that process, never the
 * program's say-so. The statuses mean what SandboxFusion's mean: a run that ended is
 * `Finished` with its exit status (`Success` only for 0), one stopped at its deadline is
 * `TimeLimitExceeded` (`Failed`), and only a run the sandbox lost is `Error` (`SandboxError`).
 */
import { z } from "zod";
import { errorMessage } from "../core/errors.js";
import { DEFAULT_FETCH_BYTES, type Runtime, type ScriptRun } from "../runtime/runtime.js";
import { workingFolderPathIssue } from "../runtime/script.js";

export const SERVED_LANGUAGES = ["python"] as const;

/** SandboxFusion's marker in a file name for a file not to write. */
const SKIPPED_FILE_MARK = "IGNORE_THIS_FILE";

export const RunCodeRequestSchema = z.object({
  code: z.string(),
  language: z.string(),
  stdin: z.string().nullish(),
  /** Python compiles nothing ahead of its run, as in SandboxFusion: accepted and unused. */
  compile_timeout: z.number().positive().default(10),
  run_timeout: z.number().positive().default(10),
  /** -1: no limit of the request's own (the runtime's default cap applies). */
  memory_limit_MB: z.number().int().default(-1),
  /** Relative path to base64 content; a null content writes nothing. */
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
  /** Fetched files that were there after the run, base64; a missing one is left out. */
  files: z.record(z.string(), z.string()),
});
export type RunCodeResponse = z.infer<typeof RunCodeResponseSchema>;

export interface RunCodeOptions {
  /** The most bytes all fetched files of one request may take together. */
  maxFetchBytes?: number;
}

/** As SandboxFusion names the pod that ran a request, from the same environment variable. */
function podName(): string | null {
  return process.env.MY_POD_NAME ?? null;
}

function sandboxError(message: string, runResult: CommandRunResult | null = null): RunCodeResponse {
  return { status: "SandboxError", message, compile_result: null, run_result: runResult, executor_pod_name: podName(), files: {} };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The request's files as bytes, or why they cannot be written. */
function requestFiles(request: RunCodeRequest): Record<string, Uint8Array> | string {
  const files: Record<string, Uint8Array> = {};
  for (const [path, content] of Object.entries(request.files)) {
    if (content === null || path.includes(SKIPPED_FILE_MARK)) continue;
    const issue = workingFolderPathIssue(path);
    if (issue) return `files: ${issue}`;
    if (!BASE64.test(content)) return `files: the content of ${JSON.stringify(path)} is not base64`;
    files[path] = new Uint8Array(Buffer.from(content, "base64"));
  }
  const fetchIssue = request.fetch_files.map(workingFolderPathIssue).find((issue) => issue !== undefined);
  return fetchIssue ? `fetch_files: ${fetchIssue}` : files;
}

export async function runCode(runtime: Runtime, request: RunCodeRequest, options: RunCodeOptions = {}): Promise<RunCodeResponse> {
  if (!(SERVED_LANGUAGES as readonly string[]).includes(request.language)) {
    return sandboxError(`language '${request.language}' is not served; served languages: ${SERVED_LANGUAGES.join(", ")}`);
  }
  const files = requestFiles(request);
  if (typeof files === "string") return sandboxError(files);
  let run: ScriptRun;
  try {
    run = await runtime.runScript({
      program: request.code,
      stdin: request.stdin ?? "",
      files,
      fetchFiles: request.fetch_files,
      timeoutMs: Math.ceil(request.run_timeout * 1000),
      maxFetchBytes: options.maxFetchBytes ?? DEFAULT_FETCH_BYTES,
      ...(request.memory_limit_MB > 0 ? { limits: { memoryMb: request.memory_limit_MB } } : {}),
    });
  } catch (error) {
    return sandboxError(`exception on running code: ${errorMessage(error)}`);
  }
  return responseOf(run);
}

/** SandboxFusion's parse_run_status over the one command a Python run has. */
export function responseOf(run: ScriptRun): RunCodeResponse {
  const runResult = runResultOf(run);
  if (runResult.status === "Error") return sandboxError(runResult.stderr ?? "", runResult);
  const files = Object.fromEntries(Object.entries(run.files).map(([path, data]) => [path, Buffer.from(data).toString("base64")]));
  const success = runResult.status === "Finished" && runResult.return_code === 0;
  // SandboxFusion's message is empty unless the sandbox failed; a file left out for its size is said here.
  const message = run.oversized.length > 0 ? `fetch_files left out for their size: ${run.oversized.join(", ")}` : "";
  return { status: success ? "Success" : "Failed", message, compile_result: null, run_result: runResult, executor_pod_name: podName(), files };
}

export function runResultOf(run: ScriptRun): CommandRunResult {
  const executionTime = run.durationMs / 1000;
  if (run.stopped?.kind === "crashed") {
    return { status: "Error", execution_time: null, return_code: null, stdout: null, stderr: run.stopped.detail };
  }
  if (run.stopped?.kind === "timeout") {
    return { status: "TimeLimitExceeded", execution_time: executionTime, return_code: null, stdout: run.stdout, stderr: run.stderr };
  }
  return { status: "Finished", execution_time: executionTime, return_code: run.exitCode, stdout: run.stdout, stderr: run.stderr };
}

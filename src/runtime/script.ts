/**
 * Running a whole program (Runtime.runScript) on a sandbox pool: the job, its phase budgets,
 * and reading what the harness reports (semtrace_script.py), which is checked because it
 * comes out of the sandbox. Whether the run timed out is the host's own record.
 */
import { inPlaceValidator } from "../config/in-place-validator.js";
import { ScriptBodySchema, ScriptObservationSchema, type ScriptObservation } from "../config/sandbox-protocol.js";
import { ConfigError } from "../core/errors.js";
import { LOAD_PHASE, preparePhase } from "./protocol.js";
import { DEFAULT_FETCH_BYTES, DEFAULT_LIMITS, type ScriptRequest, type ScriptRun } from "./runtime.js";
import type { JobOutcome, SandboxJob, SandboxPool } from "./sandbox.js";

/** Writing the program's files into its working folder, before it runs. */
const WRITE_FILES_MS = 5_000;
/** Reading its fetched files back and reporting the run. */
const REPORT_MS = 5_000;

const validateObservation = inPlaceValidator(ScriptObservationSchema, "a script run from the sandbox");

/** Why `path` does not name a file inside the working folder, or undefined when it does. */
export function workingFolderPathIssue(path: string): string | undefined {
  if (path === "" || path.includes("\0")) return `path ${JSON.stringify(path)} is not a file name`;
  if (path.startsWith("/")) return `path ${JSON.stringify(path)} is absolute; give it relative to the working folder`;
  if (path.split("/").includes("..")) return `path ${JSON.stringify(path)} leaves the working folder`;
  return undefined;
}

function checkPaths(request: ScriptRequest): void {
  for (const path of [...Object.keys(request.files ?? {}), ...(request.fetchFiles ?? [])]) {
    const issue = workingFolderPathIssue(path);
    if (issue) throw new ConfigError(issue);
  }
}

export async function runScriptOn(pool: SandboxPool, request: ScriptRequest): Promise<ScriptRun> {
  checkPaths(request);
  const files = Object.fromEntries(Object.entries(request.files ?? {}).map(([path, data]) => [path, Buffer.from(data).toString("base64")]));
  const job: SandboxJob = {
    kind: "script",
    payload: {
      program: request.program,
      stdin: request.stdin ?? "",
      files,
      fetchFiles: request.fetchFiles ?? [],
      maxFetchBytes: request.maxFetchBytes ?? DEFAULT_FETCH_BYTES,
      limits: { ...DEFAULT_LIMITS, ...request.limits },
    },
    memoryMb: request.limits?.memoryMb ?? DEFAULT_LIMITS.memoryMb,
    phaseCount: 1,
    phaseTimeoutMs: (phase) => (phase === 0 ? request.timeoutMs : phase === LOAD_PHASE ? WRITE_FILES_MS : phase === preparePhase(1) ? REPORT_MS : 0),
  };
  return scriptRunOf(await pool.run(job), request.timeoutMs);
}

function scriptRunOf(outcome: JobOutcome, timeoutMs: number): ScriptRun {
  const result = outcome.messages.find((message) => message.t === "result");
  const timedOut = outcome.interrupted.has(0) || (outcome.end.kind === "killed" && outcome.end.phase === 0);
  if (result === undefined || result.i !== 0) {
    // Killed at its deadline, the run took its whole limit; its output went with the sandbox.
    if (timedOut) return { ...emptyRun({ kind: "timeout" }), durationMs: timeoutMs };
    return emptyRun({ kind: "crashed", detail: endDetail(outcome) });
  }
  let observation: ScriptObservation;
  try {
    observation = validateObservation(result.result);
  } catch (error) {
    return emptyRun({ kind: "crashed", detail: `the sandbox broke its protocol: ${(error as Error).message}` });
  }
  const { interrupted, files, ...rest } = observation;
  if (rest.exitCode === null && !interrupted && !timedOut)
    return emptyRun({ kind: "crashed", detail: "the sandbox reported a run that neither ended nor was stopped" });
  const stopped = timedOut || interrupted ? { stopped: { kind: "timeout" as const } } : {};
  return {
    ...rest,
    ...(stopped.stopped ? { exitCode: null } : {}),
    files: Object.fromEntries(Object.entries(files).map(([path, data]) => [path, new Uint8Array(Buffer.from(data, "base64"))])),
    ...stopped,
  };
}

function endDetail(outcome: JobOutcome): string {
  if (outcome.end.kind === "done") {
    const body = ScriptBodySchema.safeParse(outcome.end.body);
    return body.success && body.data.error !== undefined ? `the sandbox refused the job: ${body.data.error}` : "the sandbox ended the job without a result";
  }
  if (outcome.end.kind === "killed") return "the sandbox was stopped while writing or reading the program's files";
  return outcome.end.detail;
}

function emptyRun(stopped: NonNullable<ScriptRun["stopped"]>): ScriptRun {
  return {
    durationMs: 0,
    exitCode: null,
    stdout: "",
    stderr: "",
    stdoutTruncated: false,
    stderrTruncated: false,
    files: {},
    missing: [],
    oversized: [],
    stopped,
  };
}

import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import { ConfigError, DataNotFoundError, type SchemaIssue, SemtraceError, errorMessage } from "../core/errors.js";
import { loadJsonl, type JsonlLine } from "../core/jsonl.js";
import { type Backend, type ChatRequest, type ChatResponse, parseBackendOptions, requestedChoices } from "./backend.js";

/**
 * A recorded completion. Sample files from EvalPlus (`{task_id, solution}` or
 * `{task_id, completion}`) load as round 0, chain = the sample's position among the
 * task's lines in file order.
 */
export interface ReplayRecord {
  taskId: string;
  round: number;
  chain: number;
  completion: string;
}

/** One line of a recorded-run file, as written by the recorder. */
export const replayRecordLineSchema = z.object({
  task_id: z.string().min(1),
  round: z.number().int().nonnegative(),
  chain: z.number().int().nonnegative().optional(),
  completion: z.string(),
});
export type ReplayRecordLine = z.infer<typeof replayRecordLineSchema>;

const evalPlusSampleSchema = z.union([
  z.object({ task_id: z.string().min(1), solution: z.string() }),
  z.object({ task_id: z.string().min(1), completion: z.string() }),
]);

export type ReplayMissingPolicy = "error" | "repeat-last";

export const replayBackendOptionsSchema = z.object({
  /** Label for the backend id (`replay:<model>`). */
  model: z.string().min(1),
  /** JSONL file: an EvalPlus samples file or a recorded run. */
  path: z.string().min(1),
  /**
   * `error`: a request without a recording throws. `repeat-last`: serve the same chain's
   * recording from the latest earlier round, else the task's last line in the file; this
   * lets later self-debug rounds replay a one-round samples file.
   */
  onMissing: z.enum(["error", "repeat-last"]).default("error"),
  /** Wrap raw program text in a ```python fence (unless it has a fence already), as a model would answer. */
  fence: z.boolean().default(true),
});
export type ReplayBackendOptions = z.input<typeof replayBackendOptionsSchema>;

/** A replay request or recording that cannot be served: names task, round and chain. */
export class ReplayError extends SemtraceError {
  readonly taskId: string | undefined;
  readonly round: number | undefined;
  readonly chain: number | undefined;

  constructor(message: string, options: { taskId?: string; round?: number; chain?: number } = {}) {
    super(message, { code: "replay" });
    this.taskId = options.taskId;
    this.round = options.round;
    this.chain = options.chain;
  }
}

/** Reads a samples or recorded-run file; a bad line is a ConfigError naming file:line. */
export async function loadReplayRecords(path: string): Promise<ReplayRecord[]> {
  let lines: JsonlLine[];
  try {
    lines = await loadJsonl(path);
  } catch (error) {
    throw new DataNotFoundError(`cannot read replay file ${path}: ${errorMessage(error)}`, { file: path, cause: error });
  }
  const records: ReplayRecord[] = [];
  const issues: SchemaIssue[] = [];
  const samplesPerTask = new Map<string, number>();
  for (const line of lines) {
    const where = `${path}:${line.lineNumber}`;
    if (!line.ok) {
      issues.push({ path: where, message: line.error });
      continue;
    }
    const record = toRecord(line.value, samplesPerTask);
    if (typeof record === "string") issues.push({ path: where, message: record });
    else records.push(record);
  }
  if (issues.length > 0) {
    throw new ConfigError(
      `replay file ${path} has ${issues.length} invalid line(s); each line needs task_id and solution/completion ` +
        `(EvalPlus samples) or task_id, round, chain and completion (recorded run)`,
      { issues, source: path },
    );
  }
  return records;
}

/** A line with `round` is a recorded-run line; otherwise an EvalPlus sample. Returns the problem as text. */
function toRecord(value: unknown, samplesPerTask: Map<string, number>): ReplayRecord | string {
  if (value !== null && typeof value === "object" && "round" in value) {
    const parsed = replayRecordLineSchema.safeParse(value);
    if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    const { task_id: taskId, round, chain, completion } = parsed.data;
    return { taskId, round, chain: chain ?? 0, completion };
  }
  const parsed = evalPlusSampleSchema.safeParse(value);
  if (!parsed.success) return "expected {task_id, solution} or {task_id, completion} or a recorded line with round";
  const taskId = parsed.data.task_id;
  const chain = samplesPerTask.get(taskId) ?? 0;
  samplesPerTask.set(taskId, chain + 1);
  const completion = "solution" in parsed.data ? parsed.data.solution : parsed.data.completion;
  return { taskId, round: 0, chain, completion };
}

/** Makes raw program text look like a model answer; text that already has a fence is left alone. */
export function fenceCompletion(text: string, language = "python"): string {
  if (text.includes("```")) return text;
  return "```" + language + "\n" + text + (text.endsWith("\n") ? "" : "\n") + "```";
}

interface TaskRecordings {
  /** `${round}:${chain}` → completion; a later line overrides an earlier one (a resumed recording may repeat a key). */
  byKey: Map<string, string>;
  /** For each chain, the rounds recorded, to find the latest earlier one. */
  roundsByChain: Map<number, number[]>;
  lastInFile: string;
}

function indexRecords(records: readonly ReplayRecord[]): Map<string, TaskRecordings> {
  const tasks = new Map<string, TaskRecordings>();
  for (const record of records) {
    let task = tasks.get(record.taskId);
    if (task === undefined) {
      task = { byKey: new Map(), roundsByChain: new Map(), lastInFile: record.completion };
      tasks.set(record.taskId, task);
    }
    task.byKey.set(`${record.round}:${record.chain}`, record.completion);
    task.roundsByChain.set(record.chain, [...(task.roundsByChain.get(record.chain) ?? []), record.round]);
    task.lastInFile = record.completion;
  }
  return tasks;
}

function requireKey(request: ChatRequest): { taskId: string; round: number; chain: number } {
  const { taskId, round, chain } = request.metadata ?? {};
  if (taskId === undefined || round === undefined) {
    throw new ReplayError(
      `the replay backend needs metadata.taskId and metadata.round in every request (got taskId=${String(taskId)}, ` +
        `round=${String(round)}): recordings are keyed by task, round and chain`,
      { taskId, round, chain },
    );
  }
  return { taskId, round, chain: chain ?? 0 };
}

/**
 * Serves recorded completions. A request for task t, round r, chain c (default 0) with n
 * choices returns the recordings (t, r, c), (t, r, c+1), …, (t, r, c+n-1): with a samples
 * file, chain k is the task's k-th sample in file order.
 */
export function createReplayBackend(records: readonly ReplayRecord[], input: Omit<ReplayBackendOptions, "path"> & { path?: string }): Backend {
  const options = parseBackendOptions(replayBackendOptionsSchema, { ...input, path: input.path ?? "(records)" }, "replay backend");
  const tasks = indexRecords(records);

  function find(taskId: string, round: number, chain: number): string {
    const task = tasks.get(taskId);
    const exact = task?.byKey.get(`${round}:${chain}`);
    if (exact !== undefined) return exact;
    if (task !== undefined && options.onMissing === "repeat-last") {
      const earlier = (task.roundsByChain.get(chain) ?? []).filter((recorded) => recorded < round);
      return earlier.length > 0 ? (task.byKey.get(`${Math.max(...earlier)}:${chain}`) as string) : task.lastInFile;
    }
    throw new ReplayError(
      task === undefined
        ? `replay file ${options.path} has no recording for task ${taskId} (round ${round}, chain ${chain})`
        : `replay file ${options.path} has no recording for task ${taskId} round ${round} chain ${chain}; ` +
            `set onMissing: repeat-last to reuse the task's latest recording`,
      { taskId, round, chain },
    );
  }

  return {
    id: `replay:${options.model}`,
    async complete(request): Promise<ChatResponse> {
      const started = performance.now();
      const wanted = requestedChoices(request);
      const { taskId, round, chain } = requireKey(request);
      const choices = Array.from({ length: wanted }, (_, index) => {
        const text = find(taskId, round, chain + index);
        return { text: options.fence ? fenceCompletion(text) : text, finishReason: "stop" };
      });
      return {
        choices,
        usage: { promptTokens: 0, completionTokens: 0 },
        cached: false,
        latencyMs: performance.now() - started,
        model: options.model,
        servedBy: options.path,
      };
    },
    close: async () => {},
  };
}

/** Loads the file named in the options and serves it. */
export async function loadReplayBackend(input: ReplayBackendOptions): Promise<Backend> {
  const options = parseBackendOptions(replayBackendOptionsSchema, input, "replay backend");
  return createReplayBackend(await loadReplayRecords(options.path), options);
}

/** The recorded-run lines for one answered request: choice i is chain (metadata.chain ?? 0) + i. */
export function createReplayRecordLines(request: ChatRequest, response: ChatResponse): ReplayRecordLine[] {
  const { taskId, round, chain } = requireKey(request);
  return response.choices.map((choice, index) => ({
    task_id: taskId,
    round,
    chain: chain + index,
    completion: choice.text,
  }));
}

export interface ReplayRecorder {
  readonly path: string;
  record(request: ChatRequest, response: ChatResponse): void;
}

/** Appends recorded-run lines to a JSONL file that the replay backend can serve later. */
export function createReplayRecorder(path: string): ReplayRecorder {
  mkdirSync(dirname(path), { recursive: true });
  return {
    path,
    record(request, response) {
      const lines = createReplayRecordLines(request, response);
      // One synchronous append per response keeps lines whole and in order across concurrent requests.
      appendFileSync(path, lines.map((line) => JSON.stringify(line) + "\n").join(""));
    },
  };
}

/** Records every successful response of a backend. */
export function withReplayRecording(backend: Backend, recorder: ReplayRecorder): Backend {
  return {
    id: backend.id,
    async complete(request) {
      requireKey(request); // before the call, so a request that cannot be recorded costs nothing
      const response = await backend.complete(request);
      recorder.record(request, response);
      return response;
    },
    close: () => backend.close(),
  };
}

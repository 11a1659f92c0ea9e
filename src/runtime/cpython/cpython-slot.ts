import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { z } from "zod";
import { SandboxMessageSchema } from "../../config/sandbox-protocol.js";
import { SandboxUnavailableError } from "../../core/errors.js";
import { jobBudgetMs, payloadJson, type JobEnd, type PoolMessage, type SandboxJob, type SandboxSlot, type SharedJobData } from "../sandbox.js";
import type { SandboxCommand } from "./isolation.js";

/** The fork server's frames (zygote.py): its own reports, or a count of the job's raw result bytes that follow. */
const ServerFrameSchema = z.union([
  z.strictObject({ ready: z.literal(true), python: z.string() }),
  z.strictObject({ job: z.number(), phase: z.number().int(), ms: z.number() }),
  z.strictObject({ job: z.number(), interrupted: z.number().int() }),
  z.strictObject({ job: z.number(), bytes: z.number().int().positive() }),
  z.strictObject({ job: z.number(), end: z.strictObject({ status: z.string(), clean: z.boolean() }) }),
]);
type ServerFrame = z.infer<typeof ServerFrameSchema>;

/**
 * Shared job data (a problem's test inputs) the fork server parses once and its jobs inherit,
 * up to this much in all; data larger than MAX_KEPT_CHARS is sent with each job instead.
 */
const KEPT_BUDGET_CHARS = 256 * 1024 * 1024;
const MAX_KEPT_CHARS = 32 * 1024 * 1024;

/** How long the fork server has to confirm a kill before the whole sandbox is killed. */
const KILL_ANSWER_MS = 5_000;

/** A job gets this much CPU time beyond its phases' wall-clock budgets before RLIMIT_CPU ends it. */
const CPU_SLACK_SECONDS = 2;

interface RunningJob {
  id: number;
  onMessage: (message: PoolMessage) => void;
  resolve: (end: JobEnd) => void;
  /** The job's result lines, as relayed so far, and the body of its last line if it was the end. */
  lines: LineBuffer;
  done?: Record<string, unknown>;
  broken?: string;
}

/** One fork server under bubblewrap; restarted if it dies. */
export class CpythonSlot implements SandboxSlot {
  python = "";
  private process!: ChildProcessWithoutNullStreams;
  private jobId = 0;
  private current: RunningJob | undefined;
  private stderrTail = "";
  /** What the fork server holds (see keep): size by key, oldest first. */
  private readonly kept = new Map<string, number>();
  private keptChars = 0;
  private closed = false;

  private constructor(private readonly command: SandboxCommand) {}

  static async create(command: SandboxCommand): Promise<CpythonSlot> {
    const slot = new CpythonSlot(command);
    await slot.spawn();
    return slot;
  }

  run(job: SandboxJob, onMessage: (message: PoolMessage) => void): Promise<JobEnd> {
    const id = ++this.jobId;
    const kept = job.shared && this.keep(job.shared);
    return new Promise((resolve) => {
      this.current = { id, onMessage, resolve, lines: new LineBuffer() };
      const payload = Buffer.from(payloadJson(job, !kept));
      const header = {
        cmd: "run",
        job: {
          id,
          kind: job.kind,
          cpuSeconds: Math.ceil(jobBudgetMs(job) / 1000) + CPU_SLACK_SECONDS,
          ...(kept ? { shared: { field: job.shared!.field, key: job.shared!.key } } : {}),
        },
        bytes: payload.length,
      };
      this.send(header, payload);
    });
  }

  /**
   * Makes sure the fork server holds `shared`, parsed, for its jobs to inherit; says whether it
   * does (data too large to keep travels with the job). Oldest data is dropped past a budget.
   */
  private keep(shared: SharedJobData): boolean {
    if (shared.json.length > MAX_KEPT_CHARS) return false;
    if (this.kept.delete(shared.key)) {
      this.kept.set(shared.key, shared.json.length);
      return true;
    }
    const data = Buffer.from(shared.json);
    this.send({ cmd: "keep", key: shared.key, bytes: data.length }, data);
    this.kept.set(shared.key, shared.json.length);
    this.keptChars += shared.json.length;
    for (const [key, chars] of this.kept) {
      if (this.keptChars <= KEPT_BUDGET_CHARS) break;
      this.send({ cmd: "forget", key });
      this.kept.delete(key);
      this.keptChars -= chars;
    }
    return true;
  }

  /** A dead fork server is replaced before its job settles, so the slot is always ready. */
  whenReady(): Promise<void> {
    return Promise.resolve();
  }

  interrupt(phase: number): void {
    if (this.current) this.send({ cmd: "interrupt", job: this.current.id, phase });
  }

  stop(): void {
    if (this.current) this.send({ cmd: "stop", job: this.current.id });
  }

  async kill(): Promise<void> {
    const current = this.current;
    if (!current) return;
    await new Promise<void>((resolve) => {
      // A fork server that does not answer (a program can stop it) is replaced whole.
      const unanswered = setTimeout(() => this.process.kill("SIGKILL"), KILL_ANSWER_MS);
      current.resolve = () => {
        clearTimeout(unanswered);
        resolve();
      };
      this.send({ cmd: "kill", job: current.id });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.process.stdin.end();
    this.process.kill("SIGKILL");
  }

  /** A frame: its header's length (4 bytes, big-endian), the header as JSON, then `data` if any. */
  private send(header: unknown, data?: Buffer): void {
    const encoded = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32BE(encoded.length);
    this.process.stdin.write(data ? Buffer.concat([length, encoded, data]) : Buffer.concat([length, encoded]));
  }

  private spawn(): Promise<void> {
    this.kept.clear();
    this.keptChars = 0;
    const child = spawn(this.command.command, this.command.args, { stdio: ["pipe", "pipe", "pipe"] });
    this.process = child;
    // A dead fork server (a program may kill it) is handled by the exit handler; writing to
    // its closed stdin must not become an unhandled error that ends the host process.
    child.stdin.on("error", () => undefined);
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    return new Promise((resolve, reject) => {
      let started = false;
      const reader = new FrameReader(
        (frame) => {
          if ("ready" in frame) {
            started = true;
            this.python = frame.python;
            resolve();
          } else {
            this.onFrame(frame);
          }
        },
        (data) => this.onResultBytes(data),
        () => this.endCurrent({ kind: "exit", detail: "the sandbox sent an unreadable frame" }),
      );
      child.stdout.on("data", (chunk: Buffer) => reader.feed(chunk));
      child.on("error", (error) => reject(new SandboxUnavailableError(`cannot start the sandbox: ${error.message}`, { cause: error })));
      child.on("exit", (code, signal) => {
        if (!started) {
          reject(new SandboxUnavailableError(`the sandbox exited at start (${signal ?? code}): ${this.stderrTail.trim()}`));
          return;
        }
        if (this.closed) return;
        // The fork server died (the program killed it, say): report the job and start anew.
        const current = this.current;
        this.current = undefined;
        void this.spawn().then(
          () => current?.resolve({ kind: "exit", detail: `the sandbox process ended (${signal ?? code})` }),
          () => current?.resolve({ kind: "exit", detail: "the sandbox could not be restarted" }),
        );
      });
    });
  }

  private onFrame(frame: Exclude<ServerFrame, { ready: true }>): void {
    const current = this.current;
    if (current === undefined || frame.job !== current.id) return;
    if ("phase" in frame) current.onMessage({ t: "start", i: frame.phase, elapsedMs: frame.ms });
    else if ("interrupted" in frame) current.onMessage({ t: "interrupted", i: frame.interrupted });
    else if ("end" in frame) {
      const end: JobEnd =
        current.done !== undefined && current.broken === undefined && frame.end.clean
          ? { kind: "done", body: current.done }
          : { kind: "exit", detail: current.broken ?? (current.done === undefined ? `${frame.end.status} before finishing` : frame.end.status) };
      this.endCurrent(end);
    }
  }

  /** The job's own lines: results go to the pool as they come; `done` is kept for the end. */
  private onResultBytes(data: Buffer): void {
    const current = this.current;
    if (current === undefined || current.broken !== undefined) return;
    for (const line of current.lines.feed(data)) {
      const message = SandboxMessageSchema.safeParse(safeJson(line));
      if (!message.success || current.done !== undefined) {
        current.broken = "the job sent an unreadable message";
        return;
      }
      if (message.data.t === "done") current.done = message.data.body;
      else current.onMessage(message.data);
    }
  }

  private endCurrent(end: JobEnd): void {
    const current = this.current;
    this.current = undefined;
    current?.resolve(end);
  }
}

/** Splits the fork server's output into frames: headers, and the raw bytes some of them announce. */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private rawLeft = 0;

  constructor(
    private readonly onFrame: (frame: ServerFrame) => void,
    private readonly onRaw: (data: Buffer) => void,
    private readonly onBroken: () => void,
  ) {}

  feed(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.rawLeft > 0) {
        if (this.buffer.length === 0) return;
        const raw = this.buffer.subarray(0, this.rawLeft);
        this.buffer = this.buffer.subarray(raw.length);
        this.rawLeft -= raw.length;
        this.onRaw(raw);
        continue;
      }
      if (this.buffer.length < 4) return;
      const length = this.buffer.readUInt32BE(0);
      if (this.buffer.length < 4 + length) return;
      const frame = ServerFrameSchema.safeParse(safeJson(this.buffer.subarray(4, 4 + length).toString()));
      this.buffer = this.buffer.subarray(4 + length);
      if (!frame.success) {
        this.onBroken();
        continue;
      }
      if ("bytes" in frame.data && "job" in frame.data) this.rawLeft = frame.data.bytes;
      this.onFrame(frame.data);
    }
  }
}

/** Splits a byte stream into lines in linear time, however long a line is. */
class LineBuffer {
  private pending: Uint8Array[] = [];

  feed(data: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let end = data.indexOf(10); end >= 0; end = data.indexOf(10, start)) {
      lines.push(Buffer.concat([...this.pending, data.subarray(start, end)]).toString());
      this.pending = [];
      start = end + 1;
    }
    if (start < data.length) this.pending.push(data.subarray(start));
    return lines;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

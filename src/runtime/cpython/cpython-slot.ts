import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { z } from "zod";
import { SandboxUnavailableError } from "../../core/errors.js";
import { payloadJson, type JobEnd, type SandboxJob, type SandboxMessage, type SandboxSlot, type SharedJobData } from "../sandbox.js";
import type { SandboxCommand } from "./isolation.js";

const ServerLineSchema = z.union([
  z.object({ ready: z.literal(true), python: z.string() }),
  z.object({ job: z.number(), m: z.unknown() }),
  z.object({ job: z.number(), end: z.union([z.object({ t: z.literal("done"), body: z.record(z.string(), z.unknown()) }), z.object({ kind: z.literal("exit"), detail: z.string() })]) }),
]);

/**
 * The fork server's own report of the phase a job is in, read by this exact pattern instead of
 * JSON and schema parsing; it has its own shape, so relayed harness lines cannot pass for it.
 */
const PHASE_START = /^\{"job":(\d+),"phase":(-?\d+),"ms":(\d+)\}$/;

const MessageSchema = z.object({ t: z.literal("result"), i: z.number(), result: z.unknown() });

/**
 * Shared job data (a problem's tests) the fork server parses once and its jobs inherit, up to
 * this much in all; data larger than MAX_KEPT_CHARS is sent with each job instead.
 */
const KEPT_BUDGET_CHARS = 256 * 1024 * 1024;
const MAX_KEPT_CHARS = 32 * 1024 * 1024;

/** How long the fork server has to confirm a kill before the whole sandbox is killed. */
const KILL_ANSWER_MS = 5_000;

/** A job gets this much CPU time beyond its wall-clock budget before RLIMIT_CPU ends it. */
const CPU_SLACK_SECONDS = 2;

/** One fork server under bubblewrap; restarted if it dies. */
export class CpythonSlot implements SandboxSlot {
  python = "";
  private process!: ChildProcessWithoutNullStreams;
  private jobId = 0;
  private current: { id: number; onMessage: (m: SandboxMessage) => void; resolve: (end: JobEnd) => void } | undefined;
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

  run(job: SandboxJob, onMessage: (message: SandboxMessage) => void): Promise<JobEnd> {
    const id = ++this.jobId;
    const budgetMs = Math.max(job.phaseTimeoutMs(-1), ...testPhases(job).map((phase) => job.phaseTimeoutMs(phase)));
    const totalMs = budgetMs * (testPhases(job).length + 1);
    const kept = job.shared && this.keep(job.shared);
    return new Promise((resolve) => {
      this.current = { id, onMessage, resolve };
      const header = {
        cmd: "run",
        job: { id, kind: job.kind, cpuSeconds: Math.ceil(totalMs / 1000) + CPU_SLACK_SECONDS, ...(kept ? { shared: { field: job.shared!.field, key: job.shared!.key } } : {}) },
      };
      // JSON never holds a raw tab, so the first one ends the header the fork server reads.
      this.writeLine(`${JSON.stringify(header)}\t${payloadJson(job, !kept)}`);
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
    this.writeLine(`${JSON.stringify({ cmd: "keep", key: shared.key })}\t${shared.json}`);
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

  async kill(): Promise<void> {
    const current = this.current;
    if (!current) return;
    await new Promise<void>((resolve) => {
      // A fork server that does not answer (a program can stop it) is replaced whole.
      const unanswered = setTimeout(() => this.process.kill("SIGKILL"), KILL_ANSWER_MS);
      this.current = {
        ...current,
        resolve: () => {
          clearTimeout(unanswered);
          resolve();
        },
      };
      this.send({ cmd: "kill", job: current.id });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.process.stdin.end();
    this.process.kill("SIGKILL");
  }

  private send(command: unknown): void {
    this.writeLine(JSON.stringify(command));
  }

  private writeLine(line: string): void {
    this.process.stdin.write(line + "\n");
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
      createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
        const start = PHASE_START.exec(line);
        if (start) {
          if (Number(start[1]) === this.current?.id) this.current.onMessage({ t: "start", i: Number(start[2]), elapsedMs: Number(start[3]) });
          return;
        }
        const parsed = ServerLineSchema.safeParse(safeJson(line));
        if (!parsed.success) return this.endCurrent({ kind: "exit", detail: "the sandbox sent an unreadable message" });
        const message = parsed.data;
        if ("ready" in message) {
          started = true;
          this.python = message.python;
          resolve();
        } else if ("m" in message) {
          const inner = MessageSchema.safeParse(message.m);
          if (inner.success && message.job === this.current?.id) this.current.onMessage(inner.data as SandboxMessage);
        } else if (message.job === this.current?.id) {
          this.endCurrent("t" in message.end ? { kind: "done", body: message.end.body } : message.end);
        }
      });
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

  private endCurrent(end: JobEnd): void {
    const current = this.current;
    this.current = undefined;
    current?.resolve(end);
  }
}

function testPhases(job: SandboxJob): number[] {
  return Array.from({ length: job.phaseCount }, (_, index) => index);
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}

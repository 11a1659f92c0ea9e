import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { version as pyodideVersion } from "pyodide";
import { SandboxUnavailableError } from "../../core/errors.js";
import { sha256, stableStringify } from "../../core/hash.js";
import { readPythonSource, sharedPythonSources } from "../python-sources.js";
import { SandboxMessageSchema } from "../../config/sandbox-protocol.js";
import { payloadJson, type JobEnd, type PoolMessage, type SandboxJob, type SandboxSlot } from "../sandbox.js";
import { now, SharedPhaseBoard } from "./phase-board.js";

export interface PyodideSlotOptions {
  memoryMb: number;
  /** Folder for the interpreter's start-up snapshot; `null` starts every worker from scratch. */
  snapshotDir: string | null;
}

/** From the worker thread; `text` and `body` are the harness's JSON, which the host checks. */
type WorkerReply =
  | { type: "ready"; python: string; heapBytes: number }
  | { type: "failed"; error: string }
  | { type: "message"; text: string }
  | { type: "end"; body: string; broken: boolean; heapBytes: number }
  | { type: "exit"; detail: string };

/**
 * The worker is always the compiled JS: next to this file in an install, or in dist/ when
 * this module runs from its TypeScript source (tests, tsx), since worker threads cannot
 * load TypeScript. The worker imports nothing from the project but Pyodide and the phase board.
 */
function workerFile(): URL {
  const compiled = import.meta.url.endsWith(".ts")
    ? new URL("../../../dist/runtime/pyodide/worker.js", import.meta.url)
    : new URL("./worker.js", import.meta.url);
  if (!existsSync(compiled)) {
    throw new SandboxUnavailableError(`the Pyodide worker is not built (${fileURLToPath(compiled)}); run \`npm run build\``);
  }
  return compiled;
}

/** Named by everything that shapes the interpreter's state at the snapshot: Pyodide, the worker, the harness. */
function snapshotFile(directory: string, worker: URL, pythonFiles: Record<string, string>): string {
  const key = sha256(stableStringify({ pyodide: pyodideVersion, worker: readFileSync(worker, "utf8"), pythonFiles })).slice(0, 16);
  return join(directory, `pyodide-${pyodideVersion}-${key}.snapshot`);
}

const SIGINT = 2;
/** How often the host thread samples a running job's phase board. */
const TICK_MS = 20;

interface RunningJob {
  onMessage: (m: PoolMessage) => void;
  /** Set once the job sent something that is not the protocol: nothing after it is believed. */
  broken?: string;
  resolve: (end: JobEnd) => void;
  ticker: NodeJS.Timeout;
  reportedSequence: number;
}

/** One Pyodide worker thread; replaced by a fresh one when a job leaves it unusable. */
export class PyodideSlot implements SandboxSlot {
  python = "";
  private worker!: Worker;
  private interruptView!: Int32Array;
  private board!: SharedPhaseBoard;
  private current: RunningJob | undefined;
  private killing = false;
  private closed = false;
  /** The worker's heap: at its start, and now (a heap never shrinks, so a job can use what earlier ones grew). */
  private freshHeapBytes = 0;
  private heapBytes = 0;
  /** Settles when the worker can take a job; a replacement in progress delays the next run. */
  private ready: Promise<void> = Promise.resolve();

  private constructor(private readonly options: PyodideSlotOptions) {}

  static async create(options: PyodideSlotOptions): Promise<PyodideSlot> {
    const slot = new PyodideSlot(options);
    await slot.spawn();
    return slot;
  }

  async run(job: SandboxJob, onMessage: (message: PoolMessage) => void): Promise<JobEnd> {
    await this.ready;
    Atomics.store(this.interruptView, 0, 0);
    this.board.clear();
    return new Promise((resolve) => {
      const running: RunningJob = {
        onMessage,
        resolve,
        ticker: setInterval(() => this.reportPhase(running), TICK_MS),
        reportedSequence: this.board.sample()?.sequence ?? 0,
      };
      this.current = running;
      // The job travels as UTF-8 JSON bytes, moved to the worker, that Python copies in one piece.
      // Handed over as a JS string, Pyodide would convert it to a Python str through a JS array
      // of one element per character, which aborts the host process past ~113 million characters
      // (V8 "Fatal JavaScript invalid size error"); a job carrying HumanEval/130's large plus
      // inputs has 120 million.
      const bytes = new TextEncoder().encode(`{"kind":${JSON.stringify(job.kind)},"payload":${payloadJson(job)}}`);
      this.worker.postMessage({ type: "job", job: bytes, ...(job.memoryMb === undefined ? {} : { memoryMb: job.memoryMb }) }, [bytes.buffer]);
    });
  }

  interrupt(phase: number): void {
    if (!this.current || !this.board.requestInterrupt(phase)) return;
    Atomics.store(this.interruptView, 0, SIGINT);
    this.current.onMessage({ t: "interrupted", i: phase });
  }

  stop(): void {
    if (this.current) this.board.requestStop();
  }

  /**
   * A job with a memory cap below the heap that earlier jobs grew starts in a fresh worker:
   * a cap only refuses growth, so the heap already there would be the job's to use.
   */
  async whenReady(job?: SandboxJob): Promise<void> {
    await this.ready;
    const capBytes = job?.memoryMb === undefined ? Number.POSITIVE_INFINITY : job.memoryMb * 1024 * 1024;
    if (!this.current && this.heapBytes > Math.max(capBytes, this.freshHeapBytes)) await this.replace();
  }

  async kill(): Promise<void> {
    clearInterval(this.current?.ticker);
    this.current = undefined;
    await this.replace();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.killing = true;
    // A replacement in flight would otherwise start a worker after the close.
    await this.ready.catch(() => undefined);
    await this.worker.terminate();
  }

  private spawn(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const interrupt = new SharedArrayBuffer(4);
    this.interruptView = new Int32Array(interrupt);
    this.board = new SharedPhaseBoard();
    const file = workerFile();
    const pythonFiles = { ...sharedPythonSources(), "semtrace_reset.py": readPythonSource("./reset.py", import.meta.url) };
    const { snapshotDir } = this.options;
    const workerData = {
      pythonFiles,
      memoryMb: this.options.memoryMb,
      interrupt,
      board: this.board.buffer,
      ...(snapshotDir === null ? {} : { snapshotFile: snapshotFile(snapshotDir, file, pythonFiles) }),
    };
    const worker = new Worker(file, { workerData, stdout: true, stderr: true });
    this.worker = worker;
    return new Promise((resolve, reject) => {
      worker.on("message", (reply: WorkerReply) => {
        if (reply.type === "ready") {
          this.python = reply.python;
          this.freshHeapBytes = this.heapBytes = reply.heapBytes;
          resolve();
        } else if (reply.type === "failed") {
          this.abandon(worker);
          reject(new SandboxUnavailableError(`Pyodide failed to start: ${reply.error}`));
        } else {
          this.onReply(reply);
        }
      });
      worker.on("error", (error) => {
        if (!this.python) {
          this.abandon(worker);
          reject(new SandboxUnavailableError(`Pyodide worker failed to start: ${error.message}`, { cause: error }));
        } else this.endCurrent({ kind: "exit", detail: `worker error: ${error.message}` }, true);
      });
      worker.on("exit", (code) => {
        if (!this.killing) this.endCurrent({ kind: "exit", detail: `worker exited with code ${code}` }, true);
      });
    });
  }

  /** A worker that failed to start is ended, and not replaced: a replacement would fail the same way, over and over. */
  private abandon(worker: Worker): void {
    this.closed = true;
    this.killing = true;
    void worker.terminate();
  }

  private onReply(reply: Exclude<WorkerReply, { type: "ready" } | { type: "failed" }>): void {
    if (reply.type === "message") {
      // Only results come from the harness; phases come from the board.
      const message = SandboxMessageSchema.safeParse(safeJson(reply.text));
      if (!this.current || this.current.broken) return;
      if (message.success && message.data.t === "result") this.current.onMessage(message.data);
      else this.current.broken = "the job sent an unreadable message";
      return;
    }
    if (reply.type === "exit") {
      this.endCurrent({ kind: "exit", detail: reply.detail }, true);
      return;
    }
    this.heapBytes = reply.heapBytes;
    const body = safeJson(reply.body);
    const broken = this.current?.broken ?? (isRecord(body) ? undefined : "the sandbox sent an unreadable end of job");
    this.endCurrent(broken === undefined && isRecord(body) ? { kind: "done", body } : { kind: "exit", detail: broken ?? "" }, reply.broken);
  }

  /** Tells the pool the phase the job is in, if it changed since the last report. */
  private reportPhase(running: RunningJob): void {
    const sample = this.board.sample();
    if (!sample || sample.sequence === running.reportedSequence) return;
    running.reportedSequence = sample.sequence;
    running.onMessage({ t: "start", i: sample.phase, elapsedMs: Math.max(0, Math.round(now() - sample.startedAt)) });
  }

  /** Resolves the running job at once; a spent worker (crash, grown heap) is replaced behind it. */
  private endCurrent(end: JobEnd, replace: boolean): void {
    const current = this.current;
    this.current = undefined;
    if (current) {
      clearInterval(current.ticker);
      // The last phase, which a crash may have ended before any tick saw it.
      this.reportPhase(current);
    }
    if (replace) void this.replace().catch(() => undefined);
    current?.resolve(end);
  }

  private replace(): Promise<void> {
    this.killing = true;
    this.ready = this.worker
      .terminate()
      .then(() => this.spawnWithRetries())
      .finally(() => {
        this.killing = false;
      });
    return this.ready;
  }

  /** A replacement worker that fails to start (a transient host fault) is tried again. */
  private async spawnWithRetries(attempts = 3): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.spawn();
      } catch (error) {
        if (attempt >= attempts) throw error;
        await this.worker.terminate();
      }
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

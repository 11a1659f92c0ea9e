import { z } from "zod";
import { inPlaceValidator } from "../config/in-place-validator.js";
import { TraceSchema, TracedErrorSchema, TracedValueSchema } from "../config/trace-schema.js";
import { sha256 } from "../core/hash.js";
import { TRACE_SCHEMA_VERSION, type Limits, type Outcome, type RuntimeName, type Trace, type TraceInput } from "../core/trace.js";
import {
  DEFAULT_LIMITS,
  type CheckRequest,
  type CheckResponse,
  type CheckResult,
  type CheckTest,
  type Runtime,
  type TraceRequest,
} from "./runtime.js";
import type { JobOutcome, SandboxJob, SandboxPool, SharedJobData } from "./sandbox.js";

/** What the harness returns for a trace job; checked because it comes out of the sandbox. */
const TraceBodySchema = TraceSchema.pick({
  outcome: true, events: true, totalSteps: true, stdout: true, stderr: true, stdoutTruncated: true, stderrTruncated: true,
}).extend({ python: z.string() });
const validateTraceBody = inPlaceValidator(TraceBodySchema, "a trace from the sandbox");

const CheckResultSchema = z.object({
  id: z.string(),
  status: z.enum(["pass", "fail", "error", "timeout"]),
  actual: TracedValueSchema.extend({ exact: z.boolean().optional(), marshal: z.string().optional() }).optional(),
  stdout: z.string().optional(),
  error: TracedErrorSchema.optional(),
  durationMs: z.number(),
});

const CheckBodySchema = z.object({ loadError: TracedErrorSchema.optional() });

/** Time allowed for loading a program (module body) before its first test. */
const LOAD_TIMEOUT_MS = 5_000;
/** Time allowed for preparing a test (parsing its data) or judging its result. */
const PREPARE_TIMEOUT_MS = 60_000;

export function resolveLimits(limits: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...limits };
}

/** Traces with the same limits that wait for a sandbox together, run as one job. */
interface TraceBatch {
  limits: Limits;
  pending: { program: string; input: TraceInput; resolve: (trace: Trace) => void; reject: (error: unknown) => void }[];
}

/** Enough to spread the job start-up cost, few enough that one batch does not hold a slot for long. */
const MAX_TRACE_BATCH = 64;

/** A Runtime over any sandbox pool: builds jobs, applies deadlines, assembles results. */
export class SandboxRuntime implements Runtime {
  private readonly waitingTraces = new Map<string, TraceBatch>();
  /** null: sent once so far. */
  private readonly serializedTests = new WeakMap<CheckTest[], SharedJobData | null>();
  private serializedTestsCount = 0;

  constructor(
    readonly name: RuntimeName,
    private readonly pool: SandboxPool,
    private readonly pythonVersion: () => string,
  ) {}

  /**
   * Traces with the same limits, requested while every slot is busy, share one sandbox job: a
   * job's start-up is paid once, each program compiles once, and every run still starts from
   * clean interpreter state.
   */
  trace(request: TraceRequest): Promise<Trace> {
    const limits = resolveLimits(request.limits);
    const key = JSON.stringify(limits);
    return new Promise((resolve, reject) => {
      let batch = this.waitingTraces.get(key);
      if (!batch || batch.pending.length >= MAX_TRACE_BATCH) {
        batch = { limits, pending: [] };
        this.waitingTraces.set(key, batch);
        const started = batch;
        const take = () => {
          if (this.waitingTraces.get(key) === started) this.waitingTraces.delete(key);
          return started.pending;
        };
        this.runTraceBatch(started, take).catch((error: unknown) => started.pending.forEach((pending) => pending.reject(error)));
      }
      batch.pending.push({ program: request.program, input: request.input, resolve, reject });
    });
  }

  async check(request: CheckRequest): Promise<CheckResponse> {
    const results: CheckResult[] = [];
    let remaining = request.tests;
    // A killed sandbox loses only the running test: the rest resume in a fresh one.
    while (remaining.length > 0) {
      const batch = await this.checkBatch(request, remaining);
      if (batch.loadError) return { results, loadError: batch.loadError };
      results.push(...batch.results);
      const stop = request.stopOnFirstFailure && batch.results.some((result) => result.status !== "pass");
      if (stop || batch.complete) break;
      remaining = remaining.slice(batch.results.length);
    }
    return { results };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Runs a batch until every input has its trace: a sandbox that was killed (or stopped early,
   * when a run left state it cannot reset) loses at most the running input, and the rest go on
   * in a fresh job. `take` seals the batch once a slot is free.
   */
  private async runTraceBatch(batch: TraceBatch, take: () => TraceBatch["pending"]): Promise<void> {
    let remaining: TraceBatch["pending"] | undefined;
    const jobFor = (pending: TraceBatch["pending"]): SandboxJob => {
      const programs = [...new Set(pending.map((entry) => entry.program))];
      const items = pending.map((entry) => ({ program: programs.indexOf(entry.program), input: entry.input }));
      return { kind: "trace", payload: { programs, items, limits: batch.limits }, phaseCount: pending.length, phaseTimeoutMs: () => batch.limits.timeoutMs };
    };
    do {
      const outcome = await this.pool.run(remaining ? jobFor(remaining) : () => jobFor((remaining = take())));
      const pending = remaining!;
      const bodies = outcome.messages.flatMap((message) => (message.t === "result" ? [validateTraceBody(message.result)] : []));
      bodies.forEach(({ python, ...body }, index) => pending[index]!.resolve(this.traceOf(batch, pending[index]!, body, python)));
      let done = bodies.length;
      const running = pending[done];
      // A job that ended with no result at all (a program can forge the end) still consumes a run.
      if ((outcome.end.kind !== "done" || done === 0) && running) {
        const stopped = { ...emptyBody(), outcome: stoppedOutcome(outcome, batch.limits) };
        running.resolve(this.traceOf(batch, running, stopped, this.pythonVersion()));
        done += 1;
      }
      remaining = pending.slice(done);
    } while (remaining.length > 0);
  }

  private traceOf(batch: TraceBatch, { program, input }: TraceBatch["pending"][number], body: TraceBody, python: string): Trace {
    return {
      schemaVersion: TRACE_SCHEMA_VERSION,
      runtime: { name: this.name, python },
      limits: batch.limits,
      programSha256: sha256(program),
      input,
      ...body,
    };
  }

  /**
   * A test list's JSON, made once the list is sent a second time (every sample of a problem
   * sends the same one; a reference run's list is sent once) and keyed by the list's identity:
   * hashing its megabytes would cost more than it could save.
   */
  private sharedTests(tests: CheckTest[]): SharedJobData | undefined {
    let shared = this.serializedTests.get(tests);
    if (shared === undefined) {
      this.serializedTests.set(tests, null);
    } else if (shared === null) {
      const json = JSON.stringify(withoutTimeouts(tests));
      shared = { field: "tests", key: `tests-${this.serializedTestsCount++}`, json };
      this.serializedTests.set(tests, shared);
    }
    return shared ?? undefined;
  }

  private async checkBatch(
    request: CheckRequest,
    tests: CheckTest[],
  ): Promise<{ results: CheckResult[]; loadError?: CheckResponse["loadError"]; complete: boolean }> {
    const limits = resolveLimits(request.limits);
    const shared = this.sharedTests(tests);
    const job: SandboxJob = {
      kind: "check",
      payload: {
        program: request.program, entryPoint: request.entryPoint, stopOnFirstFailure: request.stopOnFirstFailure, limits,
        ...(shared ? {} : { tests: withoutTimeouts(tests) }),
      },
      ...(shared ? { shared } : {}),
      // Phases: -1 loads the program, i runs test i's call, -(i + 2) prepares test i and judges test i - 1.
      phaseCount: tests.length,
      phaseTimeoutMs: (phase) => (phase < -1 ? PREPARE_TIMEOUT_MS : phase < 0 ? LOAD_TIMEOUT_MS : (tests[phase]?.timeoutMs ?? LOAD_TIMEOUT_MS)),
    };
    const outcome = await this.pool.run(job);
    const results = outcome.messages.flatMap((message) =>
      message.t === "result" ? [CheckResultSchema.parse(message.result) as CheckResult] : [],
    );
    if (outcome.end.kind === "done") {
      const body = CheckBodySchema.parse(outcome.end.body);
      return body.loadError ? { results, loadError: body.loadError, complete: true } : { results, complete: true };
    }
    const stoppedAt = results.length;
    if (stoppedAt === 0 && !outcome.messages.some((message) => message.t === "start" && message.i !== -1)) {
      return { results, loadError: stoppedLoadError(outcome), complete: true };
    }
    const stopped = tests[stoppedAt];
    if (stopped) results.push(stoppedResult(stopped.id, outcome));
    return { results, complete: stoppedAt + 1 >= tests.length };
  }
}

/** Deadlines are the host's: the sandbox never sees them. */
function withoutTimeouts(tests: CheckTest[]): Omit<CheckTest, "timeoutMs">[] {
  return tests.map(({ timeoutMs: _timeout, ...test }) => test);
}

type TraceBody = Pick<Trace, "outcome" | "events" | "totalSteps" | "stdout" | "stderr" | "stdoutTruncated" | "stderrTruncated">;

function emptyBody(): Omit<TraceBody, "outcome"> {
  return { events: [], totalSteps: 0, stdout: "", stderr: "", stdoutTruncated: false, stderrTruncated: false };
}

function stoppedOutcome(result: JobOutcome, limits: Limits): Outcome {
  if (result.end.kind === "killed") {
    return { kind: "timeout", detail: `killed after ${limits.timeoutMs} ms: the program did not stop when interrupted` };
  }
  return { kind: "crashed", detail: result.end.kind === "exit" ? result.end.detail : "no result" };
}

function stoppedResult(id: string, outcome: JobOutcome): CheckResult {
  if (outcome.end.kind === "killed") return { id, status: "timeout", durationMs: 0 };
  const detail = outcome.end.kind === "exit" ? outcome.end.detail : "sandbox stopped";
  return { id, status: "error", error: { type: "Crashed", message: detail }, durationMs: 0 };
}

function stoppedLoadError(outcome: JobOutcome): NonNullable<CheckResponse["loadError"]> {
  if (outcome.end.kind === "killed") return { type: "Timeout", message: `loading the program took over ${LOAD_TIMEOUT_MS} ms` };
  return { type: "Crashed", message: outcome.end.kind === "exit" ? outcome.end.detail : "sandbox stopped" };
}

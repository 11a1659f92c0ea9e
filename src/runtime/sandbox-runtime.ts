import { z } from "zod";
import { inPlaceValidator } from "../config/in-place-validator.js";
import { ExecuteBodySchema, SandboxMessageSchema } from "../config/sandbox-protocol.js";
import { TraceSchema } from "../config/trace-schema.js";
import { sha256 } from "../core/hash.js";
import { TRACE_SCHEMA_VERSION, type Limits, type Outcome, type RuntimeName, type Trace, type TraceInput, type TracedError } from "../core/trace.js";
import { readObservation, testRunOf } from "./observation.js";
import { LOAD_PHASE, preparedTest } from "./protocol.js";
import {
  DEFAULT_LIMITS,
  type ExecuteRequest,
  type ExecuteResponse,
  type ExecuteTest,
  type Runtime,
  type ScriptRequest,
  type ScriptRun,
  type TestRun,
  type TraceRequest,
} from "./runtime.js";
import { runScriptOn } from "./script.js";
import type { JobOutcome, PoolMessage, SandboxJob, SandboxPool, SharedJobData } from "./sandbox.js";

/** What the harness returns for a trace job; checked because it comes out of the sandbox. */
const TraceBodySchema = TraceSchema.pick({
  outcome: true,
  events: true,
  totalSteps: true,
  stdout: true,
  stderr: true,
  stdoutTruncated: true,
  stderrTruncated: true,
  statements: true,
  scopes: true,
}).extend({ python: z.string() });
const validateTraceBody = inPlaceValidator(TraceBodySchema, "a trace from the sandbox");

/** Time allowed for loading a program (module body) before its first test. */
const LOAD_TIMEOUT_MS = 5_000;
/** The floor of a test's preparation phase (parsing its inputs, reporting the test before it). */
const PREPARE_FLOOR_MS = 2_000;
/** Parsing a test's inputs, per character, on top of the floor (a slow WebAssembly parse of a large literal). */
const PREPARE_MS_PER_CHAR = 1 / 2_000;
/** Describing and sending a test's result when its caller states no budget of its own. */
export const REPORT_MS = 5_000;

export function resolveLimits(limits: Partial<Limits> | undefined): Limits {
  return { ...DEFAULT_LIMITS, ...limits };
}

type PendingTrace = { input: TraceInput; resolve: (trace: Trace) => void; reject: (error: unknown) => void };

/** Traces of one program with the same limits that wait for a sandbox together, run as one job. */
interface TraceBatch {
  program: string;
  limits: Limits;
  pending: PendingTrace[];
}

/** Enough to spread the job start-up cost, few enough that one batch does not hold a slot for long. */
const MAX_TRACE_BATCH = 64;

/** A Runtime over any sandbox pool: builds jobs, applies deadlines, assembles results. */
export class SandboxRuntime implements Runtime {
  private readonly waitingTraces = new Map<string, TraceBatch>();
  /** null: sent once so far. */
  private readonly serializedTests = new WeakMap<ExecuteTest[], SharedJobData | null>();
  private serializedTestsCount = 0;

  constructor(
    readonly name: RuntimeName,
    private readonly pool: SandboxPool,
    private readonly pythonVersion: () => string,
  ) {}

  /**
   * Traces of the same program and limits, requested while every slot is busy, share one
   * sandbox job: its start-up is paid once and the program compiles once, and every run starts
   * from clean interpreter state. Different programs never share a sandbox job.
   */
  trace(request: TraceRequest): Promise<Trace> {
    const limits = resolveLimits(request.limits);
    const key = JSON.stringify([request.program, limits]);
    return new Promise((resolve, reject) => {
      let batch = this.waitingTraces.get(key);
      if (!batch || batch.pending.length >= MAX_TRACE_BATCH) {
        batch = { program: request.program, limits, pending: [] };
        this.waitingTraces.set(key, batch);
        const started = batch;
        const take = () => {
          if (this.waitingTraces.get(key) === started) this.waitingTraces.delete(key);
          return started.pending;
        };
        this.runTraceBatch(started, take).catch((error: unknown) => started.pending.forEach((pending) => pending.reject(error)));
      }
      batch.pending.push({ input: request.input, resolve, reject });
    });
  }

  async execute(request: ExecuteRequest): Promise<ExecuteResponse> {
    const runs: TestRun[] = [];
    let remaining = request.tests;
    // A killed sandbox loses only the running test: the rest resume in a fresh one.
    while (remaining.length > 0) {
      const batch = await this.executeBatch(request, remaining);
      if (batch.loadError) return { runs, loadError: batch.loadError };
      // The harness learns of a stop late and may have run a few tests more: they are not reported.
      const stop = request.stopAfter ? batch.runs.findIndex(request.stopAfter) : -1;
      runs.push(...(stop < 0 ? batch.runs : batch.runs.slice(0, stop + 1)));
      if (batch.complete || stop >= 0) break;
      remaining = remaining.slice(batch.runs.length);
    }
    return { runs };
  }

  runScript(request: ScriptRequest): Promise<ScriptRun> {
    return runScriptOn(this.pool, request);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Runs a batch until every input has its trace: a sandbox that was killed (or stopped early,
   * when a run left state it cannot reset) loses at most the running input, and the rest go on
   * in a fresh job. `take` seals the batch once a slot is free.
   */
  private async runTraceBatch(batch: TraceBatch, take: () => PendingTrace[]): Promise<void> {
    let remaining: PendingTrace[] | undefined;
    const jobFor = (pending: PendingTrace[]): SandboxJob => ({
      kind: "trace",
      payload: { program: batch.program, inputs: pending.map((entry) => entry.input), limits: batch.limits },
      phaseCount: pending.length,
      // Loading a job (a program of 100 MB, say) gets the time of a run, as each run does.
      phaseTimeoutMs: () => batch.limits.timeoutMs,
    });
    do {
      const outcome = await this.pool.run(remaining ? jobFor(remaining) : () => jobFor((remaining = take())));
      const pending = remaining!;
      const bodies = validPrefix(resultsOf(outcome, pending.length).map(({ result }) => validTraceBody(result)));
      bodies.forEach(({ python, ...body }, index) => pending[index]!.resolve(this.traceOf(batch, pending[index]!.input, body, python)));
      let done = bodies.length;
      const running = pending[done];
      // A job that ended with no result at all (a program can forge the end), or with one that
      // is not a trace, still consumes a run.
      const unreadable = outcome.messages.filter((message) => message.t === "result").length > done;
      if ((outcome.end.kind !== "done" || done === 0 || unreadable) && running) {
        const stopped = { ...emptyBody(), outcome: stoppedOutcome(outcome, batch.limits) };
        running.resolve(this.traceOf(batch, running.input, stopped, this.pythonVersion()));
        done += 1;
      }
      remaining = pending.slice(done);
    } while (remaining.length > 0);
  }

  private traceOf(batch: TraceBatch, input: TraceInput, body: TraceBody, python: string): Trace {
    return {
      schemaVersion: TRACE_SCHEMA_VERSION,
      runtime: { name: this.name, python },
      limits: batch.limits,
      programSha256: sha256(batch.program),
      input,
      ...body,
    };
  }

  /**
   * A test list's JSON, made once the list is sent a second time (every sample of a problem
   * sends the same one; a reference run's list is sent once) and keyed by the list's identity:
   * hashing its megabytes would cost more than it could save. It holds inputs only.
   */
  private sharedTests(tests: ExecuteTest[]): SharedJobData | undefined {
    let shared = this.serializedTests.get(tests);
    if (shared === undefined) {
      this.serializedTests.set(tests, null);
    } else if (shared === null) {
      shared = { field: "tests", key: `tests-${this.serializedTestsCount++}`, json: JSON.stringify(sandboxTests(tests)) };
      this.serializedTests.set(tests, shared);
    }
    return shared ?? undefined;
  }

  private async executeBatch(request: ExecuteRequest, tests: ExecuteTest[]): Promise<{ runs: TestRun[]; loadError?: TracedError; complete: boolean }> {
    const limits = resolveLimits(request.limits);
    const shared = this.sharedTests(tests);
    const job: SandboxJob = {
      kind: "execute",
      payload: {
        program: request.program,
        entryPoint: request.entryPoint,
        limits,
        ...(shared ? {} : { tests: sandboxTests(tests) }),
      },
      ...(shared ? { shared } : {}),
      phaseCount: tests.length,
      phaseTimeoutMs: (phase) => phaseBudget(tests, phase),
      ...(request.stopAfter ? { stopAfter: stopAfterFor(request.stopAfter, tests) } : {}),
    };
    const outcome = await this.pool.run(job);
    const results = resultsOf(outcome, tests.length);
    const runs: TestRun[] = [];
    for (const { i, result } of results) {
      const observation = readObservation(result);
      if (observation instanceof Error) return { runs: [...runs, ...violated(tests.slice(i), observation.message)], complete: true };
      runs.push(testRunOf(tests[i]!.id, observation, outcome.interrupted.has(i)));
    }
    if (results.length < outcome.messages.filter((message) => message.t === "result").length) {
      return { runs: [...runs, ...violated(tests.slice(runs.length), "results out of order")], complete: true };
    }
    if (outcome.end.kind === "done") {
      const body = ExecuteBodySchema.safeParse(outcome.end.body);
      if (!body.success) return { runs: [...runs, ...violated(tests.slice(runs.length), "an unreadable end of job")], complete: true };
      if (body.data.loadError)
        return { runs, loadError: loadErrorOf(body.data.loadError, body.data.interrupted === true || outcome.interrupted.has(LOAD_PHASE)), complete: true };
      return { runs, complete: true };
    }
    if (runs.length === 0 && !outcome.messages.some((message) => message.t === "start" && message.i !== LOAD_PHASE)) {
      return { runs, loadError: stoppedLoadError(outcome), complete: true };
    }
    const stopped = tests[runs.length];
    if (stopped) runs.push(stoppedRun(stopped.id, outcome, runs.length));
    return { runs, complete: runs.length >= tests.length };
  }
}

/** The harness's view of the tests: no deadline, no budget, never an expected output. */
function sandboxTests(tests: ExecuteTest[]): Omit<ExecuteTest, "timeoutMs" | "reportMs">[] {
  return tests.map(({ timeoutMs: _timeout, reportMs: _report, ...test }) => test);
}

/**
 * The budget of each phase: loading, each call's own limit, and each preparation phase, which
 * parses a test's inputs and reports the test before it.
 */
function phaseBudget(tests: ExecuteTest[], phase: number): number {
  if (phase === LOAD_PHASE) return LOAD_TIMEOUT_MS;
  if (phase >= 0) return tests[phase]?.timeoutMs ?? LOAD_TIMEOUT_MS;
  const index = preparedTest(phase) ?? 0;
  const next = tests[index];
  const inputChars =
    next === undefined
      ? 0
      : next.kind === "call"
        ? next.args.length
        : next.kind === "calls"
          ? next.calls.join().length
          : next.kind === "stdin"
            ? next.stdin.length
            : next.code.length;
  const report = index > 0 ? (tests[index - 1]!.reportMs ?? REPORT_MS) : 0;
  return PREPARE_FLOOR_MS + Math.ceil(inputChars * PREPARE_MS_PER_CHAR) + report;
}

/** Asks the caller after each readable result, so that the harness stops at a failure it cannot see. */
function stopAfterFor(stopAfter: (run: TestRun) => boolean, tests: ExecuteTest[]): SandboxJob["stopAfter"] {
  return ({ i, result }) => {
    const observation = readObservation(result);
    return observation instanceof Error || stopAfter(testRunOf(tests[i]?.id ?? "", observation, false));
  };
}

/**
 * The harness's results in test order. A job's results must come once per test, in order:
 * the ones after the first that does not are dropped (the caller treats that as a violation).
 */
function resultsOf(outcome: JobOutcome, count: number): Extract<PoolMessage, { t: "result" }>[] {
  const results: Extract<PoolMessage, { t: "result" }>[] = [];
  for (const message of outcome.messages) {
    if (message.t !== "result") continue;
    const parsed = SandboxMessageSchema.safeParse(message);
    if (!parsed.success || parsed.data.t !== "result" || parsed.data.i !== results.length || results.length >= count) break;
    results.push(message);
  }
  return results;
}

function validPrefix<T>(items: (T | undefined)[]): T[] {
  const end = items.indexOf(undefined);
  return (end < 0 ? items : items.slice(0, end)) as T[];
}

function validTraceBody(result: unknown): z.infer<typeof TraceBodySchema> | undefined {
  try {
    return validateTraceBody(result);
  } catch {
    return undefined;
  }
}

/** A program that broke the protocol gets no further run: each test left fails with the reason. */
function violated(tests: ExecuteTest[], reason: string): TestRun[] {
  return tests.map((test) => ({ id: test.id, durationMs: 0, outcomes: [], stopped: { kind: "crashed", detail: `the sandbox broke its protocol: ${reason}` } }));
}

function loadErrorOf(error: TracedError, interrupted: boolean): TracedError {
  return interrupted ? { type: "Timeout", message: `loading the program took over ${LOAD_TIMEOUT_MS} ms` } : error;
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

/** The run of the test a sandbox stopped in: a timeout when the host killed it in that test's call. */
function stoppedRun(id: string, outcome: JobOutcome, index: number): TestRun {
  if (outcome.end.kind === "killed" && outcome.end.phase === index) return { id, durationMs: 0, outcomes: [], stopped: { kind: "timeout" } };
  const detail =
    outcome.end.kind === "killed"
      ? "the sandbox was stopped while preparing or reporting this test (its result took too long to describe)"
      : outcome.end.kind === "exit"
        ? outcome.end.detail
        : "the sandbox ended without a result";
  return { id, durationMs: 0, outcomes: [], stopped: { kind: "crashed", detail } };
}

function stoppedLoadError(outcome: JobOutcome): TracedError {
  if (outcome.end.kind === "killed") return { type: "Timeout", message: `loading the program took over ${LOAD_TIMEOUT_MS} ms` };
  return { type: "Crashed", message: outcome.end.kind === "exit" ? outcome.end.detail : "sandbox stopped" };
}

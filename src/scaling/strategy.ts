/**
 * The Strategy interface and what every strategy shares: running one unit (prompt → model →
 * answer → verdicts) through the journal, building prompts with feedback, and counting usage.
 */
import type { z } from "zod";
import type { BudgetOutcome } from "../config/attempt-schema.js";
import { ConfigError, SemtraceError } from "../core/errors.js";
import { sha256 } from "../core/hash.js";
import type { Problem } from "../core/problem.js";
import type { Backend, ChatMessage } from "../models/backend.js";
import type { Task } from "../tasks/task.js";
import { type Attempt, type AttemptRequest, type AttemptResponse, type FeedbackRecord, type UnitKey, passedPublic } from "./attempt.js";
import type { FeedbackBuilder } from "./feedback.js";
import type { Journal } from "./journal.js";
import type { Judge } from "./judge.js";

export interface Sampling {
  temperature: number;
  /** The experiment seed; each unit's request seed is derived from it, the chain and the round. */
  seed: number;
  maxTokens?: number;
  topP?: number;
}

export interface StrategyContext {
  problem: Problem;
  task: Task;
  backend: Backend;
  /** Answers round 0 instead of `backend`, e.g. a replayed pool of earlier answers. */
  initialBackend?: Backend;
  judge: Judge;
  feedback: FeedbackBuilder;
  /** `none`, `tests` or `trace:<representation>`: what feedback prompts carry. */
  feedbackKind: string;
  journal: Journal;
  sampling: Sampling;
}

/** The result of a strategy at one budget, ready for the report. */
export type { BudgetOutcome };

export interface StrategyResult {
  attempts: Attempt[];
  outcomes: BudgetOutcome[];
}

export interface Strategy {
  readonly name: string;
  /** Whether prompts after the first carry execution feedback. */
  readonly usesFeedback: boolean;
  run(context: StrategyContext): Promise<StrategyResult>;
}

/** What every experiment-spec entry of a strategy holds, whatever its own grid. */
export interface StrategyEntry {
  readonly kind: string;
  /** The entry's name in the report; default: its kind. */
  readonly label?: string | undefined;
  readonly temperature: readonly number[];
}

/** A registered strategy: the spec entry it reads and how to build it from one. */
export interface StrategyDefinition<Entry extends StrategyEntry = StrategyEntry> {
  /** The `kind` of its spec entries. */
  readonly name: string;
  /** A strict object with `kind: z.literal(name)`, `label`, `temperature` and the strategy's own grid. */
  readonly entry: z.ZodType<Entry>;
  create(entry: Entry): Strategy;
  /** The grid in one line for the run summary, e.g. `N=1,5, T=0.8, oracle`. */
  describe(entry: Entry): string;
}

/** A request seed per unit, so that parallel chains are different samples even with a fixed seed. */
export function deriveSeed(seed: number, key: UnitKey): number {
  return Number.parseInt(sha256(`${seed}:${key.chain}:${key.round}`).slice(0, 8), 16) & 0x7fffffff;
}

export interface UnitPrompt {
  messages: ChatMessage[];
  feedback?: FeedbackRecord;
}

/**
 * Runs one unit, or returns it from the journal when it ran before. The prompt is built only
 * when the unit must run, so a resumed cell traces nothing twice.
 */
export async function runUnit(context: StrategyContext, key: UnitKey, prompt: () => Promise<UnitPrompt>): Promise<Attempt> {
  const recorded = context.journal.get(key);
  if (recorded !== undefined) return recorded;
  const startedAt = new Date().toISOString();
  const feedbackStarted = performance.now();
  const { messages, feedback } = await prompt();
  const feedbackMs = performance.now() - feedbackStarted;
  const llmStarted = performance.now();
  const { request, response } = await ask(context, key, messages);
  const llmMs = performance.now() - llmStarted;
  const judgeStarted = performance.now();
  const { problem, judge } = context;
  const answer = context.task.extract(response.text, problem);
  const [publicVerdict, hiddenVerdict] = await Promise.all([judge.judgePublic(problem, answer), judge.judgeHidden(problem, answer)]);
  const attempt: Attempt = {
    ...key,
    request,
    response,
    ...(answer === undefined ? {} : { answer }),
    ...(publicVerdict === undefined ? {} : { publicVerdict }),
    hiddenVerdict,
    ...(feedback === undefined ? {} : { feedback }),
    timing: { startedAt, feedbackMs, llmMs, judgeMs: performance.now() - judgeStarted },
  };
  context.journal.put(attempt);
  return attempt;
}

/** One model call for a unit: round 0 goes to the initial backend when there is one. */
async function ask(context: StrategyContext, key: UnitKey, messages: ChatMessage[]): Promise<{ request: AttemptRequest; response: AttemptResponse }> {
  const { sampling, problem } = context;
  const backend = key.round === 0 && context.initialBackend !== undefined ? context.initialBackend : context.backend;
  const request: AttemptRequest = {
    backend: backend.id,
    messages,
    temperature: sampling.temperature,
    seed: deriveSeed(sampling.seed, key),
    ...(sampling.maxTokens === undefined ? {} : { maxTokens: sampling.maxTokens }),
    ...(sampling.topP === undefined ? {} : { topP: sampling.topP }),
  };
  const { backend: _, ...wire } = request;
  const response = await backend.complete({ ...wire, metadata: { taskId: problem.id, round: key.round, chain: key.chain } });
  const choice = response.choices[0];
  if (choice === undefined) throw new SemtraceError(`backend ${backend.id} answered ${problem.id} with no choice`, { code: "empty-response" });
  return {
    request,
    response: {
      text: choice.text,
      finishReason: choice.finishReason,
      promptTokens: response.usage.promptTokens,
      completionTokens: response.usage.completionTokens,
      latencyMs: response.latencyMs,
      model: response.model,
      cached: response.cached,
    },
  };
}

/**
 * The first prompt of every chain. For `repair` it carries the feedback on the problem's
 * candidate: its failing public tests, else (when it passes them all) its first failing
 * hidden test, because a repair prompt states a failure.
 */
export function createInitialPrompt(context: StrategyContext): () => Promise<UnitPrompt> {
  let prompt: Promise<UnitPrompt> | undefined;
  return () => {
    prompt ??= buildInitialPrompt(context);
    return prompt;
  };
}

async function buildInitialPrompt(context: StrategyContext): Promise<UnitPrompt> {
  const { problem, task } = context;
  if (task.name !== "repair") return { messages: task.initialMessages(problem) };
  const candidate = problem.candidate;
  if (candidate === undefined) {
    throw new ConfigError(`task repair needs a candidate program, and problem ${problem.id} has none: use a repair set or a candidate pool`);
  }
  const publicVerdict = await context.judge.judgePublic(problem, candidate);
  let failing = failingTestIds(publicVerdict);
  if (failing.length === 0) {
    failing = (await context.judge.judgeHidden(problem, candidate)).failures.map((test) => test.testId);
  }
  const feedback = await context.feedback.build({
    kind: context.feedbackKind,
    problem,
    program: candidate,
    failing: await context.judge.testCalls(problem, failing),
    passing: await context.judge.testCalls(problem, passingTestIds(publicVerdict)),
  });
  return { messages: task.initialMessages(problem, feedback.text), feedback };
}

/** The prompt that answers a failed attempt: its conversation, its answer, and feedback on it. */
export async function buildFeedbackPrompt(context: StrategyContext, first: () => Promise<UnitPrompt>, previous: Attempt): Promise<UnitPrompt> {
  const { problem } = context;
  const publicVerdict = previous.publicVerdict;
  // A program that does not load fails no test in particular: show it on the first public tests.
  const failing =
    publicVerdict === undefined || publicVerdict.loadError !== undefined
      ? await context.judge.testCalls(problem)
      : await context.judge.testCalls(problem, failingTestIds(publicVerdict));
  const passing = await context.judge.testCalls(problem, passingTestIds(publicVerdict));
  const feedback = await context.feedback.build({ kind: context.feedbackKind, problem, program: previous.answer, failing, passing });
  const { messages } = await first();
  return { messages: context.task.feedbackMessages(problem, messages, previous.response.text, feedback.text), feedback };
}

function failingTestIds(verdict: { tests: { testId: string; status: string }[] } | undefined): string[] {
  return verdict === undefined ? [] : verdict.tests.filter((test) => test.status !== "pass").map((test) => test.testId);
}

/** The public tests a program passed, for feedback that compares failing runs with passing ones. */
function passingTestIds(verdict: { tests: { testId: string; status: string }[] } | undefined): string[] {
  return verdict === undefined ? [] : verdict.tests.filter((test) => test.status === "pass").map((test) => test.testId);
}

/** Usage summed over the attempts a budget covers. */
export function usageOf(attempts: readonly Attempt[]): Pick<BudgetOutcome, "llmCalls" | "promptTokens" | "completionTokens"> {
  return {
    llmCalls: attempts.length,
    promptTokens: attempts.reduce((sum, attempt) => sum + attempt.response.promptTokens, 0),
    completionTokens: attempts.reduce((sum, attempt) => sum + attempt.response.completionTokens, 0),
  };
}

/** The outcome at one budget when `selection` picks among `attempts`. */
export function selectionOutcome(
  strategy: string,
  budget: number,
  attempts: readonly Attempt[],
  select: (attempts: readonly Attempt[]) => Attempt | undefined,
): BudgetOutcome {
  const selected = select(attempts);
  return {
    strategy,
    budget,
    n: attempts.length,
    c: attempts.filter((attempt) => attempt.hiddenVerdict.passed).length,
    ...(selected === undefined ? {} : { selected: { chain: selected.chain, round: selected.round } }),
    selectedPassed: selected?.hiddenVerdict.passed ?? false,
    ...usageOf(attempts),
  };
}

/**
 * One chain of up to `rounds` rounds: after each answer that fails the public tests, the next
 * prompt carries feedback on it; the chain stops at the first answer that passes them.
 */
export async function runChain(context: StrategyContext, chain: number, rounds: number, first: () => Promise<UnitPrompt>): Promise<Attempt[]> {
  let previous = await runUnit(context, { chain, round: 0 }, first);
  const attempts = [previous];
  for (let round = 1; round < rounds && !passedPublic(previous); round += 1) {
    const failed = previous;
    previous = await runUnit(context, { chain, round }, () => buildFeedbackPrompt(context, first, failed));
    attempts.push(previous);
  }
  return attempts;
}

/** Like Promise.all, but waits for every promise to settle before rethrowing the first failure. */
export async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/** Strategies that answer feedback need program answers, which have public tests to fail. */
export function requireProgramTask(context: StrategyContext, strategy: string): void {
  if (context.task.answer !== "program") {
    throw new ConfigError(`strategy ${strategy} needs public tests to give feedback on, which task ${context.task.name} has not; use parallel`);
  }
}

/** The budgets of a grid, validated: positive integers. */
export function maxBudget(values: readonly number[], what: string): number {
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new ConfigError(`${what} must be a non-empty list of positive integers, got [${values.join(", ")}]`);
  }
  return Math.max(...values);
}

/**
 * Builds REval-style questions from traced executions of a benchmark's reference programs:
 * each program is traced on one of its io inputs (chosen by the seed), and the trace is the
 * ground truth of every answer. For each program, up to N lines that ran are drawn (lines whose
 * first run changed a variable first, so state questions exist), each asked about by coverage
 * (true), state (one variable the line changed) and path; as many lines that did not run are
 * drawn for coverage (false), so coverage is balanced; and the output is asked once. A line's
 * questions share `problem`, `call` and `line`, which incremental consistency follows.
 * The questions of a program depend only on the seed and the program's id, not on its position.
 */
import type { IoTest, Problem } from "../core/problem.js";
import type { Limits, Trace } from "../core/trace.js";
import { sha256 } from "../core/hash.js";
import { loadPythonParser, type PythonParser } from "../pairs/python-parser.js";
import { createRandom, sampleInOrder, shuffle, type RandomGenerator } from "../pairs/sampling.js";
import type { Runtime } from "../runtime/runtime.js";
import { REASON_TASKS, type ReasonQuestion, type ReasonTask } from "../config/reason-question.js";
import { executableLines, traceFacts, type LineHit, type TraceFacts } from "./trace-facts.js";

export interface BuildQuestionsOptions {
  tasks?: readonly ReasonTask[];
  /** Lines asked about per program and task (coverage: this many that ran and as many that did not). */
  perProgram?: number;
  seed?: number;
  /** Limits of each trace (the runtime's defaults otherwise). */
  limits?: Partial<Limits>;
  onProgress?: (done: number, total: number) => void;
}

export interface BuildQuestionsResult {
  questions: ReasonQuestion[];
  /** Programs that gave questions. */
  programs: number;
  /** Problems left out, by reason. */
  skipped: Record<string, number>;
}

export const DEFAULT_PER_PROGRAM = 2;

/** Questions for every problem with a reference and an io test, in problem order. */
export async function buildQuestions(runtime: Runtime, problems: readonly Problem[], options: BuildQuestionsOptions = {}): Promise<BuildQuestionsResult> {
  const parser = await loadPythonParser();
  const skipped: Record<string, number> = {};
  let done = 0;
  const perProblem = await Promise.all(
    problems.map(async (problem) => {
      const result = await questionsOf(runtime, parser, problem, options);
      options.onProgress?.(++done, problems.length);
      if (typeof result === "string") skipped[result] = (skipped[result] ?? 0) + 1;
      return typeof result === "string" ? [] : result;
    }),
  );
  const questions = perProblem.flat();
  return { questions, programs: perProblem.filter((list) => list.length > 0).length, skipped };
}

/** A program's questions, or why it has none. */
export async function questionsOf(
  runtime: Runtime,
  parser: PythonParser,
  problem: Problem,
  options: BuildQuestionsOptions = {},
): Promise<ReasonQuestion[] | string> {
  const program = problem.reference;
  if (program === undefined || problem.entryPoint === "" || problem.meta?.entryClass !== undefined) return "no-function-reference";
  const inputs = problem.tests.filter((test): test is IoTest => test.kind === "io");
  if (inputs.length === 0) return "no-io-test";
  let random = problemRandom(options.seed ?? 0, problem.id);
  const [[test], afterInput] = sampleInOrder(inputs, 1, random);
  random = afterInput;
  const call = `${problem.entryPoint}(${test!.args})`;
  const trace = await runtime.trace({ program, input: { kind: "call", call }, ...(options.limits ? { limits: options.limits } : {}) });
  const problemReason = unusable(trace);
  if (problemReason !== undefined) return problemReason;
  const tasks = new Set(options.tasks ?? REASON_TASKS);
  return askAbout(
    { problem: problem.id, program, call, trace, facts: traceFacts(trace), executable: executableLines(parser, program) },
    tasks,
    options.perProgram ?? DEFAULT_PER_PROGRAM,
    random,
  );
}

function unusable(trace: Trace): string | undefined {
  if (trace.outcome.kind !== "returned") return `reference-${trace.outcome.kind}`;
  // Coverage answers `false` only hold for a trace with every step recorded.
  if (trace.totalSteps > trace.events.length) return "trace-over-step-limit";
  if (trace.outcome.value?.truncated) return "output-truncated";
  return undefined;
}

function problemRandom(seed: number, id: string): RandomGenerator {
  return createRandom((seed + Number.parseInt(sha256(id).slice(0, 8), 16)) % 0x1_0000_0000);
}

interface Subject {
  problem: string;
  program: string;
  call: string;
  trace: Trace;
  facts: TraceFacts;
  executable: Set<number>;
}

function askAbout(subject: Subject, tasks: Set<ReasonTask>, perProgram: number, random: RandomGenerator): ReasonQuestion[] {
  const { facts } = subject;
  const ran = [...facts.hits.keys()].sort((a, b) => a - b);
  const [shuffled, afterShuffle] = shuffle(ran, random);
  const changing = (line: number) => (firstHit(facts, line).changed.some((name) => !firstHit(facts, line).variables.get(name)?.truncated) ? 0 : 1);
  const lines = [...shuffled]
    .sort((a, b) => changing(a) - changing(b))
    .slice(0, perProgram)
    .sort((a, b) => a - b);
  const notRun = [...subject.executable].filter((line) => !facts.hits.has(line)).sort((a, b) => a - b);
  const balanced = Math.min(lines.length, notRun.length);
  const [missed, afterMissed] = sampleInOrder(notRun, balanced, afterShuffle);
  let generator = afterMissed;
  const questions: ReasonQuestion[] = [];
  lines.forEach((line, index) => {
    if (tasks.has("coverage") && index < balanced) questions.push(coverageQuestion(subject, line, true));
    if (tasks.has("state")) {
      const [question, next] = stateQuestion(subject, line, generator);
      generator = next;
      if (question) questions.push(question);
    }
    if (tasks.has("path")) questions.push(pathQuestion(subject, line));
  });
  if (tasks.has("coverage")) questions.push(...missed.map((line) => coverageQuestion(subject, line, false)));
  if (tasks.has("output")) questions.push(outputQuestion(subject));
  return questions;
}

function firstHit(facts: TraceFacts, line: number): LineHit {
  return facts.hits.get(line)![0]!;
}

function sourceLine(subject: Subject, line: number): string {
  return subject.program.split("\n")[line - 1]?.trim() ?? "";
}

function base(subject: Subject, task: ReasonTask, suffix: string) {
  return { id: `${subject.problem}#${task}${suffix}`, problem: subject.problem, program: subject.program, call: subject.call };
}

function coverageQuestion(subject: Subject, line: number, answer: boolean): ReasonQuestion {
  return {
    ...base(subject, "coverage", `@${line}`),
    task: "coverage",
    line,
    question: `Is line ${line} (\`${sourceLine(subject, line)}\`) executed when \`${subject.call}\` runs? Answer true or false.`,
    answer,
  };
}

function stateQuestion(subject: Subject, line: number, random: RandomGenerator): [ReasonQuestion | undefined, RandomGenerator] {
  const hit = firstHit(subject.facts, line);
  const names = hit.changed.filter((name) => !hit.variables.get(name)?.truncated);
  if (names.length === 0) return [undefined, random];
  const [[variable], next] = sampleInOrder(names, 1, random);
  const value = hit.variables.get(variable!)!;
  const accepted = new Map<string, { repr: string; type: string }>();
  for (const other of subject.facts.hits.get(line)!) {
    const seen = other.variables.get(variable!);
    if (seen && !seen.truncated) accepted.set(`${seen.type}\u0000${seen.repr}`, { repr: seen.repr, type: seen.type });
  }
  const question: ReasonQuestion = {
    ...base(subject, "state", `@${line}:${variable}`),
    task: "state",
    line,
    variable: variable!,
    question: `What is the value of \`${variable}\` just after line ${line} (\`${sourceLine(subject, line)}\`) first executes when \`${subject.call}\` runs? Give its repr and its type.`,
    answer: { repr: value.repr, type: value.type },
    accepted: [...accepted.values()],
  };
  return [question, next];
}

function pathQuestion(subject: Subject, line: number): ReasonQuestion {
  const hits = subject.facts.hits.get(line)!;
  return {
    ...base(subject, "path", `@${line}`),
    task: "path",
    line,
    question: `Which line executes next, in the same call, after line ${line} (\`${sourceLine(subject, line)}\`) first executes when \`${subject.call}\` runs? Answer with the line number, or null if the function returns.`,
    answer: hits[0]!.next,
    accepted: [...new Set(hits.map((hit) => hit.next))],
  };
}

function outputQuestion(subject: Subject): ReasonQuestion {
  return {
    ...base(subject, "output", ""),
    task: "output",
    question: `What does \`${subject.call}\` return? Give the repr of the returned value.`,
    answer: subject.trace.outcome.value!.repr,
  };
}

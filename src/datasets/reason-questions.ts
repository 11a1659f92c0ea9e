/**
 * A questions file of `semtrace reason build` as a benchmark, so `semtrace run` can ask a model
 * the questions (tasks reason-coverage, -state, -path, -output). Each question is a problem
 * whose reference is the program, whose one io test is the traced call, and whose
 * `meta.question` is the question record. The split keeps one task's questions (default: all).
 */
import type { Problem } from "../core/problem.js";
import { callParts, REASON_TASKS, reasonQuestionSchema, type ReasonQuestion } from "../config/reason-question.js";
import { ConfigError } from "../core/errors.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions, createIoTest, requireSplit, selectTasks } from "./benchmark.js";
import { parseJsonlRows, readDataText } from "./read-data.js";

export async function loadReasonQuestions(options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  const split = requireSplit(reasonQuestionsLoader, options.split);
  if (options.path === undefined)
    throw new ConfigError("benchmark reason-questions reads a questions file: give its path (written by `semtrace reason build`)");
  const rows = parseJsonlRows(await readDataText(options.path), reasonQuestionSchema, options.path);
  const questions = rows.map((row) => row.value).filter((question) => split === "all" || question.task === split);
  return selectTasks(questions.map(questionProblem), options.tasks, "reason-questions");
}

export function questionProblem(question: ReasonQuestion): Problem {
  const { entryPoint, args } = callParts(question.call);
  return {
    id: question.id,
    source: { dataset: "reason-questions", version: "1" },
    prompt: question.program,
    entryPoint,
    reference: question.program,
    tests: [createIoTest("call", args, { visibility: "hidden", group: "base" })],
    meta: { question },
  };
}

/** The question a problem of this benchmark carries; a ConfigError for any other problem. */
export function problemQuestion(problem: Problem): ReasonQuestion {
  const parsed = reasonQuestionSchema.safeParse(problem.meta?.question);
  if (!parsed.success) throw new ConfigError(`problem ${problem.id} carries no reasoning question: the reason-* tasks read the reason-questions benchmark`);
  return parsed.data;
}

export const reasonQuestionsLoader: BenchmarkLoader = {
  name: "reason-questions",
  description: "questions written by `semtrace reason build`, for the reason-* tasks",
  splits: ["all", ...REASON_TASKS],
  load: loadReasonQuestions,
};

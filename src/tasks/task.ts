/**
 * The tasks a model is asked to do, each as prompt templates plus answer extraction:
 * `generate` (problem → program), `repair` (problem + buggy program + execution feedback →
 * fixed program), `predict-output` (CRUXEval-O), `predict-input` (CRUXEval-I) and the REval
 * questions `reason-coverage`, `reason-state`, `reason-path` and `reason-output` (problems of the
 * `reason-questions` benchmark, answered in `[ANSWER]` tags). Program tasks can continue with
 * `selfdebug` feedback turns.
 */
import { ConfigError } from "../core/errors.js";
import type { Problem } from "../core/problem.js";
import type { ReasonTask } from "../config/reason-question.js";
import { problemQuestion } from "../datasets/reason-questions.js";
import { definesFunction, extractAnswer, extractCode, extractPrediction } from "./extract.js";
import { predictionProgram, predictionTarget } from "./prediction.js";
import { type PromptMessage, type PromptTemplate, loadPromptTemplate, renderPromptTemplate } from "./template.js";

export const REASON_TASK_NAMES = ["reason-coverage", "reason-state", "reason-path", "reason-output"] as const;
export type ReasonTaskName = (typeof REASON_TASK_NAMES)[number];
export const TASK_NAMES = ["generate", "repair", "predict-output", "predict-input", ...REASON_TASK_NAMES] as const;
export type TaskName = (typeof TASK_NAMES)[number];

const REASON_VARIABLES = ["program", "call", "question", "entry_point", "few_shot"] as const;

/** The placeholders each template may use. */
export const TEMPLATE_VARIABLES: Readonly<Record<TaskName | "selfdebug", readonly string[]>> = {
  generate: ["prompt", "entry_point", "few_shot"],
  repair: ["prompt", "entry_point", "feedback", "few_shot"],
  "predict-output": ["program", "call", "entry_point", "few_shot"],
  "predict-input": ["program", "output", "entry_point", "few_shot"],
  "reason-coverage": REASON_VARIABLES,
  "reason-state": REASON_VARIABLES,
  "reason-path": REASON_VARIABLES,
  "reason-output": REASON_VARIABLES,
  selfdebug: ["feedback", "entry_point"],
};

export interface TaskOptions {
  /** A template file replacing the task's built-in prompt. */
  template?: string;
  /** A template file replacing the built-in `selfdebug` feedback turn. */
  feedbackTemplate?: string;
  /** A few-shot prefix (see renderFewShotPrefix) put where the template says `{{few_shot}}`. */
  fewShot?: string;
}

export interface Task {
  readonly name: TaskName;
  /** What an answer is: a program judged by tests, or a prediction judged by one execution. */
  readonly answer: "program" | "prediction";
  /** The first prompt of a chain; `repair` needs the rendered feedback on the problem's candidate. */
  initialMessages(problem: Problem, feedback?: string): PromptMessage[];
  /** The next prompt after a failed answer: the first prompt, the answer, then the feedback turn. */
  feedbackMessages(problem: Problem, initial: readonly PromptMessage[], answerText: string, feedback: string): PromptMessage[];
  /** The program or prediction in a model's answer; undefined when it holds none. */
  extract(text: string, problem: Problem): string | undefined;
}

/** Loads a task's templates (built-in or overridden) and returns the task. */
export async function loadTask(name: TaskName, options: TaskOptions = {}): Promise<Task> {
  const initial = await loadPromptTemplate(options.template ?? name, TEMPLATE_VARIABLES[name]);
  const feedback = await loadPromptTemplate(options.feedbackTemplate ?? "selfdebug", TEMPLATE_VARIABLES.selfdebug);
  return createTask(name, initial, feedback, options.fewShot ?? "");
}

export function createTask(name: TaskName, initial: PromptTemplate, feedbackTurn: PromptTemplate, fewShot = ""): Task {
  return {
    name,
    answer: isPredictionTask(name) ? "prediction" : "program",
    initialMessages(problem, feedback) {
      return renderPromptTemplate(initial, { ...initialVariables(name, problem, feedback), few_shot: fewShot });
    },
    feedbackMessages(problem, first, answerText, feedback) {
      const turn = renderPromptTemplate(feedbackTurn, { feedback: feedback.trimEnd(), entry_point: problem.entryPoint });
      return [...first, { role: "assistant", content: answerText }, ...turn];
    },
    extract(text, problem) {
      if (name === "predict-output") return extractPrediction(text, "output", problem.entryPoint);
      if (name === "predict-input") return extractPrediction(text, "input", problem.entryPoint);
      // The judge reads the answer's shape per question (true/false, a line, a literal).
      if (isReasonTask(name)) return extractAnswer(text);
      const code = extractCode(text, problem.entryPoint);
      return code === undefined ? undefined : completeProgram(code, problem);
    },
  };
}

function initialVariables(name: TaskName, problem: Problem, feedback: string | undefined): Record<string, string> {
  const common = { prompt: problem.prompt.trimEnd(), entry_point: problem.entryPoint };
  switch (name) {
    case "generate":
      return common;
    case "repair":
      if (feedback === undefined) throw new ConfigError(`task repair needs the feedback on the candidate of ${problem.id}`);
      return { ...common, feedback: feedback.trimEnd() };
    case "predict-output": {
      const target = predictionTarget(problem);
      return { ...common, program: predictionProgram(problem).trimEnd(), call: `${problem.entryPoint}(${target.args})` };
    }
    case "predict-input": {
      const target = predictionTarget(problem);
      if (target.expected === undefined) throw new ConfigError(`problem ${problem.id} states no output to predict an input for`);
      return { ...common, program: predictionProgram(problem).trimEnd(), output: target.expected };
    }
    default:
      return reasonVariables(name, problem, common);
  }
}

/** Tasks whose answer is judged by one execution or against a trace, not by tests: they have no public tests to give feedback on. */
export function isPredictionTask(name: TaskName): boolean {
  return name !== "generate" && name !== "repair";
}

export function isReasonTask(name: TaskName): name is ReasonTaskName {
  return (REASON_TASK_NAMES as readonly string[]).includes(name);
}

/** The REval task a reason-* task asks. */
export const REASON_TASK_OF: Readonly<Record<ReasonTaskName, ReasonTask>> = {
  "reason-coverage": "coverage",
  "reason-state": "state",
  "reason-path": "path",
  "reason-output": "output",
};

/** The question's program with line numbers (the questions name lines), its call and its text. */
function reasonVariables(name: ReasonTaskName, problem: Problem, common: Record<string, string>): Record<string, string> {
  const question = problemQuestion(problem);
  if (question.task !== REASON_TASK_OF[name]) {
    throw new ConfigError(`problem ${problem.id} is a ${question.task} question, not one for task ${name}: choose the benchmark split ${REASON_TASK_OF[name]}`);
  }
  return { ...common, program: numberLines(question.program), call: question.call, question: question.question };
}

/** The program with its line numbers, `12 | code`, for prompts that name lines. */
export function numberLines(program: string): string {
  const lines = program.trimEnd().split("\n");
  const width = String(lines.length).length;
  return lines.map((line, index) => `${String(index + 1).padStart(width)} | ${line}`).join("\n");
}

/**
 * Makes an extracted answer runnable on its own, as EvalPlus does with completions: a bare
 * function body is appended to the prompt that holds the signature, and a function that
 * omits the prompt's imports (`from typing import List`) gets them back.
 */
export function completeProgram(code: string, problem: Problem): string {
  const entry = problem.entryPoint;
  if (entry === "") return code;
  if (!definesFunction(code, entry)) return definesFunction(problem.prompt, entry) ? problem.prompt + code : code;
  const missing = importLines(problem.prompt).filter((line) => !code.includes(line));
  return missing.length === 0 ? code : `${missing.join("\n")}\n${code}`;
}

function importLines(source: string): string[] {
  return source
    .split("\n")
    .filter((line) => /^(import|from)\s+\S+/.test(line))
    .map((line) => line.trimEnd());
}

/**
 * Scoring predictions by REval's rules, with the trace as ground truth:
 * - coverage: accuracy, and F1 with "executed" as the positive class;
 * - state: the predicted value is evaluated in the sandbox; its type must be the variable's and
 *   its repr one the variable had after some hit of the line (floats within 1e-6); a value
 *   that does not evaluate (`<Node object>`) must match a seen repr and stated type as text;
 * - path: right if it is the next line after some hit of the line;
 * - output: by execution, as predict-output scores it (repr and type of the evaluated literal).
 * No predicted text is evaluated on the host.
 */
import pLimit from "p-limit";
import { ConfigError } from "../core/errors.js";
import { questionProblem } from "../datasets/reason-questions.js";
import type { Runtime } from "../runtime/runtime.js";
import { evaluatePrediction, scorePrediction } from "../tasks/prediction.js";
import { readAnswer, type ReadAnswer } from "./answers.js";
import { incrementalConsistency, type ConsistencyScore } from "./consistency.js";
import { REASON_TASKS, type ReasonPrediction, type ReasonQuestion, type ReasonQuestionOf, type ReasonTask } from "../config/reason-question.js";

export interface TaskScore {
  questions: number;
  /** Questions with a readable prediction. */
  answered: number;
  correct: number;
  accuracy: number;
  /** Coverage only. */
  f1?: number;
}

export interface ReasonScore {
  tasks: Partial<Record<ReasonTask, TaskScore>>;
  consistency: ConsistencyScore;
  /** Per question id: whether it was answered right. */
  correct: Record<string, boolean>;
}

export const FLOAT_TOLERANCE = 1e-6;
const CONCURRENCY = 8;

export async function scoreReasoning(runtime: Runtime, questions: readonly ReasonQuestion[], predictions: readonly ReasonPrediction[]): Promise<ReasonScore> {
  const byId = new Map(predictions.map((prediction) => [prediction.id, prediction]));
  const known = new Set(questions.map((question) => question.id));
  const unknown = [...byId.keys()].filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new ConfigError(`predictions for questions that are not in the questions file: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}`);
  const limit = pLimit(CONCURRENCY);
  const judged = await Promise.all(
    questions.map((question) =>
      limit(async () => {
        const prediction = byId.get(question.id);
        const answer = prediction === undefined ? undefined : readAnswer(question, prediction);
        return { question, answer, correct: answer === undefined ? false : await isCorrect(runtime, question, answer) };
      }),
    ),
  );
  const correct = new Map(judged.map((entry) => [entry.question.id, entry.correct]));
  const tasks: Partial<Record<ReasonTask, TaskScore>> = {};
  for (const task of REASON_TASKS) {
    const ofTask = judged.filter((entry) => entry.question.task === task);
    if (ofTask.length === 0) continue;
    const right = ofTask.filter((entry) => entry.correct).length;
    tasks[task] = {
      questions: ofTask.length,
      answered: ofTask.filter((entry) => entry.answer !== undefined).length,
      correct: right,
      accuracy: right / ofTask.length,
      ...(task === "coverage" ? { f1: coverageF1(ofTask) } : {}),
    };
  }
  return { tasks, consistency: incrementalConsistency(questions, correct), correct: Object.fromEntries(correct) };
}

/** Whether one read answer is right; exported for the experiment tasks, which judge one at a time. */
export async function isCorrect(runtime: Runtime, question: ReasonQuestion, answer: ReadAnswer): Promise<boolean> {
  switch (answer.task) {
    case "coverage":
      return question.task === "coverage" && question.answer === answer.value;
    case "path":
      return question.task === "path" && question.accepted.includes(answer.value);
    case "state":
      return question.task === "state" && stateCorrect(question, answer, await evaluatePrediction(runtime, answer.repr));
    case "output":
      return question.task === "output" && (await scorePrediction(runtime, questionProblem(question), "predict-output", answer.literal)).passed;
  }
}

function stateCorrect(
  question: ReasonQuestionOf<"state">,
  answer: Extract<ReadAnswer, { task: "state" }>,
  evaluated: { repr: string; type: string; truncated?: boolean } | undefined,
): boolean {
  if (evaluated?.truncated) return false;
  const type = evaluated?.type ?? answer.type;
  if (type === undefined || (answer.type !== undefined && answer.type !== type)) return false;
  const repr = evaluated?.repr ?? answer.repr;
  return question.accepted.some((seen) => seen.type === type && (seen.repr === repr || (type === "float" && floatsClose(seen.repr, repr))));
}

function floatsClose(left: string, right: string): boolean {
  const [a, b] = [Number(left), Number(right)];
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= FLOAT_TOLERANCE;
}

function coverageF1(entries: readonly { question: ReasonQuestion; answer: ReadAnswer | undefined }[]): number {
  let [truePositive, falsePositive, falseNegative] = [0, 0, 0];
  for (const { question, answer } of entries) {
    const predicted = answer?.task === "coverage" ? answer.value : undefined;
    const actual = question.task === "coverage" && question.answer;
    if (predicted === true && actual) truePositive += 1;
    else if (predicted === true) falsePositive += 1;
    else if (actual) falseNegative += 1;
  }
  const denominator = 2 * truePositive + falsePositive + falseNegative;
  return denominator === 0 ? 0 : (2 * truePositive) / denominator;
}

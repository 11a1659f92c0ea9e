/**
 * The records of execution-reasoning benchmarks, after REval's four tasks on one traced call:
 * - `coverage`: is line L executed? answer `true`/`false`;
 * - `state`: variable V just after line L first executes; answer `{repr, type}`;
 * - `path`: the line executed right after line L's first execution, in the same frame; answer
 *   the line number, or `null` when the frame returns (or raises) instead;
 * - `output`: the call's return value; answer its repr.
 * `accepted` keeps what REval also accepts: the values of V after any hit of L (state), the
 * next lines after any hit of L (path).
 */
import { z } from "zod";

export const REASON_TASKS = ["coverage", "state", "path", "output"] as const;
export type ReasonTask = (typeof REASON_TASKS)[number];

const tracedValue = z.strictObject({ repr: z.string(), type: z.string() });

const common = {
  id: z.string().min(1),
  problem: z.string(),
  program: z.string(),
  call: z.string().min(1).describe("the traced call, `f(<args>)`"),
  question: z.string(),
};

export const reasonQuestionSchema = z.discriminatedUnion("task", [
  z.strictObject({ ...common, task: z.literal("coverage"), line: z.int().positive(), answer: z.boolean() }),
  z.strictObject({
    ...common,
    task: z.literal("state"),
    line: z.int().positive(),
    variable: z.string().min(1),
    answer: tracedValue,
    accepted: z.array(tracedValue).min(1),
  }),
  z.strictObject({
    ...common,
    task: z.literal("path"),
    line: z.int().positive(),
    answer: z.int().positive().nullable(),
    accepted: z.array(z.int().positive().nullable()).min(1),
  }),
  z.strictObject({ ...common, task: z.literal("output"), answer: z.string() }),
]);

export type ReasonQuestion = z.infer<typeof reasonQuestionSchema>;
export type ReasonQuestionOf<T extends ReasonTask> = Extract<ReasonQuestion, { task: T }>;

/** A prediction: a structured answer, or a model's text with the answer in `[ANSWER]` tags. */
export const reasonPredictionSchema = z.union([
  z.strictObject({ id: z.string().min(1), answer: z.unknown() }),
  z.strictObject({ id: z.string().min(1), text: z.string() }),
]);
export type ReasonPrediction = z.infer<typeof reasonPredictionSchema>;

/** `f` and `<args>` of a question's call `f(<args>)`. */
export function callParts(call: string): { entryPoint: string; args: string } {
  const entryPoint = /^\s*([A-Za-z_][\w.]*)\s*\(/.exec(call)?.[1] ?? "";
  return { entryPoint, args: call.slice(call.indexOf("(") + 1, call.lastIndexOf(")")) };
}

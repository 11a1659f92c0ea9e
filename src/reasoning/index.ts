/** The reasoning module's public API: REval-style questions built from traces, and their scoring. */
export {
  REASON_TASKS,
  reasonPredictionSchema,
  reasonQuestionSchema,
  type ReasonPrediction,
  type ReasonQuestion,
  type ReasonTask,
} from "../config/reason-question.js";
export { DEFAULT_PER_PROGRAM, buildQuestions, questionsOf, type BuildQuestionsOptions, type BuildQuestionsResult } from "./questions.js";
export { readAnswer, type ReadAnswer } from "./answers.js";
export { FLOAT_TOLERANCE, isCorrect, scoreReasoning, type ReasonScore, type TaskScore } from "./score.js";
export { incrementalConsistency, type ConsistencyScore } from "./consistency.js";

/** The tasks module's public API: prompt templates, answer extraction, prediction scoring, few-shot prefixes. */
export {
  BUILTIN_TEMPLATE_NAMES,
  isBuiltinTemplateName,
  loadPromptTemplate,
  parsePromptTemplate,
  renderPromptTemplate,
  type BuiltinTemplateName,
  type PromptMessage,
  type PromptRole,
  type PromptTemplate,
} from "./template.js";
export {
  REASON_TASK_NAMES,
  REASON_TASK_OF,
  TASK_NAMES,
  TEMPLATE_VARIABLES,
  completeProgram,
  createTask,
  isPredictionTask,
  isReasonTask,
  loadTask,
  numberLines,
  type ReasonTaskName,
  type Task,
  type TaskName,
  type TaskOptions,
} from "./task.js";
export { definesFunction, extractAnswer, extractCode, extractPrediction, findFencedBlocks, type FencedBlock, type PredictionKind } from "./extract.js";
export { createTestCall, parseAssertCall, type AssertCall, type TestCall } from "./test-calls.js";
export { PREDICTION_TIMEOUT_MS, evaluatePrediction, predictionProgram, predictionTarget, scorePrediction, type PredictionTaskName } from "./prediction.js";
export { fewShotExampleSchema, loadFewShotExamples, renderFewShotPrefix, type FewShotExample, type FewShotOptions } from "./few-shot.js";

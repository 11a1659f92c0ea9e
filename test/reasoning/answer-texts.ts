/** Model replies to reasoning questions, right or wrong, as `[ANSWER]` text. */
import type { ReasonQuestion } from "../../src/reasoning/index.js";

const NOT_THE_VALUE = "'__not_the_value__'";

export function answerText(question: ReasonQuestion, right: boolean): string {
  switch (question.task) {
    case "coverage":
      return tagged(String(right ? question.answer : !question.answer));
    case "state":
      return tagged(right ? question.answer.repr : NOT_THE_VALUE);
    case "path":
      return tagged(right ? String(question.answer ?? "null") : "999");
    case "output":
      return tagged(right ? question.answer : NOT_THE_VALUE);
  }
}

function tagged(answer: string): string {
  return `Let me trace the call line by line.\n[ANSWER] ${answer} [/ANSWER]`;
}

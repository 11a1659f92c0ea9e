/** The reason-* tasks: questions loaded as problems, numbered-program prompts, tagged answers, and the sandboxed judge. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toJsonl } from "../../src/core/jsonl.js";
import { loadBenchmark } from "../../src/datasets/index.js";
import { buildQuestions, REASON_TASKS } from "../../src/reasoning/index.js";
import { createRuntime } from "../../src/runtime/index.js";
import { createReasoningJudge } from "../../src/scaling/judge.js";
import { REASON_TASK_NAMES, loadTask } from "../../src/tasks/task.js";
import { answerText } from "./answer-texts.js";
import { LOOP_PROBLEM } from "./programs.js";

const runtime = createRuntime("pyodide", { poolSize: 1 });
const folder = mkdtempSync(join(tmpdir(), "semtrace-reason-tasks-"));
afterAll(async () => {
  await runtime.close();
  rmSync(folder, { recursive: true, force: true });
});

const built = await buildQuestions(runtime, [LOOP_PROBLEM], { perProgram: 3, seed: 1 });
const path = join(folder, "questions.jsonl");
writeFileSync(path, toJsonl(built.questions));
const judge = createReasoningJudge(runtime);

describe("reason-* tasks", () => {
  it("asks each task's questions with the numbered program, the call and the question", async () => {
    for (const name of REASON_TASK_NAMES) {
      const split = name.replace("reason-", "");
      const problems = await loadBenchmark("reason-questions", { path, split });
      expect(problems.length).toBeGreaterThan(0);
      const task = await loadTask(name);
      expect(task.answer).toBe("prediction");
      for (const problem of problems) {
        const [message] = task.initialMessages(problem);
        expect(message!.content).toContain("10 |             total += 10 // x");
        expect(message!.content).toContain(" 1 | def fact(n):");
        expect(message!.content).toContain("Call: f([1, 0, 5])");
        expect(message!.content).toContain(built.questions.find((question) => question.id === problem.id)!.question);
        expect(message!.content).not.toMatch(/\{\{/);
      }
    }
  });

  it("refuses a question of another task, naming the split to choose", async () => {
    const [coverage] = await loadBenchmark("reason-questions", { path, split: "coverage" });
    const task = await loadTask("reason-state");
    expect(() => task.initialMessages(coverage!)).toThrow(/is a coverage question, not one for task reason-state: choose the benchmark split state/);
  });

  it("judges right answers right and wrong ones wrong, on every task", async () => {
    const problems = await loadBenchmark("reason-questions", { path });
    expect(new Set(built.questions.map((question) => question.task))).toEqual(new Set(REASON_TASKS));
    for (const question of built.questions) {
      const problem = problems.find((candidate) => candidate.id === question.id)!;
      const task = await loadTask(`reason-${question.task}`);
      for (const right of [true, false]) {
        const verdict = await judge.judgeHidden(problem, task.extract(answerText(question, right), problem));
        expect({ id: question.id, passed: verdict.passed }).toEqual({ id: question.id, passed: right });
      }
    }
  });

  it("fails an answer without tags, and hostile answers that try to forge the output", async () => {
    const [output] = await loadBenchmark("reason-questions", { path, split: "output" });
    const task = await loadTask("reason-output");
    expect(task.extract("It returns 17.", output!)).toBeUndefined();
    expect(await judge.judgeHidden(output!, undefined)).toMatchObject({ passed: false });
    for (const hostile of ["__import__('os')._exit(0)", "type('L', (), {'__repr__': lambda self: '17'})()", "f([1, 0, 5])"]) {
      expect((await judge.judgeHidden(output!, task.extract(`[ANSWER]${hostile}[/ANSWER]`, output!))).passed).toBe(false);
    }
    expect((await judge.judgeHidden(output!, "17")).passed).toBe(true);
  });
});

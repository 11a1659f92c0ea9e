/** Questions built from real Pyodide traces, and their scoring by REval's rules. */
import { afterAll, describe, expect, it } from "vitest";
import { buildQuestions, reasonQuestionSchema, scoreReasoning, type ReasonPrediction, type ReasonQuestion } from "../../src/reasoning/index.js";
import { createRuntime } from "../../src/runtime/index.js";
import { LOOP_PROBLEM, problemOf } from "./programs.js";

const runtime = createRuntime("pyodide", { poolSize: 1 });
afterAll(() => runtime.close());

const all = await buildQuestions(runtime, [LOOP_PROBLEM], { perProgram: 20, seed: 7 });
const byId = (id: string) => all.questions.find((question) => question.id === id);
const perfect = (questions: readonly ReasonQuestion[]): ReasonPrediction[] => questions.map((question) => ({ id: question.id, answer: question.answer }));

describe("reason build", () => {
  it("pins coverage: loop body, except branch and recursion ran; the capped branch never did", () => {
    const coverage = all.questions.filter((question) => question.task === "coverage");
    // Line 14 is the only one that never ran, so one line that ran balances it.
    expect(coverage.filter((question) => !question.answer).map((question) => question.line)).toEqual([14]);
    expect(coverage.filter((question) => question.answer).length).toBe(1);
    const ran = all.questions.filter((question) => question.task === "path").map((question) => question.line);
    expect(ran).toEqual([2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15]);
  });

  it("pins state at the first hit, accepting every value the line gave", () => {
    expect(byId("loop/0#state@10:total")).toMatchObject({
      answer: { repr: "10", type: "int" },
      accepted: [
        { repr: "10", type: "int" },
        { repr: "11", type: "int" },
      ],
    });
    expect(byId("loop/0#state@8:x")).toMatchObject({ answer: { repr: "1", type: "int" } });
  });

  it("pins path: the next line in the same frame, null when the frame returns, every hit's successor accepted", () => {
    expect(byId("loop/0#path@10")).toMatchObject({ answer: 8, accepted: [8, 11] });
    expect(byId("loop/0#path@8")).toMatchObject({ answer: 9, accepted: [9, 13] });
    expect(byId("loop/0#path@15")).toMatchObject({ answer: null });
    expect(byId("loop/0#path@3")).toMatchObject({ answer: null });
  });

  it("pins output and writes records the schema accepts", () => {
    expect(byId("loop/0#output")).toMatchObject({ answer: "17", call: "f([1, 0, 5])" });
    for (const question of all.questions) expect(reasonQuestionSchema.parse(question)).toEqual(question);
  });

  it("is deterministic for a seed and asks about N lines per task", async () => {
    const [again, first] = await Promise.all([1, 1].map((seed) => buildQuestions(runtime, [LOOP_PROBLEM], { perProgram: 2, seed })));
    expect(again!.questions).toEqual(first!.questions);
    expect(first!.questions.filter((question) => question.task === "path").length).toBe(2);
  });

  it("skips references that raise, with the reason", async () => {
    const raising = problemOf("raise/0", "def g(x):\n    return 1 // x\n", "g", "0");
    const result = await buildQuestions(runtime, [raising], {});
    expect(result).toMatchObject({ questions: [], programs: 0, skipped: { "reference-raised": 1 } });
  });
});

describe("reason score", () => {
  it("scores perfect predictions 100% on every task and in consistency", async () => {
    const score = await scoreReasoning(runtime, all.questions, perfect(all.questions));
    for (const task of ["coverage", "state", "path", "output"] as const) expect(score.tasks[task]?.accuracy).toBe(1);
    expect(score.tasks.coverage?.f1).toBe(1);
    expect(score.consistency.score).toBe(1);
    expect(score.consistency.chains).toBeGreaterThan(0);
  });

  it("scores perturbed predictions as REval does", async () => {
    const trueLine = all.questions.flatMap((question) => (question.task === "coverage" && question.answer ? [question.line] : []))[0];
    const questions = [`loop/0#coverage@${trueLine}`, "loop/0#coverage@14", "loop/0#state@10:total", "loop/0#path@10", "loop/0#output"].map((id) => byId(id)!);
    const score = await scoreReasoning(runtime, questions, [
      { id: `loop/0#coverage@${trueLine}`, answer: false },
      { id: "loop/0#coverage@14", text: "It never runs. [ANSWER]false[/ANSWER]" },
      { id: "loop/0#state@10:total", text: "[ANSWER]11[/ANSWER]" },
      { id: "loop/0#path@10", answer: 11 },
      { id: "loop/0#output", text: "[ANSWER]assert f([1, 0, 5]) == 17.0[/ANSWER]" },
    ]);
    expect(score.correct).toEqual({
      [`loop/0#coverage@${trueLine}`]: false,
      "loop/0#coverage@14": true,
      "loop/0#state@10:total": true,
      "loop/0#path@10": true,
      "loop/0#output": false,
    });
    expect(score.tasks.coverage).toMatchObject({ accuracy: 0.5, f1: 0 });
    // the line that ran is said not to, so its chain stops at the first step.
    expect(score.consistency.consistent).toBe(0);
  });

  it("checks a state's type and takes floats within 1e-6", async () => {
    const floats = await buildQuestions(runtime, [problemOf("half/0", "def h(x):\n    y = x / 3\n    return y\n", "h", "1")], { tasks: ["state"] });
    const question = floats.questions[0]!;
    const score = async (answer: unknown) => (await scoreReasoning(runtime, [question], [{ id: question.id, answer }])).tasks.state?.correct;
    expect(await score({ repr: "0.3333333", type: "float" })).toBe(1);
    expect(await score("0.333")).toBe(0);
    expect(await score({ repr: "0.3333333", type: "int" })).toBe(0);
  });

  it("rejects predictions for questions it does not have", async () => {
    await expect(scoreReasoning(runtime, all.questions, [{ id: "nope", answer: true }])).rejects.toThrow(/not in the questions file: nope/);
  });
});

describe("hostile predictions", () => {
  const output = () => byId("loop/0#output")!;
  const state = () => byId("loop/0#state@10:total")!;
  const hostile = [
    "type('L', (int,), {'__repr__': lambda self: '17', '__eq__': lambda self, other: True})(3)",
    "type('L', (), {'__repr__': lambda self: '17', '__eq__': lambda self, other: True})()",
    "__import__('os')._exit(0)",
    "exec(\"import sys\\nsys.stdout.write('17')\") or __import__('sys').exit(0)",
    "f([1, 0, 5])",
  ];

  it.each(hostile)("cannot score output or state: %s", async (text) => {
    const score = await scoreReasoning(
      runtime,
      [output(), state()],
      [
        { id: output().id, text: `[ANSWER]${text}[/ANSWER]` },
        { id: state().id, answer: { repr: text, type: "int" } },
      ],
    );
    expect(score.correct).toEqual({ [output().id]: false, [state().id]: false });
  });

  it("still scores an honest prediction after a hostile one killed its sandbox", async () => {
    await scoreReasoning(runtime, [output()], [{ id: output().id, text: "[ANSWER]__import__('os')._exit(0)[/ANSWER]" }]);
    expect((await scoreReasoning(runtime, [output()], [{ id: output().id, answer: "17" }])).correct[output().id]).toBe(true);
  });
});

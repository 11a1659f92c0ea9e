/**
 * Strategies end to end on real components: fixture problems in the Pyodide sandbox, the real
 * evaluator, and model answers from the scripted OpenAI-compatible server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTokenizer } from "../../src/representations/tokenizers/index.js";
import type { Attempt } from "../../src/scaling/attempt.js";
import { NO_CODE_FEEDBACK, createFeedbackBuilder, feedbackRepresentation } from "../../src/scaling/feedback.js";
import { createMemoryJournal } from "../../src/scaling/journal.js";
import { createPredictionJudge } from "../../src/scaling/judge.js";
import { createParallelStrategy } from "../../src/scaling/parallel.js";
import { createRevisionStrategy } from "../../src/scaling/revision.js";
import { createSelfDebugStrategy } from "../../src/scaling/selfdebug.js";
import { loadTask } from "../../src/tasks/task.js";
import { REVERSE_PROBLEM } from "../tasks/crux-problem.js";
import { type Harness, type ProgramChooser, fence, startHarness } from "./strategy-harness.js";

/** Round 0: the problem's buggy candidate; later rounds: its reference. */
const debugsInOneRound: ProgramChooser = ({ problem, unit }) => fence(unit.round === 0 ? problem.candidate! : problem.reference!);

let chooser: ProgramChooser = debugsInOneRound;
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness((request) => chooser(request));
});
afterAll(() => harness.close());

async function run(strategy: ReturnType<typeof createSelfDebugStrategy>, problemId: string, options: Parameters<Harness["context"]>[1] = {}) {
  const before = harness.server.requests.length;
  const result = await strategy.run(await harness.context(problemId, options));
  return { ...result, requests: harness.server.requests.slice(before) };
}

function lastUserMessage(request: { body: { messages: { role: string; content: string }[] } }): string {
  return request.body.messages.filter((message) => message.role === "user").at(-1)!.content;
}

describe("selfdebug", () => {
  it("traces the failing public test on the exact call f([1, 2]) and sends a non-empty trace", async () => {
    chooser = debugsInOneRound;
    const { attempts, outcomes, requests } = await run(createSelfDebugStrategy({ rounds: [1, 2, 3] }), "fixture/sum_list", { feedbackKind: "trace:concise" });
    expect(attempts.map((attempt) => [attempt.round, attempt.publicVerdict?.passed, attempt.hiddenVerdict.passed])).toEqual([
      [0, false, false],
      [1, true, true],
    ]);
    const feedback = attempts[1]!.feedback!;
    expect(feedback.representation).toBe("concise");
    expect(feedback.traces).toHaveLength(1);
    expect(feedback.traces[0]).toMatchObject({ testId: "public-0", input: { kind: "call", call: "sum_list([1, 2])" }, expected: "3", outcome: "returned" });
    expect(feedback.traces[0]!.events).toBeGreaterThan(3);
    const prompt = lastUserMessage(requests[1]!);
    expect(prompt).toContain("[INPUT] sum_list([1, 2]) [/INPUT]");
    expect(prompt).toContain("[L3] x=2 [/L3]\n[L4] total=2 [/L4]");
    expect(prompt).not.toContain("[[1, 2]]");
    // The second prompt continues the conversation: the first prompt, the model's answer, the feedback.
    expect(requests[1]!.body.messages.map((message) => message.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(requests[1]!.body.messages[2]!.content).toBe(fence(harness.problems.get("fixture/sum_list")!.candidate!));
    expect(
      outcomes.map(({ budget, selectedPassed, n, c, llmCalls, promptTokens, completionTokens }) => ({
        budget,
        selectedPassed,
        n,
        c,
        llmCalls,
        promptTokens,
        completionTokens,
      })),
    ).toEqual([
      { budget: 1, selectedPassed: false, n: 1, c: 0, llmCalls: 1, promptTokens: 10, completionTokens: 5 },
      { budget: 2, selectedPassed: true, n: 1, c: 1, llmCalls: 2, promptTokens: 20, completionTokens: 10 },
      { budget: 3, selectedPassed: true, n: 1, c: 1, llmCalls: 2, promptTokens: 20, completionTokens: 10 },
    ]);
  });

  it("traces an MBPP-style assert test on its own call, not on the input wrapped in a list", async () => {
    chooser = debugsInOneRound;
    const { attempts, requests } = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/add_pairs", { feedbackKind: "trace:next" });
    const trace = attempts[1]!.feedback!.traces[0]!;
    expect(trace).toMatchObject({ testId: "prompt-0", input: { kind: "call", call: "add_pairs([1, 2])" }, expected: "3", outcome: "returned" });
    expect(trace.events).toBeGreaterThan(0);
    const prompt = lastUserMessage(requests[1]!);
    expect(prompt).toContain("add_pairs([1, 2])");
    expect(prompt).not.toContain("add_pairs([[1, 2]])");
    expect(prompt).toContain("pair=[1, 2]");
  });

  it("gives the test facts without a trace for `tests`, and the program alone for `none`", async () => {
    chooser = debugsInOneRound;
    const tests = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/sum_list", { feedbackKind: "tests" });
    const text = tests.attempts[1]!.feedback!.text;
    expect(text).toContain("Test 1: sum_list([1, 2])\nExpected: 3\nActual: 2");
    expect(text).not.toContain("[L");
    const none = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/sum_list", { feedbackKind: "none" });
    const feedback = none.attempts[1]!.feedback!;
    expect(feedback.traces).toEqual([]);
    expect(feedback.text.trim()).toBe(harness.problems.get("fixture/sum_list")!.candidate!.trim());
  });

  it("shows every failing public test and a runtime error with its line", async () => {
    chooser = ({ problem, unit }) =>
      fence(unit.round === 0 ? "def running_max(xs):\n    best = xs[0]\n    return [max(best, x) for x in xs[1:]] + None\n" : problem.reference!);
    const { attempts } = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "tests" });
    const feedback = attempts[1]!.feedback!;
    expect(feedback.traces.map((trace) => trace.testId)).toEqual(["public-0", "public-1"]);
    expect(feedback.text).toContain("Actual: raised TypeError");
    expect(feedback.text).toContain("(line 3)");
  });

  it("answers an answer without code with a note, and stops as soon as the public tests pass", async () => {
    chooser = ({ problem, unit }) => (unit.round === 0 ? "I am not sure how to do this." : fence(problem.reference!));
    const { attempts } = await run(createSelfDebugStrategy({ rounds: [4] }), "fixture/count_vowels", { feedbackKind: "trace:concise" });
    expect(attempts).toHaveLength(2);
    expect(attempts[0]!.answer).toBeUndefined();
    expect(attempts[0]!.hiddenVerdict.loadError?.type).toBe("NoAnswer");
    expect(attempts[1]!.feedback!.text).toBe(NO_CODE_FEEDBACK);
  });

  it("resumes from its journal without asking the model again", async () => {
    chooser = debugsInOneRound;
    const journal = createMemoryJournal();
    const first = await run(createSelfDebugStrategy({ rounds: [3] }), "fixture/second_largest", { feedbackKind: "trace:concise", journal });
    expect(first.requests).toHaveLength(2);
    const again = await run(createSelfDebugStrategy({ rounds: [3] }), "fixture/second_largest", {
      feedbackKind: "trace:concise",
      journal: createMemoryJournal(journal.attempts()),
    });
    expect(again.requests).toHaveLength(0);
    expect(again.outcomes).toEqual(first.outcomes);
  });

  it("falls back to a smaller representation when the trace cannot fit the budget, and says why", async () => {
    chooser = debugsInOneRound;
    const tokenizer = await loadTokenizer("o200k_base");
    const feedback = createFeedbackBuilder({ runtime: harness.runtime, tokenizer, budget: 60 });
    const { attempts } = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "trace:codeexecutor", feedback });
    const record = attempts[1]!.feedback!;
    expect(record.representation).not.toBe("codeexecutor");
    expect(record.fallback).toMatch(/over the budget of 60/);
    expect(record.kind).toBe("trace:codeexecutor");
  });
});

describe("feedback that compares failing runs with others", () => {
  it("traces the passing public tests for representations that need them, and only for those", async () => {
    chooser = debugsInOneRound;
    const { attempts } = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "trace:divergence" });
    const feedback = attempts[1]!.feedback!;
    expect(feedback.representation).toBe("divergence");
    expect(feedback.traces.map((trace) => [trace.testId, trace.role])).toEqual([
      ["public-1", undefined],
      ["public-0", "passing"],
    ]);
    expect(feedback.text).toContain("Test 1: running_max([-2, -5, -1])");
    expect(feedback.text).toContain("Compared with the passing test running_max([3, 1, 4]): the same path for 5 steps.");
    expect(feedback.text).toContain("  this run: runs line 7 `out.append(best)`");
    expect(feedback.text).toContain("  x: -2 vs. 3");
    const sbfl = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "trace:sbfl" });
    expect(sbfl.attempts[1]!.feedback!.traces.map((trace) => trace.role)).toEqual([undefined, "passing"]);
    expect(sbfl.attempts[1]!.feedback!.text).toContain("# suspicious #1");
    const concise = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "trace:concise" });
    expect(concise.attempts[1]!.feedback!.traces.map((trace) => trace.testId)).toEqual(["public-1"]);
  });

  it("compares with the reference solution on the same input only when asked to", async () => {
    chooser = debugsInOneRound;
    const tokenizer = await loadTokenizer("o200k_base");
    const feedback = createFeedbackBuilder({ runtime: harness.runtime, tokenizer, budget: 2048, reference: true });
    const { attempts } = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "trace:divergence", feedback });
    const record = attempts[1]!.feedback!;
    expect(record.traces.map((trace) => [trace.testId, trace.role])).toEqual([
      ["public-1", undefined],
      ["public-1", "reference"],
      ["public-0", "passing"],
    ]);
    expect(record.text).toContain("Compared with the fixed program on the same input: the same steps for 2 steps.");
    expect(record.text).toContain("Values part at line 3 `best = 0`");
    expect(record.text).toContain("  best: 0 vs. None");
    const concise = await run(createSelfDebugStrategy({ rounds: [2] }), "fixture/running_max", { feedbackKind: "trace:concise", feedback });
    expect(concise.attempts[1]!.feedback!.traces.map((trace) => trace.role)).toEqual([undefined]);
  });
});

describe("parallel", () => {
  const wrongZero = "def sum_list(xs):\n    return 0\n";
  const wrongNegative = "def sum_list(xs):\n    return -1\n";
  const byChain =
    (programs: string[]): ProgramChooser =>
    ({ unit }) =>
      fence(programs[unit.chain]!);

  it("draws N samples and selects by oracle, public-filter and majority vote of public outputs", async () => {
    const reference = (await harness.context("fixture/sum_list")).problem.reference!;
    chooser = byChain([wrongZero, reference, wrongZero, wrongNegative]);
    const strategy = createParallelStrategy({ samples: [1, 4], selections: ["oracle", "public-filter", "majority"] });
    const { attempts, outcomes, requests } = await run(strategy, "fixture/sum_list", { sampling: { temperature: 0.8, seed: 0 } });
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((request) => request.body.seed)).size).toBe(4);
    expect(requests.every((request) => request.body.temperature === 0.8)).toBe(true);
    expect(attempts.map((attempt) => attempt.hiddenVerdict.passed)).toEqual([false, true, false, false]);
    const summary = outcomes.map(({ strategy: label, budget, n, c, selected, selectedPassed, llmCalls }) => ({
      label,
      budget,
      n,
      c,
      chain: selected?.chain,
      selectedPassed,
      llmCalls,
    }));
    expect(summary).toEqual([
      { label: "parallel/oracle", budget: 1, n: 1, c: 0, chain: 0, selectedPassed: false, llmCalls: 1 },
      { label: "parallel/public-filter", budget: 1, n: 1, c: 0, chain: 0, selectedPassed: false, llmCalls: 1 },
      { label: "parallel/majority", budget: 1, n: 1, c: 0, chain: 0, selectedPassed: false, llmCalls: 1 },
      { label: "parallel/oracle", budget: 4, n: 4, c: 1, chain: 1, selectedPassed: true, llmCalls: 4 },
      { label: "parallel/public-filter", budget: 4, n: 4, c: 1, chain: 1, selectedPassed: true, llmCalls: 4 },
      { label: "parallel/majority", budget: 4, n: 4, c: 1, chain: 0, selectedPassed: false, llmCalls: 4 },
    ]);
  });

  it("gives repair prompts the feedback on the problem's buggy candidate", async () => {
    chooser = ({ problem }) => fence(problem.reference!);
    const { attempts, requests } = await run(createParallelStrategy({ samples: [2], selections: ["oracle"] }), "fixture/sum_list", {
      taskName: "repair",
      feedbackKind: "trace:concise",
    });
    expect(requests).toHaveLength(2);
    const prompt = lastUserMessage(requests[0]!);
    expect(prompt).toContain("for x in xs[1:]:");
    expect(prompt).toContain("[INPUT] sum_list([1, 2]) [/INPUT]");
    expect(attempts.every((attempt: Attempt) => attempt.feedback?.kind === "trace:concise" && attempt.hiddenVerdict.passed)).toBe(true);
  });

  it("votes on prediction texts for output prediction", async () => {
    const problem = REVERSE_PROBLEM;
    const answers = [
      "[ANSWER] assert f('abc') == 'abc!' [/ANSWER]",
      "[ANSWER] assert f('abc') == 'cba!' [/ANSWER]",
      "[ANSWER] assert f('abc') == \"cba!\" [/ANSWER]",
      "[ANSWER]'cba!'[/ANSWER]",
    ];
    harness.problems.set(problem.id, problem);
    chooser = ({ unit }) => answers[unit.chain]!;
    const context = await harness.context(problem.id, {
      task: await loadTask("predict-output"),
      judge: createPredictionJudge(harness.runtime, "predict-output"),
    });
    const { outcomes, attempts } = await createParallelStrategy({ samples: [4], selections: ["majority", "oracle"] }).run(context);
    expect(attempts.map((attempt) => attempt.answer)).toEqual(["'abc!'", "'cba!'", '"cba!"', "'cba!'"]);
    expect(attempts.map((attempt) => attempt.hiddenVerdict.passed)).toEqual([false, true, true, true]);
    // Majority votes on the answer text: the two 'cba!' answers outvote the others.
    expect(outcomes.map((outcome) => [outcome.strategy, outcome.selected?.chain, outcome.selectedPassed, outcome.c])).toEqual([
      ["parallel/majority", 1, true, 3],
      ["parallel/oracle", 1, true, 3],
    ]);
  });
});

describe("revision", () => {
  it("runs n chains of up to R rounds and selects over every round of every chain", async () => {
    // Chain 0 is fixed in round 1; chain 1 stays wrong.
    chooser = ({ problem, unit }) => fence(unit.chain === 0 && unit.round === 1 ? problem.reference! : problem.candidate!);
    const strategy = createRevisionStrategy({ chains: [1, 2], rounds: [1, 2], selections: ["oracle", "public-filter"] });
    const { attempts, outcomes } = await run(strategy, "fixture/second_largest", { feedbackKind: "trace:concise", sampling: { temperature: 0.8, seed: 0 } });
    expect(attempts.map((attempt) => [attempt.chain, attempt.round, attempt.hiddenVerdict.passed])).toEqual([
      [0, 0, false],
      [0, 1, true],
      [1, 0, false],
      [1, 1, false],
    ]);
    const byLabel = Object.fromEntries(
      outcomes.map((outcome) => [`${outcome.strategy}@${outcome.budget}`, [outcome.n, outcome.c, outcome.selectedPassed, outcome.llmCalls]]),
    );
    expect(byLabel).toEqual({
      "revision/1-rounds/oracle@1": [1, 0, false, 1],
      "revision/1-rounds/public-filter@1": [1, 0, false, 1],
      "revision/1-rounds/oracle@2": [2, 0, false, 2],
      "revision/1-rounds/public-filter@2": [2, 0, false, 2],
      "revision/2-rounds/oracle@2": [2, 1, true, 2],
      "revision/2-rounds/public-filter@2": [2, 1, true, 2],
      "revision/2-rounds/oracle@4": [4, 1, true, 4],
      "revision/2-rounds/public-filter@4": [4, 1, true, 4],
    });
  });

  it("refuses tasks without public tests to give feedback on", async () => {
    const context = await harness.context("fixture/sum_list", { task: await loadTask("predict-output") });
    await expect(createRevisionStrategy({ chains: [1], rounds: [2], selections: ["oracle"] }).run(context)).rejects.toThrow(/needs public tests/);
  });
});

describe("feedback kinds", () => {
  it("maps none, tests and trace:<representation>, and names the valid kinds otherwise", () => {
    expect(feedbackRepresentation("none")).toBe("none");
    expect(feedbackRepresentation("tests")).toBe("tests");
    expect(feedbackRepresentation("trace:semcoder")).toBe("semcoder");
    expect(feedbackRepresentation("trace:slice")).toBe("slice");
    expect(() => feedbackRepresentation("trace:tests")).toThrow(/trace:next, trace:codeexecutor/);
    expect(() => feedbackRepresentation("concise")).toThrow(/unknown feedback "concise"/);
  });
});

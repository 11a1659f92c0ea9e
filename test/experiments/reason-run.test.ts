/**
 * `semtrace run` on the reason-* tasks: questions built from a real trace are the benchmark,
 * the scripted server answers as two models (one always right, one always wrong), and the
 * reasoning judge scores every answer in the Pyodide sandbox.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { registerReasonCommand } from "../../src/cli/reason.js";
import { toJsonl } from "../../src/core/jsonl.js";
import { loadRunRecords } from "../../src/experiments/records.js";
import { buildQuestions, type ReasonQuestion } from "../../src/reasoning/index.js";
import { createRuntime } from "../../src/runtime/index.js";
import { REASON_TASK_NAMES } from "../../src/tasks/task.js";
import { runCommand } from "../cli/in-process.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";
import { answerText } from "../reasoning/answer-texts.js";
import { LOOP_PROBLEM } from "../reasoning/programs.js";
import { fixtureSpec, runCli, writeSpec } from "./fixture-run.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-reason-run-"));
const questionsPath = join(folder, "questions.jsonl");
let questions: ReasonQuestion[];
let server: ScriptedOpenAiServer;

beforeAll(async () => {
  const runtime = createRuntime("pyodide", { poolSize: 1 });
  try {
    questions = (await buildQuestions(runtime, [LOOP_PROBLEM], { perProgram: 2, seed: 3 })).questions;
  } finally {
    await runtime.close();
  }
  writeFileSync(questionsPath, toJsonl(questions));
  // The question text is unique per question; model "right" answers it right, "wrong" wrong.
  server = await startScriptedOpenAiServer({
    responder: ({ body }) => {
      const prompt = body.messages.at(-1)!.content;
      const question = questions.find((candidate) => prompt.includes(candidate.question))!;
      return { choices: [answerText(question, body.model === "right")] };
    },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("semtrace run: reason-* tasks", () => {
  it.each(REASON_TASK_NAMES)("%s: right answers score 100%%, wrong ones 0", async (name) => {
    const model = (fixtureSpec(server.baseUrl).models as Record<string, unknown>[])[0]!;
    const specPath = writeSpec(folder, `${name}.yaml`, {
      ...fixtureSpec(server.baseUrl),
      name,
      benchmark: { name: "reason-questions", path: questionsPath },
      task: { name },
      models: [
        { ...model, id: "openai:right" },
        { ...model, id: "openai:wrong" },
      ],
      representations: ["none"],
      strategies: [{ kind: "parallel", samples: 1, temperature: 0 }],
    });
    const out = join(folder, name);
    const result = await runCli("run", specPath, "--out", out);
    expect(result.exitCode).toBe(0);
    const asked = questions
      .filter((question) => `reason-${question.task}` === name)
      .map((question) => question.id)
      .sort();
    expect(asked.length).toBeGreaterThan(0);
    const { records } = loadRunRecords(out);
    for (const [label, passed] of [
      ["openai:right", true],
      ["openai:wrong", false],
    ] as const) {
      const ofModel = records.filter((record) => record.model === label);
      expect(ofModel.map((record) => record.taskId).sort()).toEqual(asked);
      expect(ofModel.every((record) => record.selectedPassed === passed)).toBe(true);
    }
  });

  const scoreSchema = z.object({
    tasks: z.record(z.string(), z.object({ accuracy: z.number(), answered: z.number(), f1: z.number().optional() })),
    consistency: z.object({ score: z.number(), chains: z.number() }),
  });

  it("reason score --run scores one model's first answers from the four runs, consistency included", async () => {
    const runs = REASON_TASK_NAMES.map((name) => join(folder, name));
    const score = async (...flags: string[]) => {
      const result = await runCommand(registerReasonCommand, ["reason", "score", "--questions", questionsPath, "--run", ...runs, ...flags, "--json"]);
      process.exitCode = undefined;
      return result;
    };
    const right = scoreSchema.parse(JSON.parse((await score("--model", "openai:right")).stdout));
    expect(Object.values(right.tasks).map((task) => task.accuracy)).toEqual([1, 1, 1, 1]);
    expect(right.tasks.coverage?.f1).toBe(1);
    expect(right.consistency.chains).toBeGreaterThan(0);
    expect(right.consistency.score).toBe(1);
    const wrong = scoreSchema.parse(JSON.parse((await score("--model", "openai:wrong")).stdout));
    expect(Object.values(wrong.tasks).map((task) => [task.accuracy, task.answered])).toEqual(Object.values(right.tasks).map((task) => [0, task.answered]));
    const unnamed = await score();
    expect(unnamed.exitCode).toBe(2);
    expect(unnamed.stderr).toContain("2 models (openai:right, openai:wrong): choose one with --model");
  });
});

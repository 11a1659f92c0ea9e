/**
 * Real components for strategy tests: the fixture problems, the Pyodide runtime and evaluator,
 * and the scripted OpenAI-compatible server behind the real openai backend.
 */
import { join } from "node:path";
import type { Problem } from "../../src/core/problem.js";
import { loadGeneric } from "../../src/datasets/generic.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import type { Backend } from "../../src/models/backend.js";
import { createOpenAiBackend } from "../../src/models/openai-backend.js";
import { loadTokenizer } from "../../src/representations/tokenizers/index.js";
import { createRuntime } from "../../src/runtime/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { createFeedbackBuilder } from "../../src/scaling/feedback.js";
import { createMemoryJournal, type Journal } from "../../src/scaling/journal.js";
import { createProgramJudge, type Judge } from "../../src/scaling/judge.js";
import type { UnitKey } from "../../src/scaling/attempt.js";
import { type StrategyContext, deriveSeed } from "../../src/scaling/strategy.js";
import { loadTask, type TaskName } from "../../src/tasks/task.js";
import { type ScriptedChatRequest, type ScriptedOpenAiServer, type ScriptedResponder, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";

export const FIXTURES = join(import.meta.dirname, "..", "fixtures", "experiments");

export async function loadFixtureProblems(): Promise<Map<string, Problem>> {
  const problems = await loadGeneric({ path: join(FIXTURES, "problems.jsonl") });
  return new Map(problems.map((problem) => [problem.id, problem]));
}

/** The answer text for a request, chosen by problem and unit (found from the request seed). */
export type ProgramChooser = (request: { problem: Problem; unit: UnitKey & { seed: number }; body: ScriptedChatRequest["body"] }) => string;

export function fence(program: string): string {
  return "Here is the program.\n```python\n" + program + "```\n";
}

/** The unit a request seed was derived from (experiment seeds 0-3, chains and rounds 0-7). */
export function unitOfSeed(requestSeed: number | undefined): UnitKey & { seed: number } {
  for (let seed = 0; seed < 4; seed += 1) {
    for (let chain = 0; chain < 8; chain += 1) {
      for (let round = 0; round < 8; round += 1) {
        if (deriveSeed(seed, { chain, round }) === requestSeed) return { seed, chain, round };
      }
    }
  }
  throw new Error(`request seed ${requestSeed} matches no unit`);
}

/** A responder that finds the problem whose prompt the request's first user message quotes. */
export function createProblemResponder(problems: ReadonlyMap<string, Problem>, choose: ProgramChooser): ScriptedResponder {
  return (request) => {
    const first = request.body.messages.find((message) => message.role === "user")!.content;
    const problem = [...problems.values()].find((candidate) => first.includes(candidate.prompt.trimEnd()));
    if (problem === undefined) throw new Error(`no known problem in ${first.slice(0, 200)}`);
    return { choices: [choose({ problem, unit: unitOfSeed(request.body.seed), body: request.body })] };
  };
}

export interface Harness {
  runtime: Runtime;
  judge: Judge;
  server: ScriptedOpenAiServer;
  backend: Backend;
  problems: Map<string, Problem>;
  context(problemId: string, options?: Partial<StrategyContext> & { taskName?: TaskName }): Promise<StrategyContext>;
  close(): Promise<void>;
}

export async function startHarness(choose: ProgramChooser): Promise<Harness> {
  const problems = await loadFixtureProblems();
  const runtime = createRuntime("pyodide", { poolSize: 1 });
  const judge = createProgramJudge(createEvaluator(runtime));
  const tokenizer = await loadTokenizer("o200k_base");
  const server = await startScriptedOpenAiServer({ responder: createProblemResponder(problems, choose) });
  const backend = createOpenAiBackend({ model: "scripted", baseUrls: server.baseUrl, retryBaseDelayMs: 5, retryMaxDelayMs: 20 }, {});
  return {
    runtime,
    judge,
    server,
    backend,
    problems,
    async context(problemId, options = {}) {
      const { taskName, ...overrides } = options;
      return {
        problem: problems.get(problemId)!,
        task: await loadTask(taskName ?? "generate"),
        backend,
        judge,
        feedback: createFeedbackBuilder({ runtime, tokenizer, budget: 2048 }),
        feedbackKind: "tests",
        journal: createMemoryJournal() as Journal,
        sampling: { temperature: 0, seed: 0 },
        ...overrides,
      };
    },
    async close() {
      await backend.close();
      await server.close();
      await runtime.close();
    },
  };
}

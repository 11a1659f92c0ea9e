/**
 * Every registry has one shape and takes a library user's entries: each custom entry below is
 * then reached through the path a built-in one is (render, createBackend, loadBenchmark, the
 * experiment spec and plan, createRuntime).
 */
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../src/core/errors.js";
import type { Problem } from "../../src/core/problem.js";
import { createRegistry } from "../../src/core/registry.js";
import { benchmarks, loadBenchmark } from "../../src/datasets/registry.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import { planExperiment } from "../../src/experiments/plan.js";
import { summarizeSpec } from "../../src/experiments/records.js";
import { parseExperimentSpec } from "../../src/experiments/spec.js";
import { backendProviders, createBackend } from "../../src/models/registry.js";
import { emptyClipReport } from "../../src/representations/clip.js";
import { getRepresentation, render, representations } from "../../src/representations/registry.js";
import { createRuntime, runtimes } from "../../src/runtime/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { createStrategy, strategies } from "../../src/scaling/registry.js";
import { createParallelStrategy } from "../../src/scaling/parallel.js";
import type { StrategyDefinition } from "../../src/scaling/strategy.js";
import { SUM_PROGRAM, sumTrace } from "../trace/trace-builder.js";

describe("createRegistry", () => {
  const colors = createRegistry<{ name: string; hex: string }>({ kind: "color", entries: [{ name: "red", hex: "f00" }] });

  it("registers, gets, lists and answers has", () => {
    colors.register({ name: "blue", hex: "00f" });
    expect(colors.get("blue").hex).toBe("00f");
    expect(colors.has("red")).toBe(true);
    expect(colors.has("green")).toBe(false);
    expect(colors.names()).toEqual(["red", "blue"]);
    expect(colors.list().map((color) => color.hex)).toEqual(["f00", "00f"]);
  });

  it("names the known entries for an unknown one, and refuses a taken name", () => {
    expect(() => colors.get("green")).toThrow(ConfigError);
    expect(() => colors.get("green")).toThrow('unknown color "green": expected red, blue');
    expect(() => colors.register({ name: "red", hex: "e00" })).toThrow('color "red" is already registered');
    expect(colors.get("red").hex).toBe("f00");
  });

  it("is the registry of every plug-in kind", () => {
    expect([runtimes, representations, backendProviders, strategies, benchmarks].map((registry) => registry.kind)).toEqual([
      "runtime",
      "representation",
      "model provider",
      "strategy",
      "benchmark",
    ]);
    expect(() => createRuntime("jython")).toThrow('unknown runtime "jython": expected pyodide, cpython');
    expect(() => getRepresentation("nexts")).toThrow(/^unknown representation "nexts": expected none, tests, next,/);
  });
});

describe("a library user's entries", () => {
  let counted: Runtime | undefined;
  afterAll(() => counted?.close());

  it("a representation renders through render()", () => {
    representations.register({
      name: "line-count",
      description: "how many events the trace has",
      usesTrace: true,
      defaults: {},
      render: (input) => ({ text: input.tests.map((test) => `${test.trace.events.length} events`).join("\n"), clipped: emptyClipReport() }),
    });
    const input = { program: SUM_PROGRAM, tests: [{ trace: sumTrace([1, 2]) }] };
    expect(render("line-count", input).text).toBe(`${sumTrace([1, 2]).events.length} events`);
    expect(() => representations.register(getRepresentation("concise"))).toThrow(ConfigError);
  });

  it("a model provider answers through createBackend()", async () => {
    backendProviders.register({
      name: "echo",
      create: async (model) => ({
        id: `echo:${model}`,
        complete: async (request) => ({
          choices: [{ text: `${model}: ${request.messages.at(-1)?.content ?? ""}`, finishReason: "stop" }],
          usage: { promptTokens: 1, completionTokens: 1 },
          cached: false,
          latencyMs: 0,
          model,
        }),
        close: async () => {},
      }),
    });
    const backend = await createBackend("echo:parrot");
    const response = await backend.complete({ messages: [{ role: "user", content: "hi" }], metadata: { taskId: "t", round: 0 } });
    expect(response.choices[0]?.text).toBe("parrot: hi");
  });

  it("a benchmark loads through loadBenchmark()", async () => {
    const problem: Problem = { id: "toy/1", source: { dataset: "toy", version: "1" }, prompt: "", entryPoint: "f", tests: [] };
    benchmarks.register({ name: "toy", description: "one toy problem", load: async () => [problem] });
    expect(await loadBenchmark("toy")).toEqual([problem]);
  });

  it("a strategy is a spec entry kind, planned by what its Strategy says of feedback", () => {
    const entry = z.strictObject({
      kind: z.literal("twice"),
      label: z.string().optional(),
      temperature: z.array(z.number()).default([0.5]),
      feedback: z.boolean(),
    });
    const twice: StrategyDefinition<z.output<typeof entry>> = {
      name: "twice",
      entry,
      create: (options) => ({ ...createParallelStrategy({ samples: [2], selections: ["oracle"] }), name: "twice", usesFeedback: options.feedback }),
      describe: (options) => `feedback=${options.feedback}`,
    };
    strategies.register(twice);
    const spec = parseExperimentSpec({
      version: 1,
      benchmark: { name: "toy" },
      models: [{ id: "echo:parrot" }],
      representations: ["tests", "trace:concise"],
      strategies: [
        { kind: "twice", feedback: true },
        { kind: "twice", label: "plain", feedback: false },
      ],
    });
    expect(spec.strategies[0]).toEqual({ kind: "twice", feedback: true, temperature: [0.5] });
    expect(createStrategy(spec.strategies[0]!).name).toBe("twice");
    const plan = planExperiment(spec, ["toy/1"]);
    expect(plan.configs.map((config) => config.key)).toEqual([
      "echo:parrot|twice|T=0.5|tests",
      "echo:parrot|twice|T=0.5|trace:concise",
      "echo:parrot|plain|T=0.5|none",
    ]);
    expect(summarizeSpec(spec).strategies).toEqual(["twice (feedback=true)", "plain (feedback=false)"]);
    expect(() => parseExperimentSpec({ ...spec, version: 1, strategies: [{ kind: "twice", feedback: "yes" }] })).toThrow(/strategies\.0\.feedback/);
    expect(() => parseExperimentSpec({ ...spec, version: 1, strategies: [{ kind: "thrice" }] })).toThrow(
      /unknown strategy "thrice": expected parallel, selfdebug, revision, twice at strategies\.0\.kind/,
    );
  });

  it("a runtime judges programs through createRuntime()", async () => {
    let executed = 0;
    runtimes.register({
      name: "counted",
      create: (options) => {
        const inner = createRuntime("pyodide", options);
        return {
          name: inner.name,
          trace: (request) => inner.trace(request),
          execute: (request) => {
            executed += 1;
            return inner.execute(request);
          },
          runScript: (request) => inner.runScript(request),
          close: () => inner.close(),
        };
      },
    });
    counted = createRuntime("counted", { poolSize: 1 });
    const problem: Problem = {
      id: "double/0",
      source: { dataset: "toy", version: "1" },
      prompt: "def double(x):\n",
      entryPoint: "double",
      tests: [{ kind: "io", id: "t0", args: "2", expected: "4", visibility: "hidden", group: "base" }],
    };
    const verdict = await createEvaluator(counted).evaluate(problem, "def double(x):\n    return x * 2\n");
    expect(verdict.passed).toBe(true);
    expect(executed).toBeGreaterThan(0);
  });
});

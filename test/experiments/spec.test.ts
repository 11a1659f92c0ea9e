import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { planExperiment } from "../../src/experiments/plan.js";
import { experimentSpecJsonSchema, loadExperimentSpec, parseExperimentSpec } from "../../src/experiments/spec.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "examples", "experiments");

const minimal = {
  version: 1,
  benchmark: { name: "humaneval+" },
  models: [{ id: "openai:Qwen/Qwen2.5-Coder-7B-Instruct", baseUrls: "http://127.0.0.1:8000/v1" }],
  strategies: [{ kind: "selfdebug", rounds: 3 }],
};

function issuesOf(value: unknown): { path: string; message: string }[] {
  try {
    parseExperimentSpec(value, "spec.yaml");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("the spec was accepted");
}

describe("experiment spec", () => {
  it("fills every default and turns single grid values into lists", () => {
    const spec = parseExperimentSpec(minimal);
    expect(spec.task).toEqual({ name: "generate" });
    expect(spec.representations).toEqual(["tests"]);
    expect(spec.feedback).toMatchObject({ budget: 2048, tokenizer: "o200k_base", maxTests: 3, maxPassing: 5, reference: false });
    expect(spec.strategies[0]).toEqual({ kind: "selfdebug", rounds: [3], temperature: [0] });
    expect(spec.seeds).toEqual([0]);
    expect(spec.runtime).toEqual({ name: "pyodide", unsafeNoIsolation: false });
    expect(spec.concurrency).toBe(4);
  });

  it("names a wrong key and where it is", () => {
    expect(issuesOf({ ...minimal, seed: [1] })).toEqual([{ path: "(root)", message: expect.stringContaining('"seed"') }]);
    const nested = issuesOf({ ...minimal, strategies: [{ kind: "selfdebug", rounds: 2, temprature: 0.2 }] });
    expect(nested).toEqual([{ path: "strategies.0", message: expect.stringContaining('"temprature"') }]);
  });

  it("rejects unknown feedback, feedback strategies for predictions, duplicate labels and unknown providers", () => {
    expect(issuesOf({ ...minimal, representations: ["tests", "trace:fancy"] })).toEqual([
      { path: "representations.1", message: expect.stringContaining("trace:concise") },
    ]);
    expect(issuesOf({ ...minimal, task: { name: "predict-output" } })).toEqual([
      { path: "strategies.0.kind", message: expect.stringContaining("use parallel") },
    ]);
    expect(issuesOf({ ...minimal, task: { name: "reason-state" } })).toEqual([
      { path: "strategies.0.kind", message: expect.stringContaining("task reason-state has no public tests") },
    ]);
    expect(
      issuesOf({
        ...minimal,
        strategies: [
          { kind: "selfdebug", rounds: 2 },
          { kind: "selfdebug", rounds: 3 },
        ],
      })[0]?.path,
    ).toBe("strategies.1.label");
    expect(issuesOf({ ...minimal, models: [{ id: "anthropic:claude" }] })[0]?.path).toBe("models.0.id");
  });

  it("publishes a JSON Schema of what a user writes", () => {
    const schema = experimentSpecJsonSchema() as { required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown };
    expect(schema.required).toEqual(expect.arrayContaining(["version", "benchmark", "models", "strategies"]));
    expect(schema.required).not.toContain("seeds");
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(["representations", "feedback", "strategies", "seeds"]));
    expect(schema.additionalProperties).toBe(false);
  });

  it("plans one configuration per model, strategy entry, temperature and representation", () => {
    const spec = parseExperimentSpec({
      ...minimal,
      representations: ["tests", "trace:concise"],
      strategies: [
        { kind: "selfdebug", rounds: [1, 2] },
        { kind: "parallel", samples: [1, 4], temperature: [0.2, 0.8] },
      ],
      seeds: [0, 1],
    });
    const plan = planExperiment(spec, ["a", "b", "c"]);
    expect(plan.configs.map((config) => config.key)).toEqual([
      "openai:Qwen/Qwen2.5-Coder-7B-Instruct|selfdebug|T=0|tests",
      "openai:Qwen/Qwen2.5-Coder-7B-Instruct|selfdebug|T=0|trace:concise",
      "openai:Qwen/Qwen2.5-Coder-7B-Instruct|parallel|T=0.2|none",
      "openai:Qwen/Qwen2.5-Coder-7B-Instruct|parallel|T=0.8|none",
    ]);
    expect(plan.configs.map((config) => config.labelSuffix)).toEqual(["", "", "/T=0.2", "/T=0.8"]);
    expect(plan.cells).toHaveLength(4 * 2 * 3);
  });

  it("accepts every shipped example", async () => {
    const files = readdirSync(EXAMPLES).filter((file) => file.endsWith(".yaml"));
    expect(files).toEqual(expect.arrayContaining(["replay-selfdebug.yaml", "vllm-mbpp-selfdebug.yaml"]));
    for (const file of files) {
      const { spec, hash } = await loadExperimentSpec(join(EXAMPLES, file));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      expect(spec.strategies.length).toBeGreaterThan(0);
    }
  });

  it("points at the line of a YAML syntax error", async () => {
    const folder = mkdtempSync(join(tmpdir(), "semtrace-spec-"));
    try {
      const path = join(folder, "bad.yaml");
      writeFileSync(path, "version: 1\nbenchmark:\n  name: [humaneval+\nmodels: []\n");
      await expect(loadExperimentSpec(path)).rejects.toThrow(new RegExp(`${path}:\\d+ is not valid YAML`));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

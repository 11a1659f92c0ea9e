import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { z } from "zod";
import type { Problem } from "../../src/core/problem.js";
import { loadBenchmark } from "../../src/datasets/index.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import { buildSftDataset } from "../../src/export/build/sft-build.js";
import { parseSftBuildConfig } from "../../src/export/build/sft-config.js";
import { createExportJsonSchemas } from "../../src/export/json-schemas.js";
import { sharegptRecordSchema } from "../../src/export/llama-factory-schemas.js";
import { parseRepairPairs } from "../../src/pairs/repair-pair.js";
import { REPRESENTATION_NAMES } from "../../src/representations/representation.js";
import { extractCode } from "../../src/tasks/extract.js";
import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";
import { readJsonlValues, useTemporaryDirectories } from "./helpers.js";
import { describeWithRealData } from "../helpers/requirements.js";

const DATA = join(import.meta.dirname, "../../../shared/data");
const temporaryDirectory = useTemporaryDirectories();

describeWithRealData(["candidates"], "an SFT build from the real candidate pools", () => {
  const runtime = createPyodideRuntime({ poolSize: 2 });
  afterAll(() => runtime.close());

  it("mines both pools, keeps the same pairs in every representation, and every target fixes its pair", async () => {
    const humaneval = Array.from({ length: 10 }, (_, index) => `HumanEval/${index}`);
    const mbpp = ["Mbpp/11", "Mbpp/12", "Mbpp/14", "Mbpp/16", "Mbpp/17", "Mbpp/18", "Mbpp/19", "Mbpp/20", "Mbpp/56", "Mbpp/57"];
    const config = parseSftBuildConfig({
      version: 1,
      sources: [
        { kind: "candidates", benchmark: "humaneval", tasks: humaneval },
        { kind: "candidates", benchmark: "mbpp", tasks: mbpp },
      ],
      mining: { fix: "closest-passing", fallbackToReference: true },
    });
    const out = await temporaryDirectory();
    const result = await buildSftDataset(config, { outDir: out, dataDir: DATA, runtime });
    const pairs = parseRepairPairs(readFileSync(join(out, "pairs.jsonl"), "utf8"), "pairs.jsonl");
    expect(new Set(pairs.map((pair) => pair.benchmark))).toEqual(new Set(["humaneval+", "mbpp+"]));
    // Reflexion's pool holds function bodies: completed with their prompts, they parse.
    expect(result.dropped["not-kept:syntax-error"] ?? 0).toBeLessThan(5);

    const record = z.fromJSONSchema(createExportJsonSchemas()["llama-factory-sharegpt-record.schema.json"] as z.core.JSONSchema.JSONSchema);
    const ids = z.record(z.string(), z.array(z.string())).parse(JSON.parse(readFileSync(join(out, "splits.json"), "utf8")));
    for (const [split, splitIds] of Object.entries(ids)) {
      for (const representation of REPRESENTATION_NAMES) {
        const values = readJsonlValues(join(out, `${representation}.${split}.jsonl`));
        expect(values).toHaveLength(splitIds.length);
        for (const value of values) expect(record.safeParse(value).success).toBe(true);
      }
    }

    const problems = new Map<string, Problem>();
    for (const [benchmark, tasks] of [
      ["humaneval+", humaneval],
      ["mbpp+", mbpp],
    ] as const) {
      for (const problem of await loadBenchmark(benchmark, { dataDir: DATA, tasks: [...tasks] })) problems.set(`${benchmark}|${problem.id}`, problem);
    }
    const evaluators = new Map([
      ["humaneval+", createEvaluator(runtime)],
      ["mbpp+", createEvaluator(runtime)],
    ]);
    const byId = new Map(pairs.map((pair) => [pair.id, pair]));
    const lines = Object.entries(ids).flatMap(([split, splitIds]) =>
      readJsonlValues(join(out, `concise.${split}.jsonl`)).map((value, index) => ({
        id: splitIds[index] as string,
        record: sharegptRecordSchema.parse(value),
      })),
    );
    expect(lines.length).toBeGreaterThan(0);
    for (const { id, record: line } of lines) {
      const pair = byId.get(id);
      expect(pair).toBeDefined();
      const problem = problems.get(`${pair?.benchmark}|${pair?.problemId}`) as Problem;
      const code = extractCode(line.conversations[1]?.value ?? "") ?? "";
      const evaluator = evaluators.get(pair?.benchmark ?? "")!;
      expect((await evaluator.evaluate(problem, code, { visibility: "hidden" })).passed, id).toBe(true);
    }
  });
});

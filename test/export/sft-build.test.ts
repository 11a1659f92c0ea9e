import { readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Problem } from "../../src/core/problem.js";
import { createEvaluator } from "../../src/evaluation/evaluator.js";
import { buildSftDataset, type SftBuildResult } from "../../src/export/build/sft-build.js";
import { loadSftBuildConfig, parseSftBuildConfig, type SftBuildConfig } from "../../src/export/build/sft-config.js";
import { createExportJsonSchemas } from "../../src/export/json-schemas.js";
import { sharegptRecordSchema, type SharegptRecord } from "../../src/export/llama-factory-schemas.js";
import { sftManifestSchema } from "../../src/export/manifest.js";
import { parseRepairPairs, type RepairPair } from "../../src/pairs/repair-pair.js";
import { REPRESENTATION_NAMES } from "../../src/representations/representation.js";
import { loadTokenizer } from "../../src/representations/tokenizers/index.js";
import { extractCode } from "../../src/tasks/extract.js";
import { createPyodideRuntime } from "../../src/runtime/pyodide/pyodide-runtime.js";
import { loadFixtureProblems, SFT_FIXTURES } from "../pairs/sft-fixture.js";
import { readJsonlValues, useTemporaryDirectories } from "./helpers.js";

const runtime = createPyodideRuntime({ poolSize: 2 });
const temporaryDirectory = useTemporaryDirectories();
const SLUGS = ["sim-ge-0.75", "sim-lt-0.75", "random"];

let config: SftBuildConfig;
let problems: Map<string, Problem>;
let first: { directory: string; result: SftBuildResult };
/** A folder that outlives the per-test cleanup, for the main build the tests share. */
let shared: string;

async function build(configuration: SftBuildConfig, outDir: string): Promise<SftBuildResult> {
  return buildSftDataset(configuration, { outDir, configDirectory: SFT_FIXTURES, runtime });
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((path) => statSync(join(directory, path)).isFile())
    .sort();
}

function records(directory: string, representation: string, split: string): SharegptRecord[] {
  return readJsonlValues(join(directory, `${representation}.${split}.jsonl`)).map((value) => sharegptRecordSchema.parse(value));
}

/** What the cutoff counts: the system message and the prompt. */
function promptText(record: SharegptRecord): string[] {
  return [record.system ?? "", record.conversations[0]?.value ?? ""];
}

function splitIds(directory: string): Record<string, string[]> {
  return z.record(z.string(), z.array(z.string())).parse(JSON.parse(readFileSync(join(directory, "splits.json"), "utf8")));
}

function pairsOf(directory: string): RepairPair[] {
  return parseRepairPairs(readFileSync(join(directory, "pairs.jsonl"), "utf8"), "pairs.jsonl");
}

beforeAll(async () => {
  ({ config } = await loadSftBuildConfig(join(SFT_FIXTURES, "build.yaml")));
  problems = await loadFixtureProblems();
  shared = await mkdtemp(join(tmpdir(), "semtrace-sft-"));
  first = { directory: shared, result: await build(config, shared) };
});
afterAll(async () => {
  await runtime.close();
  await rm(shared, { recursive: true, force: true });
});

describe("the fixture SFT build", () => {
  it("writes every file: sharegpt per representation and split, dataset_info, YAMLs, OpenAI, TRL, pairs, manifest", () => {
    const names = REPRESENTATION_NAMES.flatMap((representation) => SLUGS.map((split) => `${representation}.${split}`));
    const expected = [
      ...names.map((name) => `${name}.jsonl`),
      ...names.map((name) => `${name}.lora.yaml`),
      ...names.map((name) => `openai/${name}.jsonl`),
      ...names.map((name) => `trl/${name}.jsonl`),
      "dataset_info.json",
      "dropped-pairs.jsonl",
      "manifest.json",
      "pairs.jsonl",
      "splits.json",
    ].sort();
    expect(listFiles(first.directory)).toEqual(expected);
    expect(first.result.files).toEqual(expected);
    expect(first.result.keptPairs).toBeGreaterThanOrEqual(8);
  });

  it("writes LLaMA-Factory files that the published JSON Schemas accept, and YAMLs naming them", () => {
    const schemas = createExportJsonSchemas();
    const record = z.fromJSONSchema(schemas["llama-factory-sharegpt-record.schema.json"] as z.core.JSONSchema.JSONSchema);
    const info = z.fromJSONSchema(schemas["llama-factory-dataset-info.schema.json"] as z.core.JSONSchema.JSONSchema);
    const datasetInfo = JSON.parse(readFileSync(join(first.directory, "dataset_info.json"), "utf8")) as Record<string, { file_name: string }>;
    expect(info.safeParse(datasetInfo).success).toBe(true);
    expect(Object.keys(datasetInfo)).toHaveLength(REPRESENTATION_NAMES.length * SLUGS.length);
    for (const [name, entry] of Object.entries(datasetInfo)) {
      const values = readJsonlValues(join(first.directory, entry.file_name));
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(record.safeParse(value).success).toBe(true);
      const yaml = parseYaml(readFileSync(join(first.directory, `${name}.lora.yaml`), "utf8")) as Record<string, unknown>;
      expect(yaml).toMatchObject({ dataset: name, dataset_dir: "data/sft", finetuning_type: "lora", template: "qwen" });
    }
  });

  it("holds the same pairs in the same order in every representation of a split, with the same targets", () => {
    const ids = splitIds(first.directory);
    expect(Object.keys(ids)).toEqual(SLUGS);
    for (const split of SLUGS) {
      const splitPairs = ids[split] ?? [];
      expect(splitPairs.length).toBe(first.result.splits[split]);
      expect([...splitPairs].sort()).toEqual(splitPairs);
      const targets = (representation: string) => records(first.directory, representation, split).map((record) => record.conversations[1]?.value);
      for (const representation of REPRESENTATION_NAMES) {
        expect(records(first.directory, representation, split)).toHaveLength(splitPairs.length);
        expect(targets(representation)).toEqual(targets("none"));
        const openai = readJsonlValues(join(first.directory, "openai", `${representation}.${split}.jsonl`));
        const trl = readJsonlValues(join(first.directory, "trl", `${representation}.${split}.jsonl`));
        expect(openai).toHaveLength(splitPairs.length);
        expect(trl).toEqual(openai);
      }
    }
  });

  it("targets fix their pairs: every exported target passes all of its pair's tests, and every buggy program fails", async () => {
    const evaluator = createEvaluator(runtime, { minTimeoutMs: 500 });
    const pairs = new Map(pairsOf(first.directory).map((pair) => [pair.id, pair]));
    const ids = splitIds(first.directory);
    let checked = 0;
    for (const split of SLUGS) {
      for (const representation of REPRESENTATION_NAMES) {
        const lines = records(first.directory, representation, split);
        for (const [index, record] of lines.entries()) {
          const pair = pairs.get(ids[split]?.[index] ?? "") as RepairPair;
          const code = extractCode(record.conversations[1]?.value ?? "");
          expect(code?.trimEnd()).toBe(pair.fixed.trimEnd());
          if (representation !== "none") continue;
          const problem = problems.get(pair.problemId) as Problem;
          expect((await evaluator.evaluate(problem, code ?? "", { visibility: "hidden" })).passed).toBe(true);
          expect((await evaluator.evaluate(problem, pair.buggy, { visibility: "hidden" })).passed).toBe(false);
          checked += 1;
        }
      }
    }
    expect(checked).toBe(Object.values(ids).flat().length);
  });

  it("traces the failing test's own call, its arguments not wrapped in a list", () => {
    const ids = splitIds(first.directory);
    const pairs = pairsOf(first.directory);
    const allIds = Object.values(ids).flat();
    const listPair = pairs.find((pair) => pair.problemId === "toy/running_max" && allIds.includes(pair.id)) as RepairPair;
    expect(listPair).toBeDefined();
    const [split, index] = Object.entries(ids).flatMap(([name, list]) => (list.includes(listPair.id) ? [[name, list.indexOf(listPair.id)] as const] : []))[0]!;
    const prompt = records(first.directory, "tests", split)[index]?.conversations[0]?.value ?? "";
    const args = listPair.failingTests[0]?.input as string;
    expect(args.startsWith("[")).toBe(true);
    expect(prompt).toContain(`running_max(${args})`);
    expect(prompt).not.toContain(`running_max([${args}])`);
  });

  it("writes a manifest that its schema accepts, with counts per split and drops per reason", () => {
    const manifest = sftManifestSchema.parse(JSON.parse(readFileSync(join(first.directory, "manifest.json"), "utf8")));
    expect(manifest.pairCounts).toEqual({ kept: first.result.keptPairs, ...first.result.splits });
    expect(manifest.droppedPairs).toMatchObject({ "not-kept:syntax-error": 1, "not-kept:timeout": 1, "duplicate-buggy": 1 });
    expect(Object.keys(manifest.tokenStatistics)).toEqual([...REPRESENTATION_NAMES].sort());
    expect(manifest.versions).toMatchObject({ runtime: "pyodide" });
    expect(manifest.similarityHistogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(first.result.keptPairs);
  });

  it("writes byte-identical files when run again, into the same or another folder", async () => {
    const snapshot = new Map(listFiles(first.directory).map((path) => [path, readFileSync(join(first.directory, path))]));
    await build(config, first.directory);
    const other = await temporaryDirectory();
    await build(config, other);
    for (const directory of [first.directory, other]) {
      expect(listFiles(directory)).toEqual([...snapshot.keys()]);
      for (const [path, bytes] of snapshot) expect(readFileSync(join(directory, path)).equals(bytes), path).toBe(true);
    }
  });
});

describe("fair comparison under the cutoff", () => {
  it("keeps a pair only if its prompt fits in every representation", async () => {
    const representations = ["none", "tests", "concise", "semcoder"] as const;
    const generous = parseSftBuildConfig({
      version: 1,
      sources: [{ kind: "pairs", path: join(first.directory, "pairs.jsonl") }],
      representations,
      prompt: { fit: false },
      cutoff: { tokens: 100_000 },
    });
    const tokenizer = await loadTokenizer("o200k_base");
    const generousDirectory = await temporaryDirectory();
    await build(generous, generousDirectory);
    const promptTokens = (representation: string): number[] =>
      records(generousDirectory, representation, "random").map((record) => promptText(record).reduce((sum, text) => sum + tokenizer.count(text), 0));
    const longest = Math.max(...promptTokens("semcoder"));
    const shortest = Math.min(...promptTokens("semcoder"));
    expect(longest).toBeGreaterThan(shortest);

    const tight = parseSftBuildConfig({ ...generous, cutoff: { tokens: Math.floor((longest + shortest) / 2) } });
    const directory = await temporaryDirectory();
    const result = await build(tight, directory);
    expect(result.keptPairs).toBeLessThan(first.result.keptPairs);
    expect(Object.keys(result.dropped).every((reason) => reason.startsWith("over-cutoff:"))).toBe(true);
    const drops = readJsonlValues(join(directory, "dropped-pairs.jsonl")) as { id: string; reason: string }[];
    expect(drops).toHaveLength(first.result.keptPairs - result.keptPairs);
    expect(drops.every((drop) => !Object.values(splitIds(directory)).flat().includes(drop.id))).toBe(true);
    const ids = splitIds(directory);
    for (const split of SLUGS) {
      for (const representation of representations) {
        const lines = records(directory, representation, split);
        expect(lines).toHaveLength(ids[split]?.length ?? -1);
        for (const record of lines) {
          expect(promptText(record).reduce((sum, text) => sum + tokenizer.count(text), 0)).toBeLessThanOrEqual(tight.cutoff.tokens);
        }
      }
    }
  });

  it("with fitting, shrinks renderings instead of dropping pairs", async () => {
    const representations = ["none", "semcoder", "ldb"] as const;
    const base = { version: 1, sources: [{ kind: "pairs", path: join(first.directory, "pairs.jsonl") }], representations } as const;
    const tokenizer = await loadTokenizer("o200k_base");
    const loose = await temporaryDirectory();
    await build(parseSftBuildConfig({ ...base, prompt: { fit: false }, cutoff: { tokens: 100_000 } }), loose);
    const ldbTokens = records(loose, "ldb", "random").map((record) => promptText(record).reduce((sum, text) => sum + tokenizer.count(text), 0));
    const cutoff = Math.max(...ldbTokens) - 20;
    const unfitted = await build(parseSftBuildConfig({ ...base, prompt: { fit: false }, cutoff: { tokens: cutoff } }), await temporaryDirectory());
    const fitted = await build(parseSftBuildConfig({ ...base, prompt: { fit: true }, cutoff: { tokens: cutoff } }), await temporaryDirectory());
    expect(fitted.keptPairs).toBeGreaterThan(unfitted.keptPairs);
  });
});

describe("representations that compare runs", () => {
  it("builds divergence against the fixed program on the same input when prompt.reference asks, and without it otherwise", async () => {
    const base = { version: 1, sources: [{ kind: "pairs", path: join(first.directory, "pairs.jsonl") }], representations: ["divergence", "sbfl"] } as const;
    const against = await temporaryDirectory();
    const result = await build(parseSftBuildConfig({ ...base, prompt: { reference: true } }), against);
    expect(result.representations).toEqual(["divergence", "sbfl"]);
    const prompts = records(against, "divergence", "random").map((record) => record.conversations[0]!.value);
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts.every((prompt) => prompt.includes("Compared with the fixed program on the same input"))).toBe(true);
    expect(prompts.some((prompt) => prompt.includes("# <- diverges (test 1"))).toBe(true);
    const plain = await temporaryDirectory();
    await build(parseSftBuildConfig(base), plain);
    const unaided = records(plain, "divergence", "random").map((record) => record.conversations[0]!.value);
    expect(unaided.every((prompt) => prompt.includes("Divergence: no passing test or fixed program to compare with."))).toBe(true);
  });
});

describe("the rationale slot", () => {
  it("puts a pair's rationale before the target's code, and drops pairs without one", async () => {
    const pairs = pairsOf(first.directory);
    const directory = await temporaryDirectory();
    const rationaleFile = join(directory, "rationales.jsonl");
    const explained = pairs.filter((_, index) => index % 2 === 0);
    await writeFile(rationaleFile, explained.map((pair) => JSON.stringify({ pairId: pair.id, rationale: `Why ${pair.id} fails.` }) + "\n").join(""));
    const result = await build(
      parseSftBuildConfig({
        version: 1,
        sources: [{ kind: "pairs", path: join(first.directory, "pairs.jsonl") }],
        representations: ["none"],
        rationale: { file: rationaleFile, position: "target" },
      }),
      join(directory, "out"),
    );
    expect(result.dropped["no-rationale"]).toBe(pairs.length - explained.length);
    const ids = splitIds(join(directory, "out"));
    records(join(directory, "out"), "none", "random").forEach((record, index) => {
      expect(record.conversations[1]?.value.startsWith(`Why ${ids.random?.[index]} fails.\n\n\`\`\`python\n`)).toBe(true);
    });
  });
});

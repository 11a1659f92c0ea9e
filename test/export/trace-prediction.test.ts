/**
 * The trace-prediction SFT build on self-written programs: every kept target replays against a
 * fresh trace, what cannot be a target is dropped and counted, and every trainer format parses.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildSftDataset, type SftBuildResult } from "../../src/export/build/sft-build.js";
import { parseSftBuildConfig, type SftBuildConfigInput } from "../../src/export/build/sft-config.js";
import { verifySftBuild } from "../../src/export/build/sft-verify.js";
import { executionRecordSchema } from "../../src/export/build/trace-prediction.js";
import { FRAMES_HEADER, TRACE_TARGET_FORMATS, replayTarget } from "../../src/export/build/trace-targets.js";
import { sharegptRecordSchema } from "../../src/export/llama-factory-schemas.js";
import { sftManifestSchema } from "../../src/export/manifest.js";
import { sftMessageSchema } from "../../src/export/sft-example.js";
import { createRuntime } from "../../src/runtime/index.js";
import { readJsonlValues, useTemporaryDirectories } from "./helpers.js";
import { runSftCommand } from "./sft-cli.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "trace-prediction");
const runtime = createRuntime("pyodide", { poolSize: 2 });
const temporaryDirectory = useTemporaryDirectories();
/** The main build's folder outlives the per-test cleanup: every test reads it. */
const shared = mkdtempSync(join(tmpdir(), "semtrace-trace-prediction-"));
afterAll(async () => {
  await runtime.close();
  rmSync(shared, { recursive: true, force: true });
});

const configInput: SftBuildConfigInput = {
  version: 1,
  task: "trace-prediction",
  seed: 3,
  sources: [{ kind: "programs", benchmark: "generic", benchmarkFile: "programs.jsonl", inputsPerProgram: 2 }],
  tracePrediction: { maxSteps: 100, testFraction: 0.25 },
  cutoff: { tokens: 4096 },
};
const config = parseSftBuildConfig(configInput);
const build = (outDir: string) => buildSftDataset(config, { outDir, configDirectory: FIXTURES, runtime });

let outDir: string;
let result: SftBuildResult;
beforeAll(async () => {
  outDir = join(shared, "first");
  result = await build(outDir);
});

const openAiRecord = z.strictObject({ messages: z.array(sftMessageSchema).min(3) });

describe("sft build: trace prediction", () => {
  it("keeps the executions that replay in every format, and counts the others by reason", () => {
    expect(result).toMatchObject({ task: "trace-prediction", collectedPairs: 6, keptPairs: 4, representations: [...TRACE_TARGET_FORMATS] });
    expect(result.dropped).toEqual({ "no-function-reference": 1, "over-max-steps": 1, "replay-failed:scratchpad": 1 });
    expect(readJsonlValues(join(outDir, "dropped-executions.jsonl"))).toEqual([
      { id: "long@t0", reason: "over-max-steps" },
      { id: "warn@t0", reason: "replay-failed:scratchpad" },
    ]);
    const splits = z.record(z.string(), z.array(z.string())).parse(JSON.parse(readFileSync(join(outDir, "splits.json"), "utf8")));
    expect([...splits.train!, ...splits.test!].sort()).toEqual(["loop@t0", "loop@t1", "never@t0", "raise@t0"]);
    // Splits are by program: both inputs of loop sit on the same side.
    expect(splits.test).toHaveLength(1);
    expect(result.splits).toEqual({ train: 3, test: 1 });
  });

  it("writes chats whose prompt is the numbered program and the call, and whose targets replay against a fresh trace", async () => {
    const executions = readJsonlValues(join(outDir, "executions.jsonl")).map((value) => executionRecordSchema.parse(value));
    const splits = z.record(z.string(), z.array(z.string())).parse(JSON.parse(readFileSync(join(outDir, "splits.json"), "utf8")));
    for (const format of TRACE_TARGET_FORMATS) {
      for (const split of ["train", "test"]) {
        const records = readJsonlValues(join(outDir, `${format}.${split}.jsonl`)).map((value) => sharegptRecordSchema.parse(value));
        expect(records).toHaveLength(splits[split]!.length);
        for (const [index, record] of records.entries()) {
          const execution = executions.find((candidate) => candidate.id === splits[split]![index])!;
          const [prompt, target] = [record.conversations[0]!.value, record.conversations.at(-1)!.value];
          expect(prompt).toContain(`\`${execution.call}\``);
          expect(prompt).toMatch(/^ ?1 \| def /m);
          const trace = await runtime.trace({ program: execution.program, input: { kind: "call", call: execution.call } });
          expect(replayTarget(format, target, trace, execution.program)).toEqual({ ok: true });
        }
      }
    }
    const frames = readJsonlValues(join(outDir, "frames.train.jsonl")).map((value) => sharegptRecordSchema.parse(value));
    expect(frames[0]!.conversations.at(-1)!.value.split("\n")[0]).toBe(FRAMES_HEADER);
  });

  it("writes the OpenAI and TRL files with the same chats, and documents the formats", () => {
    for (const format of TRACE_TARGET_FORMATS) {
      const sharegpt = readJsonlValues(join(outDir, `${format}.train.jsonl`)).map((value) => sharegptRecordSchema.parse(value));
      const openai = readJsonlValues(join(outDir, "openai", `${format}.train.jsonl`)).map((value) => openAiRecord.parse(value));
      const trl = readJsonlValues(join(outDir, "trl", `${format}.train.jsonl`)).map((value) => openAiRecord.parse(value));
      expect(trl).toEqual(openai);
      expect(openai.map((record) => record.messages.at(-1)!.content)).toEqual(sharegpt.map((record) => record.conversations.at(-1)!.value));
      expect(openai.every((record) => record.messages[0]!.role === "system" && record.messages.at(-1)!.role === "assistant")).toBe(true);
    }
    const formats = readFileSync(join(outDir, "trace-formats.md"), "utf8");
    for (const format of TRACE_TARGET_FORMATS) expect(formats).toContain(`## ${format}`);
    expect(formats).toContain(FRAMES_HEADER);
    const manifest = sftManifestSchema.parse(JSON.parse(readFileSync(join(outDir, "manifest.json"), "utf8")));
    expect(manifest.pairCounts).toEqual({ kept: 4, test: 1, train: 3 });
    expect(Object.keys(manifest.tokenStatistics).sort()).toEqual([...TRACE_TARGET_FORMATS].sort());
  });

  it("rebuilds byte-identical files", async () => {
    const again = join(await temporaryDirectory(), "again");
    const second = await build(again);
    expect(second.files).toEqual(result.files);
    for (const file of result.files) expect(readFileSync(join(again, file), "utf8"), file).toBe(readFileSync(join(outDir, file), "utf8"));
  });

  it("sft verify replays every target against a new trace, and names a tampered one", async () => {
    const verified = await verifySftBuild(outDir, { runtime });
    expect(verified).toMatchObject({ targets: 12, passed: 12, programs: 4, failures: [] });
    const tampered = join(await temporaryDirectory(), "tampered");
    cpSync(outDir, tampered, { recursive: true });
    const file = join(tampered, "monologue.train.jsonl");
    writeFileSync(file, readFileSync(file, "utf8").replace("total = 10.", "total = 12."));
    const result = await verifySftBuild(tampered, { runtime });
    expect(result.passed).toBe(11);
    expect(result.failures).toEqual([
      {
        file: "monologue.train.jsonl",
        index: expect.any(Number),
        pairId: expect.stringMatching(/^loop@/),
        verdict: expect.stringContaining("does not replay: step 5"),
      },
    ]);
  });

  it("drops a chat over the cutoff, and refuses sources of the other task", async () => {
    const small = parseSftBuildConfig({ ...configInput, cutoff: { tokens: 200 }, tracePrediction: { formats: ["frames"] } });
    const tight = await buildSftDataset(small, { outDir: await temporaryDirectory(), configDirectory: FIXTURES, runtime });
    expect(tight.dropped["over-cutoff:frames"]).toBeGreaterThan(0);
    expect(() => parseSftBuildConfig({ ...configInput, sources: [{ kind: "pairs", path: "pairs.jsonl" }] })).toThrow(
      /task trace-prediction reads programs sources, not pairs at sources.0.kind/,
    );
    expect(() => parseSftBuildConfig({ ...configInput, task: "repair" })).toThrow(
      /task repair reads candidates, samples, mutation or pairs sources, not programs/,
    );
    expect(() => parseSftBuildConfig({ ...configInput, rationale: { position: "target" } })).toThrow(/task trace-prediction has no rationale slot/);
  });

  it("semtrace sft build prints the executions kept and dropped per format", async () => {
    const result = await runSftCommand(["build", join(FIXTURES, "build.yaml"), "--out", await temporaryDirectory()]);
    process.exitCode = undefined;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("6 executions traced, 4 replay and fit the cutoff in all 3 formats");
    expect(result.stdout).toContain("per split (each format: scratchpad, monologue, frames):");
    expect(result.stdout).toMatch(/replay-failed:scratchpad +1/);
  });
});

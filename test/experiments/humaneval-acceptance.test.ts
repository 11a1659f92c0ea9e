/**
 * Acceptance on real data (skipped when ../shared/data is absent): the codellama answers of
 * the HumanEval candidate pool are replayed as round 0, the scripted server is the model for
 * the feedback rounds, and the run covers all 164 HumanEval+ tasks (base tests, to keep the
 * test short) under three feedback representations.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { loadHumanEvalPlus } from "../../src/datasets/humaneval-plus.js";
import { loadRunRecords } from "../../src/experiments/records.js";
import { startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";
import { createProblemResponder, fence } from "../scaling/strategy-harness.js";
import { queryStore, runCli, writeSpec } from "./fixture-run.js";
import { describeWithRealData } from "../helpers/requirements.js";

const DATA = join(import.meta.dirname, "..", "..", "..", "shared", "data");
const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "experiments", "replay-selfdebug.yaml");
const folder = mkdtempSync(join(tmpdir(), "semtrace-acceptance-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const REPRESENTATIONS = ["tests", "trace:concise", "trace:next"];

describeWithRealData(["candidates/humaneval/codellama.jsonl"], "HumanEval+ selfdebug with replayed codellama answers", () => {
  it("completes all 164 tasks and reports every representation", { timeout: 300_000 }, async () => {
    const problems = await loadHumanEvalPlus({ dataDir: DATA });
    const byId = new Map(problems.map((problem) => [problem.id, problem]));
    const fixed = new Set(problems.filter((_, index) => index % 2 === 0).map((problem) => problem.id));
    // Feedback rounds: even tasks get the reference solution, odd ones get their previous answer back.
    const server = await startScriptedOpenAiServer({
      responder: createProblemResponder(byId, ({ problem, body }) =>
        fixed.has(problem.id) ? fence(problem.reference!) : body.messages.filter((message) => message.role === "assistant").at(-1)!.content,
      ),
    });
    try {
      const specPath = writeSpec(folder, "humaneval.yaml", {
        version: 1,
        name: "humaneval-selfdebug-acceptance",
        benchmark: { name: "humaneval+", groups: ["base"] },
        models: [{ id: "openai:scripted", baseUrls: server.baseUrl, initial: "replay:candidates/humaneval/codellama.jsonl", cache: false }],
        representations: REPRESENTATIONS,
        strategies: [{ kind: "selfdebug", rounds: [1, 2] }],
        concurrency: 8,
      });
      const out = join(folder, "run");
      const run = await runCli("run", specPath, "--data-dir", DATA, "--out", out, "--json");
      expect(run.exitCode, run.stderr).toBe(0);
      expect(z.object({ total: z.number(), done: z.number(), failed: z.number() }).parse(JSON.parse(run.stdout))).toEqual(
        expect.objectContaining({ total: 492, done: 492, failed: 0 }),
      );
      const store = queryStore(out);
      try {
        expect(store.outcomes()).toBe(492);
        const feedbackRounds = z.array(z.object({ count: z.number() })).parse(store.rows("SELECT COUNT(*) AS count FROM units WHERE round = 1"))[0]!.count;
        expect(server.requests).toHaveLength(feedbackRounds);
        expect(feedbackRounds).toBeGreaterThan(30);
        expect(
          store.rows("SELECT COUNT(*) AS count FROM units WHERE round = 1 AND config_key LIKE '%trace:%' AND json_extract(feedback, '$.traces[0].events') = 0"),
        ).toEqual([{ count: 0 }]);
      } finally {
        store.close();
      }
      const report = await runCli("report", out);
      expect(report.exitCode, report.stderr).toBe(0);
      const markdown = readFileSync(join(out, "report", "report.md"), "utf8");
      for (const representation of REPRESENTATIONS) expect(markdown).toContain(`| ${representation} | 2 | 164 |`);
      const { records } = loadRunRecords(out);
      const rate = (budget: number) => records.filter((record) => record.budget === budget && record.selectedPassed).length;
      expect(rate(2)).toBeGreaterThan(rate(1));
    } finally {
      await server.close();
    }
  });

  it("runs the shipped replay example offline", { timeout: 120_000 }, async () => {
    const example = parseYaml(readFileSync(EXAMPLE, "utf8")) as { benchmark: Record<string, unknown> };
    const specPath = writeSpec(folder, "example.yaml", { ...example, benchmark: { ...example.benchmark, limit: 6 } });
    const out = join(folder, "example");
    const run = await runCli("run", specPath, "--data-dir", DATA, "--out", out);
    expect(run.exitCode, run.stderr).toBe(0);
    const { records } = loadRunRecords(out);
    expect(records).toHaveLength(6 * 3 * 2);
    expect(new Set(records.map((record) => record.representation))).toEqual(new Set(REPRESENTATIONS));
  });
});

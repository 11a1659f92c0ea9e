/**
 * `semtrace run` and `semtrace report` on the fixture problems: the scripted server is the
 * model, the Pyodide sandbox runs every test and trace, the store is real SQLite.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Problem } from "../../src/core/problem.js";
import { loadGeneric } from "../../src/datasets/generic.js";
import { loadRunRecords } from "../../src/experiments/records.js";
import { type ScriptedOpenAiServer, startScriptedOpenAiServer } from "../helpers/scripted-openai-server.js";
import { createProblemResponder, fence, loadFixtureProblems } from "../scaling/strategy-harness.js";
import { FIXTURES, fixtureSpec, queryStore, runCli, writeSpec } from "./fixture-run.js";

const folder = mkdtempSync(join(tmpdir(), "semtrace-run-"));
let server: ScriptedOpenAiServer;
let problems: Map<string, Problem>;

beforeAll(async () => {
  problems = await loadFixtureProblems();
  for (const problem of await loadGeneric({ path: join(FIXTURES, "predict.jsonl") })) problems.set(problem.id, problem);
  // Feedback turns get the reference; predictions get the right output on chain 0 only.
  server = await startScriptedOpenAiServer({
    responder: createProblemResponder(problems, ({ problem, unit }) =>
      problem.id.startsWith("crux/")
        ? `[ANSWER] assert f(x) == ${unit.chain === 0 ? problem.tests[0]!.kind === "io" && problem.tests[0]!.expected : "None"} [/ANSWER]`
        : fence(unit.round === 0 ? problem.candidate! : problem.reference!),
    ),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

const summarySchema = z.object({ total: z.number(), done: z.number(), resumed: z.number(), failed: z.number(), usage: z.object({ calls: z.number() }) });

describe("semtrace run: selfdebug with replayed round-0 answers", () => {
  const out = join(folder, "selfdebug");
  let specPath: string;

  it("runs every cell, asks the model only for feedback rounds, and stores every unit", async () => {
    specPath = writeSpec(
      folder,
      "selfdebug.yaml",
      fixtureSpec(server.baseUrl, {
        models: [{ ...(fixtureSpec(server.baseUrl).models as object[])[0], initial: `replay:${join(FIXTURES, "candidates.jsonl")}` }],
      }),
    );
    const before = server.requests.length;
    const result = await runCli("run", specPath, "--out", out, "--json");
    expect(result.stderr).toContain("6 tasks × 3 configurations × 1 seed(s) = 18 cells");
    expect(result.exitCode).toBe(0);
    const summary = summarySchema.parse(JSON.parse(result.stdout));
    expect(summary).toMatchObject({ total: 18, done: 18, resumed: 0, failed: 0 });
    // Four of the six candidates fail their public tests: one feedback round each, per representation.
    // (count_vowels passes its public test and fails a hidden one, so it gets no feedback.)
    expect(server.requests.length - before).toBe(12);
    expect(summary.usage.calls).toBe(18 + 12);
    const store = queryStore(out);
    try {
      expect(store.outcomes()).toBe(18);
      expect(store.units()).toBe(30);
      expect(store.rows("SELECT round, backend, COUNT(*) AS count FROM units GROUP BY round, backend ORDER BY round")).toEqual([
        { round: 0, backend: expect.stringMatching(/^replay:/), count: 18 },
        { round: 1, backend: "openai:scripted", count: 12 },
      ]);
      expect(
        store.rows("SELECT DISTINCT json_extract(feedback, '$.traces[0].input.call') AS call FROM units WHERE task_id = 'fixture/sum_list' AND round = 1"),
      ).toEqual([{ call: "sum_list([1, 2])" }]);
      expect(
        store.rows("SELECT COUNT(*) AS count FROM units WHERE round = 1 AND config_key LIKE '%trace:%' AND json_extract(feedback, '$.traces[0].events') = 0"),
      ).toEqual([{ count: 0 }]);
    } finally {
      store.close();
    }
  });

  it("reports every representation at every budget", async () => {
    const result = await runCli("report", out);
    expect(result.exitCode).toBe(0);
    const markdown = readFileSync(join(out, "report", "report.md"), "utf8");
    for (const representation of ["tests", "trace:concise", "trace:next"]) {
      expect(markdown).toMatch(new RegExp(`\\| ${representation.replace(".", "\\.")} \\| 1 \\| 6 \\| 1 \\| 16\\.7`));
      expect(markdown).toMatch(new RegExp(`\\| ${representation} \\| 2 \\| 6 \\| 1 \\| 83\\.3`));
    }
    expect(existsSync(join(out, "report", "report.html"))).toBe(true);
    const { records } = loadRunRecords(out);
    expect(records).toHaveLength(36);
    expect(new Set(records.map((record) => record.strategy))).toEqual(new Set(["selfdebug"]));
  });

  it("resumes a finished run without asking the model again, also with other operational settings", async () => {
    const before = server.requests.length;
    const original = fixtureSpec(server.baseUrl, {
      models: [
        {
          ...(fixtureSpec(server.baseUrl).models as object[])[0],
          initial: `replay:${join(FIXTURES, "candidates.jsonl")}`,
          maxRetries: 2,
          requestTimeoutMs: 9_000,
        },
      ],
    });
    const operational = writeSpec(folder, "operational.yaml", { ...original, concurrency: 1, runtime: { poolSize: 2 } });
    const result = await runCli("run", operational, "--out", out, "--json");
    expect(result.exitCode).toBe(0);
    expect(summarySchema.parse(JSON.parse(result.stdout))).toMatchObject({ total: 18, done: 18, resumed: 18, failed: 0 });
    expect(server.requests.length).toBe(before);
  });

  it("refuses to resume a run directory with a different spec", async () => {
    const changed = writeSpec(folder, "changed.yaml", { ...fixtureSpec(server.baseUrl), seeds: [1] });
    const result = await runCli("run", changed, "--out", out);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("holds a run of a different spec");
  });
});

describe("semtrace run: parallel output prediction", () => {
  it("samples N answers per task and reports each selection", async () => {
    const out = join(folder, "predict");
    const specPath = writeSpec(folder, "predict.yaml", {
      ...fixtureSpec(server.baseUrl),
      name: "fixture-predict",
      benchmark: { name: "generic", path: join(FIXTURES, "predict.jsonl") },
      task: { name: "predict-output", fewShot: { path: join(FIXTURES, "few-shot.yaml"), representation: "concise" } },
      strategies: [{ kind: "parallel", samples: [1, 3], temperature: 0.8, selection: ["oracle", "majority"] }],
    });
    expect((await runCli("run", specPath, "--out", out)).exitCode).toBe(0);
    const { records } = loadRunRecords(out);
    const summary = records.map(({ taskId, strategy, budget, n, c, selectedPassed }) => `${taskId} ${strategy} ${budget} ${n} ${c} ${selectedPassed}`).sort();
    expect(summary).toEqual([
      "crux/0 parallel/majority 1 1 1 true",
      "crux/0 parallel/majority 3 3 1 false",
      "crux/0 parallel/oracle 1 1 1 true",
      "crux/0 parallel/oracle 3 3 1 true",
      "crux/1 parallel/majority 1 1 1 true",
      "crux/1 parallel/majority 3 3 1 false",
      "crux/1 parallel/oracle 1 1 1 true",
      "crux/1 parallel/oracle 3 3 1 true",
    ]);
    expect(records.every((record) => record.representation === "none")).toBe(true);
    const store = queryStore(out);
    try {
      // Every prompt starts with the traced few-shot example.
      expect(store.rows("SELECT COUNT(*) AS count FROM units WHERE request LIKE '%[INPUT] f(4) [/INPUT]%[L4] total=%'")).toEqual([{ count: 6 }]);
    } finally {
      store.close();
    }
  });
});

describe("semtrace run: bad input", () => {
  it("names a wrong key in the spec and exits with 2", async () => {
    const specPath = writeSpec(folder, "typo.yaml", { ...fixtureSpec(server.baseUrl), strategy: [] });
    const result = await runCli("run", specPath, "--out", join(folder, "typo"));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Unrecognized key: "strategy"/);
  });

  it("says where a missing replay file was looked for", async () => {
    const spec = fixtureSpec(server.baseUrl, { models: [{ id: "replay:candidates/nowhere.jsonl" }] });
    const result = await runCli("run", writeSpec(folder, "missing.yaml", spec), "--out", join(folder, "missing"), "--data-dir", folder);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("replay file candidates/nowhere.jsonl is in no data folder");
  });
});

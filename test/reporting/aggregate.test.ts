import { writeFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { aggregateRecords } from "../../src/reporting/aggregate.js";
import { loadReportRecords, parseReportRecords, type ReportRecord } from "../../src/reporting/report-input.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/reporting/small-run.jsonl");
const BOOTSTRAP = { resamples: 500, seed: 11 };

function record(overrides: Partial<ReportRecord>): ReportRecord {
  return {
    taskId: "a",
    representation: "tests",
    strategy: "parallel",
    model: "openai:test/model",
    seed: 0,
    budget: 1,
    n: 1,
    c: 0,
    selectedPassed: false,
    llmCalls: 1,
    promptTokens: 10,
    completionTokens: 5,
    ...overrides,
  };
}

describe("aggregateRecords on the small fixture", () => {
  it("computes pass rates, pass@k and costs per cell", async () => {
    const data = aggregateRecords(await loadReportRecords(FIXTURE), { ks: [1, 4, 5], bootstrap: BOOTSTRAP });
    expect(data.cells.map((cell) => cell.representation)).toEqual(["tests", "trace:next"]);
    const [tests, next] = data.cells;
    expect(tests!.selected.estimate).toBe(0.5);
    expect(next!.selected.estimate).toBe(0.75);
    // pass@1 = mean c/n; pass@4 with n = 4 is "any sample passed"; pass@5 needs 5 samples.
    expect(tests!.passAtK.map((entry) => entry.interval?.estimate)).toEqual([0.3125, 0.5, undefined]);
    expect(next!.passAtK.map((entry) => entry.interval?.estimate)).toEqual([0.625, 1, undefined]);
    expect(next!.passAtK[1]!.interval).toEqual({ estimate: 1, lower: 1, upper: 1 });
    expect(tests).toMatchObject({ taskCount: 4, recordCount: 4, seeds: [0], llmCalls: 16, promptTokens: 400, completionTokens: 200 });
    expect(next!.promptTokens).toBe(1200);
    for (const cell of data.cells) {
      expect(cell.selected.lower).toBeLessThanOrEqual(cell.selected.estimate);
      expect(cell.selected.upper).toBeGreaterThanOrEqual(cell.selected.estimate);
    }
  });

  it("tests each representation against the baseline with McNemar on paired tasks", async () => {
    const data = aggregateRecords(await loadReportRecords(FIXTURE), { bootstrap: BOOTSTRAP });
    // t2 is solved only by the baseline (b = 1); t3 and t4 only by trace:next (c = 2).
    expect(data.comparisons).toEqual([
      {
        model: "openai:test/model",
        strategy: "parallel",
        budget: 4,
        seed: 0,
        representation: "trace:next",
        baseline: "tests",
        pairs: 4,
        b: 1,
        c: 2,
        baselinePassRate: 0.5,
        representationPassRate: 0.75,
        pValue: 1,
      },
    ]);
  });
});

describe("aggregateRecords", () => {
  it("averages over tasks within each seed, then over seeds", () => {
    // Seed 0: a passes, b fails (0.5); seed 1: only a, passing (1). Seed-then-task mean: 0.75.
    const data = aggregateRecords(
      [
        record({ taskId: "a", seed: 0, selectedPassed: true }),
        record({ taskId: "b", seed: 0, selectedPassed: false }),
        record({ taskId: "a", seed: 1, selectedPassed: true }),
      ],
      { bootstrap: BOOTSTRAP },
    );
    expect(data.cells[0]!.selected.estimate).toBe(0.75);
    expect(data.cells[0]).toMatchObject({ seeds: [0, 1], taskCount: 2, recordCount: 3 });
  });

  it("pairs only the tasks both representations ran, per seed", () => {
    const records = [
      record({ taskId: "a", seed: 0, representation: "tests", selectedPassed: false }),
      record({ taskId: "b", seed: 0, representation: "tests", selectedPassed: false }),
      record({ taskId: "a", seed: 0, representation: "trace:next", selectedPassed: true }),
      record({ taskId: "c", seed: 0, representation: "trace:next", selectedPassed: true }),
      record({ taskId: "a", seed: 1, representation: "tests", selectedPassed: true }),
      record({ taskId: "a", seed: 1, representation: "trace:next", selectedPassed: true }),
    ];
    const comparisons = aggregateRecords(records, { bootstrap: BOOTSTRAP }).comparisons;
    expect(comparisons.map(({ seed, pairs, b, c }) => ({ seed, pairs, b, c }))).toEqual([
      { seed: 0, pairs: 1, b: 0, c: 1 },
      { seed: 1, pairs: 1, b: 0, c: 0 },
    ]);
  });

  it("orders none and the baseline first, then names alphabetically, and budgets numerically", () => {
    const records = ["trace:next", "none", "trace:concise", "tests"].flatMap((representation) => [10, 2].map((budget) => record({ representation, budget })));
    const cells = aggregateRecords(records, { bootstrap: BOOTSTRAP }).cells;
    expect(cells.map((cell) => `${cell.representation}@${cell.budget}`)).toEqual([
      "none@2",
      "none@10",
      "tests@2",
      "tests@10",
      "trace:concise@2",
      "trace:concise@10",
      "trace:next@2",
      "trace:next@10",
    ]);
  });

  it("gives the same result whatever order the records come in", async () => {
    const records = await loadReportRecords(FIXTURE);
    const shuffled = [...records].reverse();
    expect(aggregateRecords(shuffled, { bootstrap: BOOTSTRAP })).toEqual(aggregateRecords(records, { bootstrap: BOOTSTRAP }));
  });

  it("makes no comparisons when the baseline is absent, and honours another baseline", async () => {
    const records = await loadReportRecords(FIXTURE);
    expect(aggregateRecords(records, { baseline: "none", bootstrap: BOOTSTRAP }).comparisons).toEqual([]);
    const reversed = aggregateRecords(records, { baseline: "trace:next", bootstrap: BOOTSTRAP }).comparisons;
    expect(reversed.map(({ representation, b, c }) => ({ representation, b, c }))).toEqual([{ representation: "tests", b: 2, c: 1 }]);
  });

  it("rejects k that is not a positive integer", () => {
    expect(() => aggregateRecords([record({})], { ks: [0] })).toThrow(RangeError);
  });
});

describe("report records", () => {
  it("rejects a record with more passing samples than samples, naming the field", () => {
    const error = catchError(() => parseReportRecords([record({ n: 2, c: 3 })]));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([{ path: "record 0.c", message: "c (passing samples) exceeds n (samples)" }]);
  });

  it("rejects duplicate outcomes for one task, configuration, seed and budget", () => {
    expect(() => parseReportRecords([record({}), record({ selectedPassed: true })])).toThrow(/repeats task a/);
  });

  it("names the file line of an invalid record", async () => {
    const directory = await mkdtemp(join(tmpdir(), "semtrace-report-"));
    const path = join(directory, "records.jsonl");
    await writeFile(path, `${JSON.stringify(record({}))}\n\n${JSON.stringify({ ...record({ taskId: "b" }), seed: "x" })}\n`);
    const error = await loadReportRecords(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues[0]!.path).toBe(`${path}:3.seed`);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

import { mkdtemp, readFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors.js";
import { aggregateRecords } from "../../src/reporting/aggregate.js";
import { createChartSpec, findChartFont, renderCharts } from "../../src/reporting/charts.js";
import { loadReportRecords } from "../../src/reporting/report-input.js";
import { writeReport, type ReportOptions } from "../../src/reporting/write-report.js";
import { createSyntheticRecords } from "./synthetic-records.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/reporting/small-run.jsonl");
const OPTIONS: ReportOptions = {
  title: "Repair with execution traces",
  config: { benchmark: "humaneval-plus", temperature: 0.8, representations: ["none", "tests", "trace:next"] },
  ks: [1, 4],
  bootstrap: { resamples: 300 },
};

async function temporaryDirectory(): Promise<string> {
  return mkdtemp(join(tmpdir(), "semtrace-report-"));
}

async function readTree(directory: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = new Map<string, Buffer>();
  for (const entry of entries.filter((item) => item.isFile())) {
    const path = join(entry.parentPath, entry.name);
    files.set(relative(directory, path), await readFile(path));
  }
  return files;
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe("writeReport", () => {
  it("writes the Markdown, HTML, CSV files and one chart per model and strategy", async () => {
    const directory = await temporaryDirectory();
    const files = await writeReport(await loadReportRecords(FIXTURE), directory, OPTIONS);
    expect(files.markdown).toBe(join(directory, "report.md"));
    expect(files.charts).toHaveLength(1);
    expect(files.charts[0]).toMatchObject({ model: "openai:test/model", strategy: "parallel" });

    const markdown = await readFile(files.markdown, "utf8");
    expect(markdown).toContain("# Repair with execution traces");
    expect(markdown).toContain("| representations | none, tests, trace:next |");
    expect(markdown).toContain("## Results: parallel");
    expect(markdown).toMatch(
      /\| trace:next \| 4 \| 4 \| 1 \| 75\.0 \[[\d.]+, [\d.]+\] \| 62\.5 \[[\d.]+, [\d.]+\] \| 100\.0 \[100\.0, 100\.0\] \| 4\.0 \| 300 \| 50 \|/,
    );
    expect(markdown).toContain("McNemar's exact test compares each representation with the tests baseline");
    expect(markdown).toContain("| parallel | 4 | 0 | trace:next | 4 | 50.0 | 75.0 | 1 | 2 | 1.000 |");
    expect(markdown).toContain("![openai:test/model · parallel](charts/openai-test-model--parallel.png)");
    expect(markdown).not.toContain("Generated:");

    const results = (await readFile(files.resultsCsv, "utf8")).trimEnd().split("\n");
    expect(results[0]).toBe(
      "model,strategy,representation,budget,tasks,seeds,records,selected_pass,selected_pass_lower,selected_pass_upper," +
        "pass_at_1,pass_at_1_lower,pass_at_1_upper,pass_at_4,pass_at_4_lower,pass_at_4_upper,llm_calls,prompt_tokens,completion_tokens",
    );
    expect(results).toHaveLength(3);
    expect(results[1]).toMatch(/^openai:test\/model,parallel,tests,4,4,0,4,0\.5,[\d.]+,[\d.]+,0\.3125,[\d.]+,[\d.]+,0\.5,[\d.]+,[\d.]+,16,400,200$/);
    expect(await readFile(files.significanceCsv, "utf8")).toBe(
      "model,strategy,budget,seed,representation,baseline,tasks,b,c,baseline_pass,representation_pass,p_value\n" +
        "openai:test/model,parallel,4,0,trace:next,tests,4,1,2,0.5,0.75,1\n",
    );

    const png = await readFile(files.charts[0]!.png);
    const svg = await readFile(files.charts[0]!.svg, "utf8");
    const svgWidth = Number(/^<svg[^>]*\swidth="(\d+)"/.exec(svg)![1]);
    expect(pngSize(png).width).toBe(2 * svgWidth);
    const spec = JSON.parse(await readFile(files.charts[0]!.spec, "utf8")) as { layer: unknown[] };
    expect(spec.layer).toHaveLength(2);
  });

  it("writes byte-identical files for the same input", async () => {
    const records = createSyntheticRecords({ tasks: 12 });
    const first = await temporaryDirectory();
    const second = await temporaryDirectory();
    await writeReport(records, first, OPTIONS);
    await writeReport([...records].reverse(), second, OPTIONS);
    const [left, right] = [await readTree(first), await readTree(second)];
    expect([...left.keys()].sort()).toEqual([...right.keys()].sort());
    expect(left.size).toBe(4 + 3 * 2);
    for (const [name, content] of left) expect(right.get(name)!.equals(content), name).toBe(true);
  });

  it("adds a model column when the run compares models, and prints generatedAt only when given", async () => {
    const records = await loadReportRecords(FIXTURE);
    const twoModels = [...records, ...records.map((item) => ({ ...item, model: "openai:other/model" }))];
    const files = await writeReport(twoModels, await temporaryDirectory(), { ...OPTIONS, generatedAt: "2025-01-02" });
    const markdown = await readFile(files.markdown, "utf8");
    expect(markdown).toContain("Generated: 2025-01-02");
    expect(markdown).toContain("| model | representation | budget |");
    expect(files.charts.map((chart) => chart.model)).toEqual(["openai:other/model", "openai:test/model"]);
  });

  it("refuses an empty run and invalid records", async () => {
    await expect(writeReport([], await temporaryDirectory())).rejects.toBeInstanceOf(ConfigError);
    const [first] = await loadReportRecords(FIXTURE);
    await expect(writeReport([{ ...first!, n: -1 }], await temporaryDirectory())).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("charts", () => {
  it("still draws the charts without fonts, and says that their text is missing", async () => {
    const data = aggregateRecords(await loadReportRecords(FIXTURE), { bootstrap: { resamples: 100 } });
    const font = findChartFont([await temporaryDirectory()]);
    expect(font).toEqual({ family: undefined, fontFileCount: 0 });
    const charts = await renderCharts(data, font);
    expect(charts.warnings).toEqual([expect.stringContaining("no font files found")]);
    expect(pngSize(charts.figures[0]!.png).width).toBeGreaterThan(0);
  });

  it("draws bands along a log budget axis for sample budgets, and error bars when there is one budget", async () => {
    const data = aggregateRecords(createSyntheticRecords({ tasks: 6 }), { bootstrap: { resamples: 100 } });
    const options = { representations: data.overview.representations, confidence: 0.9 };
    const parallel = createChartSpec(
      data.cells.filter((cell) => cell.strategy === "parallel"),
      options,
    ) as {
      title: { subtitle: string };
      layer: { mark: { type: string }; encoding: { x: { scale?: { type?: string } } } }[];
    };
    expect(parallel.layer.map((layer) => layer.mark.type)).toEqual(["errorband", "line"]);
    expect(parallel.layer[0]!.encoding.x.scale).toEqual({ type: "log", base: 2 });
    expect(parallel.title.subtitle).toContain("90% bootstrap CI");
    const single = createChartSpec(
      data.cells.filter((cell) => cell.strategy === "parallel" && cell.budget === 4),
      options,
    ) as { layer: { mark: { type: string }; encoding: { x: { field: string } } }[] };
    expect(single.layer.map((layer) => [layer.mark.type, layer.encoding.x.field])).toEqual([
      ["errorbar", "representation"],
      ["point", "representation"],
    ]);
  });
});

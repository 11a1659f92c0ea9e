import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ConfigError } from "../core/errors.js";
import { aggregateRecords, type AggregateOptions } from "./aggregate.js";
import { renderCharts } from "./charts.js";
import { renderHtmlReport } from "./html.js";
import { parseReportRecords, type ReportRecord } from "./report-input.js";
import { DEFAULT_ALPHA, renderMarkdownReport, renderResultsCsv, renderSignificanceCsv, type ConfigSummary, type ReportHeading } from "./tables.js";

export interface ReportOptions extends AggregateOptions {
  /** Default "Test-time scaling report". */
  title?: string;
  /** Run settings shown in the header (models, benchmark, temperature, ...), in the order given. */
  config?: ConfigSummary;
  /** Printed in the header only when given: the report has no clock of its own. */
  generatedAt?: string;
  /** Significance level marked in the tables; default 0.05. */
  alpha?: number;
}

export interface ChartFiles {
  model: string;
  strategy: string;
  png: string;
  svg: string;
  /** The Vega-Lite spec, to restyle the chart elsewhere. */
  spec: string;
}

export interface ReportFiles {
  markdown: string;
  html: string;
  resultsCsv: string;
  significanceCsv: string;
  charts: ChartFiles[];
  /** Degradations that did not stop the report, e.g. chart text missing for lack of fonts. */
  warnings: string[];
}

export const DEFAULT_REPORT_TITLE = "Test-time scaling report";

/**
 * Writes report.md, report.html, results.csv, significance.csv and charts/ into outDir.
 * The same records and options give byte-identical files.
 */
export async function writeReport(records: readonly ReportRecord[], outDir: string, options: ReportOptions = {}): Promise<ReportFiles> {
  const valid = parseReportRecords(records);
  if (valid.length === 0) throw new ConfigError("no records to report: the run has no finished attempts");
  const data = aggregateRecords(valid, options);
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const heading: ReportHeading = {
    title: options.title ?? DEFAULT_REPORT_TITLE,
    config: options.config ?? {},
    ...(options.generatedAt === undefined ? {} : { generatedAt: options.generatedAt }),
  };
  const rendered = await renderCharts(data);
  const directory = resolve(outDir);
  await mkdir(join(directory, "charts"), { recursive: true });
  const charts: ChartFiles[] = [];
  for (const figure of rendered.figures) {
    const files = {
      model: figure.model,
      strategy: figure.strategy,
      png: join(directory, "charts", `${figure.name}.png`),
      svg: join(directory, "charts", `${figure.name}.svg`),
      spec: join(directory, "charts", `${figure.name}.vl.json`),
    };
    await writeFile(files.png, figure.png);
    await writeFile(files.svg, figure.svg);
    await writeFile(files.spec, JSON.stringify(figure.spec, null, 2) + "\n");
    charts.push(files);
  }
  const links = rendered.figures.map((figure) => ({ title: figure.title, file: `charts/${figure.name}.png` }));
  const files: ReportFiles = {
    markdown: join(directory, "report.md"),
    html: join(directory, "report.html"),
    resultsCsv: join(directory, "results.csv"),
    significanceCsv: join(directory, "significance.csv"),
    charts,
    warnings: rendered.warnings,
  };
  await writeFile(files.markdown, renderMarkdownReport(data, heading, links, alpha));
  await writeFile(files.html, renderHtmlReport(data, heading, rendered.figures, { alpha, warnings: rendered.warnings }));
  await writeFile(files.resultsCsv, renderResultsCsv(data));
  await writeFile(files.significanceCsv, renderSignificanceCsv(data));
  return files;
}

import type { CellSummary, Comparison, ReportData } from "./aggregate.js";
import type { ConfidenceInterval } from "./statistics.js";

/** A table already formatted for reading: the Markdown and HTML reports render the same one. */
export interface Table {
  header: string[];
  rows: string[][];
  /** Per column: right-align (numbers) or not. */
  numeric: boolean[];
}

export interface ResultTable {
  strategy: string;
  table: Table;
}

/** Settings of the run shown in the report's header, in the order given. */
export type ConfigSummary = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

export interface ReportHeading {
  title: string;
  config: ConfigSummary;
  /** Shown only when given, so that reports stay byte-identical by default. */
  generatedAt?: string;
}

/** A chart as the Markdown report links it. */
export interface ChartLink {
  title: string;
  /** Path relative to the report's folder. */
  file: string;
}

export const DEFAULT_ALPHA = 0.05;

const MISSING = "—";

export function formatPercent(value: number): string {
  return (100 * value).toFixed(1);
}

export function formatInterval(interval: ConfidenceInterval | undefined): string {
  if (interval === undefined) return MISSING;
  return `${formatPercent(interval.estimate)} [${formatPercent(interval.lower)}, ${formatPercent(interval.upper)}]`;
}

export function formatPValue(pValue: number): string {
  return pValue >= 0.001 ? pValue.toFixed(3) : pValue.toExponential(1);
}

interface Column<T> {
  header: string;
  numeric: boolean;
  value: (row: T) => string;
}

function createTable<T>(columns: readonly Column<T>[], rows: readonly T[]): Table {
  return {
    header: columns.map((column) => column.header),
    rows: rows.map((row) => columns.map((column) => column.value(row))),
    numeric: columns.map((column) => column.numeric),
  };
}

/** The model column only matters when the run compares models; otherwise the header names it. */
function modelColumns<T extends { model: string }>(data: ReportData): Column<T>[] {
  return data.overview.models.length > 1 ? [{ header: "model", numeric: false, value: (row) => row.model }] : [];
}

function resultColumns(data: ReportData): Column<CellSummary>[] {
  const perTask = (total: (cell: CellSummary) => number, digits: number) => (cell: CellSummary) => (total(cell) / cell.recordCount).toFixed(digits);
  return [
    ...modelColumns<CellSummary>(data),
    { header: "representation", numeric: false, value: (cell) => cell.representation },
    { header: "budget", numeric: true, value: (cell) => String(cell.budget) },
    { header: "tasks", numeric: true, value: (cell) => String(cell.taskCount) },
    { header: "seeds", numeric: true, value: (cell) => String(cell.seeds.length) },
    { header: "pass@1 selected (%)", numeric: true, value: (cell) => formatInterval(cell.selected) },
    ...data.ks.map((k, position) => ({
      header: `pass@${k} (%)`,
      numeric: true,
      value: (cell: CellSummary) => formatInterval(cell.passAtK[position]?.interval),
    })),
    { header: "calls/task", numeric: true, value: perTask((cell) => cell.llmCalls, 1) },
    { header: "prompt tok/task", numeric: true, value: perTask((cell) => cell.promptTokens, 0) },
    { header: "completion tok/task", numeric: true, value: perTask((cell) => cell.completionTokens, 0) },
  ];
}

/** One table per strategy: a row per (model,) representation and budget. */
export function createResultTables(data: ReportData): ResultTable[] {
  const columns = resultColumns(data);
  return data.overview.strategies.map((strategy) => ({
    strategy,
    table: createTable(
      columns,
      data.cells.filter((cell) => cell.strategy === strategy),
    ),
  }));
}

export function createSignificanceTable(data: ReportData, alpha: number = DEFAULT_ALPHA): Table {
  const columns: Column<Comparison>[] = [
    ...modelColumns<Comparison>(data),
    { header: "strategy", numeric: false, value: (row) => row.strategy },
    { header: "budget", numeric: true, value: (row) => String(row.budget) },
    { header: "seed", numeric: true, value: (row) => String(row.seed) },
    { header: "representation", numeric: false, value: (row) => row.representation },
    { header: "tasks", numeric: true, value: (row) => String(row.pairs) },
    { header: `${data.baseline} (%)`, numeric: true, value: (row) => formatPercent(row.baselinePassRate) },
    { header: "representation (%)", numeric: true, value: (row) => formatPercent(row.representationPassRate) },
    { header: "b", numeric: true, value: (row) => String(row.b) },
    { header: "c", numeric: true, value: (row) => String(row.c) },
    { header: "p", numeric: true, value: (row) => formatPValue(row.pValue) + (row.pValue < alpha ? " *" : "") },
  ];
  return createTable(columns, data.comparisons);
}

/** The sentences that say how the numbers were computed, shared by the Markdown and HTML reports. */
export function describeMethods(data: ReportData): string[] {
  const { resamples, seed, confidence } = data.bootstrap;
  return [
    "Each cell averages over tasks within each seed, then over seeds.",
    "pass@1 selected: rate at which the answer the strategy selected passes the hidden tests. " +
      `pass@k: unbiased estimator (Chen et al., 2021) over the samples drawn; ${MISSING} where a task drew fewer than k samples.`,
    `Brackets: ${Math.round(confidence * 100)}% percentile bootstrap interval over tasks ` +
      `(${resamples} resamples, seed ${seed}). Cost columns are means per task and seed.`,
  ];
}

export function describeSignificance(data: ReportData, alpha: number = DEFAULT_ALPHA): string {
  return (
    `McNemar's exact test compares each representation with the ${data.baseline} baseline on the tasks both ran ` +
    "with the same model, strategy, budget and seed, using the pass/fail of the selected answer. " +
    "b counts tasks only the baseline solved, c tasks only the representation solved; under equal pass rates " +
    "the b + c discordant tasks split as Binomial(b + c, 1/2), and p is two-sided. " +
    `* marks p < ${alpha}, not corrected for multiple comparisons.`
  );
}

export function describeOverview(data: ReportData): string {
  const { overview } = data;
  return (
    `${overview.recordCount} records over ${overview.taskCount} tasks. Models: ${overview.models.join(", ")}. ` +
    `Strategies: ${overview.strategies.join(", ")}. Representations: ${overview.representations.join(", ")}. ` +
    `Budgets: ${overview.budgets.join(", ")}. Seeds: ${overview.seeds.join(", ")}.`
  );
}

export function formatConfigValue(value: ConfigSummary[string]): string {
  return Array.isArray(value) ? value.join(", ") : String(value);
}

function escapeMarkdownCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function renderMarkdownTable(table: Table): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdownCell).join(" | ")} |`;
  const rule = `|${table.numeric.map((numeric) => (numeric ? " ---: " : " --- ")).join("|")}|`;
  return [line(table.header), rule, ...table.rows.map(line)].join("\n");
}

export function renderMarkdownReport(data: ReportData, heading: ReportHeading, charts: readonly ChartLink[], alpha: number = DEFAULT_ALPHA): string {
  const configTable: Table = {
    header: ["setting", "value"],
    rows: Object.entries(heading.config).map(([name, value]) => [name, formatConfigValue(value)]),
    numeric: [false, false],
  };
  const sections = [`# ${heading.title}`];
  if (heading.generatedAt !== undefined) sections.push(`Generated: ${heading.generatedAt}`);
  sections.push("## Run", describeOverview(data));
  if (configTable.rows.length > 0) sections.push(renderMarkdownTable(configTable));
  sections.push(describeMethods(data).join(" "));
  for (const { strategy, table } of createResultTables(data)) {
    sections.push(`## Results: ${strategy}`, renderMarkdownTable(table));
  }
  sections.push(`## Significance against ${data.baseline}`, describeSignificance(data, alpha));
  const significance = createSignificanceTable(data, alpha);
  sections.push(
    significance.rows.length > 0
      ? renderMarkdownTable(significance)
      : `No comparisons: no record uses the ${data.baseline} representation alongside another one.`,
  );
  if (charts.length > 0) {
    sections.push("## Charts", ...charts.map((chart) => `![${chart.title}](${chart.file})`));
  }
  return sections.join("\n\n") + "\n";
}

/** RFC 4180 field: quoted only when it must be. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLines(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvField).join(",")).join("\n") + "\n";
}

/** Rounded to 6 decimals so that floating-point noise does not reach the file. */
function csvNumber(value: number): number {
  return Number(value.toFixed(6));
}

function csvInterval(interval: ConfidenceInterval | undefined): (string | number)[] {
  if (interval === undefined) return ["", "", ""];
  return [csvNumber(interval.estimate), csvNumber(interval.lower), csvNumber(interval.upper)];
}

/** One row per cell, rates as fractions in [0, 1], costs as totals over all the cell's records. */
export function renderResultsCsv(data: ReportData): string {
  const header = [
    "model",
    "strategy",
    "representation",
    "budget",
    "tasks",
    "seeds",
    "records",
    "selected_pass",
    "selected_pass_lower",
    "selected_pass_upper",
    ...data.ks.flatMap((k) => [`pass_at_${k}`, `pass_at_${k}_lower`, `pass_at_${k}_upper`]),
    "llm_calls",
    "prompt_tokens",
    "completion_tokens",
  ];
  const rows = data.cells.map((cell) => [
    cell.model,
    cell.strategy,
    cell.representation,
    cell.budget,
    cell.taskCount,
    cell.seeds.join(" "),
    cell.recordCount,
    ...csvInterval(cell.selected),
    ...cell.passAtK.flatMap((entry) => csvInterval(entry.interval)),
    cell.llmCalls,
    cell.promptTokens,
    cell.completionTokens,
  ]);
  return csvLines([header, ...rows]);
}

export function renderSignificanceCsv(data: ReportData): string {
  const header = ["model", "strategy", "budget", "seed", "representation", "baseline", "tasks", "b", "c", "baseline_pass", "representation_pass", "p_value"];
  const rows = data.comparisons.map((comparison) => [
    comparison.model,
    comparison.strategy,
    comparison.budget,
    comparison.seed,
    comparison.representation,
    comparison.baseline,
    comparison.pairs,
    comparison.b,
    comparison.c,
    csvNumber(comparison.baselinePassRate),
    csvNumber(comparison.representationPassRate),
    // Full precision: tiny p-values must not round to 0.
    Number(comparison.pValue.toPrecision(6)),
  ]);
  return csvLines([header, ...rows]);
}

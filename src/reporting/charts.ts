import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { CellSummary, ReportData } from "./aggregate.js";

/** One chart per (model, strategy): pass rate of the selected answer against the budget. */
export interface ChartFigure {
  model: string;
  strategy: string;
  title: string;
  /** File-name stem, unique within one report. */
  name: string;
  spec: TopLevelSpec;
  svg: string;
  png: Buffer;
}

export interface ChartFont {
  /** Family given to resvg for Vega's "sans-serif"; undefined lets resvg pick. */
  family: string | undefined;
  fontFileCount: number;
}

export interface RenderedCharts {
  figures: ChartFigure[];
  font: ChartFont;
  /** Problems that degrade the charts without stopping the report (e.g. no fonts for the PNG text). */
  warnings: string[];
}

const FONT_DIRECTORIES = ["/usr/share/fonts", "/usr/local/share/fonts"];
const FONT_FILE = /\.(ttf|otf|ttc)$/i;
/** Sans-serif families from common distribution packages, by the file that ships them. */
const KNOWN_SANS_FONTS: ReadonlyArray<readonly [file: string, family: string]> = [
  ["DejaVuSans.ttf", "DejaVu Sans"],
  ["LiberationSans-Regular.ttf", "Liberation Sans"],
  ["NotoSans-Regular.ttf", "Noto Sans"],
  ["FreeSans.ttf", "FreeSans"],
];

/** What the budget counts for each strategy, for axis titles. */
const BUDGET_UNITS: Readonly<Record<string, string>> = {
  parallel: "samples N",
  selfdebug: "rounds R",
  revision: "chains × rounds",
};

/**
 * resvg draws no text without a font. Looks for font files in the usual system folders and
 * prefers a known sans-serif family, since resvg maps the generic "sans-serif" to Arial.
 */
export function findChartFont(directories: readonly string[] = FONT_DIRECTORIES): ChartFont {
  const files = directories.filter((directory) => existsSync(directory)).flatMap(listFontFiles);
  const names = new Set(files.map((file) => file.slice(file.lastIndexOf("/") + 1)));
  const known = KNOWN_SANS_FONTS.find(([file]) => names.has(file));
  return { family: known?.[1], fontFileCount: files.length };
}

function listFontFiles(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((entry) => FONT_FILE.test(entry))
    .map((entry) => join(directory, entry));
}

export interface ChartSpecOptions {
  /** Every representation of the report, in table order, so that colours keep that order. */
  representations: readonly string[];
  confidence: number;
}

export function createChartSpec(cells: readonly CellSummary[], options: ChartSpecOptions): TopLevelSpec {
  const first = cells[0]!;
  const budgets = [...new Set(cells.map((cell) => cell.budget))].sort((left, right) => left - right);
  const values = cells.map((cell) => ({
    representation: cell.representation,
    budget: cell.budget,
    rate: cell.selected.estimate,
    lower: cell.selected.lower,
    upper: cell.selected.upper,
  }));
  const unit = BUDGET_UNITS[first.strategy];
  const domain = options.representations.filter((name) => cells.some((cell) => cell.representation === name));
  const color = { field: "representation", type: "nominal" as const, scale: { domain } };
  const y = { type: "quantitative" as const, scale: { domain: [0, 1] }, axis: { format: "%" }, title: "pass rate" };
  return {
    title: {
      text: `${first.model} · ${first.strategy}`,
      subtitle: `pass@1 of the selected answer, ${Math.round(options.confidence * 100)}% bootstrap CI`,
    },
    width: 420,
    height: 260,
    data: { values },
    layer:
      budgets.length > 1
        ? budgetLayers(budgets, unit === undefined ? "budget" : `budget (${unit})`, y, color)
        : singleBudgetLayers(`representation (${unit ?? "budget"} = ${budgets[0]})`, domain, y, color),
    // Legend entries drawn as lines: the bands' faint fill would otherwise set the symbol.
    config: { background: "white", legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolOpacity: 1 } },
  };
}

type YEncoding = { type: "quantitative"; scale: { domain: number[] }; axis: { format: string }; title: string };
type ColorEncoding = { field: string; type: "nominal"; scale: { domain: string[] } };

/** Pass rate against budget: a line per representation inside its confidence band. */
function budgetLayers(budgets: readonly number[], title: string, y: YEncoding, color: ColorEncoding) {
  const logScale = budgets[0]! > 0 && budgets[budgets.length - 1]! / budgets[0]! >= 8;
  const x = {
    field: "budget",
    type: "quantitative" as const,
    title,
    scale: logScale ? { type: "log" as const, base: 2 } : { zero: false },
    axis: { values: [...budgets], format: "d" },
  };
  return [
    {
      mark: { type: "errorband" as const, opacity: 0.18 },
      encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" }, color },
    },
    { mark: { type: "line" as const, point: true }, encoding: { x, y: { ...y, field: "rate" }, color } },
  ];
}

/** With a single budget there is no line to draw: one point and error bar per representation. */
function singleBudgetLayers(title: string, domain: readonly string[], y: YEncoding, color: ColorEncoding) {
  const x = { field: "representation", type: "nominal" as const, title, sort: [...domain], axis: { labelAngle: 0 } };
  return [
    {
      mark: { type: "errorbar" as const, ticks: { size: 14 }, thickness: 2 },
      encoding: { x, y: { ...y, field: "lower" }, y2: { field: "upper" }, color },
    },
    { mark: { type: "point" as const, filled: true, size: 60, opacity: 1 }, encoding: { x, y: { ...y, field: "rate" }, color } },
  ];
}

/** Vega-Lite → Vega → SVG with the headless renderer. */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function renderChartPng(svg: string, font: ChartFont): Buffer {
  const fontOptions: ResvgRenderOptions["font"] = { loadSystemFonts: true };
  if (font.family !== undefined) {
    fontOptions.defaultFontFamily = font.family;
    fontOptions.sansSerifFamily = font.family;
  }
  return new Resvg(svg, { font: fontOptions, fitTo: { mode: "zoom", value: 2 }, logLevel: "off" }).render().asPng();
}

export async function renderCharts(data: ReportData, font: ChartFont = findChartFont()): Promise<RenderedCharts> {
  const figures: ChartFigure[] = [];
  const usedNames = new Set<string>();
  for (const model of data.overview.models) {
    for (const strategy of data.overview.strategies) {
      const cells = data.cells.filter((cell) => cell.model === model && cell.strategy === strategy);
      if (cells.length === 0) continue;
      const name = uniqueName(`${model}--${strategy}`, usedNames);
      const spec = createChartSpec(cells, {
        representations: data.overview.representations,
        confidence: data.bootstrap.confidence,
      });
      const svg = await renderChartSvg(spec);
      figures.push({ model, strategy, title: `${model} · ${strategy}`, name, spec, svg, png: renderChartPng(svg, font) });
    }
  }
  return { figures, font, warnings: fontWarnings(font) };
}

function fontWarnings(font: ChartFont): string[] {
  if (font.fontFileCount === 0) {
    return ["no font files found under /usr/share/fonts or /usr/local/share/fonts: chart PNGs may have no text (install fonts-dejavu-core)"];
  }
  if (font.family === undefined) {
    return ["no known sans-serif font found: chart PNG text uses whichever font resvg picks"];
  }
  return [];
}

function uniqueName(raw: string, used: Set<string>): string {
  const base = raw.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "chart";
  let name = base;
  for (let suffix = 2; used.has(name); suffix++) name = `${base}-${suffix}`;
  used.add(name);
  return name;
}

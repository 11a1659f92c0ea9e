import type { ReportData } from "./aggregate.js";
import type { ChartFigure } from "./charts.js";
import {
  createResultTables,
  createSignificanceTable,
  DEFAULT_ALPHA,
  describeMethods,
  describeOverview,
  describeSignificance,
  formatConfigValue,
  type ReportHeading,
  type Table,
} from "./tables.js";

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; color: #1d2329; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #d6dbe0; padding-bottom: 0.2rem; }
p.note { color: #4a545e; font-size: 0.92rem; max-width: 60rem; }
table { border-collapse: collapse; font-size: 0.86rem; margin: 0.6rem 0 1rem; }
th, td { border: 1px solid #d6dbe0; padding: 0.25rem 0.55rem; }
td { white-space: nowrap; }
th { background: #f1f3f5; text-align: left; vertical-align: bottom; }
div.table { overflow-x: auto; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
figure { display: inline-block; margin: 0.5rem 0.5rem 0.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e7eb; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function renderHtmlTable(table: Table, className: string): string {
  const head = table.header.map((name) => `<th>${escapeHtml(name)}</th>`).join("");
  const body = table.rows
    .map((row) => {
      const cells = row.map((cell, column) => (table.numeric[column] ? `<td class="number">${escapeHtml(cell)}</td>` : `<td>${escapeHtml(cell)}</td>`));
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  return `<div class="table"><table class="${className}">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

function renderFigure(figure: ChartFigure): string {
  // The PNG is drawn at twice the SVG's size; halving it in the page keeps it sharp on dense screens.
  const width = Number(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(figure.svg)?.[1] ?? 0);
  const size = width > 0 ? ` width="${width}"` : "";
  const source = `data:image/png;base64,${figure.png.toString("base64")}`;
  // The chart carries its own title, so the figure needs no caption.
  return `<figure><img class="chart" src="${source}"${size} alt="${escapeHtml(figure.title)}"></figure>`;
}

/** A single self-contained page: inline CSS, the tables, and the charts as data-URI PNGs. */
export function renderHtmlReport(
  data: ReportData,
  heading: ReportHeading,
  figures: readonly ChartFigure[],
  options: { alpha?: number; warnings?: readonly string[] } = {},
): string {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const parts = [`<h1>${escapeHtml(heading.title)}</h1>`];
  if (heading.generatedAt !== undefined) parts.push(`<p class="note">Generated: ${escapeHtml(heading.generatedAt)}</p>`);
  parts.push("<h2>Run</h2>", `<p>${escapeHtml(describeOverview(data))}</p>`);
  const config = Object.entries(heading.config).map(([name, value]) => [name, formatConfigValue(value)]);
  if (config.length > 0) {
    parts.push(renderHtmlTable({ header: ["setting", "value"], rows: config, numeric: [false, false] }, "config"));
  }
  parts.push(`<p class="note">${escapeHtml(describeMethods(data).join(" "))}</p>`);
  for (const { strategy, table } of createResultTables(data)) {
    parts.push(`<h2>Results: ${escapeHtml(strategy)}</h2>`, renderHtmlTable(table, "results"));
  }
  parts.push(`<h2>Significance against ${escapeHtml(data.baseline)}</h2>`);
  parts.push(`<p class="note">${escapeHtml(describeSignificance(data, alpha))}</p>`);
  const significance = createSignificanceTable(data, alpha);
  parts.push(
    significance.rows.length > 0
      ? renderHtmlTable(significance, "significance")
      : `<p>No comparisons: no record uses the ${escapeHtml(data.baseline)} representation alongside another one.</p>`,
  );
  if (figures.length > 0) {
    parts.push("<h2>Charts</h2>");
    for (const warning of options.warnings ?? []) parts.push(`<p class="note">Note: ${escapeHtml(warning)}</p>`);
    parts.push(figures.map(renderFigure).join("\n"));
  }
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(heading.title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    ...parts,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

import { join } from "node:path";
import { Option, type Command } from "commander";
import { loadRunRecords } from "../experiments/records.js";
import { writeReport } from "../reporting/write-report.js";
import { kList } from "./options.js";
import { action, log, writeJson } from "./output.js";

interface ReportFlags {
  out?: string;
  k: number[];
  baseline: string;
  title?: string;
  json?: boolean;
}

export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description("write report.md, report.html, results.csv, significance.csv and charts for a run directory")
    .argument("<run-dir>", "a run directory written by `semtrace run`")
    .option("--out <dir>", "report folder (default: <run-dir>/report)")
    .addOption(new Option("--k <list>", "pass@k columns").argParser(kList).default([1, 5, 10], "1,5,10"))
    .option("--baseline <representation>", "representation every other one is tested against", "tests")
    .option("--title <text>", "report title (default: the experiment's name)")
    .option("--json", "print the written files as JSON")
    .action(action(async (runDir: string, flags: ReportFlags) => reportCommand(runDir, flags)));
}

async function reportCommand(runDir: string, flags: ReportFlags): Promise<void> {
  const { records, spec, summary, failures } = loadRunRecords(runDir);
  const out = flags.out ?? join(runDir, "report");
  const files = await writeReport(records, out, { ks: flags.k, baseline: flags.baseline, title: flags.title ?? spec.name, config: summary });
  for (const warning of files.warnings) log(`! ${warning}`);
  if (failures > 0) log(`! ${failures} cells of this run failed and are not in the report: run \`semtrace run\` again to retry them`);
  log(`✔ ${records.length} records → ${files.markdown}, ${files.html}, ${files.resultsCsv}, ${files.significanceCsv}, ${files.charts.length} chart(s)`);
  if (flags.json) writeJson(files);
}

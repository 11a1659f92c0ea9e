/**
 * A run directory as report input: one record per finished (task, configuration, seed) cell
 * and budget, shaped as the reporting module's ReportRecord, and a summary of the spec for the
 * report's header.
 */
import { ConfigError, errorMessage } from "../core/errors.js";
import type { ReportRecord } from "../core/report-record.js";
import { strategies } from "../scaling/registry.js";
import { openRunStore } from "./run-store.js";
import { type ExperimentSpec, parseExperimentSpec, strategyLabel } from "./spec.js";

export interface RunRecords {
  records: ReportRecord[];
  spec: ExperimentSpec;
  /** Run settings for the report header, in display order. */
  summary: Record<string, string | number | readonly (string | number)[]>;
  /** Cells that failed and were not finished by a later run. */
  failures: number;
}

export function loadRunRecords(runDir: string): RunRecords {
  const store = openRunStore(runDir, { readonly: true });
  try {
    const specText = store.spec();
    if (specText === undefined) throw new ConfigError(`${store.path} has no spec: no run was started in ${runDir}`);
    let specValue: unknown;
    try {
      specValue = JSON.parse(specText);
    } catch (error) {
      throw new ConfigError(`the spec stored in ${store.path} is not JSON (${errorMessage(error)})`);
    }
    const spec = parseExperimentSpec(specValue, `the spec stored in ${store.path}`);
    const records = store.outcomes().flatMap((cell) =>
      cell.outcomes.map(
        (outcome): ReportRecord => ({
          taskId: cell.taskId,
          representation: cell.representation,
          strategy: outcome.strategy,
          model: cell.model,
          seed: cell.seed,
          budget: outcome.budget,
          n: outcome.n,
          c: outcome.c,
          selectedPassed: outcome.selectedPassed,
          llmCalls: outcome.llmCalls,
          promptTokens: outcome.promptTokens,
          completionTokens: outcome.completionTokens,
        }),
      ),
    );
    return { records, spec, summary: summarizeSpec(spec), failures: store.failures().length };
  } finally {
    store.close();
  }
}

export function summarizeSpec(spec: ExperimentSpec): RunRecords["summary"] {
  const benchmark = [spec.benchmark.name, spec.benchmark.split, spec.benchmark.groups?.join("+")].filter((part) => part !== undefined).join(" ");
  return {
    experiment: spec.name,
    benchmark,
    task: spec.task.name,
    models: spec.models.map((model) => model.label ?? model.id),
    strategies: spec.strategies.map((strategy) => `${strategyLabel(strategy)} (${strategies.get(strategy.kind).describe(strategy)})`),
    representations: spec.representations,
    "feedback budget (tokens)": spec.feedback.budget,
    seeds: spec.seeds,
  };
}

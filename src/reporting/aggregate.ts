import { passAtK } from "../evaluation/pass-at-k.js";
import type { ReportRecord } from "./report-input.js";
import { bootstrapIntervals, mcnemarExactPValue, resolveBootstrapOptions, type BootstrapOptions, type ConfidenceInterval } from "./statistics.js";

export interface AggregateOptions {
  /** k values of the pass@k columns; default [1, 5, 10]. */
  ks?: readonly number[];
  /** Representation every other one is tested against; default "tests". */
  baseline?: string;
  bootstrap?: BootstrapOptions;
}

export const DEFAULT_KS: readonly number[] = [1, 5, 10];
export const DEFAULT_BASELINE = "tests";

export interface PassAtKSummary {
  k: number;
  /** Undefined when some record of the cell drew fewer than k samples. */
  interval: ConfidenceInterval | undefined;
}

/** One (model, strategy, representation, budget) cell, over its tasks and seeds. */
export interface CellSummary {
  model: string;
  strategy: string;
  representation: string;
  budget: number;
  seeds: number[];
  taskCount: number;
  recordCount: number;
  /** Pass rate of the strategy's selected answer (pass@1 of the selection). */
  selected: ConfidenceInterval;
  /** Unbiased pass@k of the drawn samples, one entry per requested k. */
  passAtK: PassAtKSummary[];
  llmCalls: number;
  promptTokens: number;
  completionTokens: number;
}

/** McNemar's exact test of one representation against the baseline on the tasks both ran. */
export interface Comparison {
  model: string;
  strategy: string;
  budget: number;
  seed: number;
  representation: string;
  baseline: string;
  pairs: number;
  /** Tasks whose selected answer passed with the baseline but failed with the representation. */
  b: number;
  /** Tasks whose selected answer passed with the representation but failed with the baseline. */
  c: number;
  baselinePassRate: number;
  representationPassRate: number;
  pValue: number;
}

/** What the records cover, for the report's header. */
export interface ReportOverview {
  recordCount: number;
  taskCount: number;
  models: string[];
  strategies: string[];
  representations: string[];
  budgets: number[];
  seeds: number[];
}

export interface ReportData {
  overview: ReportOverview;
  cells: CellSummary[];
  comparisons: Comparison[];
  ks: number[];
  baseline: string;
  bootstrap: Required<BootstrapOptions>;
}

/**
 * Aggregates records into cells and baseline comparisons. A cell's value is the mean over tasks
 * within each seed, then the mean over seeds; its confidence interval resamples tasks (the unit
 * of generalisation), keeping each task's outcomes in every seed together.
 */
export function aggregateRecords(records: readonly ReportRecord[], options: AggregateOptions = {}): ReportData {
  const ks = [...(options.ks ?? DEFAULT_KS)];
  for (const k of ks) if (!Number.isInteger(k) || k < 1) throw new RangeError(`pass@k needs integers k >= 1; got ${k}`);
  const baseline = options.baseline ?? DEFAULT_BASELINE;
  const bootstrap = resolveBootstrapOptions(options.bootstrap ?? {});
  const order = representationOrder(records, baseline);
  // Sorted input makes every floating-point sum independent of the order records arrive in.
  const sorted = [...records].sort(compareRecords);
  const cells = [...groupBy(sorted, cellKey).values()]
    .map((group) => summarizeCell(group, ks, bootstrap))
    .sort((left, right) => compareCells(left, right, order));
  return {
    overview: {
      recordCount: records.length,
      taskCount: new Set(records.map((record) => record.taskId)).size,
      models: sortedUnique(records.map((record) => record.model)),
      strategies: sortedUnique(records.map((record) => record.strategy)),
      representations: sortedUnique(records.map((record) => record.representation)).sort((left, right) => order(left) - order(right)),
      budgets: sortedUnique(records.map((record) => record.budget)),
      seeds: sortedUnique(records.map((record) => record.seed)),
    },
    cells,
    comparisons: compareWithBaseline(sorted, baseline, order),
    ks,
    baseline,
    bootstrap,
  };
}

function summarizeCell(records: readonly ReportRecord[], ks: readonly number[], bootstrap: BootstrapOptions): CellSummary {
  const first = records[0]!;
  const definedKs = ks.filter((k) => records.every((record) => record.n >= k));
  const metrics = (record: ReportRecord): number[] => [record.selectedPassed ? 1 : 0, ...definedKs.map((k) => passAtK(record.n, record.c, k))];
  const [selected, ...passIntervals] = seedThenTaskIntervals(records, metrics, bootstrap);
  return {
    model: first.model,
    strategy: first.strategy,
    representation: first.representation,
    budget: first.budget,
    seeds: sortedUnique(records.map((record) => record.seed)),
    taskCount: new Set(records.map((record) => record.taskId)).size,
    recordCount: records.length,
    selected: selected!,
    passAtK: ks.map((k) => {
      const position = definedKs.indexOf(k);
      return { k, interval: position < 0 ? undefined : passIntervals[position] };
    }),
    llmCalls: sum(records, (record) => record.llmCalls),
    promptTokens: sum(records, (record) => record.promptTokens),
    completionTokens: sum(records, (record) => record.completionTokens),
  };
}

/** Bootstrap over tasks of "mean over tasks per seed, then mean over seeds", for several metrics at once. */
function seedThenTaskIntervals(
  records: readonly ReportRecord[],
  metrics: (record: ReportRecord) => number[],
  bootstrap: BootstrapOptions,
): ConfidenceInterval[] {
  const taskIds = sortedUnique(records.map((record) => record.taskId));
  const taskIndex = new Map(taskIds.map((taskId, index) => [taskId, index]));
  const metricCount = metrics(records[0]!).length;
  // Flat typed arrays: the statistic runs once per resample, over every record.
  const seeds = [...groupBy(records, (record) => String(record.seed)).entries()]
    .sort(([left], [right]) => Number(left) - Number(right))
    .map(([, group]) => ({
      tasks: Uint32Array.from(group, (record) => taskIndex.get(record.taskId)!),
      values: Float64Array.from(group.flatMap(metrics)),
    }));
  const multiplicity = new Uint32Array(taskIds.length);
  const sums = new Float64Array(metricCount);
  return bootstrapIntervals(
    taskIds.length,
    (drawn) => {
      multiplicity.fill(0);
      for (const task of drawn) multiplicity[task]!++;
      const totals = new Array<number>(metricCount).fill(0);
      let seedsSeen = 0;
      for (const { tasks, values } of seeds) {
        sums.fill(0);
        let weight = 0;
        for (let row = 0; row < tasks.length; row++) {
          const times = multiplicity[tasks[row]!]!;
          if (times === 0) continue;
          weight += times;
          for (let metric = 0; metric < metricCount; metric++) sums[metric]! += times * values[row * metricCount + metric]!;
        }
        if (weight === 0) continue;
        seedsSeen++;
        for (let metric = 0; metric < metricCount; metric++) totals[metric]! += sums[metric]! / weight;
      }
      return totals.map((total) => total / seedsSeen);
    },
    bootstrap,
  );
}

function compareWithBaseline(records: readonly ReportRecord[], baseline: string, order: RepresentationOrder): Comparison[] {
  const comparisons: Comparison[] = [];
  const groups = groupBy(records, (record) => JSON.stringify([record.model, record.strategy, record.budget, record.seed]));
  for (const group of groups.values()) {
    const byRepresentation = groupBy(group, (record) => record.representation);
    const reference = byRepresentation.get(baseline);
    if (reference === undefined) continue;
    const referencePassed = new Map(reference.map((record) => [record.taskId, record.selectedPassed]));
    for (const [representation, candidates] of byRepresentation) {
      if (representation === baseline) continue;
      const paired = candidates.filter((record) => referencePassed.has(record.taskId));
      if (paired.length === 0) continue;
      comparisons.push(pairedComparison(paired, referencePassed, baseline));
    }
  }
  return comparisons.sort(
    (left, right) =>
      compareStrings(left.model, right.model) ||
      compareStrings(left.strategy, right.strategy) ||
      left.budget - right.budget ||
      left.seed - right.seed ||
      order(left.representation) - order(right.representation),
  );
}

function pairedComparison(paired: readonly ReportRecord[], referencePassed: ReadonlyMap<string, boolean>, baseline: string): Comparison {
  const first = paired[0]!;
  let b = 0;
  let c = 0;
  let baselinePasses = 0;
  let representationPasses = 0;
  for (const record of paired) {
    const reference = referencePassed.get(record.taskId)!;
    if (reference) baselinePasses++;
    if (record.selectedPassed) representationPasses++;
    if (reference && !record.selectedPassed) b++;
    if (!reference && record.selectedPassed) c++;
  }
  return {
    model: first.model,
    strategy: first.strategy,
    budget: first.budget,
    seed: first.seed,
    representation: first.representation,
    baseline,
    pairs: paired.length,
    b,
    c,
    baselinePassRate: baselinePasses / paired.length,
    representationPassRate: representationPasses / paired.length,
    pValue: mcnemarExactPValue(b, c),
  };
}

type RepresentationOrder = (representation: string) => number;

/** "none", then the baseline, then the rest alphabetically: baselines first in every table and legend. */
function representationOrder(records: readonly ReportRecord[], baseline: string): RepresentationOrder {
  const rest = sortedUnique(records.map((record) => record.representation)).filter(
    (representation) => representation !== "none" && representation !== baseline,
  );
  const ranks = new Map(["none", baseline, ...rest].map((representation, index) => [representation, index]));
  return (representation) => ranks.get(representation) ?? ranks.size;
}

function compareCells(left: CellSummary, right: CellSummary, order: RepresentationOrder): number {
  return (
    compareStrings(left.model, right.model) ||
    compareStrings(left.strategy, right.strategy) ||
    order(left.representation) - order(right.representation) ||
    left.budget - right.budget
  );
}

function compareRecords(left: ReportRecord, right: ReportRecord): number {
  return (
    compareStrings(left.model, right.model) ||
    compareStrings(left.strategy, right.strategy) ||
    compareStrings(left.representation, right.representation) ||
    left.budget - right.budget ||
    left.seed - right.seed ||
    compareStrings(left.taskId, right.taskId)
  );
}

function cellKey(record: ReportRecord): string {
  return JSON.stringify([record.model, record.strategy, record.representation, record.budget]);
}

/** Code-unit order, not locale order, so that output is identical on every machine. */
function compareStrings(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function sortedUnique<T extends string | number>(values: readonly T[]): T[] {
  return [...new Set(values)].sort((left, right) => (typeof left === "number" ? left - (right as number) : compareStrings(left as string, right as string)));
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [item]);
    else group.push(item);
  }
  return groups;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

import { unsafeUniformIntDistribution, xoroshiro128plus } from "pure-rand";
import { passAtK } from "../evaluation/pass-at-k.js";

/** A point estimate with the bounds of its confidence interval. */
export interface ConfidenceInterval {
  estimate: number;
  lower: number;
  upper: number;
}

export interface BootstrapOptions {
  /** Number of bootstrap resamples; default 10,000. */
  resamples?: number;
  /** Seed of the resampling RNG: the same seed gives the same interval; default 1. */
  seed?: number;
  /** Two-sided confidence level; default 0.95. */
  confidence?: number;
}

export const DEFAULT_BOOTSTRAP_RESAMPLES = 10_000;
export const DEFAULT_BOOTSTRAP_SEED = 1;
export const DEFAULT_CONFIDENCE = 0.95;

/**
 * Statistics of one sample of units: receives the indices of the units drawn (with repetition)
 * and returns one value per metric. Metrics share the same resamples, so their intervals are
 * paired and the work of drawing is done once.
 */
export type BootstrapStatistic = (unitIndices: Uint32Array) => readonly number[];

/**
 * Percentile bootstrap: resamples the units with replacement, evaluates the statistic on each
 * resample and takes the (1-confidence)/2 and (1+confidence)/2 quantiles (linear interpolation
 * between order statistics, as numpy's default). The estimate is the statistic on all units.
 */
export function bootstrapIntervals(unitCount: number, statistic: BootstrapStatistic, options: BootstrapOptions = {}): ConfidenceInterval[] {
  const { resamples, seed, confidence } = resolveBootstrapOptions(options);
  if (!Number.isInteger(unitCount) || unitCount < 1) {
    throw new RangeError(`bootstrap needs at least one unit; got ${unitCount}`);
  }
  const estimates = statistic(Uint32Array.from({ length: unitCount }, (_, index) => index));
  const draws = estimates.map(() => new Float64Array(resamples));
  const rng = xoroshiro128plus(seed);
  const indices = new Uint32Array(unitCount);
  for (let resample = 0; resample < resamples; resample++) {
    for (let slot = 0; slot < unitCount; slot++) indices[slot] = unsafeUniformIntDistribution(0, unitCount - 1, rng);
    const values = statistic(indices);
    values.forEach((value, metric) => {
      draws[metric]![resample] = value;
    });
  }
  const tail = (1 - confidence) / 2;
  return estimates.map((estimate, metric) => {
    const sorted = draws[metric]!.sort();
    return { estimate, lower: quantile(sorted, tail), upper: quantile(sorted, 1 - tail) };
  });
}

/** Percentile bootstrap interval of the mean of `values`. */
export function bootstrapMeanInterval(values: readonly number[], options: BootstrapOptions = {}): ConfidenceInterval {
  const [interval] = bootstrapIntervals(values.length, (indices) => [meanAt(values, indices)], options);
  return interval!;
}

/** Fills in the defaults and checks the ranges. */
export function resolveBootstrapOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? DEFAULT_BOOTSTRAP_SEED;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer; got ${resamples}`);
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer; got ${seed}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1); got ${confidence}`);
  return { resamples, seed, confidence };
}

function meanAt(values: readonly number[], indices: Uint32Array): number {
  let sum = 0;
  for (const index of indices) sum += values[index]!;
  return sum / indices.length;
}

/** Quantile of sorted values with linear interpolation between order statistics (Hyndman–Fan type 7). */
export function quantile(sorted: ArrayLike<number>, probability: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of an empty sample");
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return sorted[below]! + fraction * (sorted[above]! - sorted[below]!);
}

/**
 * Two-sided exact McNemar test: under the null the b + c discordant pairs split as
 * Binomial(b + c, 1/2), so p = min(1, 2 · P[X ≤ min(b, c)]). The tail is summed in log space
 * so that thousands of discordant pairs neither overflow nor underflow.
 */
export function mcnemarExactPValue(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`McNemar needs non-negative integer counts; got b=${b}, c=${c}`);
  }
  const total = b + c;
  const smaller = Math.min(b, c);
  const logTerms = [-total * Math.LN2];
  for (let i = 0; i < smaller; i++) logTerms.push(logTerms[i]! + Math.log((total - i) / (i + 1)));
  // Below the mode the binomial terms increase, so the last one is the largest.
  const largest = logTerms[logTerms.length - 1]!;
  const scaledSum = logTerms.reduce((sum, term) => sum + Math.exp(term - largest), 0);
  return Math.min(1, 2 * Math.exp(largest + Math.log(scaledSum)));
}

/** Samples drawn and samples that passed, for one task. */
export interface SampleCount {
  n: number;
  c: number;
}

/**
 * Mean unbiased pass@k over tasks; undefined when a task drew fewer than k samples, where the
 * estimator is not defined (reporting it as 0 or 1 would mix two different quantities).
 */
export function meanPassAtK(counts: readonly SampleCount[], k: number): number | undefined {
  if (counts.length === 0 || counts.some((count) => count.n < k)) return undefined;
  return counts.reduce((sum, count) => sum + passAtK(count.n, count.c, k), 0) / counts.length;
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bootstrapIntervals, bootstrapMeanInterval, mcnemarExactPValue, meanPassAtK, quantile } from "../../src/reporting/statistics.js";

/** 2 · Σ_{i ≤ min(b,c)} C(b+c, i) / 2^(b+c), with exact integers, rounded once at the end. */
function exactMcNemar(b: number, c: number): number {
  const total = BigInt(b + c);
  let coefficient = 1n;
  let tail = 0n;
  for (let i = 0n; i <= BigInt(Math.min(b, c)); i++) {
    tail += coefficient;
    coefficient = (coefficient * (total - i)) / (i + 1n);
  }
  const numerator = 2n * tail;
  if (numerator >= 1n << total) return 1;
  const bits = numerator.toString(2).length;
  const shift = Math.max(0, bits - 53);
  // The 53 leading bits carry a double's full precision; the power of two is exact.
  return Number(numerator >> BigInt(shift)) * 2 ** (shift - (b + c));
}

describe("mcnemarExactPValue", () => {
  it.each([
    [1, 9, 0.021484375],
    [9, 1, 0.021484375],
    [0, 0, 1],
    [5, 5, 1],
    [0, 5, 0.0625],
    [0, 6, 0.03125],
    [2, 8, 0.109375],
    [3, 4, 1],
  ])("b=%i, c=%i gives p=%f", (b, c, expected) => {
    expect(mcnemarExactPValue(b, c)).toBeCloseTo(expected, 14);
  });

  it.each([
    [400, 600],
    [4900, 5100],
    [30, 1000],
    [1, 1020],
  ])("matches exact integer arithmetic for large counts b=%i, c=%i", (b, c) => {
    const expected = exactMcNemar(b, c);
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(mcnemarExactPValue(b, c) - expected) / expected).toBeLessThan(1e-9);
  });

  it("is symmetric, within (0, 1], and falls as the split grows more lopsided", () => {
    fc.assert(
      fc.property(fc.nat(300), fc.nat(300), (b, c) => {
        const p = mcnemarExactPValue(b, c);
        expect(p).toBe(mcnemarExactPValue(c, b));
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1);
        if (b <= c) expect(mcnemarExactPValue(b, c + 1)).toBeLessThanOrEqual(p + 1e-15);
      }),
    );
  });

  it("rejects counts that are not non-negative integers", () => {
    expect(() => mcnemarExactPValue(-1, 3)).toThrow(RangeError);
    expect(() => mcnemarExactPValue(1.5, 3)).toThrow(RangeError);
  });
});

describe("quantile", () => {
  it("interpolates linearly between order statistics like numpy", () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([7], 0.3)).toBe(7);
  });
});

describe("bootstrapMeanInterval", () => {
  it("gives a zero-width interval for constant values and for one value", () => {
    expect(bootstrapMeanInterval([0.25, 0.25, 0.25], { resamples: 200 })).toEqual({ estimate: 0.25, lower: 0.25, upper: 0.25 });
    expect(bootstrapMeanInterval([1], { resamples: 50 })).toEqual({ estimate: 1, lower: 1, upper: 1 });
  });

  it("follows the exact bootstrap distribution of a tiny sample", () => {
    // Resampled means of {0, 0, 1} are k/3 with k ~ Binomial(3, 1/3): P = 8/27, 12/27, 6/27, 1/27.
    const values = [0, 0, 1];
    expect(bootstrapMeanInterval(values)).toMatchObject({ estimate: 1 / 3, lower: 0, upper: 1 });
    // At 90% the upper quantile (0.95) falls inside the mass at 2/3 (cumulative 20/27 to 26/27).
    expect(bootstrapMeanInterval(values, { confidence: 0.9 }).upper).toBeCloseTo(2 / 3, 12);
  });

  it("agrees with the normal approximation for a large Bernoulli sample", () => {
    const values = Array.from({ length: 200 }, (_, index) => (index % 10 < 3 ? 1 : 0));
    const interval = bootstrapMeanInterval(values, { resamples: 4000, seed: 7 });
    const halfWidth = 1.96 * Math.sqrt((0.3 * 0.7) / values.length);
    expect(interval.estimate).toBeCloseTo(0.3, 12);
    expect(Math.abs(interval.lower - (0.3 - halfWidth))).toBeLessThan(0.012);
    expect(Math.abs(interval.upper - (0.3 + halfWidth))).toBeLessThan(0.012);
  });

  it("is deterministic for a seed and changes with it", () => {
    const values = Array.from({ length: 30 }, (_, index) => (index * 7919) % 13);
    const first = bootstrapMeanInterval(values, { resamples: 500, seed: 3 });
    expect(bootstrapMeanInterval(values, { resamples: 500, seed: 3 })).toEqual(first);
    expect(bootstrapMeanInterval(values, { resamples: 500, seed: 4 })).not.toEqual(first);
  });

  it("keeps its bounds ordered and within the range of the data", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 25 }), fc.integer(), (values, seed) => {
        const interval = bootstrapMeanInterval(values, { resamples: 200, seed });
        expect(interval.lower).toBeLessThanOrEqual(interval.upper);
        expect(interval.lower).toBeGreaterThanOrEqual(Math.min(...values) - 1e-9);
        expect(interval.upper).toBeLessThanOrEqual(Math.max(...values) + 1e-9);
      }),
      { numRuns: 50 },
    );
  });

  it("rejects bad options and empty samples", () => {
    expect(() => bootstrapMeanInterval([], {})).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, 2], { resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, 2], { confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, 2], { seed: 0.5 })).toThrow(RangeError);
  });
});

describe("bootstrapIntervals", () => {
  it("draws the same resamples for every metric, so identical metrics get identical intervals", () => {
    const values = [0, 1, 1, 0, 1, 0, 0, 1, 1, 1];
    const [first, second] = bootstrapIntervals(
      values.length,
      (indices) => {
        const mean = Array.from(indices, (index) => values[index]!).reduce((sum, value) => sum + value, 0) / indices.length;
        return [mean, mean];
      },
      { resamples: 300 },
    );
    expect(first).toEqual(second);
    expect(first).toEqual(bootstrapMeanInterval(values, { resamples: 300 }));
  });
});

describe("meanPassAtK", () => {
  it("averages the unbiased estimator over tasks", () => {
    const counts = [
      { n: 4, c: 1 },
      { n: 4, c: 0 },
    ];
    expect(meanPassAtK(counts, 1)).toBeCloseTo(0.125, 15);
    // pass@2 with n=4, c=1: 1 - C(3,2)/C(4,2) = 1/2.
    expect(meanPassAtK(counts, 2)).toBeCloseTo(0.25, 15);
    expect(meanPassAtK(counts, 4)).toBeCloseTo(0.5, 15);
  });

  it("is undefined when a task drew fewer than k samples, or there are no tasks", () => {
    expect(
      meanPassAtK(
        [
          { n: 4, c: 4 },
          { n: 2, c: 1 },
        ],
        3,
      ),
    ).toBeUndefined();
    expect(meanPassAtK([], 1)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { type Spectrum, rankFunctions, rankLines, suspiciousness } from "../../src/analysis/sbfl.js";

function spectrum(lines: number[], failed: boolean, fn = "f"): Spectrum {
  return { lines: new Set(lines), functions: new Map(lines.map((line) => [line, line > 10 ? "g" : fn])), failed };
}

// Line 3 runs only in the failing test; 1 and 2 run everywhere; 4 only when passing.
const spectra = [spectrum([1, 2, 3], true), spectrum([1, 2, 4], false), spectrum([1, 2], false)];

describe("sbfl", () => {
  it("puts the line only failing tests ran first under every formula", () => {
    for (const formula of ["ochiai", "tarantula", "dstar"] as const) {
      expect(rankLines(spectra, formula)[0]).toMatchObject({ line: 3, rank: 1, tied: 1 });
    }
  });

  it("computes the textbook scores", () => {
    const counts = { failedCovered: 1, passedCovered: 2, totalFailed: 1, totalPassed: 2 };
    expect(suspiciousness("ochiai", counts)).toBeCloseTo(1 / Math.sqrt(3));
    expect(suspiciousness("tarantula", counts)).toBeCloseTo(0.5);
    expect(suspiciousness("dstar", counts)).toBeCloseTo(0.5);
  });

  it("breaks ties by source order and reports their size", () => {
    const ranking = rankLines(spectra, "ochiai");
    expect(ranking.map((r) => r.line)).toEqual([3, 1, 2, 4]);
    expect(ranking[1]).toMatchObject({ line: 1, rank: 2, tied: 2 });
    expect(ranking[2]).toMatchObject({ line: 2, rank: 3, tied: 2 });
  });

  it("ranks functions by their most suspicious line", () => {
    const withHelper = [spectrum([1, 11], true), spectrum([1], false)];
    const functions = rankFunctions(withHelper, rankLines(withHelper, "dstar"));
    expect(functions.map((f) => f.function)).toEqual(["g", "f"]);
    expect(functions[0]).toMatchObject({ lines: [11], rank: 1, tied: 1 });
  });
});

import { describe, expect, it } from "vitest";
import { ProblemSchema } from "../../src/config/problem-schema.js";
import { ConfigError } from "../../src/core/errors.js";
import type { BenchmarkLoader, LoadBenchmarkOptions } from "../../src/datasets/benchmark.js";

/**
 * The suite every benchmark loader passes: it describes itself, gives valid problems with
 * unique ids and test ids in a stable order, keeps a task subset in dataset order, and
 * rejects an unknown task or split with a ConfigError.
 */
export function benchmarkLoaderConformance(loader: BenchmarkLoader, options: () => LoadBenchmarkOptions): void {
  describe(`${loader.name} benchmark loader conformance`, () => {
    it("describes itself", () => {
      expect(loader.name).toMatch(/^[a-z0-9][a-z0-9+-]*$/);
      expect(loader.description.length).toBeGreaterThan(0);
      if (loader.splits !== undefined) expect(new Set(loader.splits).size).toBe(loader.splits.length);
    });

    it("gives valid problems with unique ids and test ids, the same on every load", async () => {
      const problems = await loader.load(options());
      expect(problems.length).toBeGreaterThan(0);
      for (const problem of problems) {
        expect(ProblemSchema.parse(problem)).toEqual(problem);
        const testIds = problem.tests.map((test) => test.id);
        expect(new Set(testIds).size, `test ids of ${problem.id}`).toBe(testIds.length);
      }
      expect(new Set(problems.map((problem) => problem.id)).size).toBe(problems.length);
      expect(await loader.load(options())).toEqual(problems);
    });

    it("keeps a task subset in dataset order and rejects an unknown task", async () => {
      const ids = (await loader.load(options())).map((problem) => problem.id);
      const subset = [ids.at(-1)!, ids[0]!];
      const chosen = await loader.load({ ...options(), tasks: subset });
      expect(chosen.map((problem) => problem.id)).toEqual([...new Set([ids[0]!, ids.at(-1)!])]);
      await expect(loader.load({ ...options(), tasks: ["no/such-task"] })).rejects.toThrow(ConfigError);
    });

    if (loader.splits !== undefined) {
      it("rejects an unknown split", async () => {
        await expect(loader.load({ ...options(), split: "no-such-split" })).rejects.toThrow(ConfigError);
      });
    }
  });
}

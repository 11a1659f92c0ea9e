/**
 * `parallel`: N independent samples at temperature T (best-of-N), one request per sample so
 * that each sample is its own resumable unit. Outcomes are reported for every N of the grid
 * (the first N samples) and every selection.
 */
import { z } from "zod";
import { grid, positiveInt, temperature } from "../config/grid.js";
import { SELECTIONS, type Selection, selectAttempt } from "./selection.js";
import {
  type BudgetOutcome,
  type Strategy,
  type StrategyDefinition,
  createInitialPrompt,
  maxBudget,
  runUnit,
  selectionOutcome,
  settleAll,
} from "./strategy.js";

export const parallelEntrySchema = z.strictObject({
  kind: z.literal("parallel"),
  label: z.string().min(1).optional().describe("report name of this entry; default parallel"),
  samples: grid(positiveInt).describe("N: samples per task; every N listed is reported (the first N samples)"),
  temperature: grid(temperature).default([0.8]),
  selection: grid(z.enum(SELECTIONS)).default(["oracle"]),
});

export const parallelStrategy: StrategyDefinition<z.output<typeof parallelEntrySchema>> = {
  name: "parallel",
  entry: parallelEntrySchema,
  create: (entry) => createParallelStrategy({ samples: entry.samples, selections: entry.selection }),
  describe: (entry) => `N=${entry.samples.join(",")}, T=${entry.temperature.join(",")}, ${entry.selection.join("/")}`,
};

export interface ParallelOptions {
  /** The N values reported; max(N) samples are drawn. */
  samples: readonly number[];
  selections: readonly Selection[];
}

export function createParallelStrategy(options: ParallelOptions): Strategy {
  const samples = maxBudget(options.samples, "parallel samples");
  return {
    name: "parallel",
    usesFeedback: false,
    async run(context) {
      const first = createInitialPrompt(context);
      const attempts = await settleAll(Array.from({ length: samples }, (_, chain) => runUnit(context, { chain, round: 0 }, first)));
      const outcomes: BudgetOutcome[] = options.samples.flatMap((n) =>
        options.selections.map((selection) => selectionOutcome(`parallel/${selection}`, n, attempts.slice(0, n), (pool) => selectAttempt(selection, pool))),
      );
      return { attempts, outcomes };
    },
  };
}

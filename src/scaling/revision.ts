/**
 * `revision`: n independent selfdebug chains of up to R rounds each; the selection picks among
 * every attempt of every chain (all rounds), not only the chains' last answers. Outcomes are
 * reported for every (n, R) of the grid under the label `revision/<R>-rounds/<selection>`,
 * with budget n × R.
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
  requireProgramTask,
  runChain,
  selectionOutcome,
  settleAll,
} from "./strategy.js";

export const revisionEntrySchema = z.strictObject({
  kind: z.literal("revision"),
  label: z.string().min(1).optional().describe("report name of this entry; default revision"),
  chains: grid(positiveInt).describe("n: independent selfdebug chains"),
  rounds: grid(positiveInt).describe("R: rounds per chain"),
  temperature: grid(temperature).default([0.8]),
  selection: grid(z.enum(SELECTIONS)).default(["oracle"]),
});

export const revisionStrategy: StrategyDefinition<z.output<typeof revisionEntrySchema>> = {
  name: "revision",
  entry: revisionEntrySchema,
  create: (entry) => createRevisionStrategy({ chains: entry.chains, rounds: entry.rounds, selections: entry.selection }),
  describe: (entry) => `n=${entry.chains.join(",")}, R=${entry.rounds.join(",")}, T=${entry.temperature.join(",")}, ${entry.selection.join("/")}`,
};

export interface RevisionOptions {
  chains: readonly number[];
  rounds: readonly number[];
  selections: readonly Selection[];
}

export function createRevisionStrategy(options: RevisionOptions): Strategy {
  const chains = maxBudget(options.chains, "revision chains");
  const rounds = maxBudget(options.rounds, "revision rounds");
  return {
    name: "revision",
    usesFeedback: true,
    async run(context) {
      requireProgramTask(context, "revision");
      const first = createInitialPrompt(context);
      const attempts = (await settleAll(Array.from({ length: chains }, (_, chain) => runChain(context, chain, rounds, first)))).flat();
      const outcomes: BudgetOutcome[] = [];
      for (const roundCount of options.rounds) {
        for (const chainCount of options.chains) {
          const covered = attempts.filter((attempt) => attempt.chain < chainCount && attempt.round < roundCount);
          for (const selection of options.selections) {
            const label = `revision/${roundCount}-rounds/${selection}`;
            outcomes.push(selectionOutcome(label, chainCount * roundCount, covered, (pool) => selectAttempt(selection, pool)));
          }
        }
      }
      return { attempts, outcomes };
    },
  };
}

/**
 * `selfdebug`: one chain of up to R rounds. Round 0 answers the task; after an answer fails the
 * public tests, the next round's prompt carries feedback on it (`none`, `tests` or a trace
 * representation). The chain's last answer is the selected one. Outcomes are reported for
 * every R of the grid, from the same chain (a run with fewer rounds is its prefix).
 */
import { z } from "zod";
import { grid, positiveInt, temperature } from "../config/grid.js";
import type { Strategy, StrategyDefinition } from "./strategy.js";
import { createInitialPrompt, maxBudget, requireProgramTask, runChain, selectionOutcome } from "./strategy.js";

export const selfDebugEntrySchema = z.strictObject({
  kind: z.literal("selfdebug"),
  label: z.string().min(1).optional().describe("report name of this entry; default selfdebug"),
  rounds: grid(positiveInt).describe("R: rounds including the first answer; every R listed is reported"),
  temperature: grid(temperature).default([0]),
});

export const selfDebugStrategy: StrategyDefinition<z.output<typeof selfDebugEntrySchema>> = {
  name: "selfdebug",
  entry: selfDebugEntrySchema,
  create: (entry) => createSelfDebugStrategy({ rounds: entry.rounds }),
  describe: (entry) => `R=${entry.rounds.join(",")}, T=${entry.temperature.join(",")}`,
};

export interface SelfDebugOptions {
  /** Total rounds (round 0 included) reported; max(R) rounds run at most. */
  rounds: readonly number[];
}

export function createSelfDebugStrategy(options: SelfDebugOptions): Strategy {
  const rounds = maxBudget(options.rounds, "selfdebug rounds");
  return {
    name: "selfdebug",
    usesFeedback: true,
    async run(context) {
      requireProgramTask(context, "selfdebug");
      const attempts = await runChain(context, 0, rounds, createInitialPrompt(context));
      // One final answer per chain: pass@k of a single sample is whether it passed.
      const outcomes = options.rounds.map((budget) => {
        const outcome = selectionOutcome(
          "selfdebug",
          budget,
          attempts.filter((attempt) => attempt.round < budget),
          (prefix) => prefix.at(-1),
        );
        return { ...outcome, n: 1, c: outcome.selectedPassed ? 1 : 0 };
      });
      return { attempts, outcomes };
    },
  };
}

/**
 * Planning a spec's grid. A configuration is one execution setting: model × strategy entry ×
 * temperature × representation. Budgets (N, R, chains) are not separate configurations: one
 * run at the largest budget reports every smaller one as its prefix. Each configuration ×
 * seed × task is a cell, the unit the run store finishes or resumes.
 */
import { createStrategy } from "../scaling/registry.js";
import type { ExperimentSpec, ModelSpec, StrategySpec } from "./spec.js";
import { strategyLabel } from "./spec.js";

export interface RunConfig {
  /** Readable and unique within the spec: `model|strategy|T=t|representation`. */
  key: string;
  modelIndex: number;
  model: ModelSpec;
  /** The model's name in the report. */
  modelLabel: string;
  strategy: StrategySpec;
  temperature: number;
  /** Feedback kind of the configuration's prompts; `none` for strategies and tasks without feedback. */
  representation: string;
  /** Appended to each outcome's strategy label: names the temperature when the entry lists several. */
  labelSuffix: string;
}

export interface Cell {
  config: RunConfig;
  taskId: string;
  seed: number;
}

export interface ExperimentPlan {
  configs: RunConfig[];
  cells: Cell[];
}

export function planExperiment(spec: ExperimentSpec, taskIds: readonly string[]): ExperimentPlan {
  const configs: RunConfig[] = [];
  spec.models.forEach((model, modelIndex) => {
    const modelLabel = model.label ?? model.id;
    for (const strategy of spec.strategies) {
      // A repair prompt carries feedback on the candidate from the first round, whatever the strategy.
      const usesFeedback = createStrategy(strategy).usesFeedback || spec.task.name === "repair";
      const representations = usesFeedback ? spec.representations : ["none"];
      for (const temperature of strategy.temperature) {
        for (const representation of representations) {
          configs.push({
            key: [modelLabel, strategyLabel(strategy), `T=${temperature}`, representation].join("|"),
            modelIndex,
            model,
            modelLabel,
            strategy,
            temperature,
            representation,
            labelSuffix: strategy.temperature.length > 1 ? `/T=${temperature}` : "",
          });
        }
      }
    }
  });
  const cells = configs.flatMap((config) => spec.seeds.flatMap((seed) => taskIds.map((taskId) => ({ config, taskId, seed }))));
  return { configs, cells };
}

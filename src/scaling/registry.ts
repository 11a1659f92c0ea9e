/** The strategy registry: `parallel`, `selfdebug`, `revision`, and any a user registers. */
import { createRegistry } from "../core/registry.js";
import { parallelStrategy } from "./parallel.js";
import { revisionStrategy } from "./revision.js";
import { selfDebugStrategy } from "./selfdebug.js";
import type { Strategy, StrategyDefinition, StrategyEntry } from "./strategy.js";

export const strategies = createRegistry<StrategyDefinition>({ kind: "strategy", entries: [parallelStrategy, selfDebugStrategy, revisionStrategy] });

/** The strategy a spec entry describes, built by the registered strategy of its kind. */
export function createStrategy(entry: StrategyEntry): Strategy {
  return strategies.get(entry.kind).create(entry);
}

/** Every built-in strategy passes the shared strategy suite. */
import { describe, expect, it } from "vitest";
import { strategies } from "../../src/scaling/registry.js";
import { strategyConformance } from "./strategy-conformance.js";

/** The smallest grid of each built-in that still has feedback rounds to run. */
const entries: Record<string, Record<string, unknown>> = {
  parallel: { kind: "parallel", samples: [1, 2], selection: ["oracle", "majority"] },
  selfdebug: { kind: "selfdebug", rounds: [1, 2] },
  revision: { kind: "revision", chains: [1, 2], rounds: 2 },
};

describe("strategy registry", () => {
  it("has a conformance case for every built-in strategy", () => {
    expect(strategies.names()).toEqual(Object.keys(entries));
  });
});

for (const definition of strategies.list()) strategyConformance(definition, entries[definition.name]!);

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StrategyDefinition } from "../../src/scaling/strategy.js";
import { type Harness, type ProgramChooser, fence, startHarness } from "./strategy-harness.js";

/** Round 0: the problem's buggy candidate; later rounds: its reference. */
const fixedAfterFeedback: ProgramChooser = ({ problem, unit }) => fence(unit.round === 0 ? problem.candidate! : problem.reference!);

/**
 * The suite every strategy passes: its spec entry is strict and typed by kind, it runs on real
 * components with the outcomes a report needs, its `usesFeedback` says what its prompts carry,
 * and a rerun on the same journal asks the model nothing.
 */
export function strategyConformance(definition: StrategyDefinition, entry: Record<string, unknown>): void {
  describe(`${definition.name} strategy conformance`, () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness(fixedAfterFeedback);
    });
    afterAll(() => harness.close());

    it("reads a strict spec entry of its own kind", () => {
      const parsed = definition.entry.parse({ ...entry, kind: definition.name });
      expect(parsed.kind).toBe(definition.name);
      expect(parsed.temperature.length).toBeGreaterThan(0);
      expect(definition.entry.safeParse({ ...entry, kind: `${definition.name}-other` }).success).toBe(false);
      expect(definition.entry.safeParse({ ...entry, kind: definition.name, unknownKey: 1 }).success).toBe(false);
      expect(definition.describe(parsed)).toMatch(/^\S.*T=/);
      expect(definition.create(parsed).name).toBe(definition.name);
    });

    it("reports labelled outcomes of its attempts, carries feedback only when it says so, and resumes from its journal", async () => {
      const strategy = definition.create(definition.entry.parse(entry));
      const context = await harness.context("fixture/sum_list", { feedbackKind: "tests" });
      const before = harness.server.requests.length;
      const result = await strategy.run(context);
      expect(harness.server.requests.length - before).toBe(result.attempts.length);
      const units = result.attempts.map((attempt) => `${attempt.chain}/${attempt.round}`);
      expect(new Set(units).size).toBe(units.length);
      expect(result.outcomes.length).toBeGreaterThan(0);
      for (const outcome of result.outcomes) {
        expect(outcome.strategy.split("/")[0]).toBe(definition.name);
        expect(Number.isInteger(outcome.budget) && outcome.budget > 0).toBe(true);
        expect(outcome.c).toBeLessThanOrEqual(outcome.n);
        expect(outcome.llmCalls).toBeLessThanOrEqual(result.attempts.length);
      }
      const withFeedback = result.attempts.filter((attempt) => attempt.feedback !== undefined);
      if (strategy.usesFeedback) expect(withFeedback.length).toBeGreaterThan(0);
      else expect(withFeedback).toEqual([]);

      const again = await strategy.run(context);
      expect(harness.server.requests.length - before).toBe(result.attempts.length);
      expect(again).toEqual(result);
    });
  });
}

import { describe, expect, it } from "vitest";
import { emptyClipReport } from "../../src/representations/clip.js";
import { resolveRenderOptions } from "../../src/representations/options.js";
import { actualLabel, isFailing, selectTests } from "../../src/representations/test-facts.js";
import type { Outcome } from "../../src/core/trace.js";
import { buildTrace } from "../trace/trace-builder.js";

const returning = (repr: string, call = "f()") =>
  buildTrace({ input: { kind: "call", call }, outcome: { kind: "returned", value: { repr, type: "object" } }, events: [] });
const ending = (outcome: Outcome) => buildTrace({ outcome, events: [] });

describe("isFailing", () => {
  it("compares reprs up to spacing outside strings and a float tolerance", () => {
    expect(isFailing({ trace: returning("[1, 2]"), expected: "[1,2]" })).toBe(false);
    expect(isFailing({ trace: returning("'a b'"), expected: "'ab'" })).toBe(true);
    expect(isFailing({ trace: returning("0.30000000000000004"), expected: "0.3" })).toBe(false);
    expect(isFailing({ trace: returning("0.31"), expected: "0.3" })).toBe(true);
    expect(isFailing({ trace: returning("1") })).toBe(false);
    expect(isFailing({ trace: ending({ kind: "timeout" }) })).toBe(true);
  });

  it("compares stdout line by line, ignoring trailing spaces", () => {
    const trace = buildTrace({ input: { kind: "stdin", stdin: "" }, stdout: "6  \n", events: [] });
    expect(isFailing({ trace, expected: "6\n" })).toBe(false);
    expect(isFailing({ trace, expected: "7\n" })).toBe(true);
  });
});

describe("selectTests", () => {
  it("shows failing tests in order up to maxTests and counts the rest", () => {
    const clip = emptyClipReport();
    const tests = [
      { trace: returning("1", "f(1)"), expected: "1" },
      { trace: returning("2", "f(2)"), expected: "[3]" },
      { trace: returning("4", "f(4)"), expected: "5" },
      { trace: returning("6", "f(6)"), expected: "7" },
    ];
    const { shown, omitted } = selectTests({ program: "", tests }, resolveRenderOptions({ maxTests: 2 }), clip);
    expect(shown.map((facts) => [facts.number, facts.inputText, facts.expected, facts.actual])).toEqual([
      [1, "f(2)", "[3]", { kind: "value", text: "2" }],
      [2, "f(4)", "5", { kind: "value", text: "4" }],
    ]);
    expect(omitted).toBe(1);
    expect(clip.testsOmitted).toBe(1);
  });

  it("shows all tests when none fails", () => {
    const tests = [{ trace: returning("1") }, { trace: returning("2") }];
    expect(selectTests({ program: "", tests }, resolveRenderOptions(), emptyClipReport()).shown).toHaveLength(2);
  });

  it("describes errors, limits and stdin results", () => {
    const options = resolveRenderOptions();
    const describe = (outcome: Outcome) => {
      const { shown } = selectTests({ program: "", tests: [{ trace: ending(outcome) }] }, options, emptyClipReport());
      return actualLabel(shown[0]!.actual);
    };
    expect(describe({ kind: "raised", error: { type: "ValueError", message: "bad", line: 4 } })).toBe("raised ValueError: bad (line 4)");
    expect(describe({ kind: "syntax-error", error: { type: "SyntaxError", message: "invalid syntax", line: 2 } })).toBe(
      "raised SyntaxError: invalid syntax (line 2)",
    );
    expect(describe({ kind: "timeout", detail: "interrupted after 10 ms" })).toBe("timeout (interrupted after 10 ms)");
    expect(describe({ kind: "step-limit", value: { repr: "3", type: "int" }, detail: "recording stopped" })).toBe("3");
    expect(describe({ kind: "crashed" })).toBe("crashed");
    const stdin = buildTrace({ input: { kind: "stdin", stdin: "1\n" }, stdout: "2\n", events: [] });
    const [facts] = selectTests({ program: "", tests: [{ trace: stdin, expected: "3\n" }] }, options, emptyClipReport()).shown;
    expect([facts!.inputText, facts!.expected, facts!.actual]).toEqual(["'1\\n'", "'3\\n'", { kind: "value", text: "'2\\n'" }]);
  });
});

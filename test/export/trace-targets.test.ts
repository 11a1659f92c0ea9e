/** Trace prediction targets on self-written programs, traced in Pyodide: pinned texts, replay, and perturbed targets caught. */
import { afterAll, describe, expect, it } from "vitest";
import type { Trace } from "../../src/core/trace.js";
import { FRAMES_HEADER, TRACE_TARGET_FORMATS, renderTarget, replayTarget, type TraceTargetFormat } from "../../src/export/build/trace-targets.js";
import { createRuntime } from "../../src/runtime/index.js";
import { LOOP_PROGRAM } from "../reasoning/programs.js";

const runtime = createRuntime("pyodide", { poolSize: 1 });
afterAll(() => runtime.close());

const FACT = "def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\n";
const RAISING = 'def g(x):\n    y = h(x)\n    return y\n\ndef h(x):\n    if x < 0:\n        raise ValueError("neg")\n    return x\n';
/** A value whose repr has `; ` and `, name=` outside brackets: `<re.Match object; span=(1, 3), match='bb'>`. */
const MATCH = 'import re\n\ndef find(text):\n    m = re.search(r"b+", text)\n    return m.span()\n';
const NEVER = 'def skip(flag):\n    if flag:\n        return "yes"\n    out = []\n    return out\n';

const trace = (program: string, call: string): Promise<Trace> => runtime.trace({ program, input: { kind: "call", call } });
const traces = {
  recursion: { program: FACT, trace: await trace(FACT, "fact(2)") },
  loop: { program: LOOP_PROGRAM, trace: await trace(LOOP_PROGRAM, "f([1, 0, 5])") },
  raising: { program: RAISING, trace: await trace(RAISING, "g(-1)") },
  never: { program: NEVER, trace: await trace(NEVER, "skip(False)") },
  match: { program: MATCH, trace: await trace(MATCH, "find('abba')") },
};

describe("trace prediction targets", () => {
  it("pins recursion in every format", () => {
    const { program, trace: recursion } = traces.recursion;
    expect(renderTarget("scratchpad", recursion, program)).toBe(
      [
        "def fact(n):  # (1) call n=2; (4) call n=1",
        "    if n <= 1:  # (2); (5)",
        "        return 1  # (6); (7) return 1",
        "    return n * fact(n - 1)  # (3); (8) return 2",
      ].join("\n"),
    );
    expect(renderTarget("monologue", recursion, program)).toBe(
      [
        "Call fact(n = 2) at line 1.",
        "Line 2 `if n <= 1:`: no change.",
        "Line 4 `return n * fact(n - 1)`: no change.",
        "Call fact(n = 1) at line 1.",
        "Line 2 `if n <= 1:`: no change.",
        "Line 3 `return 1`: no change.",
        "Line 3: fact returns 1.",
        "Line 4: fact returns 2.",
      ].join("\n"),
    );
    expect(renderTarget("frames", recursion, program)).toBe(
      [FRAMES_HEADER, 'C 0 fact 1 {"n":"2"}', "L 0 2 {}", "L 0 4 {}", 'C 1 fact 1 {"n":"1"}', "L 1 2 {}", "L 1 3 {}", 'R 1 3 "1"', 'R 0 4 "2"'].join("\n"),
    );
  });

  it("pins a caught exception in a loop, and an exception that leaves two frames", () => {
    const loop = renderTarget("scratchpad", traces.loop.trace, traces.loop.program).split("\n");
    expect(loop[9]).toBe("            total += 10 // x  # (5) total=10; (8); (9) raise ZeroDivisionError: integer division or modulo by zero; (14) total=11");
    expect(loop[11]).toBe("            total -= 1  # (11) total=9");
    expect(loop[13]).toBe("        total = 100");
    expect(renderTarget("monologue", traces.raising.trace, traces.raising.program).split("\n").slice(-4)).toEqual([
      "Line 7 raises ValueError: neg.",
      "Line 7: h stops, the exception propagates.",
      "Line 2 raises ValueError: neg.",
      "Line 2: g stops, the exception propagates.",
    ]);
    expect(renderTarget("frames", traces.raising.trace, traces.raising.program).split("\n").slice(-2)).toEqual(['E 0 2 "ValueError: neg"', "R 0 2 null"]);
  });

  it("replays every target against its trace, object reprs with separators in them too", () => {
    expect(renderTarget("scratchpad", traces.match.trace, traces.match.program).split("\n")[3]).toBe(
      "    m = re.search(r\"b+\", text)  # (2) m=<re.Match object; span=(1, 3), match='bb'>",
    );
    for (const { program, trace: traced } of Object.values(traces)) {
      for (const format of TRACE_TARGET_FORMATS) expect(replayTarget(format, renderTarget(format, traced, program), traced, program)).toEqual({ ok: true });
    }
  });

  const perturbations: Record<TraceTargetFormat, [label: string, from: string | RegExp, to: string][]> = {
    scratchpad: [
      ["a changed value", "total=10;", "total=11;"],
      ["a dropped step", "; (14) total=11", ""],
      ["a return value", "return 17", "return 18"],
      ["an edited program line", "if total > 100:", "if total >= 100:"],
    ],
    monologue: [
      ["a changed value", "`total += 10 // x`: total = 10.", "`total += 10 // x`: total = 12."],
      ["a wrong line number", "Line 12 `total -= 1`", "Line 13 `total -= 1`"],
      ["a missing exception", /Line 10 raises [^\n]*\n/, ""],
    ],
    frames: [
      ["a changed value", 'L 0 10 {"total":"10"}', 'L 0 10 {"total":"9"}'],
      ["a wrong depth", 'C 1 fact 1 {"n":"3"}', 'C 0 fact 1 {"n":"3"}'],
      ["a missing header", FRAMES_HEADER, ""],
      ["a broken JSON value", 'R 0 15 "17"', "R 0 15 17"],
    ],
  };

  for (const format of TRACE_TARGET_FORMATS) {
    it.each(perturbations[format])(`${format}: catches %s`, (_, from, to) => {
      const { program, trace: traced } = traces.loop;
      const target = renderTarget(format, traced, program);
      const perturbed = target.replace(from, to);
      expect(perturbed).not.toBe(target);
      const replay = replayTarget(format, perturbed, traced, program);
      expect(replay.ok).toBe(false);
    });
  }

  it("names the first step that differs", () => {
    const { program, trace: traced } = traces.loop;
    const perturbed = renderTarget("frames", traced, program).replace('L 0 10 {"total":"10"}', 'L 0 10 {"total":"9"}');
    expect(replayTarget("frames", perturbed, traced, program)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^step 5: the target says .*"9".*, the trace .*"10"/),
    });
  });
});

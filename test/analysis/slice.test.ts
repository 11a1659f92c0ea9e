/** Exact dynamic slices of real traces of small programs, one per kind of dependence, on both runtimes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sliceTrace } from "../../src/analysis/slice.js";
import type { Trace, TraceInput } from "../../src/core/trace.js";
import { createRuntime } from "../../src/runtime/index.js";
import type { Runtime } from "../../src/runtime/runtime.js";
import { buildTrace, frame } from "../trace/trace-builder.js";

function sliced(trace: Trace) {
  const slice = sliceTrace(trace);
  expect(slice.fromStatements).toBe(true);
  return slice;
}

describe.each(["pyodide", "cpython"])("dynamic backward slices (%s)", (runtimeName) => {
  let runtime: Runtime;
  beforeAll(() => {
    runtime = createRuntime(runtimeName);
  });
  afterAll(() => runtime.close());
  const traced = (program: string, call: string): Promise<Trace> => runtime.trace({ program, input: { kind: "call", call } });

  it("follows a loop and a branch, and leaves out lines that ran but do not matter", async () => {
    const program = [
      "def f(xs):",
      "    total = 0",
      "    count = 0",
      "    for x in xs:",
      "        count += 1",
      "        if x > 0:",
      "            total += x",
      "    return total",
    ].join("\n");
    const slice = sliced(await traced(program, "f([1, -2, 3])"));
    expect(slice.criterion.kind).toBe("returned");
    expect(slice.lines).toEqual([2, 4, 6, 7, 8]);
  });

  it("keeps only the branch taken and what its condition read", async () => {
    const program = ["def sign(x):", '    label = "n/a"', "    if x > 0:", "        s = 1", "    else:", "        s = -1", "    return s"].join("\n");
    expect(sliced(await traced(program, "sign(-5)")).lines).toEqual([3, 6, 7]);
  });

  it("goes into a helper through its arguments and comes back through its return value", async () => {
    const program = [
      "def scale(v, k):",
      "    unused = v * 2",
      "    return v * k",
      "",
      "def g(a, b):",
      "    c = a + 1",
      "    d = b * 10",
      "    return scale(c, 3)",
    ].join("\n");
    expect(sliced(await traced(program, "g(1, 2)")).lines).toEqual([3, 6, 8]);
  });

  it("follows recursion through every level", async () => {
    const program = ["def fact(n):", "    if n <= 1:", "        return 1", "    return n * fact(n - 1)"].join("\n");
    const trace = await traced(program, "fact(3)");
    const slice = sliced(trace);
    expect(slice.lines).toEqual([2, 3, 4]);
    // Every instance of every level is needed: the slice is the whole trace.
    expect(slice.eventIndices.length).toBe(trace.events.length);
  });

  it("counts an in-place method call as a write of the object's name", async () => {
    const program = [
      "def collect(xs):",
      "    out = []",
      "    seen = set()",
      "    for x in xs:",
      "        seen.add(x)",
      "        if x % 2 == 0:",
      "            out.append(x)",
      "    return out",
    ].join("\n");
    expect(sliced(await traced(program, "collect([1, 2, 3, 4])")).lines).toEqual([2, 4, 6, 7, 8]);
  });

  it("starts from the statement that raised", async () => {
    const program = [
      "def parse(items):",
      "    total = 0",
      '    label = "sum"',
      "    for item in items:",
      "        total += int(item)",
      "    return total",
    ].join("\n");
    const trace = await traced(program, 'parse(["1", "x"])');
    const slice = sliced(trace);
    expect(slice.criterion.kind).toBe("raised");
    const [statement] = slice.criterion.eventIndices;
    expect(trace.events[statement!]).toMatchObject({ kind: "line", line: 5 });
    expect(slice.lines).toEqual([2, 4, 5]);
  });

  it("starts from the raise in a helper and follows it back to the caller's loop", async () => {
    const program = [
      "def check(v):",
      "    if v < 0:",
      '        raise ValueError("negative")',
      "    return v",
      "",
      "def run(vs):",
      "    note = len(vs)",
      "    total = 0",
      "    for v in vs:",
      "        total += check(v)",
      "    return total",
    ].join("\n");
    const trace = await traced(program, "run([1, -1])");
    const slice = sliced(trace);
    expect(trace.events[slice.criterion.eventIndices[0]!]).toMatchObject({ kind: "line", line: 3, function: "check" });
    expect(slice.lines).toEqual([2, 3, 4, 8, 9, 10]);
  });

  it("keeps the output of a script and what it printed", async () => {
    const program = ["n = int(input())", "debug = n * 2", "print(n + 1)"].join("\n");
    const input: TraceInput = { kind: "stdin", stdin: "4\n" };
    const slice = sliced(await runtime.trace({ program, input }));
    expect(slice.criterion.kind).toBe("output");
    expect(slice.lines).toEqual([1, 3]);
  });
});

describe("slices of traces without a statement table", () => {
  it("keep every step", () => {
    const f = frame("f", 0);
    const trace = buildTrace({
      events: [f.call(1), f.line(2), f.line(3), f.returns(3, "1")],
      outcome: { kind: "returned", value: { repr: "1", type: "int" } },
    });
    const slice = sliceTrace(trace);
    expect(slice.fromStatements).toBe(false);
    expect(slice.steps).toEqual([0, 1, 2, 3]);
    expect(slice.criterion.eventIndices).toEqual([2, 3]);
  });
});

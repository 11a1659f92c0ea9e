import { describe, expect, it } from "vitest";
import { buildCallTree, indexFrames } from "../../src/trace/frames.js";
import { countLineRuns, groupEventsByLine } from "../../src/trace/lines.js";
import { buildTrace, change, frame } from "./trace-builder.js";

const main = frame("main", 0);
const helper = frame("helper", 1);
const inner = frame("inner", 2);

// main calls helper twice; the second helper call calls inner, which raises through both.
const trace = buildTrace({
  events: [
    main.call(5, change("n", "2")), // 0
    main.line(6), // 1
    helper.call(1, change("v", "1")), // 2
    helper.line(2), // 3
    helper.returns(2, "2"), // 4
    main.line(7, change("a", "2")), // 5
    helper.call(1, change("v", "-1")), // 6
    helper.line(2), // 7
    inner.call(10), // 8
    inner.line(11), // 9
    inner.raises(11, "ValueError", "bad"), // 10
    inner.unwinds(11), // 11
    helper.raises(2, "ValueError", "bad", 11), // 12
    helper.unwinds(2), // 13
    main.raises(7, "ValueError", "bad", 11), // 14
    main.line(8), // 15
  ],
});

describe("indexFrames", () => {
  const index = indexFrames(trace.events);

  it("opens one frame per call, in order of entry, with parents and children", () => {
    expect(index.frames.map((f) => [f.id, f.function, f.depth, f.parent])).toEqual([
      [0, "main", 0, undefined],
      [1, "helper", 1, 0],
      [2, "helper", 1, 0],
      [3, "inner", 2, 2],
    ]);
    expect(index.frames[0]!.children).toEqual([1, 2]);
    expect(index.frameOf).toEqual([0, 0, 1, 1, 1, 0, 2, 2, 3, 3, 3, 3, 2, 2, 0, 0]);
  });

  it("records own events, spans with nested calls, arguments and exits", () => {
    const [first, second, , deepest] = [index.frames[0]!, index.frames[1]!, index.frames[2]!, index.frames[3]!];
    expect(first.eventIndices).toEqual([0, 1, 5, 14, 15]);
    expect([first.start, first.end]).toEqual([0, 15]);
    expect([index.frames[2]!.start, index.frames[2]!.end]).toEqual([6, 13]);
    expect(second.arguments).toEqual([change("v", "1")]);
    expect(second.exit).toEqual({ kind: "returned", value: { repr: "2", type: "int" }, eventIndex: 4 });
    // The unwinding return's placeholder error is replaced by the exception seen in that frame.
    expect(deepest.exit).toEqual({ kind: "raised", error: { type: "ValueError", message: "bad", line: 11 }, eventIndex: 11 });
    expect(first.exit).toEqual({ kind: "unfinished" });
  });

  it("starts an implicit frame for events without a call (a trace cut short, a module)", () => {
    const cut = indexFrames(buildTrace({ events: [helper.line(2), main.line(7)] }).events);
    expect(cut.frames.map((f) => [f.function, f.depth, f.parent, f.arguments])).toEqual([
      ["helper", 1, undefined, []],
      ["main", 0, undefined, []],
    ]);
  });
});

describe("buildCallTree", () => {
  it("nests frames under their callers", () => {
    const tree = buildCallTree(indexFrames(trace.events));
    const shape = (node: (typeof tree)[number]): unknown => [node.frame.function, node.children.map(shape)];
    expect(tree.map(shape)).toEqual([
      [
        "main",
        [
          ["helper", []],
          ["helper", [["inner", []]]],
        ],
      ],
    ]);
  });
});

describe("line grouping", () => {
  it("groups event indices per line in ascending line order", () => {
    const byLine = groupEventsByLine(trace.events, ["line"]);
    expect([...byLine.entries()]).toEqual([
      [2, [3, 7]],
      [6, [1]],
      [7, [5]],
      [8, [15]],
      [11, [9]],
    ]);
  });

  it("counts runs (line and call events) within a span", () => {
    expect([...countLineRuns(trace.events, 2, 7).entries()]).toEqual([
      [1, 2],
      [2, 2],
      [7, 1],
    ]);
  });
});

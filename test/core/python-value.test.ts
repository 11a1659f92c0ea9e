import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parsePythonLiteral } from "../../src/datasets/python-literal.js";
import {
  type PyValue,
  pythonComplexRepr,
  pythonEquals,
  pythonFloatRepr,
  pythonStringRepr,
  renderArguments,
  renderPython,
} from "../../src/core/python-value.js";

// Expected strings were printed by CPython 3 `repr`.
const floatReprs: Array<[number, string]> = [
  [1, "1.0"],
  [0.1, "0.1"],
  [-0, "-0.0"],
  [1e16, "1e+16"],
  [1e15, "1000000000000000.0"],
  // biome-ignore lint/correctness/noPrecisionLoss: the repr of a literal that loses precision is the point
  [123456789012345678, "1.2345678901234568e+17"],
  [1e-4, "0.0001"],
  [1e-5, "1e-05"],
  [1.5e-7, "1.5e-07"],
  [2.5e16, "2.5e+16"],
  [1e22, "1e+22"],
  [1e100, "1e+100"],
  [5e-324, "5e-324"],
  [1.7976931348623157e308, "1.7976931348623157e+308"],
  [0.30000000000000004, "0.30000000000000004"],
  [100, "100.0"],
  [12345.678, "12345.678"],
  [1 / 3, "0.3333333333333333"],
  [-2.5e-10, "-2.5e-10"],
  // biome-ignore lint/correctness/noPrecisionLoss: as above, 2^53 + 1 reads as 2^53
  [9007199254740993, "9007199254740992.0"],
];

describe("pythonFloatRepr", () => {
  it.each(floatReprs)("repr(%d) is %s", (value, expected) => {
    expect(pythonFloatRepr(value)).toBe(expected);
  });

  it("names the non-finite values as Python does", () => {
    expect(pythonFloatRepr(Infinity)).toBe("inf");
    expect(pythonFloatRepr(-Infinity)).toBe("-inf");
    expect(pythonFloatRepr(Number.NaN)).toBe("nan");
  });

  it("round-trips every double and always reads as a float", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = pythonFloatRepr(value);
        expect(Object.is(Number(text), value)).toBe(true);
        expect(text).toMatch(/[.e]/);
      }),
    );
  });
});

describe("pythonStringRepr", () => {
  it.each([
    ["abc", "'abc'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ["tab\there\nnl\r", "'tab\\there\\nnl\\r'"],
    ["\x00\x1f\x7f", "'\\x00\\x1f\\x7f'"],
    ["é", "'é'"],
    ["\u2028", "'\\u2028'"],
    ["\u{1F600}", "'\u{1F600}'"],
    ["\xa0", "'\\xa0'"],
    ["\u00ad", "'\\xad'"],
    ["\\ back", "'\\\\ back'"],
    ["\ud800", "'\\ud800'"],
  ])("repr(%j) is %s", (text, expected) => {
    expect(pythonStringRepr(text)).toBe(expected);
  });
});

describe("complex numbers", () => {
  it.each([
    [1, 2, "(1+2j)"],
    [1, -2, "(1-2j)"],
    [0, 1, "1j"],
    [0, 0, "0j"],
    [-1.5, 0.5, "(-1.5+0.5j)"],
    [1e16, 1e-5, "(1e+16+1e-05j)"],
    [2, 0, "(2+0j)"],
  ])("repr(complex(%d, %d)) is %s", (real, imag, expected) => {
    expect(pythonComplexRepr(real, imag)).toBe(expected);
  });

  it("spells out the values whose repr would not evaluate back to them", () => {
    expect(renderPython({ type: "complex", real: 0, imag: -1 })).toBe("complex(0.0, -1.0)");
    expect(renderPython({ type: "complex", real: -0, imag: -1 })).toBe("complex(-0.0, -1.0)");
    expect(renderPython({ type: "complex", real: Infinity, imag: 0 })).toBe("complex(float('inf'), 0.0)");
    expect(renderPython({ type: "complex", real: 3, imag: -4 })).toBe("(3-4j)");
  });
});

describe("renderPython", () => {
  it("writes containers as Python does", () => {
    const value: PyValue = {
      type: "list",
      items: [
        { type: "tuple", items: [{ type: "int", value: 1n }] },
        { type: "tuple", items: [] },
        { type: "set", items: [] },
        { type: "set", items: [{ type: "int", value: 2n }] },
        { type: "dict", entries: [[{ type: "str", value: "k" }, { type: "none" }]] },
        { type: "bool", value: true },
        { type: "int", value: 12345678901234567890n },
        { type: "float", value: Number.NaN },
      ],
    };
    expect(renderPython(value)).toBe("[(1,), (), set(), {2}, {'k': None}, True, 12345678901234567890, float('nan')]");
  });

  it("joins positional arguments", () => {
    expect(
      renderArguments([
        { type: "str", value: "a" },
        { type: "float", value: 2 },
      ]),
    ).toBe("'a', 2.0");
    expect(renderArguments([])).toBe("");
  });

  it("is read back to an equal value by the literal parser", () => {
    const leaf = fc.oneof(
      fc.constant<PyValue>({ type: "none" }),
      fc.boolean().map((value): PyValue => ({ type: "bool", value })),
      fc.bigInt().map((value): PyValue => ({ type: "int", value })),
      fc.double({ noNaN: true }).map((value): PyValue => ({ type: "float", value })),
      fc.string({ unit: "grapheme" }).map((value): PyValue => ({ type: "str", value })),
      fc.tuple(fc.double({ noNaN: true }), fc.double({ noNaN: true })).map(([real, imag]): PyValue => ({ type: "complex", real, imag })),
    );
    const value = fc.letrec<{ value: PyValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("value"), { maxLength: 4 }).map((items): PyValue => ({ type: "list", items })),
        fc.array(tie("value"), { maxLength: 4 }).map((items): PyValue => ({ type: "tuple", items })),
      ),
    })).value;
    fc.assert(
      fc.property(value, (original) => {
        const parsed = parsePythonLiteral(renderPython(original));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(sameValue(parsed.value, original)).toBe(true);
      }),
    );
  });
});

describe("pythonEquals", () => {
  it("follows Python's numeric equality across types", () => {
    expect(pythonEquals({ type: "int", value: 1n }, { type: "float", value: 1 })).toBe(true);
    expect(pythonEquals({ type: "bool", value: true }, { type: "int", value: 1n })).toBe(true);
    expect(pythonEquals({ type: "complex", real: 2, imag: 0 }, { type: "int", value: 2n })).toBe(true);
    expect(pythonEquals({ type: "int", value: 2n ** 60n + 1n }, { type: "float", value: 2 ** 60 })).toBe(false);
    expect(pythonEquals({ type: "list", items: [] }, { type: "tuple", items: [] })).toBe(false);
  });
});

/** Equal, with the same types all the way down and the same sign of zero. */
function sameValue(left: PyValue, right: PyValue): boolean {
  if (left.type !== right.type) return false;
  if (left.type === "float") return Object.is(left.value, (right as { value: number }).value);
  if (left.type === "complex") {
    const other = right as { real: number; imag: number };
    return Object.is(left.real, other.real) && Object.is(left.imag, other.imag);
  }
  if (left.type === "list" || left.type === "tuple") {
    const items = (right as { items: PyValue[] }).items;
    return left.items.length === items.length && left.items.every((item, index) => sameValue(item, items[index] as PyValue));
  }
  return pythonEquals(left, right);
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonNumber, JsonObject, LosslessJsonError, jsonToPython, parseLosslessJson, toRecord } from "../../src/datasets/lossless-json.js";
import { renderPython } from "../../src/core/python-value.js";

const asPython = (text: string) => renderPython(jsonToPython(parseLosslessJson(text)));

describe("parseLosslessJson", () => {
  it("keeps integers beyond 2^53 exact, where JSON.parse does not", () => {
    expect(String(JSON.parse("12345678901234567890"))).not.toBe("12345678901234567890");
    expect(asPython("12345678901234567890")).toBe("12345678901234567890");
    expect(asPython("[-9999999999999999999999999, 9007199254740993]")).toBe("[-9999999999999999999999999, 9007199254740993]");
  });

  it("tells floats from ints as Python's json does", () => {
    expect(asPython("[1, 1.0, 1e5, -0, -0.0, 2.5E-3]")).toBe("[1, 1.0, 100000.0, 0, -0.0, 0.0025]");
    expect(asPython("0.12345678901234567890")).toBe("0.12345678901234568");
  });

  it("accepts NaN and the infinities, as Python's json.dumps writes them", () => {
    expect(asPython("[NaN, Infinity, -Infinity, 1e400]")).toBe("[float('nan'), float('inf'), float('-inf'), float('inf')]");
  });

  it("keeps object keys in source order, integer-like keys included", () => {
    expect(asPython('{"b": 1, "10": null, "a": true, "2": false}')).toBe("{'b': 1, '10': None, 'a': True, '2': False}");
  });

  it("gives a repeated key its first position and its last value", () => {
    expect(asPython('{"a": 1, "b": 2, "a": 3}')).toBe("{'a': 3, 'b': 2}");
  });

  it("decodes string escapes exactly, lone surrogates included", () => {
    expect(parseLosslessJson('"tab\\t \\"q\\" \\u00e9 \\ud83d\\ude00 \\ud800"')).toBe('tab\t "q" é \u{1F600} \ud800');
  });

  it("treats __proto__ as an ordinary key", () => {
    const record = toRecord(parseLosslessJson('{"__proto__": 1, "x": 2}')) as Record<string, unknown>;
    expect(Object.keys(record)).toEqual(["__proto__", "x"]);
  });

  it.each(["[1, 2", "{'a': 1}", "01", "[1,]", '"\u0001"', "1 2", "", "tru"])("rejects %j", (text) => {
    expect(() => parseLosslessJson(text)).toThrow(LosslessJsonError);
  });

  it("agrees with JSON.parse on everything JSON.parse reads exactly", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const text = JSON.stringify(value);
        expect(plain(parseLosslessJson(text))).toEqual(plain(JSON.parse(text)));
      }),
    );
  });

  it("represents numbers and objects by their classes", () => {
    const value = parseLosslessJson('{"n": 1.50}');
    expect(value).toBeInstanceOf(JsonObject);
    const [key, number] = (value as JsonObject).entries[0] as [string, JsonNumber];
    expect(key).toBe("n");
    expect(number.text).toBe("1.50");
    expect(number.isInteger).toBe(false);
  });
});

/** A comparable form: objects as sorted entries, numbers as JS numbers. */
function plain(value: unknown): unknown {
  if (value instanceof JsonNumber) return value.toNumber();
  if (value instanceof JsonObject) return plain(Object.fromEntries(value.entries));
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .sort(([left], [right]) => (left < right ? -1 : 1))
      .map(([key, item]) => [key, plain(item)]);
  }
  return value;
}

import { describe, expect, it } from "vitest";
import { parsePythonLiteral } from "../../src/datasets/python-literal.js";
import { renderPython } from "../../src/core/python-value.js";

function normalized(text: string): string | undefined {
  const parsed = parsePythonLiteral(text);
  return parsed.ok ? renderPython(parsed.value) : undefined;
}

describe("parsePythonLiteral", () => {
  it.each([
    ["5", "5"],
    ["-0.5", "-0.5"],
    ["6.00", "6.0"],
    ["1_000", "1000"],
    ["0x1f", "31"],
    ["1e3", "1000.0"],
    [".5", "0.5"],
    ["3.", "3.0"],
    ['"Example"', "'Example'"],
    ["'a' \"b\"", "'ab'"],
    ["r'\\d'", "'\\\\d'"],
    ["'\\x41\\u00e9\\n\\101'", "'Aé\\nA'"],
    ["'''tri'ple'''", `"tri'ple"`],
    ["[1, 2,]", "[1, 2]"],
    ["(1)", "1"],
    ["(1,)", "(1,)"],
    ["()", "()"],
    ["(None, 1)", "(None, 1)"],
    ["{'a': 1, 'b': [True, False]}", "{'a': 1, 'b': [True, False]}"],
    ["{'a': 1, 'a': 2}", "{'a': 2}"],
    ["{1, 2, 1, 1.0, True}", "{1, 2}"],
    ["{}", "{}"],
    ["set()", "set()"],
    ["1+2j", "(1+2j)"],
    ["(3 - 4j)", "(3-4j)"],
    ["-1j", "complex(-0.0, -1.0)"],
    ["float('inf')", "float('inf')"],
    ["complex(0.0, -1.0)", "complex(0.0, -1.0)"],
    ["[\n  1,\n  2\n]", "[1, 2]"],
  ])("reads %s as %s", (text, expected) => {
    expect(normalized(text)).toBe(expected);
  });

  it.each([
    "true",
    "x",
    "1 + 2",
    "[1, 2",
    "b'bytes'",
    "f'{x}'",
    "012",
    "'unterminated",
    "{[1]: 2}",
    "{[1], 2}",
    "1 2",
    "19 - 5 - 6 = 8",
    "'\\N{BULLET}'",
    "print(1)",
  ])("refuses %s", (text) => {
    const parsed = parsePythonLiteral(text);
    expect(parsed.ok).toBe(false);
  });

  it("keeps big integers exact", () => {
    expect(normalized("-123456789012345678901234567890")).toBe("-123456789012345678901234567890");
  });
});

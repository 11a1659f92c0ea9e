import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyClipReport } from "../../src/representations/clip.js";
import { escapeControlCharacters, formatError, formatValue, pythonStringRepr, shortenRepr } from "../../src/representations/values.js";

describe("shortenRepr", () => {
  it("leaves values within the width alone", () => {
    expect(shortenRepr("[1, 2, 3]", 20)).toEqual({ text: "[1, 2, 3]", elided: 0 });
  });

  it("keeps head and tail around a marker that counts the elided characters, cutting at separators", () => {
    const repr = `[${Array.from({ length: 30 }, (_, index) => index).join(", ")}]`;
    const { text, elided } = shortenRepr(repr, 40);
    expect(text).toBe("[0, 1, 2, 3, 4, …(85 chars)…, 28, 29]");
    expect(text.length).toBeLessThanOrEqual(40);
    expect(elided).toBe(85);
    expect(text.replace(`…(${elided} chars)…`, "").length + elided).toBe(repr.length);
  });

  it("never cuts inside an escape sequence", () => {
    const repr = `'${"\\x1b".repeat(20)}'`;
    const { text } = shortenRepr(repr, 30);
    const [head, tail] = text.split(/…\(\d+ chars\)…/);
    expect(head).toMatch(/^'(\\x1b)*$/);
    expect(tail).toMatch(/^(\\x1b)*'$/);
  });

  it("holds for any text: within the width, a prefix and a suffix, and whole escapes and code points", () => {
    const piece = fc.constantFrom("a", ", ", "\\n", "\\\\", "\\x0a", "\\u2028", "\\U0001f600", "😀", "é", "'");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), fc.integer({ min: 20, max: 60 }), (pieces, width) => {
        const repr = pieces.join("");
        const { text, elided } = shortenRepr(repr, width);
        if (elided === 0) {
          expect(text).toBe(repr);
          return;
        }
        expect(text.length).toBeLessThanOrEqual(width);
        const marker = `…(${elided} chars)…`;
        const at = text.indexOf(marker);
        const head = text.slice(0, at);
        const tail = text.slice(at + marker.length);
        expect(repr.startsWith(head) && repr.endsWith(tail)).toBe(true);
        expect(head.length + elided + tail.length).toBe(repr.length);
        // Cut points lie between whole escapes and code points (a ", " separator is two of them).
        const units = pieces.flatMap((p) => (p === ", " ? [",", " "] : [p]));
        let end = 0;
        const boundaries = new Set([0, ...units.map((p) => (end += p.length))]);
        expect(boundaries.has(head.length)).toBe(true);
        expect(boundaries.has(repr.length - tail.length)).toBe(true);
      }),
    );
  });
});

describe("formatValue", () => {
  it("counts shortened values and values the tracer had already capped", () => {
    const clip = emptyClipReport();
    expect(formatValue({ repr: "[1, 2, …, 9]", type: "list", truncated: true, size: 9 }, 80, clip)).toBe("[1, 2, …, 9]");
    formatValue("x".repeat(100), 30, clip);
    expect(clip.valuesCappedByTracer).toBe(1);
    expect(clip.valuesShortened).toBe(1);
  });

  it("makes a value single-line", () => {
    expect(escapeControlCharacters("a\nb\r\tc\u0001\u2028")).toBe("a\\nb\\r\\tc\\x01\\u2028");
    expect(formatValue("<Node\nobject>", 80, emptyClipReport())).toBe("<Node\\nobject>");
  });

  it("formats errors traceback style", () => {
    const clip = emptyClipReport();
    expect(formatError({ type: "KeyError", message: "'x'" }, 80, clip)).toBe("KeyError: 'x'");
    expect(formatError({ type: "StopIteration", message: "" }, 80, clip)).toBe("StopIteration");
  });
});

describe("pythonStringRepr", () => {
  it("quotes like Python's repr", () => {
    expect(pythonStringRepr("3\n1 2\n")).toBe("'3\\n1 2\\n'");
    expect(pythonStringRepr("it's")).toBe(`"it's"`);
    expect(pythonStringRepr(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pythonStringRepr("a\\b\t\u0000")).toBe("'a\\\\b\\t\\x00'");
  });
});

/**
 * A parser for Python literal expressions, the subset `ast.literal_eval` accepts that carries
 * plain data: numbers (with `a+bj` complex forms), str (with prefixes r/u and implicit
 * concatenation), True/False/None, tuples, lists, dicts, sets, plus the calls `renderPython`
 * writes (`set()`, `float('inf')`, `complex(re, im)`). Bytes, f-strings and anything else are
 * refused: the caller skips what it cannot read rather than guess.
 */
import { type PyValue, isHashable, pythonEquals } from "../core/python-value.js";

export type LiteralParseResult = { ok: true; value: PyValue } | { ok: false; error: string };

export function parsePythonLiteral(text: string): LiteralParseResult {
  try {
    const parser = new LiteralParser(text);
    const value = parser.parseExpression();
    parser.expectEnd();
    return { ok: true, value };
  } catch (error) {
    if (error instanceof LiteralSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

class LiteralSyntaxError extends Error {}

const numberPattern =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/;
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*/;
const stringStartPattern = /^([rRuU]?)('''|"""|'|")/;

class LiteralParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseExpression(): PyValue {
    const left = this.parseUnary();
    this.skipSpace();
    const operator = this.text[this.position];
    if (operator !== "+" && operator !== "-") return left;
    this.position += 1;
    const right = this.parseUnary();
    return combineComplex(left, right, operator);
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.position < this.text.length) this.fail(`unexpected text at offset ${this.position}`);
  }

  private parseUnary(): PyValue {
    this.skipSpace();
    const character = this.text[this.position];
    if (character === "-" || character === "+") {
      this.position += 1;
      const operand = this.parseUnary();
      return character === "-" ? negate(operand) : requireNumber(operand);
    }
    return this.parseAtom();
  }

  private parseAtom(): PyValue {
    this.skipSpace();
    const rest = this.text.slice(this.position);
    const character = rest[0];
    if (character === undefined) this.fail("unexpected end of text");
    if (character === "[") return { type: "list", items: this.parseSequence("]").items };
    if (character === "(") return this.parseParenthesized();
    if (character === "{") return this.parseBraced();
    if (stringStartPattern.test(rest)) return this.parseStrings();
    const number = numberPattern.exec(rest);
    if (number && number[0] !== "") {
      this.position += number[0].length;
      return parseNumber(number[0]);
    }
    const name = namePattern.exec(rest);
    if (name) return this.parseName(name[0]);
    return this.fail(`unexpected character ${JSON.stringify(character)}`);
  }

  private parseName(name: string): PyValue {
    this.position += name.length;
    if (name === "True" || name === "False") return { type: "bool", value: name === "True" };
    if (name === "None") return { type: "none" };
    this.skipSpace();
    if (this.text[this.position] === "(" && (name === "set" || name === "float" || name === "complex")) {
      return this.parseConstructor(name);
    }
    return this.fail(`unsupported name ${name}`);
  }

  /**
   * The calls `renderPython` writes for values without a literal: `set()`,
   * `float('inf'|'-inf'|'nan')` and `complex(real, imag)`.
   */
  private parseConstructor(name: "set" | "float" | "complex"): PyValue {
    const { items } = this.parseSequence(")");
    if (name === "set" && items.length === 0) return { type: "set", items: [] };
    if (name === "float" && items.length === 1 && items[0]?.type === "str") {
      const special = specialFloats[items[0].value.toLowerCase()];
      if (special !== undefined) return { type: "float", value: special };
    }
    if (name === "complex" && items.length === 2) {
      const [real, imag] = items.map(realValue);
      if (real !== undefined && imag !== undefined) return { type: "complex", real, imag };
    }
    return this.fail(`unsupported ${name}(...) call`);
  }

  private parseParenthesized(): PyValue {
    const { items, trailingComma } = this.parseSequence(")");
    if (items.length === 1 && !trailingComma) return items[0] as PyValue;
    return { type: "tuple", items };
  }

  /** Parses `open item, item, ... close`, the opening bracket being at the current position. */
  private parseSequence(close: string): { items: PyValue[]; trailingComma: boolean } {
    this.position += 1;
    const items: PyValue[] = [];
    let trailingComma = false;
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] === close) break;
      items.push(this.parseExpression());
      this.skipSpace();
      trailingComma = this.text[this.position] === ",";
      if (trailingComma) this.position += 1;
      else if (this.text[this.position] !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.position += 1;
    return { items, trailingComma };
  }

  private parseBraced(): PyValue {
    this.position += 1;
    this.skipSpace();
    if (this.text[this.position] === "}") {
      this.position += 1;
      return { type: "dict", entries: [] };
    }
    const first = this.parseExpression();
    this.skipSpace();
    return this.text[this.position] === ":" ? this.parseDictRest(first) : this.parseSetRest(first);
  }

  private parseDictRest(firstKey: PyValue): PyValue {
    const entries: Array<[PyValue, PyValue]> = [];
    let key: PyValue | undefined = firstKey;
    while (key !== undefined) {
      this.expect(":");
      const value = this.parseExpression();
      if (!isHashable(key)) this.fail("unhashable dict key");
      const existing = entries.find(([other]) => pythonEquals(other, key as PyValue));
      if (existing) existing[1] = value;
      else entries.push([key, value]);
      key = this.parseNextItem("}");
    }
    return { type: "dict", entries };
  }

  private parseSetRest(first: PyValue): PyValue {
    const items: PyValue[] = [];
    let item: PyValue | undefined = first;
    while (item !== undefined) {
      if (!isHashable(item)) this.fail("unhashable set element");
      const candidate: PyValue = item;
      if (!items.some((other) => pythonEquals(other, candidate))) items.push(candidate);
      item = this.parseNextItem("}");
    }
    return { type: "set", items };
  }

  /** After an item: consumes `,` and returns the next item, or consumes `close` and returns undefined. */
  private parseNextItem(close: string): PyValue | undefined {
    this.skipSpace();
    const character = this.text[this.position];
    if (character === close) {
      this.position += 1;
      return undefined;
    }
    this.expect(",");
    this.skipSpace();
    if (this.text[this.position] === close) {
      this.position += 1;
      return undefined;
    }
    return this.parseExpression();
  }

  private parseStrings(): PyValue {
    let value = "";
    for (;;) {
      this.skipSpace();
      const match = stringStartPattern.exec(this.text.slice(this.position));
      if (!match) break;
      this.position += match[0].length;
      value += this.readStringBody(match[2] as string, (match[1] as string).toLowerCase() === "r");
    }
    return { type: "str", value };
  }

  private readStringBody(quote: string, raw: boolean): string {
    let value = "";
    for (;;) {
      if (this.position >= this.text.length) this.fail("unterminated string");
      if (this.text.startsWith(quote, this.position)) {
        this.position += quote.length;
        return value;
      }
      const character = this.text[this.position] as string;
      if (character === "\n" && quote.length === 1) this.fail("newline in string");
      if (character === "\\") {
        value += raw ? this.readRawEscape() : this.readEscape();
        continue;
      }
      value += character;
      this.position += 1;
    }
  }

  private readRawEscape(): string {
    const pair = this.text.slice(this.position, this.position + 2);
    this.position += pair.length;
    return pair;
  }

  private readEscape(): string {
    const next = this.text[this.position + 1];
    if (next === undefined) this.fail("unterminated escape");
    this.position += 2;
    const simple = simpleEscapes[next as string];
    if (simple !== undefined) return simple;
    if (next === "\n") return "";
    if (/[0-7]/.test(next as string)) return this.readOctalEscape(next as string);
    const width = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (width === 0) {
      if (next === "N") this.fail("named unicode escapes are not supported");
      return "\\" + next;
    }
    const digits = this.text.slice(this.position, this.position + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(digits)) this.fail(`bad \\${next} escape`);
    this.position += width;
    const code = Number.parseInt(digits, 16);
    if (code > 0x10ffff) this.fail("escape out of range");
    return String.fromCodePoint(code);
  }

  private readOctalEscape(first: string): string {
    let digits = first;
    while (digits.length < 3 && /[0-7]/.test(this.text[this.position] ?? "")) {
      digits += this.text[this.position];
      this.position += 1;
    }
    return String.fromCodePoint(Number.parseInt(digits, 8));
  }

  private expect(character: string): void {
    this.skipSpace();
    if (this.text[this.position] !== character) this.fail(`expected '${character}'`);
    this.position += 1;
  }

  private skipSpace(): void {
    while (this.position < this.text.length) {
      const character = this.text[this.position] as string;
      if (character === " " || character === "\t" || character === "\n" || character === "\r") this.position += 1;
      else if (character === "\\" && this.text[this.position + 1] === "\n") this.position += 2;
      else break;
    }
  }

  private fail(message: string): never {
    throw new LiteralSyntaxError(message);
  }
}

const specialFloats: Record<string, number> = { inf: Infinity, "+inf": Infinity, "-inf": -Infinity, nan: Number.NaN };

function realValue(value: PyValue): number | undefined {
  if (value.type === "float") return value.value;
  if (value.type === "int") return Number(value.value);
  return undefined;
}

const simpleEscapes: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
};

function parseNumber(text: string): PyValue {
  const clean = text.replace(/_/g, "");
  if (/[jJ]$/.test(clean)) return { type: "complex", real: 0, imag: Number(clean.slice(0, -1)) };
  if (/^0[xXoObB]/.test(clean)) return { type: "int", value: BigInt(clean.toLowerCase()) };
  if (/[.eE]/.test(clean)) return { type: "float", value: Number(clean) };
  if (/^0+\d/.test(clean)) throw new LiteralSyntaxError("leading zeros in a decimal integer");
  return { type: "int", value: BigInt(clean) };
}

function requireNumber(value: PyValue): PyValue {
  if (value.type === "int" || value.type === "float" || value.type === "complex") return value;
  throw new LiteralSyntaxError("unary sign on a non-number");
}

function negate(value: PyValue): PyValue {
  const number = requireNumber(value);
  if (number.type === "int") return { type: "int", value: -number.value };
  if (number.type === "float") return { type: "float", value: -number.value };
  if (number.type === "complex") return { type: "complex", real: -number.real, imag: -number.imag };
  return number;
}

/** `real ± imag j`, the only binary operation `ast.literal_eval` accepts. */
function combineComplex(left: PyValue, right: PyValue, operator: "+" | "-"): PyValue {
  const leftIsReal = left.type === "int" || left.type === "float";
  if (!leftIsReal || right.type !== "complex") throw new LiteralSyntaxError("only real ± imaginary is a literal");
  const real = left.type === "int" ? Number(left.value) : (left as { value: number }).value;
  // Python promotes the real operand to complex(real, 0.0) and adds part by part.
  return operator === "+"
    ? { type: "complex", real: real + right.real, imag: 0 + right.imag }
    : { type: "complex", real: real - right.real, imag: 0 - right.imag };
}

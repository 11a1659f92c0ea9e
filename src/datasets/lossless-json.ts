/**
 * JSON parsing that keeps what `JSON.parse` loses on the way to Python values: every number's
 * source text (`JSON.parse` turns 12345678901234567890 into 12345678901234567000, and Node 20
 * has no reviver `context.source` to recover it) and the key order of objects (a JS object
 * lists integer-like keys such as "7" first, while a Python dict keeps insertion order). Like
 * Python's `json.loads`, it also accepts `NaN`, `Infinity` and `-Infinity`, and a repeated key
 * keeps its first position and its last value.
 */
import { type PyValue } from "../core/python-value.js";

/** A JSON number kept as its text; `isInteger` follows Python: no `.`, no exponent. */
export class JsonNumber {
  constructor(readonly text: string) {}

  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }

  toNumber(): number {
    return Number(this.text);
  }
}

/** A JSON object as its entries in source order. */
export class JsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, LosslessJson]>) {}
}

export type LosslessJson = null | boolean | string | JsonNumber | JsonObject | LosslessJson[];

/**
 * A record view of an object (for validating its fields with a schema); anything else is
 * returned as it is. Nested values keep their lossless form.
 */
export function toRecord(value: unknown): unknown {
  if (!(value instanceof JsonObject)) return value;
  // Prototype-less, so that a "__proto__" key is an ordinary key.
  const record = Object.create(null) as Record<string, LosslessJson>;
  for (const [key, item] of value.entries) record[key] = item;
  return record;
}

export class LosslessJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

export function parseLosslessJson(text: string): LosslessJson {
  const parser = new Parser(text);
  const value = parser.parseValue();
  parser.expectEnd();
  return value;
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const keywords: Array<[string, () => LosslessJson]> = [
  ["true", () => true],
  ["false", () => false],
  ["null", () => null],
  ["NaN", () => new JsonNumber("NaN")],
  ["Infinity", () => new JsonNumber("Infinity")],
  ["-Infinity", () => new JsonNumber("-Infinity")],
];

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseValue(): LosslessJson {
    this.skipSpace();
    const character = this.text[this.position];
    if (character === "{") return this.parseObject();
    if (character === "[") return this.parseArray();
    if (character === '"') return this.parseString();
    for (const [word, make] of keywords) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return make();
      }
    }
    numberPattern.lastIndex = this.position;
    const match = numberPattern.exec(this.text);
    if (match) {
      this.position += match[0].length;
      return new JsonNumber(match[0]);
    }
    throw new LosslessJsonError(character === undefined ? "unexpected end of JSON" : "unexpected character", this.position);
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.position < this.text.length) throw new LosslessJsonError("unexpected text after JSON value", this.position);
  }

  private parseArray(): LosslessJson[] {
    this.position += 1;
    const items: LosslessJson[] = [];
    this.skipSpace();
    if (this.text[this.position] === "]") {
      this.position += 1;
      return items;
    }
    for (;;) {
      items.push(this.parseValue());
      if (this.consumeSeparator("]")) return items;
    }
  }

  private parseObject(): JsonObject {
    this.position += 1;
    const entries = new Map<string, LosslessJson>();
    this.skipSpace();
    if (this.text[this.position] === "}") {
      this.position += 1;
      return new JsonObject([]);
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] !== '"') throw new LosslessJsonError("expected a string key", this.position);
      const key = this.parseString();
      this.skipSpace();
      if (this.text[this.position] !== ":") throw new LosslessJsonError("expected ':'", this.position);
      this.position += 1;
      entries.set(key, this.parseValue());
      if (this.consumeSeparator("}")) return new JsonObject([...entries]);
    }
  }

  /** After an item: true at the closing bracket, false after a comma. */
  private consumeSeparator(close: string): boolean {
    this.skipSpace();
    const character = this.text[this.position];
    this.position += 1;
    if (character === close) return true;
    if (character === ",") return false;
    throw new LosslessJsonError(`expected ',' or '${close}'`, this.position - 1);
  }

  private parseString(): string {
    const start = this.position;
    let index = start + 1;
    let escaped = false;
    for (;;) {
      const code = this.text.charCodeAt(index);
      if (Number.isNaN(code)) throw new LosslessJsonError("unterminated string", start);
      if (code === 0x22) break;
      if (code === 0x5c) {
        escaped = true;
        index += 2;
      } else {
        index += 1;
      }
    }
    this.position = index + 1;
    if (!escaped) {
      const body = this.text.slice(start + 1, index);
      if (/[\u0000-\u001f]/.test(body)) throw new LosslessJsonError("control character in string", start);
      return body;
    }
    try {
      // The token is a complete JSON string literal: JSON.parse decodes its escapes exactly.
      return JSON.parse(this.text.slice(start, index + 1)) as string;
    } catch {
      throw new LosslessJsonError("invalid string escape", start);
    }
  }

  private skipSpace(): void {
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) this.position += 1;
      else return;
    }
  }
}

/** The Python value `json.loads` would produce. */
export function jsonToPython(value: LosslessJson): PyValue {
  if (value === null) return { type: "none" };
  if (typeof value === "boolean") return { type: "bool", value };
  if (typeof value === "string") return { type: "str", value };
  if (value instanceof JsonNumber) {
    return value.isInteger ? { type: "int", value: BigInt(value.text) } : { type: "float", value: value.toNumber() };
  }
  if (Array.isArray(value)) return { type: "list", items: value.map(jsonToPython) };
  return {
    type: "dict",
    entries: value.entries.map(([key, item]): [PyValue, PyValue] => [{ type: "str", value: key }, jsonToPython(item)]),
  };
}

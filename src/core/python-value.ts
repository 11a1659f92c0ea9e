/**
 * A model of Python's plain data: what benchmark inputs carry from JSON to Python source text
 * without losing what JSON cannot say (tuples, sets, complex numbers, big ints, -0.0), and what
 * a sandboxed program's results become on the host. `renderPython` prints a value as Python
 * source that evaluates back to an equal value; for everything but sets and signed-zero complex
 * numbers this is exactly Python's `repr`. `pythonEquals` is Python's `==` on these values.
 *
 * An `opaque` value is anything else a program returned (a user object, a subclass of a builtin,
 * a generator): only its type name and a display repr are known, and it equals nothing.
 */

import type { PyValue } from "../config/python-value-schema.js";

export type { DictClass, PyValue } from "../config/python-value-schema.js";

/** Python source text for a value (the `repr` wherever `repr` is valid source). */
export function renderPython(value: PyValue): string {
  switch (value.type) {
    case "none":
      return "None";
    case "bool":
      return value.value ? "True" : "False";
    case "int":
      return value.value.toString();
    case "float":
      return floatSource(value.value);
    case "complex":
      return complexSource(value.real, value.imag);
    case "str":
      return pythonStringRepr(value.value);
    case "bytes":
      return pythonBytesRepr(value.value);
    case "list":
      return `[${value.items.map(renderPython).join(", ")}]`;
    case "tuple":
      return value.items.length === 1 ? `(${renderPython(value.items[0] as PyValue)},)` : `(${value.items.map(renderPython).join(", ")})`;
    case "set":
      return value.items.length === 0 ? "set()" : `{${value.items.map(renderPython).join(", ")}}`;
    case "frozenset":
      return value.items.length === 0 ? "frozenset()" : `frozenset({${value.items.map(renderPython).join(", ")}})`;
    case "dict":
      return `{${value.entries.map(([key, item]) => `${renderPython(key)}: ${renderPython(item)}`).join(", ")}}`;
    case "opaque":
      return value.repr;
  }
}

/** Python's `repr(bytes)`. */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let body = "";
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    if (character === quote || character === "\\") body += "\\" + character;
    else if (byte === 0x09) body += "\\t";
    else if (byte === 0x0a) body += "\\n";
    else if (byte === 0x0d) body += "\\r";
    else if (byte < 0x20 || byte >= 0x7f) body += "\\x" + hex(byte, 2);
    else body += character;
  }
  return `b${quote}${body}${quote}`;
}

/** Positional arguments as the text inside `f(...)`. */
export function renderArguments(args: readonly PyValue[]): string {
  return args.map(renderPython).join(", ");
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip, in fixed notation when the
 * decimal exponent is in [-4, 16), with `.0` appended to integral values.
 */
export function pythonFloatRepr(value: number): string {
  return formatFloat(value, true);
}

function formatFloat(value: number, addDotZero: boolean): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return (Object.is(value, -0) ? "-0" : "0") + (addDotZero ? ".0" : "");
  const sign = value < 0 ? "-" : "";
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const exponentSign = exponent < 0 ? "-" : "+";
    return `${sign}${digits[0]}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.padEnd(exponent + 1, "0").slice(0, exponent + 1);
  const fractionPart = digits.slice(exponent + 1);
  if (fractionPart === "") return sign + integerPart + (addDotZero ? ".0" : "");
  return `${sign}${integerPart}.${fractionPart}`;
}

/** Source text for a float: its repr when finite, otherwise a `float(...)` call. */
export function floatSource(value: number): string {
  if (Number.isNaN(value)) return "float('nan')";
  if (!Number.isFinite(value)) return value > 0 ? "float('inf')" : "float('-inf')";
  return pythonFloatRepr(value);
}

/** Python's `repr(complex)`. */
export function pythonComplexRepr(real: number, imag: number): string {
  const imagText = formatFloat(imag, false) + "j";
  if (real === 0 && !Object.is(real, -0)) return imagText;
  const imagSign = imag >= 0 || (Number.isNaN(imag) && !imagText.startsWith("-")) ? "+" : "";
  return `(${formatFloat(real, false)}${imagSign}${imagText})`;
}

/**
 * The repr evaluates back to the same number only when no zero carries a sign it would lose
 * (`-1j` is `-(1j)` = complex(-0.0, -1.0)) and both parts are finite; otherwise spell it out.
 */
function complexSource(real: number, imag: number): string {
  const finite = Number.isFinite(real) && Number.isFinite(imag);
  const signedZero = Object.is(real, -0) || Object.is(imag, -0);
  const negativeImaginaryOnly = real === 0 && imag < 0;
  if (finite && !signedZero && !negativeImaginaryOnly) return pythonComplexRepr(real, imag);
  return `complex(${floatSource(real)}, ${floatSource(imag)})`;
}

// Python's str.isprintable(): everything outside these categories, plus the ASCII space.
const nonPrintable = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** Python's `repr(str)`, including its choice of quote and its escapes. */
export function pythonStringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = "";
  for (const character of text) body += escapeCharacter(character, quote);
  return quote + body + quote;
}

function escapeCharacter(character: string, quote: string): string {
  if (character === quote || character === "\\") return "\\" + character;
  if (character === "\t") return "\\t";
  if (character === "\n") return "\\n";
  if (character === "\r") return "\\r";
  const code = character.codePointAt(0) as number;
  if (code < 0x20 || code === 0x7f) return "\\x" + hex(code, 2);
  if (code < 0x7f || character === " " || !nonPrintable.test(character)) return character;
  if (code <= 0xff) return "\\x" + hex(code, 2);
  if (code <= 0xffff) return "\\u" + hex(code, 4);
  return "\\U" + hex(code, 8);
}

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, "0");
}

/**
 * Python's `==` on the values this model holds: `1 == 1.0 == True`, a list never equals a tuple,
 * a set equals a frozenset with the same members, NaN equals nothing (the two sides are always
 * different objects), and an opaque value equals nothing. Sets and dicts compare through
 * canonical keys, so large ones cost linear time.
 */
export function pythonEquals(left: PyValue, right: PyValue): boolean {
  const leftNumber = numericValue(left);
  const rightNumber = numericValue(right);
  if (leftNumber !== undefined || rightNumber !== undefined) {
    return leftNumber !== undefined && rightNumber !== undefined && numbersEqual(leftNumber, rightNumber);
  }
  if (isSetLike(left) && isSetLike(right)) return setsEqual(left.items, right.items);
  if (left.type !== right.type) return false;
  switch (left.type) {
    case "none":
      return true;
    case "str":
      return left.value === (right as { value: string }).value;
    case "bytes":
      return bytesEqual(left.value, (right as { value: Uint8Array }).value);
    case "list":
    case "tuple":
      return sequencesEqual(left.items, (right as { items: PyValue[] }).items);
    case "dict":
      return dictsEqual(left, right as Extract<PyValue, { type: "dict" }>);
    default:
      return false;
  }
}

type NumericValue = { real: bigint | number; imag: number };

function numericValue(value: PyValue): NumericValue | undefined {
  if (value.type === "bool") return { real: value.value ? 1n : 0n, imag: 0 };
  if (value.type === "int") return { real: value.value, imag: 0 };
  if (value.type === "float") return { real: value.value, imag: 0 };
  if (value.type === "complex") return { real: value.real, imag: value.imag };
  return undefined;
}

function numbersEqual(left: NumericValue, right: NumericValue): boolean {
  return left.imag === right.imag && realEquals(left.real, right.real);
}

function realEquals(left: bigint | number, right: bigint | number): boolean {
  if (typeof left === "bigint" && typeof right === "bigint") return left === right;
  if (typeof left === "number" && typeof right === "number") return left === right;
  const integer = (typeof left === "bigint" ? left : right) as bigint;
  const float = (typeof left === "number" ? left : right) as number;
  return Number.isInteger(float) && BigInt(float) === integer;
}

function isSetLike(value: PyValue): value is Extract<PyValue, { type: "set" | "frozenset" }> {
  return value.type === "set" || value.type === "frozenset";
}

function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

function sequencesEqual(left: readonly PyValue[], right: readonly PyValue[]): boolean {
  return left.length === right.length && left.every((item, index) => pythonEquals(item, right[index] as PyValue));
}

function setsEqual(left: readonly PyValue[], right: readonly PyValue[]): boolean {
  if (left.length !== right.length) return false;
  const members = new Set(left.map(hashKey));
  return right.every((item) => members.has(hashKey(item)));
}

function dictsEqual(left: Extract<PyValue, { type: "dict" }>, right: Extract<PyValue, { type: "dict" }>): boolean {
  // Counter compares missing and zero counts alike; OrderedDict against OrderedDict also compares order.
  const counters = left.className === "Counter" && right.className === "Counter";
  const entries = (dict: typeof left) => (counters ? dict.entries.filter(([, count]) => !isZero(count)) : dict.entries);
  const [leftEntries, rightEntries] = [entries(left), entries(right)];
  if (leftEntries.length !== rightEntries.length) return false;
  if (left.className === "OrderedDict" && right.className === "OrderedDict") {
    return leftEntries.every(([key, item], index) => pythonEquals(key, rightEntries[index]![0]) && pythonEquals(item, rightEntries[index]![1]));
  }
  const byKey = new Map(rightEntries.map(([key, item]) => [hashKey(key), item]));
  return leftEntries.every(([key, item]) => {
    const other = byKey.get(hashKey(key));
    return other !== undefined && pythonEquals(item, other);
  });
}

function isZero(value: PyValue): boolean {
  const number = numericValue(value);
  return number !== undefined && number.imag === 0 && realEquals(number.real, 0n);
}

let uniqueKeys = 0;

/**
 * A key that two hashable values share exactly when Python finds them equal: numbers by their
 * value whatever their type, containers by their members. NaN and opaque values get keys of
 * their own, since they equal nothing.
 */
export function hashKey(value: PyValue): string {
  switch (value.type) {
    case "none":
      return "N";
    case "bool":
    case "int":
    case "float":
    case "complex":
      return numberKey(numericValue(value)!);
    case "str":
      return `s${value.value}`;
    case "bytes":
      return `b${Array.from(value.value, (byte) => hex(byte, 2)).join("")}`;
    case "tuple":
      return `(${value.items.map((item) => JSON.stringify(hashKey(item))).join(",")})`;
    case "set":
    case "frozenset":
      return `{${value.items
        .map((item) => JSON.stringify(hashKey(item)))
        .sort()
        .join(",")}}`;
    default:
      return `#${uniqueKeys++}`;
  }
}

function numberKey({ real, imag }: NumericValue): string {
  if (Number.isNaN(imag) || (typeof real === "number" && Number.isNaN(real))) return `#${uniqueKeys++}`;
  const realKey = typeof real === "bigint" || (Number.isInteger(real) && Number.isFinite(real)) ? `i${BigInt(real)}` : `f${real}`;
  return imag === 0 ? realKey : `c${realKey}|${imag}`;
}

/** Whether Python could hash the value (a set element or dict key). */
export function isHashable(value: PyValue): boolean {
  if (value.type === "list" || value.type === "set" || value.type === "dict") return false;
  if (value.type === "tuple") return value.items.every(isHashable);
  return true;
}

/**
 * The trusted judge's comparisons, on host values only: nothing here runs code of the program
 * judged, and a value it returned arrives as restricted data (an object of its own class is
 * opaque and equals nothing, whatever its `__eq__` says).
 *
 * `outputsMatch` follows EvalPlus (evalplus/eval/__init__.py): exact equality, else, with a
 * tolerance (`atol`, or 1e-6 when the expected output is a float or a list of floats), the same
 * type, the same length and numpy.allclose-style closeness with rtol 1e-7, NaN equal to NaN.
 */
import { hashKey, type PyValue, pythonEquals } from "../../core/python-value.js";

export function outputsMatch(actual: PyValue, expected: PyValue, atol = 0): boolean {
  if (pythonEquals(actual, expected)) return true;
  const tolerance = atol === 0 && isFloatLike(expected) ? 1e-6 : atol;
  return tolerance !== 0 && allClose(actual, expected, tolerance);
}

function isFloatLike(value: PyValue): boolean {
  if (value.type === "float") return true;
  if (value.type === "list" || value.type === "tuple") return value.items.length > 0 && value.items.every((item) => item.type === "float");
  return false;
}

function flattenNumbers(value: PyValue): PyValue[] {
  return value.type === "list" || value.type === "tuple" ? value.items.flatMap(flattenNumbers) : [value];
}

function allClose(actual: PyValue, expected: PyValue, atol: number, rtol = 1e-7): boolean {
  if (actual.type !== expected.type) return false;
  if ((expected.type === "list" || expected.type === "tuple") && (actual as { items: PyValue[] }).items.length !== expected.items.length) return false;
  const left = flattenNumbers(actual);
  const right = flattenNumbers(expected);
  return left.length === right.length && left.every((item, index) => closeItems(item, right[index]!, atol, rtol));
}

function closeItems(actual: PyValue, expected: PyValue, atol: number, rtol: number): boolean {
  const a = realNumber(actual);
  const b = realNumber(expected);
  if (a === undefined || b === undefined) return pythonEquals(actual, expected);
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

/** An int or float as a double, as Python's arithmetic with a float would see it; not bools. */
function realNumber(value: PyValue): number | undefined {
  if (value.type === "float") return value.value;
  if (value.type === "int") return Number(value.value);
  return undefined;
}

/** Python's `bool(value)` for plain data; undefined for an opaque value, whose truth only its own code could tell. */
export function truthOf(value: PyValue): boolean | undefined {
  switch (value.type) {
    case "none":
      return false;
    case "bool":
      return value.value;
    case "int":
      return value.value !== 0n;
    case "float":
      return value.value !== 0;
    case "complex":
      return value.real !== 0 || value.imag !== 0;
    case "str":
    case "bytes":
      return value.value.length > 0;
    case "list":
    case "tuple":
    case "set":
    case "frozenset":
      return value.items.length > 0;
    case "dict":
      return value.entries.length > 0;
    case "opaque":
      return undefined;
  }
}

/** The members `set(value)` would have, for the iterables plain data has; undefined otherwise. */
export function setMembers(value: PyValue): PyValue[] | undefined {
  switch (value.type) {
    case "list":
    case "tuple":
    case "set":
    case "frozenset":
      return value.items;
    case "dict":
      return value.entries.map(([key]) => key);
    case "str":
      return Array.from(value.value, (character): PyValue => ({ type: "str", value: character }));
    case "bytes":
      return Array.from(value.value, (byte): PyValue => ({ type: "int", value: BigInt(byte) }));
    default:
      return undefined;
  }
}

/** `set(actual) == set(expected)`; false when either cannot be a set (an unhashable member included). */
export function setsMatch(actual: PyValue, expected: PyValue): boolean {
  const left = setMembers(actual);
  const right = setMembers(expected);
  if (left === undefined || right === undefined) return false;
  if (![...left, ...right].every(isHashableMember)) return false;
  const keys = (items: PyValue[]) => new Set(items.map(hashKey));
  const [leftKeys, rightKeys] = [keys(left), keys(right)];
  return leftKeys.size === rightKeys.size && [...leftKeys].every((key) => rightKeys.has(key));
}

function isHashableMember(value: PyValue): boolean {
  if (value.type === "list" || value.type === "set" || value.type === "dict") return false;
  return value.type !== "tuple" || value.items.every(isHashableMember);
}

/** `abs(value)` of a real or complex number; undefined for anything else. */
export function magnitude(value: PyValue): number | undefined {
  if (value.type === "complex") return Math.hypot(value.real, value.imag);
  if (value.type === "bool") return value.value ? 1 : 0;
  const real = realNumber(value);
  return real === undefined ? undefined : Math.abs(real);
}

/** `actual - expected` for real numbers (bools count as ints, as in Python). */
export function difference(actual: PyValue, expected: PyValue): number | undefined {
  const a = actual.type === "bool" ? Number(actual.value) : realNumber(actual);
  const b = expected.type === "bool" ? Number(expected.value) : realNumber(expected);
  return a === undefined || b === undefined ? undefined : a - b;
}

/** `math.isclose(a, b, rel_tol=rel, abs_tol=absolute)` for real numbers. */
export function isClose(actual: PyValue, expected: PyValue, rel: number, absolute: number): boolean {
  const a = actual.type === "bool" ? Number(actual.value) : realNumber(actual);
  const b = expected.type === "bool" ? Number(expected.value) : realNumber(expected);
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  const diff = Math.abs(b - a);
  return diff <= Math.abs(rel * b) || diff <= Math.abs(rel * a) || diff <= absolute;
}

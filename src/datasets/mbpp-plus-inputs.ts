/**
 * MBPP+ input deserialization. JSON cannot say "tuple", "set" or "complex", so the MBPP+ files
 * store such arguments as lists and strings, and EvalPlus restores them per task before calling
 * the function. This module reproduces, task by task, `mbpp_deserialize_inputs` from EvalPlus
 * (github.com/evalplus/evalplus, evalplus/data/mbpp.py, the MBPP+ v0.1.0 era), including its
 * quirks: task 115 maps empty lists and non-lists to `{}` (an empty dict), and several tasks
 * keep only the leading arguments. The conversions mirror Python's `tuple()`, `set()`,
 * `float()` and `complex()` on the JSON values; an input they would reject raises here too.
 */
import { type PyValue, isHashable, pythonEquals } from "../core/python-value.js";

export class InputDeserializationError extends Error {}

type Inputs = PyValue[][];

const tupleEachArgument = new Set([2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630, 726, 740, 744, 809]);
const tupleItemsOfEachArgument = new Set([63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780]);
const tupleItemsOfFirstArgument = new Set([75, 413, 444, 753]);
const tupleSecondArgument = new Set([106, 750]);
const tupleFirstArgument = new Set([250, 405, 446, 617, 720, 763, 808]);
const tupleOfTuplesEachArgument = new Set([259, 401, 445]);
const everyListToTuple = new Set([580, 615, 791]);

/** The positional arguments EvalPlus passes for each raw MBPP+ input of a task. */
export function deserializeMbppPlusInputs(taskId: string, inputs: Inputs): Inputs {
  const number = Number(taskId.split("/").at(-1));
  return inputs.map((input) => deserializeInput(number, input));
}

function deserializeInput(task: number, input: PyValue[]): PyValue[] {
  if (tupleEachArgument.has(task)) return input.map(toTuple);
  if (tupleItemsOfEachArgument.has(task)) return input.map((argument) => listOf(argument).map(toTuple)).map(asList);
  if (tupleItemsOfFirstArgument.has(task)) return [asList(listOf(at(input, 0)).map(toTuple)), at(input, 1)];
  if (tupleSecondArgument.has(task)) return [at(input, 0), toTuple(at(input, 1))];
  if (task === 115) return [asList(listOf(at(input, 0)).map(toNonEmptySetOrEmptyDict))];
  if (task === 124) return [toFloat(at(input, 0)), toComplex(at(input, 1))];
  if (tupleFirstArgument.has(task)) return [toTuple(at(input, 0)), at(input, 1)];
  if (tupleOfTuplesEachArgument.has(task)) {
    return input.map((argument) => toTuple(asList(listOf(argument).map(toTuple))));
  }
  if (task === 278) return [toTuple(asList(listOf(at(input, 0)).map((item) => (item.type === "list" ? toTuple(item) : item))))];
  if (task === 307) return [toTuple(at(input, 0)), at(input, 1), at(input, 2)];
  if (task === 722) return [tupleDictValues(at(input, 0)), ...input.slice(1)];
  if (task === 252) return [toComplex(at(input, 0))];
  if (everyListToTuple.has(task)) return input.map(listsToTuples);
  return input;
}

function at(input: PyValue[], index: number): PyValue {
  const value = input[index];
  if (value === undefined) throw new InputDeserializationError(`input has no argument ${index}`);
  return value;
}

function asList(items: PyValue[]): PyValue {
  return { type: "list", items };
}

/** The elements Python iterates over: list/tuple/set items, dict keys, str characters. */
function iterate(value: PyValue): PyValue[] {
  switch (value.type) {
    case "list":
    case "tuple":
    case "set":
      return value.items;
    case "dict":
      return value.entries.map(([key]) => key);
    case "str":
      return [...value.value].map((character): PyValue => ({ type: "str", value: character }));
    default:
      throw new InputDeserializationError(`'${value.type}' object is not iterable`);
  }
}

function listOf(value: PyValue): PyValue[] {
  return iterate(value);
}

function toTuple(value: PyValue): PyValue {
  return { type: "tuple", items: iterate(value) };
}

function listsToTuples(value: PyValue): PyValue {
  return value.type === "list" ? { type: "tuple", items: value.items.map(listsToTuples) } : value;
}

function toNonEmptySetOrEmptyDict(item: PyValue): PyValue {
  if (item.type !== "list" || item.items.length === 0) return { type: "dict", entries: [] };
  const items: PyValue[] = [];
  for (const element of item.items) {
    if (!isHashable(element)) throw new InputDeserializationError(`unhashable type: '${element.type}'`);
    if (!items.some((existing) => pythonEquals(existing, element))) items.push(element);
  }
  return { type: "set", items };
}

function tupleDictValues(value: PyValue): PyValue {
  if (value.type !== "dict") throw new InputDeserializationError(`'${value.type}' object has no attribute 'items'`);
  return { type: "dict", entries: value.entries.map(([key, item]): [PyValue, PyValue] => [key, toTuple(item)]) };
}

const floatTextPattern = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)$/i;

/** Python's `float(x)` for the argument kinds MBPP+ stores. */
function toFloat(value: PyValue): PyValue {
  if (value.type === "float") return value;
  if (value.type === "int") return { type: "float", value: bigintToFloat(value.value) };
  if (value.type === "bool") return { type: "float", value: value.value ? 1 : 0 };
  if (value.type === "str") return { type: "float", value: parseFloatText(value.value.trim()) };
  throw new InputDeserializationError(`float() argument must be a string or a real number, not '${value.type}'`);
}

function bigintToFloat(value: bigint): number {
  const result = Number(value);
  if (!Number.isFinite(result)) throw new InputDeserializationError("int too large to convert to float");
  return result;
}

function parseFloatText(text: string): number {
  const clean = text.replace(/_/g, "");
  if (!floatTextPattern.test(clean)) throw new InputDeserializationError(`could not convert string to float: '${text}'`);
  const lower = clean.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const unsigned = lower.replace(/^[+-]/, "");
  if (unsigned === "inf" || unsigned === "infinity") return sign * Infinity;
  if (unsigned === "nan") return Number.NaN;
  return Number(clean);
}

const complexFloat = String.raw`(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf|infinity|nan)`;
const realOnlyPattern = new RegExp(`^[+-]?${complexFloat}$`, "i");
const imaginaryOnlyPattern = new RegExp(`^([+-]?(?:${complexFloat})?)j$`, "i");
const realAndImaginaryPattern = new RegExp(`^([+-]?${complexFloat})([+-](?:${complexFloat})?)j$`, "i");

/** Python's `complex(x)`: numbers are promoted, strings parsed as `complex()` parses them. */
function toComplex(value: PyValue): PyValue {
  if (value.type === "complex") return value;
  if (value.type === "str") return parseComplexText(value.value);
  const real = toFloat(value) as { value: number };
  return { type: "complex", real: real.value, imag: 0 };
}

function parseComplexText(text: string): PyValue {
  let body = text.trim();
  if (body.startsWith("(") && body.endsWith(")")) body = body.slice(1, -1).trim();
  if (realOnlyPattern.test(body)) return { type: "complex", real: parseFloatText(body), imag: 0 };
  const imaginary = imaginaryOnlyPattern.exec(body);
  if (imaginary) return { type: "complex", real: 0, imag: imaginaryPart(imaginary[1] as string) };
  const both = realAndImaginaryPattern.exec(body);
  if (both) return { type: "complex", real: parseFloatText(both[1] as string), imag: imaginaryPart(both[2] as string) };
  throw new InputDeserializationError(`complex() arg is a malformed string: '${text}'`);
}

/** The coefficient before `j`: a bare sign means ±1. */
function imaginaryPart(text: string): number {
  if (text === "" || text === "+") return 1;
  if (text === "-") return -1;
  return parseFloatText(text);
}

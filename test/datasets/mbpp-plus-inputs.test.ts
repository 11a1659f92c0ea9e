import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type LosslessJson, jsonToPython, parseLosslessJson, toRecord } from "../../src/datasets/lossless-json.js";
import { InputDeserializationError, deserializeMbppPlusInputs } from "../../src/datasets/mbpp-plus-inputs.js";
import { parsePythonLiteral } from "../../src/datasets/python-literal.js";
import { type PyValue, renderArguments } from "../../src/core/python-value.js";
import { realDataDir } from "./fixture-data.js";
import { describeWithRealData } from "../helpers/requirements.js";

/** The argument text EvalPlus would call the function with, for one raw JSON input. */
const restore = (taskId: string, input: string) =>
  renderArguments(deserializeMbppPlusInputs(taskId, [(parseLosslessJson(input) as LosslessJson[]).map(jsonToPython)])[0] as PyValue[]);

describe("deserializeMbppPlusInputs", () => {
  it.each([
    ["Mbpp/2", "[[3, 4], [5]]", "(3, 4), (5,)"],
    ["Mbpp/63", "[[[1, 2], [3, 4]]]", "[(1, 2), (3, 4)]"],
    ["Mbpp/75", "[[[1, 2], [3]], 6, 7]", "[(1, 2), (3,)], 6"],
    ["Mbpp/106", "[[1, 2], [3, 4], 9]", "[1, 2], (3, 4)"],
    ["Mbpp/115", '[[[], [1, 2, 1], {"a": 1}, [true, 1.0]]]', "[{}, {1, 2}, {}, {True}]"],
    ["Mbpp/124", '["0", "1j"]', "0.0, 1j"],
    ["Mbpp/124", '[3, "(-0-1j)"]', "3.0, complex(-0.0, -1.0)"],
    ["Mbpp/124", '["-inf", "-j"]', "float('-inf'), complex(0.0, -1.0)"],
    ["Mbpp/250", "[[1, 2], 1, 99]", "(1, 2), 1"],
    ["Mbpp/252", '["(1+2j)"]', "(1+2j)"],
    ["Mbpp/252", "[4]", "(4+0j)"],
    ["Mbpp/259", "[[[1, 2]], [[3]]]", "((1, 2),), ((3,),)"],
    ["Mbpp/278", "[[1, [2, [3]], 4], 99]", "(1, (2, [3]), 4)"],
    ["Mbpp/307", "[[1], 2, 3, 4]", "(1,), 2, 3"],
    ["Mbpp/580", "[[1, [2, [3]]], [4]]", "(1, (2, (3,))), (4,)"],
    ["Mbpp/722", '[{"b": [1, 2], "a": [3]}, 5.5, 6]', "{'b': (1, 2), 'a': (3,)}, 5.5, 6"],
    ["Mbpp/2", '["ab", [1]]', "('a', 'b'), (1,)"],
    ["Mbpp/11", "[[1, 2], 3]", "[1, 2], 3"],
  ])("%s restores %s as %s", (taskId, input, expected) => {
    expect(restore(taskId, input)).toBe(expected);
  });

  it("fails where Python would", () => {
    expect(() => restore("Mbpp/2", "[1]")).toThrow(InputDeserializationError);
    expect(() => restore("Mbpp/115", "[[[[1], 2]]]")).toThrow(/unhashable/);
    expect(() => restore("Mbpp/124", '["x", "1j"]')).toThrow(/could not convert/);
    expect(() => restore("Mbpp/252", '["1+"]')).toThrow(/malformed/);
    expect(() => restore("Mbpp/250", "[[1]]")).toThrow(/no argument 1/);
  });
});

const mbppPlusFile = join(realDataDir, "mbpp-plus", "MbppPlus-399.json");

describeWithRealData(["mbpp-plus/MbppPlus-399.json"], "MBPP+ base inputs against the original assertions", () => {
  type Row = { task_id: string; entry_point: string; assertion: string; base_input: LosslessJson[][] };
  let cached: Row[] | undefined;
  const rows = (): Row[] => (cached ??= (parseLosslessJson(readFileSync(mbppPlusFile, "utf8")) as LosslessJson[]).map((row) => toRecord(row) as Row));

  // Tasks whose arguments EvalPlus restores to tuples (and sets); the assertions spell them out.
  const tasks = ["Mbpp/2", "Mbpp/63", "Mbpp/75", "Mbpp/106", "Mbpp/115", "Mbpp/250", "Mbpp/259", "Mbpp/278", "Mbpp/580", "Mbpp/615", "Mbpp/722", "Mbpp/791"];

  it.each(tasks)("%s: each base input has the container types its assertion shows", (taskId) => {
    const row = rows().find((candidate) => candidate.task_id === taskId);
    expect(row).toBeDefined();
    if (!row) return;
    const restored = deserializeMbppPlusInputs(
      taskId,
      row.base_input.map((input) => input.map(jsonToPython)),
    );
    const calls = row.assertion.split("\n").filter((line) => line.includes(`${row.entry_point}(`));
    expect(calls.length).toBe(restored.length);
    calls.forEach((line, index) => {
      const parsed = parsePythonLiteral(`(${callArguments(line, row.entry_point)},)`);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(shape({ type: "tuple", items: restored[index] as PyValue[] })).toBe(shape(parsed.value));
    });
  });
});

/** The text between `name(` and its closing parenthesis. */
function callArguments(line: string, name: string): string {
  const start = line.indexOf(`${name}(`) + name.length + 1;
  let depth = 1;
  let quote: string | undefined;
  for (let index = start; index < line.length; index += 1) {
    const character = line[index] as string;
    if (quote) {
      if (character === "\\") index += 1;
      else if (character === quote) quote = undefined;
    } else if (character === "'" || character === '"') quote = character;
    else if ("([{".includes(character)) depth += 1;
    else if (")]}".includes(character) && --depth === 0) return line.slice(start, index);
  }
  throw new Error(`unbalanced call in ${line}`);
}

/** Container types all the way down; numbers of any type are alike. */
function shape(value: PyValue): string {
  switch (value.type) {
    case "list":
    case "tuple":
    case "set":
      return `${value.type}(${value.items.map(shape).join(",")})`;
    case "dict":
      return `dict(${value.entries.map(([key, item]) => `${shape(key)}:${shape(item)}`).join(",")})`;
    case "int":
    case "float":
      return "number";
    default:
      return value.type;
  }
}

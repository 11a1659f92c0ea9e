/**
 * EvalPlus's special oracles (evalplus/eval/__init__.py, _special_oracle.py): tasks whose right
 * answers are not unique. HumanEval/32 accepts any root of the polynomial; eight MBPP+ tasks
 * compare outputs as sets; three whose outputs are `re.Match` objects only check for None;
 * Mbpp/164 (`are_equivalent`) and Mbpp/295 (`sum_div`) also accept a program that returns True
 * (resp. 0) on every input, because the task statements allow it.
 */
import type { Problem } from "../../core/problem.js";
import { type PyValue, pythonEquals } from "../../core/python-value.js";

export type IoOracle = "polynomial-root" | "set-equal" | "not-none";

/** evalplus/eval/_special_oracle.py: outputs compared as sets, and outputs only checked for None. */
const MBPP_OUTPUT_SET_EQ_TASKS = new Set(["similar_elements", "find_char_long", "common_in_nested_lists", "extract_singly", "larg_nnum", "intersection_array", "find_dissimilar", "Diff"]);
const MBPP_OUTPUT_NOT_NONE_TASKS = new Set(["check_str", "text_match_three", "text_starta_endb"]);

export function ioOracleFor(problem: Problem): IoOracle | undefined {
  if (problem.id === "HumanEval/32" && problem.entryPoint === "find_zero") return "polynomial-root";
  if (!problem.id.startsWith("Mbpp/")) return undefined;
  if (MBPP_OUTPUT_SET_EQ_TASKS.has(problem.entryPoint)) return "set-equal";
  return MBPP_OUTPUT_NOT_NONE_TASKS.has(problem.entryPoint) ? "not-none" : undefined;
}

/** What `not-none` compares: `actual` itself when a bool, else whether it is not None, as EvalPlus. */
export function notNoneOf(value: PyValue): PyValue {
  return value.type === "bool" ? value : { type: "bool", value: value.type !== "none" };
}

/** HumanEval/32: |Σ c·x^i| ≤ atol over the coefficients, as EvalPlus's `_poly` computes it. */
export function isPolynomialRoot(coefficients: PyValue, root: PyValue, atol: number): boolean {
  const x = root.type === "float" ? root.value : root.type === "int" ? Number(root.value) : undefined;
  if (x === undefined || (coefficients.type !== "list" && coefficients.type !== "tuple")) return false;
  let sum = 0;
  for (const [power, coefficient] of coefficients.items.entries()) {
    const c = coefficient.type === "float" ? coefficient.value : coefficient.type === "int" ? Number(coefficient.value) : undefined;
    if (c === undefined) return false;
    sum += c * Math.pow(x, power);
  }
  return Math.abs(sum) <= atol;
}

const CONSTANT_ANSWER: Record<string, PyValue> = { are_equivalent: { type: "bool", value: true }, sum_div: { type: "int", value: 0n } };

/** The answer a program may give on every input of this problem and pass, if there is one. */
export function constantAnswerFor(problem: Problem): PyValue | undefined {
  return problem.id.startsWith("Mbpp/") ? CONSTANT_ANSWER[problem.entryPoint] : undefined;
}

/** Whether `value` is that constant answer itself: same type and value (True is not 1). */
export function isConstantAnswer(value: PyValue, constant: PyValue): boolean {
  return value.type === constant.type && pythonEquals(value, constant);
}

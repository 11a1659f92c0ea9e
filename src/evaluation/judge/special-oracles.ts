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
const MBPP_OUTPUT_SET_EQ_TASKS = new Set([
  "similar_elements",
  "find_char_long",
  "common_in_nested_lists",
  "extract_singly",
  "larg_nnum",
  "intersection_array",
  "find_dissimilar",
  "Diff",
]);
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
    sum += c * correctlyRoundedPower(x, power);
  }
  return Math.abs(sum) <= atol;
}

/**
 * x ** power rounded once to the nearest double, as C's pow (which Python's math.pow calls)
 * rounds it; JavaScript's Math.pow may differ in the last bit, which near the tolerance flips
 * a verdict. Computed exactly on the double's integer mantissa, then rounded.
 */
export function correctlyRoundedPower(x: number, power: number): number {
  if (power === 0) return 1;
  if (!Number.isFinite(x) || x === 0 || !Number.isInteger(power) || power < 0) return x ** power;
  const { mantissa, exponent } = decompose(Math.abs(x));
  const magnitude = scaledToDouble(mantissa ** BigInt(power), exponent * power);
  return x < 0 && power % 2 === 1 ? -magnitude : magnitude;
}

/** |x| = mantissa · 2^exponent with an integer mantissa. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0 ? { mantissa: fraction, exponent: -1074 } : { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** value · 2^exponent as the nearest double (ties to even), for a positive integer value. */
function scaledToDouble(value: bigint, exponent: number): number {
  const length = value.toString(2).length;
  // Keep 53 significant bits (fewer where the result is subnormal), rounding what is dropped.
  const lowest = Math.max(length - 53, -1074 - exponent);
  if (lowest <= 0) return Number(value) * 2 ** exponent;
  const shift = BigInt(lowest);
  let kept = value >> shift;
  const dropped = value - (kept << shift);
  const half = 1n << (shift - 1n);
  if (dropped > half || (dropped === half && (kept & 1n) === 1n)) kept += 1n;
  return Number(kept) * 2 ** (exponent + lowest);
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

/** Self-written programs whose traced answers the reasoning tests pin. */
import type { Problem } from "../../src/core/problem.js";

export const LOOP_PROGRAM = `def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

def f(xs):
    total = 0
    for x in xs:
        try:
            total += 10 // x
        except ZeroDivisionError:
            total -= 1
    if total > 100:
        total = 100
    return fact(3) + total
`;

export function problemOf(id: string, program: string, entryPoint: string, args: string): Problem {
  return {
    id,
    source: { dataset: "test", version: "1" },
    prompt: program,
    entryPoint,
    reference: program,
    tests: [{ kind: "io", id: "t0", args, visibility: "hidden", group: "base" }],
  };
}

export const LOOP_PROBLEM = problemOf("loop/0", LOOP_PROGRAM, "f", "[1, 0, 5]");

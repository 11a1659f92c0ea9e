/** The benchmark-independent problem model; the types are inferred from config/problem-schema.ts. */
export type { AssertTest, IoTest, Problem, StdinTest, TestCase, TestGroup, TestVisibility } from "../config/problem-schema.js";

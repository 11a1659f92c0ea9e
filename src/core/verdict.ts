/** Verdicts of programs on tests; the types are inferred from config/verdict-schema.ts. */
export type { ProgramVerdict, TestStatus, TestVerdict, VerdictSummary } from "../config/verdict-schema.js";

/**
 * Reasoning-question build over the HumanEval+ and MBPP+ references: questions per task and the
 * build rate, against the anchor of tracing the same programs alone (one trace per program,
 * no questions) measured in the same run on the same runtime.
 */
import { performance } from "node:perf_hooks";
import { loadBenchmark } from "../src/datasets/registry.js";
import { buildQuestions, REASON_TASKS } from "../src/reasoning/index.js";
import { createRuntime } from "../src/runtime/index.js";
import { reportBench } from "./report.js";

const dataDir = new URL("../../shared/data/", import.meta.url).pathname;
const runtime = createRuntime("pyodide");
const rows: Record<string, string | number>[] = [];
try {
  for (const dataset of ["humaneval+", "mbpp+"]) {
    const problems = await loadBenchmark(dataset, { dataDir });
    const traceStart = performance.now();
    await Promise.all(
      problems.flatMap((problem) => {
        const test = problem.tests.find((candidate) => candidate.kind === "io");
        return problem.reference && test?.kind === "io"
          ? [runtime.trace({ program: problem.reference, input: { kind: "call", call: `${problem.entryPoint}(${test.args})` } })]
          : [];
      }),
    );
    const traceSeconds = (performance.now() - traceStart) / 1000;
    const start = performance.now();
    const result = await buildQuestions(runtime, problems, { seed: 0 });
    const seconds = (performance.now() - start) / 1000;
    const counts = Object.fromEntries(REASON_TASKS.map((task) => [task, result.questions.filter((question) => question.task === task).length]));
    rows.push({
      dataset,
      problems: problems.length,
      programs: result.programs,
      ...counts,
      questions: result.questions.length,
      "questions/s": Number((result.questions.length / seconds).toFixed(1)),
      "programs/s": Number((result.programs / seconds).toFixed(1)),
      "build s": Number(seconds.toFixed(2)),
      "trace-only s (anchor)": Number(traceSeconds.toFixed(2)),
      "build / trace-only": Number((seconds / traceSeconds).toFixed(2)),
      skipped: JSON.stringify(result.skipped),
    });
  }
} finally {
  await runtime.close();
}
reportBench("reason", rows);

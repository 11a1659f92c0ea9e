/**
 * Renders every representation for every buggy program of repair/mbpp-buggy.jsonl on its
 * stated failing input (expected output from the MBPP+ reference), and reports per format:
 * o200k_base tokens (mean, median, p95, max), the share that fits 2,048 tokens unclipped,
 * renders per second (rendering only, traces made beforehand), and crashes.
 * Usage: npm run bench:represent
 */
import { deserializeMbppPlusInputs, loadRepairSet, parsePythonLiteral, renderArguments } from "../src/datasets/index.js";
import { listRepresentations } from "../src/representations/registry.js";
import type { RenderInput } from "../src/representations/representation.js";
import { loadTokenizer } from "../src/representations/tokenizers/index.js";
import { createRuntime } from "../src/runtime/index.js";
import { DATA_DIR } from "../scripts/shared-data.js";
import { median, reportBench } from "./report.js";

const BUDGET = 2048;
const runtime = createRuntime("cpython");
const repairSet = await loadRepairSet("mbpp", { dataDir: DATA_DIR });
const problems = repairSet.filter((problem) => typeof problem.meta?.statedFailingInput === "string");

/** The stated failing input as call arguments, with EvalPlus's list-to-tuple conversions. */
function argumentsOf(taskId: string, raw: string): string | undefined {
  const parsed = parsePythonLiteral(raw);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || !("type" in parsed.value) || parsed.value.type !== "list") return undefined;
  const [args] = deserializeMbppPlusInputs(taskId, [parsed.value.items]);
  return renderArguments(args!);
}

let inputs: RenderInput[] = [];
let skipped = 0;
try {
  inputs = (
    await Promise.all(
      problems.map(async (problem): Promise<RenderInput | undefined> => {
        const args = argumentsOf(problem.id, problem.meta!.statedFailingInput as string);
        if (args === undefined) return undefined;
        const reference = await runtime.execute({
          program: problem.reference!,
          entryPoint: problem.entryPoint,
          tests: [{ id: "stated", kind: "call", args, timeoutMs: 10_000 }],
          limits: { maxValueChars: 2_000 },
        });
        const outcome = reference.runs[0]?.stopped ? undefined : reference.runs[0]?.outcomes[0];
        const expected = outcome?.outcome === "returned" ? outcome.display.repr : undefined;
        const trace = await runtime.trace({ program: problem.candidate!, input: { kind: "call", call: `${problem.entryPoint}(${args})` } });
        return { program: problem.candidate!, tests: [{ trace, ...(expected === undefined ? {} : { expected }) }] };
      }),
    )
  ).filter((input): input is RenderInput => input !== undefined);
  skipped = problems.length - inputs.length;
} finally {
  await runtime.close();
}

const tokenizer = await loadTokenizer("o200k_base");
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
const rows = listRepresentations().map((representation) => {
  const tokens: number[] = [];
  let crashes = 0;
  const started = performance.now();
  for (const input of inputs) {
    try {
      tokens.push(tokenizer.count(representation.render(input).text));
    } catch {
      crashes++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...tokens].sort((a, b) => a - b);
  return {
    format: representation.name,
    programs: inputs.length,
    crashes,
    "tokens mean": Math.round(tokens.reduce((sum, count) => sum + count, 0) / Math.max(tokens.length, 1)),
    "tokens median": median(sorted),
    "tokens p95": percentile(sorted, 0.95),
    "tokens max": sorted.at(-1) ?? 0,
    [`fits ${BUDGET} unclipped`]: `${((100 * tokens.filter((count) => count <= BUDGET).length) / Math.max(tokens.length, 1)).toFixed(1)}%`,
    "renders/s (incl. tokenizing)": Math.round(inputs.length / seconds),
  };
});
console.error(
  `${repairSet.length} buggy programs: ${repairSet.length - problems.length} state no failing input, ${skipped} stated inputs could not be parsed, ${inputs.length} rendered`,
);
reportBench("represent", rows, {
  source: "repair/mbpp-buggy.jsonl",
  withoutStatedInput: repairSet.length - problems.length,
  unparsableStatedInput: skipped,
  tokenizer: "o200k_base",
});

/** The benchmark registry: every loader is a plug-in with a name; `loadBenchmark` picks one. */
import { createRegistry } from "../core/registry.js";
import { type Problem } from "../core/problem.js";
import { appsLoader } from "./apps.js";
import { type BenchmarkLoader, type LoadBenchmarkOptions } from "./benchmark.js";
import { cruxEvalLoader } from "./cruxeval.js";
import { genericLoader } from "./generic.js";
import { humanEvalLoader } from "./humaneval.js";
import { humanEvalPlusLoader } from "./humaneval-plus.js";
import { liveCodeBenchLoader } from "./livecodebench.js";
import { liveCodeBenchExecutionLoader } from "./livecodebench-execution.js";
import { mbppLoader, mbppSanitizedLoader } from "./mbpp.js";
import { mbppPlusLoader } from "./mbpp-plus.js";
import { reasonQuestionsLoader } from "./reason-questions.js";
import { humanEvalRepairLoader, mbppRepairLoader } from "./repair.js";

export const builtinBenchmarkLoaders: readonly BenchmarkLoader[] = [
  humanEvalLoader,
  humanEvalPlusLoader,
  mbppLoader,
  mbppSanitizedLoader,
  mbppPlusLoader,
  cruxEvalLoader,
  humanEvalRepairLoader,
  mbppRepairLoader,
  liveCodeBenchLoader,
  liveCodeBenchExecutionLoader,
  appsLoader,
  reasonQuestionsLoader,
  genericLoader,
];

/** The benchmark registry: the built-in loaders, then any a user registers. */
export const benchmarks = createRegistry<BenchmarkLoader>({ kind: "benchmark", entries: builtinBenchmarkLoaders });

/** Loads a registered benchmark by name. */
export async function loadBenchmark(name: string, options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  return benchmarks.get(name).load(options);
}

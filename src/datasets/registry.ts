/** The benchmark registry: every loader is a plug-in with a name; `loadBenchmark` picks one. */
import { ConfigError } from "../core/errors.js";
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

export interface BenchmarkRegistry {
  names(): string[];
  get(name: string): BenchmarkLoader | undefined;
  /** Adds a loader; a name already taken is an error. */
  register(loader: BenchmarkLoader): void;
  load(name: string, options?: LoadBenchmarkOptions): Promise<Problem[]>;
}

export function createBenchmarkRegistry(loaders: readonly BenchmarkLoader[] = builtinBenchmarkLoaders): BenchmarkRegistry {
  const byName = new Map<string, BenchmarkLoader>();
  const registry: BenchmarkRegistry = {
    names: () => [...byName.keys()],
    get: (name) => byName.get(name),
    register(loader) {
      if (byName.has(loader.name)) throw new ConfigError(`A benchmark named "${loader.name}" is already registered.`);
      byName.set(loader.name, loader);
    },
    async load(name, options = {}) {
      const loader = byName.get(name);
      if (!loader) throw new ConfigError(`Unknown benchmark "${name}". Known: ${registry.names().join(", ")}.`);
      return loader.load(options);
    },
  };
  for (const loader of loaders) registry.register(loader);
  return registry;
}

const defaultRegistry = createBenchmarkRegistry();

/** Loads a built-in benchmark by name (see `builtinBenchmarkLoaders`). */
export function loadBenchmark(name: string, options: LoadBenchmarkOptions = {}): Promise<Problem[]> {
  return defaultRegistry.load(name, options);
}

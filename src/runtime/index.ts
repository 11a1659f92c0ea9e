import { ConfigError } from "../core/errors.js";
import type { RuntimeName } from "../core/trace.js";
import { createCpythonRuntime, type CpythonRuntimeOptions } from "./cpython/cpython-runtime.js";
import { createPyodideRuntime, type PyodideRuntimeOptions } from "./pyodide/pyodide-runtime.js";
import type { Runtime } from "./runtime.js";

export type RuntimeOptions = PyodideRuntimeOptions & CpythonRuntimeOptions;

const factories: Record<RuntimeName, (options: RuntimeOptions) => Runtime> = {
  pyodide: createPyodideRuntime,
  cpython: createCpythonRuntime,
};

export const RUNTIME_NAMES = Object.keys(factories) as RuntimeName[];

/** The runtime registry: `pyodide` (default, WebAssembly) or `cpython` (host, bubblewrap). */
export function createRuntime(name: string = "pyodide", options: RuntimeOptions = {}): Runtime {
  const factory = factories[name as RuntimeName];
  if (!factory) throw new ConfigError(`unknown runtime '${name}'; choose one of: ${RUNTIME_NAMES.join(", ")}`);
  return factory(options);
}

export type { Runtime, TraceRequest, ExecuteRequest, ExecuteResponse, ExecuteTest, TestRun, CallOutcome, ScriptRequest, ScriptRun } from "./runtime.js";
export { DEFAULT_FETCH_BYTES, DEFAULT_LIMITS } from "./runtime.js";
export { workingFolderPathIssue } from "./script.js";

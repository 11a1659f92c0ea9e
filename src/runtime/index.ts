import { createRegistry } from "../core/registry.js";
import type { RuntimeName } from "../core/trace.js";
import { createCpythonRuntime, type CpythonRuntimeOptions } from "./cpython/cpython-runtime.js";
import { createPyodideRuntime, type PyodideRuntimeOptions } from "./pyodide/pyodide-runtime.js";
import type { Runtime } from "./runtime.js";

export type RuntimeOptions = PyodideRuntimeOptions & CpythonRuntimeOptions;

/** A registered runtime: its name and how to start one. */
export interface RuntimeDefinition {
  readonly name: string;
  create(options: RuntimeOptions): Runtime;
}

/** The built-in runtimes, the ones the CLI offers. */
export const RUNTIME_NAMES: readonly RuntimeName[] = ["pyodide", "cpython"];

/** The runtime registry: `pyodide` (default, WebAssembly), `cpython` (host, bubblewrap), and any a user registers. */
export const runtimes = createRegistry<RuntimeDefinition>({
  kind: "runtime",
  entries: [
    { name: "pyodide", create: createPyodideRuntime },
    { name: "cpython", create: createCpythonRuntime },
  ],
});

export function createRuntime(name: string = "pyodide", options: RuntimeOptions = {}): Runtime {
  return runtimes.get(name).create(options);
}

export type { Runtime, TraceRequest, ExecuteRequest, ExecuteResponse, ExecuteTest, TestRun, CallOutcome, ScriptRequest, ScriptRun } from "./runtime.js";
export { DEFAULT_FETCH_BYTES, DEFAULT_LIMITS } from "./runtime.js";
export { workingFolderPathIssue } from "./script.js";

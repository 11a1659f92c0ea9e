import { readFileSync } from "node:fs";

/** Python files ship beside the compiled JS (scripts/copy-assets.js) and beside the TS sources. */
export function readPythonSource(relativePath: string, from: string): string {
  return readFileSync(new URL(relativePath, from), "utf8");
}

/** The Python modules both runtimes load, by file name: the tracer and the state reset it uses. */
export const sharedPythonSources = (): Record<string, string> => ({
  "semtrace_tracer.py": readPythonSource("./python/semtrace_tracer.py", import.meta.url),
  "semtrace_state.py": readPythonSource("./python/semtrace_state.py", import.meta.url),
});

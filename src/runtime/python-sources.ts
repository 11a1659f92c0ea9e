import { readFileSync } from "node:fs";

/** Python files ship beside the compiled JS (scripts/copy-assets.js) and beside the TS sources. */
export function readPythonSource(relativePath: string, from: string): string {
  return readFileSync(new URL(relativePath, from), "utf8");
}

/** The files both runtimes load, by file name: the tracer, its statement table, the state reset it uses, the script runner, and the protocol. */
export const sharedPythonSources = (): Record<string, string> =>
  Object.fromEntries(
    ["semtrace_tracer.py", "semtrace_statements.py", "semtrace_state.py", "semtrace_script.py", "semtrace_protocol.py", "semtrace_protocol.json"].map(
      (name) => [name, readPythonSource(`./python/${name}`, import.meta.url)],
    ),
  );

/** Shared pieces for turning view entries into text. */
import type { ClipReport } from "./clip.js";
import type { ResolvedRenderOptions } from "./options.js";
import { entryVariables, type Gap, type StepEntry } from "./view.js";
import { formatError, formatValue } from "./values.js";

/** Name the return value and the exception as pseudo-variables, as PySnooper and NExT do. */
export const RETURN_NAME = "__return__";
export const EXCEPTION_NAME = "__exception__";

/**
 * The (name, value) pairs an entry shows, in order: its variables (changes, or the whole
 * state with `showUnchanged`), then the return value, then the exception. A return never
 * hides the changes made on the same line.
 */
export function entryPairs(entry: StepEntry, options: ResolvedRenderOptions, clip: ClipReport): [string, string][] {
  const pairs: [string, string][] = entryVariables(entry, options, clip).map((variable) => [variable.name, formatValue(variable, options.valueWidth, clip)]);
  if (entry.raised !== undefined) pairs.push([EXCEPTION_NAME, formatError(entry.raised, options.valueWidth, clip)]);
  if (entry.returned !== undefined) pairs.push([RETURN_NAME, formatValue(entry.returned, options.valueWidth, clip)]);
  return pairs;
}

/** Two spaces per call depth, so a helper's steps sit under the line that called it. */
export function indentation(depth: number): string {
  return "  ".repeat(depth);
}

export function gapDepth(gap: Gap): number {
  return gap.reason === "loop" || gap.reason === "depth" ? gap.depth : 0;
}

/** Joins sections with one blank line and ends the text with a newline. */
export function joinSections(sections: readonly string[]): string {
  return sections.filter((section) => section !== "").join("\n\n") + "\n";
}

/** The program as shown: line endings normalized, trailing blank lines dropped. */
export function programText(program: string): string {
  return program.replace(/\r\n?/g, "\n").replace(/\s+$/, "");
}

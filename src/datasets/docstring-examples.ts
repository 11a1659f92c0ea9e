/**
 * Examples in a prompt's docstring, turned into io tests. Two families are read:
 *
 *     >>> name(args)            >>> name(args) == literal        (doctest)
 *     expected output
 *
 *     name(args) == literal     name(args) => literal    name(args) ➞ literal
 *     name(args) ==> literal    name(args) -> literal
 *     name(args) returns literal    name(args) should return literal.      (inline)
 *
 * An example is kept only when it calls the entry point directly, its arguments and expected
 * value are Python literals, and the expected value is unambiguous. Anything else (helper
 * calls, `...` continuations, empty output, prose, arithmetic, tracebacks) is skipped, never
 * guessed. A single `=` is not read: docstrings use it for definitions (`tri(1) = 3`).
 */
import { parsePythonLiteral } from "./python-literal.js";
import { renderPython } from "../core/python-value.js";

export interface DocstringExample {
  /** Python source of the positional arguments, as written in the prompt. */
  args: string;
  /** The expected value as Python source, normalized to its repr. */
  expected: string;
  /** 1-based line of the `>>>` in the prompt. */
  line: number;
}

const promptPattern = /^(\s*)>>>\s?(.*)$/;
const inlinePattern = /^\s*(?:[*-]\s+)?(.*)$/;
const arrowPattern = /^(?:#\s*)?(==>|=>|==|➞|->|returns|should return)\s*(.+)$/s;

export function parseDocstringExamples(prompt: string, entryPoint: string): DocstringExample[] {
  const lines = prompt.split(/\r?\n/);
  const examples: DocstringExample[] = [];
  lines.forEach((line, index) => {
    const doctest = promptPattern.exec(line);
    const example = doctest
      ? parseDoctest(doctest[2] as string, outputBlock(lines, index + 1, doctest[1] as string), entryPoint)
      : parseInline((inlinePattern.exec(line) as RegExpExecArray)[1] as string, entryPoint);
    if (example) examples.push({ ...example, line: index + 1 });
  });
  return examples;
}

/** The lines doctest would compare: indented like the prompt, up to a blank line or the next `>>>`. */
function outputBlock(lines: readonly string[], start: number, indent: string): string[] | "continuation" {
  const block: string[] = [];
  for (let index = start; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const trimmed = line.trim();
    if (trimmed.startsWith("...") && index === start) return "continuation";
    if (trimmed === "" || trimmed.startsWith(">>>") || /^("""|''')/.test(trimmed)) break;
    if (!line.startsWith(indent)) break;
    block.push(trimmed);
  }
  return block;
}

type Example = Omit<DocstringExample, "line">;

function parseDoctest(source: string, output: string[] | "continuation", entryPoint: string): Example | undefined {
  if (output === "continuation") return undefined;
  const call = splitCall(source, entryPoint);
  if (!call || !argumentsAreLiterals(call.args)) return undefined;
  const rest = stripComment(call.rest);
  const comparison = /^==\s*(.+)$/s.exec(rest);
  if (comparison) return withExpected(call.args, comparison[1] as string);
  if (rest !== "" || output.length === 0) return undefined;
  return withExpected(call.args, output.join("\n"));
}

function parseInline(source: string, entryPoint: string): Example | undefined {
  const call = splitCall(source, entryPoint);
  if (!call || !argumentsAreLiterals(call.args)) return undefined;
  const arrow = arrowPattern.exec(call.rest);
  if (!arrow) return undefined;
  let expected = stripComment(arrow[2] as string);
  // In prose ("should return 16.") a final period ends the sentence, it is not a float's dot.
  if (/^(returns|should return)$/.test(arrow[1] as string)) expected = expected.replace(/\.$/, "");
  return withExpected(call.args, expected);
}

function withExpected(args: string, expectedText: string): Example | undefined {
  const parsed = parsePythonLiteral(expectedText);
  return parsed.ok ? { args, expected: renderPython(parsed.value) } : undefined;
}

function argumentsAreLiterals(args: string): boolean {
  if (args === "") return true;
  const parsed = parsePythonLiteral(`(${args},)`);
  return parsed.ok && parsed.value.type === "tuple";
}

/** `entryPoint(args) rest`, with `rest` trimmed. */
function splitCall(source: string, entryPoint: string): { args: string; rest: string } | undefined {
  const head = new RegExp(`^${escapeRegExp(entryPoint)}\\s*\\(`).exec(source);
  if (!head) return undefined;
  const open = head[0].length - 1;
  const close = findClosingBracket(source, open);
  if (close === undefined) return undefined;
  return { args: source.slice(open + 1, close).trim(), rest: source.slice(close + 1).trim() };
}

function stripComment(text: string): string {
  const start = scan(text, 0, (character) => character === "#");
  return (start === undefined ? text : text.slice(0, start)).trim();
}

function findClosingBracket(text: string, open: number): number | undefined {
  let depth = 0;
  return scan(text, open, (character) => {
    if ("([{".includes(character)) depth += 1;
    else if (")]}".includes(character)) depth -= 1;
    return depth === 0;
  });
}

/**
 * Walks `text` from `start`, skipping string literals, and returns the index of the first
 * character outside strings for which `stop` is true.
 */
function scan(text: string, start: number, stop: (character: string) => boolean): number | undefined {
  let index = start;
  while (index < text.length) {
    const character = text[index] as string;
    if (character === "'" || character === '"') {
      const end = stringEnd(text, index);
      if (end === undefined) return undefined;
      index = end;
      continue;
    }
    if (stop(character)) return index;
    index += 1;
  }
  return undefined;
}

/** Index just after the string literal that opens at `start`. */
function stringEnd(text: string, start: number): number | undefined {
  const single = text[start] as string;
  const quote = text.startsWith(single.repeat(3), start) ? single.repeat(3) : single;
  let index = start + quote.length;
  while (index < text.length) {
    if (text[index] === "\\") index += 2;
    else if (text.startsWith(quote, index)) return index + quote.length;
    else index += 1;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Facts about the program text that trace readers need: its lines, where statements
 * start, and which lines look like loop headers. A small scanner (strings, brackets,
 * backslash continuations) is enough here; no full Python parse is needed.
 */

/** The program's physical lines; index 0 holds line 1. Line endings are normalized like Python's. */
export function splitSourceLines(program: string): string[] {
  return program.replace(/\r\n?/g, "\n").split("\n");
}

/**
 * The lines where a logical line (a statement) starts: not blank, not a comment, and not
 * inside a bracket, a string or a backslash continuation. Sorted ascending.
 */
export function statementStartLines(program: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let quote: string | undefined;
  let continued = false;
  splitSourceLines(program).forEach((text, index) => {
    if (quote === undefined && depth === 0 && !continued) {
      const trimmed = text.trim();
      if (trimmed !== "" && !trimmed.startsWith("#")) starts.push(index + 1);
    }
    continued = false;
    let position = 0;
    while (position < text.length) {
      const char = text[position]!;
      if (quote !== undefined) {
        if (char === "\\") {
          position += 2;
          continue;
        }
        if (text.startsWith(quote, position)) {
          position += quote.length;
          quote = undefined;
          continue;
        }
        position += 1;
        continue;
      }
      if (char === "#") break;
      if (char === '"' || char === "'") {
        const triple = char.repeat(3);
        quote = text.startsWith(triple, position) ? triple : char;
        position += quote.length;
        continue;
      }
      if ("([{".includes(char)) depth += 1;
      else if (")]}".includes(char)) depth = Math.max(0, depth - 1);
      else if (char === "\\" && position === text.length - 1) continued = true;
      position += 1;
    }
    // A single-quoted string only spans lines through a trailing backslash.
    if (quote !== undefined && quote.length === 1 && !text.endsWith("\\")) quote = undefined;
  });
  return starts;
}

const NO_CODE_HEADER = /^\s*(else|finally)\s*:\s*(#.*)?$/;
const DEFINITION = /^\s*(async\s+def|def|class)\b/;

/**
 * For each statement line, the statement that runs next when control falls through
 * without a jump. `else:` and `finally:` have no code of their own and never produce a
 * line event (CPython 3.11+ does emit one for `try:`), so they are skipped; a `def`/`class`
 * falls through past its body.
 */
export function fallThroughLines(program: string): Map<number, number> {
  const lines = splitSourceLines(program);
  const starts = statementStartLines(program);
  const hasCode = (line: number): boolean => !NO_CODE_HEADER.test(lines[line - 1] ?? "");
  const next = new Map<number, number>();
  starts.forEach((line, index) => {
    const text = lines[line - 1] ?? "";
    if (!hasCode(line)) return;
    const indent = indentationOf(text);
    let position = DEFINITION.test(text) ? starts.findIndex((candidate, at) => at > index && indentationOf(lines[candidate - 1] ?? "") <= indent) : index + 1;
    while (position >= 0 && position < starts.length && !hasCode(starts[position]!)) position += 1;
    const following = position >= 0 ? starts[position] : undefined;
    if (following !== undefined) next.set(line, following);
  });
  return next;
}

function indentationOf(text: string): number {
  return text.length - text.trimStart().length;
}

const LOOP_STATEMENT = /^\s*(async\s+for|for|while)\b/;
const COMPREHENSION = /\bfor\b.*\bin\b/;

/** A line that can head a loop: a `for`/`while` statement, or one holding a comprehension. */
export function isLoopHeaderText(text: string): boolean {
  const code = text.replace(/#.*$/, "");
  return LOOP_STATEMENT.test(code) || COMPREHENSION.test(code);
}

/** A predicate over line numbers for loop detection, from the program text. */
export function createLoopHeaderPredicate(program: string): (line: number) => boolean {
  const lines = splitSourceLines(program);
  return (line) => isLoopHeaderText(lines[line - 1] ?? "");
}

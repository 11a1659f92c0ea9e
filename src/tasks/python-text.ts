/**
 * Just enough Python tokenizing to take apart one-line test code and model answers: string
 * literals (any prefix, single or triple quotes), comments and bracket depth. Code is never
 * evaluated here; anything this cannot take apart is left to the sandbox.
 */

const OPENING = "([{";
const CLOSING = ")]}";

/**
 * Calls `visit` for every character outside string literals and comments, with the bracket
 * depth before it. Returning true stops the scan.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a visitor that never stops the scan returns nothing
export function scanCode(text: string, visit: (index: number, depth: number) => boolean | void): void {
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "'" || char === '"') {
      index = skipString(text, index);
      continue;
    }
    if (char === "#") {
      const newline = text.indexOf("\n", index);
      index = newline === -1 ? text.length : newline;
      continue;
    }
    if (CLOSING.includes(char)) depth = Math.max(0, depth - 1);
    if (visit(index, depth) === true) return;
    if (OPENING.includes(char)) depth += 1;
    index += 1;
  }
}

/** The index just past the string literal that starts at `start` (at its quote). */
function skipString(text: string, start: number): number {
  const quote = text[start]!;
  const triple = text.startsWith(quote.repeat(3), start);
  const closing = triple ? quote.repeat(3) : quote;
  let index = start + closing.length;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "\\") {
      index += 2;
      continue;
    }
    if (!triple && char === "\n") return index;
    if (text.startsWith(closing, index)) return index + closing.length;
    index += 1;
  }
  return text.length;
}

/** Splits at the first top-level `==` (not part of `<=`, `>=`, `!=` or `===`). */
export function splitTopLevelEquality(text: string): [string, string] | undefined {
  let found: number | undefined;
  scanCode(text, (index, depth) => {
    if (depth !== 0 || text[index] !== "=" || text[index + 1] !== "=") return false;
    if ("=!<>".includes(text[index - 1] ?? "") || text[index + 2] === "=") return false;
    found = index;
    return true;
  });
  return found === undefined ? undefined : [text.slice(0, found), text.slice(found + 2)];
}

/** Splits at every top-level comma. */
export function splitTopLevelCommas(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scanCode(text, (index, depth) => {
    if (depth === 0 && text[index] === ",") {
      parts.push(text.slice(start, index));
      start = index + 1;
    }
  });
  parts.push(text.slice(start));
  return parts;
}

export interface FoundCall {
  /** Index of the function name. */
  start: number;
  /** Index just past the closing parenthesis. */
  end: number;
  /** The text between the parentheses. */
  args: string;
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_.]/;

/** The first call of `name(...)` (spaces allowed before the parenthesis) outside strings. */
export function findCall(text: string, name: string): FoundCall | undefined {
  let found: FoundCall | undefined;
  scanCode(text, (index) => {
    if (!text.startsWith(name, index) || IDENTIFIER_CHAR.test(text[index - 1] ?? "")) return false;
    let open = index + name.length;
    while (text[open] === " " || text[open] === "\t") open += 1;
    if (text[open] !== "(") return false;
    const close = matchingParenthesis(text, open);
    if (close === undefined) return false;
    found = { start: index, end: close + 1, args: text.slice(open + 1, close) };
    return true;
  });
  return found;
}

function matchingParenthesis(text: string, open: number): number | undefined {
  // `open` is outside any string, so the tail can be scanned on its own.
  const tail = text.slice(open);
  let result: number | undefined;
  scanCode(tail, (index, depth) => {
    if (index === 0 || tail[index] !== ")" || depth !== 0) return false;
    result = open + index;
    return true;
  });
  return result;
}

/** Removes parentheses that wrap the whole expression: `((f(1)))` → `f(1)`. */
export function stripOuterParentheses(text: string): string {
  let current = text.trim();
  while (current.startsWith("(") && matchingParenthesis(current, 0) === current.length - 1) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

/** Whether `text` is exactly one call of `name`, as `name(...)`. */
export function exactCall(text: string, name: string): FoundCall | undefined {
  const trimmed = stripOuterParentheses(text);
  const call = findCall(trimmed, name);
  return call !== undefined && call.start === 0 && call.end === trimmed.length ? call : undefined;
}

/**
 * Mutation operators: each reads a tree-sitter parse of a reference solution and proposes
 * source edits (a replaced index range), in source order. Validity (does the mutant parse?)
 * and deduplication are decided by the caller.
 */
import type { SyntaxNode } from "./python-parser.js";
import { collectScopes, preorder, type Scope } from "./python-scopes.js";

export const MUTATION_OPERATORS = [
  "range-off-by-one",
  "comparison-off-by-one",
  "swap-binary-operator",
  "negate-condition",
  "wrong-variable",
  "drop-statement",
  "change-constant",
  "swap-return",
] as const;

export type MutationOperator = (typeof MUTATION_OPERATORS)[number];

/** Replace source[start, end) by `replacement`; indices are JavaScript string (UTF-16) offsets. */
export interface SourceEdit {
  start: number;
  end: number;
  replacement: string;
  /** 1-based line and column (in UTF-16 code units) of the edited code in the original source. */
  line: number;
  column: number;
  description: string;
}

type OperatorFunction = (root: SyntaxNode, source: string) => SourceEdit[];

export const OPERATOR_FUNCTIONS: Record<MutationOperator, OperatorFunction> = {
  "range-off-by-one": rangeOffByOne,
  "comparison-off-by-one": comparisonOffByOne,
  "swap-binary-operator": swapBinaryOperator,
  "negate-condition": negateCondition,
  "wrong-variable": wrongVariable,
  "drop-statement": dropStatement,
  "change-constant": changeConstant,
  "swap-return": swapReturn,
};

function edit(node: SyntaxNode, replacement: string, description: string): SourceEdit {
  return {
    start: node.startIndex,
    end: node.endIndex,
    replacement,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    description: `line ${node.startPosition.row + 1}: ${description}`,
  };
}

/** A short one-line rendering of code for descriptions. */
export function snippet(code: string): string {
  const oneLine = code.replace(/\s+/g, " ").trim();
  return "`" + (oneLine.length > 40 ? oneLine.slice(0, 39) + "…" : oneLine) + "`";
}

function nodesOfType(root: SyntaxNode, types: ReadonlySet<string>): SyntaxNode[] {
  return preorder(root).filter((node) => types.has(node.type));
}

function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((child): child is SyntaxNode => child !== null && child.type !== "comment");
}

const DECIMAL_INTEGER = /^[0-9][0-9_]*$/;

function decimalValue(node: SyntaxNode): bigint | undefined {
  return node.type === "integer" && DECIMAL_INTEGER.test(node.text) ? BigInt(node.text.replaceAll("_", "")) : undefined;
}

// --- range(...) arguments ---------------------------------------------------------------

/** Expressions that can take a trailing `+ 1` without parentheses. */
const TIGHT_TYPES = new Set(["identifier", "call", "attribute", "subscript", "integer", "parenthesized_expression"]);
const ADDITIVE_OR_TIGHTER = new Set(["+", "-", "*", "/", "//", "%", "**", "@"]);

/** Each positional argument of `range(...)`: +1, then −1 (folding into a trailing `± k`). */
function rangeOffByOne(root: SyntaxNode): SourceEdit[] {
  return nodesOfType(root, new Set(["call"]))
    .filter((call) => call.childForFieldName("function")?.text === "range")
    .flatMap((call) => {
      const argumentList = call.childForFieldName("arguments");
      const positional = argumentList === null ? [] : namedChildren(argumentList);
      return positional
        .filter((argument) => !["keyword_argument", "list_splat", "dictionary_splat"].includes(argument.type))
        .flatMap((argument) =>
          [1n, -1n].map((delta) => {
            const shifted = shiftExpression(argument, delta);
            return edit(argument, shifted, `range argument ${snippet(argument.text)} → ${snippet(shifted)}`);
          }),
        );
    });
}

function shiftExpression(node: SyntaxNode, delta: bigint): string {
  const literal = decimalValue(node);
  if (literal !== undefined) return String(literal + delta);
  const offset = trailingOffset(node);
  if (offset !== undefined) return withOffset(offset.base, offset.value + delta);
  return withOffset(isTight(node) ? node.text : `(${node.text})`, delta);
}

/** `x + k` / `x - k` with a decimal literal k, as (x, ±k). */
function trailingOffset(node: SyntaxNode): { base: string; value: bigint } | undefined {
  if (node.type !== "binary_operator") return undefined;
  const operator = node.childForFieldName("operator")?.type;
  const left = node.childForFieldName("left");
  const right = node.childForFieldName("right");
  const value = right === null ? undefined : decimalValue(right);
  if (left === null || value === undefined || (operator !== "+" && operator !== "-")) return undefined;
  return { base: left.text, value: operator === "+" ? value : -value };
}

function withOffset(base: string, value: bigint): string {
  if (value === 0n) return base;
  return value > 0n ? `${base} + ${value}` : `${base} - ${-value}`;
}

function isTight(node: SyntaxNode): boolean {
  if (TIGHT_TYPES.has(node.type)) return true;
  return node.type === "binary_operator" && ADDITIVE_OR_TIGHTER.has(node.childForFieldName("operator")?.type ?? "");
}

// --- operators ------------------------------------------------------------------------------

const COMPARISON_SWAPS: Record<string, string> = { "<": "<=", "<=": "<", ">": ">=", ">=": ">" };

function comparisonOffByOne(root: SyntaxNode): SourceEdit[] {
  return nodesOfType(root, new Set(["comparison_operator"])).flatMap((node) => operatorEdits(node, COMPARISON_SWAPS));
}

const BINARY_SWAPS: Record<string, string> = {
  "+": "-",
  "-": "+",
  "*": "//",
  "//": "*",
  "/": "//",
  "%": "//",
  "**": "*",
  "<<": ">>",
  ">>": "<<",
  "&": "|",
  "|": "&",
  "^": "|",
  and: "or",
  or: "and",
  "==": "!=",
  "!=": "==",
};
const AUGMENTED_SWAPS = Object.fromEntries(
  Object.entries(BINARY_SWAPS)
    .filter(([operator]) => /^[^a-z=!]+$/.test(operator))
    .map(([from, to]) => [`${from}=`, `${to}=`]),
);

/** Arithmetic, bitwise and boolean operators, `==`/`!=`, and augmented assignments (`+=` ↔ `-=`, ...). */
function swapBinaryOperator(root: SyntaxNode): SourceEdit[] {
  return preorder(root).flatMap((node) => {
    if (node.type === "augmented_assignment") return operatorEdits(node, AUGMENTED_SWAPS);
    if (["binary_operator", "boolean_operator", "comparison_operator"].includes(node.type)) {
      return operatorEdits(node, BINARY_SWAPS);
    }
    return [];
  });
}

/** The anonymous operator children of `node` that have a swap (a chained comparison has several). */
function operatorEdits(node: SyntaxNode, swaps: Record<string, string>): SourceEdit[] {
  return node.children
    .filter((child): child is SyntaxNode => child !== null && !child.isNamed && Object.hasOwn(swaps, child.type))
    .map((operator) => {
      const replacement = swaps[operator.type] as string;
      return edit(operator, replacement, `${snippet(operator.text)} → ${snippet(replacement)}`);
    });
}

// --- conditions ---------------------------------------------------------------------------

/** `if c` / `elif c` / `while c` → `not (c)`; `not x` loses its `not` and a literal flips instead. */
function negateCondition(root: SyntaxNode): SourceEdit[] {
  return nodesOfType(root, new Set(["if_statement", "elif_clause", "while_statement"])).flatMap((statement) => {
    const condition = statement.childForFieldName("condition");
    if (condition === null) return [];
    const replacement = negation(condition);
    return [edit(condition, replacement, `condition ${snippet(condition.text)} → ${snippet(replacement)}`)];
  });
}

function negation(expression: SyntaxNode): string {
  if (expression.type === "true") return "False";
  if (expression.type === "false") return "True";
  if (expression.type === "not_operator") {
    const argument = expression.childForFieldName("argument");
    if (argument !== null) return argument.text;
  }
  return `not (${expression.text})`;
}

// --- variables ------------------------------------------------------------------------------

/**
 * Each read of a local, replaced by each other local already bound before it (in binding order).
 * A bare `return name` is left to swap-return, which would otherwise never own such a mutant.
 */
function wrongVariable(root: SyntaxNode): SourceEdit[] {
  return collectScopes(root).flatMap((scope) =>
    scope.uses
      .filter((use) => use.parent?.type !== "return_statement")
      .flatMap((use) =>
        namesBoundBefore(scope, use.startIndex)
          .filter((name) => name !== use.text)
          .map((name) => edit(use, name, `${snippet(use.text)} → ${snippet(name)}`)),
      ),
  );
}

function namesBoundBefore(scope: Scope, index: number): string[] {
  return scope.bindings.filter((binding) => binding.firstIndex < index).map((binding) => binding.name);
}

// --- statements -----------------------------------------------------------------------------

/** Statements never dropped: their loss is a trivial NameError or no change at all. */
const KEPT_STATEMENTS = new Set([
  "return_statement",
  "pass_statement",
  "import_statement",
  "import_from_statement",
  "future_import_statement",
  "function_definition",
  "class_definition",
  "decorated_definition",
]);

/** Removes one statement of a block (or the module) that holds more than one statement. */
function dropStatement(root: SyntaxNode, source: string): SourceEdit[] {
  return nodesOfType(root, new Set(["module", "block"])).flatMap((block) => {
    const statements = namedChildren(block);
    if (statements.length < 2) return [];
    return statements
      .filter((statement) => !KEPT_STATEMENTS.has(statement.type) && !isDocstring(statement))
      .flatMap((statement) => {
        const range = statementRange(statement, source);
        if (range === undefined) return [];
        const line = statement.startPosition.row + 1;
        const column = statement.startPosition.column + 1;
        const firstLine = statement.text.split("\n")[0] ?? "";
        return [{ ...range, replacement: "", line, column, description: `line ${line}: dropped ${snippet(firstLine)}` }];
      });
  });
}

function isDocstring(statement: SyntaxNode): boolean {
  const children = namedChildren(statement);
  return statement.type === "expression_statement" && children.length === 1 && children[0]?.type === "string";
}

/**
 * The range to delete: the statement's whole lines when it stands alone on them (a trailing
 * comment goes with it), else the statement plus the `;` that joins it to a neighbour.
 */
function statementRange(statement: SyntaxNode, source: string): { start: number; end: number } | undefined {
  const lineStart = source.lastIndexOf("\n", statement.startIndex - 1) + 1;
  const newline = source.indexOf("\n", statement.endIndex);
  const lineEnd = newline === -1 ? source.length : newline;
  const before = source.slice(lineStart, statement.startIndex);
  const after = source.slice(statement.endIndex, lineEnd);
  if (before.trim() === "" && /^\s*(#.*)?$/.test(after)) {
    return { start: lineStart, end: newline === -1 ? source.length : newline + 1 };
  }
  const following = /^[ \t]*;[ \t]*/.exec(after);
  if (following !== null) return { start: statement.startIndex, end: statement.endIndex + following[0].length };
  const preceding = /[ \t]*;[ \t]*$/.exec(before);
  if (preceding !== null) return { start: statement.startIndex - preceding[0].length, end: statement.endIndex };
  return undefined;
}

// --- constants ------------------------------------------------------------------------------

/** Decimal integers (n+1, then n−1 when n ≥ 1, so 0 → 1), `True` ↔ `False`, and string tweaks. */
function changeConstant(root: SyntaxNode): SourceEdit[] {
  return preorder(root).flatMap((node) => {
    if (node.type === "true" || node.type === "false") {
      const replacement = node.type === "true" ? "False" : "True";
      return [edit(node, replacement, `${snippet(node.text)} → ${snippet(replacement)}`)];
    }
    if (node.type === "string") return stringTweaks(node);
    const value = decimalValue(node);
    if (value === undefined) return [];
    const replacements = value >= 1n ? [value + 1n, value - 1n] : [value + 1n];
    return replacements.map(String).map((replacement) => edit(node, replacement, `${snippet(node.text)} → ${snippet(replacement)}`));
  });
}

/**
 * A non-empty string: its case flipped (lower-case it when it is all upper case, else upper-case
 * it; skipped when it has escapes or no letters), then emptied. An empty string becomes " ".
 * Docstrings and f-strings with interpolations are left alone.
 */
function stringTweaks(node: SyntaxNode): SourceEdit[] {
  const parts = node.children.filter((child): child is SyntaxNode => child !== null);
  const start = parts.find((part) => part.type === "string_start");
  const end = parts.find((part) => part.type === "string_end");
  if (start === undefined || end === undefined) return [];
  if (parts.some((part) => part.type === "interpolation")) return [];
  if (node.parent !== null && isDocstring(node.parent)) return [];
  const content = node.text.slice(start.endIndex - node.startIndex, end.startIndex - node.startIndex);
  const contents: string[] = [];
  if (content === "") contents.push(" ");
  else {
    const flipped = content === content.toUpperCase() ? content.toLowerCase() : content.toUpperCase();
    if (flipped !== content && !content.includes("\\")) contents.push(flipped);
    contents.push("");
  }
  return contents.map((replacementContent) => {
    const replacement = start.text + replacementContent + end.text;
    return edit(node, replacement, `${snippet(node.text)} → ${snippet(replacement)}`);
  });
}

// --- returns --------------------------------------------------------------------------------

const BOOLEAN_TYPES = new Set(["comparison_operator", "boolean_operator", "not_operator", "true", "false"]);

/**
 * A returned value replaced by: its negation (boolean expressions only), then each other
 * expression returned by the same function, then each local already bound (binding order).
 */
function swapReturn(root: SyntaxNode): SourceEdit[] {
  return collectScopes(root).flatMap((scope) => {
    const values = scope.returns.map((statement) => namedChildren(statement)[0]).filter((value): value is SyntaxNode => value !== undefined);
    return values.flatMap((value) => {
      const alternatives = new Set<string>();
      if (BOOLEAN_TYPES.has(value.type)) alternatives.add(negation(value));
      values.forEach((other) => alternatives.add(other.text));
      namesBoundBefore(scope, value.startIndex).forEach((name) => alternatives.add(name));
      alternatives.delete(value.text);
      return [...alternatives].map((replacement) => edit(value, replacement, `return ${snippet(value.text)} → return ${snippet(replacement)}`));
    });
  });
}

/**
 * Python parsing with tree-sitter (web-tree-sitter + the tree-sitter-python wasm grammar).
 *
 * The wasm runtime and the grammar are loaded once, on first use, and shared. Trees live in
 * wasm memory, so they are only handed out through `withTree`, which frees them afterwards.
 */
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { Language, Parser, type Node } from "web-tree-sitter";
import { SemtraceError } from "../core/errors.js";

export type { Node as SyntaxNode } from "web-tree-sitter";

export interface PythonParser {
  /** Parses `source` and passes the root node to `use`; nodes must not escape `use` (the tree is freed after). */
  withTree<T>(source: string, use: (root: Node) => T): T;
  /** The token sequence of `source` (see `syntaxTokens`). */
  tokens(source: string): string[];
  /** True when `source` parses without ERROR or MISSING nodes. */
  isValid(source: string): boolean;
}

let parserPromise: Promise<PythonParser> | undefined;

/** Loads the parser once; later calls share the same instance. */
export function loadPythonParser(): Promise<PythonParser> {
  parserPromise ??= createPythonParser().catch((error: unknown) => {
    parserPromise = undefined;
    throw new SemtraceError("could not load the tree-sitter Python grammar; reinstall the web-tree-sitter and tree-sitter-python packages", {
      code: "parser-unavailable",
      cause: error,
    });
  });
  return parserPromise;
}

async function createPythonParser(): Promise<PythonParser> {
  await Parser.init();
  const require = createRequire(import.meta.url);
  const grammarPath = join(dirname(require.resolve("tree-sitter-python/package.json")), "tree-sitter-python.wasm");
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammarPath));

  const withTree = <T>(source: string, use: (root: Node) => T): T => {
    const tree = parser.parse(source);
    if (tree === null) throw new SemtraceError("tree-sitter returned no tree for a Python source", { code: "parser-failed" });
    try {
      return use(tree.rootNode);
    } finally {
      tree.delete();
    }
  };
  return {
    withTree,
    tokens: (source) => withTree(source, syntaxTokens),
    isValid: (source) => withTree(source, (root) => !hasSyntaxError(root)),
  };
}

/** Node types kept whole as one token even though tree-sitter gives them children. */
const ATOMIC_TYPES = new Set(["string", "not in", "is not"]);
/** Leaves that carry no code: comments and backslash line continuations. */
const SKIPPED_TYPES = new Set(["comment", "line_continuation"]);

/**
 * The tokens of a parse: its leaves in source order, with a string literal (f-strings included)
 * as one token and `not in` / `is not` as one operator each. Comments, line continuations and
 * zero-width (MISSING) leaves are dropped; indentation never appears in the tree.
 */
export function syntaxTokens(root: Node): string[] {
  const tokens: string[] = [];
  // A cursor walk with type names looked up by id: far cheaper than `children` arrays and
  // `type` strings, which cross the wasm boundary on every access.
  const typeNames = root.tree.language.types;
  const cursor = root.walk();
  try {
    let entering = true;
    for (;;) {
      const type = entering ? (typeNames[cursor.nodeTypeId] ?? "") : "";
      if (entering && !SKIPPED_TYPES.has(type)) {
        if (ATOMIC_TYPES.has(type)) tokens.push(type === "string" ? cursor.nodeText : type);
        else if (cursor.gotoFirstChild()) continue;
        else if (cursor.endIndex > cursor.startIndex) tokens.push(cursor.nodeText);
      }
      if (cursor.gotoNextSibling()) entering = true;
      else if (cursor.gotoParent()) entering = false;
      else return tokens;
    }
  } finally {
    cursor.delete();
  }
}

/** True when the tree holds an ERROR node or a MISSING node (tree-sitter counts both in `hasError`). */
export function hasSyntaxError(root: Node): boolean {
  return root.hasError;
}

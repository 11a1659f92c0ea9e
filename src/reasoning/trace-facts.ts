/**
 * What a trace says about each line of the traced call, as REval asks it: whether the line ran,
 * the frame's variables just after each of its hits, and which line of the same frame ran next.
 */
import type { Trace, TracedValue } from "../core/trace.js";
import type { PythonParser, SyntaxNode } from "../pairs/python-parser.js";

export interface LineHit {
  /** The frame's variables just after the line ran, as far as the trace has shown them. */
  variables: ReadonlyMap<string, TracedValue>;
  /** The variables this hit changed, in the tracer's order. */
  changed: readonly string[];
  /** The next line run in the same frame; null when the frame returned or raised first. */
  next: number | null;
}

export interface TraceFacts {
  /** Hits per line in execution order; a line never run has none. */
  hits: ReadonlyMap<number, readonly LineHit[]>;
}

/** Lines and their hits; the frame of an event is its depth, a call at depth d starts a new one. */
export function traceFacts(trace: Trace): TraceFacts {
  const frames: Map<string, TracedValue>[] = [];
  const hits = new Map<number, LineHit[]>();
  trace.events.forEach((event, index) => {
    if (event.kind === "call") frames.length = event.depth;
    frames.length = Math.min(frames.length, event.depth + 1);
    while (frames.length <= event.depth) frames.push(new Map());
    const frame = frames[event.depth]!;
    for (const change of event.changes ?? [])
      frame.set(change.name, { repr: change.repr, type: change.type, ...(change.truncated ? { truncated: true } : {}) });
    if (event.kind !== "line") return;
    const hit: LineHit = { variables: new Map(frame), changed: (event.changes ?? []).map((change) => change.name), next: nextLine(trace, index) };
    hits.set(event.line, [...(hits.get(event.line) ?? []), hit]);
  });
  return { hits };
}

function nextLine(trace: Trace, index: number): number | null {
  const depth = trace.events[index]!.depth;
  for (const event of trace.events.slice(index + 1)) {
    if (event.depth > depth) continue;
    if (event.depth < depth || event.kind === "return" || event.kind === "call") return null;
    if (event.kind === "line") return event.line;
  }
  return null;
}

/** Node types whose first line the tracer reports when it runs: statements, and clause headers that test something. */
const STATEMENT = /_statement$|^(elif_clause|except_clause|case_clause)$/;
/** Statements that compile to no code of their own. */
const SILENT = new Set(["global_statement", "nonlocal_statement", "future_import_statement"]);

/** The lines of function bodies a trace can report: statements, docstrings aside. */
export function executableLines(parser: PythonParser, program: string): Set<number> {
  return parser.withTree(program, (root) => {
    const lines = new Set<number>();
    const visit = (node: SyntaxNode, inFunction: boolean): void => {
      if (inFunction && STATEMENT.test(node.type) && !SILENT.has(node.type) && !isDocstring(node)) lines.add(node.startPosition.row + 1);
      const inside = inFunction || node.type === "function_definition";
      for (const child of node.namedChildren) if (child) visit(child, inside);
    };
    visit(root, false);
    return lines;
  });
}

function isDocstring(node: SyntaxNode): boolean {
  return node.type === "expression_statement" && node.namedChildCount === 1 && node.namedChild(0)?.type === "string";
}

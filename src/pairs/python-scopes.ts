/**
 * A small, syntactic scope analysis for Python, enough to pick realistic "wrong variable" and
 * "wrong return" bugs: which names a function (or the module's top level) binds, and where it
 * reads them.
 */
import type { SyntaxNode } from "./python-parser.js";

export interface Scope {
  /** The module or the function_definition node. */
  node: SyntaxNode;
  /** Bound names in order of first binding, with the position of that binding. */
  bindings: Binding[];
  /** Identifier reads of bound names, in source order (binding sites excluded). */
  uses: SyntaxNode[];
  /** return_statement nodes of this function (not of nested ones), in source order. */
  returns: SyntaxNode[];
}

export interface Binding {
  name: string;
  /** Start index of the first binding, so a replacement can be limited to names already bound. */
  firstIndex: number;
}

/** Names never offered as replacements: swapping in the receiver is not a plausible slip. */
const EXCLUDED_NAMES = new Set(["self", "cls"]);
/** Nodes that open their own scope, or bind names that are not variables: not walked. */
const OPAQUE_TYPES = new Set([
  "function_definition",
  "class_definition",
  "decorated_definition",
  "lambda",
  "global_statement",
  "nonlocal_statement",
  "import_statement",
  "import_from_statement",
  "future_import_statement",
  "parameters",
]);
const COMPREHENSION_TYPES = new Set(["list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"]);
/** Node types through which a binding target reaches its identifiers (not subscripts or attributes). */
const PATTERN_TYPES = new Set([
  "pattern_list",
  "tuple_pattern",
  "list_pattern",
  "list_splat_pattern",
  "expression_list",
  "tuple",
  "list",
  "parenthesized_expression",
  "as_pattern_target",
]);

/** The module scope first, then every function in source (pre-)order. */
export function collectScopes(root: SyntaxNode): Scope[] {
  const functions = preorder(root).filter((node) => node.type === "function_definition");
  return [analyzeScope(root, root), ...functions.map((node) => analyzeScope(node, node.childForFieldName("body")))];
}

/** All nodes of a tree in pre-order (source order). */
export function preorder(root: SyntaxNode): SyntaxNode[] {
  const nodes: SyntaxNode[] = [];
  const visit = (node: SyntaxNode): void => {
    nodes.push(node);
    for (const child of node.children) if (child !== null) visit(child);
  };
  visit(root);
  return nodes;
}

function analyzeScope(scopeNode: SyntaxNode, body: SyntaxNode | null): Scope {
  const bindings = new Map<string, number>();
  const bindingSites = new Set<number>();
  const candidates: SyntaxNode[] = [];
  const returns: SyntaxNode[] = [];

  const bind = (identifier: SyntaxNode): void => {
    bindingSites.add(identifier.startIndex);
    if (!bindings.has(identifier.text)) bindings.set(identifier.text, identifier.startIndex);
  };
  const parameters = scopeNode.type === "function_definition" ? scopeNode.childForFieldName("parameters") : null;
  if (parameters !== null) parameterIdentifiers(parameters).forEach(bind);

  const walk = (node: SyntaxNode, shadowed: ReadonlySet<string>): void => {
    if (OPAQUE_TYPES.has(node.type)) return;
    if (node.type === "identifier") {
      if (!bindingSites.has(node.startIndex) && !shadowed.has(node.text)) candidates.push(node);
      return;
    }
    if (node.type === "return_statement") returns.push(node);
    if (COMPREHENSION_TYPES.has(node.type)) {
      const local = comprehensionTargets(node);
      local.forEach((identifier) => bindingSites.add(identifier.startIndex));
      const inner = new Set([...shadowed, ...local.map((identifier) => identifier.text)]);
      for (const child of node.children) if (child !== null) walk(child, inner);
      return;
    }
    bindingTargets(node).forEach(bind);
    for (const child of walkedChildren(node)) walk(child, shadowed);
  };
  if (body !== null) walk(body, new Set());

  return {
    node: scopeNode,
    bindings: [...bindings].filter(([name]) => !EXCLUDED_NAMES.has(name)).map(([name, firstIndex]) => ({ name, firstIndex })),
    uses: candidates.filter((node) => bindings.has(node.text) && !EXCLUDED_NAMES.has(node.text)),
    returns,
  };
}

/** Children that hold reads: an attribute's name and a keyword argument's name are not variables. */
function walkedChildren(node: SyntaxNode): SyntaxNode[] {
  if (node.type === "attribute") return nonNull([node.childForFieldName("object")]);
  if (node.type === "keyword_argument") return nonNull([node.childForFieldName("value")]);
  return nonNull(node.children);
}

/** Identifiers that `node` itself binds (assignment targets, loop variables, `as` names, walrus). */
function bindingTargets(node: SyntaxNode): SyntaxNode[] {
  switch (node.type) {
    case "assignment":
    case "augmented_assignment":
    case "for_statement":
      return patternIdentifiers(node.childForFieldName("left"));
    case "named_expression":
      return patternIdentifiers(node.childForFieldName("name"));
    case "as_pattern_target":
      return patternIdentifiers(node);
    default:
      return [];
  }
}

function comprehensionTargets(node: SyntaxNode): SyntaxNode[] {
  return node.children
    .filter((child): child is SyntaxNode => child !== null && child.type === "for_in_clause")
    .flatMap((clause) => patternIdentifiers(clause.childForFieldName("left")));
}

function patternIdentifiers(node: SyntaxNode | null): SyntaxNode[] {
  if (node === null) return [];
  if (node.type === "identifier") return [node];
  if (!PATTERN_TYPES.has(node.type)) return [];
  return nonNull(node.children).flatMap(patternIdentifiers);
}

function parameterIdentifiers(parameters: SyntaxNode): SyntaxNode[] {
  return nonNull(parameters.namedChildren).flatMap((parameter) => {
    if (parameter.type === "identifier") return [parameter];
    const name = parameter.childForFieldName("name") ?? nonNull(parameter.namedChildren).find((child) => child.type === "identifier");
    return name === undefined || name === null || name.type !== "identifier" ? [] : [name];
  });
}

function nonNull(nodes: readonly (SyntaxNode | null)[]): SyntaxNode[] {
  return nodes.filter((node): node is SyntaxNode => node !== null);
}

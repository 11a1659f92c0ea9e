"""The statement table of a program, for dynamic slicing on the host: per statement, the lines
it spans, the names it reads and writes and the branch or loop header it runs under; per
function, its local and free names. Computed from the program's own source with the `ast` of
the Python that runs it, before the program runs, so the lines match the tracer's and no
program code can change it.

A statement's control header is the innermost enclosing `if`/`while`/`for`/`except`/`case`
of its function or, when an earlier branch or loop of its block can return, raise, break or
continue past it, that branch or loop.

A write is a binding (assignment, augmented assignment, for/with/except targets, imports,
def/class, walrus, del) or a change of the object a name holds: a store into a subscript or
attribute of it (`a[i] = v`, `p.x = v`, counted as a write of `a`, `p`), or a call of an
in-place method on it (`a.append(v)`). A change of the object is also a read, since the rest
of the object survives it. Names bound inside comprehensions and lambdas are theirs alone.
"""

import ast

# Methods of builtin (and collections) containers that change the object they are called on.
MUTATORS = frozenset((
    "append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard", "setdefault",
    "sort", "reverse", "popitem", "appendleft", "extendleft", "popleft", "rotate", "difference_update",
    "intersection_update", "symmetric_difference_update", "__setitem__", "__delitem__", "__iadd__",
))
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _base_name(node):
    """`a` of `a[i].x`, or None when the chain starts at a call or a literal."""
    while isinstance(node, (ast.Subscript, ast.Attribute, ast.Starred)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


class _Names(ast.NodeVisitor):
    """What an expression reads (`uses`), writes (`defs`) and binds (`binds`, a subset of defs)."""

    def __init__(self):
        self.uses, self.defs, self.binds = set(), set(), set()
        self.bound = []

    def _own(self, name):
        return not any(name in names for names in self.bound)

    def visit_Name(self, node):
        if not self._own(node.id):
            return
        if isinstance(node.ctx, ast.Load):
            self.uses.add(node.id)
        else:
            self.defs.add(node.id)
            self.binds.add(node.id)

    def _changes_base(self, node):
        base = _base_name(node)
        if base is not None and self._own(base):
            self.defs.add(base)
            self.uses.add(base)

    def visit_Subscript(self, node):
        if not isinstance(node.ctx, ast.Load):
            self._changes_base(node)
        self.generic_visit(node)

    visit_Attribute = visit_Subscript

    def visit_Call(self, node):
        if isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            self._changes_base(node.func.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        if isinstance(node.target, ast.Name) and self._own(node.target.id):
            self.uses.add(node.target.id)  # `x += 1` reads x before it writes it
        self.generic_visit(node)

    def visit_Lambda(self, node):
        self.visit(node.args)  # defaults are evaluated where the lambda is
        self.bound.append(_parameters(node.args))
        self.visit(node.body)
        self.bound.pop()

    def _comprehension(self, node, results):
        generators = node.generators
        self.visit(generators[0].iter)  # the outermost iterable is evaluated outside
        names = set()
        for generator in generators:
            names |= {name.id for name in ast.walk(generator.target) if isinstance(name, ast.Name)}
        self.bound.append(names)
        for index, generator in enumerate(generators):
            if index:
                self.visit(generator.iter)
            for condition in generator.ifs:
                self.visit(condition)
        for result in results:
            self.visit(result)
        self.bound.pop()

    def visit_ListComp(self, node):
        self._comprehension(node, [node.elt])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        self._comprehension(node, [node.key, node.value])


def _parameters(arguments):
    every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
    every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg is not None]
    return {arg.arg for arg in every}


def _names_of(*nodes):
    names = _Names()
    for node in nodes:
        if isinstance(node, list):
            for item in node:
                names.visit(item)
        elif node is not None:
            names.visit(node)
    return names


def _header(node):
    """(names, the header's last line) of a statement: the part that runs on its own line event."""
    if isinstance(node, (ast.If, ast.While)):
        return _names_of(node.test), node.test.end_lineno
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return _names_of(node.target, node.iter), node.iter.end_lineno
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return _names_of(node.items), max(item.context_expr.end_lineno for item in node.items)
    if isinstance(node, ast.Match):
        return _names_of(node.subject), node.subject.end_lineno
    if isinstance(node, _FUNCTIONS + (ast.ClassDef,)):
        parts = [node.decorator_list] + ([node.args] if isinstance(node, _FUNCTIONS) else [node.bases, node.keywords])
        names = _names_of(*parts)
        names.defs.add(node.name)
        names.binds.add(node.name)
        return names, node.lineno
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return _Names(), node.lineno
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = _Names()
        for alias in node.names:
            if alias.name != "*":
                bound = alias.asname or alias.name.split(".")[0]
                names.defs.add(bound)
                names.binds.add(bound)
        return names, node.end_lineno
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return _Names(), node.lineno
    return _names_of(node), node.end_lineno


_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_SCOPES = _FUNCTIONS + (ast.ClassDef, ast.Lambda)


def _may_leave(node):
    """A branch or loop that can skip the statements after it: a return or raise in it, or, in a
    branch, a break or continue of the loop around it."""
    if not isinstance(node, (ast.If, ast.Match) + _LOOPS):
        return False
    pending = [(child, isinstance(node, _LOOPS)) for child in ast.iter_child_nodes(node)]
    while pending:
        child, in_loop = pending.pop()
        if isinstance(child, (ast.Return, ast.Raise)) or (isinstance(child, (ast.Break, ast.Continue)) and not in_loop):
            return True
        if not isinstance(child, _SCOPES):
            pending.extend((inner, in_loop or isinstance(child, _LOOPS)) for inner in ast.iter_child_nodes(child))
    return False


def _first_line(node):
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [decorator.lineno for decorator in decorators])


class _Table:
    def __init__(self):
        self.statements = []
        self.scopes = []

    def row(self, first, last, names, control):
        row = {"line": first, "endLine": max(first, last), "defs": sorted(names.defs), "uses": sorted(names.uses)}
        if control is not None:
            row["control"] = control
        self.statements.append(row)

    def block(self, statements, control, scope):
        for node in statements:
            self.statement(node, control, scope)
            if _may_leave(node):
                control = node.lineno  # what follows runs only if the branch or loop did not leave

    def statement(self, node, control, scope):
        names, last = _header(node)
        first = _first_line(node)
        self.row(first, last, names, control)
        if scope is not None:
            scope["binds"] |= names.binds
            scope["uses"] |= names.uses
        if isinstance(node, (ast.Global, ast.Nonlocal)) and scope is not None:
            scope["global" if isinstance(node, ast.Global) else "nonlocal"] |= set(node.names)
        if isinstance(node, _FUNCTIONS):
            self.function(node.name, first, node.args, node.body, scope)
        elif isinstance(node, ast.ClassDef):
            self.block(node.body, None, None)  # a class body's names live in the class, not in a frame's scope
        elif isinstance(node, (ast.If, ast.While, ast.For, ast.AsyncFor)):
            self.block(node.body, node.lineno, scope)
            self.block(node.orelse, node.lineno, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.block(node.body, control, scope)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                self.case(case, node.lineno, scope)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.block(node.body, control, scope)
            for handler in node.handlers:
                self.handler(handler, control, scope)
            self.block(node.orelse, control, scope)
            self.block(node.finalbody, control, scope)
        self.lambdas(_expressions(node), scope)

    def handler(self, handler, control, scope):
        names = _names_of(handler.type)
        if handler.name:
            names.defs.add(handler.name)
            names.binds.add(handler.name)
        self.row(handler.lineno, handler.type.end_lineno if handler.type else handler.lineno, names, control)
        if scope is not None:
            scope["binds"] |= names.binds
        self.block(handler.body, handler.lineno, scope)

    def case(self, case, control, scope):
        names = _names_of(case.guard)
        for node in ast.walk(case.pattern):
            if isinstance(node, ast.MatchValue):
                names.uses |= _names_of(node.value).uses
            bound = getattr(node, "name", None) or getattr(node, "rest", None)
            if isinstance(bound, str):
                names.defs.add(bound)
                names.binds.add(bound)
        self.row(case.pattern.lineno, (case.guard or case.pattern).end_lineno, names, control)
        if scope is not None:
            scope["binds"] |= names.binds
        self.block(case.body, case.pattern.lineno, scope)

    def function(self, name, line, arguments, body, enclosing):
        scope = {"function": name, "line": line, "params": _parameters(arguments), "binds": set(), "uses": set(),
                 "global": set(), "nonlocal": set(), "enclosing": enclosing}
        self.scopes.append(scope)
        if isinstance(body, list):
            self.block(body, None, scope)
        else:  # a lambda: one expression
            scope["uses"] |= _names_of(body).uses
            self.lambdas([body], scope)

    def lambdas(self, expressions, scope):
        """Lambdas are frames of their own: each gets a scope, enclosed by the one they are in."""
        for expression in expressions:
            for node in _lambdas_in(expression):
                self.function("<lambda>", node.lineno, node.args, node.body, scope)


def _lambdas_in(expression):
    """The outermost lambdas in an expression (their bodies' own lambdas are theirs)."""
    pending = [expression]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Lambda):
            yield node
            pending.extend(node.args.defaults + [d for d in node.args.kw_defaults if d is not None])
        else:
            pending.extend(ast.iter_child_nodes(node))


def _expressions(node):
    """The expressions directly in a statement, not those in the statements it contains."""
    for field, value in ast.iter_fields(node):
        if field in ("body", "orelse", "finalbody", "handlers", "cases"):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, ast.AST):
                yield item


def _locals(scope):
    return (scope["params"] | scope["binds"]) - scope["global"] - scope["nonlocal"]


def _free(scope):
    """Names it reads or writes that a lexically enclosing function holds (closures, nonlocal)."""
    outer = set()
    enclosing = scope["enclosing"]
    while enclosing is not None:
        outer |= _locals(enclosing)
        enclosing = enclosing["enclosing"]
    return ((scope["uses"] | scope["binds"]) - _locals(scope) - scope["global"]) & outer | scope["nonlocal"]


def statement_table(source):
    """{"statements": [...], "scopes": [...]} of a program, or None when it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, OverflowError, MemoryError, RecursionError):
        return None
    table = _Table()
    try:
        table.block(tree.body, None, None)
    except RecursionError:
        return None
    scopes = [
        {"function": scope["function"], "line": scope["line"], "locals": sorted(_locals(scope)), "free": sorted(_free(scope))}
        for scope in table.scopes
    ]
    statements = sorted(table.statements, key=lambda row: (row["line"], row["endLine"]))
    return {"statements": statements, "scopes": sorted(scopes, key=lambda scope: (scope["line"], scope["function"]))}

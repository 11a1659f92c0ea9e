"""Test oracles, read out of a benchmark's own test code in a sandbox job of their own.

The evaluator runs this program (never with a candidate) to turn the parts of tests that hold
expected outputs into data for the judge, so that they never enter a candidate's process:

- `oracle("expected", text, entry)`: the value of an expected output given as Python text.
- `oracle("assert", code, entry)`: an assertion test taken apart into calls of the entry point
  (or of `check`'s parameter), each with its expected value and comparison, plus the imports
  the calls need; or, when the test has any other shape, the reason it must run as it is.

Shapes taken apart, each optionally with a message: `f(a) == e` (either side), `f(a) != e`,
`f(a)`, `not f(a)`, `f(a) is True|False|None`, `f(a) is not None`, `set(f(a)) == set(e)`,
`math.isclose(f(a), e, rel_tol=…, abs_tol=…)`, `abs(f(a) - e) < t` (or `<=`, either order).
The arguments may use only builtins and the test's imports; the expected side may use
anything the test defines except the function under test.
"""

import ast
import builtins
import math
import sys

_LITERAL_NAMES = {"inf": math.inf, "nan": math.nan, "infj": complex(0, math.inf), "nanj": complex(0, math.nan)}


class _NotDecomposable(Exception):
    pass


def oracle(kind, text, entry_point):
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        if kind == "expected":
            return {"value": eval(text, {"__builtins__": builtins, **_LITERAL_NAMES})}
        try:
            return _decompose(text, entry_point)
        except _NotDecomposable as reason:
            return {"inProcess": str(reason)}
    finally:
        sys.set_int_max_str_digits(limit)


def _decompose(code, entry_point):
    try:
        tree = ast.parse(code)
    except SyntaxError as error:
        raise _NotDecomposable(f"the test does not parse: {error.msg}") from None
    imports, data, asserts = [], [], []
    callees = {entry_point}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        elif isinstance(node, ast.Assert):
            asserts.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name == "check" and len(node.args.args) == 1:
            callees.add(node.args.args[0].arg)
            _check_body(node, imports, asserts)
        elif _is_check_call(node, entry_point) or _is_docstring(node):
            continue
        elif isinstance(node, ast.Assign) and not _names(node.value) & callees:
            data.append(node)
        else:
            raise _NotDecomposable(f"line {node.lineno}: a {type(node).__name__} statement")
    if not asserts:
        raise _NotDecomposable("no assertion")
    namespace = {"__builtins__": builtins}
    exec(compile(ast.Module(body=imports + data, type_ignores=[]), "<test>", "exec"), namespace)
    imported = {alias.asname or alias.name.split(".")[0] for node in imports for alias in node.names}
    calls = [_decompose_assert(node, callees, imported, namespace) for node in asserts]
    return {"setup": "\n".join(ast.unparse(node) for node in imports), "calls": calls}


def _check_body(function, imports, asserts):
    for node in function.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(node)
        elif isinstance(node, ast.Assert):
            asserts.append(node)
        elif not (_is_docstring(node) or isinstance(node, ast.Pass)):
            raise _NotDecomposable(f"line {node.lineno}: a {type(node).__name__} statement in check")


def _is_docstring(node):
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _is_check_call(node, entry_point):
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "check"
        and [ast.unparse(argument) for argument in node.value.args] == [entry_point]
    )


def _names(node):
    return {child.id for child in ast.walk(node) if isinstance(child, ast.Name)}


def _decompose_assert(node, callees, imported, namespace):
    check, call, expected, options = _shape(node.test, callees)
    if call.keywords or any(isinstance(argument, ast.Starred) for argument in call.args):
        raise _NotDecomposable(f"line {node.lineno}: keyword or starred arguments")
    arguments = ", ".join(ast.unparse(argument) for argument in call.args)
    free = {name for argument in call.args for name in _names(argument)} - imported - set(dir(builtins))
    if free:
        raise _NotDecomposable(f"line {node.lineno}: the arguments use {', '.join(sorted(free))}")
    out = {"args": arguments, "check": check, "message": _message(node, callees, namespace), **options}
    if expected is not None:
        if _names(expected) & callees:
            raise _NotDecomposable(f"line {node.lineno}: the expected side calls the function under test")
        try:
            out["expected"] = eval(compile(ast.Expression(expected), "<test>", "eval"), namespace)
        except Exception as error:
            raise _NotDecomposable(f"line {node.lineno}: the expected side raised {type(error).__name__}") from None
    return out


def _is_call_of(node, callees):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in callees


def _shape(test, callees):
    """(check, the call, the expected expression or None, options) for one assertion's test."""
    if _is_call_of(test, callees):
        return "truthy", test, None, {}
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and _is_call_of(test.operand, callees):
        return "falsy", test.operand, None, {}
    if isinstance(test, ast.Call) and _is_isclose(test) and len(test.args) == 2:
        call, expected = _call_and_other(test.args[0], test.args[1], callees)
        return "isclose", call, expected, _isclose_options(test)
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if isinstance(op, (ast.Is, ast.IsNot)) and _is_call_of(left, callees) and isinstance(right, ast.Constant) and right.value in (True, False, None):
            if isinstance(op, ast.IsNot):
                if right.value is not None:
                    raise _NotDecomposable(f"line {test.lineno}: an `is not` other than `is not None`")
                return "is-not-none", left, None, {}
            return "is", left, right, {}
        if isinstance(op, (ast.Eq, ast.NotEq)):
            if _is_set_of_call(left, callees) or _is_set_of_call(right, callees):
                inner, other = (left, right) if _is_set_of_call(left, callees) else (right, left)
                if isinstance(op, ast.Eq):
                    return "set-equal", inner.args[0], other, {}
            call, expected = _call_and_other(left, right, callees)
            return ("equal" if isinstance(op, ast.Eq) else "not-equal"), call, expected, {}
        if isinstance(op, (ast.Lt, ast.LtE)) and _is_abs_difference(left):
            difference = left.args[0]
            call, expected = _call_and_other(difference.left, difference.right, callees)
            return ("abs-below" if isinstance(op, ast.Lt) else "abs-at-most"), call, expected, {"tolerance": _constant_number(right)}
    raise _NotDecomposable(f"line {test.lineno}: an assertion of another shape")


def _call_and_other(left, right, callees):
    if _is_call_of(left, callees) and not _names(right) & callees:
        return left, right
    if _is_call_of(right, callees) and not _names(left) & callees:
        return right, left
    raise _NotDecomposable(f"line {left.lineno}: not a call of the function under test against a value")


def _is_set_of_call(node, callees):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set" and len(node.args) == 1 and _is_call_of(node.args[0], callees)


def _is_isclose(node):
    function = node.func
    return (isinstance(function, ast.Attribute) and function.attr == "isclose" and isinstance(function.value, ast.Name) and function.value.id == "math") or (
        isinstance(function, ast.Name) and function.id == "isclose"
    )


def _isclose_options(node):
    options = {"rel": 1e-09, "abs": 0.0}
    for keyword in node.keywords:
        if keyword.arg not in ("rel_tol", "abs_tol"):
            raise _NotDecomposable(f"line {node.lineno}: isclose with {keyword.arg}")
        options["rel" if keyword.arg == "rel_tol" else "abs"] = _constant_number(keyword.value)
    return options


def _is_abs_difference(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "abs" and len(node.args) == 1 and isinstance(node.args[0], ast.BinOp) and isinstance(node.args[0].op, ast.Sub)


def _constant_number(node):
    try:
        value = ast.literal_eval(node)
    except ValueError:
        raise _NotDecomposable(f"line {node.lineno}: a tolerance that is not a number") from None
    if type(value) not in (int, float):
        raise _NotDecomposable(f"line {node.lineno}: a tolerance that is not a number")
    return float(value)


def _message(node, callees, namespace):
    """The assertion's message, when it can be known without running the function under test."""
    if node.msg is None or _names(node.msg) & callees:
        return ""
    try:
        return str(eval(compile(ast.Expression(node.msg), "<test>", "eval"), namespace))
    except Exception:
        return ""

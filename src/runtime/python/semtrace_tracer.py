"""semtrace tracer: the one Python module both runtimes load.

It runs an untrusted program on one call (or on standard input) under sys.settrace and
returns the canonical trace as a dict, or runs the parts of tests that belong to the program
untraced and reports what they returned, for a judge outside the sandbox. It never calls
user code to describe a value (no user __repr__/__eq__/__len__), so describing a value
cannot change what the program computes, hang, or raise. Wall-clock limits are enforced
from outside: this module posts which phase it is in on a PhaseBoard, which a watchdog in
another thread or process samples, and reports results through `emit`.
"""

import base64
import builtins
import dis
import io
import math
import operator
import re
import signal
import sys
import time
import types

import semtrace_protocol
import semtrace_statements

PROGRAM_FILE = "<program>"
CALL_FILE = "<call>"
RESULT_CHARS = 100_000
DISPLAY_CHARS = 2_000
_MAX_DEPTH = 12
# Memory addresses as stdlib reprs show them ("<… at 0x7f…>", "<md5 HASH object @ 0x7f…>").
_ADDRESS = re.compile(r" (?:at|@) 0x[0-9a-fA-F]+")
_RETURN_OPCODES = frozenset(
    op for name, op in dis.opmap.items() if name in ("RETURN_VALUE", "RETURN_CONST")
)
_ATOMIC_TYPES = (int, float, complex, bool, type(None), str, bytes)
_IMMUTABLE_TYPES = frozenset((int, float, complex, bool, type(None), str, bytes, range, frozenset))
# Scalars whose builtin repr is short, runs no user code, and cannot contain ", ".
_FAST_SCALARS = frozenset((int, float, bool, type(None)))
# Flat containers up to this size are shadow-copied to skip re-describing them when unchanged.
_SHADOW_MAX = 512
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins"}


class OutputLimitExceeded(BaseException):
    """Raised into the program when it writes past the output cap."""


# --------------------------------------------------------------------------- values


class _Full(Exception):
    pass


def type_name(value):
    cls = type(value)
    module = getattr(cls, "__module__", "builtins")
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _is_stdlib_type(cls):
    module = (getattr(cls, "__module__", "") or "").split(".")[0]
    return module in _STDLIB


def _quote_for(text):
    return '"' if "'" in text and '"' not in text else "'"


def _str_body(text, quote):
    body = repr(text)[1:-1]
    # repr() picks its own quote per piece; re-escape so every piece uses the whole string's.
    if quote == "'" and repr(text)[0] == '"':
        body = body.replace("'", "\\'")
    return body


def _str_repr(text, cap):
    quote = _quote_for(text)
    if len(text) <= cap:
        full = quote + _str_body(text, quote) + quote
        if len(full) <= cap:
            return full, False
    # Elide whole characters only, so an escape sequence is never cut in half.
    half = max(cap // 2 - 2, 1)
    return f"{quote}{_str_body(text[:half], quote)}…{_str_body(text[-half:], quote)}{quote}", True


def _bytes_repr(data, cap):
    if len(data) * 4 + 3 <= cap:
        return repr(bytes(data)), False
    half = max(cap // 2 - 3, 1)
    head = repr(bytes(data[:half]))[:-1]
    tail = repr(bytes(data[-half:]))[2:]
    return f"{head}…{tail}", True


def _int_repr(value, cap):
    if value.bit_length() <= 3 * max(cap, 64):
        try:
            text = repr(value)
        except ValueError:  # past sys.get_int_max_str_digits
            text = None
        if text is not None and len(text) <= cap:
            return text, False
    digits = int(value.bit_length() * 0.30103) + 1
    keep = max(cap // 2 - 2, 1)
    sign = "-" if value < 0 else ""
    magnitude = -value if value < 0 else value
    tail = str(magnitude % 10**keep).rjust(keep, "0")
    head = str(magnitude // 10 ** max(digits - keep, 0))[:keep]
    return f"{sign}{head}…{tail}", True


def _scalar(value, cap):
    cls = type(value)
    if cls is str:
        return _str_repr(value, cap)
    if cls is int:
        return _int_repr(value, cap)
    if cls in (bytes, bytearray):
        text, cut = _bytes_repr(value, cap)
        return (f"bytearray({text})" if cls is bytearray else text), cut
    text = repr(value) if cls in (float, complex, bool, type(None), range) else _other_repr(value)
    if len(text) > cap:
        half = max(cap // 2 - 1, 1)
        return f"{text[:half]}…{text[-half:]}", True
    return text, False


def _other_repr(value):
    """Objects that are not plain data: described without running user code."""
    cls = type(value)
    if isinstance(value, types.FunctionType):
        return f"<function {value.__qualname__}>"
    if isinstance(value, types.BuiltinFunctionType):
        return f"<built-in function {value.__name__}>"
    if isinstance(value, types.MethodType):
        return f"<bound method {value.__func__.__qualname__}>"
    if isinstance(value, type):
        return f"<class '{value.__qualname__}'>"
    if isinstance(value, types.ModuleType):
        return f"<module '{value.__name__}'>"
    if isinstance(value, (types.GeneratorType, types.CoroutineType)):
        return f"<{cls.__name__} object {value.__qualname__}>"
    if _is_stdlib_type(cls) and cls.__repr__ is not object.__repr__:
        try:
            return _ADDRESS.sub("", repr(value))
        except Exception as error:  # a stdlib repr can still fail on odd state
            return f"<{type_name(value)} (repr failed: {type(error).__name__})>"
    return f"<{type_name(value)} object>"


def _user_fields(value):
    """Instance attributes read without invoking user descriptors or __getattr__."""
    try:
        fields = dict(object.__getattribute__(value, "__dict__"))
    except Exception:
        fields = {}
    for cls in type(value).__mro__:
        for slot in cls.__dict__.get("__slots__", ()) if isinstance(cls.__dict__.get("__slots__", ()), (tuple, list)) else ():
            try:
                fields.setdefault(slot, object.__getattribute__(value, slot))
            except Exception:
                pass
    return [(k, v) for k, v in fields.items() if isinstance(k, str) and not k.startswith("__")]


def _sorted_members(members):
    try:
        return sorted(members)
    except TypeError:
        return sorted(members, key=lambda item: (type_name(item), _plain_key(item)))


def _plain_key(item):
    try:
        return ValueWriter(200).describe(item)[0]
    except Exception:
        return ""


class _Atom:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


class ValueWriter:
    """Renders a value as a bounded stream of atoms, forwards (head) or backwards (tail)."""

    def __init__(self, cap):
        self.cap = cap

    def describe(self, value):
        """Returns (repr, truncated) with at most about `cap` characters."""
        cls = type(value)
        if cls in _ATOMIC_TYPES:
            return _scalar(value, self.cap)
        if not self._is_container(value):
            # What _walk emits for it, whole: _scalar keeps it within the cap.
            return _scalar(value, self.cap)[0], False
        if (cls is list or cls is tuple) and len(value) > self.cap // 2:
            fast = self._flat_sequence(value)
            if fast is not None:
                return fast, True
        head, complete = self._stream(value, reverse=False, budget=self.cap)
        if complete:
            return head, False
        tail, _ = self._stream(value, reverse=True, budget=max(self.cap // 3, 8))
        head, _ = self._stream(value, reverse=False, budget=max(self.cap - len(tail) - 1, 8))
        return f"{head}…{tail}", True

    def _flat_window(self):
        """Room for the head and tail, and how many items from each end can show in it: k items
        take at least 3k - 2 characters ("1, 2"), so room // 3 + 2 items always overflow it."""
        head_room, tail_room = max(self.cap * 2 // 3, 8), max(self.cap // 3 - 4, 8)
        return head_room, tail_room, head_room // 3 + 2, tail_room // 3 + 2

    def _flat_sequence(self, value):
        """Head…tail of a long list/tuple of scalars from C-level slices: O(cap), not O(len)."""
        head_room, tail_room, head_keep, tail_keep = self._flat_window()
        head, tail = value[:head_keep], value[-tail_keep:]
        if not (_all_fast_scalars(head) and _all_fast_scalars(tail)):
            return None
        head_text = repr(list(head))[1:-1]
        tail_text = repr(list(tail))[1:-1]
        head_cut = head_text[:head_room].rsplit(", ", 1)[0] if len(head_text) > head_room else head_text
        tail_cut = tail_text[-tail_room:].split(", ", 1)[-1] if len(tail_text) > tail_room else tail_text
        opening, closing = ("[", "]") if type(value) is list else ("(", ")")
        return f"{opening}{head_cut}, …, {tail_cut}{closing}"

    def _stream(self, value, reverse, budget):
        atoms = []
        used = [0]

        def emit(atom):
            if used[0] + len(atom) > budget:
                raise _Full
            atoms.append(atom)
            used[0] += len(atom)

        try:
            self._walk(value, emit, reverse, set(), 0)
            complete = True
        except _Full:
            complete = False
        text = "".join(reversed(atoms)) if reverse else "".join(atoms)
        return text, complete

    def _walk(self, value, emit, reverse, active, depth):
        cls = type(value)
        if cls in _ATOMIC_TYPES:
            emit(_scalar(value, max(self.cap // 2, 16))[0])
            return
        if not self._is_container(value):
            emit(_scalar(value, self.cap)[0])
            return
        if id(value) in active or depth >= _MAX_DEPTH:
            emit(self._placeholder(value))
            return
        active.add(id(value))
        try:
            for token in self._tokens(value, reverse):
                if type(token) is _Atom:
                    emit(token.text)
                else:
                    self._walk(token, emit, reverse, active, depth + 1)
        finally:
            active.discard(id(value))

    def _tokens(self, value, reverse):
        """The container's tokens (atoms and nested values) in the requested direction."""
        opening, closing, items, kind = self._layout(value)
        trailing = [_Atom(",")] if kind == "single" and len(items) == 1 else []

        def item_tokens(item):
            if kind == "pairs":
                return [item[0], _Atom(": "), item[1]]
            if kind == "fields":
                return [_Atom(f"{item[0]}="), item[1]]
            return [item]

        if not reverse:
            yield _Atom(opening)
            for index, item in enumerate(items):
                if index:
                    yield _Atom(", ")
                yield from item_tokens(item)
            yield from trailing
            yield _Atom(closing)
            return
        yield _Atom(closing)
        yield from trailing
        for index in range(len(items) - 1, -1, -1):
            yield from reversed(item_tokens(items[index]))
            if index:
                yield _Atom(", ")
        yield _Atom(opening)

    @staticmethod
    def _is_container(value):
        return isinstance(value, (list, tuple, dict, set, frozenset)) or _is_deque_like(value) or not _is_stdlib_type(type(value)) and not isinstance(value, (type, types.FunctionType, types.ModuleType, types.MethodType, types.BuiltinFunctionType))

    @staticmethod
    def _placeholder(value):
        if isinstance(value, list):
            return "[...]"
        if isinstance(value, tuple):
            return "(...)"
        if isinstance(value, (dict, set, frozenset)):
            return "{...}"
        return f"<{type(value).__qualname__} ...>"

    def _layout(self, value):
        """(opening, closing, items, kind) of a container, in the order Python shows it."""
        cls = type(value)
        name = cls.__qualname__
        if isinstance(value, tuple) and hasattr(cls, "_fields"):
            return f"{name}(", ")", list(zip(cls._fields, tuple.__iter__(value))), "fields"
        if isinstance(value, dict):
            items = list(dict.items(value))
            if cls is dict:
                return "{", "}", items, "pairs"
            if name == "defaultdict":
                factory = getattr(value, "default_factory", None)
                label = getattr(factory, "__qualname__", None) or "None"
                return f"defaultdict({label}, {{", "})", items, "pairs"
            return f"{name}({{", "})", items, "pairs"
        if isinstance(value, (set, frozenset)):
            members = _sorted_members(list(set.__iter__(value) if isinstance(value, set) else frozenset.__iter__(value)))
            if not members:
                return f"{'set' if cls is set else name}(", ")", [], "seq"
            if cls is set:
                return "{", "}", members, "seq"
            return f"{name}({{", "})", members, "seq"
        if isinstance(value, list):
            items = list(list.__iter__(value))
            return ("[", "]", items, "seq") if cls is list else (f"{name}([", "])", items, "seq")
        if isinstance(value, tuple):
            items = list(tuple.__iter__(value))
            return ("(", ")", items, "single") if cls is tuple else (f"{name}((", "))", items, "single")
        if _is_deque_like(value):
            return f"{name}([", "])", list(value), "seq"
        fields = _user_fields(value)
        if not fields:
            return f"<{name} object", ">", [], "seq"
        return f"{name}(", ")", fields, "fields"


def _is_deque_like(value):
    return type(value).__name__ == "deque" and type(value).__module__ == "collections"


def _sized(value):
    if isinstance(value, (str, bytes, bytearray, list, tuple, dict, set, frozenset)) or _is_deque_like(value):
        try:
            return type(value).__len__(value) if _is_stdlib_type(type(value)) else None
        except Exception:
            return None
    return None


# Small plain data whose builtin repr runs no user code and is exactly what ValueWriter writes.
_PLAIN_NAMES = {int: "int", float: "float", bool: "bool", type(None): "NoneType", str: "str", list: "list", tuple: "tuple", dict: "dict"}
_PLAIN_SIZED = frozenset((str, list, tuple, dict))
_PLAIN_INT_BOUND = 1 << 64
_PLAIN_DEPTH = 3
# Below this cap, ValueWriter may shorten a number inside a container (it gives members cap // 2).
_PLAIN_MIN_CAP = 64


def _plain_budget(value, budget, depth, member_cap):
    """What remains of `budget` after walking `value`, or -1 if it is not small plain data
    that ValueWriter would write in full (`member_cap`: the room it gives a nested string)."""
    cls = type(value)
    if cls is str:
        if member_cap is not None and len(value) * 10 + 2 > member_cap and len(repr(value)) > member_cap:
            return -1
        return budget - len(value) - 2
    if cls is int:
        return budget - 1 if -_PLAIN_INT_BOUND < value < _PLAIN_INT_BOUND else -1
    if cls is float or cls is bool or value is None:
        return budget - 1
    if depth == 0 or not (cls is list or cls is tuple or cls is dict) or len(value) > budget:
        return -1
    budget -= 2
    for item in (dict.items(value) if cls is dict else value):
        if cls is dict:
            budget = _plain_budget(item[0], budget, 0, member_cap)
            item = item[1]
        budget = _plain_budget(item, budget, depth - 1, member_cap)
        if budget < 0:
            return -1
    return budget


def _describe_plain(value, cap):
    """The fast path of describe() for small plain data; None for anything else."""
    if cap < _PLAIN_MIN_CAP or _plain_budget(value, cap, _PLAIN_DEPTH, None if type(value) is str else cap // 2) < 0:
        return None
    text = repr(value)
    if len(text) > cap:
        return None
    out = {"repr": text, "type": _PLAIN_NAMES[type(value)]}
    if type(value) in _PLAIN_SIZED and len(value) > 16:
        out["size"] = len(value)
    return out


def describe(value, cap):
    """The traced form of a value: {repr, type, truncated?, size?}; never raises."""
    if type(value) in _PLAIN_NAMES:
        plain = _describe_plain(value, cap)
        if plain is not None:
            return plain
    try:
        text, truncated = ValueWriter(cap).describe(value)
    except Exception as error:  # MemoryError, RecursionError: describe the failure instead
        text, truncated = f"<{type_name(value)} (not describable: {type(error).__name__})>", False
    out = {"repr": text, "type": type_name(value)}
    if truncated:
        out["truncated"] = True
    size = _sized(value)
    if size is not None and (truncated or size > 16):
        out["size"] = size
    return out


# --------------------------------------------------------------------------- output


class CappedWriter(io.TextIOBase):
    """stdout/stderr replacement: keeps the first `cap` bytes and stops a runaway writer."""

    def __init__(self, cap, shared):
        self.cap = cap
        self.shared = shared
        self.parts = []
        self.size = 0
        self.truncated = False

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        encoded = len(text.encode("utf-8", "surrogatepass"))
        room = self.cap - self.shared[0]
        if encoded > room:
            self.parts.append(text[: max(room, 0)])
            self.shared[0] = self.cap
            self.truncated = True
            raise OutputLimitExceeded("output exceeded the cap")
        self.parts.append(text)
        self.shared[0] += encoded
        return len(text)

    def text(self):
        return "".join(self.parts)


# --------------------------------------------------------------------------- tracing


class _FrameState:
    __slots__ = ("depth", "previous", "pending", "raised", "module_level")

    def __init__(self, depth, code):
        self.depth = depth
        # name -> (value, repr, type, shadow), or (value, _HIDDEN) for a name never shown
        self.previous = {}
        self.pending = None
        self.raised = False
        self.module_level = code.co_name == "<module>"


_HIDDEN = object()
# The shadow of a tuple of immutable atoms: the same object is the same value.
_SAME = object()


class _Window:
    """The members a long flat list's head…tail repr shows, and its length."""

    __slots__ = ("size", "head", "tail")

    def __init__(self, value, head_keep, tail_keep):
        self.size = len(value)
        self.head = value[:head_keep]
        self.tail = value[-tail_keep:]

    def covers(self, value, head_keep, tail_keep):
        return (
            len(value) == self.size
            and all(map(operator.is_, value[:head_keep], self.head))
            and all(map(operator.is_, value[-tail_keep:], self.tail))
        )


def _all_fast_scalars(items):
    return all(type(item) in _FAST_SCALARS for item in items)


def _all_immutable(items):
    return all(type(item) in _IMMUTABLE_TYPES for item in items)


def _shadow(value, cap, keep):
    """A cheap snapshot that proves a container unchanged without describing it again."""
    cls = type(value)
    try:
        if cls is tuple:
            return _SAME if _all_immutable(value) else None
        if _is_opaque(cls):
            return _SAME
        if cls is list and len(value) > _SHADOW_MAX:
            return _window_of(value, cap, keep)
        if cls is list and _all_immutable(value):
            return tuple(value)
        if cls is dict and len(value) <= _SHADOW_MAX:
            keys, values = tuple(value), tuple(value.values())
            if _all_immutable(values):
                return (keys, values)
        if cls is set and len(value) <= _SHADOW_MAX and _all_immutable(value):
            return frozenset(value)
    except Exception:
        return None
    return None


def _is_opaque(cls):
    """A stdlib type described by its name alone (an iterator, say): no state shows in its repr."""
    return (
        _is_stdlib_type(cls)
        and cls.__repr__ is object.__repr__
        and not issubclass(cls, (list, tuple, dict, set, frozenset, types.FunctionType, types.ModuleType, type))
    )


def _window_of(value, cap, keep):
    # Only where describe() shows a long list from its two ends alone (ValueWriter._flat_sequence).
    if len(value) <= cap // 2:
        return None
    window = _Window(value, *keep)
    if _all_fast_scalars(window.head) and _all_fast_scalars(window.tail):
        return window
    return None


def _unchanged(value, shadow, keep):
    """Identity of every member that the repr shows means an unchanged value (no user code runs)."""
    if shadow is None:
        return False
    if shadow is _SAME:
        return True
    cls = type(value)
    if cls is dict:
        keys, values = shadow
        return len(value) == len(keys) and all(map(operator.is_, value, keys)) and all(map(operator.is_, value.values(), values))
    if type(shadow) is _Window:
        return shadow.covers(value, *keep)
    if len(value) != len(shadow):
        return False
    if cls is list:
        return all(map(operator.is_, value, shadow))
    return value == shadow


def _is_hidden(name, value, module_level):
    if name.startswith("__") or isinstance(value, types.ModuleType):
        return True
    return module_level and isinstance(value, (types.FunctionType, type, types.BuiltinFunctionType))


class Tracer:
    def __init__(self, max_steps, value_chars):
        self.max_steps = max_steps
        self.value_chars = value_chars
        # How many items from each end describe() shows of a long flat list.
        self.window_keep = ValueWriter(value_chars)._flat_window()[2:]
        self.events = []
        self.total_steps = 0
        self.frames = {}
        self.stopped = False
        self.user_settrace_calls = 0
        # The real sys.settrace: the program only ever sees a guarded stand-in.
        self.settrace = sys.settrace

    # sys.settrace entry point: decides per new frame whether to trace it.
    def global_trace(self, frame, event, arg):
        if self.stopped or frame.f_code.co_filename != PROGRAM_FILE:
            return None
        state = _FrameState(self._depth_of(frame), frame.f_code)
        self.frames[frame] = state
        self._record(frame, state, "call", self._changes(frame, state))
        return self._local_trace(state)

    def _local_trace(self, state):
        """The trace function of one frame, its state bound: this runs at every step."""
        finish_pending, record = self._finish_pending, self._record

        def local_trace(frame, event, arg):
            if self.stopped:
                return None
            try:
                finish_pending(frame, state)  # the previous line's effects are visible now
                if event == "line":
                    state.raised = False
                    state.pending = record(frame, state, "line", None)
                elif event == "return":
                    self._on_return(frame, state, arg)
                elif event == "exception":
                    state.raised = True
                    record(frame, state, "exception", None, error=_error_of(arg[1], frame.f_lineno))
            except MemoryError:
                self.stop()
                return None
            return None if self.stopped else local_trace

        return local_trace

    def _on_return(self, frame, state, value):
        unwinding = state.raised and frame.f_code.co_code[frame.f_lasti] not in _RETURN_OPCODES
        if unwinding:
            self._record(frame, state, "return", None, error={"type": "propagated", "message": ""})
        else:
            self._record(frame, state, "return", None, value=describe(value, self.value_chars))
        self.frames.pop(frame, None)

    def _depth_of(self, frame):
        parent = frame.f_back
        while parent is not None:
            state = self.frames.get(parent)
            if state is not None:
                return state.depth + 1
            parent = parent.f_back
        return 0

    def _record(self, frame, state, kind, changes, value=None, error=None):
        if self.total_steps >= self.max_steps:
            self.total_steps += 1
            self.stop()
            return None
        event = {
            "step": self.total_steps,
            "kind": kind,
            "line": frame.f_lineno,
            "function": frame.f_code.co_name,
            "depth": state.depth,
        }
        if changes:
            event["changes"] = changes
        if value is not None:
            event["value"] = value
        if error is not None:
            event["error"] = error
        self.events.append(event)
        self.total_steps += 1
        return event

    def _finish_pending(self, frame, state):
        event = state.pending
        if event is None:
            return
        state.pending = None
        changes = self._changes(frame, state)
        if changes:
            event["changes"] = changes

    def _changes(self, frame, state):
        previous = state.previous
        changes = []
        # Most names are unchanged at most steps: the identity checks come before anything else.
        for name, value in frame.f_locals.items():
            seen = previous.get(name)
            if seen is not None and seen[0] is value:
                if seen[1] is _HIDDEN or type(value) in _IMMUTABLE_TYPES or _unchanged(value, seen[3], self.window_keep):
                    continue
            elif _is_hidden(name, value, state.module_level):
                previous[name] = (value, _HIDDEN)
                continue
            described = describe(value, self.value_chars)
            shadow = _shadow(value, self.value_chars, self.window_keep)
            if seen is not None and seen[1] == described["repr"] and seen[2] == described["type"]:
                previous[name] = (value, seen[1], seen[2], shadow)
                continue
            previous[name] = (value, described["repr"], described["type"], shadow)
            changes.append({"name": name, **described})
        return changes

    def stop(self):
        """Step cap reached: stop recording but let the program run on untraced."""
        self.stopped = True
        self.settrace(None)
        frame = sys._getframe()
        while frame is not None:
            frame.f_trace = None
            frame = frame.f_back

    def finish(self):
        for frame, state in list(self.frames.items()):
            if not self.stopped:
                self._finish_pending(frame, state)
        self.frames.clear()


def _error_of(error, fallback_line=None):
    line = None
    tb = getattr(error, "__traceback__", None)
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == PROGRAM_FILE:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None and isinstance(error, SyntaxError) and error.filename == PROGRAM_FILE:
        line = error.lineno
    try:
        message = str(error) if type(error).__str__ in (BaseException.__str__, SyntaxError.__str__, KeyError.__str__, OSError.__str__) or _is_stdlib_type(type(error)) else ""
    except Exception:
        message = ""
    out = {"type": type(error).__qualname__, "message": _ADDRESS.sub("", message)[:2000]}
    if line is not None:
        out["line"] = line
    elif fallback_line is not None:
        out["line"] = fallback_line
    return out


# --------------------------------------------------------------------------- sessions


class Session:
    """One program run: captured output, a guarded sys.settrace, and the outcome rules."""

    def __init__(self, limits, stdin_text=""):
        self.limits = limits
        self.output_used = [0]
        self.stdout = CappedWriter(limits["maxOutputBytes"], self.output_used)
        self.stderr = CappedWriter(limits["maxOutputBytes"], self.output_used)
        self.stdin = io.StringIO(stdin_text)
        self.tracer = None

    def __enter__(self):
        self.saved = (sys.stdout, sys.stderr, sys.stdin, sys.settrace, sys.getrecursionlimit())
        sys.stdout, sys.stderr, sys.stdin = self.stdout, self.stderr, self.stdin
        sys.settrace = self._guarded_settrace
        import random

        random.seed(0)
        return self

    def __exit__(self, *exc):
        real_settrace = self.saved[3]
        real_settrace(None)
        sys.stdout, sys.stderr, sys.stdin, sys.settrace = self.saved[:4]
        sys.setrecursionlimit(self.saved[4])
        return False

    def _guarded_settrace(self, function):
        # The program may not switch the tracer off or replace it: that would corrupt the trace.
        if self.tracer is not None:
            self.tracer.user_settrace_calls += 1

    def new_globals(self):
        return {"__name__": "__main__", "__builtins__": builtins, "__file__": PROGRAM_FILE}

    def traced(self, run):
        tracer = self.tracer
        self.saved[3](tracer.global_trace)
        try:
            return run()
        finally:
            self.saved[3](None)
            tracer.finish()

    def output(self):
        return {
            "stdout": self.stdout.text(),
            "stderr": self.stderr.text(),
            "stdoutTruncated": self.stdout.truncated,
            "stderrTruncated": self.stderr.truncated,
        }


def _compile_program(program):
    return compile(program, PROGRAM_FILE, "exec", dont_inherit=True)


def _outcome_of_exception(error, session, board):
    if isinstance(error, OutputLimitExceeded) or session.stdout.truncated or session.stderr.truncated:
        return {"kind": "output-limit", "detail": f"output exceeded {session.limits['maxOutputBytes']} bytes"}
    # Only the watchdog's interrupt is a timeout: a program that raises KeyboardInterrupt raised it.
    if isinstance(error, KeyboardInterrupt) and board.interrupted_phase() == board.current_phase():
        return {"kind": "timeout", "detail": f"interrupted after {session.limits['timeoutMs']} ms"}
    if isinstance(error, MemoryError):
        return {"kind": "memory-limit", "error": _error_of(error), "detail": f"memory cap {session.limits['memoryMb']} MB"}
    if isinstance(error, SystemExit) and error.code in (None, 0) and session.script_mode:
        return {"kind": "returned", "value": describe(None, RESULT_CHARS)}
    return {"kind": "raised", "error": _error_of(error)}


_NOT_YET = object()

# After these, the interpreter may be in no state to run more: the rest go to a fresh sandbox.
_UNRECOVERABLE = frozenset(("timeout", "memory-limit", "crashed"))


def trace_runs(program, inputs, limits, emit, reset, board):
    """Traces one program on each input and emits one result per input. Between runs,
    `reset(reach)` puts the interpreter back to its clean state, checking the namespaces the
    program can reach (module_reach), and says whether it can go on; when it cannot, the job
    stops early and the host runs the remaining inputs in a fresh sandbox. Other programs never
    run in this interpreter."""
    code, failure = _compiled(lambda: _compile_program(program))
    reach = _NOT_YET  # computed when a second input needs a reset: most jobs trace one call
    table = semtrace_statements.statement_table(program) if code is not None else None
    for index, input_spec in enumerate(inputs):
        if index > 0:
            if reach is _NOT_YET:
                reach = module_reach(code) if code is not None else frozenset()
            if last_kind in _UNRECOVERABLE or not reset(reach):
                break
        board.enter(index)
        body = trace_program(code, failure, input_spec, limits, board)
        if table is not None:
            body.update(table)
        emit({"t": "result", "i": index, "result": body})
        last_kind = body["outcome"]["kind"]
    return {}


# Names through which code can get at modules or namespaces it did not import by name.
_ESCAPE_NAMES = frozenset((
    "__import__", "__builtins__", "__globals__", "__dict__", "__subclasses__", "__class__", "__base__",
    "__bases__", "__mro__", "__closure__", "__code__", "__self__", "__func__", "__module__", "__loader__",
    "__spec__", "__reduce__", "__reduce_ex__", "__getattribute__", "__setattr__", "__delattr__",
    "__objclass__", "__wrapped__", "f_globals", "f_locals", "f_back", "f_builtins", "gi_frame", "cr_frame",
    "ag_frame", "tb_frame", "globals", "locals", "vars", "getattr", "setattr", "delattr", "exec", "eval",
    "compile", "breakpoint", "sys", "builtins", "importlib", "gc", "inspect", "ctypes",
))


def module_reach(code):
    """The top-level names of the modules a program imports, if it names nothing that reaches
    further (_ESCAPE_NAMES, relative imports); None when it might reach any module."""
    reach = set()
    pending = [code]
    while pending:
        current = pending.pop()
        if not _ESCAPE_NAMES.isdisjoint(current.co_names):
            return None
        for instruction in dis.get_instructions(current):
            if instruction.opname == "IMPORT_NAME":
                reach.add(instruction.argval.split(".")[0])
        pending.extend(const for const in current.co_consts if isinstance(const, types.CodeType))
    return frozenset(reach)


def _compiled(compile_source):
    """(code, None), or (None, the syntax-error outcome) when the source does not compile."""
    try:
        return compile_source(), None
    except SyntaxError as error:
        return None, {"kind": "syntax-error", "error": _error_of(error)}
    except (ValueError, OverflowError, MemoryError) as error:  # null bytes, absurd literals
        return None, {"kind": "syntax-error", "error": {"type": type(error).__name__, "message": str(error)}}


def trace_program(code, failure, input_spec, limits, board):
    """Runs compiled program `code` on a call or stdin under the tracer; returns the trace body.
    `failure` is the program's syntax-error outcome, if it did not compile."""
    session = Session(limits, input_spec.get("stdin", ""))
    session.script_mode = input_spec["kind"] == "stdin"
    session.tracer = Tracer(limits["maxSteps"], limits["maxValueChars"])
    call_code = None
    if failure is None and not session.script_mode:
        call_code, failure = _compiled(lambda: compile(input_spec["call"], CALL_FILE, "eval", dont_inherit=True))
    if failure is not None:
        return _body(session, dict(failure))
    namespace = session.new_globals()
    with session:
        try:
            if session.script_mode:
                session.traced(lambda: exec(code, namespace))
                result = None
            else:
                exec(code, namespace)
                result = session.traced(lambda: eval(call_code, namespace))
            outcome = {"kind": "returned", "value": describe(result, RESULT_CHARS)}
            if session.stdout.truncated or session.stderr.truncated:
                outcome = {"kind": "output-limit", "value": outcome["value"]}
        except BaseException as error:  # the program's failure is data
            outcome = _outcome_of_exception(error, session, board)
    if session.tracer.stopped and outcome["kind"] in ("returned", "raised"):
        outcome = {**outcome, "kind": "step-limit", "detail": f"recording stopped at {limits['maxSteps']} steps"}
    return _body(session, outcome)


def _body(session, outcome):
    tracer = session.tracer
    body = {
        "outcome": outcome,
        "events": tracer.events,
        "totalSteps": tracer.total_steps,
        **session.output(),
        "python": sys.version.split()[0],
    }
    if tracer.user_settrace_calls:
        outcome.setdefault("detail", f"the program called sys.settrace {tracer.user_settrace_calls} time(s); ignored")
    return body


# --------------------------------------------------------------------------- executing tests
#
# The harness never judges. For each test it runs the program's part (a call, several calls,
# standard input, or an assertion that could not be taken apart) and reports what happened:
# the values returned, as restricted data a judge outside this process compares, or the
# exception raised. Expected outputs never come here.


_LITERAL_NAMES = {"inf": math.inf, "nan": math.nan, "infj": complex(0, math.inf), "nanj": complex(0, math.nan)}


def _eval_literal(text, namespace=None):
    """Test data is evaluated without Python's int-digit limit, which guards only str()."""
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return eval(text, namespace if namespace is not None else {"__builtins__": builtins, **_LITERAL_NAMES})
    finally:
        sys.set_int_max_str_digits(limit)


def _parse_args(text, namespace=None):
    stripped = text.strip()
    return _eval_literal(f"({stripped},)", namespace) if stripped else ()


# Bound when this module loads, before any program runs: a program may rebind builtins or
# patch `collections`, not what these names mean here.
_type, _map, _min, _max, _len, _set_of, _all = type, map, min, max, len, set, all
_isfinite, _is_integer = math.isfinite, float.is_integer
_dict_items = dict.items
_SAFE_INT = (1 << 53) - 1  # JavaScript's Number.MAX_SAFE_INTEGER: the host reads these as numbers
_WIRE_DEPTH = 100
_WIRE_NODES = 20_000_000
_PLAIN_ATOMS = frozenset((str, bool, type(None)))
_INT_AND_ATOMS = _PLAIN_ATOMS | {int}
_DICT_CLASSES = {}


def _bind_dict_classes():
    import collections

    _DICT_CLASSES.update({collections.Counter: "Counter", collections.OrderedDict: "OrderedDict", collections.defaultdict: "defaultdict"})


_bind_dict_classes()


class _Unwired(Exception):
    """A value too deep or too large to send as data."""


def _bare_float(value):
    # JSON cannot tell an integral float from an int; any other finite float goes as a number.
    return _isfinite(value) and not _is_integer(value)


def _float_wire(value):
    if value != value:
        return "nan"
    if value in (math.inf, -math.inf):
        return "inf" if value > 0 else "-inf"
    return value


def _wire_items(items, depth, budget):
    budget[0] -= _len(items)
    if budget[0] < 0:
        raise _Unwired("too large")
    kinds = _set_of(_map(_type, items))
    if kinds <= _PLAIN_ATOMS:
        return list(items)
    if kinds == {float} and _all(_map(_bare_float, items)):
        return list(items)
    if kinds <= _INT_AND_ATOMS:
        numbers = [item for item in items if _type(item) is int] if kinds != {int} else items
        if not numbers or (-_SAFE_INT <= _min(numbers) and _max(numbers) <= _SAFE_INT):
            return list(items)
    return [_wire(item, depth + 1, budget) for item in items]


def _wire(value, depth, budget):
    cls = _type(value)
    if cls is str or cls is bool or value is None:
        return value
    if cls is int:
        # Hexadecimal: conversion is linear in the digits, where decimal is quadratic.
        return value if -_SAFE_INT <= value <= _SAFE_INT else {"int": int.__format__(value, "x")}
    if cls is float:
        return value if _bare_float(value) else {"float": _float_wire(value)}
    if depth >= _WIRE_DEPTH:
        raise _Unwired("too deeply nested")
    if cls is list:
        return _wire_items(value, depth, budget)
    if cls is tuple:
        return {"tuple": _wire_items(value, depth, budget)}
    if cls is dict or cls in _DICT_CLASSES:
        budget[0] -= _len(value)
        if budget[0] < 0:
            raise _Unwired("too large")
        out = {"dict": [[_wire(key, depth + 1, budget), _wire(item, depth + 1, budget)] for key, item in _dict_items(value)]}
        if cls is not dict:
            out["class"] = _DICT_CLASSES[cls]
        return out
    if cls is set or cls is frozenset:
        return {cls.__name__: _wire_items(list(value), depth, budget)}
    if cls is bytes:
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if cls is complex:
        return {"complex": [_float_wire(value.real), _float_wire(value.imag)]}
    return _opaque(value, None)


def _opaque(value, reason):
    described = describe(value, DISPLAY_CHARS)["repr"]
    return {"opaque": type_name(value), "repr": described if reason is None else f"{described} ({reason})"}


def wire_value(value):
    """A value as restricted data for the judge outside this process: exact builtin types, all
    the way down, and the collections dicts that compare as dicts. Anything else, subclasses of
    builtins included, is opaque: its type name and a safe display repr, which equal nothing.
    Runs no code of the program (no __eq__, __iter__ or __repr__ of its classes)."""
    try:
        return _wire(value, 0, [_WIRE_NODES])
    except (_Unwired, RecursionError, MemoryError) as error:
        return _opaque(value, str(error) or type(error).__name__)


def execute_program(program, entry_point, tests, limits, emit, board):
    """Runs each test's part of the program and emits one observation per test, in order, until
    the tests run out or the watchdog asks it to stop."""
    board.enter(semtrace_protocol.LOAD)
    session = Session(limits)
    session.script_mode = False
    session.tracer = Tracer(0, limits["maxValueChars"])
    try:
        code = _compile_program(program)
    except (SyntaxError, ValueError, OverflowError, MemoryError) as error:
        return {"loadError": _error_of(error)}
    namespace = session.new_globals()
    if any(test["kind"] != "stdin" for test in tests):
        with session:
            try:
                exec(code, namespace)
            except BaseException as error:
                return {"loadError": _error_of(error), **_interruption(error, board)}
    for index, test in enumerate(tests):
        if board.stop_requested():
            break
        emit({"t": "result", "i": index, "result": _run_test(code, namespace, entry_point, test, limits, index, board)})
    board.enter(semtrace_protocol.prepare_phase(len(tests)))
    return {}


def _interruption(error, board):
    """Marks a KeyboardInterrupt that the watchdog sent, as opposed to one the program raised."""
    return {"interrupted": True} if isinstance(error, KeyboardInterrupt) and board.interrupted_phase() == board.current_phase() else {}


def _run_test(code, namespace, entry_point, test, limits, index, board):
    """Only the program's own work is timed against the test's limit: parsing test data and
    describing results run in the phases around the call, with budgets of their own."""
    session = Session(limits, test.get("stdin", ""))
    session.script_mode = test["kind"] == "stdin"
    observation = {"durationMs": 0.0}
    timer = _CallTimer(index, board, observation)
    if index == 0:  # later tests are prepared in the phase the previous call's end started
        timer.prepare()
    with session:
        outcomes = _TEST_KINDS[test["kind"]](code, namespace, entry_point, test, timer, session)
    observation["outcomes"] = [_observed(outcome, limits, board) for outcome in outcomes]
    observation["stdoutTruncated"] = session.stdout.truncated
    if session.script_mode:
        observation["stdout"] = session.stdout.text()[:RESULT_CHARS]
    return observation


def _returned(value):
    return ("returned", value)


def _attempt(run):
    """('returned', value) or ('raised', error), whatever the program raises."""
    try:
        return _returned(run())
    except BaseException as error:  # the program's failure is data
        return ("raised", error)


def _call_test(code, namespace, entry_point, test, timer, session):
    prepared = _attempt(lambda: (_entry_function(namespace, entry_point), _parse_args(test["args"])))
    if prepared[0] == "raised":
        return [prepared]
    function, args = prepared[1]
    return [timer.call(lambda: _attempt(lambda: function(*args)))]


def _calls_test(code, namespace, entry_point, test, timer, session):
    """An assertion test taken apart into calls: its imports run first, then each call, in the
    program's namespace as the assertion would have; the first call that raises ends it."""

    def run_calls():
        outcomes = []
        setup = _attempt(lambda: exec(compile(test.get("setup", ""), "<test>", "exec", dont_inherit=True), namespace))
        if setup[0] == "raised":
            return [setup]
        function = _attempt(lambda: _entry_function(namespace, entry_point))
        if function[0] == "raised":
            return [function]
        for args in test["calls"]:
            outcome = _attempt(lambda: function[1](*_parse_args(args, namespace)))
            outcomes.append(outcome)
            if outcome[0] == "raised":
                break
        return outcomes

    return timer.call(run_calls)


def _assert_test(code, namespace, entry_point, test, timer, session):
    compiled = _attempt(lambda: compile(test["code"], "<test>", "exec", dont_inherit=True))
    if compiled[0] == "raised":
        return [compiled]
    return [timer.call(lambda: _attempt(lambda: exec(compiled[1], namespace)))]


def _stdin_test(code, namespace, entry_point, test, timer, session):
    outcome = timer.call(lambda: _attempt(lambda: exec(code, session.new_globals())))
    if outcome[0] == "raised" and isinstance(outcome[1], SystemExit) and outcome[1].code in (None, 0):
        return [_returned(None)]  # exiting with status 0 is how a script may end; its output decides
    return [outcome]


_TEST_KINDS = {"call": _call_test, "calls": _calls_test, "assert": _assert_test, "stdin": _stdin_test}


def _entry_function(namespace, entry_point):
    function = namespace.get(entry_point)
    if function is None:
        raise NameError(f"name '{entry_point}' is not defined")
    return function


def _observed(outcome, limits, board):
    kind, payload = outcome
    if kind == "returned":
        return {"outcome": "returned", "value": wire_value(payload), "display": describe(payload, limits["maxValueChars"])}
    return {"outcome": "raised", "error": _error_of(payload), **_interruption(payload, board)}


class _CallTimer:
    """Moves the board between test i's call (phase i, timed against its limit) and the phase
    after it, which reports test i and prepares test i + 1."""

    def __init__(self, index, board, observation):
        self.index, self.board, self.observation = index, board, observation

    def prepare(self):
        self.board.enter(semtrace_protocol.prepare_phase(self.index))

    def call(self, run):
        self.board.enter(self.index)
        started = time.perf_counter()
        try:
            return run()
        finally:
            self.observation["durationMs"] = round((time.perf_counter() - started) * 1000, 3)
            self.board.enter(semtrace_protocol.prepare_phase(self.index + 1))


class PhaseBoard:
    """Where the harness posts the phase it is in, each phase once (semtrace_protocol.json).
    A watchdog outside the harness samples it to enforce each phase's deadline, interrupts a
    phase by naming it, so an interrupt that arrives after its phase ended cannot hit the next
    one, and can ask the harness to stop before its next test. This base posts nowhere and lets
    every interrupt through; each runtime's board shares memory with its watchdog."""

    def enter(self, phase):
        pass

    def interrupted_phase(self):
        """The phase the watchdog last asked to interrupt."""
        return None

    def current_phase(self):
        return None

    def stop_requested(self):
        return False


def _interrupt_handler(board):
    # Preparing and reporting (phases below the load phase) are not the program's time: their
    # deadline kills the sandbox instead, so an interrupt never lands in the harness's own code.
    def on_interrupt(signum, frame):
        current = board.current_phase()
        if current is None or (current >= semtrace_protocol.LOAD and board.interrupted_phase() == current):
            raise KeyboardInterrupt

    return on_interrupt


def run_job(job, emit, reset, board=None):
    """The entry point both runtimes call: a `trace`, `execute` or `script` job of one program, as a dict.
    `reset(reach)` restores the interpreter between the runs of a trace job and says whether it
    can go on."""
    board = board or PhaseBoard()
    payload = job["payload"]
    on_interrupt = _interrupt_handler(board)

    def reset_keeping_handler(reach):
        can_go_on = reset(reach)  # puts back the default SIGINT handler with the rest
        signal.signal(signal.SIGINT, on_interrupt)
        return can_go_on

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        if job["kind"] == "script":
            import semtrace_script

            return semtrace_script.run_script(payload, emit, board)
        if job["kind"] == "trace":
            return trace_runs(payload["program"], payload["inputs"], payload["limits"], emit, reset_keeping_handler, board)
        return execute_program(payload["program"], payload["entryPoint"], payload["tests"], payload["limits"], emit, board)
    finally:
        signal.signal(signal.SIGINT, previous)

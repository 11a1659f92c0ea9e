"""Interpreter state that a program can leave behind, and putting it back.

Both runtimes snapshot once, when their interpreter is set up (Pyodide: at worker start;
CPython: in the fork server, so every forked job inherits the snapshot for free), and restore
after a program has run: between the calls of one batched trace job, and in Pyodide after
every job. The module table, every module's namespace, the files under the writable folders,
the working directory, environment, import paths, recursion limit, signal handlers and
timers all go back to how they were, so no import, monkey-patch, file or alarm outlives the
run that made it. Between the calls of one program, only the namespaces that program can
reach are checked (see `restore`), since checking them all costs as much as a traced call.
"""

import operator
import os
import signal

# The raw handlers: `signal`'s own wrappers convert every value to an enum, which costs more
# than the rest of a reset.
import _signal
import sys
import threading
import types

_MISSING = object()
_snapshot = {}

# Loaded before the snapshot, so that they stay loaded: a restore removes every module imported
# after it, and importing `typing` again costs more than tracing a typical call.
_PRELOADED = (
    "array", "bisect", "cmath", "collections", "copy", "dataclasses", "datetime", "decimal", "enum",
    "fractions", "functools", "hashlib", "heapq", "itertools", "json", "math", "numbers", "operator",
    "random", "re", "statistics", "string", "textwrap", "typing", "unicodedata",
)


def preload():
    for name in _PRELOADED:
        try:
            __import__(name)
        except ImportError:  # a runtime built without it
            pass


def snapshot(writable_roots=()):
    preload()
    _snapshot["table"] = _DictSnapshot("sys.modules", sys.modules)
    namespaces = ((name, getattr(module, "__dict__", None)) for name, module in sys.modules.items())
    _snapshot["dicts"] = [_DictSnapshot(name, namespace) for name, namespace in namespaces if type(namespace) is dict]
    _snapshot["roots"] = tuple(writable_roots)
    _snapshot["files"] = _list_files(_snapshot["roots"])
    _snapshot["cwd"] = os.getcwd()
    _snapshot["environ"] = dict(os.environ)
    _snapshot["path"] = list(sys.path)
    _snapshot["meta_path"] = list(sys.meta_path)
    _snapshot["recursion"] = sys.getrecursionlimit()
    _snapshot["signals"] = _signal_handlers()
    _snapshot["within"] = {}


def reset_between_runs(reach):
    """Restores the snapshot between two runs of a batch (see `restore` for `reach`) and says
    whether the interpreter can run the next one."""
    restore(reach)
    return can_restore()


def can_restore():
    """False while a thread the program started is alive: it would act in the next run."""
    return threading.active_count() <= 1


def restore(reach=None):
    """Puts the snapshot back. `reach`: the names of the modules a program imports, when it can
    reach no others (see semtrace_tracer.module_reach); only their namespaces, and those of
    their submodules, builtins and sys, are then checked. None checks every namespace."""
    _restore_modules(reach)
    sys.path[:] = _snapshot["path"]
    sys.meta_path[:] = _snapshot["meta_path"]
    sys.setrecursionlimit(_snapshot["recursion"])
    os.chdir(_snapshot["cwd"])
    if os.environ != _snapshot["environ"]:
        os.environ.clear()
        os.environ.update(_snapshot["environ"])
    _restore_signals()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _restore_files()


def _signal_handlers():
    handlers = {}
    for number in _catchable_signals():
        try:
            handlers[number] = _signal.getsignal(number)
        except (OSError, ValueError):
            pass
    return handlers


def _catchable_signals():
    # SIGINT is the host's interrupt: it always raises KeyboardInterrupt in the program.
    fixed = (signal.SIGINT, signal.SIGKILL, getattr(signal, "SIGSTOP", None))
    return [number for number in getattr(signal, "valid_signals", lambda: ())() if number not in fixed]


def _restore_signals():
    if hasattr(signal, "setitimer"):
        for timer in ("ITIMER_REAL", "ITIMER_VIRTUAL", "ITIMER_PROF"):
            if hasattr(signal, timer):
                signal.setitimer(getattr(signal, timer), 0)
    for number, handler in _snapshot["signals"].items():
        try:
            if _signal.getsignal(number) is not handler and handler is not None:
                _signal.signal(number, handler)
        except (OSError, ValueError, TypeError):
            pass


def _list_files(roots):
    found = set()
    for root in roots:
        for folder, _, files in os.walk(root):
            found.add(folder)
            found.update(os.path.join(folder, name) for name in files)
    return found


def _restore_files():
    baseline = _snapshot["files"]
    for root in _snapshot["roots"]:
        for folder, dirs, files in os.walk(root, topdown=False):
            for name in files + [name for name in dirs if os.path.islink(os.path.join(folder, name))]:
                path = os.path.join(folder, name)
                if path not in baseline:
                    os.remove(path)
            if folder not in baseline:
                os.rmdir(folder)


class _DictSnapshot:
    """A namespace and its saved contents; the keys and values as tuples for a C-speed check."""

    __slots__ = ("name", "namespace", "saved", "keys", "values")

    def __init__(self, name, namespace):
        self.name = name
        self.namespace = namespace
        self.saved = dict(namespace)
        self.keys = tuple(self.saved)
        self.values = tuple(self.saved.values())

    def unchanged(self):
        # Identity only: comparing with == could run a program's __eq__.
        namespace = self.namespace
        return (
            len(namespace) == len(self.keys)
            and all(map(operator.is_, namespace, self.keys))
            and all(map(operator.is_, namespace.values(), self.values))
        )


def _restore_modules(reach):
    for entry in [_snapshot["table"], *(_snapshot["dicts"] if reach is None else _within(reach))]:
        if not entry.unchanged():
            _restore_dict(entry.namespace, entry.saved)


def _within(reach):
    """The saved namespaces of the reached modules, their submodules and every module reachable
    from those through module attributes (`os` reaches `posixpath` as `os.path`)."""
    cache = _snapshot["within"]
    key = frozenset(reach)
    if key not in cache:
        roots = {"builtins", "sys", *reach}
        modules = _snapshot["table"].saved
        pending = [module for name, module in modules.items() if name.split(".")[0] in roots]
        names = {id(module): name for name, module in modules.items()}
        seen = set()
        while pending:
            module = pending.pop()
            if id(module) in seen or id(module) not in names:
                continue
            seen.add(id(module))
            pending.extend(value for value in getattr(module, "__dict__", {}).values() if isinstance(value, types.ModuleType))
        reached = {names[module_id] for module_id in seen}
        cache[key] = [entry for entry in _snapshot["dicts"] if entry.name in reached]
    return cache[key]


def _restore_dict(current, saved):
    for key, value in saved.items():
        if current.get(key, _MISSING) is not value:
            current[key] = value
    # Every saved key is back, so a longer dict holds keys the program added.
    if len(current) != len(saved):
        for key in [key for key in current if key not in saved]:
            del current[key]
